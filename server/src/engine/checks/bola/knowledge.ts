/** What the BOLA checks share: how guessable an identifier is, whose identity a name carries. */
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { words } from '../words';

/** How an identifier can be guessed: a number (sequential), or a string nothing declares random. */
export type Guessable = 'integer' | 'numeric-string' | 'string';

/** Formats whose values are random by construction. */
const RANDOM_FORMATS = new Set(['uuid', 'guid', 'ulid']);
const INTEGER_FORMATS = new Set(['int32', 'int64', 'integer', 'long']);
/** A pattern that admits digits only, such as `^[0-9]+$` or `^\d{1,10}$`. */
const DIGITS_ONLY = /^\^?(?:\\d|\[0-9\])(?:[+*]|\{\d+(?:,\d*)?\})\$?$/;

/**
 * Whether values of `schema` (refs followed) are guessable: integers, digit strings, or strings with no random format,
 * pattern, enum or const. Arrays answer for their items. Untyped or composed schemas are not judged.
 */
export function guessable(files: FileSet, schema: SpecNode | undefined): Guessable | undefined {
  if (!schema || !isObject(schema.value)) return undefined;
  const types = schemaTypes(schema);
  if (types.includes('array')) {
    const itemSchema = child(schema, 'items');
    return itemSchema ? guessable(files, files.deref(itemSchema)) : undefined;
  }
  const value = schema.value;
  if ('enum' in value || 'const' in value) return undefined;
  if (types.includes('integer') || types.includes('number')) return 'integer';
  if (!types.includes('string')) return undefined;
  const format = typeof value.format === 'string' ? value.format.toLowerCase() : undefined;
  if (format && RANDOM_FORMATS.has(format)) return undefined;
  if (format && INTEGER_FORMATS.has(format)) return 'numeric-string';
  if (typeof value.pattern === 'string') return DIGITS_ONLY.test(value.pattern) ? 'numeric-string' : undefined;
  return 'string';
}

/** `userUuid`, `device_guid`: the name itself says the identifier is random. */
export function namesRandomId(name: string): boolean {
  const all = words(name);
  const last = all[all.length - 1];
  return last === 'uuid' || last === 'guid' || last === 'ulid';
}

/** Nouns whose id names the caller: the person or tenant a credential already identifies. */
const CALLER_NOUNS = new Set(['user', 'owner', 'account', 'customer', 'member', 'tenant', 'caller', 'requester', 'requestor', 'principal']);
/** Words before the noun that still mean the caller: `currentUserId`, `my_account_id`, header `X-User-Id`. */
const CALLER_QUALIFIERS = new Set(['x', 'current', 'my', 'me', 'self', 'own', 'logged', 'requesting', 'authenticated']);

/** The caller noun of a name like `userId`, `owner_id`, `X-Tenant-ID` or `currentUserId`; undefined for `orderId` or `parentUserId`. */
export function callerNoun(name: string): string | undefined {
  if (!/id$/i.test(name)) return undefined;
  const w = words(name);
  if (w.length < 2 || w[w.length - 1] !== 'id') return undefined;
  const noun = w[w.length - 2];
  if (!CALLER_NOUNS.has(noun)) return undefined;
  return w.slice(0, -2).every((q) => CALLER_QUALIFIERS.has(q)) ? noun : undefined;
}

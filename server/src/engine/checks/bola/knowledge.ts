/** What the BOLA checks share: how guessable an identifier is, whose identity a name carries. */
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { endsWithWords, words } from '../words';

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

/** Nouns of collections of people, whose members a username or an email address selects. */
export const PEOPLE_NOUNS: ReadonlySet<string> = new Set([
  'user', 'member', 'customer', 'cardholder', 'account', 'person', 'people', 'contact', 'employee', 'subscriber',
  'recipient', 'author', 'profile', 'owner', 'seller', 'buyer', 'patient', 'student', 'driver', 'collaborator',
]);

/** A user identifier other than an id: what it is called in messages, and whose it is. */
export interface Identity { label: string; noun: 'user' | 'account' }

/** The words of identifiers that name a person or an account without being an id. */
const IDENTITIES: { words: string[]; identity: Identity }[] = [
  ...[['username'], ['user', 'name'], ['user', 'login'], ['login'], ['screen', 'name'], ['handle'], ['user', 'handle']]
    .map((w) => ({ words: w, identity: { label: 'username', noun: 'user' as const } })),
  ...[['email'], ['email', 'address'], ['user', 'email'], ['user', 'email', 'address']]
    .map((w) => ({ words: w, identity: { label: 'email address', noun: 'user' as const } })),
  ...[['account', 'number'], ['account', 'no'], ['account', 'num'], ['acct', 'no'], ['acct', 'number']]
    .map((w) => ({ words: w, identity: { label: 'account number', noun: 'account' as const } })),
];

/**
 * The identity a name carries when it names a user other than by id (`username`, `user_name`, `login`, `handle`,
 * `email`, `accountNumber`, `X-User-Email`, `current_username`); undefined for `ownerEmail` or `recipient_email`,
 * which name someone else on purpose.
 */
export function identityName(name: string): Identity | undefined {
  const w = words(name);
  for (const { words: tail, identity } of IDENTITIES) {
    if (!endsWithWords(w, tail)) continue;
    if (w.slice(0, w.length - tail.length).every((q) => CALLER_QUALIFIERS.has(q))) return identity;
  }
  return undefined;
}

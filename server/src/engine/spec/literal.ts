/** Which keys of an OpenAPI document hold literal data rather than schemas, parameters or references, and reading it. */
import type { SpecNode } from './load';
import { isObject } from './model';
import type { SourceFile } from './source';
import { memoize } from '../memo';

const LITERAL_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * Keys whose values are literal data, read as data and never as schemas, parameters or references: examples,
 * defaults, enumerations, constants and extension payloads. (A schema's `properties` map may use the same words as
 * property names: a walk that enters it tells the two apart.)
 */
export function isLiteralKey(key: string): boolean {
  return LITERAL_KEYS.has(key) || key.startsWith('x-');
}

/** The keys whose holders whole-document scans read: references, parameters, schemas with properties or parts. */
const SCANNED_KEYS = new Set(['$ref', 'name', 'properties', 'allOf']);

/**
 * Every object of a file outside literal data that holds `$ref`, `name`, `properties` or `allOf`, each once (a YAML
 * alias is one object): depth first, each before what it holds. One walk per file, shared by whatever scans the whole
 * document (fixes choosing a value the document writes elsewhere, or checking how a schema is used); most objects of
 * a document hold none of those keys, and the scans read no others.
 */
export const scannedObjects = memoize((file: SourceFile): readonly Record<string, unknown>[] => {
  const found: Record<string, unknown>[] = [];
  // a value without aliases is a tree: no object is reached twice
  const aliases = file.locations.aliases !== false;
  const seen = new Set<object>();
  // only objects are stacked, and keys are read without entry pairs: this walk visits every value of a 4 MB document
  const stack: object[] = isObjectLike(file.value) ? [file.value] : [];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (aliases) {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (Array.isArray(value)) {
      for (const item of value) if (isObjectLike(item)) stack.push(item);
      continue;
    }
    let scanned = false;
    for (const key in value) {
      if (SCANNED_KEYS.has(key)) scanned = true;
      const child = (value as Record<string, unknown>)[key];
      if (isObjectLike(child) && !isLiteralKey(key)) stack.push(child);
    }
    if (scanned) found.push(value as Record<string, unknown>);
  }
  return found;
});

function isObjectLike(value: unknown): value is object { return value !== null && typeof value === 'object'; }

/** An example written elsewhere (`$ref` in an `examples` map): its value cannot be read where it is referenced. */
const UNREADABLE: unique symbol = Symbol('unreadable example');

const NO_SAMPLES: readonly unknown[] = [];

/**
 * The sample values written on a node: `example`, `default`, each item of a 3.1 `examples` list, and the `value` of
 * each entry of a parameter's `examples` map (UNREADABLE for a referenced one).
 */
function samplesOf(node: SpecNode | undefined): readonly unknown[] {
  if (!node || !isObject(node.value)) return NO_SAMPLES;
  const value = node.value;
  // most schemas have none: checks ask of every field they read
  if (!('example' in value) && !('default' in value) && value.examples === undefined) return NO_SAMPLES;
  const samples: unknown[] = [];
  if ('example' in value) samples.push(value.example);
  if ('default' in value) samples.push(value.default);
  const examples = value.examples;
  if (Array.isArray(examples)) samples.push(...examples);
  else if (isObject(examples)) samples.push(...Object.values(examples).map((e) => (isObject(e) && !('$ref' in e) ? e.value : UNREADABLE)));
  return samples;
}

/** Whether a sample passes `test`: each item of a list of values (a list parameter's sample), or the value itself. */
function sampleIs(sample: unknown, test: (value: unknown) => boolean): boolean {
  return sample !== UNREADABLE && (Array.isArray(sample) ? sample.every(test) : test(sample));
}

/** Whether every sample written on `node` passes `test` (see samplesOf; an unreadable one fails). */
export function samplesAre(node: SpecNode | undefined, test: (value: unknown) => boolean): boolean {
  return samplesOf(node).every((sample) => sampleIs(sample, test));
}

/** Whether some sample written on `node` passes `test` (see samplesOf). */
export function someSampleIs(node: SpecNode | undefined, test: (value: unknown) => boolean): boolean {
  return samplesOf(node).some((sample) => sampleIs(sample, test));
}

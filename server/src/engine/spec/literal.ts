/** Which keys of an OpenAPI document hold literal data rather than schemas, parameters or references. */

const LITERAL_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

/**
 * Keys whose values are literal data, read as data and never as schemas, parameters or references: examples,
 * defaults, enumerations, constants and extension payloads. (A schema's `properties` map may use the same words as
 * property names: a walk that enters it tells the two apart.)
 */
export function isLiteralKey(key: string): boolean {
  return LITERAL_KEYS.has(key) || key.startsWith('x-');
}

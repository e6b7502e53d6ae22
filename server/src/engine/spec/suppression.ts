/**
 * Suppression of spec findings in the document itself: `x-api-sentinel-ignore: { rule-id: reason }` on the flagged
 * object or any object above it in the same file, and the suggestion that writes one.
 */
import type { Finding, Fix } from '../types';
import { insertEntry } from '../edit/edits';
import { IGNORE_KEY } from './extensions';
import { isObject } from './model';
import type { SourceFile } from './source';

/** An `x-api-sentinel-ignore: { rule-id: reason }` on the flagged object or any object above it in the same file. */
export function findSuppression(file: SourceFile, path: (string | number)[], ruleId: string): Finding['suppressed'] {
  let value: unknown = file.value;
  const containers: { value: object; depth: number }[] = [];
  for (let depth = 0; depth <= path.length && value !== null && typeof value === 'object'; depth++) {
    containers.push({ value, depth });
    if (depth < path.length) value = (value as Record<string | number, unknown>)[path[depth]];
  }
  for (let i = containers.length - 1; i >= 0; i--) {
    const c = containers[i].value as Record<string, unknown>;
    const ignore = c[IGNORE_KEY];
    if (!isObject(ignore) || !(ruleId in ignore)) continue;
    const reason = ignore[ruleId];
    return {
      kind: 'inSource',
      justification: typeof reason === 'string' ? reason : '',
      location: { file: file.relPath, range: file.rangeOf(ignore, ruleId, 'key') },
    };
  }
  return undefined;
}

/** Keys whose mapping values are maps of names or requirement objects, where an `x-` key would change meaning. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'scopes', 'mapping', 'variables', 'definitions', 'schemas', 'securitySchemes', 'securityDefinitions']);

/** The reason a suppression suggestion writes: suppression-reason-missing reports it until the author replaces it. */
export const SUPPRESSION_PLACEHOLDER = 'TODO: say why this is accepted';
/** The reason a "mark as public" suggestion writes, reported the same way. */
export const PUBLIC_PLACEHOLDER = 'TODO: say why anyone may call this';
/** The texts suggestions write where only the author can give the reason: an editor may ask for it at once. */
export const REASON_PLACEHOLDERS: readonly string[] = [SUPPRESSION_PLACEHOLDER, PUBLIC_PLACEHOLDER];

/**
 * A suggestion that suppresses one finding: `x-api-sentinel-ignore` on the nearest object above the flagged place
 * that may carry extensions (never inside a security requirement or a map of property names).
 */
export function suppressionFix(file: SourceFile, path: (string | number)[], ruleId: string): Fix | undefined {
  const values: unknown[] = [file.value];
  for (const key of path) {
    const parent = values[values.length - 1];
    if (parent === null || typeof parent !== 'object') break;
    values.push((parent as Record<string | number, unknown>)[key]);
  }
  for (let depth = values.length - 1; depth >= 0; depth--) {
    const value = values[depth];
    if (!isObject(value)) continue;
    const own = depth > 0 ? path[depth - 1] : undefined;
    const parentKey = depth > 1 ? path[depth - 2] : undefined;
    if (typeof own === 'string' && (NAME_MAPS.has(own) || own.startsWith('x-'))) continue;
    if (typeof own === 'number' && (parentKey === 'security' || parentKey === 'required' || parentKey === 'enum')) continue;
    const existing = value[IGNORE_KEY];
    try {
      const edit = isObject(existing)
        ? (ruleId in existing ? undefined : insertEntry(file, existing, ruleId, SUPPRESSION_PLACEHOLDER))
        : existing === undefined ? insertEntry(file, value, IGNORE_KEY, { [ruleId]: SUPPRESSION_PLACEHOLDER }) : undefined;
      return edit && { title: `Suppress ${ruleId} here (give the reason)`, kind: 'suggestion', edits: [edit] };
    } catch { return undefined; }
  }
  return undefined;
}

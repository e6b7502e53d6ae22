/**
 * One identity for a finding, stable across revisions: the rule, the file and the anchor (a JSON pointer in a spec;
 * a route key or symbol path in code), never a line number. SARIF fingerprints, code actions, the language server's
 * result differences, baselines and branch comparisons all use it.
 */
import type { Finding } from './types';

export function findingKey(finding: Pick<Finding, 'ruleId' | 'file' | 'anchor'>): string {
  return `${finding.ruleId}\u0000${finding.file}\u0000${finding.anchor}`;
}

/** An RFC 6901 JSON pointer to a place in a parsed file: `["paths", "/users", "get"]` is `/paths/~1users/get`. */
export function jsonPointer(path: readonly (string | number)[]): string {
  let pointer = '';
  for (const segment of path) pointer += `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return pointer;
}

export interface Comparison<T> {
  /** In head, not in base: what a change brought. */
  added: T[];
  /** In both (by identity), as head has them. */
  unchanged: T[];
  /** In base, not in head: what a change fixed. */
  fixed: T[];
}

/**
 * Findings of two revisions compared by identity. Identities are counted, so two findings with one identity in head
 * and one in base leave one as new.
 */
export function compare<T extends Pick<Finding, 'ruleId' | 'file' | 'anchor'>>(base: readonly T[], head: readonly T[]): Comparison<T> {
  const remaining = new Map<string, T[]>();
  for (const finding of base) {
    const key = findingKey(finding);
    const list = remaining.get(key);
    if (list) list.push(finding); else remaining.set(key, [finding]);
  }
  const added: T[] = [];
  const unchanged: T[] = [];
  for (const finding of head) {
    const list = remaining.get(findingKey(finding));
    if (list && list.length > 0) { list.shift(); unchanged.push(finding); } else added.push(finding);
  }
  const fixed = [...remaining.values()].flat();
  return { added, unchanged, fixed };
}

/** Documentation text: what a check may read of the prose an author wrote for humans. */
import type { SpecNode } from './load';
import { isObject } from './model';

/** The keys whose string values are documentation rather than contract. */
export type ProseKey = 'description' | 'summary' | 'title';

/**
 * The documentation string under `key` of an object node, if it has one. Every check and fix that reads prose reads
 * it here, and only here: a finding that depends on a description must be recomputed when the description changes,
 * so this is the one place that knows such reads happen.
 */
export function proseOf(node: SpecNode | undefined, key: ProseKey): string | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const value = node.value[key];
  return typeof value === 'string' ? value : undefined;
}

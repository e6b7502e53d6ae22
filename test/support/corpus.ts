/** The large public specs in ../shared/corpus, beside the repository in the project's own checkouts only. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus');

/** A corpus spec's path, and the reason to skip a test on it (node:test's `skip`) when it is absent. */
export function corpusSpec(name: string): { path: string; skip: string | false } {
  const path = join(CORPUS, name);
  return { path, skip: existsSync(path) ? false : `${name} is not in the corpus beside the repository (${CORPUS})` };
}

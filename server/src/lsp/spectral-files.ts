import * as fs from 'node:fs';
import * as path from 'node:path';

export const SPECTRAL_RULESET_FILES = ['.spectral.yaml', '.spectral.yml', '.spectral.json'];

/** The workspace's own Spectral ruleset file, if it has one. */
export function findRuleset(root: string): string | undefined {
  return SPECTRAL_RULESET_FILES.map((name) => path.join(root, name)).find((p) => fs.existsSync(p));
}

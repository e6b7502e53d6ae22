/** Runs the engine on files from disk, as the CLI does (route code included), for tests. */
import { readFileSync } from 'node:fs';
import { analyze } from '../../server/src/engine/analyze';
import { codeFrontend } from '../../server/src/engine/code/frontend';
import type { Config } from '../../server/src/engine/config';
import { CHECKS } from '../../server/src/engine/checks';
import type { AnalysisResult } from '../../server/src/engine/types';

export const diskReader = {
  read(path: string): string | undefined {
    try { return readFileSync(path, 'utf8'); } catch { return undefined; }
  },
};

export function review(root: string, files: string[], config?: Config): Promise<AnalysisResult> {
  return analyze({ root, files, explicit: new Set(files), reader: diskReader, config, frontends: { code: codeFrontend } });
}

/** The checks that compare a spec with code (they need both): the inventory family's spec-only rules are not among them. */
export const correlating: ReadonlySet<string> = new Set(
  CHECKS.filter((c) => c.meta.needs.includes('spec') && c.meta.needs.includes('code')).map((c) => c.meta.id),
);

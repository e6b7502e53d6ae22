/** Runs the engine on files from disk, as the CLI does (route code included), for tests. */
import { readFileSync } from 'node:fs';
import { analyze } from '../../server/src/engine/analyze';
import { codeFrontend } from '../../server/src/engine/code/frontend';
import type { Config } from '../../server/src/engine/config';
import type { AnalysisResult } from '../../server/src/engine/types';

export const diskReader = {
  read(path: string): string | undefined {
    try { return readFileSync(path, 'utf8'); } catch { return undefined; }
  },
};

export function review(root: string, files: string[], config?: Config): Promise<AnalysisResult> {
  return analyze({ root, files, explicit: new Set(files), reader: diskReader, config, frontends: { code: codeFrontend } });
}

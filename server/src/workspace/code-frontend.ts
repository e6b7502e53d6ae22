/**
 * The code frontend as the CLI and the language server's worker run it: its bundle (`code-frontend.js`, beside theirs,
 * which holds the TypeScript compiler) is loaded only when a review's candidates hold route code, so a review of
 * specs alone never loads it. Its compiled code is kept between runs (`code-cache.ts`).
 */
import * as path from 'node:path';
import { hasCodeCandidates, type Frontend } from '../engine';
import { loadBundle, type LoadedBundle } from './code-cache';

const BUNDLE = 'code-frontend.js';

let loaded: { bundle: LoadedBundle; frontend: Frontend } | undefined;

export const codeFrontend: Frontend = {
  need: 'code',
  claims: hasCodeCandidates,
  async load(request) {
    try {
      if (!loaded) {
        const bundle = loadBundle(path.join(__dirname, BUNDLE));
        loaded = { bundle, frontend: (bundle.exports as { codeFrontend: Frontend }).codeFrontend };
      }
    } catch (error) {
      const why = String((error as Error)?.message ?? error).split('\n')[0];
      return {
        problems: [{ file: '', severity: 'error', code: 'code-analysis-unavailable', message: `Route code was not reviewed: ${BUNDLE} cannot be loaded from beside ${path.basename(__filename)} (${why})` }],
        inputs: [],
      };
    }
    const result = await loaded.frontend.load(request);
    // after the first analysis, so that the code it compiled (the parser, the extractors) is kept too
    loaded.bundle.keep();
    return result;
  },
};

/**
 * The code frontend as the CLI and the language server's worker run it: its bundle (`code-frontend.js`, beside theirs,
 * which holds the TypeScript compiler) is loaded only when a review's candidates hold route code, so a review of
 * specs alone never loads it.
 */
import * as path from 'node:path';
import { codeCandidates, type Frontend } from '../engine';

const BUNDLE = 'code-frontend.js';

let loaded: Frontend | undefined;

export const codeFrontend: Frontend = {
  need: 'code',
  claims: (request) => codeCandidates(request).length > 0,
  async load(request) {
    try {
      loaded ??= (require(path.join(__dirname, BUNDLE)) as { codeFrontend: Frontend }).codeFrontend;
    } catch (error) {
      const why = String((error as Error)?.message ?? error).split('\n')[0];
      return {
        problems: [{ file: '', severity: 'error', code: 'code-analysis-unavailable', message: `Route code was not reviewed: ${BUNDLE} cannot be loaded from beside ${path.basename(__filename)} (${why})` }],
        inputs: [],
      };
    }
    return loaded.load(request);
  },
};

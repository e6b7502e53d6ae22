/**
 * The `api-sentinel` command as installed: loads the command line's bundle (`cli-main.js`, beside this one) with V8's
 * compiled code kept between runs (`code-cache.ts`), so that a cold review does not compile again the functions every
 * review runs. Kept apart from that bundle so that its code can come from the cache.
 */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { loadBundle, setV8Flags, type LoadedBundle } from '../workspace/code-cache';
import { serverFlags, shortRunFlags } from '../workspace/compiler-flags';

const BUNDLE = 'cli-main.js';

// V8 tuned for a run of a second or two, or for the language server (`api-sentinel lsp`), before the bundle loads:
// its cached code and the code it caches must agree on the flags
setV8Flags((process.argv[2] === 'lsp' ? serverFlags : shortRunFlags)(process.versions.v8));

// Node 22.1 and later keep V8's compiled code on disk between runs themselves (in the system's temporary folder; the
// NODE_DISABLE_COMPILE_CACHE variable turns it off), for every bundle loaded from here on: the command line's, the
// code frontend with the TypeScript compiler, the review threads. On Node 20, `loadBundle` keeps it instead.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

let cli: LoadedBundle;
try {
  cli = loadBundle(path.join(__dirname, BUNDLE));
} catch (error) {
  const why = String((error as Error)?.message ?? error).split('\n')[0];
  process.stderr.write(`api-sentinel: internal error: ${BUNDLE} cannot be loaded from beside ${path.basename(__filename)} (${why})\n`);
  process.exit(2);
}
// the cache entry is written after a review, so that it holds the code the review compiled, not only the loading's
(cli.exports as { run(argv: string[], reviewed: () => void): void }).run(process.argv.slice(2), () => cli.keep());

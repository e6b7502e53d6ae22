// Bundles the CLI and its review threads, the language server and its worker, the Spectral ruleset's adapter, the VS Code
// client, and the code frontend (route analysis, which holds the TypeScript compiler and is loaded only when there is
// code to read).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser (through Spectral) ships a UMD build that breaks when bundled
  mainFields: ['module', 'main'],
  // macOS-only optional dependency of rollup (used by Spectral's ruleset bundler)
  external: ['fsevents'],
};

/** TypeScript (about 9 MB) belongs to dist/code-frontend.js alone: any other bundle that reaches it fails to build. */
const withoutTypeScript = {
  name: 'without-typescript',
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, (args) => ({
      errors: [{ text: `${args.importer} imports TypeScript: only server/src/engine/code/ may, and only dist/code-frontend.js bundles it` }],
    }));
  },
};

const entries = [
  // the command: a small entry that loads the command line's bundle with V8's compiled code kept between runs
  { entryPoints: ['server/src/cli/entry.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  // a thread of the CLI's review pool, started only for folders of many documents
  { entryPoints: ['server/src/cli/review-worker.ts'], outfile: 'dist/review-worker.js' },
  // loaded by the CLI (and later the language server) when a review has route code to read; its ~10 MB (the
  // TypeScript compiler) are read, hashed for the code cache and handed to V8 by every review: written compactly,
  // with names kept (stack traces and profiles stay readable)
  { entryPoints: ['server/src/engine/code/frontend.ts'], outfile: 'dist/code-frontend.js', typescript: true, minifyWhitespace: true, minifySyntax: true },
  // the Spectral ruleset's function imports this ES module (Spectral bundles ruleset functions with rollup)
  { entryPoints: ['rulesets/adapter.ts'], outfile: 'dist/spectral-adapter.mjs', format: 'esm' },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/lsp/worker.ts'], outfile: 'dist/analysis-worker.js' },
  // the Spectral worker: a workspace's own ruleset runs there, apart from the analysis
  { entryPoints: ['server/src/lsp/spectral.ts'], outfile: 'dist/spectral-runner.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode', 'fsevents'] },
];

await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map(({ typescript, ...e }) =>
  build({ ...common, ...e, plugins: typescript ? [] : [withoutTypeScript] })));

/** Discovery of route code: which code files a folder search lists, the same on disk and among a revision's files. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { resolveConfig } from '../server/src/engine';
import { discoverFiles, selectCandidates } from '../server/src/workspace/discover';
import { removeTemporaryFolders, temporaryFolder, writeFiles } from './support/git-repo';

after(removeTemporaryFolders);

const TREE: Record<string, string> = {
  'openapi.yaml': 'a', 'package.json': '{}', 'tsconfig.json': '{}',
  'src/app.ts': 'b', 'src/view.tsx': 'c', 'src/legacy.js': 'd', 'src/esm.mjs': 'e', 'src/cjs.cjs': 'f', 'src/x.mts': 'g', 'src/y.cts': 'h', 'src/z.jsx': 'i',
  'src/types.d.ts': 'j', 'public/vendor.min.js': 'k', 'src/readme.md': 'l', 'src/routeTree.gen.ts': 't', 'src/client.generated.js': 'u',
  'dist/app.js': 'm', 'build/app.js': 'n', '.next/server/page.js': 'o', 'coverage/lcov-report/prettify.js': 'p', 'node_modules/express/index.js': 'q',
  'dist/openapi.yaml': 'r', 'generated/client.ts': 's',
};

test('with code, folders also list route code: not type declarations, minified bundles, generated files, build output or installed packages', () => {
  const root = temporaryFolder('discover-code');
  writeFiles(root, TREE);
  const listed = (files: string[]) => files.map((f) => relative(root, f).split('\\').join('/'));
  const withCode = discoverFiles(['.'], root, resolveConfig({ exclude: ['generated/**'] }), { code: true });
  assert.deepEqual(listed(withCode.files), [
    'openapi.yaml', 'package.json', 'tsconfig.json', 'dist/openapi.yaml',
    'src/app.ts', 'src/cjs.cjs', 'src/esm.mjs', 'src/legacy.js', 'src/view.tsx', 'src/x.mts', 'src/y.cts', 'src/z.jsx',
  ]);
  const specsOnly = discoverFiles(['.'], root, resolveConfig(), {});
  assert.deepEqual(listed(specsOnly.files), ['openapi.yaml', 'package.json', 'tsconfig.json', 'dist/openapi.yaml'], 'without code, as the language server asks');
  const named = discoverFiles(['dist/app.js'], root, resolveConfig(), { code: true });
  assert.deepEqual([listed(named.files), [...named.explicit].map((f) => relative(root, f))], [['dist/app.js'], ['dist/app.js']], 'a named file is listed wherever it is');
  const existing = Object.keys(TREE).map((f) => join(root, ...f.split('/')));
  for (const paths of [['.'], ['src', 'dist/app.js'], ['dist']]) {
    assert.deepEqual(selectCandidates(existing, paths, root, resolveConfig(), { code: true }), discoverFiles(paths, root, resolveConfig(), { code: true }), JSON.stringify(paths));
  }
});

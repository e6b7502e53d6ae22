// Runs tests with node's test runner (TypeScript through tsx).
//   node test/run.mjs            every test/**/*.test.ts: both tiers (npm test, after installing the editors)
//   node test/run.mjs --unit     the unit tier: every test not in BUNDLE_TESTS (npm run test:unit)
//   node test/run.mjs FILE...    the given files; a folder gives the test files under it
// When the selected files include a bundle test, the bundles in dist/ are first rebuilt if the sources are newer.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/cjs/api';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The bundle tier: tests that run the bundles in dist/ (the CLI, the language server, the Spectral adapter, the
 * packaged extension), Neovim or VS Code. Files, or folders ending in '/', from the repository's root. Every other
 * test is a unit test: it imports the sources and needs no build and no editor.
 */
const BUNDLE_TESTS = [
  'test/bad-input.test.ts',
  'test/baseline.test.ts',
  'test/cli.test.ts',
  'test/cli-inventory.test.ts',
  'test/cli-pool.test.ts',
  'test/cli-routes.test.ts',
  'test/diff.test.ts',
  'test/hostile.test.ts',
  'test/lsp.test.ts',
  'test/lsp-branch-review.test.ts',
  'test/lsp-editor.test.ts',
  'test/lsp-inventory.test.ts',
  'test/lsp-lifecycle.test.ts',
  'test/lsp-navigation.test.ts',
  'test/lsp-routes.test.ts',
  'test/neovim.test.ts',
  'test/output-safety.test.ts',
  'test/package.test.ts',
  'test/sarif.test.ts',
  'test/spectral.test.ts',
  'test/e2e/',
];

/** The test files under `dir` (from the repository's root, with '/'). */
function find(dir) {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const isBundleTest = (file) => BUNDLE_TESTS.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry));

for (const entry of BUNDLE_TESTS) {
  if (!existsSync(join(REPO, entry))) throw new Error(`BUNDLE_TESTS in test/run.mjs lists ${entry}, which does not exist`);
}

// the helper is TypeScript, loaded as the tests load it (CommonJS through tsx)
register();
const { TIER_VARIABLE, ensureBundles } = createRequire(import.meta.url)('./support/bundles.ts');
const args = process.argv.slice(2);
const unit = args.includes('--unit');
if (unit && args.length > 1) throw new Error('--unit selects the files itself: give either --unit or files');
const all = find('test').sort();
const given = args.flatMap((arg) => {
  const path = relative(REPO, resolve(arg)).split(sep).join('/');
  return statSync(join(REPO, path), { throwIfNoEntry: false })?.isDirectory() ? find(path).sort() : [path];
});
const files = unit ? all.filter((file) => !isBundleTest(file)) : given.length > 0 ? given : all;
if (files.some(isBundleTest)) ensureBundles();

const env = unit ? { ...process.env, [TIER_VARIABLE]: 'unit' } : process.env;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { cwd: REPO, stdio: 'inherit', env });
process.exit(result.status ?? 1);

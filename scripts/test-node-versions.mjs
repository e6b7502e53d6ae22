// Runs the unit tier and the CLI and language-server tests on every Node.js major the project supports, each with a
// Node.js binary from the npm registry (node-<platform>-<arch>@<major>) installed into .cache/node-versions/<major>.
// Not part of `npm test`: it downloads Node.js. `npm run test:node-versions [-- 22 24]` picks majors.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = dirname(dirname(fileURLToPath(import.meta.url)));
/** The majors `engines.node` in package.json names. */
const MAJORS = ['20', '22', '24'];
/** Tests that run the built CLI and language server: the bundle tier without editors and packaging. */
const CLI_TESTS = [
  'test/cli.test.ts', 'test/cli-pool.test.ts', 'test/cli-routes.test.ts', 'test/baseline.test.ts', 'test/diff.test.ts', 'test/bad-input.test.ts',
  'test/hostile.test.ts', 'test/output-safety.test.ts', 'test/sarif.test.ts', 'test/lsp.test.ts', 'test/lsp-branch-review.test.ts',
  'test/lsp-editor.test.ts', 'test/lsp-lifecycle.test.ts',
];

const platform = { linux: 'linux', darwin: 'darwin' }[process.platform];
if (!platform) {
  console.error(`test:node-versions: no Node.js package for ${process.platform} in the registry's node-<platform>-<arch> family`);
  process.exit(2);
}
const binaryPackage = `node-${platform}-${process.arch}`;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: REPO, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

/** The node binary of `major`, installed once into the cache with npm. */
function nodeOf(major) {
  const prefix = join(REPO, '.cache', 'node-versions', major);
  const binary = join(prefix, 'node_modules', binaryPackage, 'bin', 'node');
  const installed = existsSync(binary) && spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.startsWith(`v${major}.`);
  if (!installed) {
    const code = run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${binaryPackage}@${major}`]);
    if (code !== 0 || !existsSync(binary)) throw new Error(`could not install ${binaryPackage}@${major}`);
  }
  return binary;
}

const majors = process.argv.length > 2 ? process.argv.slice(2) : MAJORS;
if (run('npm', ['run', 'build', '--silent']) !== 0) process.exit(1);
const outcomes = [];
for (const major of majors) {
  const node = nodeOf(major);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n=== Node.js ${version}: unit tier`);
  const unit = run(node, ['test/run.mjs', '--unit']);
  console.log(`\n=== Node.js ${version}: CLI and language server`);
  const cli = run(node, ['test/run.mjs', ...CLI_TESTS]);
  outcomes.push({ version, unit, cli });
}
console.log('\nNode.js   unit   CLI and language server');
for (const { version, unit, cli } of outcomes) console.log(`${version.padEnd(9)} ${unit === 0 ? 'pass' : 'FAIL'}   ${cli === 0 ? 'pass' : 'FAIL'}`);
process.exit(outcomes.every((o) => o.unit === 0 && o.cli === 0) ? 0 : 1);

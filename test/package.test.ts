/**
 * The .vsix built by `npm run package` holds the bundles, the Spectral ruleset and the documents, and nothing else:
 * no sources, tests, node_modules or source maps; and what it holds runs on its own, since the bundles carry every
 * dependency. Needs `npm run build` first.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { MIN_POOL_DOCUMENTS } from '../server/src/cli/pool';

const ROOT = join(__dirname, '..');
const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
const SPECTRAL = join(ROOT, 'node_modules', '.bin', 'spectral');
// a small spec with findings (the Neovim test's)
const SPEC = join(__dirname, 'fixtures', '_neovim', 'workspace', 'openapi.yaml');
// an Express app whose routes are mounted before its auth middleware
const EXPRESS_APP = join(__dirname, 'fixtures', 'code-auth-missing', 'positive-express-order');

const ALLOWED = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/client.js',
  'extension/dist/server.js',
  'extension/dist/analysis-worker.js',
  'extension/dist/spectral-runner.js',
  'extension/dist/cli.js',
  'extension/dist/cli-main.js',
  // the CLI's review threads, for folders of many documents
  'extension/dist/review-worker.js',
  // route analysis (the TypeScript compiler), loaded by the CLI and the language server when there is route code
  'extension/dist/code-frontend.js',
  // the ruleset's function imports the engine from this bundle
  'extension/dist/spectral-adapter.mjs',
  'extension/rulesets/api-sentinel.yaml',
  'extension/rulesets/functions/apiSentinel.js',
  // the icon and the marketplace README's screenshot
  'extension/client/images/icon.png',
  'extension/client/images/findings.png',
];

/** The entries of a zip archive, read from its central directory (stored or deflated, as vsce writes them). */
function readZip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'not a zip archive');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = archive.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('npm run package', () => {
  let dir: string;
  let entries: Map<string, Buffer>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-package-'));
    const vsix = join(dir, 'api-sentinel.vsix');
    // package as `npm run package` does, without its build step (the bundles are built already)
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const vsceArgs = manifest.scripts.package.split(' && ').pop()!.split(' ');
    assert.equal(vsceArgs.shift(), 'vsce', `the package script ends with a vsce command: ${manifest.scripts.package}`);
    const run = spawnSync(VSCE, [...vsceArgs, '--out', vsix], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    assert.equal(run.status, 0, `vsce failed: ${run.stdout}\n${run.stderr}`);
    entries = readZip(readFileSync(vsix));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the .vsix holds exactly the bundles, the ruleset and the documents, and its manifest starts dist/client.js', () => {
    assert.deepEqual([...entries.keys()].sort(), [...ALLOWED].sort());
    const packaged = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as { main: string };
    assert.equal(posix.normalize(packaged.main), 'dist/client.js');
  });

  test('its readme is the one for users, with the rule reference, and every image it shows and the icon are in the package', () => {
    const readme = entries.get('extension/readme.md')!.toString('utf8');
    assert.equal(readme, readFileSync(join(ROOT, 'client', 'README.md'), 'utf8'));
    assert.match(readme, /^#### `auth-missing`$/m, 'the section a rule link opens');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length > 0, 'a screenshot');
    for (const image of images) assert.ok(entries.has(`extension/${image}`), `${image} is shown by the readme but not packaged`);
    const packaged = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as { icon: string };
    const icon = entries.get(`extension/${packaged.icon}`)!;
    assert.deepEqual([...icon.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128, 'at least 128 pixels a side, as the marketplace asks');
  });

  test('unpacked outside the project (no node_modules), its CLI reviews a spec, a monorepo and route code, and Spectral runs its ruleset', () => {
    const unpacked = join(dir, 'unpacked');
    for (const [name, data] of entries) {
      mkdirSync(dirname(join(unpacked, name)), { recursive: true });
      writeFileSync(join(unpacked, name), data);
    }
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace);
    copyFileSync(SPEC, join(workspace, 'openapi.yaml'));
    const ruleIds = (results: { ruleId?: string; code?: string }[]) => results.map((r) => r.ruleId ?? r.code);

    const cli = spawnSync(process.execPath, [join(unpacked, 'extension', 'dist', 'cli.js'), 'review', 'openapi.yaml', '--format', 'json'],
      { cwd: workspace, encoding: 'utf8', timeout: 60_000 });
    assert.equal(cli.status, 1, `the review fails on the spec's errors: ${cli.stderr}`);
    assert.ok(ruleIds(JSON.parse(cli.stdout).findings).includes('auth-missing'), cli.stdout);

    // route code: the CLI loads the code frontend's bundle from beside it
    const app = join(dir, 'express-app');
    cpSync(EXPRESS_APP, app, { recursive: true });
    const routes = spawnSync(process.execPath, [join(unpacked, 'extension', 'dist', 'cli.js'), 'review', '.', '--format', 'json'],
      { cwd: app, encoding: 'utf8', timeout: 60_000 });
    const review = JSON.parse(routes.stdout) as { findings: { ruleId: string }[]; problems: { code: string }[]; routes: unknown[] };
    assert.deepEqual(review.problems.map((p) => p.code), [], routes.stdout);
    assert.ok(review.routes.length > 0 && ruleIds(review.findings).includes('code-auth-missing'), routes.stdout);

    // enough documents for the CLI's thread pool, whose script is a bundle of its own
    const monorepo = join(dir, 'monorepo');
    for (let n = 0; n < MIN_POOL_DOCUMENTS; n++) {
      mkdirSync(join(monorepo, `service-${n}`), { recursive: true });
      copyFileSync(SPEC, join(monorepo, `service-${n}`, 'openapi.yaml'));
    }
    // Node emits 'worker' on process for each thread started
    const threadsLog = join(dir, 'threads.log');
    const countThreads = join(dir, 'count-threads.cjs');
    writeFileSync(countThreads, `process.on('worker', () => require('node:fs').appendFileSync(${JSON.stringify(threadsLog)}, 'thread\\n'));\n`);
    const pooled = spawnSync(process.execPath, ['--require', countThreads, join(unpacked, 'extension', 'dist', 'cli.js'), 'review', '--format', 'json'],
      { cwd: monorepo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, API_SENTINEL_WORKERS: '2' } });
    assert.equal(pooled.status, 1, `the review of the monorepo fails on the specs' errors: ${pooled.stderr}`);
    assert.equal(JSON.parse(pooled.stdout).summary.documents, MIN_POOL_DOCUMENTS, pooled.stdout);
    assert.equal(readFileSync(threadsLog, 'utf8'), 'thread\nthread\n', 'the monorepo was reviewed on two threads');

    const spectral = spawnSync(SPECTRAL, ['lint', '-r', join(unpacked, 'extension', 'rulesets', 'api-sentinel.yaml'), 'openapi.yaml', '-f', 'json'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 });
    assert.ok(ruleIds(JSON.parse(spectral.stdout)).includes('auth-missing'), `spectral: ${spectral.stdout}\n${spectral.stderr}`);
  });
});

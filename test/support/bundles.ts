/**
 * The bundles in dist/, rebuilt before a test runs them when the sources are newer, so that a test of the CLI or the
 * language server always runs the code as it is now. test/run.mjs builds them before it starts the runner; a test
 * file run on its own builds them here, and a lock keeps parallel test processes from building at the same time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const CONFIG = join(REPO, 'esbuild.config.mjs');
const SOURCES = ['server', 'client', 'rulesets'].map((dir) => join(REPO, dir));
const LOCK = join(REPO, 'node_modules', '.cache', 'api-sentinel-bundles.lock');
const LOCK_WAIT_MS = 120_000;

/** The environment variable test/run.mjs sets for the unit tier, whose tests must not need a bundle. */
export const TIER_VARIABLE = 'API_SENTINEL_TEST_TIER';

/** Every bundle the build writes: the `outfile`s of esbuild.config.mjs, so that the list has one home. */
function bundles(): string[] {
  const outfiles = [...readFileSync(CONFIG, 'utf8').matchAll(/outfile:\s*'([^']+)'/g)].map((m) => join(REPO, m[1]));
  if (outfiles.length === 0) throw new Error(`found no "outfile: '...'" in ${CONFIG}`);
  return outfiles;
}

function newestIn(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs;
  }));
}

/** True when every bundle exists and none is older than a file it is built from. */
function bundlesFresh(): boolean {
  const outfiles = bundles();
  if (!outfiles.every((file) => existsSync(file))) return false;
  const oldestBundle = Math.min(...outfiles.map((file) => statSync(file).mtimeMs));
  const newestSource = Math.max(statSync(CONFIG).mtimeMs, ...SOURCES.filter((dir) => existsSync(dir)).map(newestIn));
  return newestSource <= oldestBundle;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the lock file, or undefined when there is no lock or its owner has not written its pid yet. */
function lockOwner(): number | undefined {
  try {
    return Number(readFileSync(LOCK, 'utf8')) || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Takes the build lock (a file holding the owner's pid); a lock whose owner has exited is taken over. */
function lock(): void {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner();
    if (owner !== undefined && !alive(owner)) rmSync(LOCK, { force: true });
    else if (Date.now() > deadline) throw new Error(`${LOCK} is held by process ${owner}: remove it if no build is running`);
    else sleep(100);
  }
}

let ensured = false;

/** Rebuilds the bundles with `node esbuild.config.mjs` when one is missing or older than the sources; once per process. */
export function ensureBundles(): void {
  if (ensured) return;
  if (process.env[TIER_VARIABLE] === 'unit') {
    throw new Error('a unit test ran a bundle from dist/: list its file in BUNDLE_TESTS in test/run.mjs');
  }
  if (!bundlesFresh()) {
    lock();
    try {
      // another process may have built them while this one waited for the lock
      if (!bundlesFresh()) {
        const build = spawnSync(process.execPath, [CONFIG], { cwd: REPO, encoding: 'utf8' });
        if (build.status !== 0) throw new Error(`the build failed (node esbuild.config.mjs):\n${build.stderr}${build.stdout}`);
      }
    } finally {
      rmSync(LOCK, { force: true });
    }
  }
  ensured = true;
}

/** The path of a bundle in dist/ (e.g. 'cli.js'), built from the current sources. */
export function bundle(file: string): string {
  ensureBundles();
  return join(REPO, 'dist', file);
}

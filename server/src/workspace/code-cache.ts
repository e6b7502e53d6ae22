/**
 * Loads a CommonJS bundle with V8's compiled code kept on disk between runs, so that a cold review does not compile
 * the TypeScript compiler's ~10 MB again, nor the functions of the CLI's own bundle that a review runs. Node 22.1 and
 * later do this themselves (`module.enableCompileCache`, which the CLI turns on); on an older Node (20) the bundle is
 * run through `vm.Script` with V8's `cachedData` instead.
 *
 * The cache lives in the system's temporary folder, in a folder of the current user's own. Everything read there is
 * untrusted: the folder must be a real folder owned by this user and writable by no one else, an entry a regular file
 * of this user, no larger than a bound, carrying our header, the key it was made for (bundle content, Node and V8
 * versions, flags) and a checksum of its payload; V8 itself checks what it is given and may reject it. Anything else
 * is ignored (the bundle is then compiled as usual), and nothing about the cache ever fails a load. Entries are
 * written to a fresh file and renamed into place, so a reader never sees half of one.
 */
import { isAscii } from 'node:buffer';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { crypto, vm } from './lazy-modules';

/** Starts every entry: the format of what follows. */
const MAGIC = Buffer.from('api-sentinel code cache 1\n');
const DIGEST_BYTES = 32;
/** V8's cache of the code frontend is a few megabytes: a larger entry is not one of ours. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** Entries kept in the folder (one per bundle, build and Node version): older ones are removed when one is written. */
const KEPT_ENTRIES = 8;
const ENTRY_SUFFIX = '.v8cache';

/**
 * V8 flags set while the process runs (`v8.setFlagsFromString`): V8's code depends on them as on the command line's,
 * and V8 refuses an entry made under other flags. Noted on the global object, which every bundle of the process shares
 * (each holds a copy of this module).
 */
const RUNTIME_FLAGS = Symbol.for('api-sentinel.runtime-v8-flags');

/** Sets V8 flags for the rest of the process; entries are then kept apart from those of processes without them. */
export function setV8Flags(flags: readonly string[]): void {
  const global = globalThis as { [RUNTIME_FLAGS]?: string };
  for (const flag of flags) {
    v8.setFlagsFromString(flag);
    global[RUNTIME_FLAGS] = global[RUNTIME_FLAGS] === undefined ? flag : `${global[RUNTIME_FLAGS]} ${flag}`;
  }
}

export interface LoadedBundle {
  exports: unknown;
  /** Whether V8 took its code from an entry of the cache rather than compiling the bundle. */
  fromCache: boolean;
  /**
   * Writes V8's code for the bundle to the cache when none was accepted, once. Called after the bundle's first real
   * work, the entry then holds the functions that work compiled too, not only those its loading ran.
   */
  keep(): void;
}

/** The user's own cache folder, beside Node's compile cache (`node-compile-cache`) in the temporary folder. */
export function defaultCacheDir(): string {
  const user = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(os.tmpdir(), `api-sentinel-code-cache${user}`);
}

/** Whether Node keeps compiled code itself (22.1+, when enabled and not turned off): then `require` is as fast. */
function nodeCompileCacheActive(): boolean {
  return Boolean((nodeModule as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.());
}

/** Loads the CommonJS bundle at `file` (absolute), with V8's code cache in `cacheDir` when Node keeps none itself. */
export function loadBundle(file: string, cacheDir = defaultCacheDir()): LoadedBundle {
  if (nodeCompileCacheActive()) return { exports: require(file), fromCache: false, keep() { /* Node keeps it */ } };
  // the key hashes the bytes as read, and ASCII (what esbuild writes) is decoded as Latin-1, a copy: decoding the
  // code frontend's 6.8 MB as UTF-8 and encoding it again to hash it took about 20 ms, this takes about 7
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const key = cacheKey(bytes);
  const entry = path.join(cacheDir, `${key}${ENTRY_SUFFIX}`);
  const cachedData = readEntry(cacheDir, entry, key);
  const script = new (vm().Script)(nodeModule.wrap(source), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, nodeModule.createRequire(file), module, file, path.dirname(file));
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  let pending = !fromCache;
  return {
    exports: module.exports,
    fromCache,
    keep() {
      if (!pending) return;
      pending = false;
      try { writeEntry(cacheDir, entry, key, script.createCachedData()); } catch { /* a cache that cannot be written is no cache */ }
    },
  };
}

/** What V8's code depends on: the bundle's bytes, the Node and V8 versions, the platform, and the flags given to V8. */
function cacheKey(bundle: Buffer): string {
  const flagsSet = (globalThis as { [RUNTIME_FLAGS]?: string })[RUNTIME_FLAGS] ?? '';
  const runtime = [process.version, process.versions.v8, process.platform, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? '', flagsSet].join('\0');
  return crypto().createHash('sha256').update(bundle).update('\0').update(runtime).digest('hex');
}

/** Whether `dir` is a folder (not a link) of this user that no one else may write into. */
function ownFolder(dir: string): boolean {
  const stats = lstatSync(dir, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) return false;
  if (typeof process.getuid !== 'function') return true; // Windows: the temporary folder is the user's own
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** The payload of a valid entry for `key`, or undefined for anything else (missing, foreign, corrupt, too large). */
function readEntry(dir: string, entry: string, key: string): Buffer | undefined {
  try {
    if (!ownFolder(dir)) return undefined;
    // no link followed, and never blocking on a FIFO put in an entry's place
    const fd = openSync(entry, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    let data: Buffer;
    try {
      const stats = fstatSync(fd);
      const ownedByUs = typeof process.getuid !== 'function' || stats.uid === process.getuid();
      if (!stats.isFile() || !ownedByUs || stats.size > MAX_ENTRY_BYTES) return undefined;
      data = Buffer.allocUnsafe(stats.size);
      let read = 0;
      while (read < data.length) {
        const n = readSync(fd, data, read, data.length - read, read);
        if (n === 0) break;
        read += n;
      }
      data = data.subarray(0, read);
    } finally {
      closeSync(fd);
    }
    const keyBytes = Buffer.from(key);
    const header = MAGIC.length + keyBytes.length + DIGEST_BYTES;
    if (data.length <= header || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    if (!data.subarray(MAGIC.length, MAGIC.length + keyBytes.length).equals(keyBytes)) return undefined;
    const payload = data.subarray(header);
    const digest = data.subarray(header - DIGEST_BYTES, header);
    return crypto().createHash('sha256').update(payload).digest().equals(digest) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Writes an entry atomically (a fresh file of this user's, renamed into place), then removes the oldest entries. */
function writeEntry(dir: string, entry: string, key: string, payload: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!ownFolder(dir)) return;
  const temporary = path.join(dir, `.${crypto().randomBytes(8).toString('hex')}.tmp`);
  const digest = crypto().createHash('sha256').update(payload).digest();
  writeFileSync(temporary, Buffer.concat([MAGIC, Buffer.from(key), digest, payload]), { flag: 'wx', mode: 0o600 });
  try {
    renameSync(temporary, entry);
  } catch (error) {
    try { unlinkSync(temporary); } catch { /* already gone */ }
    throw error;
  }
  removeOldEntries(dir);
}

function removeOldEntries(dir: string): void {
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith(ENTRY_SUFFIX))
    .map((name) => ({ file: path.join(dir, name), time: statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of entries.slice(KEPT_ENTRIES)) unlinkSync(old.file);
}

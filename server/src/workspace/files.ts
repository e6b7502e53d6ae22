/**
 * The one way the CLI and the language server read files of a checkout, which may come from a stranger's pull request.
 * A path is resolved to its real location before the root check, so a committed symbolic link cannot lead outside the
 * project; only regular files are read (a device such as /dev/zero, a FIFO or a socket is refused, and is never opened
 * in blocking mode); and no read takes more than the size limit plus one byte, whatever the file says its size is.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { ReadFailure, ReadResult } from '../engine';

/**
 * Files up to this size (nearly every source file) are read into one buffer kept for the purpose, and decoded at once:
 * a buffer of its own per file is memory outside the heap, and hundreds of them made the garbage collector run early,
 * again and again.
 */
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;

/** A buffer of at least `size` bytes: for a small size the scratch buffer, whose content lasts until the next read. */
function bufferFor(size: number): Buffer {
  if (size > SCRATCH_BYTES) return Buffer.allocUnsafe(size);
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  return scratch;
}

/** A buffer of `size` bytes that starts with the content of `buffer`. */
function grown(buffer: Buffer, size: number): Buffer {
  const larger = Buffer.allocUnsafe(size);
  buffer.copy(larger);
  return larger;
}

/** A configuration file is small: a larger one is refused rather than read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Real paths of project roots, resolved once: a root may itself sit behind a link (/tmp on some systems). */
const realRoots = new Map<string, string>();

function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    try { real = realpathSync.native(root); } catch { real = path.resolve(root); }
    realRoots.set(root, real);
  }
  return real;
}

/** Whether `location` is `folder` or inside it (both absolute, resolved). */
export function isInside(location: string, folder: string): boolean {
  const rel = path.relative(folder, location);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where `absPath` really is, when it is a regular file inside `root` (after following every link); otherwise why
 * it may not be read.
 */
export function realFileInRoot(absPath: string, root: string): { real: string; stats: Stats } | ReadFailure {
  let real: string;
  try { real = realpathSync.native(absPath); } catch (error) { return failureOf(error); }
  if (!isInside(real, realRoot(root))) {
    const linked = isInside(path.resolve(absPath), root) || isInside(path.resolve(absPath), realRoot(root));
    return { code: 'file-outside-root', reason: linked ? 'it is a symbolic link to a location outside the project root, which is never read' : 'it is outside the project root, which is never read' };
  }
  let stats: Stats;
  try { stats = statSync(real); } catch (error) { return failureOf(error); }
  if (!stats.isFile()) return { code: 'file-not-regular', reason: `it is ${kindOf(stats)}, not a regular file` };
  return { real, stats };
}

/** The stamp of a path where no file is: a module resolution tries many, and that none is there is a result too. */
export const MISSING_STAMP = 'missing';

/**
 * What tells a file's content apart without reading it: its device, inode, size and change times (in nanoseconds);
 * `MISSING_STAMP` when nothing is there, undefined when it cannot be seen. A file whose stamp is the same as when it
 * was read still holds the text read, unless it was written again within the file system's clock tick with the same size.
 */
export function fileStamp(absPath: string): string | undefined {
  try {
    // no exception for a missing file: throwing one costs more than the stat
    const stats = statSync(absPath, { bigint: true, throwIfNoEntry: false });
    return stats ? `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}` : MISSING_STAMP;
  } catch {
    return undefined;
  }
}

/**
 * Reads a regular file inside `root` as UTF-8 text, at most `maxBytes` bytes; a larger file, a file outside the root
 * (through a link), a special file or an unreadable one gives the reason instead.
 */
export function readTextFile(absPath: string, root: string, maxBytes: number): ReadResult {
  return readText(absPath, root, maxBytes, false);
}

/** The first `maxBytes` bytes of a regular file inside `root` as text (enough to recognise what a large file is). */
export function readTextPrefix(absPath: string, root: string, maxBytes: number): ReadResult {
  return readText(absPath, root, maxBytes, true);
}

function readText(absPath: string, root: string, maxBytes: number, prefix: boolean): ReadResult {
  const found = realFileInRoot(absPath, root);
  if ('code' in found) return found;
  let fd: number;
  // non-blocking: a FIFO put in the file's place after the check must not block the open
  try { fd = openSync(found.real, constants.O_RDONLY | constants.O_NONBLOCK); } catch (error) { return failureOf(error); }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { code: 'file-not-regular', reason: `it is ${kindOf(stats)}, not a regular file` };
    // the size the file claims is not trusted (a growing file, /proc): read until the end or one byte past the limit
    const wanted = prefix ? maxBytes : maxBytes + 1;
    // room for the whole file as it claims to be: an honest file takes one read, then a read of nothing
    let buffer = bufferFor(Math.min(stats.size + 1, wanted));
    let total = 0;
    while (total < wanted) {
      if (total === buffer.length) buffer = grown(buffer, Math.min(buffer.length * 2, wanted));
      const read = readSync(fd, buffer, total, Math.min(buffer.length, wanted) - total, null);
      if (read === 0) break;
      total += read;
    }
    if (total > maxBytes) return { code: 'file-too-large', reason: `it holds more than ${megabytes(maxBytes)} MB`, size: Math.max(stats.size, total) };
    return buffer.toString('utf8', 0, total);
  } catch (error) {
    return failureOf(error);
  } finally {
    closeSync(fd);
  }
}

export function megabytes(bytes: number): string { return (bytes / 1024 / 1024).toFixed(1); }

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** The reason an I/O error gives, without Node's stack or syscall noise: "no such file or folder", "permission denied"... */
export function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return NOT_FOUND;
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ELOOP': return 'it is a loop of symbolic links';
    case 'ERR_STRING_TOO_LONG': return 'too large to read';
    default: return error instanceof Error ? error.message : String(error);
  }
}

export const NOT_FOUND = 'no such file or folder';

function failureOf(error: unknown): ReadFailure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { code: code === 'ENOENT' || code === 'ENOTDIR' ? 'file-missing' : 'file-unreadable', reason: ioReason(error) };
}

/** Which files of a workspace are candidates for review: shared by the CLI and the language server. */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { BUILD_OUTPUT, isCodeFile, isIncluded, type ResolvedConfig } from '../engine';
import { ioReason, isInside, NOT_FOUND } from './files';
import { relativePath } from './paths';

/** Folders never searched, whatever the configuration says. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);
const CANDIDATE = /\.(?:ya?ml|json)$/i;

export interface DiscoverOptions {
  /**
   * Also list route code (TypeScript and JavaScript, see `isCodeFile`) outside build output (`dist`, `build`,
   * `.next`, `coverage`); `tsconfig.json` and `jsconfig.json`, which map its imports, are listed as JSON files.
   */
  code?: boolean;
}

export interface Discovery {
  /** Absolute paths of every candidate file, in a stable order, each once. */
  files: string[];
  /** The files named by the caller (reviewed even when excluded, reported when not OpenAPI). */
  explicit: Set<string>;
  /** Paths named by the caller that cannot be reviewed, with the reason ("no such file or folder"...). */
  errors: { path: string; reason: string }[];
}

/**
 * Expands files and folders (absolute, or relative to `root`) into candidate files. Folders are walked without
 * following symbolic links to folders, so a walk never leaves the root and never loops; a linked file is a candidate
 * (reading it refuses a link that leads outside the root, and says so).
 */
export function discoverFiles(paths: readonly string[], root: string, config: ResolvedConfig, options: DiscoverOptions = {}): Discovery {
  const files = new Set<string>();
  const explicit = new Set<string>();
  const errors: Discovery['errors'] = [];
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    let stats;
    try { stats = statSync(absolute); } catch (error) { errors.push({ path: given, reason: ioReason(error) }); continue; }
    if (stats.isDirectory()) {
      for (const file of walk(absolute, root, config, options)) files.add(file);
    } else {
      files.add(absolute);
      explicit.add(absolute);
    }
  }
  return { files: [...files], explicit, errors };
}

/**
 * Among `existing` files (absolute paths of regular files: a git revision's, say), the ones `discoverFiles` finds for
 * `paths` when those files are on disk: the same folders searched and skipped, the same names and globs, in the same
 * order. A path that names no existing file and no folder holding one is reported in `errors`.
 */
export function selectCandidates(existing: readonly string[], paths: readonly string[], root: string, config: ResolvedConfig, options: DiscoverOptions = {}): Discovery {
  const present = new Set(existing);
  const files = new Set<string>();
  const explicit = new Set<string>();
  const errors: Discovery['errors'] = [];
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    if (present.has(absolute)) {
      files.add(absolute);
      explicit.add(absolute);
      continue;
    }
    const inside = existing.filter((file) => isInside(file, absolute));
    if (inside.length === 0) errors.push({ path: given, reason: NOT_FOUND });
    for (const file of inside.filter((f) => reachedBy(absolute, f, root, config, options)).sort(searchOrder)) files.add(file);
  }
  return { files: [...files], explicit, errors };
}

/** Whether a folder search enters a subfolder. A folder is pruned when an exclude glob covers everything under it (`vendor/**` covers `vendor/`). */
function entered(name: string, relFolder: string, config: ResolvedConfig): boolean {
  return !SKIPPED_FOLDERS.has(name) && isIncluded(`${relFolder}/`, { ...config, include: [] });
}

/** Whether a file a folder search meets is a candidate, by its name and the configuration's globs (its kind is the caller's to check). */
function candidate(name: string, relFile: string, config: ResolvedConfig, options: DiscoverOptions): boolean {
  const wanted = CANDIDATE.test(name)
    || (options.code === true && isCodeFile(name) && !relFile.split('/').slice(0, -1).some((folder) => BUILD_OUTPUT.has(folder)));
  return wanted && isIncluded(relFile, config);
}

/** Whether a search of `folder` reaches `file`, somewhere under it: it enters every folder between them and takes the file. */
function reachedBy(folder: string, file: string, root: string, config: ResolvedConfig, options: DiscoverOptions): boolean {
  const names = path.relative(folder, file).split(path.sep);
  let current = folder;
  for (const name of names.slice(0, -1)) {
    current = path.join(current, name);
    if (!entered(name, relativePath(root, current), config)) return false;
  }
  return candidate(names[names.length - 1], relativePath(root, file), config, options);
}

/** The order of `walk`: depth first, a folder's own files (by name) before its subfolders (by name). */
function searchOrder(a: string, b: string): number {
  const x = a.split(path.sep);
  const y = b.split(path.sep);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const aIsFile = i === x.length - 1;
    const bIsFile = i === y.length - 1;
    if (aIsFile !== bIsFile) return aIsFile ? -1 : 1;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/** Candidate files under a folder, depth first in name order. */
function walk(folder: string, root: string, config: ResolvedConfig, options: DiscoverOptions): string[] {
  const found: string[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let entries: Dirent[];
    try { entries = readdirSync(current, { withFileTypes: true }); } catch { continue; }
    const subfolders: string[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const absolute = path.join(current, entry.name);
      const rel = relativePath(root, absolute);
      if (entry.isDirectory()) {
        if (entered(entry.name, rel, config)) subfolders.push(absolute);
      } else if (candidate(entry.name, rel, config, options) && isFileOrLinkToOne(entry, absolute)) {
        found.push(absolute);
      }
    }
    // reversed so that popping visits them in name order
    pending.push(...subfolders.reverse());
  }
  return found;
}

/** A regular file, or a symbolic link to one (special files such as FIFOs and devices are never candidates). */
function isFileOrLinkToOne(entry: Dirent, absolute: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try { return statSync(absolute).isFile(); } catch { return false; }
}


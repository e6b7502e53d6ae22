/** Which files of a workspace are candidates for review: shared by the CLI and the language server. */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { isIncluded, type ResolvedConfig } from '../engine';
import { ioReason } from './files';
import { relativePath } from './paths';

/** Folders never searched, whatever the configuration says. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);
const CANDIDATE = /\.(?:ya?ml|json)$/i;

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
export function discoverFiles(paths: readonly string[], root: string, config: ResolvedConfig): Discovery {
  const files = new Set<string>();
  const explicit = new Set<string>();
  const errors: Discovery['errors'] = [];
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    let stats;
    try { stats = statSync(absolute); } catch (error) { errors.push({ path: given, reason: ioReason(error) }); continue; }
    if (stats.isDirectory()) {
      for (const file of walk(absolute, root, config)) files.add(file);
    } else {
      files.add(absolute);
      explicit.add(absolute);
    }
  }
  return { files: [...files], explicit, errors };
}

/** A folder is pruned when an exclude glob covers everything under it (`vendor/**` covers `vendor/`). */
function folderExcluded(relFolder: string, config: ResolvedConfig): boolean {
  return !isIncluded(`${relFolder}/`, { ...config, include: [] });
}

/** YAML and JSON files under a folder, depth first in name order. */
function walk(folder: string, root: string, config: ResolvedConfig): string[] {
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
        if (!SKIPPED_FOLDERS.has(entry.name) && !folderExcluded(rel, config)) subfolders.push(absolute);
      } else if (CANDIDATE.test(entry.name) && isFileOrLinkToOne(entry, absolute) && isIncluded(rel, config)) {
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


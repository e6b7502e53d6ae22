import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { isIncluded, type ResolvedConfig } from '../engine';
import { CliError, ioReason } from './errors';
import { relativePath } from './paths';

/** Folders never searched, whatever the configuration says. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);
const CANDIDATE = /\.(?:ya?ml|json)$/i;

export interface Discovery {
  /** Absolute paths of every candidate file, in a stable order, each once. */
  files: string[];
  /** The files named on the command line (reviewed even when excluded, reported when not OpenAPI). */
  explicit: Set<string>;
}

/** Expands the command line's files and folders into candidate files. A path that does not exist is a usage error. */
export function discoverFiles(paths: readonly string[], root: string, config: ResolvedConfig): Discovery {
  const files = new Set<string>();
  const explicit = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    let stats;
    try { stats = statSync(absolute); } catch (error) { throw new CliError(`cannot review '${given}': ${ioReason(error)}`); }
    if (stats.isDirectory()) {
      for (const file of walk(absolute, root, config)) files.add(file);
    } else {
      files.add(absolute);
      explicit.add(absolute);
    }
  }
  return { files: [...files], explicit };
}

/** A folder is pruned when an exclude glob covers everything under it (`vendor/**` covers `vendor/`). */
function folderExcluded(relFolder: string, config: ResolvedConfig): boolean {
  return !isIncluded(`${relFolder}/`, { ...config, include: [] });
}

/** YAML and JSON files under a folder, depth first in name order. Symbolic links to folders are not followed (no loops). */
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
      } else if (CANDIDATE.test(entry.name) && isFile(entry, absolute) && isIncluded(rel, config)) {
        found.push(absolute);
      }
    }
    // reversed so that popping visits them in name order
    pending.push(...subfolders.reverse());
  }
  return found;
}

function isFile(entry: Dirent, absolute: string): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try { return statSync(absolute).isFile(); } catch { return false; }
}

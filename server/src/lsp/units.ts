/**
 * Analysis units: the pieces of a workspace that are analysed as a whole, each by one job. Today a unit is one
 * OpenAPI document with the files its refs reach. The registry knows the workspace folders (each unit's project
 * root), the units, and which units read which file, so that an edit re-runs exactly the units that read it.
 */
import * as path from 'node:path';
import { looksLikeOpenApi, type ResolvedConfig } from '../engine';
import { discoverFiles } from '../workspace/discover';
import { readTextPrefix } from '../workspace/files';

export interface AnalysisUnit {
  /** Stable identity: for an OpenAPI document, its absolute path. */
  readonly id: string;
  /** What its job does: the engine's review of `entries`, which follows their refs. */
  readonly kind: 'openapi';
  /** The project root: findings are relative to it, and refs may not leave it. */
  readonly root: string;
  /** The files its job starts from. */
  readonly entries: readonly string[];
}

export class UnitRegistry {
  private readonly units = new Map<string, AnalysisUnit>();
  /** file -> the units whose last analysis read it */
  private readonly dependents = new Map<string, Set<string>>();
  /** unit -> the files its last analysis read */
  private readonly inputs = new Map<string, readonly string[]>();
  private workspaceFolders: string[] = [];

  get folders(): readonly string[] { return this.workspaceFolders; }

  /** The project root of a file: the innermost workspace folder holding it, else its own folder. */
  folderOf(file: string): string {
    const holding = this.workspaceFolders.filter((f) => file === f || file.startsWith(f + path.sep));
    return holding.sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);
  }

  /** Whether a workspace folder holds the file. */
  inWorkspace(file: string): boolean {
    return this.workspaceFolders.some((f) => file.startsWith(f + path.sep));
  }

  /**
   * Adds a workspace folder. Units it now holds move to it as their root (a new unit object each): they are
   * returned, to be analysed again.
   */
  addFolder(folder: string): AnalysisUnit[] {
    if (this.workspaceFolders.includes(folder)) return [];
    this.workspaceFolders.push(folder);
    const moved: AnalysisUnit[] = [];
    for (const unit of this.units.values()) {
      const root = this.folderOf(unit.id);
      if (root === unit.root) continue;
      const now = { ...unit, root };
      this.units.set(unit.id, now);
      moved.push(now);
    }
    return moved;
  }

  /** Removes a workspace folder (its units are removed first: see `rootedAt`). */
  removeFolder(folder: string): void {
    this.workspaceFolders = this.workspaceFolders.filter((f) => f !== folder);
  }

  get(id: string): AnalysisUnit | undefined { return this.units.get(id); }

  all(): AnalysisUnit[] { return [...this.units.values()]; }

  /** The units whose project root is `folder`. */
  rootedAt(folder: string): AnalysisUnit[] { return this.all().filter((unit) => unit.root === folder); }

  /** The OpenAPI document `file` as a unit (the existing one if known). */
  addDocument(file: string, root = this.folderOf(file)): AnalysisUnit {
    let unit = this.units.get(file);
    if (!unit) this.units.set(file, (unit = { id: file, kind: 'openapi', root, entries: [file] }));
    return unit;
  }

  /** Forgets a unit and what it read. */
  remove(id: string): AnalysisUnit | undefined {
    const unit = this.units.get(id);
    if (!unit) return undefined;
    this.setInputs(id, []);
    this.inputs.delete(id);
    this.units.delete(id);
    return unit;
  }

  /** The files a unit's last analysis read. */
  inputsOf(id: string): readonly string[] { return this.inputs.get(id) ?? []; }

  /** Records what a unit's latest analysis read: a file it no longer reads no longer runs it again. */
  setInputs(id: string, files: readonly string[]): void {
    for (const file of this.inputs.get(id) ?? []) {
      const readers = this.dependents.get(file);
      readers?.delete(id);
      if (readers?.size === 0) this.dependents.delete(file);
    }
    this.inputs.set(id, files);
    for (const file of files) {
      let readers = this.dependents.get(file);
      if (!readers) this.dependents.set(file, (readers = new Set()));
      readers.add(id);
    }
  }

  /** The units whose findings depend on `file`: those that read it, and the unit that starts from it. */
  reading(file: string): AnalysisUnit[] {
    const ids = new Set(this.dependents.get(file) ?? []);
    for (const unit of this.units.values()) if (unit.entries.includes(file)) ids.add(unit.id);
    return [...ids].map((id) => this.units.get(id)!);
  }
}

/**
 * Whether a file of the project at `root` looks like an OpenAPI document (the whole text is searched: sorted keys put
 * `openapi` far down). Read through the safe access layer: nothing outside the root, no special files.
 */
export function isOpenApiFile(file: string, root: string, maxFileSize: number): boolean {
  // a larger file is still recognised by its beginning: its review reports that it is too large
  const text = readTextPrefix(file, root, maxFileSize);
  return typeof text === 'string' && looksLikeOpenApi(text);
}

/** The OpenAPI documents of a workspace folder, under its include/exclude. */
export async function findOpenApiDocuments(folder: string, config: ResolvedConfig): Promise<string[]> {
  return discoverFiles([folder], folder, config).files.filter((file) => isOpenApiFile(file, folder, config.maxFileSize));
}

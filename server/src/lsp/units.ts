/**
 * Analysis units: the pieces of a workspace that are analysed as a whole, each by one job: an OpenAPI document with
 * the files its refs reach, or the route code of an app (a folder whose package.json depends on a route framework)
 * with the files it imports. The registry knows the workspace folders (each unit's project root), the units, and
 * which units read which file, so that an edit re-runs exactly the units that read it.
 */
import * as path from 'node:path';
import { correlationCandidates, isCodeFile, looksLikeOpenApi, type ResolvedConfig } from '../engine';
import { discoverFiles } from '../workspace/discover';
import { readTextFile, readTextPrefix } from '../workspace/files';
import { dependsOnRouteFramework } from '../workspace/route-apps';

/** The id of an app's route unit: never an absolute path, so never taken for an OpenAPI document's. */
const ROUTES_PREFIX = 'routes:';

export interface AnalysisUnit {
  /** Stable identity: for an OpenAPI document, its absolute path; for an app's route code, `routes:` and its folder. */
  readonly id: string;
  /**
   * What its job does: the engine's review of `entries`, which follows their refs (`openapi`), or their imports with
   * the route checks (`routes`).
   */
  readonly kind: 'openapi' | 'routes';
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
  /** Each unit's entries as a set, made on first use: a route unit starts from hundreds of files, asked about one by one. */
  private readonly entrySets = new WeakMap<AnalysisUnit, ReadonlySet<string>>();
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
      const root = this.folderOf(unit.kind === 'routes' ? appOf(unit) : unit.id);
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

  /**
   * The route code of the app in folder `app` as a unit starting from `entries` (its code files and package.json, and
   * the OpenAPI documents that may describe it):
   * the unit, when it is new or its entries changed (a new unit object), else undefined.
   */
  setRoutes(app: string, entries: readonly string[], root = this.folderOf(app)): AnalysisUnit | undefined {
    const id = ROUTES_PREFIX + app;
    const known = this.units.get(id);
    if (known && known.root === root && known.entries.length === entries.length && known.entries.every((e, i) => e === entries[i])) return undefined;
    const unit: AnalysisUnit = { id, kind: 'routes', root, entries: [...entries] };
    this.units.set(id, unit);
    return unit;
  }

  /** The route unit of the innermost app holding `file`. */
  routesHolding(file: string): AnalysisUnit | undefined {
    const holding = this.all().filter((unit) => unit.kind === 'routes' && file.startsWith(appOf(unit) + path.sep));
    return holding.sort((a, b) => b.id.length - a.id.length)[0];
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
    for (const unit of this.units.values()) if (this.startsFrom(unit, file)) ids.add(unit.id);
    return [...ids].map((id) => this.units.get(id)!);
  }

  private startsFrom(unit: AnalysisUnit, file: string): boolean {
    let entries = this.entrySets.get(unit);
    if (!entries) this.entrySets.set(unit, (entries = new Set(unit.entries)));
    return entries.has(file);
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

/** The folder of a route unit's app. */
export function appOf(unit: AnalysisUnit): string { return unit.id.slice(ROUTES_PREFIX.length); }

/**
 * The apps of a workspace folder with route code, under its include/exclude: each folder whose package.json depends
 * on a route framework, with the code files below it that no deeper app holds, and its package.json (their entries).
 */
export function findRouteApps(folder: string, config: ResolvedConfig): Map<string, string[]> {
  const { files } = discoverFiles([folder], folder, config, { code: true });
  const manifests = files.filter((file) => path.basename(file) === 'package.json').filter((file) => {
    const text = readTextFile(file, folder, config.maxFileSize);
    return typeof text === 'string' && dependsOnRouteFramework(text);
  });
  const apps = new Map(manifests.map((manifest) => [path.dirname(manifest), [manifest]]));
  const deepestFirst = [...apps.keys()].sort((a, b) => b.length - a.length);
  for (const file of files) {
    if (!isCodeFile(file)) continue;
    const app = deepestFirst.find((dir) => file.startsWith(dir + path.sep));
    if (app) apps.get(app)!.push(file);
  }
  return apps;
}

/**
 * The OpenAPI documents among `documents` that may describe the app whose route code is `entries` (the engine's
 * pairing by place): the app's unit reads them too, to compare them with its code. Which of them describe it the
 * analysis decides, by overlap.
 */
export function pairedDocuments(root: string, entries: readonly string[], documents: readonly string[], config: ResolvedConfig): string[] {
  const candidates = new Set(correlationCandidates({ root, files: [...entries, ...documents], explicit: new Set(), config }));
  return documents.filter((file) => candidates.has(file));
}

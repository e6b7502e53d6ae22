/**
 * Publishing diagnostics. An open file's diagnostics are pushed (with its version) only once every unit reading it
 * analysed that version; a client that pulls is asked to pull again instead. Files not open get what the analyses of
 * their APIs found there (as the folder's diagnostics scope asks, or on a workspace review), and a configuration file
 * its problems, pushed as they are.
 */
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Connection, Diagnostic } from 'vscode-languageserver/node';
import { toUri, withinLimit } from './convert';
import type { OpenDocuments } from './open-documents';
import type { ResultStore } from './results';
import type { UnitRegistry } from './units';

export interface PublishSources {
  units: UnitRegistry;
  results: ResultStore;
  /** Whether nothing is pending for a unit. */
  idle(unit: string): boolean;
  /** The workspace Spectral ruleset's diagnostics of a file computed from `version` of its text (undefined: the disk's). */
  spectral(file: string, version: number | undefined): Diagnostic[];
}

export class Publisher {
  /** The last diagnostics pushed per open file: the same diagnostics for the same version are not sent again. */
  private readonly pushed = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** What was pushed for a file not open (its API analysed, the workspace reviewed): pushed again when the file closes. */
  private readonly reviewedFiles = new Map<string, Diagnostic[]>();
  /** Problems of configuration files, by path. */
  private readonly configProblems = new Map<string, Diagnostic[]>();

  constructor(
    private readonly connection: Connection,
    private readonly client: { pull: boolean; refresh: boolean },
    private readonly open: OpenDocuments,
    private readonly sources: PublishSources,
  ) {}

  /** Every diagnostic of `file`: from every unit that read it, the Spectral ruleset's for its current text, its configuration problems. */
  diagnosticsIn(file: string): Diagnostic[] {
    const { units, results, spectral } = this.sources;
    const lists = units.reading(file).map((unit) => results.diagnosticsIn(unit.id, file)).filter((list) => list.length > 0);
    const others = [...spectral(file, this.open.get(file)?.version), ...(this.configProblems.get(file) ?? [])];
    if (lists.length <= 1 && others.length === 0) return lists[0] ?? [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const d of lists.flat()) {
      const key = `${d.code}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
      if (!seen.has(key)) { seen.add(key); diagnostics.push(d); }
    }
    return [...diagnostics, ...others];
  }

  /** Whether every unit reading `file` analysed its open buffer at `version` (or did not read it, or has nothing to say): an older result is not published. */
  upToDate(file: string, version: number): boolean {
    return this.sources.units.reading(file).every((unit) => {
      const analysis = this.sources.results.get(unit.id);
      return analysis ? analysis.describes(file, version) : this.sources.idle(unit.id);
    });
  }

  /** Publishes the diagnostics of the open files among `files` that are up to date. */
  publish(files: Iterable<string>): void {
    if (this.client.pull) { this.refresh(); return; }
    const wanted = new Set(files);
    for (const [file, document] of this.open.entries()) {
      if (!wanted.has(file) || !this.upToDate(file, document.version)) continue;
      const diagnostics = this.diagnosticsIn(file);
      const last = this.pushed.get(file);
      if (last && last.version === document.version && sameDiagnostics(last.diagnostics, diagnostics)) continue;
      this.pushed.set(file, { version: document.version, diagnostics });
      void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: withinLimit(diagnostics) });
    }
  }

  private refresh(): void {
    if (this.client.refresh) this.connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  /** The diagnostics of a file its API's analysis reached: pushed unless the file is open to a client that pulls. */
  pushReviewed(file: string, diagnostics: Diagnostic[]): void {
    const before = this.reviewedFiles.get(file);
    this.reviewedFiles.set(file, diagnostics);
    if (this.open.has(file)) {
      if (!this.client.pull) this.send(file, diagnostics);
      return;
    }
    // the same diagnostics again (a result confirmed, another file of its API edited): the client shows them already,
    // and an edit of a route file would otherwise push every file of its app
    if (before === undefined || !sameDiagnostics(before, diagnostics)) this.send(file, diagnostics);
  }

  /** Takes back what was pushed for a file not open: it shows its configuration problems only, if any. */
  withdrawReviewed(file: string): void {
    if (!this.reviewedFiles.delete(file) || this.open.has(file)) return;
    this.send(file, this.unopened(file));
  }

  /** What was pushed for `files` while not open, computed again (a unit that read them ran again, or is gone). */
  refreshReviewed(files: Iterable<string>): void {
    for (const file of files) if (this.reviewedFiles.has(file)) this.pushReviewed(file, this.diagnosticsIn(file));
  }

  /** The problems of a configuration file (none: it is fine). */
  setConfigProblems(file: string, diagnostics: Diagnostic[]): void {
    const before = this.configProblems.get(file);
    if ((before ?? []).length === 0 && diagnostics.length === 0) return;
    if (diagnostics.length > 0) this.configProblems.set(file, diagnostics); else this.configProblems.delete(file);
    if (this.open.has(file)) this.publish([file]); else this.send(file, this.unopened(file));
  }

  /** What a file not open shows. */
  private unopened(file: string): Diagnostic[] {
    return [...(this.reviewedFiles.get(file) ?? []), ...(this.configProblems.get(file) ?? [])];
  }

  private send(file: string, diagnostics: Diagnostic[]): void {
    void this.connection.sendDiagnostics({ uri: toUri(file, '.'), diagnostics: withinLimit(diagnostics) });
  }

  /** An open buffer takes over from what was pushed for the file while it was not open. */
  opened(file: string): void {
    if (this.client.pull && (this.reviewedFiles.has(file) || this.configProblems.has(file))) this.send(file, []);
  }

  /** Back to what the file shows when not open. */
  closed(file: string): void {
    this.pushed.delete(file);
    if (!this.client.pull || this.reviewedFiles.has(file) || this.configProblems.has(file)) this.send(file, this.unopened(file));
  }

  /** Clears what was pushed for files not open under `folder` (a workspace folder removed). */
  forgetFolder(folder: string): void {
    const under = (file: string) => file.startsWith(folder + path.sep);
    for (const file of [...this.reviewedFiles.keys(), ...this.configProblems.keys()].filter(under)) {
      this.reviewedFiles.delete(file);
      this.configProblems.delete(file);
      this.send(file, []);
    }
  }
}

/** Whether two lists of diagnostics say the same: mostly the very objects, converted once per finding. */
function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !isDeepStrictEqual(a[i], b[i])) return false;
  return true;
}

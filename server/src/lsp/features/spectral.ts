/**
 * The workspace's own Spectral ruleset, run (in trusted workspaces) on a document after its exact analysis and on
 * save. Runs go one at a time to the Spectral worker, each under a time limit; a run asked for meanwhile waits, the
 * latest per document. A ruleset past its time is stopped: a log line says so, and a window message the first time.
 */
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { spectralToDiagnostic } from '../convert';
import type { OpenDocuments } from '../open-documents';
import { findRuleset } from '../spectral-files';
import type { SpectralWorker } from '../worker-client';

export interface WorkspaceRulesetHost {
  worker: Pick<SpectralWorker, 'run'>;
  timeoutMs: number;
  open: OpenDocuments;
  /** Whether the folder's ruleset may run (a trusted workspace, not turned off in the settings). */
  allowed(root: string): Promise<boolean>;
  log(message: string): void;
  warn(message: string): void;
  publish(files: string[]): void;
}

export class WorkspaceRuleset {
  /** Diagnostics per file, with the buffer version they were computed from (undefined: the disk's text). */
  private readonly byFile = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  /** Documents to lint next, with their roots. */
  private readonly queued = new Map<string, string>();
  private running = false;
  /** Rulesets whose timeout the user was told about. */
  private readonly told = new Set<string>();

  constructor(private readonly host: WorkspaceRulesetHost) {}

  /** Lints `doc` with its root's ruleset, now or after the run in progress. */
  request(root: string, doc: string): void {
    this.queued.set(doc, root);
    if (!this.running) void this.drain();
  }

  /** The diagnostics of `file` when they were computed from `version` of its text. */
  diagnosticsOf(file: string, version: number | undefined): Diagnostic[] {
    const known = this.byFile.get(file);
    return known && known.version === version ? known.diagnostics : [];
  }

  /** Whether `file` was linted at `version` of its text (undefined: the disk's). */
  linted(file: string, version: number | undefined): boolean {
    const known = this.byFile.get(file);
    return known !== undefined && known.version === version;
  }

  /** Forgets the diagnostics of files under `folder`. */
  forgetFolder(folder: string): void {
    for (const file of [...this.byFile.keys()]) if (file.startsWith(folder + path.sep)) this.byFile.delete(file);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let next = this.queued.entries().next(); !next.done; next = this.queued.entries().next()) {
        const [doc, root] = next.value;
        this.queued.delete(doc);
        await this.run(root, doc);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(root: string, doc: string): Promise<void> {
    const ruleset = findRuleset(root);
    if (!ruleset || !(await this.host.allowed(root))) return;
    const versions = new Map(this.host.open.entries().map(([file, document]) => [file, document.version]));
    const text = this.host.open.get(doc)?.getText();
    const outcome = await this.host.worker.run(root, ruleset, [{ path: doc, text }], this.host.timeoutMs);
    if ('timedOut' in outcome) {
      const message = `The Spectral ruleset ${path.basename(ruleset)} did not finish within ${this.host.timeoutMs / 1000} s and was stopped; it runs again on the next change.`;
      this.host.log(message);
      if (!this.told.has(ruleset)) { this.told.add(ruleset); this.host.warn(message); }
      return;
    }
    if (outcome.error) this.host.log(outcome.error);
    const byFile = new Map<string, Diagnostic[]>([[doc, []]]);
    for (const d of outcome.diagnostics) {
      const list = byFile.get(d.path) ?? [];
      list.push(spectralToDiagnostic(d, ruleset));
      byFile.set(d.path, list);
    }
    for (const [file, diagnostics] of byFile) this.byFile.set(file, { version: versions.get(file), diagnostics });
    this.host.publish([...byFile.keys()]);
  }
}

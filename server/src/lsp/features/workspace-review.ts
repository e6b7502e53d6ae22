/**
 * `apiSentinel/reviewWorkspace`: reviews every unit its folder's configuration includes, one at a time with
 * progress, and pushes the diagnostics of every file they read (open ones too, to a client that does not pull).
 * Cancelled, it stops at once: the unit under way is no longer waited for, and no further one starts.
 */
import { type CancellationToken, type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { AnalysisUnit, UnitRegistry } from '../units';

export interface WorkspaceReviewHost {
  units: UnitRegistry;
  /** Resolves once the workspace's documents are found and reviewed a first time. */
  discovered(): Promise<void>;
  /** Whether the unit's folder configuration (include/exclude) covers it. */
  included(unit: AnalysisUnit): Promise<boolean>;
  run(unit: string): Promise<void>;
  diagnosticsIn(file: string): Diagnostic[];
  pushReviewed(file: string, diagnostics: Diagnostic[]): void;
  progress(done: number, total: number): void;
}

export interface ReviewSummary {
  /** The documents reviewed, of `total`. */
  documents: number;
  total: number;
  /** The files with findings (hints aside), and those findings. */
  files: number;
  findings: number;
  cancelled: boolean;
}

/** Settles when `token` is cancelled (never otherwise). */
function cancellation(token: CancellationToken): Promise<void> {
  return new Promise((resolve) => { if (token.isCancellationRequested) resolve(); else token.onCancellationRequested(() => resolve()); });
}

export async function reviewWorkspace(host: WorkspaceReviewHost, token: CancellationToken): Promise<ReviewSummary> {
  const cancelled = cancellation(token);
  await Promise.race([host.discovered(), cancelled]);
  const units: AnalysisUnit[] = [];
  if (!token.isCancellationRequested) for (const unit of host.units.all()) if (await host.included(unit)) units.push(unit);
  const reviewed: AnalysisUnit[] = [];
  for (const unit of units) {
    if (token.isCancellationRequested) break;
    // the job goes on in the background (the editor shows what it finds), but the review no longer waits for it
    await Promise.race([host.run(unit.id), cancelled]);
    if (token.isCancellationRequested) break;
    reviewed.push(unit);
    host.progress(reviewed.length, units.length);
  }
  const files = new Set(reviewed.flatMap((unit) => host.units.inputsOf(unit.id)));
  let findings = 0;
  let withFindings = 0;
  for (const file of files) {
    const diagnostics = host.diagnosticsIn(file);
    const shown = diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
    findings += shown;
    if (shown > 0) withFindings++;
    host.pushReviewed(file, diagnostics);
  }
  return { documents: reviewed.length, total: units.length, files: withFindings, findings, cancelled: token.isCancellationRequested };
}

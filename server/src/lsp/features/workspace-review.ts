/**
 * `apiSentinel/reviewWorkspace`: reviews every unit its folder's configuration includes, one at a time with
 * progress, and pushes the diagnostics of every file they read (open ones too, to a client that does not pull).
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

export interface ReviewSummary { documents: number; files: number; findings: number; cancelled: boolean }

export async function reviewWorkspace(host: WorkspaceReviewHost, token: CancellationToken): Promise<ReviewSummary> {
  await host.discovered();
  const units: AnalysisUnit[] = [];
  for (const unit of host.units.all()) if (await host.included(unit)) units.push(unit);
  let done = 0;
  for (const unit of units) {
    if (token.isCancellationRequested) break;
    await host.run(unit.id);
    done++;
    host.progress(done, units.length);
  }
  const files = new Set(units.flatMap((unit) => host.units.inputsOf(unit.id)));
  let findings = 0;
  for (const file of files) {
    const diagnostics = host.diagnosticsIn(file);
    findings += diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
    host.pushReviewed(file, diagnostics);
  }
  return { documents: done, files: files.size, findings, cancelled: token.isCancellationRequested };
}

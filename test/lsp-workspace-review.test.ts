/** The workspace review in-process, with a fake host: what it reports, and a Cancel that stops the work at once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { reviewWorkspace, type WorkspaceReviewHost } from '../server/src/lsp/features/workspace-review';
import { UnitRegistry } from '../server/src/lsp/units';

const diagnostic = (severity: DiagnosticSeverity): Diagnostic => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm', severity });

/** Three documents in /w, each reading itself and a shared schema; `run` is given per document. */
function host(run: (unit: string) => Promise<void>, diagnostics: Record<string, Diagnostic[]>) {
  const units = new UnitRegistry();
  units.addFolder('/w');
  for (const name of ['a', 'b', 'c']) {
    units.addDocument(`/w/${name}.yaml`);
    units.setInputs(`/w/${name}.yaml`, [`/w/${name}.yaml`, '/w/schema.yaml']);
  }
  const ran: string[] = [];
  const pushed: string[] = [];
  const progress: [number, number][] = [];
  const reviewHost: WorkspaceReviewHost = {
    units,
    discovered: async () => undefined,
    included: async () => true,
    run: (unit) => { ran.push(unit); return run(unit); },
    diagnosticsIn: (file) => diagnostics[file] ?? [],
    pushReviewed: (file) => { pushed.push(file); },
    progress: (done, total) => { progress.push([done, total]); },
  };
  return { reviewHost, ran, pushed, progress };
}

test('counts the files with findings (hints aside) and every finding, and pushes every file read', async () => {
  const { reviewHost, pushed, progress } = host(async () => undefined, {
    '/w/a.yaml': [diagnostic(DiagnosticSeverity.Error), diagnostic(DiagnosticSeverity.Warning)],
    '/w/b.yaml': [diagnostic(DiagnosticSeverity.Hint)],
    '/w/schema.yaml': [diagnostic(DiagnosticSeverity.Information)],
  });
  const summary = await reviewWorkspace(reviewHost, new CancellationTokenSource().token);
  assert.deepEqual(summary, { documents: 3, total: 3, files: 2, findings: 3, cancelled: false });
  assert.deepEqual(progress, [[1, 3], [2, 3], [3, 3]]);
  assert.deepEqual(pushed.sort(), ['/w/a.yaml', '/w/b.yaml', '/w/c.yaml', '/w/schema.yaml']);
});

test('Cancel stops at once: the document under way is not waited for, no other starts, only what was reviewed is reported', async () => {
  const source = new CancellationTokenSource();
  // the second document's analysis never ends on its own
  const { reviewHost, ran, pushed } = host((unit) => (unit === '/w/b.yaml' ? new Promise<void>(() => { source.cancel(); }) : Promise.resolve()), {
    '/w/a.yaml': [diagnostic(DiagnosticSeverity.Error)],
    '/w/b.yaml': [diagnostic(DiagnosticSeverity.Error)],
  });
  const summary = await reviewWorkspace(reviewHost, source.token);
  assert.deepEqual(summary, { documents: 1, total: 3, files: 1, findings: 1, cancelled: true });
  assert.deepEqual(ran, ['/w/a.yaml', '/w/b.yaml']);
  assert.deepEqual(pushed.sort(), ['/w/a.yaml', '/w/schema.yaml']);
});

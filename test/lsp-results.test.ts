/**
 * The results the server keeps (`lsp/results.ts`): a result rebuilt from the one held and the worker's change shows,
 * in each file it says the same of, the very diagnostics the held one showed (publishing compares them at a glance),
 * and new diagnostics in a file where anything changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultStore } from '../server/src/lsp/results';
import type { SentChange, SentFinding, SentResult } from '../server/src/lsp/protocol';
import type { AnalysisUnit } from '../server/src/lsp/units';

const ROOT = '/project';
const unit: AnalysisUnit = { id: `${ROOT}/openapi.yaml`, kind: 'openapi', root: ROOT, entries: [`${ROOT}/openapi.yaml`] };

function finding(file: string, line: number, ruleId = 'string-unbounded'): SentFinding {
  return {
    ruleId, family: 'rate-limit', owasp: ['API4:2023'], cwe: ['CWE-770'], severity: 'warning', message: `${ruleId} at ${line}`,
    file, range: { start: { line, character: 4 }, end: { line, character: 8 } }, anchor: `${file}#${line}`, path: [], operations: [], related: [],
  };
}

function result(findings: SentFinding[]): SentResult {
  return { findings, problems: [], documents: ['openapi.yaml'], inputs: ['openapi.yaml', 'schemas/a.yaml', 'schemas/b.yaml'], routes: [], frontends: ['spec'], exact: true };
}

test('a rebuilt result shows the very diagnostics of the held one in the files it says the same of, new ones where anything changed', () => {
  const store = new ResultStore();
  const held = [finding('openapi.yaml', 3), finding('schemas/a.yaml', 5), finding('schemas/a.yaml', 9), finding('schemas/b.yaml', 2)];
  store.store(unit, { jobId: 1, answer: result(held), buffers: new Map() });
  const first = store.get(unit.id)!;
  const before = ['openapi.yaml', 'schemas/a.yaml', 'schemas/b.yaml'].map((file) => first.diagnosticsIn(`${ROOT}/${file}`));

  // the edit changed the finding of openapi.yaml and dropped one of schemas/a.yaml; schemas/b.yaml reads as before
  const change: SentChange = { ...result([]), base: 1, findings: [finding('openapi.yaml', 4), 1, 3], routes: [] };
  store.store(unit, { jobId: 2, answer: change, buffers: new Map() });
  const second = store.get(unit.id)!;
  const [spec, a, b] = ['openapi.yaml', 'schemas/a.yaml', 'schemas/b.yaml'].map((file) => second.diagnosticsIn(`${ROOT}/${file}`));

  assert.equal(b, before[2], 'the same findings: the very list');
  assert.notEqual(a, before[1]);
  assert.deepEqual(a.map((d) => d.range.start.line), [5]);
  assert.notEqual(spec, before[0]);
  assert.deepEqual(spec.map((d) => d.range.start.line), [4]);
});

test('a file whose problems changed gets its diagnostics anew, though its findings are the same', () => {
  const store = new ResultStore();
  const held = [finding('schemas/b.yaml', 2)];
  store.store(unit, { jobId: 1, answer: result(held), buffers: new Map() });
  const before = store.get(unit.id)!.diagnosticsIn(`${ROOT}/schemas/b.yaml`);
  const problem = { file: 'schemas/b.yaml', severity: 'error' as const, code: 'ref-missing', message: "$ref '#/x' points at nothing" };
  store.store(unit, { jobId: 2, answer: { ...result([]), problems: [problem], base: 1, findings: [0], routes: [] }, buffers: new Map() });
  const after = store.get(unit.id)!.diagnosticsIn(`${ROOT}/schemas/b.yaml`);
  assert.notEqual(after, before);
  assert.deepEqual(after.map((d) => d.code), ['string-unbounded', 'ref-missing']);
});

test('a finding moved by a shift of lines moves its ranges in that file from that line on, and keeps the others as they were', () => {
  const store = new ResultStore();
  const related = (file: string, line: number) => ({ file, range: finding(file, line).range, message: `uses it at ${line}` });
  const held = { ...finding('openapi.yaml', 30), related: [related('openapi.yaml', 6), related('openapi.yaml', 20), related('schemas/a.yaml', 25)] };
  store.store(unit, { jobId: 1, answer: result([held]), buffers: new Map() });
  const change: SentChange = { ...result([]), base: 1, findings: [{ at: 0, file: 'openapi.yaml', from: 20, lines: -3 }], routes: [] };
  store.store(unit, { jobId: 2, answer: change, buffers: new Map() });
  const [moved] = store.get(unit.id)!.result.findings;
  assert.deepEqual([moved.range.start.line, moved.range.end.line, moved.range.start.character], [27, 27, 4]);
  assert.deepEqual(moved.related.map((r) => r.range.start.line), [6, 17, 25]);
  assert.equal(moved.related[0], held.related[0], 'above the shift: the very entry');
  assert.equal(moved.related[2], held.related[2], 'in another file: the very entry');
  assert.deepEqual({ ...moved, range: held.range, related: held.related }, held, 'nothing else changed');
});

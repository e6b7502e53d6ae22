/** The workspace Spectral ruleset feature, in-process with a fake Spectral worker: what it keeps, and what it says on a timeout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceRuleset } from '../server/src/lsp/features/spectral';
import { OpenDocuments } from '../server/src/lsp/open-documents';
import type { SpectralOutcome } from '../server/src/lsp/worker-client';
import type { ToSpectral } from '../server/src/lsp/protocol';

/** A folder with a ruleset and an open document; the fake worker's runs end when the test says. */
function setup(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), 'api-sentinel-ruleset-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, '.spectral.yaml'), 'rules: {}\n');
  const doc = join(root, 'openapi.yaml');
  const open = new OpenDocuments();
  open.open(doc, TextDocument.create('file:///openapi.yaml', 'yaml', 7, 'openapi: 3.0.3\n'));
  const runs: { files: ToSpectral['files']; end(outcome: SpectralOutcome): void }[] = [];
  const logs: string[] = [];
  const warnings: string[] = [];
  const published: string[][] = [];
  let allowed = true;
  const ruleset = new WorkspaceRuleset({
    worker: { run: (_root, _ruleset, files) => new Promise((resolve) => runs.push({ files, end: resolve })) },
    timeoutMs: 30_000,
    open,
    allowed: async () => allowed,
    log: (m) => logs.push(m),
    warn: (m) => warnings.push(m),
    publish: (files) => published.push(files),
  });
  const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { root, doc, ruleset, runs, logs, warnings, published, idle, disallow: () => { allowed = false; } };
}

test("a run lints the open buffer's text; its diagnostics hold for that version, on their first line", async (t) => {
  const s = setup(t);
  s.ruleset.request(s.root, s.doc);
  await s.idle();
  assert.deepEqual(s.runs.map((r) => r.files), [[{ path: s.doc, text: 'openapi: 3.0.3\n' }]]);
  s.runs[0].end({ diagnostics: [{ path: s.doc, code: 'operation-summary-required', message: 'Operation has no summary.', severity: 1,
    range: { start: { line: 8, character: 4 }, end: { line: 12, character: 0 } } }] });
  await s.idle();
  assert.deepEqual(s.published, [[s.doc]]);
  const [d] = s.ruleset.diagnosticsOf(s.doc, 7);
  assert.equal(d.source, 'spectral (.spectral.yaml)');
  assert.deepEqual(d.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 10_000 } });
  assert.deepEqual(s.ruleset.diagnosticsOf(s.doc, 8), [], 'not for another version');
  assert.equal(s.ruleset.linted(s.doc, 7), true);
});

test('one run at a time: runs asked for meanwhile come after it, once per document', async (t) => {
  const s = setup(t);
  for (let i = 0; i < 3; i++) s.ruleset.request(s.root, s.doc);
  await s.idle();
  assert.equal(s.runs.length, 1);
  s.runs[0].end({ diagnostics: [] });
  await s.idle();
  assert.equal(s.runs.length, 2);
  s.runs[1].end({ diagnostics: [] });
  await s.idle();
  assert.equal(s.runs.length, 2);
});

test('a timeout is logged each time and shown to the user once; nothing runs where it is not allowed', async (t) => {
  const s = setup(t);
  for (let i = 0; i < 2; i++) {
    s.ruleset.request(s.root, s.doc);
    await s.idle();
    s.runs[i].end({ timedOut: true });
    await s.idle();
  }
  assert.equal(s.logs.length, 2);
  assert.match(s.logs[0], /^The Spectral ruleset \.spectral\.yaml did not finish within 30 s and was stopped/);
  assert.deepEqual(s.warnings, [s.logs[0]]);
  assert.deepEqual(s.published, []);
  s.disallow();
  s.ruleset.request(s.root, s.doc);
  await s.idle();
  assert.equal(s.runs.length, 2);
});

/**
 * The analysis worker (the bundle `npm run build` writes) driven by the server's client in-process: a job reads the
 * buffers sent before it and no later ones, and says which versions it read.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisWorker } from '../server/src/lsp/worker-client';
import { ResultStore } from '../server/src/lsp/results';
import type { MovedFinding, SentChange, SentResult } from '../server/src/lsp/protocol';

const ROOT = join(__dirname, 'fixtures', '_lsp', 'workspace');
const SPEC = join(ROOT, 'openapi.yaml');
const SCHEMA = join(ROOT, 'schemas', 'account.yaml');
const WORKER = join(__dirname, '..', 'dist', 'analysis-worker.js');

test('a job reads the buffers as sent with it, even when newer ones follow before it reads them, and names their versions', async (t) => {
  // the spec's response is a file read from disk (the job waits for it), which holds the open schema
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'openapi.yaml');
  const schema = join(dir, 'account.yaml');
  const specText = readFileSync(SPEC, 'utf8').replace('schemas/account.yaml', 'status.yaml');
  writeFileSync(join(dir, 'status.yaml'), 'type: object\nadditionalProperties: false\nproperties:\n  up:\n    type: boolean\n  account:\n    $ref: account.yaml\n');
  const schemaText = readFileSync(SCHEMA, 'utf8');
  const worker = new AnalysisWorker(WORKER);
  t.after(() => worker.dispose());
  worker.overlay(spec, { version: 1, text: specText });
  worker.overlay(schema, { version: 4, text: schemaText });
  const first = worker.analyze(dir, [spec], {});
  // sent before the first job reads the schema
  worker.overlay(schema, { version: 5, text: schemaText.replace('  name:\n', '  password:\n    type: string\n    maxLength: 64\n  name:\n') });
  const second = worker.analyze(dir, [spec], {});
  const [a, b] = await Promise.all([first.outcome, second.outcome]);
  assert.ok(a.kind === 'done' && b.kind === 'done');
  const rules = (result: SentResult) => result.findings.map((f) => f.ruleId);
  assert.deepEqual([...a.result.buffers].map(([file, buffer]) => [file, buffer.version]), [[spec, 1], [schema, 4]]);
  assert.ok(!rules(a.result.answer as SentResult).includes('response-sensitive-field'), 'the first job read version 4');
  assert.deepEqual([...b.result.buffers].map(([file, buffer]) => [file, buffer.version]), [[spec, 1], [schema, 5]]);
  assert.ok(rules(b.result.answer as SentResult).includes('response-sensitive-field'), 'the second job read version 5');
});

test('a file not open is read from disk and named by no version', async (t) => {
  const worker = new AnalysisWorker(WORKER);
  t.after(() => worker.dispose());
  worker.overlay(SPEC, { version: 3, text: readFileSync(SPEC, 'utf8') });
  const outcome = await worker.analyze(ROOT, [SPEC], {}).outcome;
  assert.ok(outcome.kind === 'done');
  assert.deepEqual([...outcome.result.buffers.keys()], [SPEC]);
  assert.ok((outcome.result.answer as SentResult).inputs.includes('schemas/account.yaml'));
});

test('a worker that dies fails its job as a crash, and the next job gets a new worker with the buffers', async (t) => {
  const worker = new AnalysisWorker(join(__dirname, 'support', 'crashing-analysis-worker.js'));
  t.after(() => worker.dispose());
  worker.overlay(SPEC, { version: 2, text: readFileSync(SPEC, 'utf8') });
  const crashed = await worker.analyze(ROOT, [join(ROOT, 'crash.yaml')], {}).outcome;
  assert.deepEqual(crashed, { kind: 'failed', reason: 'the analysis worker stopped (exit code 70)', crashed: true });
  const next = await worker.analyze(ROOT, [SPEC], {}).outcome;
  assert.ok(next.kind === 'done');
  assert.equal(next.result.buffers.get(SPEC)?.version, 2);
});

test('a buffer edited again and again reaches the worker as edits of the text it holds, and reads as the whole text would', async (t) => {
  const worker = new AnalysisWorker(WORKER);
  t.after(() => worker.dispose());
  let text = readFileSync(SPEC, 'utf8');
  worker.overlay(SPEC, { version: 1, text });
  const sent: string[] = [];
  const send = (worker as unknown as { send(message: { type: string }): void }).send.bind(worker);
  (worker as unknown as { send(message: { type: string }): void }).send = (message) => { sent.push(message.type); send(message); };
  const findings = async (w: AnalysisWorker) => {
    const outcome = await w.analyze(ROOT, [SPEC], {}).outcome;
    assert.ok(outcome.kind === 'done');
    return (outcome.result.answer as SentResult).findings.map((f) => `${f.ruleId} ${JSON.stringify(f.range)} ${f.message}`);
  };
  await findings(worker);
  // a parameter added, renamed and removed, a description typed into, an id's format dropped and an operation
  // renamed: at the start, middle and end of the text
  const parameter = '        - name: password\n          in: query\n          schema:\n            type: string\n';
  const edits: ((text: string) => string)[] = [
    (x) => x.replace('      parameters:\n', `      parameters:\n${parameter}`),
    (x) => x.replace('name: password', 'name: secret_token'),
    (x) => `# edited\n${x}`,
    (x) => x.replace('description: The account', 'description: The account, as typed'),
    (x) => x.replace(parameter.replace('password', 'secret_token'), ''),
    (x) => x.replace('            format: uuid\n', ''),
    (x) => `${x}x-end: true\n`,
    (x) => x.replace('operationId: getAccount', 'operationId: getAccountRenamed'),
  ];
  for (const [i, edit] of edits.entries()) {
    const next = edit(text);
    assert.notEqual(next, text, `edit ${i} changes the text`);
    text = next;
    worker.overlay(SPEC, { version: i + 2, text });
    const whole = new AnalysisWorker(WORKER);
    t.after(() => whole.dispose());
    whole.overlay(SPEC, { version: 1, text });
    assert.deepEqual(await findings(worker), await findings(whole), `edit ${i}`);
  }
  assert.deepEqual(sent.filter((type) => type.startsWith('overlay')).slice(0, 2), ['overlay', 'overlay-edit'], 'the text once, then its edits');
  assert.equal(sent.filter((type) => type === 'overlay-edit').length, edits.length);
});

/** A copy of the workspace on disk and a worker, both gone after the test. */
function copiedWorkspace(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-worker-disk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(ROOT, dir, { recursive: true });
  const worker = new AnalysisWorker(WORKER);
  t.after(() => worker.dispose());
  return { dir, spec: join(dir, 'openapi.yaml'), schema: join(dir, 'schemas', 'account.yaml'), worker };
}

test('a file kept from disk is read again once it changes there, told or not', async (t) => {
  const { dir, spec, schema, worker } = copiedWorkspace(t);
  const schemaText = readFileSync(schema, 'utf8');
  const withPassword = schemaText.replace('  name:\n', '  password:\n    type: string\n    maxLength: 64\n  name:\n');
  const sensitive = async () => {
    const outcome = await worker.analyze(dir, [spec], {}).outcome;
    assert.ok(outcome.kind === 'done');
    return (outcome.result.answer as SentResult).findings.some((f) => f.ruleId === 'response-sensitive-field');
  };
  assert.equal(await sensitive(), false);
  // no change announced: the file's stamp differs
  writeFileSync(schema, withPassword);
  assert.equal(await sensitive(), true);
  // announced, as a watched-file event does
  writeFileSync(schema, schemaText);
  worker.diskChanged(schema);
  assert.equal(await sensitive(), false);
});

test('a file missing from disk is missing until it is written there, told or not; a text read under a limit is not read under a smaller one', async (t) => {
  const { dir, spec, schema, worker } = copiedWorkspace(t);
  const schemaText = readFileSync(schema, 'utf8');
  rmSync(schema);
  const problems = async (config = {}) => {
    const outcome = await worker.analyze(dir, [spec], config).outcome;
    assert.ok(outcome.kind === 'done');
    return (outcome.result.answer as SentResult).problems.map((p) => p.code);
  };
  const missing = await problems();
  assert.ok(missing.length > 0);
  assert.deepEqual(await problems(), missing);
  // no change announced: where nothing was, a file is
  writeFileSync(schema, schemaText);
  assert.deepEqual(await problems(), []);
  // the texts read are more than 100 bytes: under that limit they are too large
  assert.ok(Buffer.byteLength(schemaText) > 100);
  assert.ok((await problems({ maxFileSizeMB: 100 / 1024 / 1024 })).includes('file-too-large'));
  rmSync(schema);
  worker.diskChanged(schema);
  assert.deepEqual(await problems(), missing);
});

/**
 * Analyses `text`, then `edited` in the same worker (the findings held from the first), and `edited` in a worker that
 * held nothing: the change sent for the edit, the findings held before, the findings the server rebuilds from the
 * change, and those of the whole answer.
 */
async function moveAfterEdit(t: TestContext, text: string, edited: string) {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = join(dir, 'openapi.yaml');
  const worker = new AnalysisWorker(WORKER);
  t.after(() => worker.dispose());
  const store = new ResultStore();
  const unit = { id: spec, kind: 'openapi' as const, root: dir, entries: [spec] };
  worker.overlay(spec, { version: 1, text });
  const first = await worker.analyze(dir, [spec], {}).outcome;
  assert.ok(first.kind === 'done');
  store.store(unit, first.result);
  const held = (first.result.answer as SentResult).findings;
  worker.overlay(spec, { version: 2, text: edited });
  const second = await worker.analyze(dir, [spec], {}, first.result.jobId).outcome;
  assert.ok(second.kind === 'done');
  const change = second.result.answer as SentChange;
  assert.equal(change.base, first.result.jobId);
  const rebuilt = store.store(unit, second.result)!.analysis.result.findings;
  const fresh = new AnalysisWorker(WORKER);
  t.after(() => fresh.dispose());
  fresh.overlay(spec, { version: 2, text: edited });
  const whole = await fresh.analyze(dir, [spec], {}).outcome;
  assert.ok(whole.kind === 'done');
  const moved = change.findings.filter((f): f is MovedFinding => typeof f === 'object' && 'at' in f);
  return { held, moved, rebuilt, whole: (whole.result.answer as SentResult).findings };
}

/** An operation at `path` whose request body is the shared schema Note. */
const notePost = (path: string, operationId: string) => `  ${path}:
    post:
      operationId: ${operationId}
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Note'
      responses:
        "201":
          description: created
`;

/** Two operations sending one shared schema, whose unbounded string is one finding relating both. */
const TWO_OPERATIONS = `openapi: 3.0.3
info:
  title: Notes
  version: "1.0"
paths:
${notePost('/notes', 'createNote')}${notePost('/drafts', 'createDraft')}components:
  schemas:
    Note:
      type: object
      properties:
        code:
          type: string
`;

test('findings an edit only moved are sent as the lines they moved by, and the server rebuilds the result a full answer gives', async (t) => {
  // two lines put before every finding, in a description nothing reads: each moves two lines down
  const edited = TWO_OPERATIONS.replace('  version: "1.0"\n', '  version: "1.0"\n  description: |\n    Moved.\n');
  const { held, moved, rebuilt, whole } = await moveAfterEdit(t, TWO_OPERATIONS, edited);
  assert.equal(moved.length, held.length, 'every finding only moved');
  assert.ok(moved.every((f) => 'lines' in f && f.lines === 2 && f.from <= held[f.at].range.start.line), JSON.stringify(moved));
  assert.ok(moved.some((f) => held[f.at].related.length > 0), 'related locations moved too');
  assert.deepStrictEqual(rebuilt, whole);
});

test('a finding relating places above and below the lines an edit added moves only those below', async (t) => {
  const edited = TWO_OPERATIONS.replace('  /drafts:\n', '  # drafts, not yet published\n  /drafts:\n');
  const { held, moved, rebuilt, whole } = await moveAfterEdit(t, TWO_OPERATIONS, edited);
  const draftsLine = TWO_OPERATIONS.split('\n').indexOf('  /drafts:');
  const across = moved.filter((f) => held[f.at].related.some((r) => r.range.start.line < draftsLine) && held[f.at].range.start.line > draftsLine);
  assert.ok(across.length > 0, 'the shared string relates the operation above and is reported below');
  assert.ok(across.every((f) => 'lines' in f && f.lines === 1 && f.from > held[f.at].related[0].range.start.line), JSON.stringify(across));
  assert.deepStrictEqual(rebuilt, whole);
});

test('a finding whose places between a line removed and a line added moved, and the others not, is sent with its new ranges', async (t) => {
  const text = TWO_OPERATIONS.replace('  /notes:\n', '  # notes\n  /notes:\n');
  const edited = TWO_OPERATIONS.replace('components:\n', '# shared schemas\ncomponents:\n');
  const { held, moved, rebuilt, whole } = await moveAfterEdit(t, text, edited);
  // the shared string stays where it was, and the operations it relates moved one line up
  const shared = moved.filter((f) => held[f.at].related.length > 0);
  assert.ok(shared.length > 0 && shared.every((f) => 'range' in f && f.range.start.line === held[f.at].range.start.line), JSON.stringify(moved));
  assert.deepStrictEqual(rebuilt, whole);
});

test('a finding two edits moved by different lines is sent with its new ranges', async (t) => {
  const edited = TWO_OPERATIONS
    .replace('  version: "1.0"\n', '  version: "1.0"\n  description: |\n    Moved.\n')
    .replace('  /drafts:\n', '  # drafts, not yet published\n  /drafts:\n');
  const { held, moved, rebuilt, whole } = await moveAfterEdit(t, TWO_OPERATIONS, edited);
  const ranges = moved.filter((f) => 'range' in f);
  assert.ok(ranges.length > 0 && ranges.every((f) => held[f.at].related.length > 0), JSON.stringify(moved));
  assert.ok(moved.some((f) => 'lines' in f && f.lines === 2), 'the findings at paths, above the second edit, moved by two lines');
  assert.deepStrictEqual(rebuilt, whole);
});

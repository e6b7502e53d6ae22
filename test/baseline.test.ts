/** `api-sentinel baseline create` and `review --baseline FILE`, as users run them (the built CLI). */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, removeCopies, runCli, STACK_TRACE, type CliRun } from './support/cli';
import { sarifErrors } from './support/sarif-schema';

after(removeCopies);

interface Entry { ruleId: string; file: string; anchor: string; message: string }
interface BaselineFile { version: number; tool: string; findings: Entry[] }
interface JsonFinding { ruleId: string; file: string; message: string; operations: { method: string; path: string }[]; suppressed?: unknown }
interface BaselineReport {
  findings: JsonFinding[];
  fixed: Entry[];
  unchanged: number;
  baseline: { file: string; entries: number; fixed: number };
  summary: { findings: number };
}

/** A copy of the `basic` fixture with its baseline written to baseline.json. */
async function withBaseline(): Promise<{ root: string; baseline: BaselineFile }> {
  const root = copyFixture('basic');
  const run = await runCli(['baseline', 'create', '--output', 'baseline.json'], root);
  assert.equal(run.code, 0, run.stderr);
  return { root, baseline: JSON.parse(readFileSync(join(root, 'baseline.json'), 'utf8')) as BaselineFile };
}

function report(run: CliRun): BaselineReport {
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as BaselineReport;
}

describe('baseline create', () => {
  test('writes every finding (suppressed ones too) by identity, sorted by file, rule and anchor', async () => {
    const root = copyFixture('basic');
    const run = await runCli(['baseline', 'create', '--output', 'baseline.json'], root);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '');
    const baseline = JSON.parse(readFileSync(join(root, 'baseline.json'), 'utf8')) as BaselineFile;
    assert.equal(run.stderr, `api-sentinel: the baseline (baseline.json) holds ${baseline.findings.length} findings\n`);
    assert.equal(baseline.version, 1);
    assert.equal(baseline.tool, 'api-sentinel');
    for (const entry of baseline.findings) assert.deepEqual(Object.keys(entry), ['ruleId', 'file', 'anchor', 'message']);
    const order = baseline.findings.map((e) => [e.file, e.ruleId, e.anchor].join('\u0000'));
    assert.deepEqual(order, [...order].sort());

    const reviewed = JSON.parse((await runCli(['review', '--format', 'json'], root)).stdout) as { findings: JsonFinding[] };
    assert.ok(reviewed.findings.some((f) => f.suppressed), 'the fixture has a suppressed finding');
    const pairs = (list: { ruleId: string; file: string; message: string }[]) => list.map((f) => `${f.file} ${f.ruleId} ${f.message}`).sort();
    assert.deepEqual(pairs(baseline.findings), pairs(reviewed.findings));
    assert.ok(baseline.findings.every((e) => /^(\/[^/]*)*$/.test(e.anchor)), 'anchors are JSON pointers');
    assert.ok(baseline.findings.some((e) => e.anchor === '/paths/~1orders~1{orderId}/delete/security' && e.ruleId === 'auth-missing'), 'the suppressed finding');
  });

  test('without --output, writes the baseline to standard output', async () => {
    const { root, baseline } = await withBaseline();
    const run = await runCli(['baseline', 'create'], root);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), baseline);
    assert.equal(readFileSync(join(root, 'baseline.json'), 'utf8'), run.stdout, 'the same bytes, whichever way it is written');
  });

  test('says when problems may hide findings that it does not hold', async () => {
    const root = copyFixture('basic');
    writeFileSync(join(root, 'broken.yaml'), 'openapi: 3.0.3\npaths: {\n');
    const run = await runCli(['baseline', 'create', '--output', 'baseline.json'], root);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /\napi-sentinel: 1 problem \(files not read or parsed\) may hide findings that the baseline does not hold: run 'api-sentinel review' to see them\n$/);
  });
});

describe('review --baseline', () => {
  test('with nothing changed: no new finding, and errors the baseline holds do not fail the review', async () => {
    const { root, baseline } = await withBaseline();
    assert.equal((await runCli(['review'], root)).code, 1, 'a plain review fails');
    const text = await runCli(['review', '--baseline', 'baseline.json'], root);
    assert.equal(text.code, 0, text.stdout);
    // the suppressed finding is unchanged, and not counted, as in a plain review
    const active = baseline.findings.length - 1;
    assert.equal(text.stdout, `Compared with the baseline 'baseline.json': 0 new, 0 fixed, ${active} unchanged\n\n✔ No new findings in 2 documents\n`);
    const json = report(await runCli(['review', '--baseline', 'baseline.json', '--format', 'json'], root));
    assert.deepEqual(json.baseline, { file: 'baseline.json', entries: baseline.findings.length, fixed: 0 });
    assert.deepEqual([json.findings.length, json.fixed.length, json.unchanged], [0, 0, active]);
  });

  test('after edits: moved lines and edited baseline messages still match, a fix is counted, a new operation is new', async () => {
    const { root, baseline } = await withBaseline();
    // messages are for readers only: identity is the rule, the file and the anchor
    const edited = { ...baseline, findings: baseline.findings.map((e) => ({ ...e, message: `edited: ${e.message}` })) };
    writeFileSync(join(root, 'baseline.json'), JSON.stringify(edited));
    // the new operation documents a 400, so not every operation that takes input lacks one: error-responses-undefined
    // keeps reporting DELETE /orders/{orderId} on its own rather than once for the whole API
    const spec = readFileSync(join(root, 'openapi.yaml'), 'utf8')
      .replace('http://api.example.com/v1', 'https://api.example.com/v1')
      .replace('paths:\n', 'paths:\n  /admin/orders/{orderId}:\n    put:\n      parameters:\n        - { name: orderId, in: path, required: true, schema: { type: integer } }\n      responses:\n        "204": { description: Replaced }\n        "400": { description: Invalid order }\n');
    writeFileSync(join(root, 'openapi.yaml'), `# Orders API\n# (moved down by this comment)\n${spec}`);

    const json = report(await runCli(['review', '--baseline', 'baseline.json', '--format', 'json'], root));
    assert.ok(json.findings.length > 0);
    for (const f of json.findings) assert.ok(f.operations.some((op) => op.path === '/admin/orders/{orderId}'), `only the new operation is new: ${JSON.stringify(f)}`);
    assert.deepEqual(json.fixed, [{ ruleId: 'transport-insecure-server', file: 'openapi.yaml', anchor: '/servers/0/url', message: "edited: Server 'http://api.example.com/v1' uses plain HTTP: credentials and data can be read or changed in transit." }]);
    assert.deepEqual(json.baseline, { file: 'baseline.json', entries: baseline.findings.length, fixed: 1 });
    assert.equal(json.unchanged, baseline.findings.length - 2, 'all but the fixed one and the suppressed one');

    const text = await runCli(['review', '--baseline', 'baseline.json'], root);
    assert.equal(text.code, 1, 'the new operation has errors');
    assert.match(text.stdout, /\nFixed since the baseline: 1\n {2}openapi\.yaml {2}transport-insecure-server {2}edited: Server/);
    assert.equal((await runCli(['review', '--baseline', 'baseline.json', '--fail-on', 'never'], root)).code, 0);

    const sarif = JSON.parse((await runCli(['review', '--baseline', 'baseline.json', '--format', 'sarif'], root)).stdout) as {
      runs: { results: { ruleId: string; baselineState: string; level?: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: unknown } }[] }[] }[];
    };
    assert.equal(sarifErrors(sarif), '');
    const results = sarif.runs[0].results;
    assert.ok(results.every((r) => ['new', 'unchanged', 'absent'].includes(r.baselineState)), 'a baseline records no operations: nothing is updated');
    const absent = results.filter((r) => r.baselineState === 'absent');
    assert.deepEqual(absent.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region]),
      [['transport-insecure-server', 'error', 'openapi.yaml', undefined]]);
    assert.equal(results.filter((r) => r.baselineState === 'new').length, json.findings.length);

    const markdown = await runCli(['review', '--baseline', 'baseline.json', '--format', 'markdown'], root);
    assert.match(markdown.stdout, /compared with the baseline `baseline\.json`: 1 fixed, \d+ unchanged\./);
    assert.match(markdown.stdout, /\n### Fixed since the baseline: 1\n\n- `transport-insecure-server` · `openapi\.yaml` · edited\\: Server/);
  });

  test('an invalid baseline is an error that says what is wrong with it', async () => {
    const root = copyFixture('basic');
    const cases: [string | undefined, string][] = [
      [undefined, "cannot read the baseline 'baseline.json': no such file or folder"],
      ['{ "version": 1, ', "the baseline 'baseline.json' is not valid: invalid JSON"],
      ['[]', "the baseline 'baseline.json' is not valid: it is not a JSON object"],
      ['{ "version": 2, "tool": "api-sentinel", "findings": [] }', `the baseline 'baseline.json' is not valid: "version" 2 is not supported (this version reads 1)`],
      ['{ "version": 1, "tool": "other", "findings": [] }', `the baseline 'baseline.json' is not valid: "tool" is not "api-sentinel"`],
      ['{ "version": 1, "tool": "api-sentinel", "findings": [{ "ruleId": "auth-missing", "file": "openapi.yaml" }] }', "the baseline 'baseline.json' is not valid: findings[0].anchor is not a string"],
    ];
    for (const [text, message] of cases) {
      if (text !== undefined) writeFileSync(join(root, 'baseline.json'), text);
      const run = await runCli(['review', '--baseline', 'baseline.json'], root);
      assert.equal(run.code, 2, message);
      assert.equal(run.stdout, '');
      assert.doesNotMatch(run.stderr, STACK_TRACE);
      assert.ok(run.stderr.startsWith(`api-sentinel: ${message}`), run.stderr);
    }
  });
});

describe('usage errors', () => {
  const cases: [string[], string][] = [
    [['baseline'], "'baseline' needs a subcommand: baseline create [paths...] --output <file>"],
    [['baseline', 'update'], "unknown subcommand 'baseline update': try 'baseline create'"],
    [['baseline', 'create', '--format', 'json'], "option '--format' does not apply to 'baseline create'"],
    [['baseline', 'create', '--diff', 'main'], "option '--diff' does not apply to 'baseline create'"],
    [['review', '--diff', 'main', '--baseline', 'baseline.json'], '--diff and --baseline do not combine: --diff already reports only what the branch adds'],
  ];
  for (const [args, message] of cases) {
    test(`api-sentinel ${args.join(' ')}`, async () => {
      const run = await runCli(args, copyFixture('basic'));
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `api-sentinel: ${message}\nRun 'api-sentinel --help' for usage.\n`);
    });
  }
});

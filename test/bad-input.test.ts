/**
 * Broken input never crashes, hangs or prints a stack trace: each case becomes one clear problem (file, position when
 * there is one, what is wrong), and the other files of the same run are still reviewed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, removeCopies, runCli, STACK_TRACE, type CliRun } from './support/cli';

interface Case {
  name: string;
  file: string;
  code: string;
  severity: 'error' | 'warning' | 'info';
  /** 0-based start of the problem's range; absent when the problem concerns the whole file. */
  at?: [number, number];
  message: RegExp;
}

const CASES: Case[] = [
  { name: 'malformed YAML', file: 'malformed.yaml', code: 'parse-error', severity: 'error', at: [10, 7], message: /^Invalid YAML: bad indentation of a mapping entry$/ },
  { name: 'malformed JSON', file: 'malformed.json', code: 'parse-error', severity: 'error', at: [5, 2], message: /^Invalid JSON: Unexpected '}'/ },
  { name: 'a missing $ref target file', file: 'missing-file-ref.yaml', code: 'ref-missing', severity: 'error', at: [9, 16], message: /^\$ref '\.\/responses\/users\.yaml': the file responses\/users\.yaml was not found$/ },
  { name: 'a $ref to a missing pointer', file: 'missing-pointer.yaml', code: 'ref-missing', severity: 'error', at: [9, 16], message: /'\/components\/responses\/Users' does not exist in missing-pointer\.yaml$/ },
  { name: 'a circular $ref (A -> B -> A)', file: 'cycle-a.yaml', code: 'ref-cycle', severity: 'error', at: [6, 10], message: /is part of a cycle of references/ },
  { name: 'an empty file', file: 'empty.yaml', code: 'file-empty', severity: 'warning', message: /^File skipped: it is empty$/ },
  { name: 'a YAML scalar', file: 'scalar.yaml', code: 'not-openapi', severity: 'info', message: /^File skipped: its top level is a string, not an OpenAPI document/ },
  { name: 'a YAML list', file: 'list.yaml', code: 'not-openapi', severity: 'info', message: /^File skipped: it is not an OpenAPI document/ },
  { name: 'binary junk named .yaml', file: 'junk.yaml', code: 'file-binary', severity: 'error', message: /^File skipped: it holds binary data/ },
  { name: 'a 50 MB file', file: 'huge.yaml', code: 'file-too-large', severity: 'warning', message: /^File skipped: 5\d\.\d MB exceeds the 20\.0 MB limit/ },
];

interface JsonReport {
  findings: { ruleId: string; file: string }[];
  problems: { file: string; severity: string; code: string; message: string; range?: { start: { line: number; character: number } } }[];
  summary: { documents: number };
}

let dir = '';

before(() => {
  dir = copyFixture('bad-input');
  // generated, never committed: binary bytes (NULs among them) and a document over the default 20 MB limit
  writeFileSync(join(dir, 'junk.yaml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const header = 'openapi: 3.0.3\ninfo:\n  title: Huge\n  version: "1.0"\npaths: {}\nx-padding: |\n';
  writeFileSync(join(dir, 'huge.yaml'), header + `  ${'x'.repeat(98)}\n`.repeat(512 * 1024)); // 100 bytes a line: 50 MB
});
after(removeCopies);

/** A run that ended by itself, quickly, without a crash: exit 0 or 1, nothing on stderr. */
function assertCalm(run: CliRun): void {
  assert.equal(run.timedOut, false, 'the run ends');
  assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE);
  assert.equal(run.stderr, '');
  assert.ok(run.code === 0 || run.code === 1, `exit code ${run.code}`);
}

describe('each broken input is one clear problem', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const run = await runCli(['review', '--format', 'json', c.file], dir, {}, 20_000);
      assertCalm(run);
      const report = JSON.parse(run.stdout) as JsonReport;
      const problem = report.problems.find((p) => p.code === c.code);
      assert.ok(problem, `a ${c.code} problem in ${JSON.stringify(report.problems)}`);
      assert.equal(problem.file, c.file);
      assert.equal(problem.severity, c.severity);
      assert.match(problem.message, c.message);
      assert.deepEqual(problem.range && [problem.range.start.line, problem.range.start.character], c.at);
    });
  }

  test('a YAML alias bomb (billion laughs, 10 levels) is reviewed like any document, quickly', async () => {
    const started = Date.now();
    const run = await runCli(['review', '--format', 'json', 'alias-bomb.yaml'], dir, {}, 20_000);
    assertCalm(run);
    assert.ok(Date.now() - started < 10_000, 'aliases are never expanded');
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.problems, []);
    assert.equal(report.summary.documents, 1);
    assert.ok(report.findings.some((f) => f.ruleId === 'auth-missing'), 'its operation is checked');
  });
});

test('one run over every broken file: each problem on its own line, and the other files are still reviewed', async () => {
  const files = [...CASES.map((c) => c.file), 'alias-bomb.yaml', 'good.yaml'];
  const run = await runCli(['review', ...files], dir, {}, 30_000);
  assertCalm(run);
  assert.equal(run.code, 1);
  for (const c of CASES) {
    const position = c.at ? `${c.at[0] + 1}:${c.at[1] + 1}` : '0:0';
    const line = new RegExp(`^${c.file.replace('.', '\\.')}\\n(?: .*\\n)*? +${position} +${c.severity} +.+ {2}${c.code}$`, 'm');
    assert.match(run.stdout, line, c.name);
  }
  assert.match(run.stdout, /^good\.yaml\n(?: {2}.*\n)*? {2}7:5 {2}error {2}POST \/accounts requires no authentication/m);
  assert.match(run.stdout, /in 5 documents/, 'good, alias-bomb, missing-file-ref, missing-pointer and cycle-a are reviewed');
});

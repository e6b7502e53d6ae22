/**
 * A checkout is untrusted: a spec (and its file name) full of terminal escape sequences, bidirectional overrides and
 * lone surrogates must come out of every format as visible, harmless text, and as valid JSON and SARIF.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli';
import { sarifErrors } from './support/sarif-schema';

/** OSC 52 (writes the clipboard), CSI 2J (clears the screen), a right-to-left override, a lone surrogate, C1 CSI. */
const ATTACK = '\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e\ud800\x9b2J';
const ATTACK_SHOWN = '\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J\\u202e\\ud800\\u009b2J';
/** The same in a YAML double-quoted scalar. */
const ATTACK_YAML = String.raw`\e]52;c;ZXZpbA==\a\e[2J\u202e\ud800\x9b2J`;

const USERS = `/users/{id}${ATTACK}`;
const PROPERTY = `${ATTACK}_password`;
const REASON = `Internal ${ATTACK}`;

const SPEC = String.raw`openapi: 3.0.3
info: { title: Users, version: "1" }
servers:
  - url: "http://api.example.com/${ATTACK_YAML}"
paths:
  "/users/{id}${ATTACK_YAML}":
    get:
      description: "Reads a user ${ATTACK_YAML}"
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses:
        "200":
          description: "The user ${ATTACK_YAML}"
          content:
            application/json:
              schema:
                type: object
                properties:
                  "${ATTACK_YAML}_password": { type: string }
  /status:
    get:
      security: []
      x-api-sentinel-ignore:
        auth-missing: "Internal ${ATTACK_YAML}"
      responses:
        "200": { description: ok }
`;

let root: string;
/** The spec's file name as the file system keeps it: a lone surrogate cannot be stored, it becomes U+FFFD. */
let file: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'api-sentinel-escape-'));
  writeFileSync(join(root, `users${ATTACK}.yaml`), SPEC);
  [file] = readdirSync(root);
  assert.ok(file.includes('\x1b]52;') && file.includes('\u202e'), 'the file name holds the escape sequences');
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Every ESC that does not start an SGR colour code (ESC [ digits m), with what follows it. */
function foreignEscapes(text: string): string[] {
  return [...text.matchAll(/\x1b(?!\[\d+m)[^]{0,8}/g)].map((m) => JSON.stringify(m[0]));
}

function assertNothingActive(output: string): void {
  assert.deepEqual(foreignEscapes(output), []);
  for (const char of ['\x07', '\x9b', '\u202e']) assert.ok(!output.includes(char), `raw U+${char.charCodeAt(0).toString(16)} in the output`);
}

test('text: file names, paths and property names are shown escaped, with or without colours', async () => {
  const plain = await runCli(['review'], root);
  assert.equal(plain.stderr, '');
  assert.equal(plain.code, 1);
  assertNothingActive(plain.stdout);
  assert.ok(!plain.stdout.includes('\x1b'), plain.stdout);
  assert.ok(plain.stdout.includes(`\nusers${ATTACK_SHOWN.replace('\\ud800', '\ufffd')}.yaml\n`), plain.stdout);
  assert.ok(plain.stdout.includes(`GET /users/{id}${ATTACK_SHOWN} requires no authentication`), plain.stdout);
  assert.ok(plain.stdout.includes(`Response property '${ATTACK_SHOWN}_password'`), plain.stdout);
  assert.ok(plain.stdout.includes(`'http://api.example.com/${ATTACK_SHOWN}'`), plain.stdout);

  const coloured = await runCli(['review'], root, { FORCE_COLOR: '1' });
  assert.equal(coloured.stderr, '');
  assertNothingActive(coloured.stdout);
  assert.match(coloured.stdout, /\x1b\[31m/);
  assert.equal(coloured.stdout.replace(/\x1b\[\d+m/g, ''), plain.stdout);
});

test('json: valid, printable, and the original characters back after parsing', async () => {
  const run = await runCli(['review', '--format', 'json'], root);
  assert.equal(run.stderr, '');
  assertNothingActive(run.stdout);
  const report = JSON.parse(run.stdout) as {
    findings: { ruleId: string; file: string; message: string; operations: { path: string }[]; suppressed?: { justification: string } }[];
  };
  assert.ok(report.findings.length > 0 && report.findings.every((f) => f.file === file));
  const auth = report.findings.find((f) => f.ruleId === 'auth-missing' && !f.suppressed);
  assert.equal(auth?.message, `GET ${USERS} requires no authentication (neither it nor the document root declares 'security'): anyone can call it.`);
  assert.deepEqual(auth.operations.map((o) => o.path), [USERS]);
  assert.ok(report.findings.some((f) => f.ruleId === 'response-sensitive-field' && f.message.includes(`'${PROPERTY}'`)));
  assert.equal(report.findings.find((f) => f.suppressed)?.suppressed?.justification, REASON);
});

test('sarif: valid against the schema, printable, and the original characters back after parsing', async () => {
  const run = await runCli(['review', '--format', 'sarif'], root);
  assert.equal(run.stderr, '');
  assertNothingActive(run.stdout);
  const log = JSON.parse(run.stdout) as {
    runs: { results: { ruleId: string; message: { text: string }; suppressions?: { justification: string }[] }[] }[];
  };
  assert.equal(sarifErrors(log), '');
  const { results } = log.runs[0];
  assert.ok(results.some((r) => r.ruleId === 'auth-missing' && r.message.text.startsWith(`GET ${USERS} requires`)));
  assert.ok(results.some((r) => r.ruleId === 'response-sensitive-field' && r.message.text.includes(`'${PROPERTY}'`)));
  assert.ok(results.some((r) => r.suppressions?.[0].justification === REASON));
});

test('an error line quoting a path shows its control characters escaped', async () => {
  const run = await runCli(['review', `missing${ATTACK}.yaml`], root);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assertNothingActive(run.stderr);
  assert.match(run.stderr, /^api-sentinel: cannot review 'missing.*': no such file or folder\n$/);
  // a lone surrogate in an argument reaches the process as U+FFFD
  assert.ok(run.stderr.includes(`missing${ATTACK_SHOWN.replace('\\ud800', '\ufffd')}.yaml`), run.stderr);
});

/** The bundled language server with a real LSP client, over stdio and over IPC. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HoverRequest, CodeActionRequest, type Diagnostic, type CodeAction, type TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type Client } from './support/lsp-client';

const ROOT = join(__dirname, 'fixtures', '_lsp', 'workspace');
const SPEC = join(ROOT, 'openapi.yaml');
const SCHEMA = join(ROOT, 'schemas', 'account.yaml');
const SPEC_URI = pathToFileURL(SPEC).href;
const SCHEMA_URI = pathToFileURL(SCHEMA).href;
const specText = readFileSync(SPEC, 'utf8');

const has = (rule: string) => (d: Diagnostic[]) => d.some((x) => x.code === rule);
const lacks = (rule: string) => (d: Diagnostic[]) => !d.some((x) => x.code === rule);

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'yaml', 1, text), edits);
}

describe('language server over stdio (push diagnostics)', () => {
  let client: Client;
  before(async () => { client = await startClient({ transport: 'stdio', root: ROOT }); });
  after(async () => { await client.stop(); });

  test('open: findings arrive as diagnostics with code, link, source and the exact range', async () => {
    client.open(SPEC_URI, specText);
    const diagnostics = await client.waitForPush(SPEC_URI, has('auth-missing'));
    const auth = diagnostics.find((d) => d.code === 'auth-missing')!;
    assert.equal(auth.source, 'api-sentinel');
    assert.deepEqual(auth.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 7 } });
    assert.equal(auth.severity, 1);
    assert.match(auth.codeDescription!.href, /README\.md#auth-missing$/);
    assert.match(auth.message as string, /GET \/accounts\/\{accountId\}/);
  });

  test('hover on a flagged range explains the risk, the OWASP category, the CWE and the fix', async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: SPEC_URI }, position: { line: 8, character: 5 } });
    const value = (hover!.contents as { value: string }).value;
    assert.match(value, /API2:2023 Broken Authentication/);
    assert.match(value, /CWE-306/);
    assert.match(value, /\*\*Fix\.\*\*/);
    const none = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: SPEC_URI }, position: { line: 2, character: 3 } });
    assert.equal(none, null);
  });

  test('a code action applies, the file stays valid, and the finding goes away after the change', async () => {
    const diagnostics = client.pushed.get(SPEC_URI)!.diagnostics;
    const auth = diagnostics.find((d) => d.code === 'auth-missing')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: SPEC_URI }, range: auth.range, context: { diagnostics: [auth] },
    })) as CodeAction[];
    const suppress = actions.find((a) => /Suppress auth-missing/.test(a.title));
    assert.ok(suppress, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.notEqual(suppress.isPreferred, true, 'a suppression is never preferred');
    const edited = applyEdits(specText, suppress.edit!.changes![SPEC_URI]);
    client.change(SPEC_URI, 2, [{ text: edited }]);
    await client.waitForPush(SPEC_URI, (d, v) => v === 2 && lacks('auth-missing')(d) && has('suppression-reason-missing')(d));
  });

  test('broken YAML mid-edit gives a parse problem and the server keeps serving', async () => {
    client.change(SPEC_URI, 3, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'broken: [\n' }]);
    const diagnostics = await client.waitForPush(SPEC_URI, (d, v) => v === 3 && has('parse-error')(d));
    assert.match(diagnostics.find((d) => d.code === "parse-error")!.message as string, /Invalid YAML/);
    client.change(SPEC_URI, 4, [{ text: specText }]);
    await client.waitForPush(SPEC_URI, (d, v) => v === 4 && has('auth-missing')(d));
    assert.equal(client.process.exitCode, null);
  });

  test('an edit in a referenced file re-checks the document that references it, and its own findings show there', async () => {
    const schema = readFileSync(SCHEMA, 'utf8');
    client.open(SCHEMA_URI, schema);
    await client.waitForPush(SCHEMA_URI, (d) => d.length === 0);
    const withPassword = schema.replace('  name:\n', '  password:\n    type: string\n    maxLength: 64\n  name:\n');
    client.change(SCHEMA_URI, 2, [{ text: withPassword }]);
    const found = await client.waitForPush(SCHEMA_URI, has('response-sensitive-field'));
    const finding = found.find((d) => d.code === 'response-sensitive-field')!;
    assert.equal(finding.range.start.line, 6);
    assert.ok(finding.relatedInformation?.some((r) => r.location.uri === SPEC_URI), 'related: the operation returning it');
    client.close(SCHEMA_URI);
    await client.waitForPush(SCHEMA_URI, (d) => d.length === 0);
  });
});

describe('language server over IPC (pull diagnostics)', () => {
  let client: Client;
  before(async () => { client = await startClient({ transport: 'ipc', root: ROOT, pull: true }); });
  after(async () => { await client.stop(); });

  test('pulled diagnostics wait for the analysis of the current version', async () => {
    client.open(SPEC_URI, specText);
    const first = await client.pull(SPEC_URI);
    assert.ok(has('auth-missing')(first));
    const secured = specText.replace('paths:', 'security:\n  - bearer: []\ncomponents:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\npaths:');
    client.change(SPEC_URI, 2, [{ text: secured }]);
    const second = await client.pull(SPEC_URI);
    assert.ok(lacks('auth-missing')(second), JSON.stringify(second.map((d) => d.code)));
    assert.equal(client.pushed.size, 0, 'nothing is pushed to a client that pulls');
  });
});

describe('api-sentinel lsp --stdio', () => {
  let client: Client;
  before(async () => { client = await startClient({ transport: 'stdio', root: ROOT, viaCli: true }); });
  after(async () => { await client.stop(); });

  test('the CLI starts the same language server for any LSP client', async () => {
    client.open(SPEC_URI, specText);
    const diagnostics = await client.waitForPush(SPEC_URI, has('auth-missing'));
    assert.equal(diagnostics.find((d) => d.code === 'auth-missing')!.source, 'api-sentinel');
  });
});

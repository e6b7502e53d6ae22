/**
 * The language server's job lifecycle and workspace handling, with a real LSP client: a crashed analysis, the
 * configuration file's problems, workspace folders added and removed, a workspace Spectral ruleset that never ends,
 * the workspace review's include/exclude, and URIs that name no file. Needs `npm run build`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeWorkspaceFoldersNotification, HoverRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, type Client } from './support/lsp-client';

const specText = readFileSync(join(__dirname, 'fixtures', '_lsp', 'workspace', 'openapi.yaml'), 'utf8');
const secured = specText.replace('paths:', 'security:\n  - bearer: []\ncomponents:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\npaths:');
const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const uriOf = (file: string) => pathToFileURL(file).href;

/** A temporary workspace with these files (relative path -> text). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-lsp-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** Resolves once `check` holds, looking every 50 ms (the bound only catches a hang). */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (const start = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() - start > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`);
  }
}

/** A schema whose `password` property a response must not return. */
const accountSchema = 'type: object\nadditionalProperties: false\nproperties:\n  id:\n    type: string\n    maxLength: 36\n  password:\n    type: string\n    maxLength: 64\n';
/** A spec whose response schema is `ref` (relative to the spec). */
const specReferencing = (ref: string) => specText.replace('schemas/account.yaml', ref);

describe('a crashed analysis', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = workspace({ 'crash.yaml': specText });
    client = await startClient({ transport: 'stdio', root: dir, pull: true, serverOptions: { workerScript: join(__dirname, 'support', 'crashing-analysis-worker.js') } });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('resolves a pending pull with a problem saying why, is retried once, and the server goes on', { timeout: 60_000 }, async () => {
    const uri = uriOf(join(dir, 'crash.yaml'));
    client.open(uri, specText);
    const diagnostics = await client.pull(uri);
    const failed = diagnostics.find((d) => d.code === 'analysis-failed');
    assert.ok(failed, JSON.stringify(diagnostics));
    assert.match(failed.message as string, /^API Sentinel could not analyse this document: the analysis worker stopped \(exit code 70\)$/);
    // the retry crashes too
    await client.waitFor('the retry', () => client.logs.filter((l) => /analysis worker stopped/.test(l)).length >= 2);
    assert.ok(has('analysis-failed')(await client.pull(uri)));
    // a new worker analyses the next document
    const fine = uriOf(join(dir, 'fine.yaml'));
    client.open(fine, specText);
    assert.ok(has('auth-missing')(await client.pull(fine)));
    assert.equal(client.process.exitCode, null);
  });
});

describe('the configuration file', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = workspace({ 'openapi.yaml': specText, '.api-sentinel.yaml': 'rulez:\n  auth-missing: off\n' });
    client = await startClient({ transport: 'stdio', root: dir });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('its problems are diagnostics on it, read from its open buffer, and go away when fixed', async () => {
    const config = uriOf(join(dir, '.api-sentinel.yaml'));
    const spec = uriOf(join(dir, 'openapi.yaml'));
    // on disk, not open
    const onDisk = await client.waitForPush(config, has('config-invalid'));
    assert.match(onDisk[0].message as string, /Unknown setting 'rulez'/);
    assert.deepEqual(onDisk[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
    client.open(spec, specText);
    await client.waitForPush(spec, has('auth-missing'));
    // the open buffer wins over the disk: fixed there, and applied
    client.open(config, 'rules:\n  auth-missing: off\n');
    await client.waitForPush(config, (d) => d.length === 0);
    await client.waitForPush(spec, (d) => !has('auth-missing')(d));
    client.change(config, 2, [{ text: 'rules:\n  auth-missing: loud\n' }]);
    const typo = await client.waitForPush(config, has('config-invalid'));
    assert.match(typo[0].message as string, /'loud' is not one of/);
    assert.equal(typo[0].range.start.line, 1);
    client.change(config, 3, [{ text: 'rules:\n  auth-missing: off\n' }]);
    await client.waitForPush(config, (d) => d.length === 0);
    // closed unsaved: the disk's text again
    client.close(config);
    await client.waitForPush(config, has('config-invalid'));
    await client.waitForPush(spec, has('auth-missing'));
  });
});

describe('workspace folders', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = workspace({
      'a/openapi.yaml': specText,
      // b's documents read files in b, above their own folder
      'b/specs/openapi.yaml': specReferencing('../common.yaml'),
      'b/common.yaml': 'type: object\nproperties:\n  id:\n    type: string\n    maxLength: 36\n',
      'b/other/openapi.yaml': specReferencing('../shared.yaml').replace('/accounts/{accountId}', '/users/{accountId}'),
      'b/shared.yaml': accountSchema,
    });
    client = await startClient({ transport: 'stdio', root: join(dir, 'a') });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  const changeFolders = (added: string[], removed: string[]) => client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
    event: { added: added.map((f) => ({ uri: uriOf(f), name: f })), removed: removed.map((f) => ({ uri: uriOf(f), name: f })) },
  });

  test('a folder added at runtime is the root of its documents, which are found and analysed', async () => {
    const spec = uriOf(join(dir, 'b', 'specs', 'openapi.yaml'));
    client.open(spec, readFileSync(join(dir, 'b', 'specs', 'openapi.yaml'), 'utf8'));
    // outside every workspace folder, its own folder is its root
    await client.waitForPush(spec, has('ref-outside-root'));
    await changeFolders([join(dir, 'b')], []);
    await client.waitForPush(spec, (d) => !has('ref-outside-root')(d) && has('auth-missing')(d));
    // b/other/openapi.yaml, never opened, was found and read b/shared.yaml
    const shared = uriOf(join(dir, 'b', 'shared.yaml'));
    client.open(shared, accountSchema);
    const found = await client.waitForPush(shared, has('response-sensitive-field'));
    assert.match(found.find((d) => d.code === 'response-sensitive-field')!.message as string, /GET \/users\/\{accountId\}/);
  });

  test('a folder removed takes its units and their diagnostics with it', async () => {
    await changeFolders([], [join(dir, 'b')]);
    // b/shared.yaml: no unit reads it any more
    await client.waitForPush(uriOf(join(dir, 'b', 'shared.yaml')), (d) => d.length === 0);
    // still open: analysed on its own again
    await client.waitForPush(uriOf(join(dir, 'b', 'specs', 'openapi.yaml')), has('ref-outside-root'));
  });
});

describe('a workspace Spectral ruleset that never ends', () => {
  let client: Client;
  let dir: string;
  // long enough for the worker to load the ruleset before it starts looping
  const TIMEOUT_MS = 8000;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-lsp-'));
    mkdirSync(join(dir, 'functions'));
    writeFileSync(join(dir, 'openapi.yaml'), specText);
    writeFileSync(join(dir, '.spectral.yaml'), 'functions: [hang]\nrules:\n  never-ends:\n    description: A rule whose function never returns.\n    given: $\n    then:\n      function: hang\n');
    // it says when it starts looping
    writeFileSync(join(dir, 'functions', 'hang.js'), `const fs = require('node:fs');\nmodule.exports = function hang() {\n  fs.writeFileSync(${JSON.stringify(join(dir, 'hanging'))}, '');\n  for (;;) { /* never returns */ }\n};\n`);
    client = await startClient({ transport: 'stdio', root: dir, serverOptions: { spectralTimeoutMs: TIMEOUT_MS } });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('our diagnostics keep coming while it hangs, and it is stopped after its time', async () => {
    const uri = uriOf(join(dir, 'openapi.yaml'));
    const marker = join(dir, 'hanging');
    client.open(uri, specText);
    await client.waitForPush(uri, has('auth-missing'));
    await until('the ruleset to start looping', () => existsSync(marker));
    client.change(uri, 2, [{ text: secured }]);
    await client.waitForPush(uri, (d, v) => v === 2 && !has('auth-missing')(d));
    await client.waitFor('the timeout message', () => client.shown.some((m) => /did not finish/.test(m)), TIMEOUT_MS + 20_000);
    const said = client.logs.filter((l) => /did not finish/.test(l));
    assert.deepEqual(said, ['The Spectral ruleset .spectral.yaml did not finish within 8 s and was stopped; it runs again on the next change.']);
    // the next change runs it again, in a new worker, and gets our diagnostics meanwhile
    rmSync(marker);
    client.change(uri, 3, [{ text: specText }]);
    await client.waitForPush(uri, (d, v) => v === 3 && has('auth-missing')(d));
    await until('the ruleset to loop again', () => existsSync(marker));
    assert.equal(client.process.exitCode, null);
  });
});

describe('the workspace review', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = workspace({ 'openapi.yaml': specText, 'drafts/draft.yaml': specText, '.api-sentinel.yaml': 'exclude: ["drafts/**"]\n' });
    client = await startClient({ transport: 'stdio', root: dir });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test("reviews the documents the folder's include/exclude cover, even one excluded was opened", async () => {
    const draft = uriOf(join(dir, 'drafts', 'draft.yaml'));
    client.open(draft, specText);
    client.close(draft);
    const review = await client.connection.sendRequest('apiSentinel/reviewWorkspace', {}) as { documents: number; findings: number };
    assert.equal(review.documents, 1, 'openapi.yaml only');
    assert.ok(has('auth-missing')(client.pushed.get(uriOf(join(dir, 'openapi.yaml')))!.diagnostics));
  });
});

describe('URIs that name no file', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = workspace({ 'openapi.yaml': specText });
    client = await startClient({ transport: 'ipc', root: dir, pull: true });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('are ignored by every handler, and the server goes on', async () => {
    for (const uri of ['untitled:Untitled-1', 'file://server/share/openapi.yaml']) {
      client.open(uri, specText);
      assert.deepEqual(await client.pull(uri), []);
      assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 8, character: 5 } }), null);
      const range = { start: { line: 8, character: 4 }, end: { line: 8, character: 7 } };
      const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } });
      assert.deepEqual(actions as CodeAction[], []);
      client.change(uri, 2, [{ text: secured }]);
      client.close(uri);
    }
    const uri = uriOf(join(dir, 'openapi.yaml'));
    client.open(uri, specText);
    assert.ok(has('auth-missing')(await client.pull(uri)));
    assert.deepEqual(client.logs.filter((l) => /failed/.test(l)), []);
  });
});

/** The language server as users meet it in an editor: fragments, the whole API, limits, reasons, settings, typing. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, DidChangeConfigurationNotification, MessageType, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type Client } from './support/lsp-client';
import { MAX_RELATED, findingToDiagnostic, placeholderOf, withinLimit, type ReasonRequest } from '../server/src/lsp/convert';
import type { Finding } from '../server/src/engine/types';
import { CHECK_IDS, REASON_PLACEHOLDERS, SUPPRESSION_PLACEHOLDER } from '../server/src/engine';
import { rulesSchemaProperties } from '../scripts/settings-schema';

const FIXTURE = join(__dirname, 'fixtures', '_lsp', 'workspace');
const has = (rule: string) => (d: Diagnostic[]) => d.some((x) => x.code === rule);
const lacks = (rule: string) => (d: Diagnostic[]) => !d.some((x) => x.code === rule);
const applyEdits = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('x', 'yaml', 1, text), edits);
const PASSWORD = '  password:\n    type: string\n    maxLength: 64\n  name:\n';

/** A copy of the fixture workspace whose schema returns a password (a finding in the fragment). */
function workspaceCopy(): { dir: string; spec: string; schema: string } {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-editor-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const schema = join(dir, 'schemas', 'account.yaml');
  writeFileSync(schema, readFileSync(schema, 'utf8').replace('  name:\n', PASSWORD));
  return { dir, spec: join(dir, 'openapi.yaml'), schema };
}

describe('a fragment opened first', () => {
  let client: Client;
  let files: ReturnType<typeof workspaceCopy>;
  before(async () => { files = workspaceCopy(); client = await startClient({ transport: 'stdio', root: files.dir }); });
  after(async () => { await client.stop(); rmSync(files.dir, { recursive: true, force: true }); });

  test('shows the findings its documents report in it, with no document open', async () => {
    const uri = pathToFileURL(files.schema).href;
    client.open(uri, readFileSync(files.schema, 'utf8'));
    const diagnostics = await client.waitForPush(uri, has('response-sensitive-field'));
    const finding = diagnostics.find((d) => d.code === 'response-sensitive-field')!;
    assert.equal(finding.range.start.line, 6);
  });
});

test('the output says, at the Info level, the version, the start, the documents found and how long each review took', async () => {
  const files = workspaceCopy();
  const client = await startClient({ transport: 'stdio', root: files.dir });
  try {
    const version = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
    const said = (pattern: RegExp) => client.logs.some((line) => pattern.test(line));
    await client.waitFor('the review logged', () => said(/^Reviewed openapi\.yaml \(2 files\) in \d+ ms: \d+ findings?/));
    assert.ok(said(new RegExp(`^API Sentinel ${version.replace(/\./g, '\\.')} language server started`)), client.logs.join('\n'));
    assert.ok(said(/: 1 OpenAPI document found: openapi\.yaml$/), client.logs.join('\n'));
    assert.ok(client.logTypes.every((type) => type === MessageType.Info), `types: ${client.logTypes.join(', ')}`);
  } finally {
    await client.stop();
    rmSync(files.dir, { recursive: true, force: true });
  }
});

describe('the whole API at once', () => {
  const started: { client: Client; dir: string }[] = [];
  async function open(scope?: string): Promise<{ client: Client; files: ReturnType<typeof workspaceCopy> }> {
    const files = workspaceCopy();
    const client = await startClient({ transport: 'stdio', root: files.dir, settings: scope ? { diagnosticsScope: scope } : null });
    started.push({ client, dir: files.dir });
    return { client, files };
  }
  after(async () => { for (const { client, dir } of started) { await client.stop(); rmSync(dir, { recursive: true, force: true }); } });

  test('by default, opening the root publishes the findings of every file it reaches, open or not', async () => {
    const { client, files } = await open();
    client.open(pathToFileURL(files.spec).href, readFileSync(files.spec, 'utf8'));
    const schema = await client.waitForPush(pathToFileURL(files.schema).href, has('response-sensitive-field'));
    assert.equal(schema.find((d) => d.code === 'response-sensitive-field')!.range.start.line, 6);
  });

  test('a narrower scope set live withdraws what the wider one published; set back, it is published again', async () => {
    const { client, files } = await open();
    const schemaUri = pathToFileURL(files.schema).href;
    client.open(pathToFileURL(files.spec).href, readFileSync(files.spec, 'utf8'));
    await client.waitForPush(schemaUri, has('response-sensitive-field'));
    const changed = (settings: unknown) => {
      client.settings = settings;
      void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    };
    changed({ diagnosticsScope: 'openFiles' });
    await client.waitForPush(schemaUri, (d) => d.length === 0);
    changed({ diagnosticsScope: 'api' });
    await client.waitForPush(schemaUri, has('response-sensitive-field'));
  });

  test('"workspace": every API is published with no file open', async () => {
    const { client, files } = await open('workspace');
    await client.waitForPush(pathToFileURL(files.schema).href, has('response-sensitive-field'));
    await client.waitForPush(pathToFileURL(files.spec).href, has('auth-missing'));
  });

  test('"openFiles": only open files are published', async () => {
    const { client, files } = await open('openFiles');
    const uri = pathToFileURL(files.spec).href;
    client.open(uri, readFileSync(files.spec, 'utf8'));
    await client.waitForPush(uri, has('auth-missing'));
    // the schema, opened after the root was analysed, gets its first diagnostics as an open buffer
    const schemaUri = pathToFileURL(files.schema).href;
    client.open(schemaUri, readFileSync(files.schema, 'utf8'));
    await client.waitForPush(schemaUri, (d, version) => version === 1 && has('response-sensitive-field')(d));
    assert.deepEqual(client.history.filter((p) => p.uri === schemaUri).map((p) => p.version), [1]);
  });
});

describe("within VS Code's limits", () => {
  const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
  const finding: Omit<Finding, 'fixes'> = { ruleId: 'x', family: 'config', owasp: [], cwe: [], severity: 'warning', message: 'Something is off.',
    file: 'a.yaml', range: at(0), anchor: '', path: [], operations: [], related: [] };

  test('at most the limit per file: errors and warnings are kept before infos and hints, and a note says how many more', () => {
    // hints first in the file: a cut by position would keep them and drop every error
    const severities = [...Array(6).fill(4), ...Array(3).fill(3), 2, 1, 1] as (1 | 2 | 3 | 4)[];
    const diagnostics: Diagnostic[] = severities.map((severity, line) => ({ range: at(line), severity, message: `d${line}`, source: 'api-sentinel' }));
    const shown = withinLimit(diagnostics, 5);
    assert.equal(shown.length, 5);
    assert.deepEqual(shown.slice(0, 4).map((d) => d.message), ['d6', 'd9', 'd10', 'd11'], 'the most severe, in file order');
    const note = shown[4];
    assert.equal(note.code, 'more-findings');
    assert.match(note.message as string, /^8 more findings in this file are not shown/);
    assert.match(note.message as string, /api-sentinel review/);
    assert.match(note.message as string, /Review Workspace/);
    assert.equal(withinLimit(diagnostics, 12), diagnostics, 'within the limit: the same list');
  });

  test('related locations are capped: the first ones, then "and N more"', () => {
    const related = Array.from({ length: 468 }, (_, i) => ({ file: 'a.yaml', range: at(i + 1), message: `operation ${i}` }));
    const diagnostic = findingToDiagnostic({ ...finding, related }, FIXTURE);
    const info = diagnostic.relatedInformation!;
    assert.equal(info.length, MAX_RELATED + 1);
    assert.deepEqual(info.slice(0, MAX_RELATED).map((r) => r.message), related.slice(0, MAX_RELATED).map((r) => r.message));
    assert.equal(info[MAX_RELATED].message, `and ${468 - MAX_RELATED} more locations`);
    assert.equal(findingToDiagnostic({ ...finding, related: related.slice(0, 3) }, FIXTURE).relatedInformation!.length, 3);
  });

  test('a file with more findings than the limit is sent within it, with the note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-editor-'));
    // every path: an operation on an id that turns off the root's security (auth-missing, bola-unprotected-object), and more
    const paths = Array.from({ length: 1100 }, (_, i) => `  /things${i}/{id}:\n    delete:\n      security: []\n      parameters:\n        - { name: id, in: path, required: true, schema: { type: string } }\n      responses:\n        "204":\n          description: Gone`).join('\n');
    const spec = join(dir, 'big.yaml');
    const root = 'security:\n  - bearer: []\ncomponents:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\n';
    writeFileSync(spec, `openapi: 3.0.3\ninfo:\n  title: Big\n  version: "1"\n${root}paths:\n${paths}\n`);
    const client = await startClient({ transport: 'stdio', root: dir });
    try {
      const uri = pathToFileURL(spec).href;
      client.open(uri, readFileSync(spec, 'utf8'));
      const diagnostics = await client.waitForPush(uri, has('more-findings'), 60_000);
      assert.equal(diagnostics.length, 1000);
      // 2,200 errors and more warnings: only errors are shown, in file order, then the note
      const [kept, note] = [diagnostics.slice(0, -1), diagnostics.at(-1)!];
      assert.deepEqual(new Set(kept.map((d) => d.severity)), new Set([1]));
      assert.ok(kept.every((d, i) => i === 0 || d.range.start.line >= kept[i - 1].range.start.line));
      assert.equal(note.code, 'more-findings');
      assert.match(note.message as string, /^[\d,]+ more findings in this file are not shown/);
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings apply live', () => {
  let client: Client;
  let files: ReturnType<typeof workspaceCopy>;
  before(async () => { files = workspaceCopy(); client = await startClient({ transport: 'stdio', root: files.dir }); });
  after(async () => { await client.stop(); rmSync(files.dir, { recursive: true, force: true }); });

  test('apiSentinel.rules and apiSentinel.enable re-analyse at once, open files and the files their APIs reach', async () => {
    const uri = pathToFileURL(files.spec).href;
    const schemaUri = pathToFileURL(files.schema).href;
    client.open(uri, readFileSync(files.spec, 'utf8'));
    await client.waitForPush(uri, has('auth-missing'));
    await client.waitForPush(schemaUri, has('response-sensitive-field'));
    const changed = (settings: unknown) => {
      client.settings = settings;
      void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    };
    changed({ rules: { 'auth-missing': 'off', 'response-sensitive-field': 'info' } });
    await client.waitForPush(uri, (d) => !has('auth-missing')(d));
    await client.waitForPush(schemaUri, (d) => d.some((x) => x.code === 'response-sensitive-field' && x.severity === 3));
    changed({ enable: false });
    await client.waitForPush(uri, (d) => d.length === 0);
    await client.waitForPush(schemaUri, (d) => d.length === 0);
    changed(null);
    await client.waitForPush(uri, has('auth-missing'));
    await client.waitForPush(schemaUri, (d) => d.some((x) => x.code === 'response-sensitive-field' && x.severity !== 3));
  });
});

test('the settings editor offers every rule id with its severities (package.json is current: npm run docs)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  const rules = pkg.contributes.configuration.properties['apiSentinel.rules'];
  assert.deepEqual(rules.properties, rulesSchemaProperties());
  assert.deepEqual(Object.keys(rules.properties).sort(), [...CHECK_IDS].sort());
  assert.equal(rules.additionalProperties, false, 'an unknown rule id is flagged');
});

test('every setting the extension contributes is in the settings tables of both READMEs', () => {
  const root = join(__dirname, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const settings = Object.keys(pkg.contributes.configuration.properties);
  for (const readme of ['README.md', join('client', 'README.md')]) {
    const rows = new Set([...readFileSync(join(root, readme), 'utf8').matchAll(/^\| `(apiSentinel\.[\w.]+)` \|/gm)].map((m) => m[1]));
    assert.deepEqual(settings.filter((setting) => !rows.has(setting)), [], readme);
  }
});

describe('reasons are asked for', () => {
  let dir: string;
  const started: Client[] = [];
  before(() => { dir = workspaceCopy().dir; });
  after(async () => { for (const client of started) await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  /** The quick fixes of auth-missing in the root document, from a client that has (or lacks) the reason command. */
  async function authFixes(askReason: boolean): Promise<{ client: Client; uri: string; text: string; actions: CodeAction[] }> {
    const client = await startClient({ transport: 'stdio', root: dir, initializationOptions: askReason ? { askReason: true } : undefined });
    started.push(client);
    const spec = join(dir, 'openapi.yaml');
    const uri = pathToFileURL(spec).href;
    const text = readFileSync(spec, 'utf8');
    client.open(uri, text);
    const auth = (await client.waitForPush(uri, has('auth-missing'))).find((d) => d.code === 'auth-missing')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range: auth.range, context: { diagnostics: [auth] },
    })) as CodeAction[];
    return { client, uri, text, actions };
  }

  test('suppress and mark-as-public write the entry, then run the reason command on the placeholder, quoted in the file', async () => {
    const { client, uri, text, actions } = await authFixes(true);
    const asking = actions.filter((a) => a.command?.command === 'apiSentinel.giveReason');
    assert.deepEqual(asking.map((a) => a.title).sort(), ['Mark as intentionally public (give the reason)', 'Suppress auth-missing here (give the reason)']);
    for (const action of asking) {
      const request = action.command!.arguments![0] as ReasonRequest;
      const edited = applyEdits(text, action.edit!.changes![uri]);
      const written = TextDocument.create(uri, 'yaml', 1, edited).getText(request.range);
      assert.equal(written, request.placeholder, action.title);
      assert.ok(REASON_PLACEHOLDERS.includes(request.placeholder));
      assert.equal(request.uri, uri);
      assert.match(request.prompt, /\?/);
    }
    // what the command writes for a typed reason: the finding is gone and nothing new is raised
    const suppress = asking.find((a) => a.title.startsWith('Suppress'))!;
    const request = suppress.command!.arguments![0] as ReasonRequest;
    const edited = applyEdits(text, suppress.edit!.changes![uri]);
    const document = TextDocument.create(uri, 'yaml', 1, edited);
    const start = document.offsetAt(request.range.start);
    const quote = edited[start - 1];
    const reason = quote === "'" ? "'served only on the internal network'" : '"served only on the internal network"';
    const answered = edited.slice(0, start - 1) + reason + edited.slice(document.offsetAt(request.range.end) + 1);
    client.change(uri, 2, [{ text: answered }]);
    await client.waitForPush(uri, (d, v) => v === 2 && lacks('auth-missing')(d) && lacks('suppression-reason-missing')(d));
  });

  test('a client without the command (Neovim, say) gets the plain edit', async () => {
    const { actions } = await authFixes(false);
    assert.ok(actions.some((a) => a.title.startsWith('Suppress auth-missing')), actions.map((a) => a.title).join(', '));
    assert.ok(actions.every((a) => a.command === undefined && a.edit !== undefined));
  });
});

test('placeholderOf: where the placeholder stands after every edit of the fix, earlier edits in the file included', () => {
  const original = 'a: 1\nb: 2\nc: 3\n';
  const edits = [
    { file: 'x.yaml', range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, newText: `\nd: '${SUPPRESSION_PLACEHOLDER}'` },
    { file: 'x.yaml', range: { start: { line: 0, character: 3 }, end: { line: 1, character: 4 } }, newText: '10\nbb: 20\nbc: 2' },
    { file: 'y.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'z: 0\n' },
  ];
  const found = placeholderOf({ title: 't', kind: 'suggestion', edits })!;
  const edited = applyEdits(original, edits.filter((e) => e.file === 'x.yaml').map(({ range, newText }) => ({ range, newText })));
  assert.equal(TextDocument.create('x', 'yaml', 1, edited).getText(found.range), SUPPRESSION_PLACEHOLDER);
  assert.equal(placeholderOf({ title: 't', kind: 'safe', edits: [edits[2]] }), undefined);
});

describe('steady results while typing', () => {
  let dir: string;
  let client: Client;
  const EXAMPLE = join(__dirname, '..', 'examples', 'insecure-api');
  /** Two operations that document neither 401 nor 403, where another does: two findings, each with a safe fix. */
  const NOTES = `openapi: 3.0.3
info: { title: Notes, version: "1" }
servers:
  - url: https://api.example.com
    description: Production
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /notes:
    get:
      responses:
        "200": { description: The notes }
        "401": { description: Not signed in }
        default: { description: Unexpected error }
  /notes/{noteId}:
    parameters:
      - { name: noteId, in: path, required: true, schema: { type: string, format: uuid } }
    get:
      responses:
        "200": { description: The note }
        default: { description: Unexpected error }
    delete:
      responses:
        "204": { description: Deleted }
        default: { description: Unexpected error }
`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-typing-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(join(dir, 'notes.yaml'), NOTES);
    client = await startClient({ transport: 'stdio', root: dir });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });
  const actionsFor = async (uri: string, diagnostics: Diagnostic[], only?: string[]) => (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics, only },
  })) as CodeAction[];

  test('while a document does not parse, its last good findings stay, marked out of date and moved, next to the parse error', async () => {
    const spec = join(dir, 'openapi.yaml');
    const uri = pathToFileURL(spec).href;
    const text = readFileSync(spec, 'utf8');
    client.open(uri, text);
    const good = (await client.waitForPush(uri, (d) => d.some((x) => x.source === 'api-sentinel' && x.data !== undefined))).filter((d) => d.data !== undefined);
    client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'broken: [\n' }]);
    const broken = await client.waitForPush(uri, (d, v) => v === 2 && has('parse-error')(d));
    const stale = broken.filter((d) => d.code !== 'parse-error');
    assert.equal(stale.length, good.length, broken.map((d) => d.message).join('\n'));
    for (const [i, d] of stale.entries()) {
      assert.match(d.message as string, /^\(out of date: the file does not parse\) /);
      assert.equal(d.data, undefined, 'no fixes are offered on a text that does not parse');
      assert.equal(d.range.start.line, good[i].range.start.line + 1, 'moved below the inserted line');
    }
    // typing on: still kept; fixed: the findings are current again
    client.change(uri, 3, [{ range: { start: { line: 1, character: 9 }, end: { line: 1, character: 9 } }, text: 'x' }]);
    const still = await client.waitForPush(uri, (d, v) => v === 3 && has('parse-error')(d));
    assert.equal(still.filter((d) => d.code !== 'parse-error').length, good.length);
    client.change(uri, 4, [{ text }]);
    const back = await client.waitForPush(uri, (d, v) => v === 4 && !has('parse-error')(d));
    assert.deepEqual(back.map((d) => d.message), good.map((d) => d.message));
    client.close(uri);
  });

  test('while the root does not parse, the files it reached keep their last good findings, marked out of date', async () => {
    const spec = join(dir, 'openapi.yaml');
    const uri = pathToFileURL(spec).href;
    const text = readFileSync(spec, 'utf8');
    // a fragment that is not open: its findings are pushed as the root's analysis reached it
    const fragment = pathToFileURL(join(dir, 'paths', 'invoice.yaml')).href;
    const current = (d: Diagnostic[]) => d.length > 0 && d.every((x) => x.data !== undefined);
    client.open(uri, text);
    const good = await client.waitForPush(fragment, current);
    client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'broken: [\n' }]);
    await client.waitForPush(uri, (d, v) => v === 2 && has('parse-error')(d));
    const kept = await client.waitForPush(fragment, (d) => !current(d));
    assert.deepEqual(kept.map((d) => d.message), good.map((d) => `(out of date: openapi.yaml does not parse) ${d.message}`));
    assert.deepEqual(kept.map((d) => d.range), good.map((d) => d.range), 'the fragment did not change: its findings stay where they were');
    assert.ok(kept.every((d) => d.data === undefined), 'no fixes are offered from an analysis that is out of date');
    // fixed: the fragment's findings are current again
    client.change(uri, 3, [{ text }]);
    const back = await client.waitForPush(fragment, current);
    assert.deepEqual(back.map((d) => d.message), good.map((d) => d.message));
    client.close(uri);
  });

  test('Ctrl+. offers "Fix all <rule> in this file" where the rule has several safe fixes, and it fixes them all', async () => {
    const file = join(dir, 'notes.yaml');
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, 'utf8');
    client.open(uri, text);
    const found = (await client.waitForPush(uri, (d, v) => v === 1 && d.filter((x) => x.code === 'auth-missing-401-403').length === 2)).filter((d) => d.code === 'auth-missing-401-403');
    const actions = await actionsFor(uri, [found[0]]);
    const all = actions.find((a) => a.title === 'Fix all auth-missing-401-403 in this file');
    assert.ok(all, actions.map((a) => a.title).join(', '));
    assert.equal(all.kind, 'quickfix');
    client.change(uri, 2, [{ text: applyEdits(text, all.edit!.changes![uri]) }]);
    await client.waitForPush(uri, (d, v) => v === 2 && lacks('auth-missing-401-403')(d));
    client.change(uri, 3, [{ text }]);
    await client.waitForPush(uri, (d, v) => v === 3 && has('auth-missing-401-403')(d));
  });

  test('source.fixAll.api-sentinel asked right after an edit (on save) applies every safe fix at once', async () => {
    const file = join(dir, 'notes.yaml');
    const uri = pathToFileURL(file).href;
    // edited at both ends: a result of the text before cannot place any fix inside
    const edited = `# edited just before saving\n${readFileSync(file, 'utf8')}# and here\n`;
    client.change(uri, 4, [{ text: edited }]);
    const [fixAll] = await actionsFor(uri, [], ['source.fixAll.api-sentinel']);
    assert.ok(fixAll, 'the fix-all action, for the text just typed');
    client.change(uri, 5, [{ text: applyEdits(edited, fixAll.edit!.changes![uri]) }]);
    await client.waitForPush(uri, (d, v) => v === 5 && lacks('auth-missing-401-403')(d));
    assert.deepEqual(await actionsFor(uri, [], ['source.fixAll.api-sentinel']), [], 'nothing is left for a second save');
  });
});

/** The bundled language server with a real LSP client, over stdio and over IPC. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { HoverRequest, CodeActionRequest, type Diagnostic, type CodeAction, type TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type Client } from './support/lsp-client';
import { diskReader } from './support/engine';
import { FIXTURES, loadCases, ruleDirs } from './support/fixtures';
import { corpusSpec } from './support/corpus';
import { analyze } from '../server/src/engine/analyze';
import { parseJson } from '../server/src/engine/spec/parse-json';
import { parseYaml } from '../server/src/engine/spec/parse-yaml';
import { DocumentAnalyses } from '../server/src/lsp/incremental';
import { findingToDiagnostic } from '../server/src/lsp/convert';
import { findingKey } from '../server/src/engine/identity';
import type { AnalysisResult, Finding } from '../server/src/engine/types';

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
    assert.equal(client.pushed.has(SPEC_URI), false, 'an open file is pulled, never pushed');
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

describe('language server: answers while analysing, for the version they describe', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-lsp-'));
    cpSync(ROOT, dir, { recursive: true });
    // sorted keys put `openapi` after 64 KB of components, as in Stripe's spec
    const schemas = Array.from({ length: 1500 }, (_, i) => `    Thing${i}:\n      type: object\n      description: A thing of some kind, number ${i}`).join('\n');
    writeFileSync(join(dir, 'sorted.yaml'), `components:\n  schemas:\n${schemas}\ninfo:\n  title: Sorted\n  version: "1"\nopenapi: 3.0.3\npaths:\n  /things:\n    get:\n      responses:\n        "200":\n          description: Things\n`);
    client = await startClient({ transport: 'stdio', root: dir });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('hover and code actions right after an edit answer from the last result, moved to the current text', async () => {
    const uri = pathToFileURL(join(dir, 'openapi.yaml')).href;
    client.open(uri, specText);
    const first = await client.waitForPush(uri, has('auth-missing'));
    const auth = first.find((d) => d.code === 'auth-missing')!;
    // a line above every finding (a new key: the next analysis is a full one), then a second keystroke on it: the
    // first change after quiet starts an analysis at once, the second cancels it and waits for the debounce, so the
    // requests sent with them are answered before any analysis of the new text can be published
    client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x-owner: account\n' }]);
    client.change(uri, 3, [{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } }, text: 's' }]);
    const moved = { start: { line: auth.range.start.line + 1, character: auth.range.start.character }, end: { line: auth.range.end.line + 1, character: auth.range.end.character } };
    const [hover, stale] = await Promise.all([
      client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: moved.start }),
      client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: moved, context: { diagnostics: [{ ...auth, range: moved }] } }),
    ]);
    assert.equal(client.pushed.get(uri)!.version, 1, 'asked before the edit was analysed');
    assert.match((hover!.contents as { value: string }).value, /auth-missing/);
    const current = await client.waitForPush(uri, (_d, v) => v === 3);
    const fresh = current.find((d) => d.code === 'auth-missing')!;
    assert.deepEqual(fresh.range, moved);
    const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: moved, context: { diagnostics: [fresh] } });
    assert.ok((stale as CodeAction[]).length > 0);
    assert.deepEqual((stale as CodeAction[]).map((a) => a.edit), (actions as CodeAction[]).map((a) => a.edit), 'the moved fixes are the fixes of the new version');
  });

  test('a file read by two documents is published once both analysed its current version', async () => {
    // a second document returning the same schema: each reports the schema's password field for its own operation
    const second = join(dir, 'second.yaml');
    writeFileSync(second, specText.replace('title: Accounts', 'title: Second').replace('/accounts/{accountId}', '/v2/accounts/{accountId}').replace('getAccount', 'getAccountV2'));
    const schemaUri = pathToFileURL(join(dir, 'schemas', 'account.yaml')).href;
    const schema = readFileSync(SCHEMA, 'utf8');
    client.open(pathToFileURL(second).href, readFileSync(second, 'utf8'));
    client.open(schemaUri, schema);
    await client.waitForPush(schemaUri, (d) => d.length === 0);
    client.change(schemaUri, 2, [{ text: schema.replace('  name:\n', '  password:\n    type: string\n    maxLength: 64\n  name:\n') }]);
    await client.waitForPush(schemaUri, (d, v) => v === 2 && d.filter((x) => x.code === 'response-sensitive-field').length === 2);
    const pushes = client.history.filter((p) => p.uri === schemaUri && p.version === 2);
    assert.deepEqual(pushes.map((p) => p.diagnostics.filter((x) => x.code === 'response-sensitive-field').length), [2], 'one push, with both findings');
  });

  test('the workspace review finds documents that declare openapi far down (sorted keys)', async () => {
    const review = await client.connection.sendRequest('apiSentinel/reviewWorkspace', {}) as { documents: number };
    assert.equal(review.documents, 3, 'openapi.yaml, second.yaml and sorted.yaml');
    const sorted = client.pushed.get(pathToFileURL(join(dir, 'sorted.yaml')).href);
    assert.ok(sorted && has('auth-missing')(sorted.diagnostics));
  });
});

describe('language server: the pause edits one after another wait for', () => {
  /** Types ' API' after the spec's title, one keystroke a version from version 2; gives the last version. */
  function typeTitle(client: Client): number {
    const at = specText.indexOf('title: Accounts') + 'title: Accounts'.length;
    const line = specText.slice(0, at).split('\n').length - 1;
    const character = at - (specText.lastIndexOf('\n', at - 1) + 1);
    const typed = ' API';
    for (let i = 0; i < typed.length; i++) {
      const position = { line, character: character + i };
      client.change(SPEC_URI, 2 + i, [{ range: { start: position, end: position }, text: typed[i] }]);
    }
    return 1 + typed.length;
  }

  test('is twice what the last analysis took: a quick one follows the typing, however long the longest pause', async () => {
    const client = await startClient({ transport: 'stdio', root: ROOT, serverOptions: { debounceMs: 600_000 } });
    try {
      client.open(SPEC_URI, specText);
      await client.waitForPush(SPEC_URI, has('auth-missing'));
      const last = typeTitle(client);
      // the first keystroke after quiet runs at once, the next ones cancel it: only a pause of the analysis's order
      // (not ten minutes) lets the last version be published within the wait
      const diagnostics = await client.waitForPush(SPEC_URI, (_d, version) => version === last);
      assert.ok(has('auth-missing')(diagnostics));
    } finally {
      await client.stop();
    }
  });

  test('is fixed when its bounds are equal: a burst of keystrokes waits for it', async () => {
    const client = await startClient({ transport: 'stdio', root: ROOT, serverOptions: { debounceMs: 600_000, shortestDebounceMs: 600_000 } });
    try {
      client.open(SPEC_URI, specText);
      await client.waitForPush(SPEC_URI, has('auth-missing'));
      const last = typeTitle(client);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.ok(client.pushed.get(SPEC_URI)!.version! < last, `version ${client.pushed.get(SPEC_URI)!.version} was published within a second`);
    } finally {
      await client.stop();
    }
  });
});

describe('quick re-analysis of documentation edits', () => {
  /** Spans of the string values of description, summary and title, in text order. */
  function proseSpans(file: string, text: string): { start: number; end: number }[] {
    const parsed = file.endsWith('.json') ? parseJson(text) : parseYaml(text);
    const spans: { start: number; end: number }[] = [];
    const seen = new Set<object>();
    const stack = [parsed.value];
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === null || typeof value !== 'object' || seen.has(value)) continue;
      seen.add(value);
      for (const [key, child] of Object.entries(value)) {
        const entry = parsed.locations.get(value)?.entries?.get(key);
        if (['description', 'summary', 'title'].includes(key) && typeof child === 'string' && entry) spans.push(entry.value);
        else stack.push(child);
      }
    }
    return spans.sort((a, b) => a.start - b.start);
  }

  /** The result of job `id` with each finding's fixes as built on request (a code action's). */
  async function withFixes(analyses: DocumentAnalyses, id: number, result: AnalysisResult): Promise<AnalysisResult> {
    assert.ok(result.findings.every((f) => f.fixes.length === 0), 'findings carry no fixes');
    const fixes = await analyses.fixes(id, result.findings.map(findingKey));
    assert.ok(fixes, `job ${id} is held`);
    return { ...result, findings: result.findings.map((f) => ({ ...f, fixes: fixes.get(findingKey(f))! })) };
  }

  /**
   * Reviews `files`, edits one file, and reviews again: the quick result, with its fixes as built on request, and a
   * full analysis of the edited texts.
   */
  async function afterEdit(root: string, files: string[], file: string, edit: (text: string) => string) {
    const texts = new Map<string, string>();
    const reader = { read: (p: string) => texts.get(p) ?? diskReader.read(p) };
    const analyses = new DocumentAnalyses(() => reader);
    const cancel = { cancelled: false };
    await analyses.analyze({ id: 1, root, files, config: {}, cancel });
    texts.set(file, edit(readFileSync(file, 'utf8')));
    const quick = (await analyses.analyze({ id: 2, root, files, config: {}, cancel, holding: 1 }))!;
    return { quick, fixed: await withFixes(analyses, 2, quick.result), full: await analyze({ root, files, reader, config: {} }) };
  }

  const typedInside = (span: { start: number }) => (text: string) => `${text.slice(0, span.start + 1)}Zz9 ${text.slice(span.start + 1)}`;
  const rewritten = (span: { start: number; end: number }) => (text: string) => `${text.slice(0, span.start)}"Rewritten: text #1 'quoted'"${text.slice(span.end)}`;

  test('an edit of documentation text gives exactly the findings of a full analysis, without running the checks', async () => {
    let edits = 0;
    let quick = 0;
    for (const ruleDir of ruleDirs()) {
      for (const c of loadCases(ruleDir)) {
        // a case's files: its documents and the files they reference
        for (const file of c.files) {
          const spans = proseSpans(file, readFileSync(file, 'utf8'));
          // the first, the last and one between: in-place typing, and a rewrite that needs a parse
          for (const span of new Set([spans[0], spans[spans.length >> 1], spans[spans.length - 1]].filter(Boolean))) {
            for (const edit of [typedInside(span), rewritten(span)]) {
              const result = await afterEdit(c.root, c.files, file, edit);
              edits++;
              if (!result.quick.exact) quick++;
              assert.deepStrictEqual(result.fixed, result.full, `${relative(FIXTURES, file)} at ${span.start}`);
            }
          }
        }
      }
    }
    assert.ok(quick > edits * 0.6, `${quick} of ${edits} edits re-analysed quickly`);
  });

  test('documentation a fix reads, reached through a $ref: the quick result and its fixes equal a full analysis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-reads-'));
    try {
      const pageSize = (where: string) => [
        'openapi: 3.0.3', 'info: { title: T, version: "1" }',
        'components:', '  schemas:', '    PageSize:', '      description: Page size, at most 100', '      format: int32', '      type: integer',
        'paths:', '  /things:', '    get:', '      parameters:', '        - name: limit', '          in: query',
        `          schema: { $ref: '${where}' }`, '      responses: { "200": { description: ok } }', '',
      ].join('\n');
      // the maximum a page-size fix offers comes from the description of the component the parameter's schema names
      const local = join(dir, 'local.yaml');
      writeFileSync(local, pageSize('#/components/schemas/PageSize'));
      // the same, with the component in another file
      const remote = join(dir, 'remote.yaml');
      const shared = join(dir, 'shared.yaml');
      writeFileSync(remote, pageSize('./shared.yaml#/PageSize'));
      writeFileSync(shared, 'PageSize:\n  description: Page size, at most 100\n  format: int32\n  type: integer\n');
      for (const [document, edited] of [[local, local], [remote, shared]]) {
        const { fixed, full } = await afterEdit(dir, [document], edited, (text) => text.replace('at most 100', 'at most 25'));
        assert.deepStrictEqual(fixed, full, relative(dir, edited));
        const titles = full.findings.flatMap((f) => f.fixes.map((fix) => fix.title));
        assert.ok(titles.includes('Add maximum: 25 (as its description says)'), titles.join('\n'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('any other edit runs the full analysis', async () => {
    const root = join(FIXTURES, '_lsp', 'workspace');
    const files = [join(root, 'openapi.yaml')];
    const secured = (text: string) => text.replace('paths:', 'components:\n  securitySchemes:\n    jwt:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n      description: Tokens\nsecurity:\n  - jwt: []\npaths:');
    const cases: [string, (text: string) => string][] = [
      ['a type', (t) => t.replace('type: string', 'type: integer')],
      ['a key added', (t) => t.replace('          required: true\n', '          required: true\n          deprecated: true\n')],
      ['an example', (t) => t.replace('            format: uuid\n', '            format: uuid\n            example: 42\n')],
      ['an extension', (t) => t.replace('paths:', 'x-notes:\n  description: one\npaths:')],
      ['a parameter description', (t) => t.replace('          in: path\n', '          in: path\n          description: Up to 50\n')],
    ];
    for (const [what, edit] of cases) {
      const { quick, fixed, full } = await afterEdit(root, files, files[0], edit);
      assert.equal(quick.exact, true, `${what}: full analysis`);
      assert.deepStrictEqual(fixed, full);
    }
    // documentation read by a check: a security scheme's description (auth-jwt-practices looks for RFC 8725 there)
    const texts = new Map([[files[0], secured(readFileSync(files[0], 'utf8'))]]);
    const reader = { read: (p: string) => texts.get(p) ?? diskReader.read(p) };
    const analyses = new DocumentAnalyses(() => reader);
    const cancel = { cancelled: false };
    await analyses.analyze({ id: 1, root, files, config: {}, cancel });
    texts.set(files[0], texts.get(files[0])!.replace('description: Tokens', 'description: Tokens validated as RFC 8725 asks'));
    const after = (await analyses.analyze({ id: 2, root, files, config: {}, cancel }))!;
    assert.equal(after.exact, true);
    assert.deepStrictEqual(await withFixes(analyses, 2, after.result), await analyze({ root, files, reader, config: {} }));
  });

  test('a result is reused while its inputs are unchanged, and a quick one is confirmed by a full analysis', async () => {
    const { root, files, texts, analyses, cancel } = workspaceAnalyses();
    const first = (await analyses.analyze({ id: 1, root, files, config: {}, cancel }))!;
    assert.equal((await analyses.analyze({ id: 2, root, files, config: {}, cancel, holding: 1 }))!.same, true);
    texts.set(files[0], specText.replace('description: The account', 'description: The account, as stored'));
    const quick = (await analyses.analyze({ id: 3, root, files, config: {}, cancel, holding: 2 }))!;
    assert.equal(quick.exact, false);
    assert.equal(quick.previous?.id, 2);
    const confirmed = (await analyses.analyze({ id: 4, root, files, config: {}, cancel, holding: 3 }))!;
    assert.equal(confirmed.exact, true);
    assert.equal(confirmed.same, true, 'the full analysis agrees with the quick one');
    assert.deepStrictEqual(confirmed.result.findings.map((f) => f.ruleId), first.result.findings.map((f) => f.ruleId));
  });

  test('fixes are built for the result the caller holds, while a newer one is on its way, and for no older one', async () => {
    const { root, files, texts, reader, analyses, cancel } = workspaceAnalyses();
    const first = (await analyses.analyze({ id: 1, root, files, config: {}, cancel }))!;
    const keys = first.result.findings.map(findingKey);
    const cold = await analyze({ root, files, reader, config: {} });
    assert.deepStrictEqual((await withFixes(analyses, 1, first.result)).findings, cold.findings);
    // a line added at the top moves every finding: the fixes of job 1 are for the text it read
    texts.set(files[0], `# edited\n${specText}`);
    const second = (await analyses.analyze({ id: 2, root, files, config: {}, cancel, holding: 1 }))!;
    assert.deepStrictEqual((await withFixes(analyses, 1, first.result)).findings, cold.findings, 'job 1, still held by the caller');
    assert.deepStrictEqual((await withFixes(analyses, 2, second.result)).findings, (await analyze({ root, files, reader, config: {} })).findings);
    await analyses.analyze({ id: 3, root, files, config: {}, cancel, holding: 2 });
    assert.equal(await analyses.fixes(1, keys), undefined, 'job 1 is held no more');
  });

  const { path: corpus, skip } = corpusSpec('stripe-spec3.2023-09-12.yaml');
  test('on a large real spec: typing in a description, and punctuation that needs a parse', { skip }, async () => {
    const text = readFileSync(corpus, 'utf8');
    const site = text.indexOf('description: ', text.length >> 1) + 'description: '.length;
    for (const edit of [typedInside({ start: site }), (t: string) => `${t.slice(0, site + 1)}'s, (really)${t.slice(site + 1)}`]) {
      const { quick, fixed, full } = await afterEdit(dirname(corpus), [corpus], corpus, edit);
      assert.equal(quick.exact, false);
      assert.deepStrictEqual(fixed, full);
    }
  });
});

test('a finding without OWASP ids has no empty parenthesis in its message', () => {
  const finding: Omit<Finding, 'fixes'> = { ruleId: 'x', family: 'config', owasp: [], cwe: [], severity: 'warning', message: 'Something is off.',
    file: 'a.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, anchor: '', path: [], operations: [], related: [] };
  assert.equal(findingToDiagnostic(finding, ROOT).message, 'Something is off.');
  assert.equal(findingToDiagnostic({ ...finding, owasp: ['API8:2023'] }, ROOT).message, 'Something is off. (API8:2023)');
});

/** The LSP workspace fixture's document analysed in one process, its texts overridable by edits. */
function workspaceAnalyses() {
  const root = join(FIXTURES, '_lsp', 'workspace');
  const files = [join(root, 'openapi.yaml')];
  const texts = new Map<string, string>();
  const reader = { read: (p: string) => texts.get(p) ?? diskReader.read(p) };
  return { root, files, texts, reader, analyses: new DocumentAnalyses(() => reader), cancel: { cancelled: false } };
}

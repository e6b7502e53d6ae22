/**
 * Navigation between a spec operation and its handler, with a real client against the bundled server: Go to
 * Implementation from an operation opens its handler, Go to Definition on a route's path opens its operation, a hover
 * on an operation says where it is implemented and what protects it; an edit is seen by the next request. Needs
 * `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, Location, Position } from 'vscode-languageserver-protocol/node';
import { startClient, type Client } from './support/lsp-client';

const DRIFTING = join(__dirname, 'fixtures', '_inventory', 'express', 'drifting');

/** The position of the first `token` in the text, after the first `after`. */
function positionOf(text: string, token: string, after = ''): Position {
  const offset = text.indexOf(token, text.indexOf(after));
  assert.ok(offset >= 0, `'${token}' is in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length + 1 };
}

describe('navigation between operations and handlers', () => {
  let client: Client;
  let dir: string;
  let spec: { uri: string; text: string };
  let app: { uri: string; text: string };
  const at = (file: { uri: string }, position: Position) => ({ textDocument: { uri: file.uri }, position });
  const lines = (locations: Location[] | null) => (locations ?? []).map((l) => `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}:${l.range.start.line + 1}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-navigation-'));
    cpSync(DRIFTING, dir, { recursive: true });
    const read = (file: string) => ({ uri: pathToFileURL(join(dir, file)).href, text: readFileSync(join(dir, file), 'utf8') });
    spec = read('openapi.yaml');
    app = read('src/app.ts');
    client = await startClient({ transport: 'stdio', root: dir });
    client.open(spec.uri, spec.text);
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('Go to Implementation on an operation opens the handler of its route; on its path, the same', async () => {
    const onMethod = await client.connection.sendRequest<Location[]>('textDocument/implementation', at(spec, positionOf(spec.text, 'get', '/orders:')));
    assert.deepEqual(lines(onMethod), ['app.ts:14']);
    assert.equal(onMethod[0].range.start.character, app.text.split('\n')[13].indexOf('(req, res)'), 'the inline handler');
    const onPath = await client.connection.sendRequest<Location[]>('textDocument/implementation', at(spec, positionOf(spec.text, '/users/{userId}:')));
    assert.deepEqual(lines(onPath), ['users.ts:6']);
    const zombie = await client.connection.sendRequest<Location[]>('textDocument/implementation', at(spec, positionOf(spec.text, 'get', '/invoices:')));
    assert.deepEqual(zombie, []);
  });

  test('Go to Definition on a route path opens its operation in the spec; a shadow route has none', async () => {
    client.open(app.uri, app.text);
    const found = await client.connection.sendRequest<Location[]>('textDocument/definition', at(app, positionOf(app.text, "'/api/v1/reports'")));
    assert.deepEqual(lines(found), ['openapi.yaml:50']);
    assert.deepEqual(found[0].range, { start: { line: 49, character: 4 }, end: { line: 49, character: 7 } });
    const shadow = await client.connection.sendRequest<Location[]>('textDocument/definition', at(app, positionOf(app.text, "'/api/v1/debug/env'")));
    assert.deepEqual(shadow, []);
  });

  test('a hover on an operation says where it is implemented and what runs before the handler', async () => {
    const hover = await client.connection.sendRequest<Hover>('textDocument/hover', at(spec, positionOf(spec.text, 'get', '/users:')));
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /`GET \/users` is implemented by/);
    assert.match(value, /`GET \/api\/v1\/users` in \[src\\\/users\\\.ts:5\]\(file:\/\/\/.*\/src\/users\.ts#L5\)/);
    assert.match(value, /chain: `express\.json` \(other\) → `requireAuth` \(auth\)/);
  });

  test('an edit to the code is seen by the next request', async () => {
    const edited = app.text.replace("'/api/v1/reports'", "'/api/v1/reports/'").replace("app.get('/api/v1/orders'", "app.get('/api/v1/orders-old'");
    client.change(app.uri, 2, [{ text: edited }]);
    const gone = await client.connection.sendRequest<Location[]>('textDocument/implementation', at(spec, positionOf(spec.text, 'get', '/orders:')));
    assert.deepEqual(gone, []);
    const kept = await client.connection.sendRequest<Location[]>('textDocument/definition', at(app, positionOf(edited, "'/api/v1/reports/'")));
    assert.deepEqual(lines(kept), ['openapi.yaml:50']);
  });
});

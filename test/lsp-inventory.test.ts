/**
 * Spec and code compared in the language server, with a real client against the bundled server: an app's unit reads
 * the OpenAPI document that describes it, so the findings of the checks that need both land on each side (the
 * operation the code lacks on the spec, the route the spec lacks on the code), and an edit of the spec runs the app
 * again. Needs `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, type Client } from './support/lsp-client';

const DRIFTING = join(__dirname, 'fixtures', '_inventory', 'express', 'drifting');

/** The inventory diagnostics as `rule@line` (1-based), sorted. */
const inventory = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => String(d.code).startsWith('inventory-') && d.code !== 'inventory-server-undocumented').map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

describe('spec and code compared in the editor', () => {
  let client: Client;
  let dir: string;
  let spec: { uri: string; text: string };
  let app: { uri: string; text: string };
  let profile: { uri: string; text: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'api-sentinel-lsp-inventory-'));
    cpSync(DRIFTING, dir, { recursive: true });
    const read = (file: string) => ({ uri: pathToFileURL(join(dir, file)).href, text: readFileSync(join(dir, file), 'utf8') });
    spec = read('openapi.yaml');
    app = read('src/app.ts');
    profile = read('src/profile.ts');
    client = await startClient({ transport: 'stdio', root: dir });
  });
  after(async () => { await client.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('each side shows its findings: the shadow route and the unprotected route in code, the zombie operation and the others in the spec', async () => {
    client.open(app.uri, app.text, 'typescript');
    const inCode = await client.waitForPush(app.uri, (d) => inventory(d).length > 0);
    assert.deepEqual(inventory(inCode), ['inventory-security-mismatch@14', 'inventory-shadow-route@16']);
    const shadow = inCode.find((d) => d.code === 'inventory-shadow-route')!;
    assert.match(String(shadow.message), /GET \/api\/v1\/debug\/env is served by the code but not documented in openapi\.yaml/);
    client.open(profile.uri, profile.text, 'typescript');
    const drift = await client.waitForPush(profile.uri, (d) => inventory(d).length > 0);
    assert.deepEqual(inventory(drift), ['inventory-response-drift@10']);

    client.open(spec.uri, spec.text);
    const inSpec = await client.waitForPush(spec.uri, (d) => inventory(d).length >= 3);
    const line = (token: string, after = '') => spec.text.slice(0, spec.text.indexOf(token, spec.text.indexOf(after))).split('\n').length;
    assert.deepEqual(inventory(inSpec), [
      `inventory-response-drift@${line('required', '    Session:')}`,
      `inventory-security-mismatch@${line('security', '  /reports:')}`,
      `inventory-zombie-operation@${line('get', '  /invoices:')}`,
    ].sort());
    // the spec's own checks still run beside them, once each
    const keys = inSpec.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`);
    assert.equal(new Set(keys).size, keys.length, 'no diagnostic twice');
  });

  test('documenting the shadow route in the spec removes its finding from the code', async () => {
    const documented = spec.text.replace('components:\n', [
      '  /debug/env:',
      '    get:',
      '      operationId: debugEnv',
      '      responses:',
      "        '200':",
      '          description: The environment',
      'components:',
      '',
    ].join('\n'));
    client.change(spec.uri, 2, [{ text: documented }]);
    const after = await client.waitForPush(app.uri, (d) => !inventory(d).some((x) => x.startsWith('inventory-shadow-route')));
    assert.deepEqual(inventory(after), ['inventory-security-mismatch@14']);
  });

  test('a spec deleted from the disk is compared with the code no more', async () => {
    client.close(spec.uri);
    rmSync(join(dir, 'openapi.yaml'));
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: spec.uri, type: FileChangeType.Deleted }] });
    const reviewed = client.logs.length;
    const after = await client.waitForPush(app.uri, (d) => inventory(d).length === 0);
    assert.ok(after.some((d) => d.code === 'code-auth-missing'), 'the code checks still run');
    // the app no longer starts from the file that is gone: no problem reading it
    const review = client.logs.slice(reviewed).filter((line) => line.startsWith('Reviewed ')).pop();
    assert.ok(review && !/problem/.test(review), review);
  });
});

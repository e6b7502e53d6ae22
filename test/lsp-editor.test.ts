/** The language server as users meet it in an editor: fragments, the whole API, limits, reasons, settings, typing. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { startClient, type Client } from './support/lsp-client';

const FIXTURE = join(__dirname, 'fixtures', '_lsp', 'workspace');
const has = (rule: string) => (d: Diagnostic[]) => d.some((x) => x.code === rule);
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

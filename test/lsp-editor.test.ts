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

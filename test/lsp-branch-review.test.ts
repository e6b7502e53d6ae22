/**
 * `apiSentinel/reviewBranch` through a real LSP client (the bundled server over stdio), on a git repository built in a
 * temporary folder: a base commit on `main`, and a branch that adds an operation open to anyone and fixes the
 * plain-HTTP server. The request lists new and fixed findings by identity, as `review --diff` does; the setting
 * `apiSentinel.problems.onlyNewOnBranch` limits the published diagnostics to the new ones, edits included.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeConfigurationNotification, type Diagnostic, ResponseError } from 'vscode-languageserver-protocol/node';
import { startClient, type Client } from './support/lsp-client';
import { git, removeTemporaryFolders, repositoryWith, temporaryFolder, writeFiles } from './support/git-repo';
import type { BranchReviewResult } from '../server/src/lsp/features/branch-review';

after(removeTemporaryFolders);

const HEADER = `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: SERVER
    description: Production
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200": { description: The orders }
        default: { description: Unexpected error }
`;
const BASE = HEADER.replace('SERVER', 'http://api.example.com/v1');
const ADMIN = `  /admin/users/{userId}:
    delete:
      operationId: deleteUser
      security: []
      parameters:
        - { name: userId, in: path, required: true, schema: { type: integer } }
      responses:
        "204": { description: Deleted }
        default: { description: Unexpected error }
`;
const BRANCH = HEADER.replace('SERVER', 'https://api.example.com/v1') + ADMIN;
const NEW_RULES = ['auth-missing', 'bola-predictable-id', 'bola-unprotected-object'];
const ALL_RULES = [...NEW_RULES, 'auth-missing-401-403', 'cors-origin-undefined', 'rate-limit-missing'].sort();

const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => String(d.code)).sort();

/** The repository: `main` with the base, the checked-out branch `feature` with the branch's spec committed. */
function branchRepository(): string {
  const root = repositoryWith({ 'openapi.yaml': BASE }, 'branch-review');
  git(root, 'checkout', '--quiet', '-b', 'feature');
  writeFiles(root, { 'openapi.yaml': BRANCH });
  git(root, 'commit', '--quiet', '--all', '--message', 'admin users, https');
  return root;
}

/** A client whose `apiSentinel` settings are `settings` (changed by the test, then announced). */
async function clientWith(root: string, settings: Record<string, unknown>): Promise<Client> {
  const client = await startClient({ transport: 'stdio', root });
  client.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((item) => (item.section === 'apiSentinel' ? settings : null)));
  return client;
}

async function reviewBranch(client: Client, params: { folder?: string; base?: string } = {}): Promise<BranchReviewResult> {
  return client.connection.sendRequest<BranchReviewResult>('apiSentinel/reviewBranch', params);
}

async function reviewFails(client: Client, params: { folder?: string; base?: string }, message: RegExp): Promise<void> {
  await assert.rejects(reviewBranch(client, params), (error: unknown) => {
    assert.ok(error instanceof ResponseError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

describe('the branch review over LSP', () => {
  let root: string;
  let spec: string;
  let client: Client;
  const settings: { problems?: { onlyNewOnBranch: boolean }; branchReview?: { base: string } } = {};
  before(async () => {
    root = branchRepository();
    spec = pathToFileURL(join(root, 'openapi.yaml')).href;
    client = await clientWith(root, settings);
  });
  after(async () => { await client.stop(); });

  test('compares the branch with the default branch: new and fixed findings by identity, with their places', async () => {
    const result = await reviewBranch(client);
    assert.deepEqual(result.base, { ref: 'main', commit: git(root, 'rev-parse', 'main').trim() });
    assert.deepEqual(result.added.map((f) => f.ruleId).sort(), NEW_RULES);
    for (const finding of result.added) {
      assert.deepEqual(finding.operations, ['DELETE /admin/users/{userId}']);
      assert.equal(finding.location?.uri, spec);
      assert.ok(finding.location!.range.start.line >= 16, JSON.stringify(finding.location));
    }
    assert.deepEqual(result.fixed.map((f) => [f.ruleId, f.file]), [['transport-insecure-server', 'openapi.yaml']]);
    // the server entry still exists (now https): the fixed finding opens there
    assert.deepEqual(result.fixed[0].location, { uri: spec, range: { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } } });
    assert.equal(result.unchanged, 3);
    assert.deepEqual(result.problems, []);
  });

  test('the base may be named, by the request or by the setting; one that is no commit is a clear error', async () => {
    const same = await reviewBranch(client, { base: 'feature' });
    assert.deepEqual([same.added.length, same.fixed.length, same.unchanged], [0, 0, 6]);
    settings.branchReview = { base: 'feature' };
    assert.equal((await reviewBranch(client)).base.ref, 'feature');
    delete settings.branchReview;
    await reviewFails(client, { base: 'no-such-branch' }, /'no-such-branch' is not a commit of this repository/);
    await reviewFails(client, { folder: pathToFileURL(temporaryFolder('elsewhere')).href }, /is not a workspace folder/);
  });

  test('onlyNewOnBranch: only the new findings are published, after an edit too, until the setting is off', async () => {
    client.open(spec, BRANCH);
    await client.waitForPush(spec, (d) => codes(d).join() === ALL_RULES.join());
    settings.problems = { onlyNewOnBranch: true };
    void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await client.waitForPush(spec, (d) => codes(d).join() === NEW_RULES.join());
    // an edit that moves every finding keeps the filter by identity
    client.change(spec, 2, [{ text: `# the shop\n${BRANCH}` }]);
    const moved = await client.waitForPush(spec, (_diagnostics, version) => version === 2);
    assert.deepEqual(codes(moved), NEW_RULES);
    assert.ok(moved.every((d) => d.range.start.line >= 17), JSON.stringify(moved.map((d) => d.range)));
    // the limit is the last review's: a finding the edit adds shows once the review runs again
    const openOrders = BRANCH.replace('      operationId: listOrders\n', '      operationId: listOrders\n      security: []\n');
    client.change(spec, 3, [{ text: openOrders }]);
    const limited = await client.waitForPush(spec, (_diagnostics, version) => version === 3);
    assert.deepEqual(codes(limited), NEW_RULES);
    const again = await reviewBranch(client);
    const withOrders = [...NEW_RULES, 'auth-missing'].sort();
    assert.deepEqual(again.added.map((f) => f.ruleId).sort(), withOrders);
    assert.deepEqual(again.added.find((f) => f.operations.includes('GET /orders'))?.ruleId, 'auth-missing');
    await client.waitForPush(spec, (d) => codes(d).join() === withOrders.join());
    settings.problems = { onlyNewOnBranch: false };
    void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await client.waitForPush(spec, (d) => codes(d).join() === [...withOrders, 'cors-origin-undefined', 'rate-limit-missing'].sort().join());
  });
});

test('a folder outside any git repository gets a clear message', async () => {
  const root = temporaryFolder('no-git');
  writeFiles(root, { 'openapi.yaml': BRANCH });
  const client = await clientWith(root, {});
  try {
    await reviewFails(client, {}, /is not in a git repository/);
  } finally {
    await client.stop();
  }
});

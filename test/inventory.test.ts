/**
 * The inventory checks on the framework apps of test/fixtures/_inventory (Express, NestJS, Fastify): each drifting
 * app has exactly its shadow routes, zombie operations and security mismatches, each naming both sides and relating
 * the other one; each app in sync with its spec has none.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../server/src/engine/types';
import { correlating, review } from './support/engine';

const APPS = join(__dirname, 'fixtures', '_inventory');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The inventory findings of a review as [rule, file, anchor, severity]. */
const inventory = (findings: readonly Finding[]) =>
  findings.filter((f) => correlating.has(f.ruleId)).map((f) => [f.ruleId, f.file, f.anchor, f.severity]);

const DRIFTING: Record<string, string[][]> = {
  express: [
    ['inventory-security-mismatch', 'openapi.yaml', '/paths/~1reports/get/security', 'warning'],
    ['inventory-zombie-operation', 'openapi.yaml', '/paths/~1invoices/get', 'warning'],
    ['inventory-response-drift', 'openapi.yaml', '/components/schemas/Session/required', 'warning'],
    ['inventory-security-mismatch', 'src/app.ts', 'GET /api/v1/orders', 'error'],
    ['inventory-shadow-route', 'src/app.ts', 'GET /api/v1/debug/env', 'warning'],
    ['inventory-response-drift', 'src/profile.ts', 'GET /api/v1/profile response me', 'warning'],
  ],
  nestjs: [
    ['inventory-security-mismatch', 'openapi.yaml', '/paths/~1projects/get/security', 'warning'],
    ['inventory-zombie-operation', 'openapi.yaml', '/paths/~1projects~1{id}~1members/get', 'warning'],
    ['inventory-response-drift', 'openapi.yaml', '/components/schemas/Report/required', 'warning'],
    ['inventory-security-mismatch', 'src/projects/projects.controller.ts', 'GET /api/projects/{projectId}', 'error'],
    ['inventory-shadow-route', 'src/projects/projects.controller.ts', 'POST /api/projects/{projectId}/export', 'warning'],
    ['inventory-response-drift', 'src/reports/reports.controller.ts', 'GET /api/reports/{reportId} response this.reports.findOne({ where: { id } })', 'warning'],
  ],
  fastify: [
    ['inventory-security-mismatch', 'openapi.json', '/paths/~1notes~1{id}/put/security', 'warning'],
    ['inventory-zombie-operation', 'openapi.json', '/paths/~1notes~1{id}/delete', 'warning'],
    ['inventory-response-drift', 'openapi.json', '/definitions/Folder/required', 'warning'],
    ['inventory-response-drift', 'src/routes/folders.ts', 'GET /v2/folders response Folder.find({}).limit(50).lean()', 'warning'],
    ['inventory-security-mismatch', 'src/routes/notes.ts', 'GET /v2/notes', 'error'],
    ['inventory-shadow-route', 'src/routes/notes.ts', 'POST /v2/notes/{noteId}/share', 'warning'],
  ],
};

describe('the framework apps and their specs', () => {
  for (const framework of Object.keys(DRIFTING)) {
    test(`${framework}: the drifting app's shadow route, zombie operation and security mismatches in both directions, response drift on both sides`, async () => {
      const dir = join(APPS, framework, 'drifting');
      const result = await review(dir, filesUnder(dir));
      assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), []);
      assert.deepEqual(inventory(result.findings), DRIFTING[framework]);
      for (const finding of result.findings.filter((f) => correlating.has(f.ruleId))) {
        const inSpec = !/\.ts$/.test(finding.file);
        assert.ok(finding.related.length > 0 && finding.related.some((r) => /\.ts$/.test(r.file) === inSpec), `${finding.anchor} relates the other side`);
        assert.match(finding.message, inSpec ? /(route|code)/ : /openapi\.(yaml|json)/, `${finding.anchor} names the other side`);
      }
    });
    test(`${framework}: the app in sync with its spec has no inventory finding`, async () => {
      const dir = join(APPS, framework, 'in-sync');
      const result = await review(dir, filesUnder(dir));
      assert.deepEqual(inventory(result.findings), []);
      assert.ok(result.routes.length >= 5);
    });
  }

  test('a mismatch names the operation, the route and what enforces auth', async () => {
    const dir = join(APPS, 'express', 'drifting');
    const { findings } = await review(dir, filesUnder(dir));
    const inSpec = findings.find((f) => f.ruleId === 'inventory-security-mismatch' && f.anchor === '/paths/~1reports/get/security')!;
    assert.match(inSpec.message, /^GET \/reports declares no required authentication, but its route GET \/api\/v1\/reports in src\/app\.ts verifies a credential \(requireAuth/);
    assert.deepEqual(inSpec.related.map((r) => [r.file, r.message]), [
      ['src/app.ts', 'GET /api/v1/reports implements GET /reports'],
      ['src/app.ts', 'requireAuth verifies the caller of GET /api/v1/reports'],
    ]);
    assert.deepEqual(inSpec.fixes[0].title, 'Require bearerAuth, documenting 401 and 403');
    const inCode = findings.find((f) => f.ruleId === 'inventory-security-mismatch' && f.anchor === 'GET /api/v1/orders')!;
    assert.match(inCode.message, /implements GET \/orders of openapi\.yaml, which requires authentication/);
    assert.deepEqual(inCode.related.map((r) => [r.file, r.range.start.line, r.message]), [['openapi.yaml', 6, 'GET /orders requires bearerAuth in openapi.yaml']]);
  });

  test("a shadow route's suggestion documents it in the spec's style, under the spec's base path", async () => {
    const dir = join(APPS, 'fastify', 'drifting');
    const { findings } = await review(dir, filesUnder(dir));
    const shadow = findings.find((f) => f.ruleId === 'inventory-shadow-route')!;
    const fix = shadow.fixes.find((f) => f.title.startsWith('Document'))!;
    assert.equal(fix.title, 'Document POST /notes/{id}/share in openapi.json');
    assert.equal(fix.kind, 'suggestion');
    const added = JSON.parse(`{${fix.edits[0].newText.replace(/^,/, '')}}`);
    assert.deepEqual(added, {
      '/notes/{id}/share': { post: {
        operationId: 'postNotesByIdShare',
        parameters: [{ name: 'id', in: 'path', required: true, type: 'string', format: 'uuid' }],
        responses: { 201: { description: 'Success' }, 401: { description: 'Missing or invalid credentials' }, 403: { description: 'The credentials do not allow this operation' } },
      } },
    });
  });
});

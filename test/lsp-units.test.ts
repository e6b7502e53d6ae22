/** Analysis units: the registry (folders, roots, who reads what) and the discovery of a folder's OpenAPI documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../server/src/engine/config';
import { UnitRegistry, findOpenApiDocuments, findRouteApps } from '../server/src/lsp/units';
import { dependsOnRouteFramework } from '../server/src/workspace/route-apps';

const ids = (units: { id: string }[]) => units.map((u) => u.id).sort();

test('the units reading a file: those whose last analysis read it, and the one starting from it', () => {
  const units = new UnitRegistry();
  units.addFolder('/ws');
  units.addDocument('/ws/a.yaml');
  units.addDocument('/ws/b.yaml');
  units.setInputs('/ws/a.yaml', ['/ws/a.yaml', '/ws/common.yaml']);
  units.setInputs('/ws/b.yaml', ['/ws/b.yaml', '/ws/common.yaml']);
  assert.deepEqual(ids(units.reading('/ws/common.yaml')), ['/ws/a.yaml', '/ws/b.yaml']);
  // a's next analysis no longer reads common.yaml: editing it no longer runs a
  units.setInputs('/ws/a.yaml', ['/ws/a.yaml', '/ws/other.yaml']);
  assert.deepEqual(ids(units.reading('/ws/common.yaml')), ['/ws/b.yaml']);
  assert.deepEqual(ids(units.reading('/ws/other.yaml')), ['/ws/a.yaml']);
  // a unit removed reads nothing
  units.remove('/ws/b.yaml');
  assert.deepEqual(ids(units.reading('/ws/common.yaml')), []);
  assert.deepEqual(ids(units.reading('/ws/b.yaml')), []);
  assert.deepEqual(units.inputsOf('/ws/b.yaml'), []);
  assert.deepEqual(ids(units.all()), ['/ws/a.yaml']);
});

test('a unit is rooted at the innermost workspace folder holding it, else its own folder; a folder added takes its units', () => {
  const units = new UnitRegistry();
  units.addFolder('/ws');
  assert.equal(units.addDocument('/ws/api/openapi.yaml').root, '/ws');
  assert.equal(units.addDocument('/elsewhere/b/openapi.yaml').root, '/elsewhere/b');
  const moved = units.addFolder('/elsewhere');
  assert.deepEqual(moved.map((u) => [u.id, u.root]), [['/elsewhere/b/openapi.yaml', '/elsewhere']]);
  assert.equal(units.get('/elsewhere/b/openapi.yaml')!.root, '/elsewhere');
  // a nested folder is the root of what it holds
  assert.deepEqual(units.addFolder('/ws/api').map((u) => u.id), ['/ws/api/openapi.yaml']);
  assert.deepEqual(ids(units.rootedAt('/ws/api')), ['/ws/api/openapi.yaml']);
  units.removeFolder('/elsewhere');
  assert.equal(units.folderOf('/elsewhere/b/openapi.yaml'), '/elsewhere/b');
  assert.equal(units.inWorkspace('/elsewhere/b/openapi.yaml'), false);
  assert.equal(units.inWorkspace('/ws/x.yaml'), true);
});

test("a folder's OpenAPI documents, under its include/exclude, recognised anywhere in the text", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-units-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'drafts'));
  writeFileSync(join(dir, 'openapi.yaml'), 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths: {}\n');
  writeFileSync(join(dir, 'sorted.json'), `{"components": {"x": "${'y'.repeat(70_000)}"}, "openapi": "3.1.0", "paths": {}}`);
  writeFileSync(join(dir, 'schema.yaml'), 'type: object\n');
  writeFileSync(join(dir, 'drafts', 'draft.yaml'), 'openapi: 3.0.3\n');
  const found = await findOpenApiDocuments(dir, resolveConfig({ exclude: ['drafts/**'] }));
  assert.deepEqual(found, [join(dir, 'openapi.yaml'), join(dir, 'sorted.json')]);
});

test("a folder's apps with route code: each package.json naming a route framework, with the code files no deeper app holds", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-apps-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string) => { mkdirSync(join(dir, file, '..'), { recursive: true }); writeFileSync(join(dir, file), text); };
  write('package.json', '{ "workspaces": ["services/*"] }');
  write('tools/x.ts', 'export {};');
  write('services/api/package.json', '{ "dependencies": { "express": "4" } }');
  write('services/api/src/app.ts', 'export {};');
  write('services/api/dist/app.js', 'exports.x = 1;');
  write('services/api/admin/package.json', '{ "dependencies": { "@nestjs/core": "10" } }');
  write('services/api/admin/main.ts', 'export {};');
  write('services/web/package.json', '{ "dependencies": { "react": "18" } }');
  write('services/web/index.ts', 'export {};');
  const apps = findRouteApps(dir, resolveConfig({}));
    assert.equal(dependsOnRouteFramework('{ "dependencies": { "@nestjs/core": "^10" } }'), true);
    assert.equal(dependsOnRouteFramework('{ "devDependencies": { "hono": "4" } }'), true);
    assert.equal(dependsOnRouteFramework('{ "dependencies": { "express-rate-limit": "7" }, "name": "express" }'), false);
    assert.equal(dependsOnRouteFramework('{ not json'), false);

  assert.deepEqual(Object.fromEntries([...apps].map(([app, files]) => [app, files.sort()])), {
    [join(dir, 'services/api')]: [join(dir, 'services/api/package.json'), join(dir, 'services/api/src/app.ts')],
    [join(dir, 'services/api/admin')]: [join(dir, 'services/api/admin/main.ts'), join(dir, 'services/api/admin/package.json')],
  });
  const units = new UnitRegistry();
  units.addFolder(dir);
  const api = units.setRoutes(join(dir, 'services/api'), apps.get(join(dir, 'services/api'))!)!;
  assert.equal(api.kind, 'routes');
  assert.equal(api.root, dir);
  assert.equal(units.setRoutes(join(dir, 'services/api'), apps.get(join(dir, 'services/api'))!), undefined, 'the same entries: no change');
  units.setRoutes(join(dir, 'services/api/admin'), apps.get(join(dir, 'services/api/admin'))!);
  assert.equal(units.routesHolding(join(dir, 'services/api/admin/new.ts'))!.id, `routes:${join(dir, 'services/api/admin')}`);
  assert.equal(units.routesHolding(join(dir, 'services/api/src/new.ts'))!.id, api.id);
  assert.equal(units.routesHolding(join(dir, 'tools/y.ts')), undefined);
  assert.deepEqual(ids(units.reading(join(dir, 'services/api/src/app.ts'))), [api.id]);
});

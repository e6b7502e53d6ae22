/** Analysis units: the registry (folders, roots, who reads what) and the discovery of a folder's OpenAPI documents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../server/src/engine/config';
import { UnitRegistry, findOpenApiDocuments } from '../server/src/lsp/units';

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

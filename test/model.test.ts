/** Loading and the operation model: multi-file refs, cycles, refused refs, merged parameters, effective security. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FileSet } from '../server/src/engine/spec/load';
import { buildDocument, detectVersion } from '../server/src/engine/spec/model';
import { parseYaml } from '../server/src/engine/spec/parse-yaml';
import { SourceFile } from '../server/src/engine/spec/source';
import { walkSchemas } from '../server/src/engine/spec/schema';
import { diskReader, review } from './support/engine';

const MULTI = join(__dirname, 'fixtures', '_model', 'multi');

async function loadMulti() {
  const files = new FileSet({ root: MULTI }, diskReader);
  const file = (await files.load(join(MULTI, 'openapi.yaml')))!;
  await files.loadReferenced(file);
  return { files, doc: buildDocument(files, file, detectVersion(file.value)!) };
}

function fromText(text: string) {
  const files = new FileSet({ root: '/virtual' }, { read: (p) => (p === '/virtual/api.yaml' ? text : undefined) });
  const parsed = parseYaml(text);
  const file = new SourceFile('/virtual/api.yaml', 'api.yaml', text, parsed.value, parsed.locations);
  return buildDocument(files, file, detectVersion(parsed.value)!);
}

test('refs across files resolve, and the operation model merges path-item and operation parameters', async () => {
  const { files, doc } = await loadMulti();
  const op = doc.operations.find((o) => o.path === '/users/{userId}')!;
  assert.equal(op.method, 'get');
  assert.equal(op.node.file.relPath, 'paths/user.yaml');
  assert.deepEqual(op.parameters.map((p) => `${p.in}:${p.name}`), ['path:userId', 'query:verbose']);
  const verbose = op.parameters.find((p) => p.name === 'verbose')!;
  assert.deepEqual((verbose.schema!.value as { enum: string[] }).enum, ['yes', 'no'], 'operation parameter overrides the path-item one');
  const ok = op.responses.find((r) => r.status === '200')!;
  assert.equal(ok.contents[0].schema!.file.relPath, 'schemas/user.yaml');
  const notFound = op.responses.find((r) => r.status === '404')!;
  assert.equal(notFound.node.file.relPath, 'schemas/responses.yaml');
  assert.deepEqual(notFound.node.path, ['NotFound']);
  assert.ok(notFound.headers.has('x-request-id'), 'header names are lower-cased');
  assert.deepEqual(files.all().map((f) => f.relPath).sort(), ['openapi.yaml', 'paths/user.yaml', 'schemas/responses.yaml', 'schemas/user.yaml']);
});

test('cycles, missing targets, remote and outside-root refs become problems at the $ref, never a crash', async () => {
  const result = await review(MULTI, [join(MULTI, 'openapi.yaml')]);
  const byCode = (code: string) => result.problems.filter((p) => p.code === code);
  const cycle = byCode('ref-cycle');
  assert.equal(cycle.length, 1);
  assert.equal(cycle[0].file, 'openapi.yaml');
  assert.equal(byCode('ref-remote').length, 1);
  assert.equal(byCode('ref-remote')[0].severity, 'info');
  assert.equal(byCode('ref-remote')[0].range!.start.line, 19);
  const outside = byCode('ref-outside-root');
  assert.equal(outside.length, 1);
  assert.match(outside[0].message, /outside the project root/);
  assert.equal(outside[0].range!.start.line, 28);
  const missing = byCode('ref-missing');
  assert.equal(missing.length, 1);
  assert.match(missing[0].message, /schemas\/nope\.yaml was not found/);
  assert.deepEqual(missing[0].range, { start: { line: 37, character: 22 }, end: { line: 37, character: 39 } });
  assert.deepEqual(result.documents, ['openapi.yaml']);
});

test('effective security: operation over root, empty list, optional {} alternative', () => {
  const doc = fromText(`openapi: 3.1.0
info: { title: t, version: "1" }
security:
  - key: []
paths:
  /a:
    get: { responses: {} }
    post:
      security: []
      responses: {}
    put:
      security: [{}, { key: [] }]
      responses: {}
    patch:
      security: [{ oauth: [write] }]
      responses: {}
`);
  const sec = Object.fromEntries(doc.operations.map((o) => [o.method, o.security]));
  assert.equal(sec.get.source, 'root');
  assert.equal(sec.get.anonymous, false);
  assert.equal(sec.post.source, 'operation');
  assert.equal(sec.post.anonymous, true);
  assert.equal(sec.put.anonymous, true);
  assert.deepEqual(sec.patch.alternatives[0].schemes.map((s) => [s.name, s.scopes]), [['oauth', ['write']]]);
});

test('OpenAPI 2.0: body parameters become the request body, schemas under responses are contents', () => {
  const doc = fromText(`swagger: "2.0"
info: { title: t, version: "1" }
consumes: [application/json]
paths:
  /users:
    post:
      parameters:
        - { name: body, in: body, schema: { type: object } }
        - { name: dryRun, in: query, type: boolean }
      responses:
        "201":
          description: created
          schema: { type: object, properties: { id: { type: string } } }
`);
  const op = doc.operations[0];
  assert.equal(doc.version, '2.0');
  assert.deepEqual(op.parameters.map((p) => p.name), ['dryRun']);
  assert.equal(op.requestBody!.contents[0].mediaType, 'application/json');
  assert.equal(op.responses[0].contents[0].mediaType, 'application/json');
});

test('version detection', () => {
  assert.equal(detectVersion({ swagger: '2.0' }), '2.0');
  assert.equal(detectVersion({ openapi: '3.0.3' }), '3.0');
  assert.equal(detectVersion({ openapi: '3.1.0' }), '3.1');
  assert.equal(detectVersion({ openapi: 3.1 }), undefined);
  assert.equal(detectVersion({ asyncapi: '2.0.0' }), undefined);
  assert.equal(detectVersion(['openapi']), undefined);
});

test('a schema walk visits every schema once, depth first in source order, refs followed', async () => {
  const text = [
    'openapi: 3.0.3', 'info: { title: T, version: "1" }', 'paths: {}', 'components:', '  schemas:',
    '    Pet:', '      type: object',
    '      properties:', '        name: { type: string }', '        tags: { type: array, items: { $ref: "#/components/schemas/Tag" } }',
    '        owner: { $ref: "#/components/schemas/Pet" }',
    '      allOf: [{ properties: { id: { type: integer } } }, { $ref: "#/components/schemas/Tag" }]',
    '      additionalProperties: { properties: { extra: { type: string } } }',
    '    Tag: { properties: { label: { type: string } } }', '',
  ].join('\n');
  const files = new FileSet({ root: '/virtual' }, { read: (p) => (p === '/virtual/api.yaml' ? text : undefined) });
  const file = (await files.load('/virtual/api.yaml'))!;
  const pet = { file, value: (file.value as { components: { schemas: Record<string, unknown> } }).components.schemas.Pet, path: ['components', 'schemas', 'Pet'] };
  const visits: string[] = [];
  walkSchemas(files, pet, (visit) => { visits.push(`${visit.trail.join('.') || '(root)'} ${visit.schema.path.join('/')}`); });
  assert.deepEqual(visits, [
    '(root) components/schemas/Pet',
    'name components/schemas/Pet/properties/name',
    'tags components/schemas/Pet/properties/tags',
    'tags components/schemas/Tag',
    'tags.label components/schemas/Tag/properties/label',
    '(root) components/schemas/Pet/allOf/0',
    'id components/schemas/Pet/allOf/0/properties/id',
    '(root) components/schemas/Pet/additionalProperties',
    'extra components/schemas/Pet/additionalProperties/properties/extra',
  ]);
});

/** One finding identity (rule, file, anchor) and the comparison of two revisions' findings by it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, compare, findingKey, type Finding } from '../server/src/engine';
import { jsonPointer } from '../server/src/engine/identity';

const doc = (above: string, extra = '') => [
  'openapi: 3.0.3', 'info: { title: T, version: "1" }', above, 'paths:',
  '  /users/{id}:', '    get:', '      parameters:', '        - { name: id, in: path, required: true, schema: { type: integer } }',
  '      responses: { "200": { description: ok } }', extra, '',
].join('\n');

async function findings(text: string): Promise<Finding[]> {
  const result = await analyze({ root: '/p', files: ['/p/api.yaml'], reader: { read: () => text } });
  return result.findings;
}

test('a JSON pointer escapes ~ and / (RFC 6901)', () => {
  assert.equal(jsonPointer(['paths', '/users/{id}', 'get']), '/paths/~1users~1{id}/get');
  assert.equal(jsonPointer(['a~b', 0]), '/a~0b/0');
  assert.equal(jsonPointer([]), '');
});

test('a spec finding is anchored at the JSON pointer of its place, and its key holds no line number', async () => {
  const [first] = await findings(doc(''));
  assert.equal(first.anchor, jsonPointer(first.path));
  assert.equal(findingKey(first), `${first.ruleId}\u0000api.yaml\u0000${first.anchor}`);
});

test('findings keep their identity when lines move above them', async () => {
  const before = await findings(doc(''));
  const after = await findings(doc('# a comment\n# and another\nservers: [{ url: "https://api.example.com", description: Production }]'));
  assert.ok(before.length > 2);
  assert.notDeepEqual(before.map((f) => f.range.start.line), after.map((f) => f.range.start.line), 'the lines moved');
  const { added, unchanged, fixed } = compare(before, after.filter((f) => f.ruleId !== 'transport-insecure-server'));
  assert.deepEqual(added, []);
  assert.deepEqual(fixed, []);
  assert.equal(unchanged.length, before.length);
});

test('compare: what a change added, kept and fixed', async () => {
  const base = await findings(doc(''));
  const head = await findings(doc('', '  /admin/users/{id}:\n    delete:\n      responses: { "204": { description: gone } }'));
  const { added, unchanged, fixed } = compare(base, head);
  assert.ok(added.length > 0 && added.every((f) => f.operations.some((o) => o.path === '/admin/users/{id}') || !base.some((b) => findingKey(b) === findingKey(f))));
  assert.equal(fixed.length, base.length - unchanged.length);
  const back = compare(head, base);
  assert.deepEqual(back.fixed.map(findingKey).sort(), added.map(findingKey).sort(), 'what one direction adds the other fixes');
});

test('compare counts identities: two findings with one identity in head against one in base leave one new', () => {
  const f = (message: string) => ({ ruleId: 'r', file: 'a.yaml', anchor: '/x', message });
  const { added, unchanged, fixed } = compare([f('old')], [f('one'), f('two')]);
  assert.deepEqual(unchanged.map((x) => x.message), ['one']);
  assert.deepEqual(added.map((x) => x.message), ['two']);
  assert.deepEqual(fixed, []);
});

test('the findings about one operation share one reference to it, which a report writes once', async () => {
  const about = (await findings(doc(''))).filter((f) => f.operations.length === 1 && f.operations[0].path === '/users/{id}');
  assert.ok(about.length > 2, `${about.length} findings about GET /users/{id}`);
  assert.deepEqual(about[0].operations[0], { method: 'GET', path: '/users/{id}' });
  for (const finding of about) assert.equal(finding.operations[0], about[0].operations[0], finding.ruleId);
});

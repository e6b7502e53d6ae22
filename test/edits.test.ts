/** Quick-fix edits keep the file's style and leave it valid: apply, re-parse, compare values and text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../server/src/engine/openapi/parse-yaml';
import { parseJson } from '../server/src/engine/openapi/parse-json';
import { SourceFile } from '../server/src/engine/openapi/source';
import { applyEdits, insertAtPath, insertEntry, removeEntry, type PlainValue } from '../server/src/engine/fix/edits';

function fileOf(text: string, json = false): SourceFile {
  const p = json ? parseJson(text) : parseYaml(text);
  return new SourceFile(json ? '/x.json' : '/x.yaml', json ? 'x.json' : 'x.yaml', text, p.value, p.locations);
}
function apply(file: SourceFile, e: { range: any; newText: string }): string { return applyEdits(file.text, [e], file.lines); }
const get = (v: any, ...path: (string | number)[]) => path.reduce((o, k) => o[k], v);

test('block YAML: a nested entry goes after the last entry, at its indentation, in the file\'s unit', () => {
  const text = 'paths:\n    /a:\n        get:\n            responses:\n                "200":\n                    description: ok\n# tail comment\n';
  const file = fileOf(text);
  const responses = get(file.value, 'paths', '/a', 'get', 'responses');
  const out = apply(file, insertEntry(file, responses, '429', { description: 'Too many requests', headers: { 'Retry-After': { schema: { type: 'integer' } } } }));
  assert.equal(out, text.replace('description: ok\n', 'description: ok\n                "429":\n                    description: Too many requests\n                    headers:\n                        Retry-After:\n                            schema:\n                                type: integer\n'));
  const v = parseYaml(out).value as any;
  assert.equal(get(v, 'paths', '/a', 'get', 'responses', '429', 'headers', 'Retry-After', 'schema', 'type'), 'integer');
  assert.equal(get(v, 'paths', '/a', 'get', 'responses', '200', 'description'), 'ok');
});

test('block YAML: sequences follow the file\'s habit, strings that need quotes get them, CRLF stays CRLF', () => {
  const text = "op:\r\n  tags:\r\n  - a\r\n  summary: 'x'\r\n";
  const file = fileOf(text);
  const out = apply(file, insertEntry(file, get(file.value, 'op'), 'security', [{ bearer: [] }, { key: ['read:all'] }]));
  assert.ok(!/[^\r]\n/.test(out), 'only CRLF line ends');
  assert.match(out, /\r\n  security:\r\n  - bearer: \[\]\r\n  - key:\r\n    - 'read:all'/);
  assert.deepEqual(get(parseYaml(out).value, 'op', 'security'), [{ bearer: [] }, { key: ['read:all'] }]);
});

test('flow YAML and JSON mappings get an entry before the closing brace', () => {
  const yamlFile = fileOf('schema: { type: integer }\n');
  const y = apply(yamlFile, insertEntry(yamlFile, get(yamlFile.value, 'schema'), 'maximum', 100));
  assert.equal(y, 'schema: { type: integer, maximum: 100 }\n');
  const jsonText = '{\n  "schema": {\n    "type": "integer"\n  },\n  "empty": {}\n}\n';
  const jsonFile = fileOf(jsonText, true);
  let out = apply(jsonFile, insertEntry(jsonFile, get(jsonFile.value, 'schema'), 'maximum', 100));
  assert.equal(out, '{\n  "schema": {\n    "type": "integer",\n    "maximum": 100\n  },\n  "empty": {}\n}\n');
  out = apply(jsonFile, insertEntry(jsonFile, get(jsonFile.value, 'empty'), 'x', { a: [1] } as PlainValue));
  assert.deepEqual(JSON.parse(out).empty, { x: { a: [1] } });
});

test('insertAtPath creates missing parents and leaves an existing value alone', () => {
  const file = fileOf('openapi: 3.0.3\ninfo:\n  title: t\n');
  const out = apply(file, insertAtPath(file, ['components', 'securitySchemes', 'bearerAuth'], { type: 'http', scheme: 'bearer' })!);
  assert.deepEqual(get(parseYaml(out).value, 'components', 'securitySchemes', 'bearerAuth'), { type: 'http', scheme: 'bearer' });
  assert.equal(insertAtPath(file, ['info', 'title'], 'x'), undefined);
});

test('removeEntry drops the entry and its lines (block) or its comma (flow)', () => {
  const file = fileOf('properties:\n  name:\n    type: string\n  password:\n    type: string\n  age: { type: integer }\n');
  const out = apply(file, removeEntry(file, get(file.value, 'properties'), 'password'));
  assert.equal(out, 'properties:\n  name:\n    type: string\n  age: { type: integer }\n');
  const flow = fileOf('p: { a: 1, b: 2, c: 3 }\n');
  assert.equal(apply(flow, removeEntry(flow, get(flow.value, 'p'), 'b')), 'p: { a: 1, c: 3 }\n');
  assert.equal(apply(flow, removeEntry(flow, get(flow.value, 'p'), 'c')), 'p: { a: 1, b: 2 }\n');
});

/** Quick-fix edits keep the file's style and leave it valid: apply, re-parse, compare values and text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../server/src/engine/spec/parse-yaml';
import { SourceFile } from '../server/src/engine/spec/source';
import { applyEdits, insertAtPath, insertEntries, insertEntry, refTo, removeEntry, removeItem, replaceScalar, replaceValue, type PlainValue } from '../server/src/engine/edit/edits';
import { sourceFile } from './support/fix-helpers';

function apply(file: SourceFile, e: { range: any; newText: string }): string { return applyEdits(file.text, [e], file.lines); }
const get = (v: any, ...path: (string | number)[]) => path.reduce((o, k) => o[k], v);

test('block YAML: a nested entry goes after the last entry, at its indentation, in the file\'s unit', () => {
  const text = 'paths:\n    /a:\n        get:\n            responses:\n                "200":\n                    description: ok\n# tail comment\n';
  const file = sourceFile(text);
  const responses = get(file.value, 'paths', '/a', 'get', 'responses');
  const out = apply(file, insertEntry(file, responses, '429', { description: 'Too many requests', headers: { 'Retry-After': { schema: { type: 'integer' } } } }));
  assert.equal(out, text.replace('description: ok\n', 'description: ok\n                "429":\n                    description: Too many requests\n                    headers:\n                        Retry-After:\n                            schema:\n                                type: integer\n'));
  const v = parseYaml(out).value as any;
  assert.equal(get(v, 'paths', '/a', 'get', 'responses', '429', 'headers', 'Retry-After', 'schema', 'type'), 'integer');
  assert.equal(get(v, 'paths', '/a', 'get', 'responses', '200', 'description'), 'ok');
});

test('block YAML: sequences follow the file\'s habit, strings that need quotes get them, CRLF stays CRLF', () => {
  const text = "op:\r\n  tags:\r\n  - a\r\n  summary: 'x'\r\n";
  const file = sourceFile(text);
  const out = apply(file, insertEntry(file, get(file.value, 'op'), 'security', [{ bearer: [] }, { key: ['read:all'] }]));
  assert.ok(!/[^\r]\n/.test(out), 'only CRLF line ends');
  assert.match(out, /\r\n  security:\r\n  - bearer: \[\]\r\n  - key:\r\n    - 'read:all'/);
  assert.deepEqual(get(parseYaml(out).value, 'op', 'security'), [{ bearer: [] }, { key: ['read:all'] }]);
});

test('flow YAML and JSON mappings get an entry before the closing brace', () => {
  const yamlFile = sourceFile('schema: { type: integer }\n');
  const y = apply(yamlFile, insertEntry(yamlFile, get(yamlFile.value, 'schema'), 'maximum', 100));
  assert.equal(y, 'schema: { type: integer, maximum: 100 }\n');
  const jsonText = '{\n  "schema": {\n    "type": "integer"\n  },\n  "empty": {}\n}\n';
  const jsonFile = sourceFile(jsonText, true);
  let out = apply(jsonFile, insertEntry(jsonFile, get(jsonFile.value, 'schema'), 'maximum', 100));
  assert.equal(out, '{\n  "schema": {\n    "type": "integer",\n    "maximum": 100\n  },\n  "empty": {}\n}\n');
  out = apply(jsonFile, insertEntry(jsonFile, get(jsonFile.value, 'empty'), 'x', { a: [1] } as PlainValue));
  assert.deepEqual(JSON.parse(out).empty, { x: { a: [1] } });
});

test('insertAtPath creates missing parents and leaves an existing value alone', () => {
  const file = sourceFile('openapi: 3.0.3\ninfo:\n  title: t\n');
  const out = apply(file, insertAtPath(file, ['components', 'securitySchemes', 'bearerAuth'], { type: 'http', scheme: 'bearer' })!);
  assert.deepEqual(get(parseYaml(out).value, 'components', 'securitySchemes', 'bearerAuth'), { type: 'http', scheme: 'bearer' });
  assert.equal(insertAtPath(file, ['info', 'title'], 'x'), undefined);
});

test('removeEntry drops the entry and its lines (block) or its comma (flow)', () => {
  const file = sourceFile('properties:\n  name:\n    type: string\n  password:\n    type: string\n  age: { type: integer }\n');
  const out = apply(file, removeEntry(file, get(file.value, 'properties'), 'password'));
  assert.equal(out, 'properties:\n  name:\n    type: string\n  age: { type: integer }\n');
  const flow = sourceFile('p: { a: 1, b: 2, c: 3 }\n');
  assert.equal(apply(flow, removeEntry(flow, get(flow.value, 'p'), 'b')), 'p: { a: 1, c: 3 }\n');
  assert.equal(apply(flow, removeEntry(flow, get(flow.value, 'p'), 'c')), 'p: { a: 1, b: 2 }\n');
});

test('insertEntries writes several entries as one edit, before a given entry (and the comments above it) when asked', () => {
  const text = 'responses:\n  "200":\n    description: ok\n  # anything else\n  default:\n    description: Error\n';
  const file = sourceFile(text);
  const responses = get(file.value, 'responses');
  const out = apply(file, insertEntries(file, responses, { '401': { description: 'Unauthorized' }, '403': { description: 'Forbidden' } }, 'default'));
  assert.equal(out, 'responses:\n  "200":\n    description: ok\n  "401":\n    description: Unauthorized\n  "403":\n    description: Forbidden\n  # anything else\n  default:\n    description: Error\n');
  // a trailing comment stays on its line when entries go last
  const commented = sourceFile('op:\n  summary: x # why\nnext: 1\n');
  assert.equal(apply(commented, insertEntries(commented, get(commented.value, 'op'), { security: [] })), 'op:\n  summary: x # why\n  security: []\nnext: 1\n');
});

test('insertEntries before an entry: lines of a block scalar above it that start with # are text, not comments', () => {
  const text = 'op:\n  description: |\n    Intro.\n    # Heading\n  # about responses\n  responses:\n    "200":\n      description: ok\n';
  const file = sourceFile(text);
  const out = apply(file, insertEntries(file, get(file.value, 'op'), { security: [] }, 'responses'));
  assert.equal(out, text.replace('  # about responses', '  security: []\n  # about responses'));
  assert.equal(get(parseYaml(out).value, 'op', 'description'), 'Intro.\n# Heading\n');
});

test('insertEntries before an entry in JSON (one entry per line or inline) and flow YAML, following the sibling quotes', () => {
  const json = sourceFile('{\n  "r": {\n    "200": { "description": "ok" },\n    "500": { "description": "error" }\n  },\n  "i": { "a": 1, "c": 3 }\n}\n', true);
  let out = apply(json, insertEntries(json, get(json.value, 'r'), { '401': { description: 'no' } }, '500'));
  assert.equal(out, '{\n  "r": {\n    "200": { "description": "ok" },\n    "401": {\n      "description": "no"\n    },\n    "500": { "description": "error" }\n  },\n  "i": { "a": 1, "c": 3 }\n}\n');
  out = apply(json, insertEntries(json, get(json.value, 'i'), { b: 2 }, 'c'));
  assert.deepEqual(Object.keys(JSON.parse(out).i), ['a', 'b', 'c']);
  const flow = sourceFile("r: { '200': { description: ok }, default: { description: e } }\n");
  assert.equal(apply(flow, insertEntries(flow, get(flow.value, 'r'), { '401': { description: 'denied' } }, 'default')),
    "r: { '200': { description: ok }, '401': { description: denied }, default: { description: e } }\n");
});

test('JSON inserts keep CRLF line ends', () => {
  const file = sourceFile('{\r\n  "a": {\r\n    "b": 1\r\n  }\r\n}\r\n', true);
  const out = apply(file, insertEntry(file, get(file.value, 'a'), 'c', { d: [1] }));
  assert.ok(!/[^\r]\n/.test(out), 'only CRLF line ends');
  assert.deepEqual(JSON.parse(out).a, { b: 1, c: { d: [1] } });
});

test('replaceValue writes a block collection under a block key (its comment stays on the key line), flow and JSON text elsewhere', () => {
  const block = sourceFile('get:\n  security: [] # anyone\n  responses: {}\n');
  assert.equal(apply(block, replaceValue(block, get(block.value, 'get'), 'security', [{ bearer: [] }])),
    'get:\n  security: # anyone\n    - bearer: []\n  responses: {}\n');
  const crlf = sourceFile('get:\r\n  security: []\r\n');
  assert.equal(apply(crlf, replaceValue(crlf, get(crlf.value, 'get'), 'security', [{ bearer: [] }])), 'get:\r\n  security:\r\n    - bearer: []\r\n');
  const flow = sourceFile('get: { security: [], responses: {} }\n');
  assert.equal(apply(flow, replaceValue(flow, get(flow.value, 'get'), 'security', [{ bearer: [] }])), 'get: { security: [{ bearer: [] }], responses: {} }\n');
  const json = sourceFile('{\n  "get": {\n    "security": []\n  }\n}\n', true);
  assert.equal(apply(json, replaceValue(json, get(json.value, 'get'), 'security', [{ bearer: [] }])),
    '{\n  "get": {\n    "security": [\n      {\n        "bearer": []\n      }\n    ]\n  }\n}\n');
});

test('removeItem drops a block item with its line, a flow item with one comma', () => {
  const block = sourceFile('security:\n  - {} # anonymous\n  - bearer: []\nnext: 1\n');
  assert.equal(apply(block, removeItem(block, get(block.value, 'security'), 0)), 'security:\n  - bearer: []\nnext: 1\n');
  const flow = sourceFile("schemes: ['http', 'https']\n");
  assert.equal(apply(flow, removeItem(flow, get(flow.value, 'schemes'), 0)), "schemes: ['https']\n");
  assert.equal(apply(flow, removeItem(flow, get(flow.value, 'schemes'), 1)), "schemes: ['http']\n");
});

test('replaceScalar keeps the quotes the scalar was written with', () => {
  const file = sourceFile('a: query\nb: "query"\nc: \'query\'\n');
  const span = (key: string) => file.spanOf(file.value as object, key, 'value');
  const out = applyEdits(file.text, ['a', 'b', 'c'].map((k) => replaceScalar(file, span(k), 'header')), file.lines);
  assert.equal(out, 'a: header\nb: "header"\nc: \'header\'\n');
  assert.equal(apply(file, replaceScalar(file, span('a'), 'a: b')), 'a: "a: b"\nb: "query"\nc: \'query\'\n');
});

test('refTo writes a local pointer in the same file, a relative path to another (pointer segments escaped)', () => {
  const root = new SourceFile('/p/openapi.yaml', 'openapi.yaml', '', {}, new WeakMap());
  const part = new SourceFile('/p/paths/users.yaml', 'paths/users.yaml', '', {}, new WeakMap());
  assert.equal(refTo(root, root, ['components', 'responses', 'Unauthorized']), '#/components/responses/Unauthorized');
  assert.equal(refTo(part, root, ['paths', '/users/{id}', 'get']), '../openapi.yaml#/paths/~1users~1{id}/get');
  assert.equal(refTo(root, part, ['get']), 'paths/users.yaml#/get');
});

test('applyEdits puts inserts at one place in the order of the list, as LSP clients do', () => {
  const file = sourceFile('a: 1\n');
  const at = { line: 0, character: 4 };
  assert.equal(applyEdits(file.text, [{ range: { start: at, end: at }, newText: '\nb: 2' }, { range: { start: at, end: at }, newText: '\nc: 3' }], file.lines), 'a: 1\nb: 2\nc: 3\n');
});

test('a last entry written without a value (null) keeps its colon: the new entry goes after it', () => {
  const block = sourceFile('a:\n  b: 1\n  c:\n');
  const out = apply(block, insertEntry(block, get(block.value, 'a'), 'd', 1));
  assert.deepEqual(parseYaml(out).value, { a: { b: 1, c: null, d: 1 } });
  const flow = sourceFile('a: {b: 1, c: }\n');
  const flowOut = apply(flow, insertEntry(flow, get(flow.value, 'a'), 'd', 1));
  assert.deepEqual(parseYaml(flowOut).value, { a: { b: 1, c: null, d: 1 } });
});

/**
 * The parsers' source ranges: every key and value span is exact (its text is the key or the value as written), in every
 * YAML and JSON form a spec may use, and the parsed values are those of js-yaml and JSON.parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import * as jsYaml from 'js-yaml';
import { parseJson, JsonSyntaxError } from '../server/src/engine/spec/parse-json';
import { parseYaml, YamlSyntaxError } from '../server/src/engine/spec/parse-yaml';
import { LineIndex, MAX_DEPTH, SourceFile, type JsonPath, type LocationTable, type Span } from '../server/src/engine/spec/source';
import type { Position } from '../server/src/engine/types';
import { corpusSpec } from './support/corpus';

function yamlFile(text: string): SourceFile {
  const parsed = parseYaml(text);
  return new SourceFile('/spec/openapi.yaml', 'openapi.yaml', text, parsed.value, parsed.locations);
}

function jsonFile(text: string): SourceFile {
  const parsed = parseJson(text);
  return new SourceFile('/spec/openapi.json', 'openapi.json', text, parsed.value, parsed.locations);
}

function spanAt(file: SourceFile, path: JsonPath, part: 'key' | 'value'): Span {
  const at = file.containerAt(path);
  assert.ok(at, `nothing holds ${path.join('/')}`);
  assert.ok(file.locations.get(at.container), `no location for the container of ${path.join('/')}`);
  return file.spanOf(at.container, at.key, part);
}

function textOf(file: SourceFile, span: Span): string { return file.text.slice(span.start, span.end); }

/** Asserts the text of the key and of the value at each path (the key is not checked for sequence items). */
function assertEntries(file: SourceFile, expected: [JsonPath, string | null, string][]): void {
  for (const [path, key, value] of expected) {
    const name = path.join('/');
    if (key !== null) assert.equal(textOf(file, spanAt(file, path, 'key')), key, `key of ${name}`);
    assert.equal(textOf(file, spanAt(file, path, 'value')), value, `value of ${name}`);
  }
}

/** The value at `path` as an object (a container of the file). */
function objectAt(file: SourceFile, path: JsonPath): object {
  let value: unknown = file.value;
  for (const segment of path) value = (value as Record<string | number, unknown>)[segment];
  assert.ok(value !== null && typeof value === 'object', `${path.join('/')} is not a container`);
  return value;
}

function containerText(file: SourceFile, path: JsonPath): string {
  return textOf(file, file.spanOf(objectAt(file, path)));
}

const at = (line: number, character: number): Position => ({ line, character });

test('YAML: plain, single- and double-quoted keys and values', () => {
  const file = yamlFile([
    'plain: value',
    "'single key': 'it''s'",
    '"double key": "say \\"hi\\""',
    'number: 42',
    'empty: ""',
    'padded:    with space   ',
    'url: http://x.io:80/a#frag',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['plain'], 'plain', 'value'],
    [['single key'], "'single key'", "'it''s'"],
    [['double key'], '"double key"', '"say \\"hi\\""'],
    [['number'], 'number', '42'],
    [['empty'], 'empty', '""'],
    [['padded'], 'padded', 'with space'],
    [['url'], 'url', 'http://x.io:80/a#frag'],
  ]);
  assert.deepEqual(file.rangeAtPath(['number'], 'value'), { start: at(3, 8), end: at(3, 10) });
});

test('YAML: multi-line plain and quoted scalars span every line, and nothing after', () => {
  const file = yamlFile([
    'plain: first line',
    '  continues here',
    '',
    '  after an empty line',
    'double: "first',
    '  second"',
    "single: 'a",
    "  b'",
    'next: 1',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['plain'], 'plain', 'first line\n  continues here\n\n  after an empty line'],
    [['double'], 'double', '"first\n  second"'],
    [['single'], 'single', "'a\n  b'"],
    [['next'], 'next', '1'],
  ]);
  assert.equal((file.value as Record<string, string>).plain, 'first line continues here\nafter an empty line');
  assert.deepEqual(file.rangeAtPath(['plain'], 'value'), { start: at(0, 7), end: at(3, 21) });
});

test('YAML: literal and folded block scalars span from the indicator to their last character', () => {
  const file = yamlFile([
    'literal: |',
    '  line 1',
    '  line 2',
    'folded: >',
    '  folded 1',
    '  folded 2',
    'keep: |+',
    '  kept',
    '',
    '',
    'strip: >-',
    '  stripped',
    '',
    'indented: |2',
    '    more',
    '  base',
    'commented: | # why',
    '  text',
    '# a comment after, at the parent indentation',
    'after: x',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['literal'], 'literal', '|\n  line 1\n  line 2'],
    [['folded'], 'folded', '>\n  folded 1\n  folded 2'],
    [['keep'], 'keep', '|+\n  kept'],
    [['strip'], 'strip', '>-\n  stripped'],
    [['indented'], 'indented', '|2\n    more\n  base'],
    [['commented'], 'commented', '| # why\n  text'],
    [['after'], 'after', 'x'],
  ]);
  const value = file.value as Record<string, string>;
  assert.equal(value.keep, 'kept\n\n\n');
  assert.equal(value.strip, 'stripped');
  assert.equal(value.indented, '  more\nbase\n');
  assert.deepEqual(file.rangeAtPath(['literal'], 'value'), { start: at(0, 9), end: at(2, 8) });
});

test('YAML: flow mappings and sequences, nested, with keys without values and trailing commas', () => {
  const file = yamlFile([
    'flow: {a: 1, b: [x, y, {c: d}], e, \'f\': "g", h: }',
    'seq: [ 1 , [2, [3]] , {} , [] ]',
    'pairs: [k: v, plain]',
    'multi: {',
    '  a: 1,   # one',
    '  b: [',
    '    2,',
    '  ],',
    '}',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['flow', 'a'], 'a', '1'],
    [['flow', 'b'], 'b', '[x, y, {c: d}]'],
    [['flow', 'b', 1], null, 'y'],
    [['flow', 'b', 2], null, '{c: d}'],
    [['flow', 'b', 2, 'c'], 'c', 'd'],
    [['flow', 'e'], 'e', 'e'],
    [['flow', 'f'], "'f'", '"g"'],
    [['flow', 'h'], 'h', 'h'],
    [['seq', 0], null, '1'],
    [['seq', 1], null, '[2, [3]]'],
    [['seq', 1, 1, 0], null, '3'],
    [['seq', 2], null, '{}'],
    [['seq', 3], null, '[]'],
    [['pairs', 0], null, 'k: v'],
    [['pairs', 0, 'k'], 'k', 'v'],
    [['pairs', 1], null, 'plain'],
    [['multi', 'a'], 'a', '1'],
    [['multi', 'b'], 'b', '[\n    2,\n  ]'],
    [['multi', 'b', 0], null, '2'],
  ]);
  assert.equal(containerText(file, ['flow']), '{a: 1, b: [x, y, {c: d}], e, \'f\': "g", h: }');
  assert.equal(containerText(file, ['seq', 2]), '{}');
  assert.equal(containerText(file, ['multi']), '{\n  a: 1,   # one\n  b: [\n    2,\n  ],\n}');
  assert.deepEqual(file.locations.get(objectAt(file, ['seq', 2]))?.entries?.size, 0);
  assert.deepEqual(file.locations.get(objectAt(file, ['seq', 3]))?.items, []);
});

test('YAML: block sequences of mappings, indented or not, and empty items', () => {
  const file = yamlFile([
    'parameters:',
    '  - name: id',
    '    in: path',
    "  - $ref: '#/components/parameters/limit'",
    '  -   name: spaced',
    '      in: query',
    '  -',
    '  - - nested',
    '    - seq',
    'tags:',
    '- a',
    '-',
    '- b',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['parameters'], 'parameters', "- name: id\n    in: path\n  - $ref: '#/components/parameters/limit'\n  -   name: spaced\n      in: query\n  -\n  - - nested\n    - seq"],
    [['parameters', 0], null, 'name: id\n    in: path'],
    [['parameters', 0, 'name'], 'name', 'id'],
    [['parameters', 0, 'in'], 'in', 'path'],
    [['parameters', 1, '$ref'], '$ref', "'#/components/parameters/limit'"],
    [['parameters', 2, 'name'], 'name', 'spaced'],
    [['parameters', 3], null, '-'],
    [['parameters', 4], null, '- nested\n    - seq'],
    [['parameters', 4, 1], null, 'seq'],
    [['tags'], 'tags', '- a\n-\n- b'],
    [['tags', 1], null, '-'],
    [['tags', 2], null, 'b'],
  ]);
  assert.deepEqual(file.rangeAtPath(['parameters', 0, 'in'], 'key'), { start: at(2, 4), end: at(2, 6) });
});

test('YAML: a key without a value is shown at the key', () => {
  const file = yamlFile(['a:', 'b: 1', 'c: ~', 'd: null', 'e:', '  f:', 'g:', ''].join('\n'));
  assertEntries(file, [
    [['a'], 'a', 'a'],
    [['b'], 'b', '1'],
    [['c'], 'c', '~'],
    [['d'], 'd', 'null'],
    [['e'], 'e', 'f:'],
    [['e', 'f'], 'f', 'f'],
    [['g'], 'g', 'g'],
  ]);
  assert.deepEqual(file.value, { a: null, b: 1, c: null, d: null, e: { f: null }, g: null });
});

test('YAML: comments are never part of a key or value span', () => {
  const file = yamlFile([
    '# leading comment',
    'a: 1 # after a value',
    '# between entries',
    'b: "two"   # after a quoted value',
    'c: # after a key',
    '  # before a nested key',
    '  d: 3',
    '  # trailing, inside the mapping',
    'e: [1, 2] # after a flow sequence',
    'f:',
    '  - x # in a sequence',
    '  # after the last item',
    'g: value#not-a-comment',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['a'], 'a', '1'],
    [['b'], 'b', '"two"'],
    [['c'], 'c', 'd: 3'],
    [['c', 'd'], 'd', '3'],
    [['e'], 'e', '[1, 2]'],
    [['f'], 'f', '- x'],
    [['f', 0], null, 'x'],
    [['g'], 'g', 'value#not-a-comment'],
  ]);
  assert.equal(textOf(file, file.spanOf(file.value as object)).split('\n')[0], 'a: 1 # after a value', 'the root starts at its first key');
});

test('YAML: an alias is shown as written; the anchored value keeps its own span', () => {
  const file = yamlFile([
    'base: &base',
    '  x: 1',
    '  y: 2',
    'ref: *base',
    'list:',
    '  - &item {k: v}',
    '  - *item',
    'scalar: &s hello',
    'again: *s',
    'flow: [*s, *item]',
    '',
  ].join('\n'));
  assertEntries(file, [
    [['base'], 'base', 'x: 1\n  y: 2'],
    [['ref'], 'ref', '*base'],
    [['list', 0], null, '{k: v}'],
    [['list', 1], null, '*item'],
    [['scalar'], 'scalar', 'hello'],
    [['again'], 'again', '*s'],
    [['flow', 0], null, '*s'],
    [['flow', 1], null, '*item'],
  ]);
  const value = file.value as Record<string, unknown>;
  assert.equal(value.ref, value.base, 'aliases share the anchored value');
  assert.equal(containerText(file, ['ref']), 'x: 1\n  y: 2');
  assert.equal(textOf(file, spanAt(file, ['ref', 'y'], 'value')), '2');
  assert.deepEqual(file.rangeAtPath(['ref', 'y'], 'value'), { start: at(2, 5), end: at(2, 6) });
});

test('the parsers say whether a value may be reached by two paths (a YAML alias): walks of a tree remember nothing', () => {
  assert.equal(parseJson('{"a": {"b": [1, {"c": 2}]}}').locations.aliases, false);
  assert.equal(parseYaml('a:\n  b: [1, {c: 2}]\nd: &x not an alias\n').locations.aliases, false, 'an anchor alone shares nothing');
  assert.equal(parseYaml('a: &x {b: 1}\nc: *x\n').locations.aliases, true);
  assert.equal(parseYaml('a: &x {b: 1}\nc:\n  <<: *x\n').locations.aliases, true, 'a merge reads an alias');
});

test('a parse\'s table gives every span a file asks for as the container locations do, large, small and merged mappings alike', () => {
  const wide = Array.from({ length: 40 }, (_, i) => `  p${i}: {type: string, maxLength: ${i}}`).join('\n');
  const yaml = `openapi: 3.1.0\ninfo: {title: T, version: '1'}\ntags: [a, {name: b}, [c]]\nwide:\n${wide}\nbase: &b {x: 1, y: [1, 2]}\n`;
  const texts: [string, (text: string) => ReturnType<typeof parseYaml>][] = [
    [yaml, parseYaml],
    [`${yaml}merged:\n  <<: *b\n  z: 3\n`, parseYaml],
    [JSON.stringify({ a: { b: [1, { c: 2 }, []] }, wide: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, { i }])) }), parseJson],
  ];
  for (const [text, parse] of texts) {
    const parsed = parse(text);
    const table = parsed.locations as LocationTable;
    const file = new SourceFile('/s', 's', text, parsed.value, table);
    // the same locations seen through ContainerLocs only, as the tables of edits parsed in part are read
    const throughLocs = new SourceFile('/s', 's', text, parsed.value, { get: (c) => table.get(c), has: (c) => table.has(c) });
    let asked = 0;
    for (const container of table.located()) {
      const keys: (string | number | undefined)[] = [undefined, 'missing', -1, 1.5, '', 99, ...Object.keys(container), ...Object.keys(container).map(Number)];
      for (const key of keys) {
        for (const part of ['key', 'value'] as const) {
          assert.deepEqual(file.spanOf(container, key, part), throughLocs.spanOf(container, key, part), `${JSON.stringify(container).slice(0, 40)} ${String(key)} ${part}`);
          asked++;
        }
      }
    }
    assert.ok(asked > 200);
    assert.deepEqual(file.spanOf({}, 'a'), { start: 0, end: 0 }, 'an object the parse did not make');
  }
});

test('the parsers say whether a $ref may name another file: loading then walks the value for the refs to follow', () => {
  const internal = { a: { $ref: '#/b' }, b: { items: [{ $ref: '#/a' }] }, c: { $ref: 3 } };
  assert.equal(parseJson(JSON.stringify(internal)).locations.externalRefs, false);
  assert.equal(parseYaml("a: {$ref: '#/b'}\nb:\n  items:\n    - $ref: \"#/a\"\nc:\n  $ref: 3\n").locations.externalRefs, false);
  for (const ref of ['other.yaml#/b', 'https://example.com/s.json', '', 'b']) {
    assert.equal(parseJson(JSON.stringify({ ...internal, d: { $ref: ref } })).locations.externalRefs, true, `JSON: ${ref}`);
    assert.equal(parseYaml(`a: {$ref: '#/b'}\nd:\n  $ref: '${ref}'\n`).locations.externalRefs, true, `YAML: ${ref}`);
  }
  // where literal data holds one, the walk looks and finds it is no ref
  assert.equal(parseYaml("example:\n  $ref: other.yaml\n").locations.externalRefs, true);
  // the js-yaml path looks at no key: unknown
  assert.notEqual(parseYaml("a: &x {$ref: '#/b'}\nc: *x\n").locations.externalRefs, false);
});

test('status codes and other index keys are kept in a small dictionary, not an array as long as the largest code', () => {
  // V8's own answer, through a native function that tests may call once the flag allows it
  setFlagsFromString('--allow-natives-syntax');
  const hasDictionaryElements = new Function('value', 'return %HasDictionaryElements(value)') as (value: unknown) => boolean;
  const yaml = parseYaml('responses:\n  "404": {description: gone}\n  200:\n    description: ok\n  default: {}\n').value as Record<string, Record<string, unknown>>;
  const json = parseJson('{"responses": {"404": {"description": "gone"}, "200": {"description": "ok"}, "default": {}}}').value as Record<string, Record<string, unknown>>;
  for (const [parser, value] of [['YAML', yaml], ['JSON', json]] as const) {
    assert.ok(hasDictionaryElements(value.responses), parser);
    assert.deepEqual(Object.keys(value.responses), ['200', '404', 'default'], `${parser}: the keys in JavaScript's order`);
    assert.deepEqual(value.responses['404'], { description: 'gone' }, parser);
    assert.ok(!hasDictionaryElements(value.responses['404']), `${parser}: a mapping without such keys is left as it is`);
  }
});

test('YAML: merged entries (<<) resolve to their place in the merged mapping; written ones win', () => {
  const file = yamlFile([
    'defaults: &defaults',
    '  type: string',
    '  maxLength: 10',
    'derived: &derived',
    '  maxLength: 20',
    '  <<: *defaults',
    'email: &email {format: email}',
    'multi:',
    '  <<: [*email, *defaults]',
    '  nullable: true',
    'chained:',
    '  <<: *derived',
    '"<<": literal',
    '',
  ].join('\n'));
  const value = file.value as Record<string, Record<string, unknown>>;
  assert.deepEqual(value.derived, { maxLength: 20, type: 'string' });
  assertEntries(file, [
    [['derived', 'maxLength'], 'maxLength', '20'],
    [['derived', 'type'], 'type', 'string'],
    [['derived', '<<'], '<<', '*defaults'],
    [['multi', 'format'], 'format', 'email'],
    [['multi', 'type'], 'type', 'string'],
    [['multi', 'nullable'], 'nullable', 'true'],
    [['chained', 'maxLength'], 'maxLength', '20'],
    [['chained', 'type'], 'type', 'string'],
    [['<<'], '"<<"', 'literal'],
  ]);
  assert.deepEqual(file.rangeAtPath(['derived', 'type'], 'key'), { start: at(1, 2), end: at(1, 6) });
  assert.deepEqual(file.rangeAtPath(['chained', 'maxLength'], 'value'), { start: at(4, 13), end: at(4, 15) });
  const derived = file.locations.get(value.derived)!;
  assert.deepEqual([...derived.entries!.keys()], ['maxLength', '<<'], 'entries are the keys written in the mapping, in order');
  assert.equal(derived.merged?.length, 1);
});

test('YAML: tags are not part of the value; a tag without a value is shown', () => {
  const file = yamlFile(['s: !!str 123', 'i: !!int "7"', 'seq: !!seq [a]', 'empty: !!str', 'map: !!map', '  k: v', ''].join('\n'));
  assertEntries(file, [
    [['s'], 's', '123'],
    [['i'], 'i', '"7"'],
    [['seq'], 'seq', '[a]'],
    [['seq', 0], null, 'a'],
    [['empty'], 'empty', '!!str'],
    [['map'], 'map', 'k: v'],
    [['map', 'k'], 'k', 'v'],
  ]);
  assert.deepEqual(file.value, { s: '123', i: 7, seq: ['a'], empty: '', map: { k: 'v' } });
});

test('YAML: documents that start with ---, a %YAML directive, or a comment', () => {
  for (const [text, line] of [
    ['%YAML 1.2\n---\nopenapi: 3.1.0\n...\n', 2],
    ['--- # the spec\nopenapi: 3.1.0\n', 1],
    ['# comment\n\n---\nopenapi: 3.1.0\n', 3],
    ['---\n\n  openapi: 3.1.0\n', 2],
  ] as const) {
    const file = yamlFile(text);
    const character = text.split('\n')[line].indexOf('openapi');
    assert.deepEqual(file.rangeAtPath(['openapi'], 'key'), { start: at(line, character), end: at(line, character + 7) }, text);
    assert.equal(textOf(file, spanAt(file, ['openapi'], 'value')), '3.1.0', text);
    assert.deepEqual(file.rangeAtPath([]).start, at(line, character), 'the root starts at its first key');
  }
  const flow = yamlFile('--- {openapi: 3.1.0}\n');
  assert.equal(containerText(flow, []), '{openapi: 3.1.0}');
  assert.equal(textOf(flow, spanAt(flow, ['openapi'], 'value')), '3.1.0');
});

test('YAML and JSON: a BOM is skipped; offsets stay those of the text, and positions do not count it', () => {
  const yaml = yamlFile('\ufeffopenapi: 3.0.0\ninfo:\n  title: T\n');
  assertEntries(yaml, [[['openapi'], 'openapi', '3.0.0'], [['info', 'title'], 'title', 'T']]);
  assert.deepEqual(yaml.rangeAtPath(['openapi'], 'key'), { start: at(0, 0), end: at(0, 7) });
  assert.deepEqual(yaml.rangeAtPath(['info', 'title'], 'value'), { start: at(2, 9), end: at(2, 10) });
  const json = jsonFile('\ufeff{"openapi": "3.0.0"}');
  assertEntries(json, [[['openapi'], '"openapi"', '"3.0.0"']]);
  assert.deepEqual(json.rangeAtPath(['openapi'], 'key'), { start: at(0, 1), end: at(0, 10) });
  assert.equal(new LineIndex('\ufeffab').offset(at(0, 1)), 2, 'offset() is the inverse');
});

test('YAML: CRLF line endings: no span ends in a \\r, and positions are per line', () => {
  const text = 'a: 1\r\nb:\r\n  c: "x"\r\n  d: |\r\n    l1\r\n    l2\r\nlist:\r\n  - x\r\n  - y # c\r\nplain: one\r\n  two\r\n';
  const file = yamlFile(text);
  assertEntries(file, [
    [['a'], 'a', '1'],
    [['b'], 'b', 'c: "x"\r\n  d: |\r\n    l1\r\n    l2'],
    [['b', 'd'], 'd', '|\r\n    l1\r\n    l2'],
    [['list'], 'list', '- x\r\n  - y'],
    [['list', 1], null, 'y'],
    [['plain'], 'plain', 'one\r\n  two'],
  ]);
  assert.equal((file.value as { b: { d: string } }).b.d, 'l1\nl2\n');
  assert.deepEqual(file.rangeAtPath(['b', 'd'], 'value'), { start: at(3, 5), end: at(5, 6) });
  assert.deepEqual(file.rangeAtPath(['list', 1], 'value'), { start: at(8, 4), end: at(8, 5) });
  const lines = new LineIndex(text);
  assert.deepEqual(lines.position(text.indexOf('\r')), at(0, 4));
  assert.deepEqual(lines.position(text.indexOf('\n')), at(0, 4), 'never between \\r and \\n');
  assert.equal(lines.offset(at(0, 99)), 4, 'a character past the end of a line means its end');
});

test('YAML: old Mac line endings (\\r alone) are line breaks for positions too', () => {
  const file = yamlFile('a: 1\rb:\r  c: x\r');
  assertEntries(file, [[['b', 'c'], 'c', 'x']]);
  assert.deepEqual(file.rangeAtPath(['b', 'c'], 'value'), { start: at(2, 5), end: at(2, 6) });
});

test('YAML: tabs inside and around values', () => {
  const file = yamlFile('a: x\ty\nb:\tz\t# comment\nc: "t\tq"\t\nd: [\t1,\t2\t]\n');
  assertEntries(file, [[['a'], 'a', 'x\ty'], [['b'], 'b', 'z'], [['c'], 'c', '"t\tq"'], [['d', 1], null, '2'], [['d'], 'd', '[\t1,\t2\t]']]);
});

test('YAML and JSON: non-ASCII and astral characters count as UTF-16 code units, as LSP does', () => {
  const yaml = yamlFile('ключ: значение\n😀: "🎉 party"\nname: naïve 𝔘nicode 😀\n');
  assertEntries(yaml, [[['ключ'], 'ключ', 'значение'], [['😀'], '😀', '"🎉 party"'], [['name'], 'name', 'naïve 𝔘nicode 😀']]);
  assert.deepEqual(yaml.rangeAtPath(['😀'], 'key'), { start: at(1, 0), end: at(1, 2) });
  assert.deepEqual(yaml.rangeAtPath(['😀'], 'value'), { start: at(1, 4), end: at(1, 14) });
  assert.deepEqual(yaml.rangeAtPath(['name'], 'value'), { start: at(2, 6), end: at(2, 23) });
  const json = jsonFile('{"😀": {"ключ": "𝔘"}}');
  assertEntries(json, [[['😀', 'ключ'], '"ключ"', '"𝔘"']]);
  assert.deepEqual(json.rangeAtPath(['😀', 'ключ'], 'value'), { start: at(0, 16), end: at(0, 20) });
});

test('YAML: very long lines', () => {
  const count = 20_000;
  const flow = `paths: {${Array.from({ length: count }, (_, i) => `p${i}: v${i}`).join(', ')}}\nlong: ${'x'.repeat(1_000_000)}\nnext: 1\n`;
  const file = yamlFile(flow);
  assertEntries(file, [[['paths', `p${count - 1}`], `p${count - 1}`, `v${count - 1}`], [['next'], 'next', '1']]);
  const last = flow.indexOf(`p${count - 1}:`);
  assert.deepEqual(file.rangeAtPath(['paths', `p${count - 1}`], 'key').start, at(0, last));
  assert.deepEqual(file.rangeAtPath(['long'], 'value'), { start: at(1, 6), end: at(1, 1_000_006) });
});

test('JSON: escapes, unicode, CRLF, nested and empty containers', () => {
  const text = '{\r\n  "a\\"b": "c\\\\d",\r\n  "\\u00e9": "\\ud83d\\ude00",\r\n  "nested": [[1, [2, []]], [[[3]]]],\r\n  "empty": {"o": {}, "a": []},\r\n  "n": -1.5e3\r\n}\r\n';
  const file = jsonFile(text);
  assert.deepEqual(file.value, JSON.parse(text));
  assertEntries(file, [
    [['a"b'], '"a\\"b"', '"c\\\\d"'],
    [['é'], '"\\u00e9"', '"\\ud83d\\ude00"'],
    [['nested', 0, 1, 0], null, '2'],
    [['nested', 1, 0, 0, 0], null, '3'],
    [['nested', 0, 1, 1], null, '[]'],
    [['empty', 'o'], '"o"', '{}'],
    [['empty', 'a'], '"a"', '[]'],
    [['n'], '"n"', '-1.5e3'],
  ]);
  assert.equal(containerText(file, ['empty', 'o']), '{}');
  assert.deepEqual(file.rangeAtPath(['nested'], 'value'), { start: at(3, 12), end: at(3, 35) });
  assert.deepEqual(file.rangeAtPath(['n'], 'value'), { start: at(5, 7), end: at(5, 13) });
  assert.equal(containerText(file, []), text.trimEnd());
  assert.equal(Object.getPrototypeOf(jsonFile('{"__proto__": {"x": 1}}').value), Object.prototype, '__proto__ is an ordinary key');
});

function assertSyntaxError(parse: () => unknown, type: typeof JsonSyntaxError | typeof YamlSyntaxError, text: string, offset: number, message?: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof type, `${JSON.stringify(text)}: ${String(error)}`);
    assert.equal(error.offset, offset, `${JSON.stringify(text)}: ${error.message} at ${error.offset}, not ${offset}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

test('JSON: errors are reported where they are', () => {
  const cases: [string, number, RegExp][] = [
    ['{"a": 1, "a": 2}', 9, /Duplicate key 'a'/],
    ['{"a": 1,}', 8, /expected a property name/],
    ['[1, 2,]', 6, /expected a value/],
    ['{\n  "a": 1,\n}', 12, /expected a property name/],
    ['{"a" 1}', 5, /expected ':'/],
    ['{"a": "x\n"}', 8, /Control character/],
    ['{"a": "unterminated}', 6, /Unterminated string/],
    ['{"a": "\\x"}', 6, /Invalid escape/],
    ['[1 2]', 3, /expected ',' or '\]'/],
    ['{"a": tru}', 6, /expected a value/],
    ['{"a": 1} x', 9, /after the JSON value/],
    ['01', 1, /after the JSON value/],
    ['', 0, /end of file/],
    ["{'a': 1}", 1, /expected a property name/],
  ];
  for (const [text, offset, message] of cases) assertSyntaxError(() => parseJson(text), JsonSyntaxError, text, offset, message);
});

test('YAML: errors are reported where they are; an unterminated string or bracket where it starts', () => {
  const cases: [string, number][] = [
    ['a:\n  b: 1\n c: 2\n', 11],
    ['a: 1\na: 2\n', 5],
    ['a:\n\tb: 1\n', 3],
    ['a: b: c\n', 4],
    ['- a\nb: 1\n', 4],
    ['a: [1, 2\n', 3],
    ['a:\n  b: {x: 1\n', 8],
    ['a: "x\nb: 1\n', 3],
    ["a: 'x\n", 3],
    ['a: 1\r\nb: [\r\n', 9],
    ['\ufeffa:\n  b: 1\n c: 2\n', 12],
    ['a: 1\n---\nb: 2\n', 9],
  ];
  for (const [text, offset] of cases) assertSyntaxError(() => parseYaml(text), YamlSyntaxError, text, offset);
});

test('a YAML alias bomb parses at once, without expanding its aliases', () => {
  const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 12; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
  const text = `${lines.join('\n')}\n`;
  const started = performance.now();
  const file = yamlFile(text);
  assert.ok(performance.now() - started < 1000, 'parsed in under a second');
  const value = file.value as Record<string, unknown[]>;
  assert.equal(value.l11[0], value.l10, 'shared, not copied');
  assertEntries(file, [[['l11', 9], null, '*l10'], [['l11', 0, 0], null, '*l9'], [['l0', 9], null, 'lol']]);
  assert.equal(containerText(file, ['l11', 0]), textOf(file, spanAt(file, ['l10'], 'value')));
});

test('deep nesting is a syntax error at the level too deep, never a stack overflow', () => {
  const depth = 10_000;
  const arrays = '['.repeat(depth) + ']'.repeat(depth);
  assertSyntaxError(() => parseJson(arrays), JsonSyntaxError, 'JSON arrays', MAX_DEPTH, /Nesting deeper/);
  const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  assertSyntaxError(() => parseJson(objects), JsonSyntaxError, 'JSON objects', 5 * MAX_DEPTH, /Nesting deeper/);
  for (const text of [arrays, `a: ${'{b: '.repeat(depth)}1${'}'.repeat(depth)}\n`]) {
    assert.throws(() => parseYaml(text), (error: unknown) => {
      assert.ok(error instanceof YamlSyntaxError, String(error));
      assert.match(error.message, /nesting deeper/);
      assert.ok(error.offset > MAX_DEPTH / 2 && error.offset < 5 * MAX_DEPTH, `offset ${error.offset}: in the nesting`);
      return true;
    });
  }
  const block = Array.from({ length: 2 * MAX_DEPTH }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  assert.throws(() => parseYaml(block), YamlSyntaxError);
  const shallow = '['.repeat(MAX_DEPTH / 2) + ']'.repeat(MAX_DEPTH / 2);
  assert.deepEqual(jsonFile(shallow).value, JSON.parse(shallow));
  assert.deepEqual(yamlFile(shallow).value, JSON.parse(shallow));
});

test('a 50 MB JSON file parses in a few seconds', (t) => {
  const entries: string[] = [];
  for (let size = 0, i = 0; size < 50 * 1024 * 1024; i++) {
    const entry = `"/items/${i}/{id}": {"get": {"operationId": "get${i}", "summary": "Item ${i} \\"quoted\\" é", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}], "responses": {"200": {"description": "ok"}}}}`;
    entries.push(entry);
    size += entry.length + 4;
  }
  const text = `{\n  "openapi": "3.0.3",\n  "paths": {\n    ${entries.join(',\n    ')}\n  }\n}\n`;
  // processor time, so that a busy machine does not fail the test
  const started = process.cpuUsage();
  const file = jsonFile(text);
  const used = process.cpuUsage(started);
  const seconds = (used.user + used.system) / 1e6;
  t.diagnostic(`${(text.length / 1024 / 1024).toFixed(1)} MB parsed in ${seconds.toFixed(2)} s of processor time`);
  assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
  const last = entries.length - 1;
  assertEntries(file, [[['paths', `/items/${last}/{id}`, 'get', 'parameters', 0, 'schema', 'minimum'], '"minimum"', '1']]);
  assert.deepEqual(file.rangeAtPath(['paths', `/items/${last}/{id}`], 'key').start, at(3 + last, 4));
});

// The large real specs: the parsed value is js-yaml's or JSON.parse's, and a sample of spans reads back to it.
const CORPUS_SPECS = ['stripe-spec3.2023-09-12.yaml', 'cloudflare-openapi.2023-08-02.yaml', 'github-api.github.com.2022-07-18.json'];

/** Every (container, key) of a value, each shared container once, in document order. */
function allEntries(root: unknown): { container: object; key: string | number; value: unknown }[] {
  const out: { container: object; key: string | number; value: unknown }[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value) || value instanceof Date) continue;
    seen.add(value);
    const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of children) out.push({ container: value, key, value: child });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i][1]);
  }
  return out;
}

function unquoteYamlKey(text: string): string {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text.startsWith('"')) return JSON.parse(text) as string;
  return text;
}

for (const name of CORPUS_SPECS) {
  const { path, skip } = corpusSpec(name);
  test(`corpus ${name}: values equal the reference parser's, and sampled spans read back`, { skip }, () => {
    const text = readFileSync(path, 'utf8');
    const json = name.endsWith('.json');
    const file = json ? jsonFile(text) : yamlFile(text);
    assert.deepStrictEqual(file.value, json ? JSON.parse(text) : jsYaml.load(text));
    const entries = allEntries(file.value);
    const stride = Math.max(1, Math.floor(entries.length / 4000));
    let checked = 0;
    for (let i = 0; i < entries.length; i += stride) {
      const { container, key, value } = entries[i];
      const where = `${name}: ${String(key)} (entry ${i})`;
      if (typeof key === 'string') {
        const keyText = textOf(file, file.spanOf(container, key, 'key'));
        assert.equal(json ? JSON.parse(keyText) : unquoteYamlKey(keyText), key, where);
      }
      const valueText = textOf(file, file.spanOf(container, key, 'value'));
      if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
        if (!valueText.startsWith('*')) assert.equal(valueText, textOf(file, file.spanOf(value)), `${where}: the container's own span`);
      } else if (value === null && !json && valueText === key) {
        // a key without a value is shown at the key
      } else {
        assert.deepStrictEqual(json ? JSON.parse(valueText) : jsYaml.load(valueText), value, where);
      }
      checked++;
    }
    assert.ok(checked >= 3000, `${checked} entries checked`);
  });
}

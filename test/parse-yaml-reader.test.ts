/**
 * The one-pass YAML reader: on every text it either gives up (parseYaml then uses js-yaml) or gives exactly what the
 * js-yaml path gives, the same value (key order and scalar types included) and the same span for every key, value,
 * item and container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as jsYaml from 'js-yaml';
import { parseYaml, parseYamlWithJsYaml, YamlSyntaxError } from '../server/src/engine/spec/parse-yaml';
import { readYaml } from '../server/src/engine/spec/yaml-reader';
import { LineIndex, MAX_DEPTH, type LocationMap, type ParsedText } from '../server/src/engine/spec/source';
import { FileSet } from '../server/src/engine/spec/load';
import { nearestPlace } from '../server/src/engine/spec/pointer';
import { CORPUS, corpusSpec } from './support/corpus';

const REPO = join(__dirname, '..');

/** Every container's span, entries (key and value spans, in source order) and item spans, by path. */
function locationsOf(value: unknown, locations: LocationMap): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object' || node instanceof Date) return;
    const loc = locations.get(node);
    if (!loc) out.push([path, 'no location']);
    else {
      out.push([path, loc.span.start, loc.span.end]);
      if (loc.items) out.push([path, 'items', loc.items.map((span) => [span.start, span.end])]);
      if (loc.entries) out.push([path, 'entries', [...loc.entries].map(([key, e]) => [key, e.key.start, e.key.end, e.value.start, e.value.end])]);
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
  };
  walk(value, '');
  return out;
}

/** What the reader gives for `text`, failing on an exception it did not mean (a bug it would hide by giving up). */
function read(text: string): ParsedText | undefined {
  return readYaml(text, (error) => assert.fail(`the reader threw ${String(error)} on ${JSON.stringify(text.slice(0, 200))}`));
}

function jsYamlPath(text: string): ParsedText | YamlSyntaxError {
  try { return parseYamlWithJsYaml(text); } catch (error) { return error as YamlSyntaxError; }
}

/** Asserts parity or a give-up on `text`; returns whether the reader read it. */
function assertParity(text: string, name: string): boolean {
  const mine = read(text);
  if (mine === undefined) return false;
  const theirs = jsYamlPath(text);
  if (theirs instanceof Error) assert.fail(`${name}: the reader read a text js-yaml rejects (${theirs.message}): ${JSON.stringify(text.slice(0, 300))}`);
  assert.deepStrictEqual(mine.value, theirs.value, `${name}: value`);
  assert.deepStrictEqual(Object.keys(mine.value ?? {}), Object.keys(theirs.value ?? {}), `${name}: key order`);
  assert.deepStrictEqual(locationsOf(mine.value, mine.locations), locationsOf(theirs.value, theirs.locations), `${name}: locations`);
  assert.equal(mine.locations.aliases ?? false, theirs.locations.aliases ?? false, `${name}: aliases`);
  assert.ok(mine.lines, `${name}: the reader gives the line table`);
  assert.deepStrictEqual(lineStarts(mine.lines), lineStarts(new LineIndex(text)), `${name}: line table`);
  return true;
}

/** Where each line of a line table starts. */
function lineStarts(lines: LineIndex): number[] {
  return Array.from({ length: lines.lineCount() }, (_, line) => lines.offset({ line, character: 0 }));
}

/** parseYaml gives what the js-yaml path gives, its error included, whether or not the reader read the text. */
function assertSameAsJsYaml(text: string): void {
  const ours = jsYamlPathOf(() => parseYaml(text));
  const theirs = jsYamlPath(text);
  if (theirs instanceof Error) {
    assert.ok(ours instanceof YamlSyntaxError, `parseYaml should fail like js-yaml: ${theirs.message}`);
    assert.equal(ours.message, theirs.message);
    assert.equal(ours.offset, theirs.offset);
    return;
  }
  assert.ok(!(ours instanceof Error), `parseYaml failed: ${String(ours)}`);
  assert.deepStrictEqual(ours.value, theirs.value);
  assert.deepStrictEqual(locationsOf(ours.value, ours.locations), locationsOf(theirs.value, theirs.locations));
}

function jsYamlPathOf(parse: () => ParsedText): ParsedText | Error {
  try { return parse(); } catch (error) { return error as Error; }
}

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFilesUnder(path, out);
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(path);
  }
  return out;
}

/** Fixture folders under the sources, wherever they are. */
function sourceFixtureDirs(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === 'fixtures') out.push(path);
    else sourceFixtureDirs(path, out);
  }
  return out;
}

const FIXTURE_FILES = [
  ...yamlFilesUnder(join(REPO, 'test', 'fixtures')),
  ...yamlFilesUnder(join(REPO, 'examples')),
  ...sourceFixtureDirs(join(REPO, 'server', 'src')).flatMap((dir) => yamlFilesUnder(dir)),
];

test('parity: every YAML fixture and example reads as with js-yaml, or is left to it', () => {
  assert.ok(FIXTURE_FILES.length > 50, `only ${FIXTURE_FILES.length} YAML fixtures found`);
  let readCount = 0;
  for (const file of FIXTURE_FILES) {
    if (assertParity(readFileSync(file, 'utf8'), relative(REPO, file))) readCount++;
  }
  // the fixtures are ordinary API descriptions: all but the deliberately broken ones are read
  assert.ok(readCount >= FIXTURE_FILES.length - 10, `read ${readCount} of ${FIXTURE_FILES.length}`);
});

// JSON is YAML too: a JSON spec is one large flow mapping
const corpusFiles = existsSync(CORPUS) ? readdirSync(CORPUS).filter((name) => /\.(ya?ml|json)$/.test(name)) : [];
test('parity: the specs of the corpus read as with js-yaml', { skip: corpusFiles.length === 0 && `no spec in the corpus beside the repository (${CORPUS})` }, () => {
  for (const name of corpusFiles) assertParity(readFileSync(join(CORPUS, name), 'utf8'), name);
});

for (const name of ['stripe-spec3.2023-09-12.yaml', 'cloudflare-openapi.2023-08-02.yaml']) {
  const { path, skip } = corpusSpec(name);
  test(`the reader reads ${name} itself, without js-yaml`, { skip }, () => {
    assert.ok(read(readFileSync(path, 'utf8')) !== undefined);
  });
}

/** A small seeded generator (mulberry32): the same texts on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAIN = ['abc', 'a b', 'x:y', 'foo#bar', '1', '-2', '+3', '012', '0x1F', '0o17', '0b101', '1.5', '-1e3', '.5', '.inf', '-.Inf',
  '.NaN', 'true', 'False', 'TRUE', 'null', 'Null', '~', 'yes', '2020-01-02', '2001-12-14t21:59:43.10-05:00', '<<', '-x', '?x',
  'é', 'a😀', '/users/{id}', 'application/json', 'a, b', 'a [b]', '1_000', '0x', '__proto__', '@a', '`a', '%a', 'a\tb', ''];
const QUOTED = ["'it''s'", "''", '""', '"a\\nb"', '"\\u00e9\\x41\\t"', '"\\U0001F600"', '"\\q"', '"a\\\n  b"', "'a\n  b'", '"a\n\n  b"',
  '"tab\\\tx"', "'unterminated", '"#x"', "'a' b"];
const BLOCK_HEADERS = ['|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '|+2', '| # note', '|0', '|--'];
const KEYS = ['a', 'b', 'name', "'q k'", '"d k"', '1', 'true', '~', '1.0', '/path', 'a b', 'a', '<<', '&x a', '!!str k', '? k', '[a]', '{a: 1}'];

function pick<T>(rand: () => number, list: readonly T[]): T { return list[Math.floor(rand() * list.length)]; }

function scalar(rand: () => number, indent: string): string {
  const r = rand();
  if (r < 0.5) return pick(rand, PLAIN);
  if (r < 0.75) return pick(rand, QUOTED);
  if (r < 0.8) return pick(rand, ['*x', '&x v', '!!str 1', '!t v', '']);
  const lines = ['line one', '', '  more indented', 'line two', ''].filter(() => rand() < 0.7);
  return `${pick(rand, BLOCK_HEADERS)}\n${lines.map((line) => (line ? `${indent}  ${line}` : '')).join('\n')}`;
}

function flow(rand: () => number, depth: number): string {
  const n = Math.floor(rand() * 4);
  const items: string[] = [];
  const mapping = rand() < 0.5;
  for (let i = 0; i < n; i++) {
    const value = depth < 2 && rand() < 0.2 ? flow(rand, depth + 1) : pick(rand, [...PLAIN.slice(0, 20), ...QUOTED.slice(0, 6)]);
    items.push(mapping ? `${pick(rand, KEYS)}:${rand() < 0.9 ? ' ' : ''}${value}` : value);
  }
  const sep = rand() < 0.8 ? ', ' : ',\n  ';
  return mapping ? `{${items.join(sep)}${rand() < 0.1 ? ',' : ''}}` : `[${items.join(sep)}]`;
}

function block(rand: () => number, depth: number, indent: string): string {
  const lines: string[] = [];
  const sequence = rand() < 0.35;
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const lead = sequence ? `${indent}- ` : `${indent}${pick(rand, KEYS)}:`;
    const r = rand();
    let entry: string;
    if (depth < 4 && r < 0.35) {
      const inner = sequence && rand() < 0.5 ? indent + '  ' : indent + (rand() < 0.9 ? '  ' : sequence ? '' : ' ');
      entry = `${lead.trimEnd()}\n${block(rand, depth + 1, inner)}`;
    } else if (r < 0.45) {
      entry = `${lead}${sequence ? '' : ' '}${flow(rand, 0)}`;
    } else if (r < 0.5) {
      entry = lead.trimEnd();
    } else {
      entry = `${lead}${sequence ? '' : ' '}${scalar(rand, indent)}`;
    }
    if (rand() < 0.15) entry += pick(rand, [' # comment', '\n# own line', '\n\n', `\n${indent}  continued plain`, '\t', ' \t# tab']);
    lines.push(entry);
  }
  return lines.join('\n');
}

/** Small edits that make texts odd: a truncation, a character dropped or inserted, a line re-indented or repeated. */
function mutate(rand: () => number, text: string): string {
  const at = Math.floor(rand() * (text.length + 1));
  switch (Math.floor(rand() * 6)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + text.slice(at + 1);
    case 2: return text.slice(0, at) + pick(rand, [' ', '\n', '\t', ':', '-', '#', '"', "'", '[', '{', ']', '}', ',', '|', '>', '&', '*', '!', '?', '\r', '\\']) + text.slice(at);
    case 3: { const lineStart = text.lastIndexOf('\n', at - 1) + 1; return text.slice(0, lineStart) + pick(rand, [' ', '  ', '\t']) + text.slice(lineStart); }
    case 4: { const lineStart = text.lastIndexOf('\n', at - 1) + 1; const lineEnd = text.indexOf('\n', at); const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd + 1); return text.slice(0, lineStart) + line + text.slice(lineStart); }
    default: return text.replace(/\n/g, '\r\n');
  }
}

test('random texts: the reader reads as js-yaml does, or gives up; it never throws', () => {
  const rand = random(20261205);
  let readCount = 0;
  const total = 3000;
  for (let i = 0; i < total; i++) {
    let text = block(rand, 0, rand() < 0.1 ? ' ' : '');
    if (rand() < 0.1) text = flow(rand, 0);
    if (rand() < 0.3) text = mutate(rand, text);
    if (rand() < 0.1) text = text.replace(/\n/g, '\r\n');
    if (rand() < 0.05) text = '\ufeff' + text;
    if (rand() < 0.5) text += '\n';
    if (assertParity(text, `random text ${i}`)) readCount++;
    assertSameAsJsYaml(text);
  }
  // the generator mostly writes YAML the reader is for: a reader that gave up on everything would fail here
  assert.ok(readCount > total / 5, `read only ${readCount} of ${total}`);
});

test('random edits of the fixtures: the reader reads as js-yaml does, or gives up', () => {
  const rand = random(7);
  const texts = FIXTURE_FILES.map((file) => readFileSync(file, 'utf8')).filter((text) => text.length < 6000);
  for (let i = 0; i < 1500; i++) {
    let text = pick(rand, texts);
    const edits = 1 + Math.floor(rand() * 3);
    for (let n = 0; n < edits; n++) text = mutate(rand, text);
    assertParity(text, `edited fixture ${i}`);
  }
});

/** The reader gives up on `text`, and parseYaml gives js-yaml's value, or js-yaml's error with its offset. */
function assertLeftToJsYaml(text: string): void {
  assert.equal(read(text), undefined, `the reader should leave ${JSON.stringify(text)} to js-yaml`);
  assertSameAsJsYaml(text);
}

test('what the reader leaves to js-yaml: anchors, aliases, tags, merge and complex keys, directives, markers, tabs', () => {
  for (const text of [
    'a: &x {b: 1}\nc: *x\n',
    'a: !!str 1\n',
    'a: !custom 1\n',
    'base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n',
    '<<: {x: 1}\n',
    '? complex\n: value\n',
    '[a, b]: c\n',
    '{a: 1}: c\n',
    '%YAML 1.2\n---\na: 1\n',
    '---\na: 1\n',
    'a: 1\n...\n',
    'a: 1\n---\nb: 2\n',
    'a:\n\tb: 1\n',
    'a:\tb\n',
    '__proto__: 1\n',
    'a: [b: c]\n',
    'a: {b}\n',
    'a: b\x07c\n',
    'a: b\ud800c\n',
    '# \udc00\na: 1\n',
    'a: "\ufffe"\n',
    '',
  ]) assertLeftToJsYaml(text);
});

test('errors come from js-yaml, with its message and offset: duplicate keys, bad indentation, unterminated strings', () => {
  for (const text of [
    'a: 1\na: 2\n',
    'paths:\n  /x: 1\n  /x: 2\n',
    'a: {b: 1, b: 2}\n',
    'a:\n  b: 1\n c: 2\n',
    'a: "unterminated\n',
    'a: [1, 2\n',
    'a: b: c\n',
    '- a\nb: 1\n',
    'a: 1\n- b\n',
    'a: |0\n  x\n',
  ]) {
    assert.equal(read(text), undefined);
    assert.throws(() => parseYaml(text), YamlSyntaxError);
    assertSameAsJsYaml(text);
  }
});

test('nesting deeper than the limit is left to js-yaml and its error', () => {
  const deep = Array.from({ length: MAX_DEPTH + 5 }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1\n';
  assertLeftToJsYaml(deep);
  assert.throws(() => parseYaml(deep), YamlSyntaxError);
  const deepFlow = '['.repeat(MAX_DEPTH + 5) + ']'.repeat(MAX_DEPTH + 5);
  assertLeftToJsYaml(deepFlow);
});

test('plain scalars are typed as js-yaml types them, in values and in keys', () => {
  const scalars = ['~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', '0', '-0', '+12', '012',
    '0x1F', '0X1F', '0o17', '0b101', '0b', '1_000', '1.5', '-1.5e3', '1e3', '.5', '5.', '.inf', '-.Inf', '+.INF', '.NaN', '.nan', 'nan',
    '2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10', '2001-1-1', 'v1', '1.2.3', '--x', '.', '+'];
  const text = scalars.map((scalar, i) => `k${i}: ${scalar}`).join('\n') + '\n';
  const mine = read(text);
  assert.ok(mine);
  const expected = jsYaml.load(text) as Record<string, unknown>;
  assert.deepStrictEqual(mine.value, expected);
  assert.equal((mine.value as Record<string, unknown>).k5, true);
  assert.ok((mine.value as Record<string, unknown>).k34 instanceof Date);
  assertParity(text, 'typed values');

  const keys = ['1', '2.0', '0x10', '~', 'true', '.inf', "'1.0'"];
  const keyText = keys.map((key, i) => `${key}: ${i}`).join('\n') + '\n';
  assert.deepStrictEqual(Object.keys(read(keyText)!.value as object).sort(), Object.keys(jsYaml.load(keyText) as object).sort());
  assertParity(keyText, 'typed keys');
});

test('line breaks: CRLF and CR texts read with the same spans as js-yaml gives', () => {
  const text = 'openapi: 3.0.0\r\ninfo:\r\n  title: "a\r\n    b"\r\n  description: |\r\n    one\r\n\r\n    two\r\n  list:\r\n    - x # c\r\n    -\r\n    - [a, b]\r\n';
  assert.ok(read(text));
  assertParity(text, 'CRLF');
  const value = read(text)!.value as { info: { title: string; description: string; list: unknown[] } };
  assert.equal(value.info.title, 'a b');
  assert.equal(value.info.description, 'one\n\ntwo\n');
  assert.deepStrictEqual(value.info.list, ['x', null, ['a', 'b']]);
  assertParity(text.replace(/\r\n/g, '\r'), 'CR');
});

test('a BOM is skipped, and offsets stay those of the text', () => {
  const text = '\ufeffa: 1\nb:\n  - c\n';
  const mine = read(text);
  assert.ok(mine);
  assertParity(text, 'BOM');
  const root = mine.value as { a: number; b: string[] };
  const entry = mine.locations.get(root)!.entries!.get('b')!;
  assert.equal(text.slice(entry.key.start, entry.key.end), 'b');
  assert.equal(text.slice(mine.locations.get(root.b)!.items![0].start, mine.locations.get(root.b)!.items![0].end), 'c');
});

test('block scalars: chomping, indentation indicators, folding and more-indented lines', () => {
  const bodies = ['  one\n  two\n\n\n', '  one\n\n    more\n  two\n', '\n\n  late\n', '  only\n', ''];
  for (const header of ['|', '|-', '|+', '>', '>-', '>+', '|2', '>2-', '|1+', '| # note', '>+ # note']) {
    for (const body of bodies) {
      for (const after of ['', 'next: 1\n', '# comment\n']) {
        const text = `a: ${header}\n${body}${after}`;
        const mine = read(text);
        if (header.includes('1') && body) continue; // an indentation of 1 makes the body more indented: may be left to js-yaml
        assert.ok(mine, `should read ${JSON.stringify(text)}`);
        assertParity(text, JSON.stringify(text));
      }
    }
  }
  assert.equal((read('a: |-\n  x\n\n')!.value as { a: string }).a, 'x');
  assert.equal((read('a: |+\n  x\n\n')!.value as { a: string }).a, 'x\n\n');
  assert.equal((read('a: >\n  x\n  y\n\n  z\n')!.value as { a: string }).a, 'x y\nz\n');
});

test('flow collections, quoted scalars with escapes and folding, multi-line plain scalars and comments', () => {
  for (const text of [
    'a: [1, "two", \'three\', {b: c, "d": [e]}]\n',
    'a: {x: 1,\n  y: [2,\n    3], }\n',
    '{"openapi": "3.0.0", "paths": {"/a": {}}}\n',
    '- [a, b]\n- {c: d}\n- e\n',
    'a: "esc \\" \\\\ \\n \\t \\u00e9 \\x41 \\U0001F600 \\N \\_ \\L \\P"\n',
    "a: 'it''s\n  folded\n\n  twice'\n",
    'a: "line\\\n  joined"\n',
    'a: plain text\n  continues here\n\n  and here\nb: 1\n',
    '# top\na: 1 # one\n# between\nb:   # empty\n  - x   # item\n',
    'a:\n- x\n- y\nb: 1\n',
    'a: {b: }\n',
    'a: 😀 and é\n',
  ]) {
    assert.ok(read(text), `should read ${JSON.stringify(text)}`);
    assertParity(text, JSON.stringify(text));
  }
});

test('without js-yaml\'s implicit resolvers, the reader gives up instead of throwing', () => {
  const schema = jsYaml.DEFAULT_SCHEMA as unknown as { compiledImplicit: unknown };
  const saved = schema.compiledImplicit;
  const modulePath = require.resolve('../server/src/engine/spec/yaml-reader');
  const cached = require.cache[modulePath];
  try {
    delete (schema as { compiledImplicit?: unknown }).compiledImplicit;
    delete require.cache[modulePath];
    const fresh = require(modulePath) as { readYaml: typeof readYaml };
    assert.equal(fresh.readYaml('a: 1\n'), undefined);
  } finally {
    schema.compiledImplicit = saved;
    if (cached) require.cache[modulePath] = cached;
  }
});

test('words are typed as js-yaml types them, and only those of 4 or 5 letters are given to its resolvers', () => {
  const types = (jsYaml.DEFAULT_SCHEMA as unknown as { compiledImplicit: { resolve(data: string): boolean }[] }).compiledImplicit;
  const tried = new Set<string>();
  const saved = types.map((type) => type.resolve);
  types.forEach((type, i) => { type.resolve = (data) => { tried.add(data); return saved[i].call(type, data); }; });
  const text = 'format: none\nnullable: true\nfields: [False, NULL, nulls, Falsely, t, TRUE]\n';
  try {
    assert.deepEqual(read(text)?.value, { format: 'none', nullable: true, fields: [false, null, 'nulls', 'Falsely', 't', true] });
  } finally {
    types.forEach((type, i) => { type.resolve = saved[i]; });
  }
  assert.deepEqual([...tried].sort(), ['False', 'NULL', 'TRUE', 'none', 'nulls', 'true']);
  assertParity(text, 'words');
});

/** The reader reads `text` and its line table starts lines at `starts`, as a scan of the text finds them. */
function assertLineStarts(text: string, starts: number[]): void {
  const mine = read(text);
  assert.ok(mine, `should read ${JSON.stringify(text)}`);
  assert.ok(mine.lines, 'the reader gives the line table');
  assert.deepStrictEqual(lineStarts(mine.lines), starts, JSON.stringify(text));
  assert.deepStrictEqual(lineStarts(new LineIndex(text)), starts, `scan of ${JSON.stringify(text)}`);
  for (let offset = 0; offset <= text.length; offset++) {
    assert.deepStrictEqual(mine.lines.position(offset), new LineIndex(text).position(offset), `offset ${offset} of ${JSON.stringify(text)}`);
  }
}

test('line table: a line starts after every line feed, CRLF and lone CR', () => {
  assertLineStarts('a: 1\nb: 2\n', [0, 5, 10]);
  assertLineStarts('a: 1\r\nb: 2\r\n', [0, 6, 12]);
  assertLineStarts('a: 1\rb: 2\r', [0, 5, 10]);
  assertLineStarts('a: 1\r\nb: 2\rc: 3\n', [0, 6, 11, 16]);
});

test('line table: a position never falls between the CR and LF of a line break', () => {
  const text = 'a: 1\r\nb: 2\r\n';
  const lines = read(text)!.lines!;
  assert.deepStrictEqual(lines.position(5), { line: 0, character: 4 });
  assert.deepStrictEqual(lines.range({ start: 0, end: 5 }).end, { line: 0, character: 4 });
  // a CRLF text's table is never extended piecewise: its edit is scanned whole
  const longer = 'a: 1\r\nbb: 2\r\n';
  assert.deepStrictEqual(lineStarts(lines.edited(longer, { start: 6, oldEnd: 6, newEnd: 7 })), [0, 6, 13]);
});

test('line table: the last line of a text without a final line break, blank lines and trailing blank lines', () => {
  assertLineStarts('a: 1', [0]);
  assertLineStarts('a: 1\nb: 2', [0, 5]);
  assertLineStarts('a: 1\n\n\nb: 2\n\n', [0, 5, 6, 7, 12, 13]);
  assertLineStarts('\n\na: 1\n', [0, 1, 2, 7]);
  assertLineStarts('a: 1\r\n\r\n', [0, 6, 8]);
  // blank texts hold no document, and still lines
  assertLineStarts('\n', [0, 1]);
  assertLineStarts('   \r\n', [0, 5]);
  assertLineStarts('   ', [0]);
});

test('line table: lines inside block scalars, kept, clipped and folded, and the line after them', () => {
  assertLineStarts('a: |\n  one\n\n  two\nb: 1\n', [0, 5, 11, 12, 18, 23]);
  assertLineStarts('a: >+\n  one\n\n\n', [0, 6, 12, 13, 14]);
  assertLineStarts('a: |-\r\n  one\r\n  two\r\nb: 1', [0, 7, 14, 21]);
  assertLineStarts('a: |\n  one\n    more\n  two', [0, 5, 11, 20]);
});

test('line table: quoted scalars over several lines, an escaped line break, and multi-line plain scalars', () => {
  assertLineStarts('a: "one\n  two\n\n  three"\nb: 1\n', [0, 8, 14, 15, 24, 29]);
  assertLineStarts("a: 'it''s\n  folded'\n", [0, 10, 20]);
  assertLineStarts('a: "line\\\n  joined"\n', [0, 10, 20]);
  // the plain scalar reads past the line break, finds `b:` less indented, and steps back before reading it again
  assertLineStarts('x:\n  a: plain text\n    continues\n\n  b: 1\nc: 2\n', [0, 3, 19, 33, 34, 41, 46]);
});

test('line table: comments, on their own lines and after values, and a comment on the last line without a line break', () => {
  assertLineStarts('# top\na: 1 # one\n# between\nb:\n  - x # item\n# end', [0, 6, 17, 27, 30, 43]);
  assertLineStarts('a: | # note\n  x\n', [0, 12, 16]);
});

test('line table: flow collections over several lines', () => {
  assertLineStarts('a: {x: 1,\n  y: [2,\n    3], }\n', [0, 10, 19, 29]);
  assertLineStarts('{\n"openapi": "3.0.0",\n"paths": {}\n}', [0, 2, 22, 34]);
});

test('line table: a BOM is not part of the first line', () => {
  assertLineStarts('\ufeffa: 1\nb: 2\n', [1, 6, 11]);
  assertLineStarts('\ufeffa: 1\r\n', [1, 7]);
  assert.deepStrictEqual(read('\ufeffa: 1\n')!.lines!.position(1), { line: 0, character: 0 });
});

test('line table: a text the reader leaves to js-yaml gets the scanned table, through the file it loads', async () => {
  for (const text of ['a: &x {b: 1}\nc: *x\n', 'a: !!str 1\r\nb: 2\r\n', '---\na: 1\n']) {
    assert.equal(read(text), undefined);
    assert.equal(parseYaml(text).lines, undefined);
    const files = new FileSet({ root: '/virtual' }, { read: (p) => (p === '/virtual/api.yaml' ? text : undefined) });
    const file = await files.load('/virtual/api.yaml');
    assert.deepStrictEqual(lineStarts(file!.lines), lineStarts(new LineIndex(text)));
  }
});

test('line table: a file the reader reads keeps the reader\'s table, and so does a place found from a pointer', async () => {
  const text = 'openapi: 3.0.0\r\npaths:\r\n  /a:\r\n    get: {}\r\n';
  const parsed = parseYaml(text);
  assert.ok(parsed.lines);
  const files = new FileSet({ root: '/virtual' }, { read: (p) => (p === '/virtual/api.yaml' ? text : undefined) });
  const file = await files.load('/virtual/api.yaml');
  assert.deepStrictEqual(lineStarts(file!.lines), [0, 16, 24, 31, 44]);
  assert.deepStrictEqual(nearestPlace(text, 'api.yaml', '/paths/~1a/get'), { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } });
});

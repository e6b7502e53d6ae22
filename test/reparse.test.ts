/**
 * A parse made in part after an edit (`engine/reparse.ts`) is the parse of the whole edited text: the same values and
 * the same location for every collection; the collections outside the edited one are the very objects parsed before.
 * Where that cannot be assured, there is none and the text is parsed whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { compactParse, reparse } from '../server/src/engine/reparse';
import { mayHoldAnchors } from '../server/src/engine/reuse';
import { changedRegion } from '../server/src/engine/text-shift';
import { parseJson } from '../server/src/engine/spec/parse-json';
import { parseYaml } from '../server/src/engine/spec/parse-yaml';
import { LineIndex, type ParsedText } from '../server/src/engine/spec/source';
import { pick, random } from './support/random';
import { corpusSpec } from './support/corpus';

const parserOf = (path: string) => (path.endsWith('.json') ? parseJson : parseYaml);

/** The parse in part of `next`, from `parsed`, the parse of `text`. */
const reparseOf = (path: string, text: string, parsed: ParsedText, next: string) => reparse(path, text, parsed, next, changedRegion(text, next), mayHoldAnchors(path, text));

/** How many edits parsed in part stack on a parse's locations. */
function layersOf(parsed: ParsedText): number {
  let layers = 0;
  for (let l: any = parsed.locations; l && 'before' in l; l = l.before) layers++;
  return layers;
}

/** Every collection of `actual` has the location its counterpart has in `expected`. */
function assertSameLocations(actual: ParsedText, expected: ParsedText, what: string): void {
  const seen = new Set<object>();
  const stack: [unknown, unknown][] = [[actual.value, expected.value]];
  while (stack.length > 0) {
    const [a, e] = stack.pop()!;
    if (a === null || typeof a !== 'object' || seen.has(a)) continue;
    seen.add(a);
    const al = actual.locations.get(a);
    const el = expected.locations.get(e as object);
    assert.deepEqual(al && { span: al.span, entries: al.entries && [...al.entries], items: al.items }, el && { span: el.span, entries: el.entries && [...el.entries], items: el.items }, what);
    for (const key of Object.keys(a)) stack.push([(a as Record<string, unknown>)[key], (e as Record<string, unknown>)[key]]);
  }
}

/** Applies each edit in turn, parsing in part from the last parse; returns how many were parsed in part. */
function editInTurn(path: string, text: string, edits: ((text: string) => string)[]): number {
  const parse = parserOf(path);
  let parsed = parse(text);
  let partial = 0;
  for (const [i, edit] of edits.entries()) {
    const next = edit(text);
    assert.notEqual(next, text, `edit ${i} changes the text`);
    const part = reparseOf(path, text, parsed, next);
    const whole = parse(next);
    if (part) {
      partial++;
      assert.ok(isDeepStrictEqual(part.value, whole.value), `edit ${i}: the values of a whole parse`);
      assertSameLocations(part, whole, `edit ${i}: the locations of a whole parse`);
      // walks of a value with no alias remember nothing they visited (`LocationMap.aliases`)
      assert.equal(part.locations.aliases !== false, whole.locations.aliases !== false, `edit ${i}: alias-free as a whole parse is`);
      // loading skips looking for refs to other files only where none can be (`LocationMap.externalRefs`)
      if (whole.locations.externalRefs !== false) assert.notEqual(part.locations.externalRefs, false, `edit ${i}: may name another file as a whole parse does`);
    }
    parsed = part ?? whole;
    text = next;
  }
  return partial;
}

const yaml = `openapi: 3.0.3
info:
  title: Pets
  version: '1'
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - in: query
          name: limit
          schema:
            type: integer
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: array, items: { type: string } }
    post:
      description: |
        Adds a pet.
      responses:
        '201':
          description: created
components:
  schemas:
    Pet:
      type: object
`;

test('YAML: edits of an operation (renamed, a parameter added, security added and changed) parse in part as a whole parse does', () => {
  const partial = editInTurn('/spec/openapi.yaml', yaml, [
    (t) => t.replace('listPets', 'listAllPets'),
    (t) => t.replace('      parameters:\n', '      parameters:\n        - in: query\n          name: offset\n          schema:\n            type: integer\n'),
    (t) => t.replace('      operationId: listAllPets\n', '      operationId: listAllPets\n      security:\n        - apiKey: []\n'),
    (t) => t.replace('- apiKey: []', '- basicAuth: []'),
    (t) => t.replace('name: limit', 'name: max'),
    (t) => t.replace('Adds a pet.', 'Adds one pet.\n        Or none.'),
    // inside a flow collection: its block parent is parsed again
    (t) => t.replace('items: { type: string }', 'items: { type: integer }'),
    // a ref to another file, where the text had none: loading must look for refs to follow again
    (t) => t.replace('items: { type: integer }', "items: { $ref: 'pet.yaml#/Pet' }"),
  ]);
  assert.equal(partial, 8);
});

test('a parse in part says no ref names another file only when neither the text before nor the part has one', () => {
  const path = '/spec/openapi.yaml';
  const internal = yaml.replace('items: { type: string }', "items: { $ref: '#/components/schemas/Pet' }");
  const before = parseYaml(internal);
  assert.equal(before.locations.externalRefs, false);
  const renamed = reparseOf(path, internal, before, internal.replace('listPets', 'listAllPets'));
  assert.equal(renamed?.locations.externalRefs, false, 'an edit without one keeps the file free of them');
  const external = internal.replace('#/components/schemas/Pet', 'pet.yaml#/Pet');
  assert.equal(reparseOf(path, internal, before, external)?.locations.externalRefs, true, 'the part has one');
  const back = reparseOf(path, external, parseYaml(external), internal);
  assert.equal(back?.locations.externalRefs, true, 'the text before had one: unknown until a whole parse');
});

test('the collections outside the edited one are kept, and their locations move with the text', () => {
  const path = '/spec/openapi.yaml';
  const before = parseYaml(yaml);
  const next = yaml.replace('listPets', 'listEveryPet');
  const part = reparseOf(path, yaml, before, next);
  assert.ok(part);
  const value = part.value as Record<string, any>;
  const old = before.value as Record<string, any>;
  assert.equal(value.info, old.info, 'before the edit');
  assert.equal(value.components, old.components, 'after the edit');
  assert.equal(value.paths['/pets'].post, old.paths['/pets'].post, 'beside the edit');
  assert.notEqual(value.paths['/pets'].get, old.paths['/pets'].get, 'the edited operation is parsed again');
  assert.equal(value.paths['/pets'].get.operationId, 'listEveryPet');
  const at = next.indexOf('    Pet:') + 4;
  assert.deepEqual(part.locations.get(value.components.schemas)!.entries!.get('Pet')!.key, { start: at, end: at + 3 });
});

test('a parse in part of a parse in part: each edit builds on the last', () => {
  const renames = Array.from({ length: 40 }, (_, i) => (t: string) => t.replace(/operationId: \w+/, `operationId: pets${i}`));
  assert.equal(editInTurn('/spec/openapi.yaml', yaml, renames), 40);
});

test('after 16 layers of edits parsed in part, the layers are squashed into one table: the same objects, a whole parse\'s locations', () => {
  const path = '/spec/openapi.yaml';
  let text = yaml;
  let parsed = parseYaml(text);
  const components = (parsed.value as Record<string, any>).components;
  const seen = new Set<number>();
  for (let i = 0; i < 34; i++) {
    const next = text.replace(/operationId: \w+/, `operationId: pets${i}`);
    const part = reparseOf(path, text, parsed, next);
    assert.ok(part, `edit ${i} parsed in part`);
    assert.equal((part.value as Record<string, any>).components, components, `edit ${i}: the collections outside the edit are the same objects`);
    // each edit adds a layer to the locations, and the 17th starts from one squashed table: at most 16 layers deep
    seen.add(layersOf(part));
    parsed = part;
    text = next;
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1));
  assertSameLocations(parsed, parseYaml(text), 'the locations of a whole parse');
});

test('three hundred edits across a file, growing and shrinking it, parse in part as a whole parse does: layers squashed onto squashed tables, then a whole parse', () => {
  // the GET of /pets above, under eight paths
  const get = yaml.slice(yaml.indexOf('  /pets:\n'), yaml.indexOf('    post:'));
  const operations = Array.from({ length: 8 }, (_, i) => get.replace('/pets:', `/items${i}:`).replace('listPets', `list${i}`)).join('');
  const text = `openapi: 3.0.3\ninfo:\n  title: Items\n  version: '1'\npaths:\n${operations}components:\n  schemas:\n    Item:\n      type: object\n`;
  const rng = random(20261206);
  const edits = Array.from({ length: 300 }, (_, n) => {
    const op = Math.floor(rng() * 8);
    const kind = pick(rng, ['rename', 'rename parameter', 'add', 'remove'] as const)!;
    return (t: string): string => {
      const start = t.indexOf(`  /items${op}:\n`);
      const end = t.indexOf('        \'200\':', start);
      const before = t.slice(0, start);
      let block = t.slice(start, end);
      const after = t.slice(end);
      if (kind === 'rename') block = block.replace(/operationId: \w+/, `operationId: ${'x'.repeat(1 + (n % 7))}${n}`);
      else if (kind === 'rename parameter') block = block.replace(/name: limit\w*/, `name: limit${'x'.repeat(n % 4)}${n}`);
      else if (kind === 'add' || !block.includes('name: extra')) block = block.replace('      parameters:\n', `      parameters:\n        - in: header\n          name: extra${n}\n`);
      else block = block.replace(/        - in: header\n          name: extra\d+\n/, '');
      return before + block + after;
    };
  });
  const partial = editInTurn('/spec/openapi.yaml', text, edits);
  assert.ok(partial >= 290, `${partial} of 300 edits parsed in part`);
});

/** The fixture above with its first `operationId` renamed `count` times, each edit parsed in part from the last. */
function renamedInTurn(count: number): { path: string; text: string; parsed: ParsedText } {
  const path = '/spec/openapi.yaml';
  let text = yaml;
  let parsed = parseYaml(text);
  for (let i = 0; i < count; i++) {
    const next = text.replace(/operationId: \w+/, `operationId: pets${i}`);
    parsed = reparseOf(path, text, parsed, next)!;
    text = next;
  }
  return { path, text, parsed };
}

test('asked between edits, the locations of a parse with edits stacked on it are made one table again; the next edit parses in part from it', () => {
  assert.equal(compactParse('/spec/openapi.yaml', yaml, parseYaml(yaml), 1), undefined, 'a whole parse is one table already');
  const { path, text, parsed } = renamedInTurn(3);
  assert.equal(layersOf(parsed), 3);
  assert.equal(compactParse(path, text, parsed, 4), undefined, 'fewer layers than asked for');
  const compact = compactParse(path, text, { ...parsed, lines: new LineIndex(text) }, 3);
  assert.ok(compact);
  assert.equal(compact.value, parsed.value, 'the same objects');
  assert.equal(layersOf(compact), 0);
  assert.ok(compact.lines, 'the line table kept');
  assertSameLocations(compact, parseYaml(text), 'the locations of a whole parse');
  const next = text.replace(/operationId: \w+/, 'operationId: pets3');
  const part = reparseOf(path, text, compact, next);
  assert.ok(part, 'parsed in part');
  assert.equal(layersOf(part), 1);
  assertSameLocations(part, parseYaml(next), 'the locations of a whole parse of the edited text');
});

test('asked between edits, a parse whose edits were squashed is made one table again, though few layers stack on it', () => {
  const { path, text, parsed } = renamedInTurn(18);
  assert.equal(layersOf(parsed), 2, 'two layers on the table the first sixteen edits were squashed into');
  const compact = compactParse(path, text, parsed, 4);
  assert.ok(compact, 'eighteen edits stand between it and a whole parse');
  assert.equal(compact.value, parsed.value, 'the same objects');
  assertSameLocations(compact, parseYaml(text), 'the locations of a whole parse');
});

test('a parse whose value no longer matches its text is not compacted: the text is parsed whole', () => {
  const { path, text, parsed } = renamedInTurn(16);
  // a value changed behind the parse's back: the layered value and a whole parse of its text differ
  const drifted = { value: { ...(parsed.value as object), extra: true }, locations: parsed.locations };
  assert.equal(compactParse(path, text, drifted, 1), undefined, 'not made one table from a whole parse');
  assert.equal(reparseOf(path, text, drifted, text.replace(/operationId: \w+/, 'operationId: last')), undefined, 'the edited text is parsed whole');
});

const json = JSON.stringify({
  openapi: '3.1.0', info: { title: 'Pets', version: '1' },
  paths: { '/pets': { get: { operationId: 'listPets', parameters: [{ in: 'query', name: 'limit', schema: { type: 'integer' } }], responses: { 200: { description: 'ok' } } } } },
}, null, 2);

test('JSON: edits of an operation parse in part as a whole parse does', () => {
  const partial = editInTurn('/spec/openapi.json', json, [
    (t) => t.replace('"listPets"', '"listAllPets"'),
    (t) => t.replace('"parameters": [', '"parameters": [{ "in": "query", "name": "offset" }, '),
    (t) => t.replace('"operationId"', '"security": [{ "apiKey": [] }], "operationId"'),
  ]);
  assert.equal(partial, 3);
});

test('no parse in part where it could differ from a whole parse, or where the edit breaks the text', () => {
  const cases: [string, string, (text: string) => string][] = [
    ['an anchor', yaml.replace('    Pet:\n', '    Pet: &pet\n'), (t) => t.replace('listPets', 'listAllPets')],
    ['an anchor written by the edit', yaml, (t) => t.replace('name: limit', 'name: &l limit')],
    ['a directive', `%YAML 1.2\n---\n${yaml}`, (t) => t.replace('listPets', 'listAllPets')],
    ['a block scalar that keeps trailing lines', yaml.replace('description: |', 'description: |+'), (t) => t.replace('Adds a pet.', 'Adds one pet.')],
    ['a flow collection at the top', yaml.replace('info:\n  title: Pets\n', 'info: {\n  title: Pets,\n').replace("  version: '1'\n", "  version: '1' }\n"), (t) => t.replace('title: Pets', 'title: Cats')],
    ['a top-level key', yaml, (t) => t.replace('components:', 'security: []\ncomponents:')],
    ['an edit that breaks the YAML', yaml, (t) => t.replace('          name: limit', '        name: limit')],
    ['a document marker', yaml, (t) => t.replace('      parameters:\n', '---\n      parameters:\n')],
  ];
  for (const [what, text, edit] of cases) {
    const next = edit(text);
    assert.notEqual(next, text, what);
    assert.equal(reparseOf('/spec/openapi.yaml', text, parseYaml(text), next), undefined, what);
  }
  const broken = json.replace('"limit"', '"limit",');
  assert.equal(reparseOf('/spec/openapi.json', json, parseJson(json), broken), undefined, 'an edit that breaks the JSON');
});

for (const name of ['stripe-spec3.2023-09-12.yaml', 'github-api.github.com.2022-07-18.json']) {
  const { path, skip } = corpusSpec(name);
  test(`on ${name}, structural edits of operations across the file parse in part as a whole parse does`, { skip }, () => {
    const text = readFileSync(path, 'utf8');
    const isJson = name.endsWith('.json');
    const ids = [...text.matchAll(isJson ? /"operationId": "([^"]+)"/g : /operationId: (\S+)\n/g)];
    const edits: ((text: string) => string)[] = [];
    for (let i = 0; i < ids.length; i += Math.floor(ids.length / 6)) {
      const [written, id] = ids[i];
      edits.push((t) => t.replace(written, written.replace(id, `${id}Renamed`)));
      const renamed = written.replace(id, `${id}Renamed`);
      edits.push((t) => t.replace(renamed, isJson ? `"security": [ { "apiKey": [] } ], ${renamed}` : `${renamed}      security:\n        - apiKey: []\n`));
    }
    const partial = editInTurn(path, text, edits);
    assert.ok(partial >= edits.length - 2, `${partial} of ${edits.length} edits parsed in part`);
  });
}

test('the line table of an edited text, made from the last one where the text changed, is the one a whole scan makes', () => {
  const rng = random(7);
  const alphabet = ['a', 'b', ' ', '\n', '\n', '\n\n'];
  const piece = (n: number) => Array.from({ length: n }, () => pick(rng, alphabet)!).join('');
  let text = piece(200);
  let lines = new LineIndex(text);
  for (let i = 0; i < 300; i++) {
    const start = Math.floor(rng() * text.length);
    const end = start + Math.floor(rng() * Math.min(20, text.length - start));
    const next = text.slice(0, start) + piece(Math.floor(rng() * 12)) + text.slice(end);
    const edited = lines.edited(next, changedRegion(text, next));
    const whole = new LineIndex(next);
    assert.equal(edited.lineCount(), whole.lineCount(), `edit ${i}`);
    for (let offset = 0; offset <= next.length; offset++) assert.deepEqual(edited.position(offset), whole.position(offset), `edit ${i}, offset ${offset}`);
    [text, lines] = [next, edited];
  }
  // carriage returns are left to a whole scan
  const crlf = 'a: 1\r\nb: 2\r\n';
  const longer = `${crlf}c: 3\r\n`;
  const edited = new LineIndex(crlf).edited(longer, changedRegion(crlf, longer));
  for (let offset = 0; offset <= longer.length; offset++) assert.deepEqual(edited.position(offset), new LineIndex(longer).position(offset), `offset ${offset}`);
});

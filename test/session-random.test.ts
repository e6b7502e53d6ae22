/**
 * The editor's analyses after random edits: series of seeded random edits of documents of every style (YAML block and
 * flow, JSON, Swagger 2.0 and OpenAPI 3.x, several files joined by `$ref`, anchors) go through the language server's
 * line of analyses (`lsp/incremental.ts` over the engine's session), and each answer must equal a cold analysis of
 * the same texts: findings (rule, file, range, message, operations, related locations, and the fixes built for them on
 * request) and problems alike.
 * Edits change structure (operationId, parameters, security, schema types, sensitive properties, response codes,
 * lines), documentation, the top level, break the text and mend it, and undo. A failure names its seed and the edits
 * made: `SENTINEL_DIFF_SEED=<seed> node test/run.mjs test/session-random.test.ts` replays it
 * (`SENTINEL_DIFF_SEEDS=<n>` runs seeds 1 to n, `SENTINEL_DIFF_STEPS` sets the edits per seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { DocumentAnalyses } from '../server/src/lsp/incremental';
import { findingKey, type FileReader } from '../server/src/engine';
import { pick, random, type Random } from './support/random';

/** The matches of `pattern` in `text`. */
const matches = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'))];

/** `text` with `insert` put at `at`, replacing `length` characters. */
const splice = (text: string, at: number, length: number, insert: string) => text.slice(0, at) + insert + text.slice(at + length);

/** The lines of `text` with where each starts. */
function lines(text: string): { start: number; end: number; line: string; indent: number }[] {
  const out = [];
  let start = 0;
  for (const line of text.split('\n')) {
    out.push({ start, end: start + line.length + 1, line, indent: line.length - line.trimStart().length });
    start += line.length + 1;
  }
  return out;
}

/** A block-style YAML key line (`pattern` on its trimmed text) and the indentation its children have; undefined when none. */
function blockKey(text: string, rng: Random, pattern: RegExp): { end: number; indent: number; child: number } | undefined {
  const all = lines(text);
  const found = all.flatMap((l, i) => (pattern.test(l.line.trim()) && i + 1 < all.length && all[i + 1].indent > l.indent ? [{ end: l.end, indent: l.indent, child: all[i + 1].indent }] : []));
  return pick(rng, found);
}

const WORDS = ['user', 'admin', 'internal', 'password', 'token', 'list', 'id', 'the', 'secret', 'x'];
const TYPES = ['string', 'integer', 'object', 'array', 'number', 'boolean'];

/** One kind of edit: the edited text, or undefined when the text has nothing it applies to. */
type Edit = (text: string, rng: Random, json: boolean) => string | undefined;

const EDITS: Record<string, Edit> = {
  'rename an operationId': (text, rng) => {
    const m = pick(rng, matches(text, /(operationId["']?\s*:\s*["']?)([\w.-]+)/));
    return m && splice(text, m.index! + m[1].length, m[2].length, m[2].endsWith('Renamed') ? m[2].slice(0, -7) : `${m[2]}Renamed`);
  },
  'change a schema type': (text, rng) => {
    const m = pick(rng, matches(text, /(["']?type["']?\s*:\s*["']?)(string|integer|object|array|number|boolean)\b/));
    return m && splice(text, m.index! + m[1].length, m[2].length, pick(rng, TYPES.filter((t) => t !== m[2]))!);
  },
  'edit inside a description': (text, rng) => {
    const m = pick(rng, matches(text, /(description["']?\s*:\s*["']?)([^\n"']*)/));
    if (!m) return undefined;
    const at = m.index! + m[1].length + Math.floor(rng() * (m[2].length + 1));
    return rng() < 0.3 && m[2].length > 0 ? splice(text, at - (at > m.index! + m[1].length ? 1 : 0), 1, '') : splice(text, at, 0, `${pick(rng, WORDS)} `);
  },
  'add a parameter': (text, rng, json) => {
    if (json) {
      const m = pick(rng, matches(text, /"parameters"\s*:\s*\[/));
      return m && splice(text, m.index! + m[0].length, 0, `{"in": "query", "name": "q${Math.floor(rng() * 100)}", "schema": {"type": "string"}},`);
    }
    const key = blockKey(text, rng, /^parameters:$/);
    if (!key) return undefined;
    const ind = ' '.repeat(key.child);
    return splice(text, key.end, 0, `${ind}- in: query\n${ind}  name: q${Math.floor(rng() * 100)}\n${ind}  schema:\n${ind}    type: string\n`);
  },
  'add a security requirement': (text, rng, json) => {
    const scheme = pick(rng, ['bearerAuth', 'apiKey', 'oauth', 'basicAuth', 'nothing'])!;
    if (json) {
      const m = pick(rng, matches(text, /"operationId"\s*:\s*"[^"]*",/));
      return m && splice(text, m.index! + m[0].length, 0, rng() < 0.3 ? '"security": [],' : `"security": [{"${scheme}": []}],`);
    }
    const m = pick(rng, matches(text, /^( +)operationId: .*\n/m));
    return m && splice(text, m.index! + m[0].length, 0, rng() < 0.3 ? `${m[1]}security: []\n` : `${m[1]}security:\n${m[1]}  - ${scheme}: []\n`);
  },
  'add a sensitive property': (text, rng, json) => {
    const name = pick(rng, ['password', 'ssn', 'apiKey', 'secretToken', 'cardNumber'])!;
    if (json) {
      const m = pick(rng, matches(text, /"properties"\s*:\s*\{/));
      return m && splice(text, m.index! + m[0].length, 0, `"${name}": {"type": "string"},`);
    }
    const key = blockKey(text, rng, /^properties:$/);
    if (!key) return undefined;
    const ind = ' '.repeat(key.child);
    return splice(text, key.end, 0, `${ind}${name}:\n${ind}  type: string\n`);
  },
  'add a response code': (text, rng, json) => {
    const code = pick(rng, ['401', '403', '418', '429', '500', 'default'])!;
    if (json) {
      const m = pick(rng, matches(text, /"responses"\s*:\s*\{/));
      return m && splice(text, m.index! + m[0].length, 0, `"${code}": {"description": "added"},`);
    }
    const key = blockKey(text, rng, /^responses:$/);
    if (!key) return undefined;
    const ind = ' '.repeat(key.child);
    return splice(text, key.end, 0, `${ind}'${code}':\n${ind}  description: added\n`);
  },
  // a parameter, a security requirement, a response code, a property...: a block entry with everything under it
  'remove an entry': (text, rng, json) => {
    if (json) return undefined;
    const all = lines(text);
    const starts = all.flatMap((l, i) => (/^(- )?['"]?[\w/{}.-]+['"]?:( |$)/.test(l.line.trim()) && l.indent > 0 ? [i] : []));
    const first = pick(rng, starts);
    if (first === undefined) return undefined;
    let last = first;
    while (last + 1 < all.length && (all[last + 1].indent > all[first].indent || (all[last + 1].line.trim() === '' && last + 2 < all.length))) last++;
    return splice(text, all[first].start, Math.min(all[last].end, text.length) - all[first].start, '');
  },
  'remove a line': (text, rng) => {
    const l = pick(rng, lines(text).filter((x) => x.line.trim() !== ''));
    return l && splice(text, l.start, Math.min(l.end, text.length) - l.start, '');
  },
  'insert a line': (text, rng) => {
    const all = lines(text);
    const copied = pick(rng, all)!;
    const at = pick(rng, all)!;
    return splice(text, at.start, 0, `${copied.line}\n`);
  },
  'add a comment': (text, rng, json) => {
    if (json) return undefined;
    const l = pick(rng, lines(text).filter((x) => x.line.trim() !== ''))!;
    return rng() < 0.5 ? splice(text, l.start, 0, `${' '.repeat(l.indent)}# a note\n`) : splice(text, l.start + l.line.length, 0, ' # a note');
  },
  'indent a line': (text, rng) => {
    const l = pick(rng, lines(text).filter((x) => x.line.trim() !== ''))!;
    return rng() < 0.5 || l.indent < 2 ? splice(text, l.start, 0, '  ') : splice(text, l.start, 2, '');
  },
  'break the text': (text, rng) => {
    const at = Math.floor(rng() * text.length);
    return splice(text, at, 0, pick(rng, ['{', ': [', '"', '\n  - : -\n', '}', ' &a ', ' *b'])!);
  },
  'edit the top level': (text, rng, json) => {
    if (json) {
      const at = text.indexOf('{');
      return at < 0 ? undefined : splice(text, at + 1, 0, `"x-edited-${Math.floor(rng() * 100)}": true,`);
    }
    const all = lines(text).filter((l) => /^[\w-]+:/.test(l.line));
    const l = pick(rng, all);
    if (!l) return undefined;
    if (rng() < 0.5) return splice(text, l.start, 0, `x-edited-${Math.floor(rng() * 100)}: true\n`);
    return l.line.startsWith('info:') || l.line.startsWith('openapi:') || l.line.startsWith('swagger:') ? undefined : splice(text, l.start, l.end - l.start, '');
  },
};

/** A document set to edit: its root and files (all the files of a folder, or one file). */
interface Fixture { name: string; root: string; files: string[] }

function fixture(name: string, path: string): Fixture {
  const full = resolve(__dirname, '..', path);
  if (!statSync(full).isDirectory()) return { name, root: resolve(full, '..'), files: [full] };
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (/\.(ya?ml|json)$/.test(entry.name)) files.push(join(dir, entry.name));
    }
  };
  walk(full);
  return { name, root: full, files: files.sort() };
}

const FLOW_STYLE = `openapi: 3.0.3
info: { title: Flow, version: '1' }
components:
  securitySchemes: { bearerAuth: { type: http, scheme: bearer } }
paths:
  /users/{id}:
    get: { operationId: getUser, description: 'one user',
      parameters: [ { in: path, name: id, required: true, schema: { type: integer } } ],
      responses: { '200': { description: the user, content: { application/json: { schema: { type: object,
        properties: { name: { type: string }, email: { type: string } } } } } } } }
    delete: { operationId: deleteUser, security: [ { bearerAuth: [] } ], responses: { '204': { description: gone } } }
`;

const ANCHORS = `openapi: 3.0.3
info:
  title: Anchors
  version: '1'
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
  responses:
    NotFound: &notFound
      description: not found
paths:
  /items/{id}:
    get:
      operationId: getItem
      description: an item
      parameters: &idParameter
        - in: path
          name: id
          required: true
          schema:
            type: string
      responses:
        '200':
          description: the item
          content:
            application/json:
              schema: &item
                type: object
                properties:
                  name:
                    type: string
        '404': *notFound
    put:
      operationId: putItem
      security:
        - bearerAuth: []
      parameters: *idParameter
      requestBody:
        content:
          application/json:
            schema: *item
      responses:
        '200':
          description: replaced
          content:
            application/json:
              schema: *item
`;

const FIXTURE_SETS: (Fixture & { inline?: string })[] = [
  fixture('multi-file example', 'examples/insecure-api'),
  fixture('multi-file shared schemas', 'test/fixtures/response-sensitive-field/positive-multifile-shared'),
  fixture('OpenAPI 3.0, YAML', 'test/fixtures/auth-admin-shares-scopes/positive-single-scheme.yaml'),
  fixture('Swagger 2.0, YAML', 'test/fixtures/bola-predictable-id/positive-swagger2.yaml'),
  fixture('JSON', 'test/fixtures/response-sensitive-field/positive-shared-json.json'),
  fixture('JSON 2', 'test/fixtures/auth-missing/positive-json.json'),
  // read from memory only
  { name: 'YAML flow style', root: '/api', files: ['/api/flow.yaml'], inline: FLOW_STYLE },
  { name: 'YAML anchors', root: '/api', files: ['/api/anchors.yaml'], inline: ANCHORS },
];

/** What a comparison looks at: the findings whole, and the problems. */
const compared = (result: { findings: unknown; problems: unknown }) => ({ findings: result.findings, problems: result.problems });

/**
 * Runs `steps` random edits of `set` from `seed` through the language server's analyses, comparing each answer (and
 * the full analysis that confirms a quick one) with a cold analysis.
 */
async function editAtRandom(set: (typeof FIXTURE_SETS)[number], seed: number, steps: number): Promise<void> {
  const rng = random(seed);
  const texts = new Map(set.files.map((file) => [file, set.inline ?? readFileSync(file, 'utf8')]));
  const history = new Map<string, string[]>();
  const reader: FileReader = { read: (file) => texts.get(file) };
  const analyses = new DocumentAnalyses(() => reader);
  const made: string[] = [];
  let id = 0;
  let holding: number | undefined;
  const check = async (what: string) => {
    const request = { id: ++id, root: set.root, files: set.files, config: {}, cancel: { cancelled: false }, holding };
    const answer = await analyses.analyze(request);
    assert.ok(answer, what);
    holding = request.id;
    const cold = await analyze({ root: set.root, files: set.files, reader, config: {} });
    // the findings carry no fixes: they are built for the keys a code action names
    const fixes = await analyses.fixes(request.id, answer.result.findings.map(findingKey));
    assert.ok(fixes && answer.result.findings.every((f) => f.fixes.length === 0), what);
    const findings = answer.result.findings.map((f) => ({ ...f, fixes: fixes.get(findingKey(f)) }));
    assert.deepStrictEqual(compared({ ...answer.result, findings }), compared(cold),
      `${set.name}, seed ${seed}, ${what} (exact: ${answer.exact}); edits made:\n  ${made.join('\n  ')}`);
    return answer;
  };
  let problems = (await check('first analysis')).result.problems.length;
  const kinds = Object.keys(EDITS);
  for (let step = 0; step < steps; step++) {
    const file = pick(rng, set.files)!;
    const text = texts.get(file)!;
    const past = history.get(file) ?? [];
    // most texts an edit broke are mended by the next edit
    const mend = past.length > 0 && (rng() < 0.1 || (problems > 0 && rng() < 0.8));
    const kind = mend ? 'undo' : pick(rng, kinds)!;
    const next = mend ? past.pop() : EDITS[kind](text, rng, file.endsWith('.json'));
    if (next === undefined || next === text) continue;
    if (!mend) history.set(file, [...past, text]);
    // the edit typed a few characters at a time, as an editor sends it, or at once (a paste, an undo)
    const typed = !mend && rng() < 0.4;
    const [at, removed, inserted] = changedPart(text, next);
    const states = typed ? typing(text, at, removed, inserted) : [next];
    for (const [i, state] of states.entries()) {
      const before = texts.get(file)!;
      texts.set(file, state);
      made.push(`${step}.${i}: ${kind} in ${file.slice(set.root.length + 1)} ${JSON.stringify(changedPart(before, state))}`);
      const answer = await check(`step ${step}.${i}: ${kind}`);
      problems = answer.result.problems.length;
      // editing pauses: a quick answer is confirmed by a full analysis of the same texts
      if (!answer.exact && rng() < 0.5) await check(`step ${step}.${i}: confirming ${kind}`);
    }
  }
}

/** The texts an editor sends while `removed` at `at` is deleted and `inserted` typed in its place, a few characters a time. */
function typing(text: string, at: number, removed: string, inserted: string): string[] {
  const states: string[] = [];
  const deleted = text.slice(0, at) + text.slice(at + removed.length);
  if (removed.length > 0) states.push(deleted);
  const chunk = Math.max(1, Math.ceil(inserted.length / 4));
  for (let typedUpTo = chunk; typedUpTo < inserted.length + chunk; typedUpTo += chunk) {
    states.push(deleted.slice(0, at) + inserted.slice(0, Math.min(typedUpTo, inserted.length)) + deleted.slice(at));
  }
  return states;
}

/** The part of `before` an edit replaced and what replaced it, for a failure's list of edits. */
function changedPart(before: string, after: string): [number, string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [start, before.slice(start, before.length - end), after.slice(start, after.length - end)];
}

const replay = process.env.SENTINEL_DIFF_SEED;
const SEEDS = replay ? [Number(replay)] : process.env.SENTINEL_DIFF_SEEDS ? Array.from({ length: Number(process.env.SENTINEL_DIFF_SEEDS) }, (_, i) => i + 1) : [1, 2, 3];
const STEPS = Number(process.env.SENTINEL_DIFF_STEPS ?? 30);

for (const set of FIXTURE_SETS) {
  test(`${set.name}: after each random edit, the editor's analysis equals a cold analysis`, async () => {
    for (const seed of SEEDS) await editAtRandom(set, seed, STEPS);
  });
}

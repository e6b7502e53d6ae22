/**
 * Route analysis after random edits: seeded random edits of the example Express and NestJS apps (route paths changed,
 * middleware and guards added and removed, router mounts moved, imports removed, undo) go through one session, and
 * each answer must equal a cold analysis of the same texts (findings with their fixes, the route table, problems).
 * A failure names its seed and the edits made: `SENTINEL_DIFF_SEED=<seed> node test/run.mjs test/route-random.test.ts`
 * replays it (`SENTINEL_DIFF_STEPS` sets the edits per app).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { CHECKS } from '../server/src/engine/checks';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { Session, type Analysis } from '../server/src/engine/session';
import type { AnalysisResult, FileReader } from '../server/src/engine/types';
import { pick, random, type Random } from './support/random';

const ROOT = '/app';
const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.includes('code'));

const splice = (text: string, at: number, length: number, insert: string) => text.slice(0, at) + insert + text.slice(at + length);

/** One kind of edit of a source file: the edited text, or undefined when the file has nothing it applies to. */
type Edit = (text: string, rng: Random) => string | undefined;

/** A random match of `pattern` in `text`, replaced by what `replace` makes of it. */
function replaceOne(text: string, rng: Random, pattern: RegExp, replace: (match: RegExpMatchArray) => string): string | undefined {
  const m = pick(rng, [...text.matchAll(pattern)]);
  return m && splice(text, m.index!, m[0].length, replace(m));
}

const EDITS: Record<string, Edit> = {
  'change a route path': (text, rng) => replaceOne(text, rng, /(\.(?:get|post|put|patch|delete|use)\(|@(?:Get|Post|Put|Patch|Delete|Controller)\()'([^']*)'/g,
    (m) => `${m[1]}'${m[2].endsWith('/x') ? m[2].slice(0, -2) : `${m[2]}/x`}'`),
  'remove an app-wide middleware': (text, rng) => replaceOne(text, rng, /^ *app\.use\([^'\n]*\);\n/gm, () => ''),
  'add an app-wide middleware': (text, rng) => replaceOne(text, rng, /^( *)app\.use\('/gm, (m) => `${m[1]}app.use(authenticate);\n${m[0]}`),
  'move a router mount': (text, rng) => {
    const mounts = [...text.matchAll(/^ *app\.use\('[^\n]*\n/gm)];
    const m = pick(rng, mounts.slice(1));
    if (!m) return undefined;
    const start = text.indexOf('\n', text.indexOf('createApp')) + 1;
    return splice(splice(text, m.index!, m[0].length, ''), start, 0, m[0]);
  },
  'remove a guard': (text, rng) => replaceOne(text, rng, /^ *@UseGuards\([^\n]*\)\n/gm, () => ''),
  'remove a route middleware argument': (text, rng) => replaceOne(text, rng, /('[^'\n]*'), (\w+), /g, (m) => `${m[1]}, `),
  'remove an import': (text, rng) => replaceOne(text, rng, /^import [^\n]*;\n/gm, () => ''),
};

/** Every source file of an example app, by absolute path under ROOT. */
function appFiles(folder: string): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else texts.set(`${ROOT}/${relative(folder, path).split('\\').join('/')}`, readFileSync(path, 'utf8'));
    }
  };
  walk(folder);
  return texts;
}

function request(texts: Map<string, string>) {
  const reader: FileReader = { read: (path) => texts.get(path) };
  const files = [...texts.keys()].filter((path) => /\.(ts|js|json)$/.test(path));
  return { root: ROOT, files, reader, checks: CODE_CHECKS, frontends: { code: codeFrontend } };
}

const said = (result: AnalysisResult) => JSON.parse(JSON.stringify({ findings: result.findings, routes: result.routes, problems: result.problems }));

async function editAtRandom(app: string, seed: number, steps: number): Promise<void> {
  const rng = random(seed);
  const texts = appFiles(resolve(__dirname, '..', 'examples', app));
  const sources = [...texts.keys()].filter((path) => path.endsWith('.ts'));
  const session = new Session();
  let last: Analysis | undefined = await session.analyze(request(texts));
  const made: string[] = [];
  const undo: [string, string][] = [];
  // edits that find nothing to change in the file drawn are drawn again
  for (let step = 0, tries = 0; made.length < steps && tries < steps * 20; tries++) {
    let file: string;
    let next: string | undefined;
    let kind: string;
    if (undo.length > 0 && rng() < 0.25) {
      [file, next] = undo.pop()!;
      kind = 'undo';
    } else {
      file = pick(rng, sources)!;
      kind = pick(rng, Object.keys(EDITS))!;
      next = EDITS[kind](texts.get(file)!, rng);
      if (next === undefined) continue;
      undo.push([file, texts.get(file)!]);
    }
    texts.set(file, next);
    made.push(`${step++}: ${kind} in ${file}`);
    last = await session.analyze(request(texts), last);
    assert.deepEqual(said(last!.result), said(await analyze(request(texts))), `${app}, seed ${seed}; edits made:\n  ${made.join('\n  ')}`);
  }
}

const replay = process.env.SENTINEL_DIFF_SEED;
const STEPS = Number(process.env.SENTINEL_DIFF_STEPS ?? 10);

for (const app of ['express-insecure', 'nestjs-insecure']) {
  test(`${app}: after each random edit, route analysis in a session equals a cold analysis`, async () => {
    await editAtRandom(app, replay ? Number(replay) : 1, STEPS);
  });
}

/**
 * What an analysis reads of every file or every route is written once: a file's global `ValidationPipe` is looked for
 * once per parse (an edit elsewhere does not scan the other files' texts again), a kept handler's record models are not
 * looked up again while the project's models read alike, and a protection's route list is written once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeList } from '../server/src/engine/checks/code/knowledge';
import { ModelRegistry } from '../server/src/engine/code/flow/schemas';
import { codeFrontend } from '../server/src/engine/code/frontend';
import type { Route } from '../server/src/engine/code/model';
import { Session } from '../server/src/engine/session';
import type { AnalysisResult, FileReader } from '../server/src/engine/types';

const ROOT = '/app';
const FIXTURE = join(__dirname, 'fixtures/code-mass-assignment/negative-nestjs-whitelist');

function request(texts: Map<string, string>) {
  const reader: FileReader = { read: (path) => texts.get(path) };
  return { root: ROOT, files: [...texts.keys()], reader, frontends: { code: codeFrontend } };
}

const massAssignments = (result: AnalysisResult) => result.findings.filter((f) => f.ruleId === 'code-mass-assignment').length;

/** Runs `run`, counting the record models looked up. */
async function countingLookups<T>(run: () => Promise<T>): Promise<{ value: T; lookups: number }> {
  const find = ModelRegistry.prototype.find;
  let lookups = 0;
  ModelRegistry.prototype.find = function (this: ModelRegistry, name: string | undefined) {
    lookups++;
    return find.call(this, name);
  };
  try {
    return { value: await run(), lookups };
  } finally {
    ModelRegistry.prototype.find = find;
  }
}

/** Runs `run`, counting the texts searched for `ValidationPipe`. */
async function countingScans<T>(run: () => Promise<T>): Promise<{ value: T; scans: number }> {
  const includes = String.prototype.includes;
  let scans = 0;
  String.prototype.includes = function (this: string, search: string, position?: number) {
    if (search === 'ValidationPipe') scans++;
    return includes.call(this, search, position);
  };
  try {
    return { value: await run(), scans };
  } finally {
    String.prototype.includes = includes;
  }
}

test('a global ValidationPipe is looked for in the edited file alone, and still decides what the body may set', async () => {
  const texts = new Map(readdirSync(FIXTURE).map((name) => [`${ROOT}/${name}`, readFileSync(join(FIXTURE, name), 'utf8')]));
  texts.set(`${ROOT}/package.json`, JSON.stringify({ name: 'profiles', dependencies: { '@nestjs/core': '^10.0.0', '@nestjs/common': '^10.0.0' } }));
  // a pipe that does not whitelist: no file sets one, so every file is looked at
  const main = texts.get(`${ROOT}/main.ts`)!;
  texts.set(`${ROOT}/main.ts`, main.replace('whitelist: true', 'whitelist: false'));
  const session = new Session();
  const cold = await countingScans(() => session.analyze(request(texts)));
  let last = cold.value!;
  assert.equal(cold.scans, 4, 'each of the four modules is scanned once');
  assert.equal(massAssignments(last.result), 1, 'the body reaches the entity\'s privileged field');

  // an edit of the DTO: only its new text is scanned
  texts.set(`${ROOT}/profile.dto.ts`, `${texts.get(`${ROOT}/profile.dto.ts`)!}\n// edited\n`);
  const edit = await countingScans(() => session.analyze(request(texts), last));
  last = edit.value!;
  assert.equal(edit.scans, 1);
  assert.equal(massAssignments(last.result), 1);

  // an edit outside the controller's imports: its handler is kept, and its Profile model not looked up again
  texts.set(`${ROOT}/main.ts`, `${texts.get(`${ROOT}/main.ts`)!}\n// edited\n`);
  const kept = await countingLookups(() => session.analyze(request(texts), last));
  last = kept.value!;
  assert.equal(kept.lookups, 0);
  assert.equal(massAssignments(last.result), 1);

  // the pipe whitelists: unknown body keys are stripped; and no longer
  texts.set(`${ROOT}/main.ts`, main);
  last = (await session.analyze(request(texts), last))!;
  assert.equal(massAssignments(last.result), 0);
  texts.set(`${ROOT}/main.ts`, main.replace('whitelist: true', 'whitelist: false'));
  last = (await session.analyze(request(texts), last))!;
  assert.equal(massAssignments(last.result), 1);
});

test('a kept handler sees a record model that changed outside its imports', async () => {
  const dir = join(__dirname, 'fixtures/code-mass-assignment/positive-express-prisma');
  const schema = readFileSync(join(dir, 'prisma/schema.prisma'), 'utf8');
  const texts = new Map([
    [`${ROOT}/package.json`, JSON.stringify({ name: 'shop', dependencies: { express: '^5.0.0', '@prisma/client': '^5.0.0' } })],
    [`${ROOT}/app.ts`, readFileSync(join(dir, 'app.ts'), 'utf8')],
    [`${ROOT}/prisma/schema.prisma`, schema],
  ]);
  const session = new Session();
  let last = (await session.analyze(request(texts)))!;
  assert.equal(massAssignments(last.result), 2, 'the body may set the user\'s role');
  // read again, the schema's models are new objects reading alike: the handlers are kept without a lookup
  texts.set(`${ROOT}/prisma/schema.prisma`, `${schema}\n`);
  const kept = await countingLookups(() => session.analyze(request(texts), last));
  last = kept.value!;
  assert.equal(kept.lookups, 0);
  assert.equal(massAssignments(last.result), 2);
  // the privileged fields gone from the schema: the handlers look the user up again and set nothing privileged
  texts.set(`${ROOT}/prisma/schema.prisma`, schema.replace(/^\s*(role|passwordHash|iban) .*$/gm, ''));
  const changed = await countingLookups(() => session.analyze(request(texts), last));
  last = changed.value!;
  assert.ok(changed.lookups > 0);
  assert.equal(massAssignments(last.result), 0);
});

test('routeList: names up to two routes, counts the others, and is written once per route array', () => {
  const route = (key: string) => ({ key }) as Route;
  assert.equal(routeList([route('GET /a')]), 'GET /a');
  assert.equal(routeList([route('GET /a'), route('GET /a'), route('POST /a')]), 'GET /a and POST /a');
  const routes = [route('GET /a'), route('POST /a'), route('GET /b')];
  assert.equal(routeList(routes), 'GET /a and 2 other routes');
  // the array is read once: a route added afterwards is not seen by the same array, but by a new one
  routes.push(route('GET /c'));
  assert.equal(routeList(routes), 'GET /a and 2 other routes');
  assert.equal(routeList([...routes]), 'GET /a and 3 other routes');
});

/**
 * What an analysis reads of every file or every route is written once: a file's global `ValidationPipe` is looked for
 * once per parse (an edit elsewhere does not scan the other files' texts again), and a protection's route list once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeList } from '../server/src/engine/checks/code/knowledge';
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

  // the pipe whitelists: unknown body keys are stripped; and no longer
  texts.set(`${ROOT}/main.ts`, main);
  last = (await session.analyze(request(texts), last))!;
  assert.equal(massAssignments(last.result), 0);
  texts.set(`${ROOT}/main.ts`, main.replace('whitelist: true', 'whitelist: false'));
  last = (await session.analyze(request(texts), last))!;
  assert.equal(massAssignments(last.result), 1);
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

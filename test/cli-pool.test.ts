/**
 * The review's thread pool: a monorepo of many OpenAPI documents (some sharing $ref'd files, some broken, some not
 * OpenAPI, one beside its service's route code) gives, on several threads, the report of one analysis on one thread,
 * byte for byte, in every format.
 * Runs the built CLI and the built thread script (dist/), so it needs `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyze, MAX_FILES_READ, resolveConfig } from '../server/src/engine';
import { CliError } from '../server/src/cli/errors';
import { enoughDocumentsForPool, MIN_POOL_DOCUMENTS, poolThreads, reviewInPool, THREADS_VARIABLE, type PoolRequest } from '../server/src/cli/pool';
import { CliReader } from '../server/src/cli/reader';
import { discoverFiles } from '../server/src/workspace/discover';
import { runCli, STACK_TRACE } from './support/cli';
import { correlating } from './support/engine';

const THREAD_SCRIPT = join(__dirname, '..', 'dist', 'review-worker.js');
const SERVICES = 24;

/** A service's OpenAPI document: its own operations, and the shared files chosen by its number. */
function serviceDocument(n: number): string {
  const refs: string[] = [];
  if (n % 3 === 0) refs.push(`        '400': { description: bad, content: { application/json: { schema: { $ref: '../../shared/errors.yaml#/Error' } } } }`);
  if (n % 4 === 1) refs.push(`        '201': { description: made, content: { application/json: { schema: { $ref: '../../shared/user.yaml#/User' } } } }`);
  if (n === 7 || n === 11) refs.push(`        '409': { description: clash, content: { application/json: { schema: { $ref: '../../shared/broken.yaml#/Clash' } } } }`);
  if (n === 8 || n === 9) refs.push(`        '410': { description: gone, content: { application/json: { schema: { $ref: '../../shared/missing.yaml#/Gone' } } } }`);
  if (n === 10) refs.push(`        '202': { description: queued, content: { application/json: { schema: { $ref: '../svc-12/openapi.yaml#/components/schemas/Item' } } } }`);
  if (n === 16) refs.push(`        '203': { description: local, content: { application/json: { schema: { $ref: './schemas/item.yaml' } } } }`);
  const paging = n % 5 === 2 ? `\n        - $ref: '../../shared/paging.yaml#/limit'` : '';
  const ignore = n === 17 ? `\n      x-api-sentinel-ignore: { auth-missing: 'open by design' }` : '';
  return `openapi: 3.0.3
info: { title: Service ${n}, version: '1.${n}' }
servers:
  - url: http://svc-${n}.example.com
paths:
  /items/{itemId}:
    get:
      operationId: getItem${n}${ignore}
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: integer } }${paging}
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Item' } } } }
${refs.join('\n')}${refs.length ? '\n' : ''}    put:
      operationId: putItem${n}
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: integer } }
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Item' } } } }
      responses:
        '200': { description: ok }
components:
  schemas:
    Item:
      type: object
      properties:
        id: { type: integer }
        name: { type: string }
        tags: { type: array, items: { type: string } }
`;
}

/** Writes the monorepo under `root`. */
function writeMonorepo(root: string): void {
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (let n = 0; n < SERVICES; n++) write(`services/svc-${String(n).padStart(2, '0')}/openapi.yaml`, serviceDocument(n));
  write('services/svc-16/schemas/item.yaml', 'type: object\nproperties:\n  secret: { type: string }\n  notes: { type: string }\n');
  write('services/svc-13/swagger.yaml', `swagger: '2.0'
info: { title: Legacy, version: '1' }
host: legacy.example.com
schemes: [http]
paths:
  /orders/{id}:
    delete:
      parameters: [{ name: id, in: path, required: true, type: integer }]
      responses: { '204': { description: gone } }
`);
  write('services/svc-14/openapi.json', JSON.stringify({
    openapi: '3.1.0', info: { title: 'JSON service', version: '1' },
    paths: { '/users': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '../../shared/user.yaml#/User' } } } }, responses: { '200': { description: 'ok' } } } } },
  }, null, 2));
  write('services/svc-15/openapi.yaml', 'openapi: 3.0.3\ninfo: { title: Broken, version: 1\npaths: {}\n');
  write('services/svc-18/openapi.yaml', 'openapi: 9.9.9\ninfo: { title: Unknown version, version: "1" }\n');
  write('shared/errors.yaml', `Error:
  type: object
  properties:
    message: { type: string }
    password: { type: string }
    details: { type: array, items: { type: object } }
`);
  write('shared/user.yaml', `User:
  type: object
  properties:
    name: { type: string }
    isAdmin: { type: boolean }
    address: { $ref: './address.yaml#/Address' }
`);
  write('shared/address.yaml', 'Address:\n  type: object\n  properties:\n    street: { type: string }\n    token: { type: string }\n');
  write('shared/paging.yaml', 'limit: { name: limit, in: query, schema: { type: integer } }\n');
  write('shared/broken.yaml', 'Clash:\n  type: object\n  properties: { reason: [unclosed\n');
  write('shared/notes.yaml', 'title: release notes\nitems: [a, b]\n');
  write('config/settings.json', '{ "retries": 3 }\n');
  // one service's code, beside its document: compared with it in the same review
  write('services/svc-03/package.json', '{ "name": "svc-03", "private": true }\n');
  write('services/svc-03/src/app.js', [
    "const app = require('express')();",
    "app.get('/items/:id', (req, res) => res.json({}));",
    "app.put('/items/:id', (req, res) => res.json({}));",
    "app.get('/items/:id/history', (req, res) => res.json([]));",
  ].join('\n'));
  write('empty.yaml', '');
}

let root: string;
let preload: string;
let workersLog: string;

before(() => {
  assert.ok(existsSync(THREAD_SCRIPT), `${THREAD_SCRIPT} is missing: run 'npm run build' first`);
  root = mkdtempSync(join(tmpdir(), 'api-sentinel-pool-'));
  writeMonorepo(join(root, 'mono'));
  // counts the threads a CLI run starts (Node emits 'worker' on process for each)
  preload = join(root, 'count-threads.cjs');
  workersLog = join(root, 'threads.log');
  writeFileSync(preload, `process.on('worker', () => require('node:fs').appendFileSync(${JSON.stringify(workersLog)}, 'thread\\n'));\n`);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI in the monorepo with a number of threads; returns the run and how many threads it started. */
async function review(threads: number, args: string[]) {
  rmSync(workersLog, { force: true });
  const run = await runCli(['review', ...args], join(root, 'mono'), { [THREADS_VARIABLE]: String(threads), NODE_OPTIONS: `--require ${preload}` }, 60_000);
  const started = existsSync(workersLog) ? readFileSync(workersLog, 'utf8').split('\n').filter(Boolean).length : 0;
  return { ...run, started };
}

describe('the CLI on a monorepo: several threads give the one-thread report byte for byte', () => {
  const runs: [string, string[]][] = [
    ['the whole folder', ['.']],
    // named files are reported when they are not OpenAPI documents, and a named shared file is also read through refs
    ['folders and named files', ['services', 'shared/errors.yaml', 'shared/notes.yaml', 'empty.yaml', 'config/settings.json']],
  ];
  for (const [name, paths] of runs) {
    for (const format of ['json', 'sarif', 'text']) {
      test(`${name}, --format ${format}`, async () => {
        const serial = await review(1, ['--format', format, ...paths]);
        const pooled = await review(3, ['--format', format, ...paths]);
        assert.equal(serial.started, 0, 'API_SENTINEL_WORKERS=1 starts no thread');
        assert.equal(pooled.started, 3, 'the review ran on three threads');
        assert.equal(serial.code, 1, serial.stderr);
        assert.equal(pooled.stderr, '');
        assert.equal(pooled.code, serial.code);
        assert.equal(pooled.stdout, serial.stdout);
        if (format === 'json') {
          const report = JSON.parse(pooled.stdout) as { findings: { ruleId: string; family: string; file: string; operations: unknown[] }[]; problems: { code: string; file: string }[] };
          // what makes the monorepo a test: findings merged across documents, and every kind of problem
          const shared = report.findings.filter((f) => f.file.startsWith('shared/'));
          assert.ok(shared.some((f) => f.operations.length >= 4), 'a shared schema is one finding with the operations of several documents');
          const codes = new Set(report.problems.map((p) => p.code));
          for (const code of ['parse-error', 'ref-missing']) assert.ok(codes.has(code), `a ${code} problem`);
          assert.equal(report.problems.filter((p) => p.code === 'parse-error' && p.file === 'shared/broken.yaml').length, 1, 'a broken shared file is reported once');
          if (name === 'the whole folder') {
            const inventory = report.findings.filter((f) => correlating.has(f.ruleId)).map((f) => `${f.ruleId} ${f.file}`);
            assert.deepEqual(inventory, ['inventory-shadow-route services/svc-03/src/app.js'], 'the code is compared with its document');
          }
        }
      });
    }
  }

  test('a few documents are reviewed on the main thread', async () => {
    const documents = Array.from({ length: MIN_POOL_DOCUMENTS - 1 }, (_, n) => `services/svc-${String(n).padStart(2, '0')}/openapi.yaml`);
    const run = await review(4, ['--format', 'json', ...documents, 'shared']);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.started, 0);
  });

  test('API_SENTINEL_WORKERS that is not a number of threads is a one-line error', async () => {
    for (const value of ['0', 'two', '1.5', '-3']) {
      const run = await runCli(['review'], join(root, 'mono'), { [THREADS_VARIABLE]: value });
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `api-sentinel: ${THREADS_VARIABLE} must be a whole number of threads (1 or more), not '${value}'\n`);
    }
  });
});

describe('reviewInPool', () => {
  const config = resolveConfig();
  const requestFor = (paths: string[]): PoolRequest => {
    const { files, explicit } = discoverFiles(paths, join(root, 'mono'), config);
    return { root: join(root, 'mono'), files, explicit, config, fixes: true };
  };
  const serially = async (request: PoolRequest) => {
    const { findings, problems, documents, routes, frontends } = await analyze({ ...request, reader: new CliReader({ root: request.root, allowRemote: false }) });
    return { findings, problems, documents, routes, frontends };
  };

  test('joins the documents that read a file in common and analyses them again together; reports every file done', async () => {
    const request = requestFor(['.']);
    const done: string[] = [];
    const pooled = await reviewInPool(request, { threads: 2, script: THREAD_SCRIPT, onFileDone: (file) => done.push(file) });
    assert.deepEqual(pooled, await serially(request));
    assert.deepEqual([...new Set(done)].sort(), [...request.files].sort(), 'every candidate is reported done');
    assert.ok(done.length > request.files.length, 'units sharing files were analysed a second time, together');
  });

  test('one thread gives the same report, and without fixes (the text report) builds none', async () => {
    const request = requestFor(['services', 'shared/errors.yaml', 'empty.yaml']);
    const withoutFixes = { ...request, fixes: false };
    const pooled = await reviewInPool(withoutFixes, { threads: 1, script: THREAD_SCRIPT });
    assert.deepEqual(pooled, await serially(withoutFixes));
    const fixCount = (result: { findings: { fixes: unknown[] }[] } | undefined) => result!.findings.reduce((n, f) => n + f.fixes.length, 0);
    assert.ok(fixCount(pooled) < fixCount(await serially(request)), 'fewer fixes than a review that builds them');
  });

  test('leaves to one analysis a review that reaches the engine\'s read limit', async () => {
    // MAX_FILES_READ small files that are not OpenAPI, beside the documents: one analysis stops reading at the limit
    const many = mkdtempSync(join(tmpdir(), 'api-sentinel-pool-limit-'));
    try {
      for (let n = 0; n < MIN_POOL_DOCUMENTS; n++) writeFileSync(join(many, `api-${n}.yaml`), serviceDocument(n * 4 + 2));
      mkdirSync(join(many, 'data'));
      for (let n = 0; n < MAX_FILES_READ; n++) writeFileSync(join(many, 'data', `${n}.json`), '{}');
      const { files, explicit } = discoverFiles(['.'], many, config);
      const request: PoolRequest = { root: many, files, explicit, config, fixes: false };
      assert.equal(await reviewInPool(request, { threads: 2, script: THREAD_SCRIPT }), undefined);
      assert.ok((await serially(request)).problems.some((p) => p.code === 'limit-exceeded'), 'one analysis stops at the limit');
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  /** A thread script that misbehaves as `body` says, in a file of its own. */
  const brokenThread = (name: string, body: string) => {
    const script = join(root, `${name}.cjs`);
    writeFileSync(script, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
    return script;
  };

  for (const [name, body, message] of [
    ['exits', `parentPort.on('message', () => process.exit(3));`, /^a review thread stopped \(exit code 3\)$/],
    ['throws', `parentPort.on('message', () => { throw new Error('out of cheese\\n  at somewhere'); });`, /^a review thread failed: out of cheese$/],
    ['does not load', `throw new TypeError('no such thing');`, /^a review thread failed: no such thing$/],
    ['answers nonsense', `parentPort.on('message', ({ unit }) => parentPort.postMessage({ type: 'done', unit, result: {} }));`, /^a review thread sent a message that cannot be used: TypeError: /],
  ] as const) {
    test(`a thread that ${name} ends the review with one line, without waiting`, async () => {
      const request = requestFor(['.']);
      await assert.rejects(reviewInPool(request, { threads: 2, script: brokenThread(name.replace(/ /g, '-'), body) }), (error: Error) => {
        assert.ok(error instanceof CliError, String(error));
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, STACK_TRACE);
        return true;
      });
    });
  }
});

describe('pool size and threshold', () => {
  test(`${THREADS_VARIABLE} sets the threads; by default the machine's parallelism, at most 8`, () => {
    assert.equal(poolThreads({}), Math.min(availableParallelism(), 8));
    assert.equal(poolThreads({ [THREADS_VARIABLE]: '' }), Math.min(availableParallelism(), 8));
    assert.equal(poolThreads({ [THREADS_VARIABLE]: '1' }), 1);
    assert.equal(poolThreads({ [THREADS_VARIABLE]: '12' }), 12);
    assert.throws(() => poolThreads({ [THREADS_VARIABLE]: 'many' }), CliError);
  });

  test(`a pool needs ${MIN_POOL_DOCUMENTS} OpenAPI documents among the candidates`, () => {
    const mono = join(root, 'mono');
    const docs = (count: number) => Array.from({ length: count }, (_, n) => join(mono, `services/svc-${String(n).padStart(2, '0')}/openapi.yaml`));
    const others = ['shared/errors.yaml', 'shared/notes.yaml', 'empty.yaml', 'config/settings.json'].map((f) => join(mono, f));
    assert.equal(enoughDocumentsForPool([...others, ...docs(MIN_POOL_DOCUMENTS - 1)], mono, 1024 * 1024), false);
    assert.equal(enoughDocumentsForPool([...docs(MIN_POOL_DOCUMENTS - 1), ...others, ...docs(MIN_POOL_DOCUMENTS).slice(-1)], mono, 1024 * 1024), true);
  });
});

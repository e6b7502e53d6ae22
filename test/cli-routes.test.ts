/**
 * Route code in the built CLI: `review` finds specs and route code together and its JSON carries the route table;
 * `routes` prints that table as text, JSON or an OpenAPI skeleton; TypeScript stays in its own bundle, loaded only when
 * there is route code to read; bad route code never stops a review; `--diff` compares route findings by identity.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { bundle } from './support/bundles';
import { CLI_FIXTURES, copyFixture, removeCopies, runCli, STACK_TRACE, type CliRun } from './support/cli';
import { git, GIT_ENV, removeTemporaryFolders, repositoryWith, temporaryFolder, writeFiles } from './support/git-repo';
import { sarifErrors } from './support/sarif-schema';
import { correlating } from './support/engine';

after(removeCopies);
after(removeTemporaryFolders);

const ROUTES = join(CLI_FIXTURES, 'routes');
const CLEAN = join(CLI_FIXTURES, 'clean');

interface Link { name: string; kind: string; scope: string }
interface RouteEntry { method: string; path: string; framework: string; file: string; range: { start: { line: number } }; chain: Link[] }
interface Report {
  findings: { ruleId: string; family: string; severity: string; file: string; operations: unknown[]; related: { file: string; message: string }[] }[];
  problems: { code: string; file: string; severity: string; message: string }[];
  routes: RouteEntry[];
  summary: { documents: number; routes: number; frontends: string[] };
}

function report(run: CliRun): Report {
  assert.equal(run.stderr, '', 'nothing on stderr');
  return JSON.parse(run.stdout) as Report;
}

describe('review', () => {
  test('finds specs and route code together; the JSON carries the route table and the frontends that ran', async () => {
    const run = await runCli(['review', '--format', 'json'], ROUTES);
    assert.equal(run.code, 1);
    const result = report(run);
    assert.deepEqual(result.summary.frontends, ['spec', 'code']);
    assert.equal(result.summary.documents, 1);
    assert.equal(result.summary.routes, 5);
    assert.deepEqual(result.routes.map((r) => `${r.method} ${r.path} ${r.file}:${r.range.start.line + 1}`), [
      'POST /login src/app.ts:11', 'GET /orders src/app.ts:14', 'ALL /echo src/app.ts:15',
      'GET /users/search src/routes/users.ts:5', 'GET /users/{id} src/routes/users.ts:6',
    ]);
    assert.deepEqual(Object.keys(result.routes[0]), ['method', 'path', 'framework', 'file', 'range', 'chain', 'handler']);
    assert.deepEqual(result.routes[1].chain.map((l) => `${l.scope}:${l.kind}:${l.name}`), ['global:other:express.json', 'global:auth:requireAuth']);
    // the spec documents one of the five routes: the other four are shadow routes
    assert.deepEqual(result.findings.filter((f) => correlating.has(f.ruleId)).map((f) => [f.ruleId, f.operations[0]]), [
      ['inventory-shadow-route', { method: 'POST', path: '/login' }], ['inventory-shadow-route', { method: 'ALL', path: '/echo' }],
      ['inventory-shadow-route', { method: 'GET', path: '/users/search' }], ['inventory-shadow-route', { method: 'GET', path: '/users/{id}' }],
    ]);
    const findings = result.findings.filter((f) => !correlating.has(f.ruleId));
    assert.deepEqual(findings.map((f) => [f.ruleId, f.family, f.severity, f.file, f.operations]), [
      ['code-auth-missing', 'auth', 'error', 'src/routes/users.ts', [{ method: 'GET', path: '/users/search' }]],
      ['code-rate-limit-missing', 'rate-limit', 'warning', 'src/routes/users.ts', [{ method: 'GET', path: '/users/search' }]],
      ['code-auth-missing', 'auth', 'error', 'src/routes/users.ts', [{ method: 'GET', path: '/users/{id}' }]],
    ]);
    assert.deepEqual(findings[1].related.map((r) => r.message), ['loginLimiter (express-rate-limit) limits POST /login from here', 'loginLimiter is defined here']);
  });

  test('the text report is unchanged but for the new findings, and counts documents and routes', async () => {
    const run = await runCli(['review'], ROUTES);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^src\/routes\/users\.ts\n {2}5:11 {2}error {4}GET \/users\/search accepts anonymous requests although it serves user data/m);
    assert.match(run.stdout, /code-rate-limit-missing {2}API4:2023,API2:2023\n/);
    assert.match(run.stdout, /✖ 7 problems \(2 errors, 5 warnings\) in 1 document and 5 routes\n$/);
  });

  test('SARIF: route findings are valid results, with the protection as a related location and a fingerprint from the route key', async () => {
    const run = await runCli(['review', '--format', 'sarif'], ROUTES);
    const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; relatedLocations?: unknown[]; partialFingerprints: Record<string, string> }[] }[] };
    assert.equal(sarifErrors(log), '');
    const code = log.runs[0].results.filter((r) => r.ruleId.startsWith('code-'));
    assert.equal(code.length, 3);
    assert.ok(code.every((r) => (r.relatedLocations ?? []).length === 2));
    assert.equal(new Set(code.map((r) => Object.values(r.partialFingerprints)[0])).size, 3);
  });

  test('a review of specs alone never loads the code frontend', async () => {
    const run = await runCli(['review', '--format', 'json'], CLEAN);
    assert.deepEqual([report(run).summary.frontends, report(run).routes], [['spec'], []]);
  });

  test('a suppression comment written above the route is honoured and shown as suppressed', async () => {
    const dir = copyFixture('routes');
    const file = join(dir, 'src', 'routes', 'users.ts');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(5, 0, '// api-sentinel-ignore code-auth-missing: ids are unguessable and the profiles are public');
    writeFileSync(file, lines.join('\n'));
    const result = report(await runCli(['review', '--format', 'json'], dir));
    const suppressed = result.findings.filter((f) => 'suppressed' in f);
    assert.deepEqual(suppressed.map((f) => [f.ruleId, f.operations]), [['code-auth-missing', [{ method: 'GET', path: '/users/{id}' }]]]);
  });
});

describe('bundles', () => {
  /** Strings of the TypeScript compiler's own source, present wherever it is bundled. */
  const COMPILER = ['createSourceFile', 'versionMajorMinor'];

  test('TypeScript is in dist/code-frontend.js alone: the CLI, the language server and the Spectral adapter do not hold it', () => {
    const frontend = readFileSync(bundle('code-frontend.js'), 'utf8');
    for (const marker of COMPILER) assert.ok(frontend.includes(marker), `code-frontend.js holds ${marker}`);
    for (const name of ['cli.js', 'cli-main.js', 'server.js', 'analysis-worker.js', 'spectral-adapter.mjs']) {
      const path = bundle(name);
      const text = readFileSync(path, 'utf8');
      for (const marker of COMPILER) assert.ok(!text.includes(marker), `${name} holds ${marker}: TypeScript leaked into it`);
      assert.ok(statSync(path).size < 2_000_000, `${name} is ${statSync(path).size} bytes`);
    }
  });

  // module.enableCompileCache arrived in Node 22.1: older versions compile every bundle on every run
  const compileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  test('on Node 22.1 and later, compiled code is kept in the temporary folder for later reviews, which report the same', { skip: !compileCache && `Node ${process.version} has no compile cache` }, async () => {
    const tmp = temporaryFolder('compile-cache');
    const first = await runCli(['review', '--format', 'json'], ROUTES, { TMPDIR: tmp });
    const cached = readdirSync(join(tmp, 'node-compile-cache'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    assert.ok(cached.length > 0, 'compiled code is kept');
    const second = await runCli(['review', '--format', 'json'], ROUTES, { TMPDIR: tmp });
    assert.equal(second.stdout, first.stdout);
    assert.equal(report(second).routes.length > 0, true);
  });

  test('on Node 20, the command line keeps V8\'s code of its own bundle after a review, not after --version; later reviews report the same', { skip: compileCache && `Node ${process.version} keeps compiled code itself` }, async () => {
    const tmp = temporaryFolder('cli-code-cache');
    const cacheDir = join(tmp, `api-sentinel-code-cache-${process.getuid?.() ?? ''}`.replace(/-$/, ''));
    const cached = () => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache')).map((name) => `${name} ${statSync(join(cacheDir, name)).mtimeMs}`);
    const version = await runCli(['--version'], CLEAN, { TMPDIR: tmp });
    assert.equal(version.code, 0);
    assert.equal(readdirSync(tmp).length, 0, 'nothing kept after --version');
    const first = await runCli(['review', '--format', 'json'], CLEAN, { TMPDIR: tmp });
    const kept = cached();
    assert.equal(kept.length, 1, 'the command line\'s bundle is kept (the clean project has no route code)');
    const second = await runCli(['review', '--format', 'json'], CLEAN, { TMPDIR: tmp });
    assert.deepEqual(cached(), kept, 'the entry kept is used, not written again');
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, '');
  });

  test('without code-frontend.js beside it, the CLI reviews the specs and says that route code was not reviewed', async () => {
    const dir = copyFixture('routes');
    for (const name of ['cli.js', 'cli-main.js']) copyFileSync(bundle(name), join(dir, name));
    const run = await runCli(['review', '--format', 'json'], dir, {}, 30_000, join(dir, 'cli.js'));
    const result = report(run);
    assert.equal(run.code, 1);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity]), [['code-analysis-unavailable', 'error']]);
    assert.match(result.problems[0].message, /^Route code was not reviewed: code-frontend\.js cannot be loaded from beside cli-main\.js/);
    assert.equal(result.summary.documents, 1);
    assert.deepEqual(result.routes, []);
  });
});

describe('routes', () => {
  test('text: one line per route, where it is registered and what protects it', async () => {
    const run = await runCli(['routes'], ROUTES);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, [
      'POST /login        src/app.ts:11          no auth; loginLimiter (rate-limit)',
      'GET /orders        src/app.ts:14          protected by requireAuth (auth)',
      'ALL /echo          src/app.ts:15          protected by requireAuth (auth)',
      'GET /users/search  src/routes/users.ts:5  no auth',
      'GET /users/{id}    src/routes/users.ts:6  no auth',
      '',
    ].join('\n'));
  });

  test('json: the route table and the problems; paths narrow what is read', async () => {
    const run = await runCli(['routes', '--format', 'json', 'src/routes'], ROUTES);
    const result = JSON.parse(run.stdout) as { version: number; routes: RouteEntry[]; problems: unknown[] };
    assert.deepEqual(Object.keys(result), ['version', 'routes', 'problems']);
    assert.deepEqual(result.routes.map((r) => [r.method, r.path, r.framework]), [['GET', '/search', 'express'], ['GET', '/{id}', 'express']],
      'a router no app mounts keeps its own paths');
  });

  test('openapi: a 3.1 skeleton with path parameters and security only where the code enforces auth, which reviews cleanly', async () => {
    const dir = copyFixture('routes');
    const run = await runCli(['routes', '--format', 'openapi', '--output', 'skeleton/openapi.yaml'], dir);
    assert.equal(run.code, 0);
    const text = readFileSync(join(dir, 'skeleton', 'openapi.yaml'), 'utf8');
    const spec = load(text) as { openapi: string; paths: Record<string, Record<string, { security?: unknown; parameters?: { name: string; in: string }[] }>>; components: unknown };
    assert.equal(spec.openapi, '3.1.0');
    assert.deepEqual(Object.keys(spec.paths), ['/login', '/orders', '/users/search', '/users/{id}']);
    assert.deepEqual(spec.paths['/orders'].get.security, [{ bearerAuth: [] }]);
    assert.equal(spec.paths['/login'].post.security, undefined);
    assert.deepEqual(spec.paths['/users/{id}'].get.parameters!.map((p) => [p.name, p.in]), [['id', 'path']]);
    assert.deepEqual(spec.components, { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Placeholder: describe how callers authenticate. The code enforces auth on the operations that list it.' } } });
    assert.match(text, /^ {2}# ALL \/echo \(src\/app\.ts:15\) answers every method: not listed$/m);
    const reviewed = report(await runCli(['review', '--format', 'json', 'skeleton/openapi.yaml'], dir));
    assert.deepEqual(reviewed.problems, []);
    assert.ok(reviewed.findings.some((f) => f.ruleId === 'auth-missing'), 'the routes the code leaves open show as open');
  });

  test('an unknown format is a usage error', async () => {
    const run = await runCli(['routes', '--format', 'sarif'], ROUTES);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--format 'sarif' is not one of text, json, openapi/);
  });
});

describe('bad route code never stops a review', () => {
  test('a file that does not parse, an import cycle, a 5 MB generated file, a minified bundle in dist/, a dynamic require', async () => {
    const dir = temporaryFolder('bad-code');
    writeFiles(dir, {
      'src/app.js': "const app = require('express')();\nrequire('./a');\nfor (const name of ['x', 'y']) app.use(require('./plugins/' + name));\napp.post('/login', (req, res) => res.end());\n",
      'src/broken.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/half', (req, res) => {\n",
      'src/a.js': "require('./b');\nmodule.exports = 1;\n",
      'src/b.js': "require('./a');\nmodule.exports = 2;\n",
      'src/generated/client.ts': `// @generated\n${'export const v = [1, 2, 3];\n'.repeat(190_000)}`,
      'dist/bundle.min.js': `var a=${'1+'.repeat(30_000)}1;`,
      'dist/server.js': `var b=${'2+'.repeat(30_000)}2;`,
    });
    const run = await runCli(['review', '--format', 'json', '.', 'dist/server.js'], dir);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
    const result = report(run);
    assert.deepEqual(result.problems.map((p) => [p.code, p.file, p.severity]), [
      ['code-file-skipped', 'dist/server.js', 'info'],
      ['code-unresolved-import', 'src/app.js', 'warning'],
      ['code-parse-error', 'src/broken.ts', 'error'],
      ['code-file-skipped', 'src/generated/client.ts', 'warning'],
    ]);
    assert.deepEqual(result.routes.map((r) => `${r.method} ${r.path}`), ['POST /login', 'GET /half']);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['code-rate-limit-missing']);
  });
});

describe('--diff', () => {
  test('route findings match by rule, file and route key: a moved route is unchanged, a new open route is new', async () => {
    const app = (routes: string[]) => [
      "const app = require('express')();",
      "const { requireAuth } = require('./auth');",
      ...routes,
      'app.use(requireAuth);',
      "app.get('/orders', (req, res) => res.end());",
      'module.exports = app;',
    ].join('\n');
    const repo = repositoryWith({
      'package.json': '{ "name": "shop" }',
      'auth.js': 'exports.requireAuth = (req, res, next) => (req.user ? next() : res.sendStatus(401));',
      'app.js': app(["app.delete('/carts/:id', (req, res) => res.end());"]),
    }, 'code-diff');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(repo, { 'app.js': app(['// a comment moves the route down', "app.delete('/carts/:id', (req, res) => res.end());", "app.put('/carts/:id', (req, res) => res.end());"]) });
    const run = await runCli(['review', '--diff', 'main', '--format', 'json'], repo, GIT_ENV);
    const result = JSON.parse(run.stdout) as Report & { unchanged: number; fixed: unknown[] };
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.operations]), [['code-auth-missing', [{ method: 'PUT', path: '/carts/{id}' }]]]);
    assert.deepEqual([result.unchanged, result.fixed], [1, []]);
  });
});

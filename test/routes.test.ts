/**
 * Route facts from code: the exact route table of each framework fixture (vulnerable and hardened), the module graph
 * (tsconfig paths, re-exports, CommonJS, cycles), the middleware classifier, path templates, and broken input.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeRoutes, EXTRACTORS, type RouteOptions } from '../server/src/engine/code';
import { Routing } from '../server/src/engine/code/routing';
import { loadModules } from '../server/src/engine/code/modules';
import { Resolver } from '../server/src/engine/code/resolve';
import { ParseCache } from '../server/src/engine/spec/load';
import { Classifier, safeRegExp } from '../server/src/engine/code/classify';
import { covers, joinPaths, toPattern, toTemplate } from '../server/src/engine/code/templates';
import { analyzeMemory, assertRouteTable, chainOf, codeFiles, diskReader, FIXTURES, memoryReader } from './support/routes';

describe('Express fixtures', () => {
  const base = ['global:other:helmet', 'global:other:cors', 'global:other:express.json'];
  const authed = [...base, 'global:auth:requireAuth'];

  test('vulnerable: routes before the auth middleware are public, a role check by name only is unknown', async () => {
    const dir = join(FIXTURES, 'express', 'vulnerable');
    const result = await assertRouteTable(dir, [
      ['GET /health', 'src/app.ts', "'/health'", base],
      ['POST /auth/login', 'src/app.ts', "'/auth/login'", base],
      ['GET /api/admin/stats', 'src/routes/admin.js', "'/stats'", [...authed, 'route:unknown:isAdmin']],
      ['DELETE /api/admin/users/{id}', 'src/routes/admin.js', "'/users/:id'", [...authed, 'route:unknown:isAdmin']],
      ['GET /api/orders', 'src/routes/orders.ts', "'/'", authed],
      ['POST /api/orders', 'src/routes/orders.ts', "'/'", [...authed, 'route:other:validateOrder']],
      ['GET /api/orders/{orderId}', 'src/routes/orders.ts', "'/:orderId'", authed],
      ['GET /api/users', 'src/routes/users.ts', "'/'", base],
      ['GET /api/users/{id}', 'src/routes/users.ts', 'get', base],
      ['PUT /api/users/{id}', 'src/routes/users.ts', 'put', base],
      ['DELETE /api/users/{id}', 'src/routes/users.ts', 'delete', base],
    ]);
    const stats = result.routes.find((r) => r.key === 'GET /api/admin/stats')!;
    const [auth, isAdmin] = stats.chain.slice(3);
    assert.equal(auth.evidence, 'calls jsonwebtoken.verify and answers 401');
    assert.deepEqual(auth.definedAt, { file: 'src/middleware/auth.ts', range: { start: { line: 4, character: 16 }, end: { line: 4, character: 27 } } });
    assert.equal(auth.appliedAt.file, 'src/app.ts');
    assert.deepEqual(auth.appliedAt.range.start, { line: 21, character: 8 });
    assert.equal(isAdmin.evidence, 'named like auth middleware, but it neither verifies a credential nor rejects the request');
    assert.equal(isAdmin.definedAt?.file, 'src/middleware/roles.js');
    const health = result.routes.find((r) => r.key === 'GET /health')!;
    assert.deepEqual(health.handler, { file: 'src/controllers/session.ts', range: { start: { line: 4, character: 16 }, end: { line: 4, character: 22 } }, name: 'health' });
    const inline = result.routes.find((r) => r.key === 'GET /api/users')!.handler!;
    assert.equal(inline.name, undefined);
    assert.deepEqual(inline.range.start, { line: 6, character: 21 });
    assert.deepEqual(result.inputs.sort(), ['src/app.ts', 'src/controllers/session.ts', 'src/db.ts', 'src/middleware/auth.ts', 'src/middleware/roles.js',
      'src/routes/admin.js', 'src/routes/orders.ts', 'src/routes/users.ts', 'src/server.ts', 'tsconfig.json']);
  });

  test('hardened: limiter on login, jwt with an opt-out, a role guard by effect, a tenant guard named in config', async () => {
    const dir = join(FIXTURES, 'express', 'hardened');
    const api = ['global:other:helmet', 'global:other:express.json', 'global:rate-limit:apiLimiter', 'global:auth:authenticate'];
    const result = await assertRouteTable(dir, [
      ['GET /health', 'src/app.ts', "'/health'", ['global:other:helmet', 'global:other:express.json']],
      ['POST /auth/login', 'src/app.ts', "'/auth/login'", ['global:other:helmet', 'global:other:express.json', 'route:rate-limit:loginLimiter']],
      ['GET /api/docs', 'src/app.ts', "'/api/docs'", ['global:other:helmet', 'global:other:express.json', 'global:rate-limit:apiLimiter']],
      ['GET /api/admin/stats', 'src/routes/admin.js', "'/stats'", [...api, 'router:auth:requireRole']],
      ['DELETE /api/admin/users/{id}', 'src/routes/admin.js', "'/users/:id'", [...api, 'router:auth:requireRole']],
      ['GET /api/orders', 'src/routes/orders.ts', "'/'", api],
      ['POST /api/orders', 'src/routes/orders.ts', "'/'", [...api, 'route:other:validateOrder']],
      ['GET /api/orders/{orderId}', 'src/routes/orders.ts', "'/:orderId'", api],
      ['GET /api/users', 'src/routes/users.ts', "'/'", [...api, 'global:auth:requireTenant']],
      ['GET /api/users/{id}', 'src/routes/users.ts', 'get', [...api, 'global:auth:requireTenant']],
      ['PUT /api/users/{id}', 'src/routes/users.ts', 'put', [...api, 'global:auth:requireTenant']],
      ['DELETE /api/users/{id}', 'src/routes/users.ts', 'delete', [...api, 'global:auth:requireTenant']],
    ], { authMiddleware: ['requireTenant'] });
    const stats = result.routes.find((r) => r.key === 'GET /api/admin/stats')!.chain;
    assert.deepEqual(stats.slice(2).map((l) => l.evidence), ['express-rate-limit', 'express-jwt', 'answers 403']);
    assert.equal(stats[2].definedAt?.file, 'src/middleware/limits.ts', 'followed through the re-exporting index');
    assert.equal(stats[4].definedAt?.file, 'src/middleware/roles.ts');
    const tenant = result.routes.find((r) => r.key === 'GET /api/users')!.chain[4];
    assert.equal(tenant.evidence, 'named in .api-sentinel.yaml');
    const orders = result.routes.find((r) => r.key === 'POST /api/orders')!.chain[4];
    assert.deepEqual(orders.appliedAt.range.start, { line: 14, character: 19 }, 'a spread middleware is applied at the spread');
  });

  test('hardened without the config: the tenant guard from an unknown package is unknown', async () => {
    const dir = join(FIXTURES, 'express', 'hardened');
    const result = await analyzeRoutes({ root: dir, files: codeFiles(dir), reader: diskReader });
    const tenant = result.routes.find((r) => r.key === 'GET /api/users')!.chain[4];
    assert.deepEqual([tenant.kind, tenant.evidence], ['unknown', 'from the package @acme/tenancy, not a known middleware']);
  });
});

describe('Koa fixtures', () => {
  test('vulnerable: routers mounted before authentication are public; after it, covered', async () => {
    const dir = join(FIXTURES, 'koa', 'vulnerable');
    const body = ['global:other:bodyParser'];
    const result = await assertRouteTable(dir, [
      ['GET /admin/audit', 'src/routes/admin.js', "'/audit'", [...body, 'global:auth:authenticate']],
      ['GET /api/me', 'src/routes/api.js', "'/me'", body],
      ['GET /api/projects', 'src/routes/projects.js', "'/'", body],
      ['GET /api/projects/{id}', 'src/routes/projects.js', "'/:id'", body],
      ['DELETE /api/projects/{id}', 'src/routes/projects.js', "'/:id'", body],
      ['POST /login', 'src/routes/public.js', "'/login'", body],
      ['GET /health', 'src/routes/public.js', "'/health'", body],
    ]);
    assert.equal(result.routes[0].chain[1].evidence, 'calls jose.jwtVerify and answers 401');
  });

  test('hardened: koa-jwt with .unless, a limiter on login, a member check by effect, a scope check named in config', async () => {
    const dir = join(FIXTURES, 'koa', 'hardened');
    const api = ['global:other:bodyParser', 'global:auth:jwt', 'router:auth:requireMember'];
    const result = await assertRouteTable(dir, [
      ['GET /api/me', 'src/routes/api.ts', "'/me'", api],
      ['GET /api/projects', 'src/routes/projects.ts', "'/'", api],
      ['GET /api/projects/{id}', 'src/routes/projects.ts', "'/:id'", api],
      ['DELETE /api/projects/{id}', 'src/routes/projects.ts', "'/:id'", [...api, 'route:auth:checkScope']],
      ['POST /login', 'src/routes/public.ts', "'/login'", ['global:other:bodyParser', 'route:rate-limit:loginLimit']],
      ['GET /health', 'src/routes/public.ts', "'/health'", ['global:other:bodyParser']],
    ], { authMiddleware: ['checkScope'] });
    assert.deepEqual(result.routes[0].chain.map((l) => l.evidence), ['koa-bodyparser', 'koa-jwt', 'answers 403']);
  });
});

describe('Hono fixtures', () => {
  test('vulnerable: basePath, sub-apps, chained path-less methods, a route before basicAuth is public', async () => {
    const dir = join(FIXTURES, 'hono', 'vulnerable');
    const basic = ['global:other:logger', 'router:auth:basicAuth'];
    const notes = ['global:other:logger', 'global:other:cors'];
    const result = await assertRouteTable(dir, [
      ['GET /api/admin/users', 'src/routes/admin.ts', "'/users'", ['global:other:logger']],
      ['DELETE /api/admin/users/{id}', 'src/routes/admin.ts', "'/users/:id'", basic],
      ['PUT /api/admin/users/{id}', 'src/routes/admin.ts', "'/users/:id'", basic],
      ['POST /api/auth/login', 'src/routes/auth.ts', "'/login'", ['global:other:logger']],
      ['GET /api/notes', 'src/routes/notes.ts', "'/'", notes],
      ['GET /api/notes/{id}', 'src/routes/notes.ts', "'/:id'", notes],
      ['DELETE /api/notes/{id}', 'src/routes/notes.ts', 'delete', notes],
    ]);
    assert.equal(result.routes[1].chain[1].evidence, 'hono/basic-auth (HTTP Basic authentication, a weak scheme)');
  });

  test('hardened: jwt on path patterns, an admin check by effect through createMiddleware, a limiter on login, a guard named in config', async () => {
    const dir = join(FIXTURES, 'hono', 'hardened');
    const admin = ['global:other:logger', 'global:auth:jwt', 'global:auth:requireAdmin'];
    const notes = ['global:other:logger', 'global:auth:(inline function)', 'router:auth:tenantGuard'];
    const result = await assertRouteTable(dir, [
      ['GET /api/admin/users', 'src/routes/admin.ts', "'/users'", admin],
      ['DELETE /api/admin/users/{id}', 'src/routes/admin.ts', "'/users/:id'", admin],
      ['PUT /api/admin/users/{id}', 'src/routes/admin.ts', "'/users/:id'", admin],
      ['POST /api/auth/login', 'src/routes/auth.ts', "'/login'", ['global:other:logger', 'route:rate-limit:loginLimit']],
      ['GET /api/notes', 'src/routes/notes.ts', "'/'", notes],
      ['GET /api/notes/{id}', 'src/routes/notes.ts', "'/:id{[0-9]+}'", notes],
      ['DELETE /api/notes/{id}', 'src/routes/notes.ts', "'/:id{[0-9]+}'", notes],
    ], { authMiddleware: ['tenantGuard'] });
    assert.deepEqual(result.routes[0].chain.map((l) => l.evidence), ['hono/logger', 'hono/jwt', 'answers 403']);
    assert.equal(result.routes[4].chain[1].evidence, 'calls hono/jwt');
  });
});

// ---- the module graph and the resolver ----

describe('modules', () => {
  test('tsconfig paths (through extends, with comments), baseUrl, source twins of .js imports, index files, packages and assets', async () => {
    const files = {
      '/p/tsconfig.base.json': '{\n  // shared\n  "compilerOptions": { "paths": { "@lib/*": ["lib/*"], "config": ["lib/config/index.ts"] }, },\n}',
      '/p/tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "baseUrl": "src" } }',
      '/p/src/main.ts': [
        "import { a } from '@lib/a';", "import config from 'config';", "import b from 'util/b';", "import c from './c.js';",
        "import d from './dir';", "import express from 'express';", "import data from './data.json';", "import gone from '@lib/gone';",
        "import nope from './nope';",
      ].join('\n'),
      '/p/src/lib/a.ts': 'export const a = 1;',
      '/p/src/lib/config/index.ts': 'export default {};',
      '/p/src/util/b.ts': 'export default 2;',
      '/p/src/c.ts': 'export default 3;',
      '/p/src/dir/index.js': 'module.exports = 4;',
    };
    const graph = await loadModules({ root: '/p', files: ['/p/src/main.ts'], reader: memoryReader(files) });
    const main = graph.modules.get('/p/src/main.ts')!;
    assert.deepEqual(Object.fromEntries(main.refs), {
      '@lib/a': { kind: 'file', path: '/p/src/lib/a.ts' },
      config: { kind: 'file', path: '/p/src/lib/config/index.ts' },
      'util/b': { kind: 'file', path: '/p/src/util/b.ts' },
      './c.js': { kind: 'file', path: '/p/src/c.ts' },
      './dir': { kind: 'file', path: '/p/src/dir/index.js' },
      express: { kind: 'package', specifier: 'express' },
      './data.json': { kind: 'asset', specifier: './data.json' },
      '@lib/gone': { kind: 'missing', specifier: '@lib/gone' },
      './nope': { kind: 'missing', specifier: './nope' },
    });
    assert.deepEqual(graph.inputs.sort(), ['src/c.ts', 'src/dir/index.js', 'src/lib/a.ts', 'src/lib/config/index.ts', 'src/main.ts', 'src/util/b.ts', 'tsconfig.base.json', 'tsconfig.json']);
    assert.deepEqual(graph.problems, []);
  });

  test('a broken tsconfig.json is a problem at its position; what it still says is used', async () => {
    const files = { '/p/tsconfig.json': '{ "compilerOptions": { "baseUrl": "." "paths": {} } }', '/p/a.ts': "import b from 'b';\nimport express from 'express';", '/p/b.ts': 'export default 1;' };
    const graph = await loadModules({ root: '/p', files: ['/p/a.ts'], reader: memoryReader(files) });
    assert.deepEqual(graph.problems, [{ file: 'tsconfig.json', severity: 'warning', code: 'code-config-error', message: "Invalid tsconfig.json: ',' expected.",
      range: { start: { line: 0, character: 38 }, end: { line: 0, character: 45 } } }]);
    assert.deepEqual(Object.fromEntries(graph.modules.get('/p/a.ts')!.refs), { b: { kind: 'file', path: '/p/b.ts' }, express: { kind: 'package', specifier: 'express' } });
  });

  /** The declaration the resolver finds for a module's export, as `file: text of its start`. */
  async function exportedAs(files: Record<string, string>, entry: string, name: string): Promise<string> {
    const graph = await loadModules({ root: '/p', files: [entry], reader: memoryReader(files) });
    const resolver = new Resolver(graph);
    const value = resolver.exportOf(graph.modules.get(entry)!, name);
    if (value.kind === 'node') return `${value.module.relPath}: ${value.node.getText().split('\n')[0].slice(0, 40)}`;
    if (value.kind === 'external') return `${value.specifier} ${value.path.join(' ')}`;
    return value.kind === 'unknown' || value.kind === 'unresolved' ? `${value.kind}: ${value.reason}` : value.kind;
  }

  test('re-exports: export *, export { x as y } from, export { default as z } from, export * as ns from, across files', async () => {
    const files = {
      '/p/index.ts': "export * from './a';\nexport { renamed as again } from './b';\nexport { default as main } from './c';\nexport * as ns from './c';\nexport { limit } from 'express-rate-limit';",
      '/p/a.ts': "export function hello() {}\nexport * from './b';",
      '/p/b.ts': 'const inner = () => 1;\nexport { inner as renamed };\nexport const deep = (req, res, next) => next();',
      '/p/c.ts': 'export default function handler() {}\nexport const other = 1;',
    };
    assert.equal(await exportedAs(files, '/p/index.ts', 'hello'), 'a.ts: export function hello() {}');
    assert.equal(await exportedAs(files, '/p/index.ts', 'deep'), 'b.ts: (req, res, next) => next()');
    assert.equal(await exportedAs(files, '/p/index.ts', 'again'), 'b.ts: () => 1');
    assert.equal(await exportedAs(files, '/p/index.ts', 'main'), 'c.ts: export default function handler() {}');
    assert.equal(await exportedAs(files, '/p/index.ts', 'ns'), 'namespace');
    assert.equal(await exportedAs(files, '/p/index.ts', 'limit'), 'express-rate-limit limit');
    assert.equal(await exportedAs(files, '/p/index.ts', 'absent'), "unknown: index.ts does not export 'absent'");
  });

  test('CommonJS: module.exports, exports.x, object exports, destructured and member requires, import = require, default import of CommonJS', async () => {
    const files = {
      '/p/main.ts': [
        "import router from './router';", "import { check } from './checks';", "import helpers = require('./helpers');",
        "const { limit: lim } = require('./checks');", "const verify = require('./checks').verify;", "const jwt = require('jsonwebtoken');",
        'export { router, check, helpers, lim, verify };', 'export const v = jwt.verify;',
      ].join('\n'),
      '/p/router.js': "const express = require('express');\nconst r = express.Router();\nmodule.exports = r;",
      '/p/checks.js': "exports.check = function check() {};\nmodule.exports.verify = (t) => t;\nexports.limit = 5;",
      '/p/helpers.js': 'function a() {}\nmodule.exports = { a, b: () => 2 };',
    };
    assert.equal(await exportedAs(files, '/p/main.ts', 'router'), 'router.js: express.Router()');
    assert.equal(await exportedAs(files, '/p/main.ts', 'check'), 'checks.js: function check() {}');
    assert.equal(await exportedAs(files, '/p/main.ts', 'helpers'), 'helpers.js: { a, b: () => 2 }');
    assert.equal(await exportedAs(files, '/p/main.ts', 'lim'), 'checks.js: 5');
    assert.equal(await exportedAs(files, '/p/main.ts', 'verify'), 'checks.js: (t) => t');
    assert.equal(await exportedAs(files, '/p/main.ts', 'v'), 'jsonwebtoken verify');
  });

  test('import and re-export cycles terminate: each file is loaded once, a name exported only in a cycle is unknown', async () => {
    const files = {
      '/p/a.ts': "import { b } from './b';\nexport * from './b';\nexport { x } from './b';\nexport const a = () => b;",
      '/p/b.ts': "import { a } from './a';\nexport * from './a';\nexport { x } from './a';\nexport const b = () => a;",
    };
    const graph = await loadModules({ root: '/p', files: ['/p/a.ts'], reader: memoryReader(files) });
    assert.deepEqual([...graph.modules.keys()], ['/p/a.ts', '/p/b.ts']);
    assert.deepEqual([...graph.evaluationOrder].map(([m, i]) => `${i}:${m.relPath}`), ['0:b.ts', '1:a.ts']);
    assert.match(await exportedAs(files, '/p/a.ts', 'x'), /^unknown: /);
    assert.match(await exportedAs(files, '/p/a.ts', 'nothing'), /^unknown: /);
    assert.equal(await exportedAs(files, '/p/a.ts', 'b'), 'b.ts: () => a');
  });

  test('parses kept between analyses: an edit re-parses only the edited file, and the routes of the files importing it follow the edit', async () => {
    const files: Record<string, string> = {
      '/p/app.ts': "import express from 'express';\nimport { guard } from './guard';\nimport { users } from './users';\nconst app = express();\napp.use(guard);\napp.use('/users', users);\n",
      '/p/guard.ts': 'export function guard(req, res, next) { next(); }\n',
      '/p/users.ts': "import { Router } from 'express';\nexport const users = Router();\nusers.get('/:id', (req, res) => res.json({}));\n",
    };
    const cache = new ParseCache();
    const load = () => loadModules({ root: '/p', files: Object.keys(files), reader: memoryReader(files), cache });
    const kinds = async () => (await analyzeRoutes({ root: '/p', files: Object.keys(files), reader: memoryReader(files), cache })).routes.map((r) => `${r.key} ${chainOf(r)}`);
    const before = await load();
    assert.deepEqual(await kinds(), ['GET /users/{id} global:unknown:guard']);
    files['/p/guard.ts'] = "export function guard(req, res, next) {\n  if (!req.headers.authorization) return res.sendStatus(401);\n  next();\n}\n";
    const after = await load();
    const source = (graph: typeof before, file: string) => graph.modules.get(file)!.source;
    assert.equal(source(after, '/p/app.ts'), source(before, '/p/app.ts'));
    assert.equal(source(after, '/p/users.ts'), source(before, '/p/users.ts'));
    assert.notEqual(source(after, '/p/guard.ts'), source(before, '/p/guard.ts'));
    assert.deepEqual(await kinds(), ['GET /users/{id} global:auth:guard']);
    // imports are resolved again: a file that appears is found by the unchanged importer
    files['/p/app.ts'] = files['/p/app.ts'].replace("'./users'", "'./people'");
    files['/p/people.ts'] = files['/p/users.ts'].replace("'/:id'", "'/:name'");
    delete files['/p/users.ts'];
    assert.deepEqual(await kinds(), ['GET /users/{name} global:auth:guard']);
  });

  test('a load taken again after an edit is the load a fresh analysis makes; only edited modules are made anew', async () => {
    const files: Record<string, string> = {
      '/p/tsconfig.json': '{ "compilerOptions": { "baseUrl": "src" } }',
      '/p/src/app.ts': "import express from 'express';\nimport { guard } from './guard';\nimport { users } from './users';\nimport util from 'util/x';\nconst app = express();\napp.use(guard);\napp.use('/users', users);\n",
      '/p/src/guard.ts': 'export function guard(req, res, next) { next(); }\n',
      '/p/src/users.ts': "import { Router } from 'express';\nimport { helper } from './lib';\nexport const users = Router();\nusers.get('/:id', (req, res) => res.json(helper()));\n",
      '/p/src/lib/index.ts': 'export const helper = () => 1;\n',
      '/p/src/util/x.ts': 'export default 1;\n',
      '/p/src/gen.ts': '// @generated\nexport const x = 1;\n',
    };
    const entries = ['/p/src/app.ts', '/p/src/gen.ts'];
    const cache = new ParseCache();
    const kept = () => loadModules({ root: '/p', files: entries, reader: memoryReader(files), cache });
    const fresh = () => loadModules({ root: '/p', files: entries, reader: memoryReader(files) });
    const shape = (graph: Awaited<ReturnType<typeof loadModules>>) => ({
      modules: [...graph.modules.values()].map((m) => ({ path: m.path, text: m.source.text, refs: Object.fromEntries(m.refs) })),
      order: [...graph.evaluationOrder].map(([m, i]) => `${i}:${m.relPath}`),
      skipped: [...graph.skipped], problems: graph.problems, inputs: graph.inputs,
    });
    const same = async () => {
      const graph = await kept();
      assert.deepEqual(shape(graph), shape(await fresh()));
      return graph;
    };
    const first = await same();
    assert.deepEqual(first.skipped.get('/p/src/gen.ts'), 'it is marked @generated');
    // a route path typed over: the other modules are the very same objects
    files['/p/src/users.ts'] = files['/p/src/users.ts'].replace("'/:id'", "'/:userId'");
    const typed = await same();
    for (const path of ['/p/src/app.ts', '/p/src/guard.ts', '/p/src/lib/index.ts', '/p/src/util/x.ts']) assert.equal(typed.modules.get(path), first.modules.get(path), path);
    assert.notEqual(typed.modules.get('/p/src/users.ts'), first.modules.get('/p/src/users.ts'));
    // a file appears where an import tried first: the unchanged importer now leads to it
    files['/p/src/lib.ts'] = 'export const helper = () => 2;\n';
    assert.deepEqual((await same()).modules.get('/p/src/users.ts')!.refs.get('./lib'), { kind: 'file', path: '/p/src/lib.ts' });
    // an import added, a syntax error, a generated file edited by hand, a baseUrl moved: each as a fresh load says
    files['/p/src/guard.ts'] = "import { check } from './check';\nexport function guard(req, res, next) { check(req); next(); }\n";
    files['/p/src/check.ts'] = 'export const check = (req) => req;\n';
    assert.ok((await same()).modules.has('/p/src/check.ts'));
    files['/p/src/guard.ts'] += 'export const broken = (;\n';
    assert.equal((await same()).problems.filter((p) => p.code === 'code-parse-error').length, 1);
    files['/p/src/guard.ts'] = files['/p/src/guard.ts'].replace('export const broken = (;\n', '');
    assert.equal((await same()).problems.filter((p) => p.code === 'code-parse-error').length, 0);
    files['/p/src/gen.ts'] = 'export const x = 2;\n';
    assert.ok((await same()).modules.has('/p/src/gen.ts'));
    files['/p/tsconfig.json'] = '{ "compilerOptions": { "baseUrl": "." } }';
    assert.deepEqual((await same()).modules.get('/p/src/app.ts')!.refs.get('util/x'), { kind: 'package', specifier: 'util/x' });
  });

  test('each link says the call that applies it, shortened', async () => {
    const { routes } = await analyzeMemory({
      '/p/app.ts': "import express from 'express';\nimport { guard, limit } from './mw';\nconst app = express();\napp.use('/api', [guard]);\napp.get('/api/x', limit, (req, res) => res.end());\n",
      '/p/mw.ts': 'export function guard(req, res, next) { next(); }\nexport function limit(req, res, next) { next(); }\n',
    });
    assert.deepEqual(routes[0].chain.map((l) => `${l.name} ${l.appliedBy}`), ["guard app.use('/api', ...)", "limit app.get('/api/x', ...)"]);
  });

  test('registrations across files follow evaluation order: routes registered before an imported module adds auth are not covered', async () => {
    const result = await analyzeMemory({
      '/p/app.ts': "import express from 'express';\nexport const app = express();",
      '/p/routes.ts': "import { app } from './app';\napp.get('/early', (req, res) => res.end());",
      '/p/main.ts': "import { app } from './app';\nimport './routes';\nimport { guard } from './guard';\napp.use(guard);\napp.get('/late', (req, res) => res.end());",
      '/p/guard.ts': "export const guard = (req, res, next) => req.user ? next() : res.sendStatus(401);",
    }, undefined, ['/p/main.ts']);
    assert.deepEqual(result.routes.map((r) => `${r.key} ${chainOf(r).join(',')}`), ['GET /late global:auth:guard', 'GET /early ']);
  });
});

// ---- routes and chains: constructs ----

describe('route constructs', () => {
  test('routers made in files that import the framework only through other project files, and routes registered by files that import nothing', async () => {
    const result = await analyzeMemory({
      '/p/server.ts': `
import express from 'express';
import { mountUsers } from './users';
import { admin } from './admin';
const app = express();
mountUsers(app, '/users');
app.use('/admin', admin);
`,
      '/p/users.ts': `
export function mountUsers(target: any, base: string) {
  target.get(base + '/:id', (req: any, res: any) => res.json({}));
}
`,
      '/p/admin.ts': `
import { makeRouter } from './barrel';
export const admin = makeRouter();
admin.get('/stats', (req: any, res: any) => res.end());
`,
      '/p/barrel.ts': "export { makeRouter } from './make';\n",
      '/p/make.ts': "import { Router } from 'express';\nexport const makeRouter = () => Router();\n",
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.routes.map((r) => `${r.key} ${r.file}`), ['GET /admin/stats admin.ts', 'GET /users/{id} users.ts']);
  });

  test('Express: use order, path-prefixed use, nested routers, all() as middleware, leaking router middleware, factories and setup(app) functions', async () => {
    const result = await analyzeMemory({
      '/p/app.js': `
const express = require('express');
const { requireUser, audit, requireAdmin } = require('./mw');
const app = express();
app.get('/before', (req, res) => res.end());
app.use('/admin', requireAdmin);
app.all('/api/*', requireUser);
const api = express.Router();
const nested = express.Router({ mergeParams: true });
nested.get('/:postId', (req, res) => res.end());
api.use(audit);
api.use('/users/:userId/posts', nested);
app.use('/api', api);
app.get('/api/after', (req, res) => res.end());
app.get('/admin/panel', (req, res) => res.end());
app.get(['/a', '/b'], (req, res) => res.end());
app.get('/opt/:id?', (req, res) => res.end());
const BASE = '/v' + 2;
app.get(BASE + '/items/' + process.env.KIND, (req, res) => res.end());
registerExtra(app, '/extra');
function registerExtra(target, prefix) {
  target.get(prefix + '/x', (req, res) => res.end());
}
`,
      '/p/mw.js': `
exports.requireUser = (req, res, next) => (req.user ? next() : res.status(401).end());
exports.audit = (req, res, next) => { console.log(req.path); next(); };
exports.requireAdmin = (req, res, next) => (req.user?.admin ? next() : res.sendStatus(403));
`,
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.routes.map((r) => `${r.key} ${chainOf(r).join(',')}`), [
      'GET /before ',
      'GET /api/users/{userId}/posts/{postId} global:auth:requireUser,router:other:audit',
      'GET /api/after global:auth:requireUser,router:other:audit',
      'GET /admin/panel global:auth:requireAdmin',
      'GET /a ',
      'GET /b ',
      'GET /opt/{?} ',
      'GET /v2/items/{?} ',
      'GET /extra/x ',
    ]);
  });

  test('Express: route(path).all(middleware) guards the methods chained after it', async () => {
    const result = await analyzeMemory({
      '/p/app.js': "const app = require('express')();\nconst { guard } = require('./guard');\napp.route('/doc/:id').all(guard).get((q, s) => s.end()).post((q, s) => s.end());\napp.route('/open').all((q, s) => s.end());",
      '/p/guard.js': 'exports.guard = (req, res, next) => (req.user ? next() : res.sendStatus(401));',
    });
    assert.deepEqual(result.routes.map((r) => `${r.key} ${chainOf(r).join(',')}`), ['GET /doc/{id} global:auth:guard', 'POST /doc/{id} global:auth:guard', 'ALL /open ']);
  });

  test('Koa: koa-mount mounts an app below a path; Hono: wildcard methods with middleware guard the paths below', async () => {
    const koa = await analyzeMemory({
      '/p/app.js': "const Koa = require('koa');\nconst mount = require('koa-mount');\nconst Router = require('@koa/router');\nconst v1 = new Koa();\nconst r = new Router();\nr.get('/ping', (ctx) => {});\nv1.use(r.routes());\nconst app = new Koa();\napp.use(mount('/v1', v1));",
    });
    assert.deepEqual(koa.routes.map((r) => [r.framework, r.key]), [['koa', 'GET /v1/ping']]);
    const hono = await analyzeMemory({
      '/p/app.ts': "import { Hono } from 'hono';\nimport { guard } from './guard';\nconst app = new Hono();\napp.get('/admin/*', guard);\napp.get('/admin/users', (c) => c.json([]));\napp.post('/admin/users', (c) => c.json({}));\nexport default app;",
      '/p/guard.ts': "export const guard = async (c, next) => { if (!c.get('user')) return c.text('no', 401); await next(); };",
    });
    assert.deepEqual(hono.routes.map((r) => `${r.key} ${chainOf(r).join(',')}`), ['GET /admin/users global:auth:guard', 'POST /admin/users ']);
  });

  test('a sub-app that cannot be followed is an unresolved import at the mount', async () => {
    const result = await analyzeMemory({ '/p/app.ts': "import { Hono } from 'hono';\nimport users from './users';\nconst app = new Hono();\napp.route('/users', users);\napp.get('/', (c) => c.text('hi'));" });
    assert.deepEqual(result.problems.map((p) => [p.code, p.range?.start]), [['code-unresolved-import', { line: 1, character: 18 }]]);
    assert.deepEqual(result.routes.map((r) => r.key), ['GET /']);
  });

  test('a router nobody mounts keeps its own path and says so', async () => {
    const result = await analyzeMemory({ '/p/r.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/orphan/:id', (req, res) => res.end());\nexport default r;" });
    assert.deepEqual(result.routes.map((r) => [r.key, r.mounted]), [['GET /orphan/{id}', false]]);
  });

  test('.unless opt-outs: exact paths, safe regular expressions, methods; what cannot be evaluated makes the link unknown', async () => {
    const result = await analyzeMemory({
      '/p/app.ts': `
import express from 'express';
import { expressjwt } from 'express-jwt';
const app = express();
const auth = expressjwt({ secret: 's', algorithms: ['HS256'] });
app.use(auth.unless({ path: ['/login', /^\\/public\\//, { url: '/status', methods: ['GET'] }], method: ['OPTIONS'] }));
app.use('/odd', auth.unless({ path: [/^(a+)+$/] }));
app.post('/login', (req, res) => res.end());
app.get('/public/logo', (req, res) => res.end());
app.get('/status', (req, res) => res.end());
app.post('/status', (req, res) => res.end());
app.options('/orders', (req, res) => res.end());
app.get('/odd/x', (req, res) => res.end());
`,
    });
    const chains = Object.fromEntries(result.routes.map((r) => [r.key, r.chain.map((l) => `${l.kind}:${l.name}`).join(',')]));
    assert.deepEqual(chains, {
      'POST /login': '', 'GET /public/logo': '', 'GET /status': '', 'POST /status': 'auth:auth', 'OPTIONS /orders': '',
      'GET /odd/x': 'auth:auth,unknown:auth',
    });
    assert.match(result.routes.at(-1)!.chain[1].evidence, /^express-jwt, but its \.unless\(\) opt-out may skip this route/);
  });
});

// ---- the classifier ----

describe('classifier', () => {
  /** The one link of `GET /x` when `setup` (source lines before it) defines `mw`, applied with `app.use(mw)`. */
  async function classify(setup: string, options?: RouteOptions, extra: Record<string, string> = {}) {
    const result = await analyzeMemory({
      '/p/app.ts': `import express from 'express';\n${setup}\nconst app = express();\napp.use(mw);\napp.get('/x', (req, res) => res.end());`,
      ...extra,
    }, options);
    const [link] = result.routes[0].chain;
    return { kind: link.kind, evidence: link.evidence, problems: result.problems };
  }

  const CASES: [name: string, setup: string, kind: string, evidence: string][] = [
    ['passport.authenticate', "import passport from 'passport';\nconst mw = passport.authenticate('jwt', { session: false });", 'auth', 'passport.authenticate'],
    ['passport set-up is not a check', "import passport from 'passport';\nconst mw = passport.session();", 'other', 'passport set-up (initialize, session): it rejects nothing'],
    ['express-jwt that lets anonymous requests through', "import { expressjwt } from 'express-jwt';\nconst mw = expressjwt({ secret: 's', credentialsRequired: false });", 'other', 'express-jwt with credentialsRequired: false: it rejects nothing'],
    ['koa-jwt passthrough', "import jwt from 'koa-jwt';\nconst mw = jwt({ secret: 's', passthrough: true });", 'other', 'koa-jwt with passthrough: true: it rejects nothing'],
    ['jose in a custom function', "import { jwtVerify } from 'jose';\nasync function mw(req, res, next) { try { await jwtVerify(req.token, key); next(); } catch { res.status(401).send(); } }", 'auth', 'calls jose.jwtVerify and answers 401'],
    ['a verifier in a project helper', "import jwt from 'jsonwebtoken';\nconst verifyToken = (t) => jwt.verify(t, 's');\nconst mw = (req, res, next) => { req.user = verifyToken(req.token); next(); };", 'auth', 'calls jsonwebtoken.verify (through verifyToken)'],
    ['Firebase verifyIdToken', "import admin from 'firebase-admin';\nconst mw = async (req, res, next) => { req.user = await admin.auth().verifyIdToken(req.token); next(); };", 'auth', 'calls firebase-admin.verifyIdToken'],
    ['a redirect to login', "const mw = (req, res, next) => req.session.user ? next() : res.redirect('/login?next=' + req.url);", 'auth', 'redirects to login'],
    ['next(createError(401))', "import createError from 'http-errors';\nconst mw = (req, res, next) => next(req.user ? undefined : createError(401));", 'auth', 'answers 401'],
    ['a thrown UnauthorizedException', "import { UnauthorizedException } from '@nestjs/common';\nconst mw = (req, res, next) => { if (!req.user) throw new UnauthorizedException(); next(); };", 'auth', 'answers 401'],
    ['a named status constant', "import { StatusCodes } from 'http-status-codes';\nconst mw = (req, res, next) => req.user?.admin ? next() : res.status(StatusCodes.FORBIDDEN).end();", 'auth', 'answers 403'],
    ['a wrapped function', "import asyncHandler from 'express-async-handler';\nconst mw = asyncHandler(async (req, res, next) => { if (!req.user) { res.status(401); throw new Error('no'); } next(); });", 'auth', 'answers 401'],
    ['rate-limiter-flexible in a custom function', "import { RateLimiterMemory } from 'rate-limiter-flexible';\nconst limiter = new RateLimiterMemory({ points: 5 });\nconst mw = (req, res, next) => limiter.consume(req.ip).then(() => next()).catch(() => res.status(429).end());", 'rate-limit', 'calls rate-limiter-flexible and answers 429'],
    ['express-slow-down', "import slowDown from 'express-slow-down';\nconst mw = slowDown({ delayAfter: 5 });", 'rate-limit', 'express-slow-down'],
    ['express.static', 'const mw = express.static("public");', 'other', 'express.static'],
    ['a visible function that checks nothing', 'const mw = (req, res, next) => { req.start = Date.now(); next(); };', 'other', 'neither verifies a credential nor rejects the request'],
    ['an unknown package', "import { tag } from '@acme/tags';\nconst mw = tag();", 'unknown', 'from the package @acme/tags, not a known middleware'],
    ['a global', '', 'unknown', 'not defined in the project'],
    ['handing the request to an unknown package', "import vendor from 'vendor-check';\nconst mw = (req, res, next) => vendor.check(req, res, next);", 'unknown', 'hands the request to the package vendor-check'],
  ];
  for (const [name, setup, kind, evidence] of CASES) {
    test(name, async () => {
      const link = await classify(setup);
      assert.deepEqual([link.kind, link.evidence], [kind, evidence]);
    });
  }

  test('a name alone is weak evidence: the kind stays unknown, the evidence says so', async () => {
    const visible = await classify('const isAuthenticated = (req, res, next) => next();\nconst mw = isAuthenticated;');
    assert.deepEqual([visible.kind, visible.evidence], ['unknown', 'named like auth middleware, but it neither verifies a credential nor rejects the request']);
    const hidden = await classify("import { requireLogin as mw } from './missing';");
    assert.deepEqual([hidden.kind, hidden.evidence], ['unknown', 'named like auth middleware; defined in an unresolved module']);
    assert.deepEqual(hidden.problems.map((p) => [p.code, p.file, p.range?.start, p.message]), [
      ['code-unresolved-import', 'app.ts', { line: 1, character: 35 }, "No file matches './missing': the middleware or router it provides is unknown to the route analysis"],
    ]);
    const limiter = await classify("import { loginThrottle as mw } from '@acme/limits';");
    assert.deepEqual([limiter.kind, limiter.evidence], ['unknown', 'named like a rate limiter; from the package @acme/limits, not a known middleware']);
  });

  test('names from .api-sentinel.yaml are trusted, as written or as declared', async () => {
    const auth = await classify("import { tenantOnly } from '@acme/tenancy';\nconst mw = tenantOnly();", { authMiddleware: ['tenantOnly'] });
    assert.deepEqual([auth.kind, auth.evidence], ['auth', 'named in .api-sentinel.yaml']);
    const limit = await classify("import { throttleAll as mw } from '@acme/limits';", { rateLimiters: ['throttleAll'] });
    assert.deepEqual([limit.kind, limit.evidence], ['rate-limit', 'named in .api-sentinel.yaml']);
  });

  test('regular expressions from the code are evaluated only when they cannot backtrack badly', () => {
    assert.ok(safeRegExp('/^\\/public\\//')?.test('/public/x'));
    assert.ok(safeRegExp('/^\\/(health|status)$/i')?.test('/STATUS'));
    for (const risky of ['/^(a+)+$/', '/(\\w+)\\1/', '/^(?=a).*b.*c.*d$/', '/a*b*c*d*/']) assert.equal(safeRegExp(risky), undefined, risky);
  });
});

// ---- path templates ----

describe('path templates', () => {
  test('route paths as written become OpenAPI templates; what is not one shape is {?}', () => {
    const cases: [string, string][] = [
      ['/users/:id', '/users/{id}'], ['/users/:id(\\d+)', '/users/{id}'], ['/posts/:id{[0-9]+}', '/posts/{id}'],
      ['/files/*', '/files/{?}'], ['/opt/:id?', '/opt/{?}'], ['/users{/:id}', '/users/{?}'], ['/flights/:from-:to', '/flights/{from}-{to}'],
      ['/a/(\\d+)', '/a/{?}'], ['/*splat', '/{?}'], ['', '/'], ['/x/\u0000/y', '/x/{?}/y'], ['/re/:p(a/b)', '/re/{p}'],
    ];
    for (const [raw, template] of cases) assert.equal(toTemplate(raw), template, raw);
    assert.equal(joinPaths('/api/', '/', '/users/'), '/api/users');
    assert.equal(joinPaths('/api/v1', 'users//{id}/', '', '/x'), '/api/v1/users/{id}/x');
    assert.equal(joinPaths('/a', '/b'), '/a/b');
    assert.equal(joinPaths('', '/'), '/');
  });

  test('middleware patterns: prefix (Express), whole with * (Hono), parameters match any segment', () => {
    assert.ok(covers(toPattern('/api', true), '/api/users'));
    assert.ok(!covers(toPattern('/api', true), '/apis'));
    assert.ok(!covers(toPattern('/api', false), '/api/users'));
    assert.ok(covers(toPattern('/api/*', false), '/api/users/{id}'));
    assert.ok(covers(toPattern('/users/:id', true), '/users/{userId}/posts'));
    assert.ok(!covers(toPattern('/users/me', true), '/users/{id}'));
    assert.ok(covers(toPattern('/api', true), '/{?}/users'), 'a segment that is not constant may match');
  });
});

// ---- broken input ----

describe('bad input never stops the analysis', () => {
  const app = "import express from 'express';\nconst app = express();\napp.get('/ok', (req, res) => res.end());\n";

  test('a file that does not parse: the first syntax error is a problem at its position; other files are read', { timeout: 30_000 }, async () => {
    const result = await analyzeMemory({ '/p/app.ts': app, '/p/broken.js': "const r = require('express').Router();\nr.get('/half', (req, res) => {\n" });
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity, p.file, p.range?.start, p.message]), [
      ['code-parse-error', 'error', 'broken.js', { line: 2, character: 0 }, "Cannot parse the file: '}' expected."],
    ]);
    assert.ok(result.routes.some((r) => r.key === 'GET /ok'));
  });

  test('an import cycle between routers ends', { timeout: 30_000 }, async () => {
    const result = await analyzeMemory({
      '/p/a.js': "const b = require('./b');\nconst r = require('express')();\nr.use('/b', b);\nr.get('/a', (q, s) => s.end());\nmodule.exports = r;",
      '/p/b.js': "const a = require('./a');\nconst r = require('express').Router();\nr.use('/a', a);\nr.get('/b', (q, s) => s.end());\nmodule.exports = r;",
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.routes.map((r) => r.key), ['GET /a', 'GET /b/b']);
  });

  test('a 5 MB generated file, a minified bundle in dist/, a minified file elsewhere and a generated marker are skipped with a reason', { timeout: 30_000 }, async () => {
    const huge = `// @generated by a code generator\n${'export const v = [1, 2, 3];\n'.repeat(190_000)}`;
    const minified = `var a=${'1+'.repeat(30_000)}1;`;
    const files = {
      '/p/app.ts': `${app}import './generated/client';\n`,
      '/p/generated/client.ts': huge,
      '/p/dist/bundle.js': minified,
      '/p/public/vendor.min.js': minified,
      '/p/schema.ts': '/* @generated */\nexport const x = 1;',
      '/p/compiled.js': "exports.x = 1;\n//# sourceMappingURL=compiled.js.map\n",
      '/p/mentions.ts': "// the build writes a sourceMappingURL= comment\nexport const y = 2;\n",
    };
    const result = await analyzeMemory(files);
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity, p.file, p.message]), [
      ['code-file-skipped', 'warning', 'generated/client.ts', 'File skipped: 5.1 MB exceeds the 2.0 MB limit for code files'],
      ['code-file-skipped', 'info', 'dist/bundle.js', 'File skipped: dist/ holds build output, not source code'],
      ['code-file-skipped', 'info', 'public/vendor.min.js', 'File skipped: it is minified (a line of 60008 characters)'],
      ['code-file-skipped', 'info', 'schema.ts', 'File skipped: it is marked @generated'],
      ['code-file-skipped', 'info', 'compiled.js', 'File skipped: it is compiled output (it ends with a source map comment)'],
    ]);
    assert.deepEqual(result.routes.map((r) => r.key), ['GET /ok']);
    // a reader that does not enforce the limit changes nothing
    const lenient = await analyzeRoutes({ root: '/p', files: ['/p/generated/client.ts'], reader: { read: (p) => files[p as keyof typeof files] } });
    assert.equal(lenient.problems[0].message, 'File skipped: 5.1 MB exceeds the 2.0 MB limit for code files');
  });

  test('a dynamic require is an unresolved import, reported where it is used', { timeout: 30_000 }, async () => {
    const result = await analyzeMemory({ '/p/app.js': "const app = require('express')();\nfor (const name of ['a', 'b']) app.use(require('./routes/' + name));\napp.get('/ok', (q, s) => s.end());" });
    assert.deepEqual(result.problems.map((p) => [p.code, p.severity, p.file, p.range?.start, p.message]), [
      ['code-unresolved-import', 'warning', 'app.js', { line: 1, character: 39 }, 'A require() of a computed path cannot be followed: the middleware or router it provides is unknown to the route analysis'],
    ]);
    assert.deepEqual(result.routes.map((r) => `${r.key} ${r.chain.map((l) => `${l.kind}:${l.evidence}`)}`), ['GET /ok unknown:defined in an unresolved module']);
  });

  test('missing entry files, deep nesting and binary data are problems, not crashes', { timeout: 30_000 }, async () => {
    const deep = `const x = ${'(\n'.repeat(20_000)}1${')\n'.repeat(20_000)};`;
    const result = await analyzeMemory({ '/p/app.ts': app, '/p/deep.ts': deep, '/p/bin.ts': 'abc\0def' }, undefined, ['/p/app.ts', '/p/deep.ts', '/p/bin.ts', '/p/gone.ts']);
    assert.deepEqual(result.problems.map((p) => [p.code, p.file, p.message]), [
      ['code-parse-error', 'deep.ts', 'Cannot parse the file: it is nested too deeply'],
      ['code-file-skipped', 'bin.ts', 'File skipped: it holds binary data (NUL bytes), not source code'],
      ['code-file-unreadable', 'gone.ts', 'Cannot read the file'],
    ]);
    assert.deepEqual(result.routes.map((r) => r.key), ['GET /ok']);
  });
});

test('the parser recovers: a broken file still yields the routes it can read', async () => {
  const result = await analyzeMemory({ '/p/app.ts': "import express from 'express';\nconst app = express();\napp.get('/fine', (req, res) => res.end());\nconst broken = ;\n" });
  assert.equal(result.problems[0].code, 'code-parse-error');
  assert.deepEqual(result.routes.map((r) => r.key), ['GET /fine']);
});

test('reading registrations stops once the analysis is cancelled; uncancelled, the same graph gives its routers', async () => {
  const files = {
    '/p/app.ts': "import express from 'express';\nimport { users } from './users';\nconst app = express();\napp.use('/users', users);\n",
    '/p/users.ts': "import { Router } from 'express';\nexport const users = Router();\nusers.get('/:id', (req, res) => res.json({}));\n",
  };
  const graph = await loadModules({ root: '/p', files: Object.keys(files), reader: memoryReader(files) });
  const routingOf = (cancelled: boolean) => {
    const resolver = new Resolver(graph);
    const routing = new Routing(resolver, new Classifier(resolver, {}, () => undefined), EXTRACTORS, () => undefined);
    routing.collect(graph, { cancelled });
    return routing;
  };
  assert.deepEqual(routingOf(true).routers, []);
  assert.deepEqual(routingOf(false).routes().map((r) => r.key), ['GET /users/{id}']);
});

/**
 * Spec ↔ code correlation: the endpoint key (`{id}` = `:id` = `[id]`, trailing slashes, server base paths and their
 * variables, 2.0 `basePath`), which spec pairs with which code (by place and overlap, or as `apis` says), and the
 * inventory checks over those pairs in small in-memory projects.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { parseConfig, resolveConfig, type Config } from '../server/src/engine/config';
import { CHECK_IDS } from '../server/src/engine/checks';
import { documentBasePaths, endpointSegments } from '../server/src/engine/correlate/endpoint';
import type { ApiDocument } from '../server/src/engine/spec/model';
import type { FileReader } from '../server/src/engine/types';
import { correlating } from './support/engine';

/** Reviews in-memory files (relative path -> text) under /p with every check. */
function reviewMemory(files: Record<string, string>, config?: Config) {
  const reader: FileReader = { read: (path) => files[path.slice('/p/'.length)] };
  return analyze({ root: '/p', files: Object.keys(files).map((f) => `/p/${f}`), reader, config, frontends: { code: codeFrontend } });
}

const inventory = async (files: Record<string, string>, config?: Config) =>
  (await reviewMemory(files, config)).findings.filter((f) => correlating.has(f.ruleId)).map((f) => `${f.ruleId} ${f.file} ${f.anchor}`);

const AUTH = `function requireAuth(req, res, next) {
  try { req.user = jwt.verify(req.headers.authorization, 'k'); next(); } catch { res.status(401).end(); }
}
`;

const app = (routes: string) => `import express from 'express';\nimport jwt from 'jsonwebtoken';\n${AUTH}const app = express();\n${routes}\n`;

const spec = (paths: string[], head = 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\n') =>
  `${head}paths:\n${paths.map((p) => `  ${p}:\n    get:\n      responses:\n        '200':\n          description: OK\n`).join('')}`;

describe('the endpoint key', () => {
  test('a parameter is a parameter whatever its name and syntax; slashes do not count', () => {
    const key = (path: string) => endpointSegments(path).join('/');
    assert.equal(key('/users/{id}/'), key('/users/:userId'));
    assert.equal(key('users/[slug]'), key('/users/{name}'));
    assert.equal(key('//users//{id}.json'), key('/users/:id.json'));
    assert.notEqual(key('/users/{id}'), key('/users/me'));
  });

  test('base paths come from the servers (variables at their defaults) or 2.0 basePath, and the root last', () => {
    const doc = (root: Record<string, unknown>, version: '2.0' | '3.0') => ({ version, root: { value: root } }) as unknown as ApiDocument;
    assert.deepEqual(documentBasePaths(doc({ servers: [
      { url: 'https://{region}.example.com/{version}/api/', variables: { region: { default: 'eu' }, version: { default: 'v2', enum: ['v1', 'v2'] } } },
      { url: '/v1' }, { url: 'http://localhost:3000' },
    ] }, '3.0')), ['/v2/api', '/v1', '']);
    assert.deepEqual(documentBasePaths(doc({ basePath: '/api/v1/' }, '2.0')), ['/api/v1', '']);
  });
});

describe('pairing specs with code', () => {
  test('a spec at the root pairs with routes under its server base path, whatever the parameter names', async () => {
    const found = await inventory({
      'openapi.yaml': spec(['/users', '/users/{userId}', '/invoices'], 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\nservers:\n  - url: https://api.example.com/api/v1/\n'),
      'src/app.ts': app("app.get('/api/v1/users', (req, res) => res.json([]));\napp.get('/api/v1/users/:id/', (req, res) => res.json({}));\napp.get('/api/v1/debug', requireAuth, (req, res) => res.json({}));"),
    });
    assert.deepEqual(found, [
      'inventory-zombie-operation openapi.yaml /paths/~1invoices/get',
      'inventory-shadow-route src/app.ts GET /api/v1/debug',
    ]);
  });

  test('no spec paired with the code: nothing is said', async () => {
    const routes = app("app.get('/projects', (req, res) => res.json([]));\napp.get('/projects/:id', (req, res) => res.json({}));\napp.post('/projects', (req, res) => res.json({}));");
    assert.deepEqual(await inventory({ 'src/app.ts': routes }), [], 'no spec at all');
    assert.deepEqual(await inventory({ 'billing.yaml': spec(['/invoices', '/invoices/{id}', '/projects']), 'src/app.ts': routes }), [],
      'a spec whose operations the routes barely implement describes another service');
  });

  test('a spec in another package is not compared with this code, one in the same package is', async () => {
    const routes = app("app.get('/projects', (req, res) => res.json([]));\napp.get('/projects/:id', (req, res) => res.json({}));\napp.get('/extra', requireAuth, (req, res) => res.json({}));");
    const files = {
      'services/api/package.json': '{}', 'services/api/src/app.ts': routes,
      'services/web/package.json': '{}', 'services/web/openapi.yaml': spec(['/projects', '/projects/{id}', '/gone']),
    };
    assert.deepEqual(await inventory(files), []);
    const same = { ...files, 'services/api/openapi.yaml': files['services/web/openapi.yaml'] };
    assert.deepEqual(await inventory(same), [
      'inventory-zombie-operation services/api/openapi.yaml /paths/~1gone/get',
      'inventory-shadow-route services/api/src/app.ts GET /extra',
    ]);
  });

  test('apis in the configuration pairs a spec with a folder of code under a base path, and nothing else', async () => {
    const files = {
      'specs/orders.yaml': spec(['/orders', '/orders/{id}']),
      'specs/users.yaml': spec(['/users']),
      'orders/src/app.ts': app("app.get('/orders/v2/orders', (req, res) => res.json([]));\napp.get('/orders/v2/orders/:id', (req, res) => res.json({}));\napp.get('/orders/v2/stats', requireAuth, (req, res) => res.json({}));"),
      'users/src/app.ts': app("app.get('/people', requireAuth, (req, res) => res.json([]));"),
    };
    assert.deepEqual(await inventory(files, { apis: [{ spec: 'specs/orders.yaml', code: 'orders', basePath: '/orders/v2' }] }), [
      'inventory-shadow-route orders/src/app.ts GET /orders/v2/stats',
    ]);
    assert.deepEqual(await inventory(files, { apis: [{ spec: 'specs/users.yaml', code: 'users' }] }), [
      'inventory-zombie-operation specs/users.yaml /paths/~1users/get',
      'inventory-shadow-route users/src/app.ts GET /people',
    ]);
  });

  test('an entry of apis that pairs nothing is a problem at the entry', async () => {
    const { config } = parseConfig('apis:\n  - { spec: specs/nope.yaml, code: orders }\n  - { spec: specs/orders.yaml, code: billing }\n', '.api-sentinel.yaml', CHECK_IDS);
    const result = await reviewMemory({
      'specs/orders.yaml': spec(['/orders']),
      'orders/src/app.ts': app("app.get('/orders', (req, res) => res.json([]));"),
    }, config);
    assert.deepEqual(result.problems.filter((p) => p.code === 'config-invalid').map((p) => [p.file, p.range!.start.line, p.severity, p.message]), [
      ['.api-sentinel.yaml', 1, 'warning', "This entry of 'apis' pairs nothing: 'specs/nope.yaml' is not an OpenAPI document of this review"],
      ['.api-sentinel.yaml', 2, 'warning', "This entry of 'apis' pairs nothing: no route of the code is in 'billing'"],
    ]);
  });

  test('routes left out of a spec on purpose are not shadows: health, metrics, docs, internalPaths', async () => {
    const files = {
      'openapi.yaml': spec(['/projects', '/projects/{id}']),
      'src/app.ts': app([
        "app.get('/projects', (req, res) => res.json([]));", "app.get('/projects/:id', (req, res) => res.json({}));",
        "app.get('/healthz', (req, res) => res.send('ok'));", "app.get('/metrics', (req, res) => res.send(''));",
        "app.get('/api-docs', (req, res) => res.send(''));", "app.get('/internal/cache', requireAuth, (req, res) => res.send(''));",
      ].join('\n')),
    };
    assert.deepEqual(await inventory(files), ['inventory-shadow-route src/app.ts GET /internal/cache']);
    assert.deepEqual(await inventory(files, { internalPaths: ['/internal/**'] }), []);
  });
});

describe('apis and internalPaths in the configuration', () => {
  test('valid entries resolve; paths are written as the project compares them', () => {
    const { config, problems } = parseConfig('apis:\n  - spec: ./specs/orders.yaml\n    code: orders/\n    basePath: /v2\n  - { spec: users.yaml, code: . }\ninternalPaths: ["/internal/**", "GET /debug/*"]\n', 'cfg.yaml', CHECK_IDS);
    assert.deepEqual(problems, []);
    const resolved = resolveConfig(config);
    assert.deepEqual(resolved.apis!.map(({ spec, code, basePath }) => ({ spec, code, basePath })), [
      { spec: 'specs/orders.yaml', code: 'orders', basePath: '/v2' }, { spec: 'users.yaml', code: '', basePath: undefined },
    ]);
    assert.deepEqual(resolved.apis![0].at, { file: 'cfg.yaml', range: { start: { line: 1, character: 4 }, end: { line: 3, character: 17 } } });
    assert.deepEqual(resolved.internalPaths, ['/internal/**', 'GET /debug/*']);
    assert.equal(resolveConfig({}).apis, undefined);
  });

  test('invalid entries are reported at their place and left out', () => {
    const { config, problems } = parseConfig('apis:\n  - spec: a.yaml\n    code: a\n    basePath: v2\n  - spec: b.yaml\n  - just-a-string\n  - spec: c.yaml\n    code: c\n    port: 80\ninternalPaths: /x\n', 'cfg.yaml', CHECK_IDS);
    assert.deepEqual(problems.map((p) => [p.range!.start.line, p.range!.start.character, p.message]), [
      [3, 4, "'basePath' must start with '/' ('v2')"],
      [4, 4, "An entry of 'apis' needs 'code'"],
      [5, 4, "Each entry of 'apis' must be a mapping with 'spec' and 'code'"],
      [8, 4, "Unknown key 'port' in an entry of 'apis' (spec, code, basePath)"],
      [9, 0, "'internalPaths' must be a list of strings"],
    ]);
    assert.deepEqual(config.apis, []);
    assert.deepEqual(parseConfig('apis: {}\n', 'cfg.yaml', CHECK_IDS).problems.map((p) => p.message), ["'apis' must be a list of { spec, code, basePath }"]);
  });
});

/**
 * The code frontend behind analyze() and the two route checks, beyond the fixture cases: the framework fixture apps
 * of test/fixtures/_routes (vulnerable ones with their exact findings, hardened ones with none), suppression comments
 * and their fix, the configuration's names, apps told apart by package.json, related locations, the candidates the
 * frontend reads, and the route table in the result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { CHECKS } from '../server/src/engine/checks';
import type { Check } from '../server/src/engine/checks/check';
import type { Config } from '../server/src/engine/config';
import type { Finding, FileReader } from '../server/src/engine/types';
import { applyFix } from './support/fix-helpers';
import { review } from './support/engine';

const ROUTE_APPS = join(__dirname, 'fixtures', '_routes');
// the checks that read code alone (the inventory checks read specs too)
const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.every((need) => need === 'code'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The checks of a route's chain (auth and rate limits); the checks inside handlers have tests of their own. */
const CHAIN_CHECKS = new Set(['code-auth-missing', 'code-rate-limit-missing']);

/** The chain findings of a review, as [rule, route key, severity], suppressed ones left out. */
const codeFindings = (findings: readonly Finding[]) =>
  findings.filter((f) => CHAIN_CHECKS.has(f.ruleId) && !f.suppressed).map((f) => [f.ruleId, f.anchor, f.severity]);

/** In-memory files (relative path -> text) under /p, reviewed with the code checks only. */
async function reviewMemory(files: Record<string, string>, config?: Config, explicit: string[] = [], checks: readonly Check[] = CODE_CHECKS) {
  const reader: FileReader = { read: (path) => files[path.slice('/p/'.length)] };
  const paths = Object.keys(files).map((f) => `/p/${f}`);
  return analyze({ root: '/p', files: paths, explicit: new Set(explicit.map((f) => `/p/${f}`)), reader, config, checks, frontends: { code: codeFrontend } });
}

describe('the framework fixture apps', () => {
  const names: Record<string, string[]> = { express: ['requireTenant'], koa: ['checkScope'], hono: ['tenantGuard'] };
  const VULNERABLE: Record<string, string[][]> = {
    express: [
      ['code-rate-limit-missing', 'POST /auth/login', 'warning'],
      ['code-auth-missing', 'GET /api/users', 'error'],
      ['code-auth-missing', 'GET /api/users/{id}', 'error'],
      ['code-auth-missing', 'PUT /api/users/{id}', 'error'],
      ['code-auth-missing', 'DELETE /api/users/{id}', 'error'],
    ],
    koa: [
      ['code-auth-missing', 'GET /api/me', 'error'],
      ['code-auth-missing', 'GET /api/projects', 'warning'],
      ['code-auth-missing', 'GET /api/projects/{id}', 'error'],
      ['code-auth-missing', 'DELETE /api/projects/{id}', 'error'],
      ['code-rate-limit-missing', 'POST /login', 'warning'],
    ],
    hono: [
      ['code-auth-missing', 'GET /api/admin/users', 'error'],
      ['code-rate-limit-missing', 'POST /api/auth/login', 'warning'],
      ['code-auth-missing', 'GET /api/notes', 'warning'],
      ['code-auth-missing', 'GET /api/notes/{id}', 'error'],
      ['code-auth-missing', 'DELETE /api/notes/{id}', 'error'],
    ],
  };
  for (const framework of Object.keys(VULNERABLE)) {
    test(`${framework}: the vulnerable app's routes before or outside its auth, and its login without a limiter`, async () => {
      const dir = join(ROUTE_APPS, framework, 'vulnerable');
      const result = await review(dir, filesUnder(dir), { authMiddleware: names[framework] });
      assert.deepEqual(codeFindings(result.findings), VULNERABLE[framework]);
      assert.ok(result.routes.length > VULNERABLE[framework].length);
    });
    test(`${framework}: the hardened app has no code finding`, async () => {
      const dir = join(ROUTE_APPS, framework, 'hardened');
      const result = await review(dir, filesUnder(dir), { authMiddleware: names[framework] });
      assert.deepEqual(codeFindings(result.findings), []);
    });
  }

  test('a finding names the mechanism that protects the other routes, where it is applied and where it is defined', async () => {
    const dir = join(ROUTE_APPS, 'express', 'vulnerable');
    const result = await review(dir, filesUnder(dir));
    const users = result.findings.find((f) => f.ruleId === 'code-auth-missing' && f.anchor === 'GET /api/users')!;
    assert.equal(users.message, 'GET /api/users accepts anonymous requests although it serves user data: no middleware, guard or handler check verifies a credential for it, while requireAuth protects 5 other routes of this app.');
    assert.deepEqual(users.operations, [{ method: 'GET', path: '/api/users' }]);
    assert.deepEqual(users.related.map((r) => [r.file, r.range.start.line, r.message]), [
      ['src/app.ts', 21, 'requireAuth (calls jsonwebtoken.verify and answers 401) protects GET /api/admin/stats and 4 other routes from here'],
      ['src/middleware/auth.ts', 4, 'requireAuth is defined here'],
    ]);
    assert.equal(users.family, 'auth');
    assert.deepEqual(users.fixes.map((f) => [f.title, f.kind]), [
      ['Apply requireAuth to GET /api/users (auth, as the app does elsewhere)', 'suggestion'],
      ['Suppress code-auth-missing here (give the reason)', 'suggestion'],
    ]);
  });

  test('the result carries the route table and the frontends that ran', async () => {
    const dir = join(ROUTE_APPS, 'koa', 'hardened');
    const result = await review(dir, filesUnder(dir));
    assert.deepEqual(result.frontends, ['spec', 'code']);
    assert.deepEqual(result.routes.map((r) => r.key), ['GET /api/me', 'GET /api/projects', 'GET /api/projects/{id}', 'DELETE /api/projects/{id}', 'POST /login', 'GET /health']);
    assert.ok(result.inputs.includes('src/app.ts'));
  });
});

describe('suppression comments above routes', () => {
  const APP = [
    "import express from 'express';",
    "import { requireAuth } from './auth';",
    'const app = express();',
    'function routes() {',
    '  // the status page is public',
    '  // api-sentinel-ignore code-auth-missing: the status page is public on purpose',
    "  app.get('/status/:id', (req, res) => res.end());",
    '  // api-sentinel-ignore code-rate-limit-missing: limited by the gateway',
    "  app.get('/reports/:id', (req, res) => res.end());",
    '',
    '  // api-sentinel-ignore code-auth-missing:',
    "  app.delete('/reports/:id', (req, res) => res.end());",
    '}',
    'routes();',
    'app.use(requireAuth);',
    "app.get('/orders', (req, res) => res.end());",
  ].join('\n');
  const AUTH = "export const requireAuth = (req, res, next) => (req.user ? next() : res.sendStatus(401));";

  test('a comment above the route suppresses that rule there, with its reason; other rules and routes are not suppressed', async () => {
    const result = await reviewMemory({ 'app.ts': APP, 'auth.ts': AUTH });
    const byKey = Object.fromEntries(result.findings.map((f) => [f.anchor, f.suppressed]));
    assert.deepEqual(byKey['GET /status/{id}'], {
      kind: 'inSource', justification: 'the status page is public on purpose',
      location: { file: 'app.ts', range: { start: { line: 5, character: 2 }, end: { line: 5, character: 80 } } },
    });
    assert.equal(byKey['GET /reports/{id}'], undefined, 'a suppression of another rule');
    assert.equal(byKey['DELETE /reports/{id}']?.justification, '', 'no reason given: suppressed, with an empty reason');
  });

  test('the fix writes the comment above the route with its indentation and line endings, and then the finding is suppressed', async () => {
    for (const eol of ['\n', '\r\n']) {
      const files = { 'app.ts': APP.split('\n').join(eol), 'auth.ts': AUTH };
      const result = await reviewMemory(files);
      const open = result.findings.find((f) => f.anchor === 'GET /reports/{id}')!;
      const suppress = open.fixes.filter((f) => f.title.startsWith('Suppress'));
      assert.equal(suppress.length, 1);
      const edited = applyFix(suppress[0], (file) => files[file as keyof typeof files]);
      assert.equal(edited['app.ts'].split(eol)[8], '  // api-sentinel-ignore code-auth-missing: TODO: say why this is accepted');
      const again = await reviewMemory({ ...files, ...edited });
      assert.equal(again.findings.find((f) => f.anchor === 'GET /reports/{id}')!.suppressed?.justification, 'TODO: say why this is accepted');
      const suppressed = result.findings.find((f) => f.anchor === 'GET /status/{id}')!;
      assert.deepEqual(suppressed.fixes.filter((f) => f.title.startsWith('Suppress')), [], 'a suppressed finding offers no second suppression');
    }
  });
});

describe('configuration and apps', () => {
  const APP = [
    "import express from 'express';",
    "import { tenantOnly } from '@acme/tenancy';",
    "import { throttle } from '@acme/limits';",
    'const app = express();',
    'app.use(tenantOnly());',
    "app.post('/login', throttle(), (req, res) => res.end());",
    "app.delete('/things/:id', (req, res) => res.end());",
  ].join('\n');

  test('authMiddleware and rateLimiters name the project\'s own middleware: without them it is unknown (info at most)', async () => {
    const unnamed = await reviewMemory({ 'app.ts': APP });
    assert.deepEqual(codeFindings(unnamed.findings), [['code-rate-limit-missing', 'POST /login', 'info'], ['code-auth-missing', 'DELETE /things/{id}', 'info']]);
    const named = await reviewMemory({ 'app.ts': APP }, { authMiddleware: ['tenantOnly'], rateLimiters: ['throttle'] });
    assert.deepEqual(codeFindings(named.findings), []);
    assert.deepEqual(named.routes.map((r) => r.chain.map((l) => `${l.kind}:${l.name}`)), [['auth:tenantOnly', 'rate-limit:throttle'], ['auth:tenantOnly']]);
  });

  test('each package.json folder is an app: the auth of one app does not make the reads of another suspect', async () => {
    const files = {
      'package.json': '{ "name": "monorepo", "private": true }',
      'services/admin/package.json': '{ "name": "admin" }',
      'services/admin/app.js': "const app = require('express')();\napp.use((req, res, next) => (req.user ? next() : res.sendStatus(401)));\napp.get('/reports', (req, res) => res.end());",
      'services/catalog/package.json': '{ "name": "catalog" }',
      'services/catalog/app.js': "const app = require('express')();\napp.get('/products', (req, res) => res.end());\napp.post('/products', (req, res) => res.end());",
    };
    const apart = await reviewMemory(files);
    assert.deepEqual(codeFindings(apart.findings), [['code-auth-missing', 'POST /products', 'warning']]);
    const { 'services/catalog/package.json': _, 'services/admin/package.json': __, ...together } = files;
    const one = await reviewMemory(together);
    assert.deepEqual(codeFindings(one.findings), [['code-auth-missing', 'GET /products', 'warning'], ['code-auth-missing', 'POST /products', 'error']]);
  });

  test('public by nature (also below a prefix: health, docs, webhooks; the root page, favicon, preflights) and publicPaths are never asked for auth', async () => {
    const app = [
      "const app = require('express')();",
      'app.use((req, res, next) => (req.user ? next() : res.sendStatus(401)));',
      "app.get('/api/v1/healthz', (req, res) => res.end());",
    ].join('\n');
    // registered after the auth middleware would be protected: these come before it
    const before = [
      "const app = require('express')();",
      "app.get('/api/v1/healthz', (req, res) => res.end());",
      "app.post('/api/v1/auth/token/refresh', (req, res) => res.end());",
      "app.post('/api/hooks/stripe-webhook', (req, res) => res.end());",
      "app.get('/api/openapi.json', (req, res) => res.end());",
      "app.get('/status/:id', (req, res) => res.end());",
      "app.get('/docs/:id', (req, res) => res.end());",
      "app.get('/', (req, res) => res.end());",
      "app.get('/favicon.ico', (req, res) => res.end());",
      "app.options('/orders/:id', (req, res) => res.end());",
      'app.use((req, res, next) => (req.user ? next() : res.sendStatus(401)));',
      "app.get('/orders', (req, res) => res.end());",
    ].join('\n');
    assert.deepEqual(codeFindings((await reviewMemory({ 'app.js': app })).findings), []);
    const result = await reviewMemory({ 'app.js': before }, { publicPaths: ['GET /status/*'], rules: { 'code-rate-limit-missing': 'off' } });
    assert.deepEqual(codeFindings(result.findings), [['code-auth-missing', 'GET /docs/{id}', 'error']], 'documentation takes no object id');
  });

  test('a rule turned off is not run, and with every code rule off the code frontend is not loaded', async () => {
    const files = { 'app.js': "const app = require('express')();\napp.post('/login', (req, res) => res.end());" };
    const on = await reviewMemory(files);
    assert.deepEqual(on.frontends, ['code']);
    const off = await reviewMemory(files, { rules: Object.fromEntries(CODE_CHECKS.map((c) => [c.meta.id, 'off' as const])) });
    assert.deepEqual([off.frontends, off.routes, off.findings], [['spec'], [], []]);
  });
});

describe('candidates', () => {
  const ROUTE = "const app = require('express')();\napp.post('/login', (req, res) => res.end());";

  test('installed packages, build output, coverage, type declarations and minified bundles are not read; excluded files neither', async () => {
    const files = {
      'src/app.js': ROUTE,
      'node_modules/lib/app.js': ROUTE, 'dist/app.js': ROUTE, 'build/app.js': ROUTE, '.next/server/app.js': ROUTE,
      'coverage/app.js': ROUTE, 'src/types.d.ts': ROUTE, 'public/app.min.js': ROUTE, 'generated/app.js': ROUTE,
    };
    const result = await reviewMemory(files, { exclude: ['generated/**'] });
    assert.deepEqual(result.inputs, ['src/app.js']);
    assert.deepEqual(result.problems, []);
  });

  test('a file named by the user is read wherever it is, and says why it is skipped', async () => {
    const result = await reviewMemory({ 'dist/app.js': ROUTE, 'src/app.js': ROUTE }, undefined, ['dist/app.js']);
    assert.deepEqual(result.problems.map((p) => [p.code, p.file, p.message]), [['code-file-skipped', 'dist/app.js', 'File skipped: dist/ holds build output, not source code']]);
    assert.deepEqual(result.inputs, ['src/app.js']);
  });

  test('a review of specs alone claims nothing: the code frontend is not loaded', async () => {
    const spec = 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths: {}\n';
    const result = await reviewMemory({ 'openapi.yaml': spec, 'tsconfig.json': '{}', 'package.json': '{}' }, undefined, [], CHECKS);
    assert.deepEqual([result.frontends, result.routes, result.documents], [['spec'], [], ['openapi.yaml']]);
  });
});

test('a handler that checks the caller itself is protected, and says so in the route table (what its chain does not already)', async () => {
  const result = await reviewMemory({
    'app.ts': [
      "import express from 'express';",
      "import rateLimit from 'express-rate-limit';",
      'const app = express();',
      "app.delete('/orders/:id', async (req, res) => { if (!req.user) return res.sendStatus(401); res.end(); });",
      "app.delete('/carts/:id', (req, res) => res.end());",
      "app.delete('/lists/:id', rateLimit(), (req, res) => { if (!req.user) return res.sendStatus(401); res.end(); });",
      "app.use((req, res, next) => (req.get('x-key') ? next() : res.sendStatus(401)), rateLimit());",
      "app.delete('/notes/:id', (req, res) => { if (req.user.id !== req.params.id) return res.sendStatus(403); res.end(); });",
    ].join('\n'),
  });
  assert.deepEqual(result.routes.map((r) => r.handler?.enforces), [
    { kind: 'auth', evidence: 'answers 401' }, undefined, { kind: 'auth', evidence: 'answers 401' }, undefined,
  ]);
  assert.deepEqual(codeFindings(result.findings), [['code-auth-missing', 'DELETE /carts/{id}', 'error']]);
  const related = result.findings[0].related;
  assert.deepEqual(related.map((r) => r.message), ['the inline handler (its own code answers 401) protects DELETE /orders/{id} from here']);
});

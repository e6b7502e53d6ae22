/**
 * The example apps in examples/ (what `npm run review -- examples/` shows): each insecure app has exactly its route
 * findings, each hardened app none, reviewed as the CLI finds and reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { resolveConfig } from '../server/src/engine/config';
import { discoverFiles } from '../server/src/workspace/discover';
import { diskReader } from './support/engine';

const EXAMPLES = join(__dirname, '..', 'examples');

/** The example's routes and its code findings as [rule, route, severity], sorted. */
async function reviewExample(name: string) {
  const root = join(EXAMPLES, name);
  const { files, explicit } = discoverFiles(['.'], root, resolveConfig(), { code: true });
  const result = await analyze({ root, files, explicit, reader: diskReader, frontends: { code: codeFrontend } });
  assert.deepEqual(result.problems, [], `${name} reads without problems`);
  const findings = result.findings.filter((f) => f.ruleId.startsWith('code-')).map((f) => [f.ruleId, f.anchor, f.severity].join(' ')).sort();
  return { routes: result.routes, findings };
}

test('express-insecure: routers mounted before the auth middleware, credential routes and costly ones without a limiter, a whole user row sent and an order read by its id alone', async () => {
  const { routes, findings } = await reviewExample('express-insecure');
  assert.equal(routes.length, 12);
  assert.deepEqual(findings, [
    'code-auth-missing DELETE /users/{id} error',
    'code-auth-missing GET /search warning',
    'code-auth-missing GET /users/{id} error',
    'code-auth-missing PATCH /users/{id} error',
    'code-bola GET /orders/{orderId} lookup prisma.order.findUnique warning',
    'code-rate-limit-missing GET /orders/export info',
    'code-rate-limit-missing GET /search info',
    'code-rate-limit-missing POST /auth/login warning',
    'code-rate-limit-missing POST /auth/password/forgot warning',
    'code-rate-limit-missing POST /auth/register warning',
    'code-response-overbroad GET /users/{id} response await prisma.user.findUnique({ where: { id: req.params.id } }) error',
  ]);
});

test('express-hardened: no route finding', async () => {
  const { routes, findings } = await reviewExample('express-hardened');
  assert.equal(routes.length, 13);
  assert.deepEqual(findings, []);
});

/**
 * NestJS routes come from the NestJS extractor: a build without it finds no route in the NestJS examples, and the
 * test is skipped, saying so (undefined).
 */
async function reviewNest(name: string, t: { skip(reason: string): void }) {
  const review = await reviewExample(name);
  if (review.routes.some((r) => r.framework === 'nestjs')) return review;
  t.skip('no NestJS routes: this build has no NestJS extractor');
  return undefined;
}

test('nestjs-insecure: guards on some methods only, an admin controller without any, no throttler', async (t) => {
  const review = await reviewNest('nestjs-insecure', t);
  if (!review) return;
  const { routes, findings } = review;
  assert.equal(routes.length, 13);
  assert.deepEqual(findings, [
    'code-auth-missing DELETE /api/admin/users/{id} error',
    'code-auth-missing DELETE /api/users/{id} error',
    'code-auth-missing GET /api/admin/users error',
    'code-auth-missing GET /api/users/{id} error',
    'code-auth-missing PATCH /api/users/{id} error',
    'code-rate-limit-missing GET /api/orders/export info',
    'code-rate-limit-missing POST /api/auth/login warning',
    'code-rate-limit-missing POST /api/auth/password/forgot warning',
    'code-rate-limit-missing POST /api/auth/register warning',
  ]);
});

test('nestjs-hardened: a global JwtAuthGuard with @Public() opt-outs, a global ThrottlerGuard: no route finding', async (t) => {
  const review = await reviewNest('nestjs-hardened', t);
  if (!review) return;
  const { routes, findings } = review;
  assert.equal(routes.length, 12);
  assert.deepEqual(findings, []);
});

/**
 * The checks inside handlers beyond their fixture ranges: each finding names its route in `operations`, says the
 * path the value took, relates the model field or where the id comes from, and offers its suggestion (never
 * preferred, the suppression after it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../server/src/engine/types';
import { review } from './support/engine';

const FIXTURES = join(__dirname, 'fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function findingsOf(rule: string, fixture: string): Promise<Finding[]> {
  const dir = join(FIXTURES, rule, fixture);
  const result = await review(dir, filesUnder(dir));
  return result.findings.filter((f) => f.ruleId === rule);
}

const relatedOf = (f: Finding) => f.related.map((r) => `${r.file}:${r.range.start.line + 1} ${r.message}`);
const fixTitles = (f: Finding) => f.fixes.map((x) => `${x.kind}: ${x.title}`);

test('code-response-overbroad: the path from the query to the response, the query and the sensitive field related', async () => {
  const [me] = await findingsOf('code-response-overbroad', 'positive-express-prisma');
  assert.equal(me.message, 'GET /me sends whole User records to the client: `me` from `prisma.user.findUnique` (line 11) reaches `res.json` (line 17) with `passwordHash` (a hash of a password) and `iban` (a bank account number (IBAN)).');
  assert.deepEqual(me.operations, [{ method: 'GET', path: '/me' }]);
  assert.deepEqual(relatedOf(me), [
    'app.ts:11 `prisma.user.findUnique` reads whole User records without a projection',
    'prisma/schema.prisma:5 User.passwordHash holds a hash of a password',
    'prisma/schema.prisma:6 User.iban holds a bank account number (IBAN)',
  ]);
  assert.deepEqual(fixTitles(me), ['suggestion: Select only `id`, `email`, `name` and 1 more in the query', 'suggestion: Suppress code-response-overbroad here (give the reason)']);
});

test('code-response-overbroad on a route a spec documents: narrow to the fields its response schema lists, secrets left out', async () => {
  const [user] = await findingsOf('code-response-overbroad', 'positive-express-prisma-documented');
  assert.deepEqual(fixTitles(user), [
    'suggestion: Return only the fields GET /users/{id} documents: `id`, `email` and `name`',
    'suggestion: Select only `id`, `email`, `name` and 1 more in the query',
    'suggestion: Suppress code-response-overbroad here (give the reason)',
  ]);
  assert.equal(user.fixes[0].edits[0].newText, ', select: { id: true, email: true, name: true }');
});

test('code-response-overbroad on a Mongoose query a spec documents: a select of the documented fields', async () => {
  const [account] = await findingsOf('code-response-overbroad', 'positive-fastify-mongoose-documented');
  assert.equal(account.fixes[0].title, 'Return only the fields GET /accounts/me documents: `email` and `plan`');
  assert.equal(account.fixes[0].edits[0].newText, ".select('email plan')");
});

test('code-bola: where the id comes from, and the caller added to the lookup as the suggestion', async () => {
  const findings = await findingsOf('code-bola', 'positive-express-prisma');
  const read = findings.find((f) => f.anchor === 'GET /orders/{id} lookup prisma.order.findUnique')!;
  assert.match(read.message, /^GET \/orders\/\{id\} reads an Order by `id` from `req\.params\.id` \(line 10\) through `prisma\.order\.findUnique` \(line 10\)/);
  assert.deepEqual(read.operations, [{ method: 'GET', path: '/orders/{id}' }]);
  assert.deepEqual(relatedOf(read), ['app.ts:10 the id comes from the request here (params)']);
  assert.deepEqual(fixTitles(read), ['suggestion: Look the Order up by its id and the caller (ownerId)', 'suggestion: Suppress code-bola here (give the reason)']);
  assert.equal(read.fixes[0].edits[0].newText, ', ownerId: req.user.id');
});

test('code-mass-assignment: the privileged model field related with what setting it does', async () => {
  const [patch] = await findingsOf('code-mass-assignment', 'positive-express-prisma');
  assert.equal(patch.message, 'PATCH /me writes `req.body` (line 11) whole into `prisma.user.update` (line 11), so a client can set `role` on the User.');
  assert.deepEqual(relatedOf(patch), ['app.ts:11 `prisma.user.update` writes the User', 'prisma/schema.prisma:7 User.role: a client who sets it can give themselves a role']);
  assert.equal(patch.fixes[0].edits[0].newText, '{ email: req.body.email, name: req.body.name, passwordHash: req.body.passwordHash, iban: req.body.iban }');
});

test('code-query-unbounded: a limit from the request is related and clamped by the suggestion', async () => {
  const findings = await findingsOf('code-query-unbounded', 'positive-express-prisma');
  const page = findings.find((f) => f.anchor === 'GET /orders/page list prisma.order.findMany')!;
  assert.match(page.message, /its limit comes from `req\.query\.limit` \(line 15\) with no maximum/);
  assert.deepEqual(relatedOf(page), ['app.ts:15 the limit is set here']);
  assert.equal(page.fixes[0].edits[0].newText, 'Math.min(Number(req.query.limit) || 100, 100)');
});

test('code-sensitive-logging: where the logged value comes from, and an id logged instead of the caller', async () => {
  const findings = await findingsOf('code-sensitive-logging', 'positive-express');
  const caller = findings.find((f) => f.anchor === 'GET /me log req.user')!;
  assert.equal(caller.message, "GET /me writes the caller's whole record (`req.user`) to the log: `req.user` reaches `logger.info` (line 21).");
  assert.deepEqual(relatedOf(caller), ['app.ts:21 the caller is read here']);
  assert.equal(caller.fixes[0].edits[0].newText, 'req.user.id');
});

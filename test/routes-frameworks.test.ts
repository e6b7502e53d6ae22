/**
 * Route facts for NestJS, Fastify and Next.js: the exact route table of each fixture app (vulnerable and hardened),
 * and the constructs each framework adds (global guards and their opt-outs, versions and prefixes; plugin
 * encapsulation, fastify-plugin, decorators and rate-limit config; file routes, middleware matchers and checks at
 * the top of a handler).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { matcherRegExp } from '../server/src/engine/code/frameworks/next';
import { analyzeMemory, assertRouteTable, chainOf, FIXTURES } from './support/routes';

/** Each route as `KEY chain,...` for the construct tests. */
async function table(files: Record<string, string>) {
  const result = await analyzeMemory(files);
  return { result, rows: result.routes.map((r) => `${r.key} ${chainOf(r).join(',')}`.trim()) };
}

// ---- the fixture apps ----

describe('NestJS fixtures', () => {
  test('vulnerable: a controller-level guard, an admin guard that checks nothing, no throttler guard', async () => {
    const dir = join(FIXTURES, 'nestjs', 'vulnerable');
    const jwt = ['router:auth:JwtAuthGuard'];
    const result = await assertRouteTable(dir, [
      ['GET /api/admin/stats', 'src/admin/admin.controller.ts', "'stats'", ['route:unknown:AdminGuard']],
      ['DELETE /api/admin/users/{id}', 'src/admin/admin.controller.ts', "'users/:id'", []],
      ['POST /api/auth/login', 'src/auth/auth.controller.ts', "'login'", []],
      ['GET /health', 'src/health.controller.ts', "'health'", []],
      ['GET /api/users/{id}', 'src/users/users.controller.ts', "':id'", jwt],
      ['PATCH /api/users/{id}', 'src/users/users.controller.ts', "':id'", jwt],
    ]);
    const [stats] = result.routes;
    assert.equal(stats.chain[0].evidence, 'named like auth middleware, but it neither verifies a credential nor rejects the request');
    assert.equal(stats.chain[0].definedAt?.file, 'src/admin/admin.guard.ts');
    const user = result.routes.find((r) => r.key === 'GET /api/users/{id}')!;
    assert.equal(user.chain[0].evidence, 'extends AuthGuard (@nestjs/passport.AuthGuard)');
    assert.deepEqual(user.handler, { file: 'src/users/users.controller.ts', range: { start: { line: 11, character: 2 }, end: { line: 11, character: 9 } }, name: 'findOne' });
  });

  test('hardened: APP_GUARD jwt and throttler with @Public() and @SkipThrottle opt-outs, @Throttle on login, a roles guard by metadata, versions and a RouterModule path', async () => {
    const dir = join(FIXTURES, 'nestjs', 'hardened');
    const global = ['global:other:helmet', 'global:rate-limit:ThrottlerGuard', 'global:auth:JwtAuthGuard'];
    const admin = [...global, 'router:auth:RolesGuard'];
    const result = await assertRouteTable(dir, [
      ['GET /api/v1/admin/reports', 'src/admin/admin.controller.ts', 'Get', admin],
      ['GET /api/v2/admin/reports/export', 'src/admin/admin.controller.ts', "'export'", admin],
      ['GET /api/v3/admin/reports/export', 'src/admin/admin.controller.ts', "'export'", admin],
      ['POST /api/v1/auth/login', 'src/auth/auth.controller.ts', "'login'", ['global:other:helmet', 'global:rate-limit:ThrottlerGuard']],
      ['POST /api/v1/auth/logout', 'src/auth/auth.controller.ts', "'logout'", global],
      ['GET /health', 'src/health.controller.ts', 'Get', ['global:other:helmet']],
      ['GET /api/v1/users/me', 'src/users/users.controller.ts', "'me'", global],
      ['DELETE /api/v1/users/{id}', 'src/users/users.controller.ts', "':id'", admin],
    ]);
    const login = result.routes.find((r) => r.key === 'POST /api/v1/auth/login')!;
    assert.equal(login.chain[1].evidence, "@nestjs/throttler; @Throttle() sets this route's limit");
    const reports = result.routes[0].chain;
    assert.deepEqual(reports.map((l) => l.appliedAt.file), ['src/main.ts', 'src/app.module.ts', 'src/app.module.ts', 'src/admin/admin.controller.ts']);
    assert.deepEqual(reports[2].appliedAt.range, { start: { line: 21, character: 36 }, end: { line: 21, character: 48 } }, 'applied at useClass');
    assert.equal(reports[3].evidence, 'answers 403');
  });
});

describe('Fastify fixtures', () => {
  test('vulnerable: an auth hook encapsulated in its own plugin protects nothing; an API-key hook covers its plugin whatever the order', async () => {
    const dir = join(FIXTURES, 'fastify', 'vulnerable');
    const helmet = ['global:other:helmet'];
    const admin = [...helmet, 'router:auth:(inline function)'];
    const result = await assertRouteTable(dir, [
      ['GET /api/admin/stats', 'src/routes/admin.ts', "'/stats'", admin],
      ['DELETE /api/admin/users/{id}', 'src/routes/admin.ts', "'/users/:id'", admin],
      ['GET /api/users/{id}', 'src/routes/users.ts', "'/:id'", helmet],
      ['PUT /api/users/{id}', 'src/routes/users.ts', "'/:id'", helmet],
      ['GET /health', 'src/server.ts', "'/health'", helmet],
      ['POST /login', 'src/server.ts', "'/login'", helmet],
    ]);
    assert.equal(result.routes[0].chain[1].evidence, 'answers 401');
  });

  test('hardened: a fastify-plugin auth decorator on an /api plugin, nested admin plugin, per-route rate limits with global: false', async () => {
    const dir = join(FIXTURES, 'fastify', 'hardened');
    const api = ['global:other:helmet', 'router:auth:fastify.authenticate'];
    const result = await assertRouteTable(dir, [
      ['GET /api/users/{id}', 'src/routes/api.ts', "'/users/:id'", api],
      ['DELETE /api/admin/users/{id}', 'src/routes/api.ts', "'/users/:id'", [...api, 'router:auth:requireAdmin']],
      ['GET /api/admin/export', 'src/routes/api.ts', "'/export'", [...api, 'route:rate-limit:rateLimit', 'router:auth:requireAdmin']],
      ['POST /auth/login', 'src/routes/session.ts', "'/login'", ['global:other:helmet', 'route:rate-limit:rateLimit']],
      ['GET /health', 'src/server.ts', "'/health'", ['global:other:helmet']],
    ]);
    const [users] = result.routes;
    assert.equal(users.chain[1].evidence, 'calls @fastify/jwt request.jwtVerify and answers 401');
    assert.equal(users.chain[1].definedAt?.file, 'src/plugins/auth.ts', 'the decorator is followed to its function');
    const login = result.routes.find((r) => r.key === 'POST /auth/login')!;
    assert.equal(login.chain[1].evidence, '@fastify/rate-limit');
  });
});

describe('Next.js fixtures', () => {
  test('vulnerable: a matcher that misses /api/admin, a session read but never checked, a pages/api route per method', async () => {
    const dir = join(FIXTURES, 'next', 'vulnerable');
    await assertRouteTable(dir, [
      ['GET /api/admin/users/{id}', 'app/api/admin/users/[id]/route.ts', 'GET', []],
      ['DELETE /api/admin/users/{id}', 'app/api/admin/users/[id]/route.ts', 'DELETE', []],
      ['POST /api/notes', 'app/api/notes/route.ts', 'POST', []],
      ['GET /api/public', 'app/api/public/route.ts', 'GET', []],
      ['GET /api/users/{id}', 'pages/api/users/[id].ts', 'handler', []],
      ['PATCH /api/users/{id}', 'pages/api/users/[id].ts', 'handler', []],
    ]);
  });

  test('hardened: withAuth middleware on /api/admin/:path* (not /api/public), an early-abort check, src/ layout, route groups and optional catch-alls', async () => {
    const dir = join(FIXTURES, 'next', 'hardened');
    const admin = ['global:auth:withAuth'];
    const result = await assertRouteTable(dir, [
      ['GET /api/docs/{slug}', 'src/app/api/(content)/docs/[[...slug]]/route.ts', 'GET', []],
      ['GET /api/admin/users/{id}', 'src/app/api/admin/users/[id]/route.ts', 'GET', admin],
      ['DELETE /api/admin/users/{id}', 'src/app/api/admin/users/[id]/route.ts', 'DELETE', admin],
      ['POST /api/notes', 'src/app/api/notes/route.ts', 'POST', ['route:auth:auth']],
      ['GET /api/public', 'src/app/api/public/route.ts', 'GET', []],
      ['GET /api/admin/audit', 'src/pages/api/admin/audit.ts', 'handler', admin],
    ]);
    const middleware = result.routes[1].chain[0];
    assert.equal(middleware.evidence, 'next-auth/middleware.withAuth');
    assert.deepEqual(middleware.appliedAt, { file: 'src/middleware.ts', range: { start: { line: 3, character: 15 }, end: { line: 5, character: 2 } } });
    const notes = result.routes.find((r) => r.key === 'POST /api/notes')!.chain[0];
    assert.equal(notes.evidence, "calls next-auth.auth and answers 401 before the handler's work");
    assert.deepEqual(notes.appliedAt.range.start, { line: 6, character: 6 });
  });
});

// ---- constructs ----

describe('NestJS constructs', () => {
  const controller = (body: string) => `import { Controller, Get, Post, UseGuards, Version, VERSION_NEUTRAL, SetMetadata, applyDecorators } from '@nestjs/common';\n${body}`;

  test('useGlobalGuards, default and neutral versions, prefix exclusion by method, controller path lists, RouterModule children', async () => {
    const { result, rows } = await table({
      '/p/main.ts': `import { NestFactory } from '@nestjs/core';
import { RequestMethod, VersioningType } from '@nestjs/common';
import { AppModule } from './app.module';
import { SessionGuard } from './session.guard';
const app = await NestFactory.create(AppModule);
app.useGlobalGuards(new SessionGuard());
app.setGlobalPrefix('api', { exclude: [{ path: 'status', method: RequestMethod.GET }] });
app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1', prefix: 'version-' });`,
      '/p/session.guard.ts': `export class SessionGuard {
  canActivate(context) { const request = context.switchToHttp().getRequest(); return !!request.session?.user; }
}`,
      '/p/app.module.ts': `import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { ShopModule, OrdersModule } from './shop';
import { StatusController } from './status.controller';
@Module({ imports: [ShopModule, RouterModule.register([{ path: 'shop', module: ShopModule, children: [{ path: 'orders', module: OrdersModule }] }])], controllers: [StatusController] })
export class AppModule {}`,
      '/p/shop.ts': controller(`import { Module } from '@nestjs/common';
@Controller(['items', 'products'])
export class ItemsController { @Version(VERSION_NEUTRAL) @Get() list() {} }
@Controller('')
export class OrdersController { @Version(['2']) @Post() create() {} }
@Module({ controllers: [OrdersController] })
export class OrdersModule {}
@Module({ imports: [OrdersModule], controllers: [ItemsController] })
export class ShopModule {}`),
      '/p/status.controller.ts': controller(`@Controller('status')
export class StatusController { @Get() get() {} @Post() post() {} }`),
    });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(rows, [
      'GET /api/shop/items global:auth:SessionGuard',
      'GET /api/shop/products global:auth:SessionGuard',
      'POST /api/version-2/shop/orders global:auth:SessionGuard',
      'GET /version-1/status global:auth:SessionGuard',
      'POST /api/version-1/status global:auth:SessionGuard',
    ]);
    assert.equal(result.routes[0].chain[0].evidence, 'canActivate returns false (Nest answers 403)');
  });

  test('metadata opt-outs: Reflector.createDecorator, applyDecorators, handler-only reads, a guard whose use of the metadata is unclear', async () => {
    const { rows, result } = await table({
      '/p/main.ts': `import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, OddGuard } from './guards';
import { PostsController } from './posts';
@Module({ controllers: [PostsController], providers: [{ provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_GUARD, useExisting: OddGuard }] })
class AppModule {}
NestFactory.create(AppModule);`,
      '/p/decorators.ts': `import { Reflector } from '@nestjs/core';
import { SetMetadata, applyDecorators } from '@nestjs/common';
export const Anonymous = Reflector.createDecorator<boolean>();
export const Open = () => applyDecorators(SetMetadata('open', true));`,
      '/p/guards.ts': `import { Injectable, UnauthorizedException } from '@nestjs/common';
import { Anonymous } from './decorators';
export class AuthGuard {
  constructor(private reflector) {}
  async canActivate(context) {
    if (this.reflector.get(Anonymous, context.getHandler())) return true;
    const request = context.switchToHttp().getRequest();
    if (!request.headers.authorization) throw new UnauthorizedException();
    return true;
  }
}
export class OddGuard {
  constructor(private reflector) {}
  canActivate(context) {
    const open = this.reflector.getAllAndOverride('open', [context.getHandler(), context.getClass()]);
    return audit(open);
  }
}`,
      '/p/posts.ts': controller(`import { Anonymous, Open } from './decorators';
@Anonymous()
@Controller('posts')
export class PostsController {
  @Anonymous() @Get('feed') feed() {}
  @Get(':id') one() {}
  @Open() @Post() create() {}
}`),
    });
    assert.deepEqual(rows, [
      'GET /posts/feed global:unknown:OddGuard',
      'GET /posts/{id} global:auth:AuthGuard,global:unknown:OddGuard',
      'POST /posts global:auth:AuthGuard,global:unknown:OddGuard',
    ]);
    assert.match(result.routes[2].chain[1].evidence, /, but the route sets metadata it reads, which may let the request through$/);
  });

  test('a controller no app reaches keeps its own path and says so', async () => {
    const { result } = await table({ '/p/c.ts': controller("@Controller('orphans')\nexport class Orphans { @Get(':id') one() {} }") });
    assert.deepEqual(result.routes.map((r) => [r.key, r.mounted, r.framework]), [['GET /orphans/{id}', false, 'nestjs']]);
  });
});

describe('Fastify constructs', () => {
  test('plugin load order: a child registered before a fastify-plugin hook misses it, one registered after (or a hook added later in the same body) gets it', async () => {
    const { rows } = await table({
      '/p/app.ts': `import fastify from 'fastify';
import fp from 'fastify-plugin';
import { verify } from './verify';
const app = fastify();
app.register(async (early) => { early.get('/early', async () => 1); });
app.register(fp(async (root) => { root.addHook('onRequest', verify); }));
app.register(async (late) => { late.get('/late', async () => 1); });
await app.register(async (awaited) => { awaited.get('/awaited', async () => 1); });
app.addHook('preHandler', audit);
app.get('/root', async () => 1);
function audit(request, reply, done) { done(); }`,
      '/p/verify.ts': `export async function verify(request, reply) { if (!request.headers.authorization) return reply.code(401).send(); }`,
    });
    assert.deepEqual(rows, [
      'GET /early global:other:audit',
      'GET /late global:auth:verify,global:other:audit',
      'GET /awaited',
      'GET /root global:auth:verify,global:other:audit',
    ]);
  });

  test('a global rate limit with a per-route opt-out, fastify-plugin ignores prefix, import() plugins, route hooks ordered by lifecycle', async () => {
    const { rows, result } = await table({
      '/p/app.ts': `import Fastify from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
const app = Fastify();
app.register(rateLimit, { max: 100 });
app.register(fp(async (f) => { f.get('/flat', async () => 1); }), { prefix: '/ignored' });
app.register(import('./routes'), { prefix: '/v1' });
app.get('/hooks', { preHandler: [check], onRequest: first, config: { rateLimit: false } }, async () => 1);
app.route({ method: 'POST', url: '/tuned', config: { rateLimit: { max: 3 } }, handler: async () => 1 });
function check(request, reply, done) { done(); }
function first(request, reply, done) { done(); }`,
      '/p/routes.ts': 'export default async function (app) { app.all("/any/*", async () => 1); }',
    });
    assert.deepEqual(rows, [
      'GET /flat global:rate-limit:rateLimit',
      'GET /hooks route:other:first,route:other:check',
      'POST /tuned global:rate-limit:rateLimit',
      'ALL /v1/any/{?} global:rate-limit:rateLimit',
    ]);
    assert.equal(result.routes[2].chain[0].evidence, "@fastify/rate-limit; the route's config.rateLimit sets its limit");
  });
});

describe('Next.js constructs', () => {
  const route = 'export async function GET() { return new Response("ok"); }';

  test('matchers: negative lookaheads, raw groups, has/missing conditions, computed matchers; no config matches everything', async () => {
    const paths = ['api/orders', 'api/admin/users', 'dashboard/stats', 'trpc/list'];
    const files = (config: string) => ({
      '/p/middleware.ts': `import { NextResponse } from 'next/server';\nexport function middleware(req) { return req.cookies.get('s') ? NextResponse.next() : new NextResponse(null, { status: 401 }); }\n${config}`,
      ...Object.fromEntries(paths.map((p) => [`/p/app/${p}/route.ts`, route])),
    });
    const kinds = async (config: string) => Object.fromEntries((await analyzeMemory(files(config))).routes.map((r) => [r.path, r.chain.map((l) => l.kind).join(',')]));
    assert.deepEqual(await kinds(''), { '/api/admin/users': 'auth', '/api/orders': 'auth', '/dashboard/stats': 'auth', '/trpc/list': 'auth' });
    assert.deepEqual(await kinds("export const config = { matcher: ['/((?!api|_next/static).*)'] };"),
      { '/api/admin/users': '', '/api/orders': '', '/dashboard/stats': 'auth', '/trpc/list': 'auth' });
    assert.deepEqual(await kinds("export const config = { matcher: ['/(api|trpc)(.*)'] };"),
      { '/api/admin/users': 'auth', '/api/orders': 'auth', '/dashboard/stats': '', '/trpc/list': 'auth' });
    assert.deepEqual(await kinds("export const config = { matcher: [{ source: '/api/:path*', missing: [{ type: 'header', key: 'x-skip' }] }, '/dashboard/:path+'] };"),
      { '/api/admin/users': 'unknown', '/api/orders': 'unknown', '/dashboard/stats': 'auth', '/trpc/list': '' });
    const computed = await analyzeMemory(files('export const config = { matcher: [process.env.PROTECTED] };'));
    assert.match(computed.routes[0].chain[0].evidence, /^answers 401, but it may not run for this route: the matcher '…' is not evaluated$/);
  });

  test('matcher patterns from the code that could backtrack badly are not evaluated', () => {
    assert.ok(matcherRegExp('/api/:path*')?.test('/api'));
    assert.ok(matcherRegExp('/api/:path*')?.test('/api/a/b'));
    assert.ok(!matcherRegExp('/api/:path+')?.test('/api'));
    assert.ok(!matcherRegExp('/api/:id')?.test('/api/a/b'));
    for (const risky of ['/((a+)+)', '/(a*)*', '/((\\w+)\\2)', '/(.*)(.*)(.*)(.*)', 'no-slash']) assert.equal(matcherRegExp(risky), undefined, risky);
  });

  test('Clerk, proxy.ts, export { handler as GET }, wrappers, private folders and an early return without a credential test', async () => {
    const { rows, result } = await table({
      '/p/src/proxy.ts': `import { clerkMiddleware } from '@clerk/nextjs/server';\nexport default clerkMiddleware(async (auth, req) => { await auth.protect(); });`,
      '/p/src/app/api/items/[id]/route.ts': `import { withUser } from '@/lib/with-user';
async function handler(req) { return Response.json({}); }
export { handler as GET, handler as PUT };
export const DELETE = withUser(async (req) => { if (req.headers.get('x-debug')) return new Response(null, { status: 401 }); return new Response(null); });`,
      '/p/src/app/_lib/route.ts': route,
      '/p/src/lib/with-user.ts': `import { currentUser } from '@clerk/nextjs/server';
export const withUser = (fn) => async (req) => (await currentUser()) ? fn(req) : Response.json({ error: 'sign in' }, { status: 401 });`,
      '/p/tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
    });
    assert.deepEqual(rows, [
      'GET /api/items/{id} global:auth:clerkMiddleware',
      'PUT /api/items/{id} global:auth:clerkMiddleware',
      'DELETE /api/items/{id} global:auth:clerkMiddleware,route:auth:withUser',
    ]);
    assert.equal(result.routes[0].chain[0].evidence, 'calls Clerk auth.protect');
    assert.equal(result.routes[2].chain[1].evidence, 'calls @clerk/nextjs/server.currentUser and answers 401');
    assert.deepEqual(result.routes[0].range.start, { line: 2, character: 20 }, 'at the exported name');
  });
});

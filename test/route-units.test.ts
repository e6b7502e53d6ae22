/**
 * The route checks report about the routes of one file at a time: after an edit, a file whose routes and facts are
 * unchanged keeps its findings as one unit (the very objects), and its routes' checks do not run again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CHECKS } from '../server/src/engine/checks';
import type { Check } from '../server/src/engine/checks/check';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { groupApps, routesByFile } from '../server/src/engine/code/part';
import type { ChainLink, Route } from '../server/src/engine/code/model';
import { Session } from '../server/src/engine/session';
import type { AnalysisResult, FileReader } from '../server/src/engine/types';
import { analyzeRoutes } from '../server/src/engine/code/index';
import { FIXTURES, REQUIRE_USER, codeFiles, diskReader } from './support/routes';
import { PUBLIC_AWARE_AUTH_GUARD, PUBLIC_DECORATOR, PUBLIC_PASS } from './support/nest-auth.mjs';

const ROOT = '/app';

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'desk', dependencies: { express: '^5.0.0' } }),
  'src/middleware/auth.ts': REQUIRE_USER,
  'src/routes/reports.ts': `import { Router } from 'express';

export const reports = Router();
reports.get('/search', (_req, res) => { res.json([]); });
reports.delete('/:id', (_req, res) => { res.status(204).end(); });
reports.post('/export', (_req, res) => { res.json({}); });
`,
  'src/routes/accounts.ts': `import { Router } from 'express';
import { requireUser } from '../middleware/auth';

export const accounts = Router();
accounts.post('/login', (_req, res) => { res.json({}); });
accounts.use(requireUser);
accounts.get('/me', (_req, res) => { res.json({}); });
`,
  'src/app.ts': `import express from 'express';
import { reports } from './routes/reports';
import { accounts } from './routes/accounts';

export const app = express();
app.use('/reports', reports);
app.use('/accounts', accounts);
`,
};

/** The code checks, each recording the routes of every unit whose findings it computed (not kept). */
function probed(ran: string[][]): Check[] {
  return CHECKS.filter((check) => check.meta.needs.includes('code')).map((check) => ({
    meta: check.meta,
    run: (ctx) => check.run({
      ...ctx,
      aboutRoutes: (routes, facts, run) => ctx.aboutRoutes(routes, facts, () => {
        ran.push(routes.map((route) => `${route.file} ${route.key}`));
        run();
      }),
    }),
  }));
}

function request(texts: Map<string, string>, checks: Check[]) {
  const reader: FileReader = { read: (path) => texts.get(path) };
  return { root: ROOT, files: [...texts.keys()], reader, checks, frontends: { code: codeFrontend } };
}

const REPORTS = 'src/routes/reports.ts';
const ACCOUNTS = 'src/routes/accounts.ts';
const inFile = (result: AnalysisResult, file: string) => result.findings.filter((f) => f.file === file);

test('routesByFile: runs of one file each, in order, made once per list', () => {
  const route = (file: string, key: string) => ({ file, key }) as Route;
  const routes = [route('a.ts', 'GET /a'), route('a.ts', 'GET /b'), route('b.ts', 'GET /c'), route('c.ts', 'GET /d'), route('c.ts', 'GET /e')];
  const runs = routesByFile(routes);
  assert.deepEqual(runs.map((run) => run.map((r) => r.key)), [['GET /a', 'GET /b'], ['GET /c'], ['GET /d', 'GET /e']]);
  assert.equal(routesByFile(routes), runs);
  assert.deepEqual(routesByFile([]), []);
});

test('groupApps: each app lists its auth and its rate limits apart, each place once, with the routes it covers once', () => {
  const at = (line: number) => ({ file: 'api/app.ts', range: { start: { line, character: 0 }, end: { line, character: 9 } } });
  const link = (name: string, kind: ChainLink['kind'], line: number): ChainLink => ({ name, kind, evidence: name, appliedAt: at(line), scope: 'router' });
  const auth = link('requireUser', 'auth', 3);
  const limit = link('limiter', 'rate-limit', 3);
  const route = (file: string, key: string, chain: ChainLink[]) => ({ file, key, chain }) as unknown as Route;
  const orders = route('api/orders.ts', 'GET /orders', [limit, auth, link('requireUser again', 'auth', 3)]);
  const items = route('api/items.ts', 'GET /items', [link('cors', 'other', 2), auth]);
  const web = route('web/pages.ts', 'GET /', [link('slow', 'rate-limit', 1)]);
  const apps = groupApps([orders, items, web], ['web', 'api']);
  const said = apps.map((app) => ({
    folder: app.folder,
    auth: app.auth.map((m) => [m.name, m.routes.map((r) => r.key)]),
    rateLimits: app.rateLimits.map((m) => [m.name, m.routes.map((r) => r.key)]),
  }));
  assert.deepEqual(said, [
    { folder: 'api', auth: [['requireUser', ['GET /orders', 'GET /items']]], rateLimits: [['limiter', ['GET /orders']]] },
    { folder: 'web', auth: [], rateLimits: [['slow', ['GET /']]] },
  ]);
});

test('an edit of one route file runs the route checks for its routes alone, and keeps the other file\'s findings whole', async () => {
  const texts = new Map(Object.entries(APP).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const ran: string[][] = [];
  const checks = probed(ran);
  const session = new Session();
  let last = (await session.analyze(request(texts, checks)))!;
  // every unit holds the routes of one file, all of them
  assert.ok(ran.length > 0);
  for (const unit of ran) assert.equal(new Set(unit.map((r) => r.split(' ')[0])).size, 1, unit.join(', '));
  assert.ok(ran.some((unit) => unit.length === 3 && unit[0].startsWith(REPORTS)), 'the three routes of reports.ts are one unit');
  const before = inFile(last.result, REPORTS);
  assert.ok(before.length >= 2, 'reports.ts has findings to keep');

  // a route of accounts.ts renamed: nothing the routes of reports.ts read changed
  ran.length = 0;
  texts.set(`${ROOT}/${ACCOUNTS}`, texts.get(`${ROOT}/${ACCOUNTS}`)!.replace("'/login'", "'/signin'"));
  last = (await session.analyze(request(texts, checks), last))!;
  assert.ok(ran.length > 0, 'the checks ran for the edited file');
  assert.deepEqual(ran.flat().filter((r) => !r.startsWith(ACCOUNTS)), [], 'no check ran for the routes of another file');
  const kept = inFile(last.result, REPORTS);
  assert.equal(kept.length, before.length);
  assert.ok(kept.every((f, i) => f === before[i]), 'the very finding objects are kept');

  // an edit of reports.ts runs the checks for all of its routes again, as one unit
  ran.length = 0;
  texts.set(`${ROOT}/${REPORTS}`, texts.get(`${ROOT}/${REPORTS}`)!.replace("'/export'", "'/exports'"));
  last = (await session.analyze(request(texts, checks), last))!;
  const reran = ran.filter((unit) => unit[0].startsWith(REPORTS));
  assert.ok(reran.length > 0 && reran.every((unit) => unit.length === 3), JSON.stringify(ran));
  assert.deepEqual(ran.flat().filter((r) => !r.startsWith(REPORTS)), []);
  assert.ok(inFile(last.result, REPORTS).some((f) => f.message.includes('/reports/exports')));
});

/** Two routers of one app: `orders.ts` applies a middleware at one route, and mounts nothing. */
const ROUTERS: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^5.0.0' } }),
  'src/middleware/guard.ts': `import type { NextFunction, Request, Response } from 'express';

export function checkCaller(_req: Request, _res: Response, next: NextFunction) {
  next();
}
`,
  'src/routes/orders.ts': `import { Router } from 'express';
import { checkCaller } from '../middleware/guard';

export const orders = Router();
orders.get('/', (_req, res) => { res.json([]); });
orders.delete('/:id', checkCaller, (_req, res) => { res.status(204).end(); });
`,
  'src/routes/items.ts': `import { Router } from 'express';

export const items = Router();
items.get('/', (_req, res) => { res.json([]); });
`,
  'src/app.ts': `import express from 'express';
import { orders } from './routes/orders';
import { items } from './routes/items';

export const app = express();
app.use('/orders', orders);
app.use('/items', items);
`,
};

const ITEMS = 'src/routes/items.ts';
const APP_FILE = 'src/app.ts';

/**
 * Counts, while `run` runs, the calls of `owner[method]` (a class's prototype) by the key `keyOf` gives their
 * arguments; calls it gives no key are not counted.
 */
async function countCalls<A extends unknown[]>(owner: object, method: string, keyOf: (...args: A) => string | undefined, run: () => Promise<void>): Promise<Record<string, number>> {
  const methods = owner as Record<string, (...args: A) => unknown>;
  const original = methods[method];
  const counts: Record<string, number> = {};
  methods[method] = function (this: unknown, ...args: A) {
    const key = keyOf(...args);
    if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
    return original.apply(this, args);
  };
  try {
    await run();
    return counts;
  } finally {
    methods[method] = original;
  }
}

type Named = { getText(): string };
type InFile = { path: string };

/** Counts the classifications of the middleware or guard `name` where a file ending in `file` applies it. */
async function classificationsOf(name: string, file: string, run: () => Promise<void>): Promise<number> {
  const { Classifier } = await import('../server/src/engine/code/classify');
  const counts = await countCalls(Classifier.prototype, 'middleware', (node: Named, at: InFile) => (node.getText() === name && at.path.endsWith(file) ? name : undefined), run);
  return counts[name] ?? 0;
}

/** Counts the resolutions of each name written in a file ending in `file`. */
async function resolutionsOf(file: string, run: () => Promise<void>): Promise<Record<string, number>> {
  const { Resolver } = await import('../server/src/engine/code/resolve');
  return countCalls(Resolver.prototype, 'definition', (node: Named, at: InFile) => (at.path.endsWith(file) ? node.getText() : undefined), run);
}

/**
 * An app analysed in one session and then edited a file at a time: each step analyses the edit while `counting`
 * watches, asserts that the session's result equals a cold analysis's, and gives what was counted with the routes
 * of the file `watched` before and after, and whether they are the very objects they were (the file taken whole).
 */
async function editedApp(files: Record<string, string>, watched: string) {
  const { analyze } = await import('../server/src/engine/analyze');
  const texts = new Map(Object.entries(files).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const checks = CHECKS.filter((check) => check.meta.needs.includes('code'));
  const session = new Session();
  let last = (await session.analyze(request(texts, checks)))!;
  const said = (result: AnalysisResult) => JSON.parse(JSON.stringify({ findings: result.findings, routes: result.routes, problems: result.problems }));
  const routesOfWatched = () => last.result.routes!.filter((route) => route.file === watched);
  return async <C>(file: string, edit: (text: string) => string, counting: (run: () => Promise<void>) => Promise<C>, config?: { authMiddleware: string[] }) => {
    texts.set(`${ROOT}/${file}`, edit(texts.get(`${ROOT}/${file}`)!));
    const before = routesOfWatched();
    const counted = await counting(async () => { last = (await session.analyze({ ...request(texts, checks), config }, last))!; });
    assert.deepEqual(said(last.result), said(await analyze({ ...request(texts, checks), config })), `after the edit of ${file}`);
    const after = routesOfWatched();
    return { counted, after, same: after.length === before.length && after.every((route, i) => route === before[i]) };
  };
}

test('a router that mounts none is taken whole after an edit elsewhere, and read again when the links above it change', async () => {
  const step = await editedApp(ROUTERS, 'src/routes/orders.ts');
  const classified = (run: () => Promise<void>) => classificationsOf('checkCaller', 'orders.ts', run);
  // an edit of another router: the routes of orders.ts are taken whole, their middleware not classified again
  const other = await step(ITEMS, (t) => t.replace("items.get('/'", "items.get('/all'"), classified);
  assert.deepEqual([other.counted, other.same], [0, true]);
  // a middleware applied above it: read again, the new link in every chain
  const above = await step(APP_FILE, (t) => t.replace("app.use('/orders'", "app.use(express.json());\napp.use('/orders'"), classified);
  assert.ok(above.counted > 0 && !above.same);
  assert.ok(above.after.every((route) => route.chain.some((link) => link.name === 'express.json')));
  // taken whole again once nothing above it changes
  const again = await step(ITEMS, (t) => t.replace("items.get('/all'", "items.get('/every'"), classified);
  assert.deepEqual([again.counted, again.same], [0, true]);
  // the project names its own auth middleware: what the route's middleware is changes though no file does
  const named = await step(ITEMS, (t) => t, classified, { authMiddleware: ['checkCaller'] });
  assert.ok(named.counted > 0);
  assert.equal(named.after.find((route) => route.method === 'DELETE')!.chain.find((link) => link.name === 'checkCaller')!.kind, 'auth');
});

test('after an edit of a router, the app file that mounts it reads again the call that mounts it, not the others', async () => {
  const step = await editedApp(ROUTERS, 'src/routes/orders.ts');
  const resolved = (run: () => Promise<void>) => resolutionsOf(APP_FILE, run);
  // the items router gains a route: the app's mount of items is read again, its mount of orders is taken as it was
  const items = await step(ITEMS, (t) => t.replace("items.get('/'", "items.post('/', (_req, res) => { res.json({}); });\nitems.get('/'"), resolved);
  assert.ok(items.counted.items > 0 && !items.counted.orders, JSON.stringify(items.counted));
  // the orders router is no longer a router: its mount is read again, and mounts nothing
  const orders = await step('src/routes/orders.ts', (t) => t.replace('export const orders = Router();', 'export const orders = new Map();'), resolved);
  assert.ok(orders.counted.orders > 0 && !orders.counted.items, JSON.stringify(orders.counted));
  assert.ok(!orders.after.some((route) => route.mounted));
});

test('routes behind one guard that reads the same metadata of each share one link object; other metadata, another', async () => {
  const root = join(FIXTURES, 'nestjs', 'hardened');
  const { routes } = await analyzeRoutes({ root, files: codeFiles(root), reader: diskReader });
  const admin = routes.filter((route) => route.file === 'src/admin/admin.controller.ts');
  const roles = admin.map((route) => route.chain.find((link) => link.name === 'RolesGuard')!);
  assert.equal(roles.length, 3);
  assert.deepEqual(roles[0].grants, ['admin']);
  assert.ok(roles.every((link) => link === roles[0]), 'one RolesGuard link with its grants for the three routes');
  const limits = routes.map((route) => route.chain.find((link) => link.kind === 'rate-limit')).filter((link) => link !== undefined);
  const noted = limits.filter((link) => link.evidence.includes('@Throttle()'));
  assert.equal(noted.length, 1, 'the login route has its own limit');
  const plain = limits.filter((link) => link !== noted[0]);
  assert.ok(plain.length > 1 && plain.every((link) => link === plain[0]));
});

/**
 * A NestJS app behind a global guard that `@Public()` routes skip: the orders controller applies a guard of its own at
 * one route and makes another public; only the items controller and the global guard are edited.
 */
const NEST: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'desk', dependencies: { '@nestjs/common': '^11.0.0', '@nestjs/core': '^11.0.0' } }),
  'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(3000);
}
void bootstrap();
`,
  'src/auth/public.decorator.ts': PUBLIC_DECORATOR,
  'src/auth/auth.guard.ts': PUBLIC_AWARE_AUTH_GUARD,
  'src/auth/owner.guard.ts': `import { CanActivate, Injectable } from '@nestjs/common';

@Injectable()
export class OwnerGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}
`,
  'src/orders/orders.controller.ts': `import { Controller, Delete, Get, Param, UseGuards } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { OwnerGuard } from '../auth/owner.guard';

@Controller('orders')
export class OrdersController {
  @Public()
  @Get()
  list() {
    return [];
  }

  @UseGuards(OwnerGuard)
  @Delete(':id')
  remove(@Param('id') id: string) {
    return { id };
  }
}
`,
  'src/orders/items.controller.ts': `import { Controller, Get } from '@nestjs/common';

@Controller('items')
export class ItemsController {
  @Get()
  list() {
    return [];
  }
}
`,
  'src/orders/orders.module.ts': `import { Module } from '@nestjs/common';
import { ItemsController } from './items.controller';
import { OrdersController } from './orders.controller';

@Module({ controllers: [OrdersController, ItemsController] })
export class OrdersModule {}
`,
  'src/app.module.ts': `import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { OrdersModule } from './orders/orders.module';

@Module({ imports: [OrdersModule], providers: [{ provide: APP_GUARD, useClass: AuthGuard }] })
export class AppModule {}
`,
};

test('a NestJS controller is taken whole after an edit of another, and read again when what the global guard reads of its routes changes', async () => {
  const step = await editedApp(NEST, 'src/orders/orders.controller.ts');
  const classified = (run: () => Promise<void>) => classificationsOf('OwnerGuard', 'src/orders/orders.controller.ts', run);
  // an edit of the other controller: the orders controller's routes are taken whole, its route's guard not classified again
  const other = await step('src/orders/items.controller.ts', (t) => t.replace('@Get()', "@Get('all')"), classified);
  assert.deepEqual([other.counted, other.same], [0, true]);
  // the global guard no longer lets public routes through: the public route is read again, and authenticated
  const guard = await step('src/auth/auth.guard.ts', (t) => t.replace(PUBLIC_PASS, ''), classified);
  assert.ok(guard.counted > 0 && !guard.same);
  assert.ok(guard.after.every((route) => route.chain.some((link) => link.name === 'AuthGuard')));
  // taken whole again once nothing above it changes
  const again = await step('src/orders/items.controller.ts', (t) => t.replace("@Get('all')", "@Get('every')"), classified);
  assert.deepEqual([again.counted, again.same], [0, true]);
  // an edit of the global guard's code that leaves what it reads of the routes as it was: taken whole
  const same = await step('src/auth/auth.guard.ts', (t) => t.replace('if (!token)', "if (!token || token === '')"), classified);
  assert.deepEqual([same.counted, same.same], [0, true]);
});

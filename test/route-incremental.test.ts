/**
 * Route analysis after edits: a session that keeps parses, handler facts and what each file's calls register between
 * analyses gives, after each edit of a multi-file app (its middleware, a router, the service a handler calls, the
 * record models, the app's mounts, a file that makes another file's calls registrations; a NestJS guard, module,
 * controller and bootstrap; modules reordered unchanged, files deleted and written again; a Hono app's prefix constant,
 * middleware, sub-apps and registering function), exactly what a cold analysis of the same texts gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze } from '../server/src/engine/analyze';
import { CHECKS } from '../server/src/engine/checks';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { Session, type Analysis } from '../server/src/engine/session';
import { findingKey } from '../server/src/engine/identity';
import type { AnalysisResult, FileReader } from '../server/src/engine/types';
import { REQUIRE_USER } from './support/routes';
import { PUBLIC_AWARE_AUTH_GUARD, PUBLIC_DECORATOR, PUBLIC_PASS } from './support/nest-auth.mjs';

const ROOT = '/app';

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^5.0.0', '@prisma/client': '^6.0.0' } }),
  'prisma/schema.prisma': `model User {
  id           Int    @id
  email        String
  passwordHash String
}
`,
  'src/middleware/auth.ts': REQUIRE_USER,
  'src/services/users.ts': `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function loadUser(id: number) {
  return prisma.user.findUnique({ where: { id } });
}
`,
  'src/routes/users.ts': `import { Router } from 'express';
import { loadUser } from '../services/users';

export const users = Router();
users.get('/users/:id', async (req, res) => {
  const user = await loadUser(Number(req.params.id));
  res.json(user);
});
users.post('/users/export', async (_req, res) => {
  res.json({ started: true });
});
`,
  // not a router until the edit that makes it one: the calls on it in another file then register routes
  'src/store.ts': `export const store = new Map<string, unknown>();
`,
  'src/routes/extra.ts': `import { store } from '../store';

store.get('/extra', (_req: unknown, res: { json(value: unknown): void }) => res.json({}));
`,
  // two apps serve the same routes: their order in the table is the order the apps were first met in
  'src/servers.ts': `import express from 'express';
import { requireUser } from './middleware/auth';
import { users } from './routes/users';

export const first = express();
first.listen(3000).get('/health', (_req: unknown, res: { end(): void }) => res.end());
export const second = express();
second.use(requireUser);
second.use('/v1', users);
first.use('/v1', users);
`,
  'src/app.ts': `import express from 'express';
import { requireUser } from './middleware/auth';
import { users } from './routes/users';

export const app = express();
app.use('/api', requireUser);
app.use('/api', users);
`,
};

/** Each edit: a file and its new text, made from its current text. */
const EDITS: [string, (text: string) => string][] = [
  // the service the handler calls narrows its query: the handler's facts change though its own file does not
  ['src/services/users.ts', (t) => t.replace('{ where: { id } }', '{ where: { id }, select: { id: true, email: true } }')],
  ['src/services/users.ts', (t) => t.replace(', select: { id: true, email: true }', '')],
  // the record model loses its secret
  ['prisma/schema.prisma', (t) => t.replace('  passwordHash String\n', '')],
  ['prisma/schema.prisma', (t) => t.replace('  email        String\n', '  email        String\n  passwordHash String\n')],
  // the middleware stops authenticating
  ['src/middleware/auth.ts', (t) => t.replace("  if (!req.headers.authorization) return res.status(401).json({ error: 'unauthorized' });\n", '')],
  // a route added above the others moves them
  ['src/routes/users.ts', (t) => t.replace("export const users = Router();\n", "export const users = Router();\nusers.get('/users', async (_req, res) => {\n  res.json(await loadUser(1));\n});\n")],
  ['src/middleware/auth.ts', () => APP['src/middleware/auth.ts']],
  // the router is mounted before the auth middleware
  ['src/app.ts', (t) => t.replace("app.use('/api', requireUser);\napp.use('/api', users);", "app.use('/api', users);\napp.use('/api', requireUser);")],
  // a file that no longer parses, then the app as it was
  ['src/routes/users.ts', (t) => t.replace('res.json(user);', 'res.json(user;')],
  ['src/routes/users.ts', () => APP['src/routes/users.ts']],
  ['src/app.ts', () => APP['src/app.ts']],
  // another file's calls become registrations, then stop being ones, though that file is unchanged
  ['src/store.ts', () => "import { Router } from 'express';\n\nexport const store = Router();\n"],
  ['src/routes/users.ts', (t) => t.replace("users.post('/users/export'", "users.put('/users/export'")],
  ['src/store.ts', () => APP['src/store.ts']],
];

const NEST = join(__dirname, '..', 'examples', 'nestjs-insecure');
const NEST_EDITS: [string, (text: string) => string][] = [
  // the guard's module gains a global guard: every route is authenticated
  ['src/app.module.ts', (t) => t.replace("import { Module } from '@nestjs/common';", "import { Module } from '@nestjs/common';\nimport { APP_GUARD } from '@nestjs/core';\nimport { JwtAuthGuard } from './auth/jwt-auth.guard';")
    .replace('AdminModule] })', "AdminModule], providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] })")],
  // a controller gains a route, and the guard on `me` moves to the class
  ['src/users/users.controller.ts', (t) => t.replace("  @Delete(':id')", "  @Get(':id/orders')\n  orders(@Param('id') id: string) {\n    return [{ id }];\n  }\n\n  @Delete(':id')")],
  ['src/app.module.ts', () => readNest('src/app.module.ts')],
  ['src/users/users.controller.ts', (t) => t.replace("  @UseGuards(JwtAuthGuard)\n  @Get('me')", "  @Get('me')").replace("@Controller('users')", "@UseGuards(JwtAuthGuard)\n@Controller('users')")],
  // the guard is no longer a passport guard
  ['src/auth/jwt-auth.guard.ts', (t) => t.replace("export class JwtAuthGuard extends AuthGuard('jwt') {}", 'export class JwtAuthGuard {\n  canActivate() {\n    return true;\n  }\n}')],
  // the module stops declaring the controller, then the prefix changes
  ['src/users/users.module.ts', (t) => t.replace('controllers: [UsersController]', 'controllers: []')],
  ['src/main.ts', (t) => t.replace("setGlobalPrefix('api')", "setGlobalPrefix('v2')")],
  ['src/users/users.module.ts', () => readNest('src/users/users.module.ts')],
  ['src/auth/jwt-auth.guard.ts', () => readNest('src/auth/jwt-auth.guard.ts')],
  ['src/users/users.controller.ts', () => readNest('src/users/users.controller.ts')],
  ['src/main.ts', () => readNest('src/main.ts')],
];

/**
 * Modules that register on an app they import, in the order the entry file imports them: an edit of the entry file
 * reorders them without changing them, so their registrations, taken again from the last analysis, must take their
 * new place in the order (a route moved behind the auth middleware); one of them passes the app into a function of
 * another file.
 */
const ORDERED: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^5.0.0' } }),
  'src/app.ts': "import express from 'express';\n\nexport const app = express();\n",
  'src/middleware/auth.ts': APP['src/middleware/auth.ts'],
  // a handler that hands the request to a missing file: reading the handler reports the import
  'src/public.ts': `import { app } from './app';
import { relay } from './missing/relay';

app.get('/status', (_req, res) => res.json({ ok: true }));
app.post('/orders', (_req, res) => res.json({ created: true }));
app.post('/relay', (req, res) => relay(req, res));
`,
  'src/secure.ts': `import { app } from './app';
import { requireUser } from './middleware/auth';

app.use(requireUser);
app.get('/me', (_req, res) => res.json({}));
`,
  'src/setup.ts': `import type { Router } from 'express';

export function mountAdmin(router: Router) {
  router.delete('/admin/cache', (_req, res) => res.end());
}
`,
  'src/admin.ts': "import { app } from './app';\nimport { mountAdmin } from './setup';\n\nmountAdmin(app);\n",
  // middleware from a file that is missing, after every route: only reading the registration reports it
  'src/audit.ts': "import { app } from './app';\nimport { audit } from './missing/audit';\n\napp.use(audit);\n",
  'src/main.ts': "import './public';\nimport './admin';\nimport './secure';\nimport './audit';\nimport { app } from './app';\n\napp.listen(3000);\n",
};

/** Each edit: a file and its new text made from its current one (empty when it has none), or undefined to delete it. */
type FileEdit = [string, (text: string) => string | undefined];

const ORDERED_EDITS: FileEdit[] = [
  // the public routes are now registered after the auth middleware
  ['src/main.ts', (t) => t.replace("import './public';\nimport './admin';\nimport './secure';", "import './admin';\nimport './secure';\nimport './public';")],
  // the function the app is passed into registers another path
  ['src/setup.ts', (t) => t.replace("'/admin/cache'", "'/admin/cache/all'")],
  // the module that passes the app in is now read after the auth middleware: unchanged, it moves
  ['src/main.ts', (t) => t.replace("import './admin';\nimport './secure';", "import './secure';\nimport './admin';")],
  ['src/middleware/auth.ts', (t) => t.replace("  if (!req.headers.authorization) return res.status(401).json({ error: 'unauthorized' });\n", '')],
  // a module deleted, then written again
  ['src/secure.ts', () => undefined],
  ['src/secure.ts', () => ORDERED['src/secure.ts']],
  ['src/middleware/auth.ts', () => ORDERED['src/middleware/auth.ts']],
  ['src/main.ts', () => ORDERED['src/main.ts']],
  ['src/setup.ts', () => ORDERED['src/setup.ts']],
];

/**
 * A Hono app: sub-apps mounted below a prefix imported from a constants file, a sub-app with a base path, a sub-app
 * behind its own auth middleware, and routes registered by a function the app is passed into.
 */
const HONO: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'api', dependencies: { hono: '^4.0.0' } }),
  'src/constants.ts': "export const API = '/api';\n",
  'src/middleware/auth.ts': `import type { Context, Next } from 'hono';

export async function requireUser(c: Context, next: Next) {
  if (!c.req.header('authorization')) return c.json({ error: 'unauthorized' }, 401);
  await next();
}
`,
  'src/routes/users.ts': `import { Hono } from 'hono';
import { requireUser } from '../middleware/auth';

export const users = new Hono();
users.use('*', requireUser);
users.get('/:id', (c) => c.json({ id: c.req.param('id') }));
users.delete('/:id', (c) => c.body(null, 204));
`,
  'src/routes/orders.ts': `import { Hono } from 'hono';

export const orders = new Hono().basePath('/orders');
orders.get('/', (c) => c.json([]));
orders.post('/:id/refund', (c) => c.json({ refunded: true }));
`,
  'src/register.ts': `import type { Hono } from 'hono';

export function registerAdmin(app: Hono, prefix: string) {
  app.get(prefix + '/stats', (c) => c.json({}));
  app.delete(prefix + '/cache', (c) => c.body(null, 204));
}
`,
  'src/app.ts': `import { Hono } from 'hono';
import { API } from './constants';
import { users } from './routes/users';
import { orders } from './routes/orders';
import { registerAdmin } from './register';

export const app = new Hono();
app.route(API + '/users', users);
app.route(API, orders);
registerAdmin(app, API + '/admin');
`,
};

const HONO_EDITS: FileEdit[] = [
  // the prefix every mount reads
  ['src/constants.ts', () => "export const API = '/v1';\n"],
  // the middleware stops authenticating
  ['src/middleware/auth.ts', (t) => t.replace("  if (!c.req.header('authorization')) return c.json({ error: 'unauthorized' }, 401);\n", '')],
  ['src/routes/users.ts', (t) => t.replace("users.delete('/:id'", "users.delete('/:id/profile'")],
  ['src/middleware/auth.ts', () => HONO['src/middleware/auth.ts']],
  // the function the app is passed into registers one more route
  ['src/register.ts', (t) => t.replace("  app.delete(", "  app.post(prefix + '/reindex', (c) => c.json({}));\n  app.delete(")],
  // a mounted file deleted, then written again
  ['src/routes/orders.ts', () => undefined],
  ['src/routes/orders.ts', () => HONO['src/routes/orders.ts']],
  ['src/routes/users.ts', (t) => t.replace("users.use('*', requireUser);\n", '')],
  ['src/constants.ts', () => HONO['src/constants.ts']],
  ['src/routes/users.ts', () => HONO['src/routes/users.ts']],
  ['src/register.ts', () => HONO['src/register.ts']],
];

/**
 * A NestJS app whose reports controller is never edited: the app's global guard (which lets `@Public()` routes through),
 * the module that lists it, the decorator it uses, the constant its path reads and the app's prefix and versioning
 * change around it.
 */
const NEST_APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'desk', dependencies: { '@nestjs/common': '^11.0.0', '@nestjs/core': '^11.0.0' } }),
  'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(3000);
}
void bootstrap();
`,
  'src/constants.ts': "export const REPORTS = 'reports';\n",
  'src/auth/public.decorator.ts': PUBLIC_DECORATOR,
  'src/auth/auth.guard.ts': PUBLIC_AWARE_AUTH_GUARD,
  'src/reports/reports.controller.ts': `import { Controller, Delete, Get, Param } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { REPORTS } from '../constants';

@Controller(REPORTS)
export class ReportsController {
  @Get('daily')
  daily() {
    return [];
  }

  @Public()
  @Get('summary')
  summary() {
    return {};
  }

  @Delete(':id')
  remove(@Param('id') id: string) {
    return { id };
  }
}
`,
  'src/reports/reports.module.ts': `import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller';

@Module({ controllers: [ReportsController] })
export class ReportsModule {}
`,
  'src/orders/orders.controller.ts': `import { Body, Controller, Get, Post } from '@nestjs/common';

@Controller('orders')
export class OrdersController {
  @Get()
  list() {
    return [];
  }

  @Post()
  create(@Body() body: { item: string }) {
    return body;
  }
}
`,
  'src/orders/orders.module.ts': `import { Module } from '@nestjs/common';
import { OrdersController } from './orders.controller';

@Module({ controllers: [OrdersController] })
export class OrdersModule {}
`,
  'src/admin/admin.module.ts': `import { Module } from '@nestjs/common';

@Module({ controllers: [] })
export class AdminModule {}
`,
  'src/app.module.ts': `import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { OrdersModule } from './orders/orders.module';
import { ReportsModule } from './reports/reports.module';

@Module({ imports: [ReportsModule, OrdersModule, AdminModule, RouterModule.register([{ path: 'admin', module: AdminModule }])] })
export class AppModule {}
`,
};

/** Each edit, and whether it changes the routes of the reports controller (which no edit touches). */
const NEST_APP_EDITS: [...FileEdit, boolean][] = [
  // a global guard: every route is authenticated but the public one
  ['src/main.ts', (t) => t.replace("import { NestFactory } from '@nestjs/core';", "import { NestFactory, Reflector } from '@nestjs/core';\nimport { AuthGuard } from './auth/auth.guard';")
    .replace("  app.setGlobalPrefix('api');", "  app.setGlobalPrefix('api');\n  app.useGlobalGuards(new AuthGuard(new Reflector()));"), true],
  ['src/orders/orders.controller.ts', (t) => t.replace('  @Post()', "  @Post('new')"), false],
  // the orders controller moves to the module served below /admin
  ['src/orders/orders.module.ts', (t) => t.replace('controllers: [OrdersController]', 'controllers: []'), false],
  ['src/admin/admin.module.ts', (t) => t.replace("import { Module } from '@nestjs/common';", "import { Module } from '@nestjs/common';\nimport { OrdersController } from '../orders/orders.controller';")
    .replace('controllers: []', 'controllers: [OrdersController]'), false],
  // the app no longer imports the reports module: its controller keeps only its own paths, outside the app
  ['src/app.module.ts', (t) => t.replace('imports: [ReportsModule, ', 'imports: ['), true],
  ['src/app.module.ts', () => NEST_APP['src/app.module.ts'], true],
  // the decorator sets another key than the guard reads: the public route is authenticated too
  ['src/auth/public.decorator.ts', (t) => t.replace('SetMetadata(IS_PUBLIC, true)', "SetMetadata('open', true)"), true],
  ['src/orders/orders.controller.ts', (t) => t.replace("@Controller('orders')", "@Public()\n@Controller('orders')").replace("import { Body, Controller, Get, Post } from '@nestjs/common';", "import { Body, Controller, Get, Post } from '@nestjs/common';\nimport { Public } from '../auth/public.decorator';"), false],
  ['src/auth/public.decorator.ts', () => NEST_APP['src/auth/public.decorator.ts'], true],
  // the path constant the controller reads, the app's versioning, then the guard's test of the metadata
  ['src/constants.ts', () => "export const REPORTS = 'daily-reports';\n", true],
  ['src/main.ts', (t) => t.replace("import { NestFactory, Reflector } from '@nestjs/core';", "import { NestFactory, Reflector } from '@nestjs/core';\nimport { VersioningType } from '@nestjs/common';")
    .replace("  app.setGlobalPrefix('api');", "  app.setGlobalPrefix('api');\n  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' });"), true],
  ['src/auth/auth.guard.ts', (t) => t.replace(PUBLIC_PASS, ''), true],
  ['src/orders/orders.module.ts', () => NEST_APP['src/orders/orders.module.ts'], false],
  ['src/main.ts', () => NEST_APP['src/main.ts'], true],
  ['src/auth/auth.guard.ts', () => NEST_APP['src/auth/auth.guard.ts'], false],
  ['src/constants.ts', () => NEST_APP['src/constants.ts'], true],
];

function readNest(file: string): string { return readFileSync(join(NEST, file), 'utf8'); }

/** Every file of a folder, by path relative to it. */
function filesOf(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path); else files[relative(folder, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(folder);
  return files;
}

const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.includes('code'));

function request(texts: Map<string, string>) {
  const reader: FileReader = { read: (path) => texts.get(path) };
  const files = [...texts.keys()].filter((path) => !path.endsWith('.prisma'));
  return { root: ROOT, files, reader, checks: CODE_CHECKS, frontends: { code: codeFrontend } };
}

/** What a result says, as data (findings with their fixes, the route table with its chains and flow facts, problems). */
const said = (result: AnalysisResult) => JSON.parse(JSON.stringify({ findings: result.findings, routes: result.routes, problems: result.problems }));

/** Analyses `app` after each of `edits` in one session, and each time cold; the distinct outcomes. */
async function editedAgainstCold(app: Record<string, string>, edits: FileEdit[]): Promise<number> {
  const texts = new Map(Object.entries(app).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session();
  let last: Analysis | undefined = await session.analyze(request(texts));
  assert.deepEqual(said(last!.result), said(await analyze(request(texts))));
  const outcomes = new Set<string>();
  for (const [file, edit] of edits) {
    const path = `${ROOT}/${file}`;
    const text = edit(texts.get(path) ?? '');
    if (text === undefined) texts.delete(path); else texts.set(path, text);
    last = await session.analyze(request(texts), last);
    const cold = said(await analyze(request(texts)));
    assert.deepEqual(said(last!.result), cold, `after the edit of ${file}`);
    outcomes.add(JSON.stringify([cold.findings.map((f: { ruleId: string; file: string; range: unknown }) => [f.ruleId, f.file, f.range]), cold.routes.map((r: { key: string }) => r.key)]));
  }
  return outcomes.size;
}

test('route analysis after each edit of a multi-file app equals a cold analysis of the same texts', async () => {
  const outcomes = await editedAgainstCold(APP, EDITS);
  // the edits change what is found, so that an analysis that kept stale facts would differ from the cold one
  assert.ok(outcomes >= 7, `${outcomes} distinct outcomes`);
});

test('NestJS route analysis after each edit of a guard, a module, a controller and the bootstrap equals a cold analysis', async () => {
  const outcomes = await editedAgainstCold(filesOf(NEST), NEST_EDITS);
  assert.ok(outcomes >= 6, `${outcomes} distinct outcomes`);
});

test('route analysis after edits that reorder unchanged modules, delete and write files again, equals a cold analysis', async () => {
  const outcomes = await editedAgainstCold(ORDERED, ORDERED_EDITS);
  assert.ok(outcomes >= 5, `${outcomes} distinct outcomes`);
});

test('Hono route analysis after each edit of a prefix constant, a middleware, a sub-app and a registering function equals a cold analysis', async () => {
  const outcomes = await editedAgainstCold(HONO, HONO_EDITS);
  assert.ok(outcomes >= 6, `${outcomes} distinct outcomes`);
});

test('NestJS route analysis after edits of the app-wide facts around an unedited controller equals a cold analysis', async () => {
  const edits = NEST_APP_EDITS.map(([file, edit]): FileEdit => [file, edit]);
  assert.ok(await editedAgainstCold(NEST_APP, edits) >= 8);
  // the routes of the unedited controller change exactly with the app-wide facts they read
  const texts = new Map(Object.entries(NEST_APP).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session();
  let last = (await session.analyze(request(texts)))!;
  const reports = (result: AnalysisResult) => JSON.stringify(result.routes!.filter((route) => route.file === 'src/reports/reports.controller.ts'));
  const changed: boolean[] = [];
  for (const [file, edit] of edits) {
    const path = `${ROOT}/${file}`;
    texts.set(path, edit(texts.get(path)!)!);
    const before = reports(last.result);
    last = (await session.analyze(request(texts), last))!;
    changed.push(reports(last.result) !== before);
  }
  assert.deepEqual(changed, NEST_APP_EDITS.map(([, , changes]) => changes));
});

/**
 * Two routers of one app: the routes of `reports.ts` have no auth and no limiter of their own, and what their findings
 * say depends on what `accounts.ts` applies (the app's only auth middleware, its only limiter).
 */
const PROTECTED: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'desk', dependencies: { express: '^5.0.0', 'express-rate-limit': '^7.0.0' } }),
  'src/middleware/auth.ts': REQUIRE_USER,
  'src/routes/reports.ts': `import { Router } from 'express';

export const reports = Router();
reports.get('/search', (_req, res) => { res.json([]); });
reports.delete('/:id', (_req, res) => { res.status(204).end(); });
`,
  'src/routes/accounts.ts': `import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { requireUser } from '../middleware/auth';

const limiter = rateLimit({ windowMs: 60_000, limit: 5 });
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

const ACCOUNTS = 'src/routes/accounts.ts';
const PROTECTED_EDITS: FileEdit[] = [
  // a route that changes nothing the other routes' findings read
  [ACCOUNTS, (t) => t.replace("accounts.post('/login'", "accounts.post('/signin'")],
  // the app's only auth middleware is removed: the app then authenticates no route
  [ACCOUNTS, (t) => t.replace('accounts.use(requireUser);\n', '')],
  [ACCOUNTS, () => PROTECTED[ACCOUNTS]],
  // a limiter is applied elsewhere: a search without one is then an oversight
  [ACCOUNTS, (t) => t.replace("accounts.post('/login', ", "accounts.post('/login', limiter, ")],
  // the auth middleware protects one more route: the findings count the routes it protects
  [ACCOUNTS, (t) => `${t}accounts.get('/settings', (_req, res) => { res.json({}); });\n`],
  [ACCOUNTS, () => PROTECTED[ACCOUNTS]],
];

test('the findings of routes an edit left are kept while the app-wide facts they read are, and change with them', async () => {
  assert.ok(await editedAgainstCold(PROTECTED, PROTECTED_EDITS) >= 4);
  const texts = new Map(Object.entries(PROTECTED).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session();
  let last = (await session.analyze(request(texts)))!;
  const untouched = (result: AnalysisResult) => result.findings.filter((f) => f.file === 'src/routes/reports.ts');
  const said = (result: AnalysisResult) => untouched(result).map((f) => `${f.ruleId} ${f.severity}: ${f.message}`);
  const before = untouched(last.result);
  assert.equal(before.length, 3, said(last.result).join('\n'));
  const steps: { kept: boolean; said: string[] }[] = [];
  for (const [file, edit] of PROTECTED_EDITS) {
    const path = `${ROOT}/${file}`;
    texts.set(path, edit(texts.get(path)!)!);
    const previous = untouched(last.result);
    last = (await session.analyze(request(texts), last))!;
    const now = untouched(last.result);
    steps.push({ kept: now.length === previous.length && now.every((f, i) => f === previous[i]), said: said(last.result) });
  }
  // the edit of a route nothing else reads keeps the other file's findings, the very objects
  assert.deepEqual(steps.map((s) => s.kept), [true, false, false, false, false, false]);
  const [renamed, noAuth, , limited, twoProtected] = steps.map((s) => s.said.join('\n'));
  assert.match(renamed, /DELETE \/reports\/\{id\} accepts anonymous requests although it changes data: .* while requireUser protects another route/);
  assert.match(noAuth, /code-auth-missing warning: .*the app authenticates no route/);
  assert.match(renamed, /code-rate-limit-missing info: GET \/reports\/search has no rate limiter in effect, and it runs searches/);
  assert.match(limited, /code-rate-limit-missing warning: GET \/reports\/search has no rate limiter in effect, although limiter limits another route/);
  assert.match(twoProtected, /while requireUser protects 2 other routes/);
});

test('an analysis is let go once the next edits of the same file have made it anew: no chain of analyses is held', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const collected = async (ref: WeakRef<object>) => {
    // a WeakRef holds its target until the job that made it ends
    for (let i = 0; i < 3 && ref.deref(); i++) { await new Promise((resolve) => setImmediate(resolve)); gc(); }
    return ref.deref() === undefined;
  };
  const texts = new Map(Object.entries(PROTECTED).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session({ fixes: 'on-request' });
  const path = `${ROOT}/${ACCOUNTS}`;
  const edit = async (name: string, last: Analysis) => {
    texts.set(path, texts.get(path)!.replace(/accounts\.post\('\/\w+'/, `accounts.post('${name}'`));
    return (await session.analyze(request(texts), last))!;
  };
  let last = await edit('/signin', (await session.analyze(request(texts)))!);
  // the findings of the edited file are made anew by each edit: nothing later holds this list
  const findings = new WeakRef(last.result.findings);
  for (const name of ['/logon', '/login', '/sign-in']) last = await edit(name, last);
  assert.ok(last.result.findings.some((f) => f.file === ACCOUNTS));
  assert.ok(await collected(findings), 'the findings of an analysis three edits back are collected');
});

test('fixes built on request for findings kept from earlier analyses are those a cold analysis builds', async () => {
  const texts = new Map(Object.entries(PROTECTED).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session({ fixes: 'on-request' });
  let last = (await session.analyze(request(texts)))!;
  const path = `${ROOT}/${ACCOUNTS}`;
  // kept with the builders of the analysis that made them, edit after edit, until a quiet moment builds their fixes
  for (const name of ['/signin', '/logon', '/login', '/enter']) {
    texts.set(path, texts.get(path)!.replace(/accounts\.post\('\/\w+'/, `accounts.post('${name}'`));
    const before = last.result.findings.filter((f) => f.file === 'src/routes/reports.ts');
    if (name === '/login') {
      assert.ok(session.buildKeptFixes(last) > 0, 'the kept findings have their fixes built');
      assert.equal(session.buildKeptFixes(last), 0, 'once');
    }
    last = (await session.analyze(request(texts), last))!;
    const kept = last.result.findings.filter((f) => f.file === 'src/routes/reports.ts');
    assert.ok(kept.length > 0 && kept.every((f, i) => f === before[i]));
    const keys = kept.map(findingKey);
    const built = await session.fixes(last, keys);
    const cold = (await analyze(request(texts))).findings.filter((f) => keys.includes(findingKey(f)));
    assert.deepEqual(keys.map((key) => built.get(key)), cold.map((f) => f.fixes), `after the rename to ${name}`);
    assert.ok(cold.some((f) => f.fixes.length > 1), 'the suggestions applying the app\'s middleware are among them');
  }
});

/**
 * Value flow inside handlers (engine/code/flow): the request's parts per framework, the data access calls of each
 * library with their conditions, projections and limits, what reaches the response and the logs, the record models,
 * the returned shape a route exposes, and the bounds that keep a hostile handler from hanging the analysis.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { returnedShape, routeFlow } from '../server/src/engine/code/flow/facts';
import type { Origin } from '../server/src/engine/code/flow/facts';
import { CHECKS } from '../server/src/engine/checks';
import type { Route } from '../server/src/engine/code/model';
import type { FileReader } from '../server/src/engine/types';

const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.includes('code'));

/** In-memory files (relative path -> text) under /p, reviewed with the code checks. */
async function reviewMemory(files: Record<string, string>) {
  const reader: FileReader = { read: (path) => files[path.slice('/p/'.length)] };
  const paths = Object.keys(files).map((f) => `/p/${f}`);
  return analyze({ root: '/p', files: paths, explicit: new Set(), reader, checks: CODE_CHECKS, frontends: { code: codeFrontend } });
}

async function routeOf(files: Record<string, string>, key: string): Promise<Route> {
  const result = await reviewMemory(files);
  const route = result.routes.find((r) => r.key === key);
  assert.ok(route, `route ${key} among ${result.routes.map((r) => r.key).join(', ')}`);
  return route;
}

/** An origin in a few words: `request:params.id`, `record:0`, `record:0[id]`, `caller:id`. */
function describeOrigin(o: Origin): string {
  if (o.kind === 'request') return `request:${o.part}${o.field !== undefined ? `.${o.field}` : ''}`;
  if (o.kind === 'record') return `record:${o.access}${o.fields ? `[${o.fields.join(',')}]` : ''}`;
  return `caller${o.field !== undefined ? `:${o.field}` : ''}`;
}

const sinks = (route: Route, kind: 'response' | 'log') =>
  routeFlow(route)!.sinks.filter((s) => s.kind === kind).map((s) => `${s.label} <- ${s.origins.map(describeOrigin).join(' ')}`);

const filters = (route: Route, access = 0) =>
  routeFlow(route)!.accesses[access].filters.map((f) => `${f.key}=${f.origins.map(describeOrigin).join(' ')}`);

const PRISMA = 'model User {\n  id Int @id\n  email String\n  passwordHash String\n  role String\n}\n';

describe('request data per framework', () => {
  test('Hono: c.req.param, c.req.json, c.get(jwtPayload) and c.json', async () => {
    const route = await routeOf({
      'prisma/schema.prisma': PRISMA,
      'app.ts': [
        "import { Hono } from 'hono';",
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'const app = new Hono();',
        "app.put('/users/:id', async (c) => {",
        "  const body = await c.req.json();",
        "  const caller = c.get('jwtPayload');",
        "  const user = await prisma.user.update({ where: { id: Number(c.req.param('id')), email: caller.sub }, data: body });",
        '  return c.json(user);',
        '});',
      ].join('\n'),
    }, 'PUT /users/{id}');
    assert.deepEqual(filters(route), ['id=request:params.id', 'email=caller:sub']);
    assert.deepEqual(routeFlow(route)!.accesses[0].payload!.origins.map(describeOrigin), ['request:body']);
    assert.deepEqual(sinks(route, 'response'), ['c.json <- record:0']);
    assert.equal(routeFlow(route)!.readsCaller, true);
  });

  test('Next.js: params from the context, request.json() and NextResponse.json', async () => {
    const route = await routeOf({
      'app/api/notes/[id]/route.ts': [
        "import { NextResponse } from 'next/server';",
        "import { db } from '@/db';",
        'export async function PATCH(request: Request, { params }: { params: { id: string } }) {',
        '  const input = await request.json();',
        '  const note = await db.note.update({ where: { id: params.id }, data: input });',
        '  return NextResponse.json(note);',
        '}',
      ].join('\n'),
    }, 'PATCH /api/notes/{id}');
    assert.deepEqual(filters(route), ['id=request:params.id']);
    assert.deepEqual(routeFlow(route)!.accesses[0].payload!.origins.map(describeOrigin), ['request:body']);
    assert.deepEqual(sinks(route, 'response'), ['NextResponse.json <- record:0']);
  });

  test('Next.js pages/api: (req, res) answer through res.json; a loop variable holds what the list holds', async () => {
    const route = await routeOf({
      'pages/api/users/[id].ts': [
        "import { db } from '../../../db';",
        'export default async function handler(req, res) {',
        '  const users = await db.user.findMany({ where: { orgId: req.query.id }, take: 10 });',
        '  for (const user of users) console.info(user);',
        '  res.status(200).json(users);',
        '}',
      ].join('\n'),
    }, 'ALL /api/users/{id}');
    assert.deepEqual(filters(route), ['orgId=request:query.id']);
    assert.deepEqual(sinks(route, 'response'), ['res.status(200).json <- record:0']);
    assert.deepEqual(sinks(route, 'log'), ['console.info <- record:0']);
  });

  test('Koa: ctx.params and ctx.body, with a Sequelize model read by findByPk and its attributes', async () => {
    const route = await routeOf({
      'app.js': [
        "const Router = require('@koa/router');",
        "const { Project } = require('./models');",
        'const router = new Router();',
        "router.get('/projects/:id', async (ctx) => {",
        '  ctx.body = await Project.findByPk(ctx.params.id, { attributes: { exclude: [\'secret\'] } });',
        '});',
        'module.exports = router;',
      ].join('\n'),
      'models.js': "const { Model } = require('sequelize');\nclass Project extends Model {}\nProject.init({ name: 'x', secret: 'y' }, {});\nmodule.exports = { Project };",
    }, 'GET /projects/{id}');
    const flow = routeFlow(route)!;
    assert.equal(flow.accesses[0].library, 'sequelize');
    assert.deepEqual(flow.accesses[0].projection, { drop: ['secret'] });
    assert.deepEqual(filters(route), ['id=request:params.id']);
    assert.deepEqual(sinks(route, 'response'), ['ctx.body <- record:0']);
    assert.deepEqual(flow.models[0]!.fields.map((f) => f.name), ['name', 'secret']);
  });

  test('a model defined by a call whose name is written with an escape is still read', async () => {
    const route = await routeOf({
      'app.js': "const Router = require('@koa/router');\nconst { Project } = require('./models');\nconst router = new Router();\nrouter.get('/projects/:id', async (ctx) => { ctx.body = await Project.findByPk(ctx.params.id); });\nmodule.exports = router;",
      'models.js': "const { Model } = require('sequelize');\nclass Project extends Model {}\nProject.\\u0069nit({ name: 'x', secret: 'y' }, {});\nmodule.exports = { Project };",
    }, 'GET /projects/{id}');
    assert.deepEqual(routeFlow(route)!.models[0]!.fields.map((f) => f.name), ['name', 'secret']);
  });

  test('NestJS: @Param, @Body and @CurrentUser() parameters, through an injected service', async () => {
    const route = await routeOf({
      'notes.controller.ts': [
        "import { Body, Controller, Param, Put } from '@nestjs/common';",
        "import { NotesService } from './notes.service';",
        "@Controller('notes')",
        'export class NotesController {',
        '  constructor(private readonly notes: NotesService) {}',
        "  @Put(':id')",
        "  save(@Param('id') id: string, @Body() dto: NoteDto, @CurrentUser() me) {",
        '    return this.notes.save(id, me.id, dto);',
        '  }',
        '}',
      ].join('\n'),
      'notes.service.ts': [
        "import { InjectModel } from '@nestjs/mongoose';",
        "import { Model } from 'mongoose';",
        'export class NotesService {',
        '  constructor(@InjectModel(Note.name) private readonly model: Model<Note>) {}',
        '  save(id: string, owner: string, changes) {',
        '    return this.model.findOneAndUpdate({ _id: id, owner }, changes);',
        '  }',
        '}',
      ].join('\n'),
    }, 'PUT /notes/{id}');
    const access = routeFlow(route)!.accesses[0];
    assert.deepEqual([access.library, access.model, access.operation, access.inHandler], ['mongoose', 'Note', 'update', false]);
    assert.deepEqual(filters(route), ['_id=request:params.id', 'owner=caller:id']);
    assert.deepEqual(access.payload!.origins.map(describeOrigin), ['request:body']);
    assert.deepEqual(sinks(route, 'response'), ['return <- record:0']);
  });
});

describe('data access per library', () => {
  const express = (body: string[]) => ["import express from 'express';", "import { db, pool, knex } from './db';", "import { users, eq } from './schema';", 'const app = express();', ...body].join('\n');

  test('Knex: the table, a where object, first() and limit()', async () => {
    const route = await routeOf({ 'app.ts': express(["app.get('/users/:id', async (req, res) => res.json(await knex('users').where({ id: req.params.id }).first()));"]) }, 'GET /users/{id}');
    const access = routeFlow(route)!.accesses[0];
    assert.deepEqual([access.library, access.label, access.model, access.many], ['knex', "knex('users')", 'users', false]);
    assert.deepEqual(filters(route), ['id=request:params.id']);
  });

  test('Drizzle: select().from(table).where(eq(column, value)).limit(n)', async () => {
    const route = await routeOf({ 'app.ts': express(["app.get('/users', async (req, res) => res.json(await db.select().from(users).where(eq(users.org, req.query.org)).limit(20)));"]) }, 'GET /users');
    const access = routeFlow(route)!.accesses[0];
    assert.deepEqual([access.library, access.model, access.many, access.limit?.bounded], ['drizzle', 'users', true, true]);
    assert.deepEqual(filters(route), ['org=request:query.org']);
  });

  test('SQL through pg: the table, SELECT * as no projection, $n placeholders bound to the values, LIMIT', async () => {
    const route = await routeOf({ 'app.ts': express(["app.get('/users/:id', async (req, res) => { const { rows } = await pool.query('SELECT * FROM users WHERE id = $1 AND org = $2', [req.params.id, req.user.org]); res.json(rows[0]); });"]) }, 'GET /users/{id}');
    const access = routeFlow(route)!.accesses[0];
    assert.deepEqual([access.library, access.model, access.projection, access.many], ['sql', 'users', undefined, false]);
    assert.deepEqual(filters(route), ['id=request:params.id', 'org=caller:org']);
  });

  test('a limit from the request is bounded only when clamped to a maximum', async () => {
    const route = await routeOf({
      'app.ts': express([
        "app.get('/a', async (req, res) => res.json(await db.user.findMany({ take: Number(req.query.limit) })));",
        "app.get('/b', async (req, res) => res.json(await db.user.findMany({ take: Math.min(Number(req.query.limit) || 10, 50) })));",
      ]),
    }, 'GET /a');
    assert.equal(routeFlow(route)!.accesses[0].limit!.bounded, false);
    const b = await routeOf({ 'app.ts': express(["app.get('/b', async (req, res) => res.json(await db.user.findMany({ take: Math.min(Number(req.query.limit) || 10, 50) })));"]) }, 'GET /b');
    assert.equal(routeFlow(b)!.accesses[0].limit!.bounded, true);
  });
});

describe('what reaches the response and the logs', () => {
  const files = (handler: string) => ({
    'prisma/schema.prisma': PRISMA,
    'app.ts': ["import express from 'express';", "import { prisma } from './db';", 'const app = express();', handler].join('\n'),
  });

  test('narrowing: a field, a mapping, a rest without the secret; whole: a spread, a helper returning the record', async () => {
    const route = await routeOf(files([
      "app.get('/u/:id', async (req, res) => {",
      '  const user = await prisma.user.findUnique({ where: { id: req.params.id } });',
      '  const { passwordHash, ...rest } = user;',
      '  const same = await load(req.params.id);',
      '  res.json({ email: user.email, list: [user].map((u) => u.email), rest, ...same });',
      '});',
      'async function load(id) { return prisma.user.findUnique({ where: { id } }); }',
    ].join('\n')), 'GET /u/{id}');
    assert.deepEqual(sinks(route, 'response'), ['res.json <- record:0[email] record:0[email] record:0[all but passwordHash] record:1']);
    const shape = returnedShape(route);
    assert.deepEqual(shape[0].records.map((r) => [r.model, r.whole, r.fields.join(',')]), [
      ['User', false, 'email'], ['User', false, 'email'], ['User', false, 'all but passwordHash'], ['User', true, 'id,email,passwordHash,role'],
    ]);
  });

  test('the keys sent: a record itself, whole without its relations or as projected; none for a literal or a field', async () => {
    const schema = `${PRISMA.replace('}\n', '  orders Order[]\n}\n')}model Order {\n  id Int @id\n  owner User @relation(fields: [ownerId], references: [id])\n  ownerId Int\n}\n`;
    const route = await routeOf({ ...files([
      "app.get('/u/:id', async (req, res) => {",
      '  const user = await prisma.user.findUnique({ where: { id: req.params.id } });',
      '  const few = await prisma.user.findMany({ select: { id: true, email: true }, take: 5 });',
      '  if (req.query.few) return res.json(few);',
      '  if (req.query.wrap) return res.json({ user });',
      '  if (req.query.email) return res.json(user.email);',
      '  res.json(user);',
      '});',
    ].join('\n')), 'prisma/schema.prisma': schema }, 'GET /u/{id}');
    assert.deepEqual(returnedShape(route).map((s) => [s.text, s.keys]), [
      ['few', { fields: ['id', 'email'], many: true, model: 'User' }],
      ['{ user }', undefined],
      ['user.email', undefined],
      ['user', { fields: ['id', 'email', 'passwordHash', 'role'], many: false, model: 'User' }],
    ]);
  });

  test('a promise callback answers with what the query returns', async () => {
    const route = await routeOf(files([
      "app.get('/u', (req, res) => {",
      '  prisma.user.findMany({ take: 5 }).then((users) => res.json(users));',
      '});',
    ].join('\n')), 'GET /u');
    assert.deepEqual(sinks(route, 'response'), ['res.json <- record:0']);
  });

  test('a record used but never sent reaches no response; loggers are console and pino-style loggers', async () => {
    const route = await routeOf(files([
      "app.post('/login', async (req, res) => {",
      '  const user = await prisma.user.findFirst({ where: { email: req.body.email } });',
      "  logger.info('login', req.body.email);",
      '  console.warn(user);',
      '  res.json({ ok: user.role === \'admin\' });',
      '});',
    ].join('\n')), 'POST /login');
    assert.deepEqual(sinks(route, 'response'), ['res.json <- ']);
    assert.deepEqual(sinks(route, 'log'), ['logger.info <- request:body.email', 'console.warn <- record:0']);
  });
});

describe('bounds', () => {
  test('a huge handler and mutual recursion end, the facts marked as truncated where the budget ran out', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `  const v${i} = req.query.a${i} + v${Math.max(0, i - 1)};`);
    const started = process.cpuUsage();
    const route = await routeOf({
      'app.js': [
        "const app = require('express')();",
        "app.get('/big', (req, res) => {", ...lines, '  res.json(ping(req.query.n));', '});',
        'function ping(n) { return pong(n); }',
        'function pong(n) { return ping(n); }',
      ].join('\n'),
    }, 'GET /big');
    const cpu = process.cpuUsage(started);
    assert.equal(routeFlow(route)!.truncated, true);
    assert.ok((cpu.user + cpu.system) / 1e6 < 60, 'ends well within a minute of processor time');
  });

  test('recursive project functions are followed once, and the handler still has its facts', async () => {
    const route = await routeOf({
      'app.js': [
        "const app = require('express')();",
        "app.get('/r', (req, res) => res.json(walk(req.query.n)));",
        'function walk(n) { return n ? walk(n - 1) : n; }',
      ].join('\n'),
    }, 'GET /r');
    assert.deepEqual(sinks(route, 'response'), ['res.json <- request:query.n']);
    assert.equal(routeFlow(route)!.truncated, undefined);
  });
});

/**
 * Route analysis after edits: a session that keeps parses and handler facts between analyses gives, after each edit
 * of a multi-file app (its middleware, a router, the service a handler calls, the record models, the app's mounts),
 * exactly what a cold analysis of the same texts gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { CHECKS } from '../server/src/engine/checks';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { Session, type Analysis } from '../server/src/engine/session';
import type { AnalysisResult, FileReader } from '../server/src/engine/types';

const ROOT = '/app';

const APP: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^5.0.0', '@prisma/client': '^6.0.0' } }),
  'prisma/schema.prisma': `model User {
  id           Int    @id
  email        String
  passwordHash String
}
`,
  'src/middleware/auth.ts': `import type { NextFunction, Request, Response } from 'express';

export function requireUser(req: Request, res: Response, next: NextFunction) {
  if (!req.headers.authorization) return res.status(401).json({ error: 'unauthorized' });
  next();
}
`,
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
];

const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.includes('code'));

function request(texts: Map<string, string>) {
  const reader: FileReader = { read: (path) => texts.get(path) };
  const files = [...texts.keys()].filter((path) => !path.endsWith('.prisma'));
  return { root: ROOT, files, reader, checks: CODE_CHECKS, frontends: { code: codeFrontend } };
}

/** What a result says, as data (findings with their fixes, the route table with its chains and flow facts, problems). */
const said = (result: AnalysisResult) => JSON.parse(JSON.stringify({ findings: result.findings, routes: result.routes, problems: result.problems }));

test('route analysis after each edit of a multi-file app equals a cold analysis of the same texts', async () => {
  const texts = new Map(Object.entries(APP).map(([file, text]) => [`${ROOT}/${file}`, text]));
  const session = new Session();
  let last: Analysis | undefined = await session.analyze(request(texts));
  assert.deepEqual(said(last!.result), said(await analyze(request(texts))));
  const outcomes = new Set<string>();
  for (const [file, edit] of EDITS) {
    const path = `${ROOT}/${file}`;
    texts.set(path, edit(texts.get(path)!));
    last = await session.analyze(request(texts), last);
    const cold = said(await analyze(request(texts)));
    assert.deepEqual(said(last!.result), cold, `after the edit of ${file}`);
    outcomes.add(JSON.stringify(cold.findings.map((f: { ruleId: string; file: string; range: unknown }) => [f.ruleId, f.file, f.range])));
  }
  // the edits change what is found, so that an analysis that kept stale facts would differ from the cold one
  assert.ok(outcomes.size >= 5, `${outcomes.size} distinct outcomes`);
});

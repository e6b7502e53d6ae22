/** Suggestion edits on route code keep the file's style and leave it parsing: imports, route arguments, decorators. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { applyEdits } from '../server/src/engine/edit/edits';
import { decoratorEdit, importEdit, routeArgumentEdit } from '../server/src/engine/edit/code';
import { LineIndex } from '../server/src/engine/spec/source';
import type { ImportNeed } from '../server/src/engine/code/model';
import type { TextEdit } from '../server/src/engine/types';

function apply(text: string, edits: TextEdit[]): string {
  const out = applyEdits(text, edits, new LineIndex(text));
  const parsed = ts.createSourceFile('x.ts', out, ts.ScriptTarget.Latest);
  assert.deepEqual((parsed as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, [], out);
  return out;
}
const guard: ImportNeed = { from: 'src/middleware/auth.ts', package: false, name: 'requireAuth', local: 'requireAuth' };

test('an import: after the last one, in the file\'s quotes and semicolons, by a relative path in its suffix style', () => {
  const text = 'import express from "express"\nimport { users } from "./users.js"\n\nconst app = express()\n';
  assert.equal(apply(text, importEdit('src/app.ts', text, guard)),
    'import express from "express"\nimport { users } from "./users.js"\nimport { requireAuth } from "./middleware/auth.js"\n\nconst app = express()\n');
  const plain = "import { Router } from 'express';\n\nexport const r = Router();\n";
  assert.equal(apply(plain, importEdit('src/routes/r.ts', plain, { ...guard, name: 'default', local: 'auth' })),
    "import { Router } from 'express';\nimport auth from '../middleware/auth';\n\nexport const r = Router();\n");
});

test('an import: a name joins an import of its module; a name bound already needs nothing; CommonJS gets require', () => {
  const text = "import { Controller, Get } from '@nestjs/common';\n";
  const need: ImportNeed = { from: '@nestjs/common', package: true, name: 'UseGuards', local: 'UseGuards' };
  assert.equal(apply(text, importEdit('a.ts', text, need)), "import { Controller, Get, UseGuards } from '@nestjs/common';\n");
  assert.deepEqual(importEdit('a.ts', "import { UseGuards } from '@nestjs/common';\n", need), []);
  assert.deepEqual(importEdit('src/app.ts', 'export function requireAuth() {}\n', guard), []);
  const cjs = "const express = require('express');\n\nmodule.exports = express.Router();\n";
  assert.equal(apply(cjs, importEdit('src/app.js', cjs, { ...guard, name: 'guard' })),
    "const express = require('express');\nconst { guard: requireAuth } = require('./middleware/auth');\n\nmodule.exports = express.Router();\n");
  const none = "// routes\nexport const x = 1;\n";
  assert.equal(apply(none, importEdit('src/x.ts', none, { ...guard, from: 'passport', package: true, name: 'default', local: 'passport' })),
    "// routes\nimport passport from 'passport';\nexport const x = 1;\n");
});

test('a route argument: after the path, or first in a path-less method call; a decorator above the route, indented like it', () => {
  const text = "router.get('/x', handler);\nrouter.route('/y').get((req, res) => res.end()).post();\n";
  const at = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });
  assert.equal(apply(text, [routeArgumentEdit('r.ts', text, at(0, 11, 15), 'requireAuth')!]), text.replace("'/x',", "'/x', requireAuth,"));
  assert.equal(apply(text, [routeArgumentEdit('r.ts', text, at(1, 19, 22), 'requireAuth')!]), text.replace('.get((req', '.get(requireAuth, (req'));
  assert.equal(apply(text, [routeArgumentEdit('r.ts', text, at(1, 48, 52), 'limit')!]), text.replace('.post()', '.post(limit)'));
  assert.equal(routeArgumentEdit('r.ts', text, at(0, 0, 6), 'x'), undefined, 'neither a path nor a method name followed by a call');
  const nest = "class C {\n  @Get(':id')\n  one() {}\n}\n";
  assert.equal(apply(nest, [decoratorEdit('c.ts', nest, 1, ['@UseGuards(AuthGuard)', '@Throttle()'])]), "class C {\n  @UseGuards(AuthGuard)\n  @Throttle()\n  @Get(':id')\n  one() {}\n}\n");
});

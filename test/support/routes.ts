/** Shared by the route-fact tests: readers over the disk and memory, and the exact route table of a fixture app. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRoutes, type Route, type RouteOptions } from '../../server/src/engine/code';
import type { FileReader, ReadResult } from '../../server/src/engine/types';

export const FIXTURES = join(__dirname, '..', 'fixtures', '_routes');

/** An Express middleware that demands a caller (`src/middleware/auth.ts` of the apps written in the tests). */
export const REQUIRE_USER = `import type { NextFunction, Request, Response } from 'express';

export function requireUser(req: Request, res: Response, next: NextFunction) {
  if (!req.headers.authorization) return res.status(401).json({ error: 'unauthorized' });
  next();
}
`;

/** Reads the disk within the size limit, as the CLI's reader does. */
export const diskReader: FileReader = {
  read(path, { maxBytes }): ReadResult {
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return { code: 'file-not-regular', reason: 'it is a directory' };
      if (stat.size > maxBytes) return { code: 'file-too-large', reason: 'too large', size: stat.size };
      return readFileSync(path, 'utf8');
    } catch { return undefined; }
  },
};

/** Files held in memory, keyed by absolute path; the size limit is honoured like a real reader's. */
export function memoryReader(files: Record<string, string>): FileReader {
  return {
    read(path, { maxBytes }) {
      const text = files[path];
      if (text !== undefined && text.length > maxBytes) return { code: 'file-too-large', reason: 'too large', size: text.length };
      return text;
    },
  };
}

export function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? codeFiles(path) : /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

export function analyzeMemory(files: Record<string, string>, options?: RouteOptions, entries = Object.keys(files).filter((f) => !f.endsWith('.json'))) {
  return analyzeRoutes({ root: '/p', files: entries, reader: memoryReader(files), options });
}

export const chainOf = (route: Route) => route.chain.map((l) => `${l.scope}:${l.kind}:${l.name}`);

// ---- the fixture apps ----

/** One expected route: its key, the file, the text its range covers on the line marked `@route <key>`, its chain. */
export type Expected = [key: string, file: string, at: string, chain: string[]];

/** Where `token` starts on the line: the first occurrence not inside a longer word. */
export function tokenColumn(line: string, token: string): number {
  const word = /\w/;
  for (let i = line.indexOf(token); i >= 0; i = line.indexOf(token, i + 1)) {
    const before = i > 0 ? line[i - 1] : ' ';
    const after = line[i + token.length] ?? ' ';
    if ((!word.test(token[0]) || !word.test(before)) && (!word.test(token[token.length - 1]) || !word.test(after))) return i;
  }
  return -1;
}

export async function assertRouteTable(dir: string, expected: Expected[], options?: RouteOptions) {
  const result = await analyzeRoutes({ root: dir, files: codeFiles(dir), reader: diskReader, options });
  assert.deepEqual(result.problems, []);
  const wanted = expected.map(([key, file, at, chain]) => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const line = lines.findIndex((l) => (/@route (.*)$/.exec(l)?.[1].split(', ') ?? []).includes(key));
    assert.ok(line >= 0, `${file} marks ${key}`);
    const character = tokenColumn(lines[line], at);
    assert.ok(character >= 0, `${at} is on the line of ${key}`);
    return { key, file, range: { start: { line, character }, end: { line, character: character + at.length } }, chain };
  });
  const actual = result.routes.map((r) => ({ key: r.key, file: r.file, range: r.range, chain: chainOf(r) }));
  assert.deepEqual(actual, wanted);
  assert.ok(result.routes.every((r) => r.mounted && r.key === `${r.method} ${r.path}`));
  return result;
}

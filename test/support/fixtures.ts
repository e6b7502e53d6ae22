/**
 * Reads check fixtures: `# expect: rule-id[:severity] [at "token"]` comments in YAML (`// expect: ...` in route code)
 * mark the exact range a finding must have (the token's first occurrence on that line; by default the line's key in
 * YAML, its first string literal in code). `at '...'` quotes a token holding `"`; several markers on one line are
 * separated by `;`.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Range, Severity } from '../../server/src/engine/types';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export interface Expectation { ruleId: string; severity?: Severity; file: string; range: Range }

export interface FixtureCase {
  ruleDir: string;
  name: string;
  kind: 'positive' | 'negative';
  /** The case folder (multi-file case) or the folder holding the single file. */
  root: string;
  /** Its YAML and JSON files. */
  files: string[];
  /** Its route code (TypeScript and JavaScript). */
  codeFiles: string[];
  expectations: Expectation[];
}

const MARK = /#\s*expect:\s*(.+)$/;
const CODE_MARK = /\/\/\s*expect:\s*(.+)$/;
const CODE_FILE = /\.[cm]?[jt]sx?$/;
const ONE = /^([a-z0-9-]+)(?::(error|warning|info|hint))?(?:\s+at\s+(?:"([^"]*)"|'([^']*)'))?$/;

/** The default token a marker points at: the line's key (or scalar item) before the comment. */
function defaultToken(code: string): string {
  const body = code.replace(/^\s*(?:-\s+)?/, '');
  const colon = /:(?:\s|$)/.exec(body);
  return (colon ? body.slice(0, colon.index) : body).trim();
}

/** The default token a marker points at in code: the first string literal before the comment (a route's path). */
function defaultCodeToken(code: string): string {
  return /(['"`])(?:\\.|(?!\1).)*\1/.exec(code)?.[0] ?? '';
}

function parseMarkers(spec: string, lineText: string, line: number, file: string, where: string, fallback = defaultToken): Expectation[] {
  return spec.split(';').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = ONE.exec(s);
    if (!m) throw new Error(`${where}: bad expect marker '${s}'`);
    const token = m[3] ?? m[4] ?? fallback(lineText);
    const character = lineText.indexOf(token);
    if (!token || character < 0) throw new Error(`${where}: token '${token}' not found on its line`);
    return { ruleId: m[1], severity: m[2] as Severity | undefined, file,
      range: { start: { line, character }, end: { line, character: character + token.length } } };
  });
}

/** Expectations in one file: YAML comments, or for JSON a sibling `<file>.expect` with `<line> <marker>` rows (1-based lines). */
export function expectationsIn(path: string, rel: string): Expectation[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const found: Expectation[] = [];
  if (path.endsWith('.json')) {
    const side = `${path}.expect`;
    if (!existsSync(side)) return found;
    readFileSync(side, 'utf8').split('\n').filter((l) => l.trim()).forEach((row, i) => {
      const m = /^(\d+)\s+(.+)$/.exec(row.trim());
      if (!m) throw new Error(`${side}:${i + 1}: expected '<line> <marker>'`);
      const line = Number(m[1]) - 1;
      found.push(...parseMarkers(m[2], lines[line] ?? '', line, rel, `${side}:${i + 1}`));
    });
    return found;
  }
  const code = CODE_FILE.test(path);
  lines.forEach((text, line) => {
    const m = (code ? CODE_MARK : MARK).exec(text);
    if (!m) return;
    const before = text.slice(0, m.index);
    found.push(...parseMarkers(m[1], before, line, rel, `${rel}:${line + 1}`, code ? defaultCodeToken : defaultToken));
  });
  return found;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listFiles(p);
    return /\.(ya?ml|json)$/.test(name) || CODE_FILE.test(name) ? [p] : [];
  });
}

/** Every case of one rule's fixture folder: a top-level file, or a folder holding a multi-file case. */
export function loadCases(ruleDir: string): FixtureCase[] {
  const dir = join(FIXTURES, ruleDir);
  return readdirSync(dir).filter((n) => !n.endsWith('.expect')).sort().map((name) => {
    const p = join(dir, name);
    const multi = statSync(p).isDirectory();
    const root = multi ? p : dir;
    const all = multi ? listFiles(p) : [p];
    const kind = name.startsWith('negative') ? 'negative' : 'positive';
    const expectations = all.flatMap((f) => expectationsIn(f, relative(root, f).split('\\').join('/')));
    return { ruleDir, name, kind, root, files: all.filter((f) => !CODE_FILE.test(f)), codeFiles: all.filter((f) => CODE_FILE.test(f)), expectations };
  });
}

export function ruleDirs(): string[] {
  return readdirSync(FIXTURES).filter((n) => statSync(join(FIXTURES, n)).isDirectory() && !n.startsWith('_'));
}

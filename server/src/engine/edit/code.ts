/**
 * Minimal, style-keeping text edits on TypeScript and JavaScript route files, for suggestions: put a middleware into a
 * route registration, a decorator above a route method, the import a new name needs; add a property to an object
 * literal, write after an expression, replace one (positions from the code frontend's facts). They read the text only
 * (no parser), follow the file's quotes, semicolons, indentation, line breaks and module style (ES imports or
 * `require`), and leave everything already there as it was.
 */
import type { Position, Range, TextEdit } from '../types';
import type { ImportNeed } from '../code/model';
import { dirname, extname } from '../code/posix';
import { LineIndex } from '../spec/source';

/** The habits of a code file: its quote, whether statements end with a semicolon, its line break, its module style. */
interface CodeStyle { quote: '"' | "'"; semicolon: string; eol: string; commonJs: boolean; jsSuffix: boolean }

/** A top-level import (or `require`) statement: where it ends, what it imports from, and its named bindings' braces. */
interface ImportStatement { from: string; end: number; close?: number; names: string[] }

const IMPORT = /^import\s+(?:type\s+)?([\s\S]*?)\s*from\s*(['"])([^'"\n]+)\2[ \t]*;?/gm;
const REQUIRE = /^(?:const|let|var)\s+([\s\S]*?)\s*=\s*require\(\s*(['"])([^'"\n]+)\2\s*\)[ \t]*;?/gm;

function styleOf(text: string): CodeStyle {
  const head = text.slice(0, 20_000);
  const imports = [...head.matchAll(IMPORT)];
  const requires = [...head.matchAll(REQUIRE)];
  const statements = imports.length > 0 ? imports : requires;
  return {
    quote: statements[0]?.[2] === '"' || (statements.length === 0 && /"/.test(head) && !/'/.test(head)) ? '"' : "'",
    semicolon: statements.length > 0 ? (statements[0][0].trimEnd().endsWith(';') ? ';' : '') : ';',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    commonJs: imports.length === 0 && requires.length > 0,
    // TypeScript compiled to ES modules imports its siblings by the compiled name
    jsSuffix: statements.some((m) => /^\.\.?\//.test(m[3]) && /\.[mc]?js$/.test(m[3])),
  };
}

/** The file's top-level imports, in order. */
function importsOf(text: string, commonJs: boolean): ImportStatement[] {
  return [...text.matchAll(commonJs ? REQUIRE : IMPORT)].map((m) => {
    const clause = m[1];
    const open = clause.indexOf('{');
    const close = clause.lastIndexOf('}');
    const names = open >= 0 && close > open ? clause.slice(open + 1, close).split(',').map((n) => n.trim()).filter(Boolean) : [];
    const start = m.index! + m[0].indexOf(clause);
    return { from: m[3], end: m.index! + m[0].length, ...(close > open && open >= 0 ? { close: start + close } : {}), names };
  });
}

/** What edits read from a text: its style, line table, imports, and which names it binds. */
interface TextFacts { style: CodeStyle; lines: LineIndex; imports: ImportStatement[]; bound: Map<string, boolean> }

/**
 * The facts of the texts read last: the same fix (an app's own middleware put into a route and imported) is offered
 * for many routes of a file, and again after an edit of another file. Bounded in count and text size.
 */
const TEXT_FACTS = new Map<string, TextFacts>();
const MAX_TEXT_FACTS = 256;
const MAX_KEPT_TEXT = 256 * 1024;

function textFacts(text: string): TextFacts {
  let facts = TEXT_FACTS.get(text);
  if (!facts) {
    const style = styleOf(text);
    facts = { style, lines: new LineIndex(text), imports: importsOf(text, style.commonJs), bound: new Map() };
    if (text.length <= MAX_KEPT_TEXT) {
      if (TEXT_FACTS.size >= MAX_TEXT_FACTS) TEXT_FACTS.delete(TEXT_FACTS.keys().next().value!);
      TEXT_FACTS.set(text, facts);
    }
  }
  return facts;
}

/** Whether `name` is already bound at the top of the file (imported, required or declared). */
function binds(facts: TextFacts, text: string, name: string): boolean {
  let bound = facts.bound.get(name);
  if (bound === undefined) facts.bound.set(name, (bound = bindsIn(text, name)));
  return bound;
}

function bindsIn(text: string, name: string): boolean {
  const word = name.replace(/[$]/g, '\\$');
  return new RegExp(`^(?:import\\b[^;]*?[\\s{,]${word}\\b[^;]*?from|(?:export\\s+)?(?:const|let|var|function|class)\\s+(?:\\{[^}]*\\b)?${word}\\b)`, 'm').test(text);
}

/** The module specifier that names project file `target` from project file `from` (both relative to the root). */
function specifierOf(from: string, target: string, style: CodeStyle): string {
  const source = dirname(`/${from}`).split('/').filter(Boolean);
  const dest = `/${target}`.split('/').filter(Boolean);
  let common = 0;
  while (common < source.length && common < dest.length - 1 && source[common] === dest[common]) common++;
  const up = source.length - common;
  let path = [...(up === 0 ? ['.'] : Array<string>(up).fill('..')), ...dest.slice(common)].join('/');
  const ext = extname(path);
  if (/^\.[mc]?tsx?$/.test(ext)) path = path.slice(0, -ext.length) + (style.jsSuffix ? ext.replace('ts', 'js').replace(/x$/, '') : '');
  return path.replace(/\/index$/, '');
}

/**
 * The edit that binds `need.local` in `file` (relative to the root) to what `need` names: nothing when the name is
 * bound already; a name added to an existing `import { ... } from` the same module; or a new import (or `require`)
 * after the file's last one, or at its top.
 */
export function importEdit(file: string, text: string, need: ImportNeed): TextEdit[] {
  const facts = textFacts(text);
  if (binds(facts, text, need.local)) return [];
  const { style, lines, imports } = facts;
  const at = (offset: number): Range => { const p = lines.position(offset); return { start: p, end: p }; };
  const from = need.package ? need.from : specifierOf(file, need.from, style);
  const named = need.name !== 'default' && need.name !== '*' && need.name !== 'module';
  const binding = need.name === need.local ? need.local : style.commonJs ? `${need.name}: ${need.local}` : `${need.name} as ${need.local}`;
  const same = named ? imports.find((i) => i.from === from && i.close !== undefined) : undefined;
  if (same) {
    const before = text.slice(0, same.close).trimEnd();
    const separator = before.endsWith('{') ? ' ' : before.endsWith(',') ? ' ' : ', ';
    return [{ file, range: at(before.length), newText: `${separator}${binding}${before.endsWith('{') ? ' ' : ''}` }];
  }
  const q = style.quote;
  const statement = style.commonJs
    ? `const ${named ? `{ ${binding} }` : need.local} = require(${q}${from}${q})${need.name === 'default' ? '.default' : ''}${style.semicolon}`
    : `import ${named ? `{ ${binding} }` : need.name === '*' ? `* as ${need.local}` : need.local} from ${q}${from}${q}${style.semicolon}`;
  const last = imports[imports.length - 1];
  if (last) return [{ file, range: at(last.end), newText: `${style.eol}${statement}` }];
  // after a leading comment block or directive ('use strict'), else at the top
  const lead = /^(?:\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/|(['"])use \w+\1;?))*[ \t]*\r?\n?/.exec(text)?.[0] ?? '';
  return [{ file, range: at(lead.length), newText: `${statement}${style.eol}` }];
}

/**
 * The edit that puts `expression` first among a route registration's handlers: after its path argument when `range`
 * covers the path (`app.get('/x', expression, handler)`), else, when `range` is the method's name (a path-less
 * `route('/x').get(handler)`), as its first argument. Undefined when the text at `range` is neither.
 */
export function routeArgumentEdit(file: string, text: string, range: Range, expression: string): TextEdit | undefined {
  const { lines } = textFacts(text);
  const start = lines.offset(range.start);
  const end = lines.offset(range.end);
  const written = text.slice(start, end);
  if (/^['"`]/.test(written)) return { file, range: { start: range.end, end: range.end }, newText: `, ${expression}` };
  if (!/^[A-Za-z_$][\w$]*$/.test(written)) return undefined;
  const open = /^\s*\(/.exec(text.slice(end, end + 200));
  if (!open) return undefined;
  const inside = end + open[0].length;
  const empty = /^\s*\)/.test(text.slice(inside, inside + 200));
  const position = lines.position(inside);
  return { file, range: { start: position, end: position }, newText: empty ? expression : `${expression}, ` };
}

/** The edit that writes `decorators` (`@UseGuards(AuthGuard)`), each on its own line, above `line`, indented like it. */
export function decoratorEdit(file: string, text: string, line: number, decorators: readonly string[]): TextEdit {
  const { lines, style } = textFacts(text);
  const start = lines.offset({ line, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(start))![0];
  const at = { line, character: 0 };
  return { file, range: { start: at, end: at }, newText: decorators.map((d) => `${indent}${d}${style.eol}`).join('') };
}

/** Adds `key: value` to an object literal at its insertion point (after its last property, or inside `{}`). */
export function addProperty(file: string, slot: { at: Position; comma: boolean }, property: string): TextEdit {
  return { file, range: { start: slot.at, end: slot.at }, newText: slot.comma ? `, ${property}` : ` ${property} ` };
}

/** Writes `text` right after the expression at `range` (a chained call: `.select('-password')`). */
export function appendAfter(file: string, range: Range, text: string): TextEdit {
  return { file, range: { start: range.end, end: range.end }, newText: text };
}

/** Writes `text` at a position (inside the parentheses of a call without arguments). */
export function insertAt(file: string, at: Position, text: string): TextEdit {
  return { file, range: { start: at, end: at }, newText: text };
}

/** Replaces the expression at `range` with `text`. */
export function replaceExpression(file: string, range: Range, text: string): TextEdit {
  return { file, range, newText: text };
}

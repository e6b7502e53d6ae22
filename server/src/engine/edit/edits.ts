/**
 * Minimal, style-keeping text edits on parsed YAML and JSON files, for quick fixes: insert entries into a mapping
 * (block or flow YAML, JSON), create missing parents, remove an entry or a sequence item, replace a value or a scalar.
 * Edits follow the file's own indentation, quoting, line breaks and format, and never reorder or reformat what is
 * already there.
 */
import { dirname, posix, relative as relativePath, sep } from 'node:path';
import type { TextEdit } from '../types';
import type { SpecNode } from '../spec/load';
import { isObject } from '../spec/model';
import type { SourceFile, Span, JsonPath } from '../spec/source';
import { memoize } from '../memo';

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

interface Style { json: boolean; unit: number; quote: '"' | "'"; indentSequences: boolean; eol: string }

/** How much of a file's text `styleOf` reads its habits from: they show in the first 200 KB. */
export const STYLE_SAMPLE = 200_000;

/** The file's format and habits: indentation unit, preferred quote, whether block sequences are indented under their key. */
export const styleOf = memoize((file: SourceFile): Style => {
  const text = file.text;
  // scanning all of a 4 MB spec costs more than the fixes built from it
  const sample = text.slice(0, STYLE_SAMPLE);
  const first = /\S/.exec(sample)?.[0];
  const json = first === '{' || first === '[';
  let unit = 0;
  const indents = sample.match(/^( +)\S/gm) ?? [];
  for (const m of indents) {
    const n = m.length - 1;
    if (n > 0 && (unit === 0 || n < unit)) unit = n;
  }
  const doubles = (sample.match(/"/g) ?? []).length;
  const singles = (sample.match(/'/g) ?? []).length;
  const seq = /^( *)[^\s#-][^\n]*:[ \t]*\r?\n( *)- /m.exec(sample);
  return { json, unit: unit || 2, quote: singles > doubles ? "'" : '"', indentSequences: seq ? seq[2].length > seq[1].length : true, eol: text.includes('\r\n') ? '\r\n' : '\n' };
});

const PLAIN_SAFE = /^[A-Za-z_/$.][\w .$/()+-]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function yamlScalar(value: string | number | boolean | null, style: Style): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (PLAIN_SAFE.test(value) && !RESERVED.test(value) && !/:\s|\s#|\s$/.test(value)) return value;
  if (style.quote === "'" && !/[\n\\]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

/** A key as YAML text; numeric keys (status codes) are quoted, as OpenAPI asks, with `quote` when given (a sibling's). */
function yamlKey(key: string, style: Style, quote?: string): string {
  return /^\d+$/.test(key) ? `${quote ?? style.quote}${key}${quote ?? style.quote}` : yamlScalar(key, style);
}

/** YAML flow text: `{ bearer: [] }`, `[a, b]`; plain scalars never hold flow indicators (`,[]{}`), so they stay plain. */
function yamlFlow(value: PlainValue, style: Style): string {
  if (Array.isArray(value)) return `[${value.map((item) => yamlFlow(item, style)).join(', ')}]`;
  if (isMapping(value)) {
    const keys = Object.keys(value);
    return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${yamlKey(k, style)}: ${yamlFlow(value[k], style)}`).join(', ')} }`;
  }
  return yamlScalar(value, style);
}

function isMapping(v: PlainValue): v is { [key: string]: PlainValue } { return v !== null && typeof v === 'object' && !Array.isArray(v); }

/** YAML block text for `key: value` at `indent` columns, without a trailing newline. */
function yamlEntry(key: string, value: PlainValue, indent: number, style: Style, keyText?: string): string {
  const pad = ' '.repeat(indent);
  return `${pad}${keyText ?? yamlKey(key, style)}:${yamlValue(value, indent, style)}`;
}

/** The text after `key:` for a value whose key stands at `indent`. */
function yamlValue(value: PlainValue, indent: number, style: Style): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    const itemIndent = style.indentSequences ? indent + style.unit : indent;
    return '\n' + value.map((item) => yamlItem(item, itemIndent, style)).join('\n');
  }
  if (isMapping(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return ' {}';
    return '\n' + keys.map((k) => yamlEntry(k, value[k], indent + style.unit, style)).join('\n');
  }
  return ` ${yamlScalar(value, style)}`;
}

function yamlItem(item: PlainValue, indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  if (isMapping(item) && Object.keys(item).length > 0) {
    const keys = Object.keys(item);
    const [firstKey, ...rest] = keys;
    // `- key: value`, later keys aligned under the first
    const head = yamlEntry(firstKey, item[firstKey], indent + 2, style).slice(indent + 2);
    return [`${pad}- ${head}`, ...rest.map((k) => yamlEntry(k, item[k], indent + 2, style))].join('\n');
  }
  if (Array.isArray(item) || isMapping(item)) return `${pad}-${yamlValue(item, indent, style).replace(/^\n/, ' ').trimEnd()}`;
  return `${pad}- ${yamlScalar(item, style)}`;
}

function jsonValue(value: PlainValue, indent: number, unit: number): string {
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${' '.repeat(indent)}`);
}

function lineStart(text: string, offset: number): number { return text.lastIndexOf('\n', offset - 1) + 1; }
function column(text: string, offset: number): number { return offset - lineStart(text, offset); }
/** Where the line holding `offset` ends, before its line break. */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl === -1 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}
/** The indentation of the line holding `offset`. */
function lineIndent(text: string, offset: number): number {
  const start = lineStart(text, offset);
  return /^ */.exec(text.slice(start, offset))![0].length;
}
/** Whether a span holds a line break (without copying it: a container may be most of a 4 MB file). */
function spansLines(text: string, span: Span): boolean {
  const nl = text.indexOf('\n', span.start);
  return nl !== -1 && nl < span.end;
}
/** Generated text uses `\n`; the file may use `\r\n`. */
function withEol(text: string, eol: string): string { return eol === '\n' ? text : text.replace(/\n/g, eol); }

function edit(file: SourceFile, span: Span, newText: string): TextEdit {
  return { file: file.relPath, range: file.lines.range(span), newText };
}

function mappingLoc(file: SourceFile, container: object, what: string) {
  const loc = file.locations.get(container);
  if (!loc || !loc.entries) throw new Error(`${what}: not a mapping of this file`);
  return { loc, entries: loc.entries };
}

/** The quote a numeric sibling key is written with (`"200":`), if any: new status codes follow it. */
function numericKeyQuote(text: string, keys: Span[]): string | undefined {
  for (const key of keys) {
    const m = /^(["'])\d+\1$/.exec(text.slice(key.start, key.end));
    if (m) return m[1];
  }
  return undefined;
}

/** Inserts `key: value` as the last entry of a mapping that exists in `file`. */
export function insertEntry(file: SourceFile, container: object, key: string, value: PlainValue): TextEdit {
  return insertEntries(file, container, { [key]: value });
}

/**
 * Inserts entries, in their order, as one edit (several inserts at one place would depend on how a client orders
 * them) into a mapping that exists in `file`: before the entry `before` when given and present (status codes stay
 * in order), after the last entry otherwise.
 */
export function insertEntries(file: SourceFile, container: object, values: { [key: string]: PlainValue }, before?: string): TextEdit {
  const { loc, entries: entryMap } = mappingLoc(file, container, 'insertEntries');
  const keys = Object.keys(values);
  const style = styleOf(file);
  const text = file.text;
  const eol = style.eol;
  const entries = [...entryMap.values()];
  const quote = style.json || !keys.some((k) => /^\d+$/.test(k)) ? undefined : numericKeyQuote(text, entries.map((e) => e.key));
  const next = before === undefined ? undefined : entryMap.get(before);
  // the next entry starts its own line (block, or JSON written one entry per line)
  const ownLine = next !== undefined && /^[ \t]*$/.test(text.slice(lineStart(text, next.key.start), next.key.start));
  if (text[loc.span.start] === '{') {
    // flow mapping (JSON or YAML flow): before the next entry, or before the closing brace
    const multiline = spansLines(text, loc.span);
    if (style.json) {
      const inner = entries.length > 0 ? column(text, entries[0].key.start) : column(text, loc.span.start) + style.unit;
      const rendered = keys.map((k) => `${JSON.stringify(k)}: ${withEol(jsonValue(values[k], inner, style.unit), eol)}`);
      if (next && ownLine) return edit(file, { start: next.key.start, end: next.key.start }, rendered.map((r) => `${r},${eol}${' '.repeat(inner)}`).join(''));
      if (next) return edit(file, { start: next.key.start, end: next.key.start }, keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(values[k])}, `).join(''));
      if (entries.length === 0) {
        const indent = column(text, loc.span.start);
        return edit(file, loc.span, `{${eol}${' '.repeat(inner)}${rendered.join(`,${eol}${' '.repeat(inner)}`)}${eol}${' '.repeat(indent)}}`);
      }
      const last = entries[entries.length - 1].value.end;
      if (multiline) return edit(file, { start: last, end: last }, rendered.map((r) => `,${eol}${' '.repeat(inner)}${r}`).join(''));
      return edit(file, { start: last, end: last }, keys.map((k) => `, ${JSON.stringify(k)}: ${JSON.stringify(values[k])}`).join(''));
    }
    const flow = keys.map((k) => `${yamlKey(k, style, quote)}: ${yamlFlow(values[k], style)}`).join(', ');
    if (next) return edit(file, { start: next.key.start, end: next.key.start }, `${flow}, `);
    if (entries.length === 0) return edit(file, loc.span, `{ ${flow} }`);
    const last = entryEnd(text, entries[entries.length - 1]);
    return edit(file, { start: last, end: last }, `, ${flow}`);
  }
  // block mapping: new lines at the entries' indentation, before the next entry (and the comments above it) or
  // after the last entry (and its trailing comment)
  if (entries.length === 0) throw new Error('insertEntries: empty block mapping has no place');
  const indent = column(text, entries[0].key.start);
  const lines = withEol(keys.map((k) => yamlEntry(k, values[k], indent, style, yamlKey(k, style, quote))).join('\n'), eol);
  if (next && ownLine) {
    const previous = entries[entries.indexOf(next) - 1];
    const at = aboveComments(text, lineStart(text, next.key.start), previous ? entryEnd(text, previous) : loc.span.start);
    return edit(file, { start: at, end: at }, lines + eol);
  }
  const at = afterTrailingComment(text, entryEnd(text, entries[entries.length - 1]));
  return edit(file, { start: at, end: at }, eol + lines);
}

/** Where an entry ends: after its value, or after the ':' of a key written without a value (`key:` is null). */
function entryEnd(text: string, entry: { key: Span; value: Span }): number {
  if (entry.value.start !== entry.key.start) return entry.value.end;
  let at = entry.key.end;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return text[at] === ':' ? at + 1 : entry.key.end;
}

/**
 * The start of the comment lines right above the line starting at `offset` (the comments belong to that line), never
 * before `floor`, the end of the entry before: lines of a block scalar that start with '#' are its text, not comments.
 */
function aboveComments(text: string, offset: number, floor: number): number {
  let at = offset;
  while (at > 0) {
    const previous = lineStart(text, at - 1);
    if (previous < floor || !/^[ \t]*#/.test(text.slice(previous, at))) break;
    at = previous;
  }
  return at;
}

/** After a block value, the end of its line when only a comment follows (the comment stays with its line). */
function afterTrailingComment(text: string, offset: number): number {
  const end = lineEnd(text, offset);
  return /^[ \t]*(?:#.*)?$/.test(text.slice(offset, end)) ? end : offset;
}

/**
 * Sets `value` at `path` (a path of mapping keys from the file's root), creating the missing mappings on the way.
 * When the full path exists, the existing value is left alone and undefined is returned.
 */
export function insertAtPath(file: SourceFile, path: JsonPath, value: PlainValue): TextEdit | undefined {
  let container: unknown = file.value;
  let i = 0;
  for (; i < path.length; i++) {
    if (container === null || typeof container !== 'object') throw new Error('insertAtPath: a parent is not a mapping');
    const next = (container as Record<string | number, unknown>)[path[i]];
    if (next === undefined) break;
    if (i === path.length - 1) return undefined;
    container = next;
  }
  let nested: PlainValue = value;
  for (let j = path.length - 1; j > i; j--) nested = { [String(path[j])]: nested };
  return insertEntry(file, container as object, String(path[i]), nested);
}

/**
 * Adds what a mapping of `file` lacks of `trees` (nested mappings, merged into one): entries it has are left as they
 * are and, when both are mappings, completed in turn; the missing entries of one mapping are written in one edit. An
 * entry that exists but is not a mapping where the trees have one cannot be completed: refused.
 */
export function insertMissing(file: SourceFile, container: object, ...trees: { [key: string]: PlainValue }[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const missing: { [key: string]: PlainValue } = {};
  for (const [key, value] of Object.entries(merged(trees))) {
    const existing = (container as Record<string, unknown>)[key];
    if (existing === undefined) missing[key] = value;
    else if (isMapping(value) && isObject(existing)) edits.push(...insertMissing(file, existing, value));
    else throw new Error(`insertMissing: '${key}' exists`);
  }
  if (Object.keys(missing).length > 0) edits.push(insertEntries(file, container, missing));
  return edits;
}

/** Mappings merged key by key, nested mappings too; of two values that are not both mappings, the first stays. */
function merged(trees: { [key: string]: PlainValue }[]): { [key: string]: PlainValue } {
  const result: { [key: string]: PlainValue } = {};
  for (const tree of trees) {
    for (const [key, value] of Object.entries(tree)) {
      const before = result[key];
      if (before === undefined) result[key] = value;
      else if (isMapping(before) && isMapping(value)) result[key] = merged([before, value]);
    }
  }
  return result;
}

/**
 * Replaces the value of an existing entry with `value`, written the way the file writes values there: a block
 * collection under a block key (a comment after the old value stays on the key's line), flow or JSON text otherwise.
 */
export function replaceValue(file: SourceFile, container: object, key: string, value: PlainValue): TextEdit {
  const { loc, entries } = mappingLoc(file, container, 'replaceValue');
  const entry = entries.get(key);
  if (!entry) throw new Error('replaceValue: no such entry');
  const style = styleOf(file);
  const text = file.text;
  const eol = style.eol;
  if (text[loc.span.start] === '{') {
    const multiline = spansLines(text, loc.span);
    const rendered = !style.json ? yamlFlow(value, style)
      : multiline ? withEol(jsonValue(value, lineIndent(text, entry.key.start), style.unit), eol) : JSON.stringify(value);
    return edit(file, entry.value, rendered);
  }
  const colon = text.indexOf(':', entry.key.end);
  const rendered = yamlValue(value, column(text, entry.key.start), style);
  const end = lineEnd(text, entry.value.end);
  const comment = text.slice(entry.value.end, end);
  if (rendered.startsWith('\n') && /^[ \t]+#/.test(comment)) {
    return edit(file, { start: colon + 1, end }, comment + withEol(rendered, eol));
  }
  return edit(file, { start: colon + 1, end: entry.value.end }, withEol(rendered, eol));
}

/** Removes the entry `key` (with its value and its own line) from a mapping. */
export function removeEntry(file: SourceFile, container: object, key: string): TextEdit {
  const { loc, entries } = mappingLoc(file, container, 'removeEntry');
  const entry = entries.get(key);
  if (!entry) throw new Error('removeEntry: no such entry');
  const all = [...entries.values()];
  return removePart(file, loc.span, all.map((e) => ({ start: e.key.start, end: e.value.end })), all.indexOf(entry));
}

/** Removes item `index` (with its own line, or one neighbouring comma) from a sequence. */
export function removeItem(file: SourceFile, sequence: object, index: number): TextEdit {
  const loc = file.locations.get(sequence);
  if (!loc || !loc.items || !loc.items[index]) throw new Error('removeItem: no such item');
  return removePart(file, loc.span, loc.items, index);
}

/** Removes one part (an entry from its key, or an item) of a flow or block collection. */
function removePart(file: SourceFile, container: Span, parts: Span[], index: number): TextEdit {
  const text = file.text;
  const part = parts[index];
  if (text[container.start] === '{' || text[container.start] === '[') {
    // flow: drop the part and one neighbouring comma
    if (index < parts.length - 1) return edit(file, { start: part.start, end: parts[index + 1].start }, '');
    if (index > 0) return edit(file, { start: parts[index - 1].end, end: part.end }, '');
    return edit(file, part, '');
  }
  // block: whole lines, from the part's line to the end of its last line
  const start = lineStart(text, part.start);
  const nl = text.indexOf('\n', part.end);
  return edit(file, { start, end: nl === -1 ? text.length : nl + 1 }, '');
}

/** Replaces a span with new text (e.g. a scalar value). */
export function replaceSpan(file: SourceFile, span: Span, newText: string): TextEdit {
  return edit(file, span, newText);
}

/** Replaces the scalar (a key or a value) written at `span` with `value`, in the same quotes as before. */
export function replaceScalar(file: SourceFile, span: Span, value: string): TextEdit {
  const quote = file.text[span.start];
  const written = quote === '"' ? JSON.stringify(value)
    : quote === "'" ? `'${value.replace(/'/g, "''")}'`
    : yamlScalar(value, styleOf(file));
  return edit(file, span, written);
}

/** Sets a scalar entry of a mapping: an existing value is replaced in its own quotes, a missing entry is added. */
export function setScalar(file: SourceFile, mapping: object, key: string, value: string): TextEdit {
  if (Object.prototype.hasOwnProperty.call(mapping, key)) return replaceScalar(file, file.spanOf(mapping, key, 'value'), value);
  return insertEntry(file, mapping, key, value);
}

/** Adds `key: value` to a mapping that lacks the key; refuses otherwise (a duplicate key would make the file invalid). */
export function addEntry(node: SpecNode, key: string, value: PlainValue): TextEdit {
  if (!isObject(node.value) || Object.prototype.hasOwnProperty.call(node.value, key)) throw new Error(`addEntry: cannot add '${key}'`);
  return insertEntry(node.file, node.value, key, value);
}

/** The `$ref` that `from` writes to reach the value at `path` in `target` (a JSON pointer, relative file path first). */
export function refTo(from: SourceFile, target: SourceFile, path: JsonPath): string {
  const pointer = path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  if (from === target) return `#${pointer}`;
  const file = posix.normalize(relativePath(dirname(from.path), target.path).split(sep).join('/'));
  return `${file}#${pointer}`;
}

/**
 * Applies edits of one file to its text (for tests and previews): edits must not overlap; inserts at the same place
 * appear in the order of the list, as LSP clients apply them.
 */
export function applyEdits(text: string, edits: { range: TextEdit['range']; newText: string }[], lines: { offset(p: TextEdit['range']['start']): number }): string {
  const sorted = edits.map((e, index) => ({ e, index, start: lines.offset(e.range.start) }))
    .sort((a, b) => b.start - a.start || b.index - a.index);
  let out = text;
  for (const { e, start } of sorted) out = out.slice(0, start) + e.newText + out.slice(lines.offset(e.range.end));
  return out;
}

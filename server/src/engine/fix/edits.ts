/**
 * Minimal, style-keeping text edits on parsed YAML and JSON files, for quick fixes: insert an entry into a mapping
 * (block or flow YAML, JSON), create missing parents, remove an entry, replace a value. Edits follow the file's
 * own indentation, quoting and format, and never reorder or reformat what is already there.
 */
import type { TextEdit } from '../types';
import type { SourceFile, Span, JsonPath } from '../openapi/source';

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

interface Style { json: boolean; unit: number; quote: '"' | "'"; indentSequences: boolean }

const styles = new WeakMap<SourceFile, Style>();

/** The file's format and habits: indentation unit, preferred quote, whether block sequences are indented under their key. */
export function styleOf(file: SourceFile): Style {
  let style = styles.get(file);
  if (style) return style;
  const text = file.text;
  const first = /\S/.exec(text)?.[0];
  const json = first === '{' || first === '[';
  let unit = 0;
  const indents = text.slice(0, 200_000).match(/^( +)\S/gm) ?? [];
  for (const m of indents) {
    const n = m.length - 1;
    if (n > 0 && (unit === 0 || n < unit)) unit = n;
  }
  const doubles = (text.match(/"/g) ?? []).length;
  const singles = (text.match(/'/g) ?? []).length;
  const seq = /^( *)[^\s#-][^\n]*:[ \t]*\r?\n( *)- /m.exec(text);
  style = { json, unit: unit || 2, quote: singles > doubles ? "'" : '"', indentSequences: seq ? seq[2].length > seq[1].length : true };
  styles.set(file, style);
  return style;
}

const PLAIN_SAFE = /^[A-Za-z_/$.][\w .$/()+-]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function yamlScalar(value: string | number | boolean | null, style: Style): string {
  if (value === null) return 'null';
  if (typeof value !== 'string') return String(value);
  if (PLAIN_SAFE.test(value) && !RESERVED.test(value) && !/:\s|\s#|\s$/.test(value)) return value;
  if (style.quote === "'" && !/[\n\\]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

function yamlKey(key: string, style: Style, siblingQuote?: string): string {
  if (siblingQuote) return `${siblingQuote}${key}${siblingQuote}`;
  return /^\d+$/.test(key) ? `${style.quote}${key}${style.quote}` : yamlScalar(key, style);
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
function newline(text: string): string { return text.includes('\r\n') ? '\r\n' : '\n'; }

function edit(file: SourceFile, span: Span, newText: string): TextEdit {
  return { file: file.relPath, range: file.lines.range(span), newText };
}

/** Inserts `key: value` as the last entry of a mapping that exists in `file`. */
export function insertEntry(file: SourceFile, container: object, key: string, value: PlainValue): TextEdit {
  const loc = file.locations.get(container);
  if (!loc || !loc.entries) throw new Error('insertEntry: not a mapping of this file');
  const style = styleOf(file);
  const text = file.text;
  const eol = newline(text);
  const open = text[loc.span.start];
  const entries = [...loc.entries.values()];
  if (open === '{') {
    // flow mapping (JSON or YAML flow): before the closing brace
    const close = loc.span.end - 1;
    const multiline = text.slice(loc.span.start, loc.span.end).includes('\n');
    if (style.json) {
      const quotedKey = JSON.stringify(key);
      if (entries.length === 0) {
        const indent = column(text, loc.span.start);
        const inner = indent + style.unit;
        return edit(file, { start: loc.span.start, end: loc.span.end },
          `{${eol}${' '.repeat(inner)}${quotedKey}: ${jsonValue(value, inner, style.unit)}${eol}${' '.repeat(indent)}}`);
      }
      const last = entries[entries.length - 1].value.end;
      if (multiline) {
        const inner = column(text, entries[0].key.start);
        return edit(file, { start: last, end: last }, `,${eol}${' '.repeat(inner)}${quotedKey}: ${jsonValue(value, inner, style.unit)}`);
      }
      return edit(file, { start: last, end: last }, `, ${quotedKey}: ${JSON.stringify(value)}`);
    }
    const flow = `${yamlKey(key, style)}: ${JSON.stringify(value)}`;
    if (entries.length === 0) return edit(file, { start: close, end: close }, flow);
    const last = entries[entries.length - 1].value.end;
    return edit(file, { start: last, end: last }, `, ${flow}`);
  }
  // block mapping: a new line after the last entry, at the entries' indentation
  if (entries.length === 0) throw new Error('insertEntry: empty block mapping has no place');
  const indent = column(text, entries[0].key.start);
  const quote = /^["']/.test(text[entries[0].key.start]) && /^\d+$/.test(key) ? text[entries[0].key.start] : undefined;
  const last = entries[entries.length - 1].value.end;
  return edit(file, { start: last, end: last }, eol + yamlEntry(key, value, indent, style, quote ? yamlKey(key, style, quote) : undefined).replace(/\n/g, eol));
}

/**
 * Sets `value` at `path` (a path of mapping keys from the file's root), creating the missing mappings on the way.
 * When the full path exists, the existing value is left alone and undefined is returned.
 */
export function insertAtPath(file: SourceFile, path: JsonPath, value: PlainValue): TextEdit | undefined {
  let container: unknown = file.value;
  let i = 0;
  for (; i < path.length; i++) {
    const next = (container as Record<string | number, unknown>)[path[i]];
    if (next === undefined) break;
    if (i === path.length - 1) return undefined;
    container = next;
  }
  let nested: PlainValue = value;
  for (let j = path.length - 1; j > i; j--) nested = { [String(path[j])]: nested };
  return insertEntry(file, container as object, String(path[i]), nested);
}

/** Removes the entry `key` (with its value and its own line) from a mapping. */
export function removeEntry(file: SourceFile, container: object, key: string): TextEdit {
  const loc = file.locations.get(container);
  const entry = loc?.entries?.get(key);
  if (!loc || !entry) throw new Error('removeEntry: no such entry');
  const text = file.text;
  const entries = [...loc.entries!.values()];
  const index = entries.indexOf(entry);
  if (text[loc.span.start] === '{') {
    // flow: drop the entry and one neighbouring comma
    if (index < entries.length - 1) return edit(file, { start: entry.key.start, end: entries[index + 1].key.start }, '');
    if (index > 0) return edit(file, { start: entries[index - 1].value.end, end: entry.value.end }, '');
    return edit(file, { start: entry.key.start, end: entry.value.end }, '');
  }
  // block: whole lines, from the key's line to the end of the value's line
  const start = lineStart(text, entry.key.start);
  const nl = text.indexOf('\n', entry.value.end);
  return edit(file, { start, end: nl === -1 ? text.length : nl + 1 }, '');
}

/** Replaces a span with new text (e.g. a scalar value). */
export function replaceSpan(file: SourceFile, span: Span, newText: string): TextEdit {
  return edit(file, span, newText);
}

/** Applies edits of one file to its text (for tests and previews): edits must not overlap. */
export function applyEdits(text: string, edits: { range: TextEdit['range']; newText: string }[], lines: { offset(p: TextEdit['range']['start']): number }): string {
  const sorted = [...edits].sort((a, b) => lines.offset(b.range.start) - lines.offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, lines.offset(e.range.start)) + e.newText + out.slice(lines.offset(e.range.end));
  return out;
}

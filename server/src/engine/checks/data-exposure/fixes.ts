/**
 * Quick fixes of the data-exposure checks: mark a property readOnly or writeOnly, remove a property from a response
 * schema, allow only an object's declared properties. Every edit comes from the style-keeping primitives of
 * `edit/edits.ts`.
 *
 * Kinds: each changes the contract that clients, generated code and validators read (what a response carries, what a
 * request may set), so every one is a suggestion.
 */
import type { Fix, TextEdit } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import { scannedObjects } from '../../spec/literal';
import { isObject, type Operation } from '../../spec/model';
import type { SourceFile } from '../../spec/source';
import { COMPOSITIONS } from '../../spec/schema';
import { attempt } from '../../edit/fixes';
import { insertEntry, removeEntry, removeItem, replaceSpan, replaceValue, styleOf } from '../../edit/edits';
import { memoize } from '../../memo';

export type Direction = 'readOnly' | 'writeOnly';

const OPPOSITE: Record<Direction, Direction> = { readOnly: 'writeOnly', writeOnly: 'readOnly' };

/** Whether the documents of these operations have `writeOnly`: Swagger 2.0 has `readOnly` only. */
export function supportsWriteOnly(operations: readonly Operation[]): boolean {
  return operations.every((op) => op.document.version !== '2.0');
}

/** A property to mark: where it is written and its schema (refs followed). */
export interface PropertyMark { name: string; site: SpecNode; schema: SpecNode; direction: Direction }

/**
 * Edits that mark a property `readOnly: true` or `writeOnly: true`. An inline schema gets the entry (an existing
 * `false` becomes `true`); a `$ref` moves into an `allOf` beside the mark, because a keyword next to `$ref` is
 * ignored in 2.0 and 3.0, and marking the referenced schema would change every other use of it. Refuses a property
 * marked the other way: readOnly and writeOnly together are invalid.
 */
function markEdits({ site, schema, direction }: PropertyMark): TextEdit[] {
  const written = site.value;
  const resolved = schema.value;
  if (!isObject(written) || !isObject(resolved) || written[OPPOSITE[direction]] === true || resolved[OPPOSITE[direction]] === true) {
    throw new Error(`markEdits: cannot mark ${direction}`);
  }
  const file = site.file;
  if (typeof written.$ref !== 'string') {
    return [direction in written ? replaceValue(file, written, direction, true) : insertEntry(file, written, direction, true)];
  }
  if ('allOf' in written || direction in written) throw new Error('markEdits: the $ref cannot be wrapped');
  return [wrapRef(file, written, direction)];
}

/**
 * Replaces the `$ref` entry of a schema with `allOf: [{ $ref }]` and the mark, in place: its key and value are copied
 * as written (quotes), sibling entries and comments stay, and the new entries follow the mapping's form (block
 * lines at the entry's indentation, or flow / JSON text, one line or one entry per line as the mapping is written).
 */
function wrapRef(file: SourceFile, schema: object, direction: Direction): TextEdit {
  const loc = file.locations.get(schema);
  const entry = loc?.entries?.get('$ref');
  if (!loc || !entry) throw new Error('wrapRef: no $ref entry in this file');
  const text = file.text;
  const { json, unit, indentSequences, eol } = styleOf(file);
  const ref = `${text.slice(entry.key.start, entry.key.end)}: ${text.slice(entry.value.start, entry.value.end)}`;
  const pad = ' '.repeat(entry.key.start - (text.lastIndexOf('\n', entry.key.start - 1) + 1));
  if (text[loc.span.start] !== '{') {
    const item = indentSequences ? ' '.repeat(unit) : '';
    return replaceSpan(file, { start: entry.key.start, end: entry.value.end }, `allOf:${eol}${pad}${item}- ${ref}${eol}${pad}${direction}: true`);
  }
  const key = (name: string) => (json ? JSON.stringify(name) : name);
  const lineBreak = text.indexOf('\n', loc.span.start);
  const separator = lineBreak !== -1 && lineBreak < loc.span.end ? `,${eol}${pad}` : ', ';
  return replaceSpan(file, { start: entry.key.start, end: entry.value.end }, `${key('allOf')}: [{ ${ref} }]${separator}${key(direction)}: true`);
}

/** "'a'", "'a' and 'b'", "'a', 'b', 'c' and 2 more". */
function nameList(names: string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  if (quoted.length <= 4) return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
  return `${quoted.slice(0, 3).join(', ')} and ${quoted.length - 3} more`;
}

/**
 * Marks properties readOnly or writeOnly, in one fix: "Mark 'role' readOnly", "Mark 'id' readOnly and 'password'
 * writeOnly". None when one of them cannot be marked.
 */
export function markPropertiesFix(marks: PropertyMark[]): Fix | undefined {
  if (marks.length === 0) return undefined;
  return attempt(() => {
    const parts = (['readOnly', 'writeOnly'] as const).flatMap((direction) => {
      const names = marks.filter((m) => m.direction === direction).map((m) => m.name);
      return names.length > 0 ? [`${nameList(names)} ${direction}`] : [];
    });
    return { title: `Mark ${parts.join(' and ')}`, kind: 'suggestion', edits: marks.flatMap(markEdits) };
  });
}

/**
 * Removes a property from the schema that declares it, and its name from that schema's `required` (the whole
 * `required` when it is the only name: 3.0 does not allow an empty list). None for a schema's only property: an
 * object left with nothing declared says nothing about what it returns, and what it should return is the author's
 * call.
 */
export function removePropertyFix(name: string, site: SpecNode): Fix | undefined {
  return attempt(() => {
    const file = site.file;
    const properties = site.parent;
    const owner = file.containerAt(site.path.slice(0, -1))?.container;
    if (!isObject(properties) || !isObject(owner) || owner.properties !== properties || Object.keys(properties).length < 2) return undefined;
    const edits = [removeEntry(file, properties, name)];
    const required = owner.required;
    const index = Array.isArray(required) ? required.indexOf(name) : -1;
    if (index >= 0) edits.push((required as unknown[]).length === 1 ? removeEntry(file, owner, 'required') : removeItem(file, required as unknown[], index));
    return { title: `Remove '${name}' from the response schema`, kind: 'suggestion', edits };
  });
}

/**
 * Turns `additionalProperties: true` (or `{}`) into `false` on an object that declares its properties, so it may
 * return those only. None where `false` would reject properties declared elsewhere: `additionalProperties` sees only
 * the properties written beside it, so an object made with compositions or a `$ref` next to its properties, or one
 * that another schema extends with `allOf`, would no longer accept its own fields. None for an object that declares
 * no property either: `false` would say it is always empty.
 */
export function closeObjectFix(files: FileSet, additional: SpecNode): Fix | undefined {
  return attempt(() => {
    const owner = additional.parent;
    if (!isObject(owner) || additional.key !== 'additionalProperties') return undefined;
    const declares = (key: string) => isObject(owner[key]) && Object.keys(owner[key] as object).length > 0;
    if (!declares('properties') && !declares('patternProperties')) return undefined;
    if (COMPOSITIONS.some((key) => key in owner) || '$ref' in owner || allOfParts(files).has(owner)) return undefined;
    return { title: 'Set additionalProperties: false', kind: 'suggestion', edits: [replaceValue(additional.file, owner, 'additionalProperties', false)] };
  });
}

/** Refs followed in a chain before giving up (a cycle of refs never ends). */
const MAX_REF_HOPS = 32;

/**
 * Every schema object that another extends: a part of an `allOf` (inline or through `$ref`), or the target of a
 * `$ref` written beside `properties` (3.1 applies both). In every file of the analysis, computed once, only when a
 * fix needs it.
 */
const allOfParts = memoize((files: FileSet): Set<unknown> => {
  const parts = new Set<unknown>();
  for (const file of files.all()) {
    for (const value of scannedObjects(file)) {
      const { allOf, $ref, properties } = value;
      if (Array.isArray(allOf)) for (const part of allOf) parts.add(followRefs(files, file, part));
      if (typeof $ref === 'string' && properties !== undefined) parts.add(followRefs(files, file, { $ref }));
    }
  }
  return parts;
});

/** The value a `$ref` chain written in `file` ends at (the value itself when it is no ref); undefined when broken. */
function followRefs(files: FileSet, file: SourceFile, value: unknown): unknown {
  let current: { file: SourceFile; value: unknown } | undefined = { file, value };
  for (let hops = 0; current && hops < MAX_REF_HOPS; hops++) {
    const ref = isObject(current.value) ? current.value.$ref : undefined;
    if (typeof ref !== 'string') return current.value;
    current = files.resolveRef(current.file, ref);
  }
  return undefined;
}

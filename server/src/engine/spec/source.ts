import type { Position, Range } from '../types';

/** Offsets [start, end) into a file's text. */
export interface Span { start: number; end: number }

export interface EntryLoc { key: Span; value: Span }

/** Where a mapping or sequence and its entries stand in the source. */
export interface ContainerLoc {
  span: Span;
  /** Mapping entries by key; absent for sequences. */
  entries?: Map<string, EntryLoc>;
  /** Sequence items by index; absent for mappings. */
  items?: Span[];
  /**
   * YAML mappings merged into this one with `<<`, in precedence order: they supply the keys that `entries` (the keys
   * written in this mapping, in source order) lacks. `entryOf` follows them.
   */
  merged?: readonly ContainerLoc[];
}

/** The span of `key` or of its value in a located container (see `SourceFile.spanOf`). */
function spanIn(loc: ContainerLoc, key: string | number | undefined, part: 'key' | 'value'): Span {
  if (key === undefined) return loc.span;
  if (loc.items) return loc.items[Number(key)] ?? loc.span;
  const entry = entryOf(loc, String(key));
  if (!entry) return loc.span;
  return part === 'key' ? entry.key : entry.value;
}

/** The entry of `key` in a mapping, or in the mappings merged into it (YAML `<<`), as js-yaml resolves the value. */
export function entryOf(loc: ContainerLoc, key: string): EntryLoc | undefined {
  const own = loc.entries?.get(key);
  if (own || !loc.merged) return own;
  // depth first: a merged mapping's value already holds what it merged itself
  const pending = [...loc.merged].reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const entry = next.entries?.get(key);
    if (entry) return entry;
    if (next.merged) for (let i = next.merged.length - 1; i >= 0; i--) pending.push(next.merged[i]);
  }
  return undefined;
}

/**
 * Nesting deeper than about this many levels is a syntax error (YAML counts its nodes as js-yaml composes them, keys
 * included): no API description comes near it, and deeper values would overflow the stack of the parsers and of
 * every recursive consumer.
 */
export const MAX_DEPTH = 1000;

/** The entries of a mapping that `LocationTable.spanOf` reads one by one; beyond that, a map of them is made once. */
const SCANNED_ENTRIES = 16;

/** The largest array index: JavaScript keeps such a key with an object's elements, as it keeps "200", not its properties. */
const FARTHEST_INDEX = 2 ** 32 - 2;

/**
 * Makes V8 keep the index keys of `mapping` ("200", "404": a responses object's status codes) in a small dictionary.
 * Otherwise it keeps them in an array as long as the largest key (about 600 slots for a "500"), which every
 * `Object.keys` walks whole and every garbage collection copies. One key that far out makes the dictionary, which then
 * stays one: the parsers call this before storing a key that starts with a digit.
 */
export function keepIndexKeysSparse(mapping: object): void {
  const elements = mapping as Record<number, unknown>;
  elements[FARTHEST_INDEX] = null;
  delete elements[FARTHEST_INDEX];
}

/** Locations of every container, keyed by the parsed object itself (aliases share their anchor's entry). */
export interface LocationMap {
  get(container: object): ContainerLoc | undefined;
  has(container: object): boolean;
  /**
   * False when no value is reachable by two paths (no YAML alias was read): walks of the value then need not remember
   * what they visited. Unknown counts as true.
   */
  readonly aliases?: boolean;
  /**
   * False when no `$ref` of the value outside literal data names another file or a URL (each starts with `#`): loading
   * then has nothing to follow out of the file, nor to report. The parsers say so when every `$ref` they read, literal
   * data included, starts with `#`; loading, once a walk of the value found it so (a fact of the value, learned once).
   * Unknown counts as true.
   */
  externalRefs?: boolean;
}

/**
 * The LocationMap the parsers build. They record locations flat, in typed arrays: per container its span and its
 * run of entries or items, per entry its key and the offsets of its key and value; `get` makes a ContainerLoc on first
 * use. A 4 MB spec has about 35,000 containers and 100,000 entries, and an object for each, kept as long as the file,
 * measured costlier than the parse itself.
 */
export class LocationTable implements LocationMap {
  /** Container numbers. A Map, not a WeakMap: the values live as long as their file anyway, and a WeakMap is slower. */
  private readonly ids = new Map<object, number>();
  /** Per container: span start, span end, first entry, end of its entries. */
  private containers: Int32Array = new Int32Array(4 * 64);
  private readonly keys: string[] = [];
  /** Per entry: key start, key end, value start, value end. An item keeps its span in the value's place. */
  private offsets: Int32Array = new Int32Array(4 * 256);
  /** The sources of YAML merge keys, by container number. */
  private readonly merges = new Map<number, readonly object[]>();
  private readonly made = new Map<number, ContainerLoc>();
  private containerCount = 0;
  /** Set by the YAML parser when it reads an alias; JSON has none. */
  aliases = false;
  /** Set to false by the parsers that look at every `$ref` they read (js-yaml's path does not), or by loading. */
  externalRefs = true;

  get size(): number { return this.ids.size; }

  /** The collections it locates. */
  located(): IterableIterator<object> { return this.ids.keys(); }

  has(container: object): boolean { return this.ids.has(container); }

  get(container: object): ContainerLoc | undefined {
    const id = this.ids.get(container);
    if (id === undefined) return undefined;
    let loc = this.made.get(id);
    if (!loc) {
      loc = Array.isArray(container) ? new SequenceLoc(this, id) : new MappingLoc(this, id);
      this.made.set(id, loc);
    }
    return loc;
  }

  /** The number of entries and items added so far: the first entry of the next container. */
  get entryCount(): number { return this.keys.length; }

  addEntry(key: string, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const at = 4 * this.keys.length;
    if (at + 4 > this.offsets.length) this.offsets = grown(this.offsets);
    const o = this.offsets;
    o[at] = keyStart;
    o[at + 1] = keyEnd;
    o[at + 2] = valueStart;
    o[at + 3] = valueEnd;
    this.keys.push(key);
  }

  addItem(start: number, end: number): void { this.addEntry('', start, start, start, end); }

  /**
   * Records a mapping or sequence: its span, and the entries or items added since `firstEntry`.
   * `merged`: the mappings a YAML mapping merges with `<<`, in precedence order.
   */
  add(container: object, start: number, end: number, firstEntry: number, merged?: readonly object[]): void {
    const id = this.containerCount++;
    const at = 4 * id;
    if (at + 4 > this.containers.length) this.containers = grown(this.containers);
    const c = this.containers;
    c[at] = start;
    c[at + 1] = end;
    c[at + 2] = firstEntry;
    c[at + 3] = this.keys.length;
    this.ids.set(container, id);
    if (merged) this.merges.set(id, merged);
  }

  /**
   * What `SourceFile.spanOf` gives for a container of this table (undefined for one it does not hold), read from the
   * arrays: an item's span, or a key's in a mapping of up to SCANNED_ENTRIES entries, found without the ContainerLoc
   * and its map of entries (most lookups ask one key of a schema or an operation). A larger mapping, or one with merged
   * keys, is looked up through its ContainerLoc, whose map of entries is made once.
   */
  spanOf(container: object, key: string | number | undefined, part: 'key' | 'value'): Span | undefined {
    const id = this.ids.get(container);
    if (id === undefined) return undefined;
    const c = this.containers;
    const o = this.offsets;
    const first = c[4 * id + 2];
    const end = c[4 * id + 3];
    if (key !== undefined) {
      if (Array.isArray(container)) {
        const index = Number(key);
        if (Number.isInteger(index) && index >= 0 && first + index < end) return { start: o[4 * (first + index) + 2], end: o[4 * (first + index) + 3] };
      } else {
        if (end - first > SCANNED_ENTRIES || this.merges.has(id)) return spanIn(this.get(container)!, key, part);
        const name = String(key);
        const keys = this.keys;
        for (let i = first; i < end; i++) {
          if (keys[i] !== name) continue;
          const at = part === 'key' ? 4 * i : 4 * i + 2;
          return { start: o[at], end: o[at + 1] };
        }
      }
    }
    return { start: c[4 * id], end: c[4 * id + 1] };
  }

  /** The span of a container, by number; this and the next methods are what ContainerLoc objects read. */
  containerSpan(id: number): Span { return { start: this.containers[4 * id], end: this.containers[4 * id + 1] }; }

  entryMap(id: number): Map<string, EntryLoc> {
    const map = new Map<string, EntryLoc>();
    const o = this.offsets;
    for (let i = this.containers[4 * id + 2], end = this.containers[4 * id + 3]; i < end; i++) {
      const key = this.keys[i];
      if (!map.has(key)) map.set(key, { key: { start: o[4 * i], end: o[4 * i + 1] }, value: { start: o[4 * i + 2], end: o[4 * i + 3] } });
    }
    return map;
  }

  itemSpans(id: number): Span[] {
    const spans: Span[] = [];
    const o = this.offsets;
    for (let i = this.containers[4 * id + 2], end = this.containers[4 * id + 3]; i < end; i++) spans.push({ start: o[4 * i + 2], end: o[4 * i + 3] });
    return spans;
  }

  mergedOf(id: number): ContainerLoc[] | undefined {
    return this.merges.get(id)?.map((source) => this.get(source)).filter((loc): loc is ContainerLoc => loc !== undefined);
  }
}

function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(2 * array.length);
  bigger.set(array);
  return bigger;
}

class MappingLoc implements ContainerLoc {
  readonly span: Span;
  readonly merged?: readonly ContainerLoc[];
  private built?: Map<string, EntryLoc>;
  constructor(private readonly map: LocationTable, private readonly id: number) {
    this.span = map.containerSpan(id);
    this.merged = map.mergedOf(id);
  }
  get entries(): Map<string, EntryLoc> { return (this.built ??= this.map.entryMap(this.id)); }
}

class SequenceLoc implements ContainerLoc {
  readonly span: Span;
  private built?: Span[];
  constructor(private readonly map: LocationTable, private readonly id: number) { this.span = map.containerSpan(id); }
  get items(): Span[] { return (this.built ??= this.map.itemSpans(this.id)); }
}

export interface ParsedText {
  value: unknown;
  locations: LocationMap;
  /** The text's line table, when made with the parse (of a text parsed in part: from the last text's, `LineIndex.edited`). */
  lines?: LineIndex;
}

/**
 * Converts UTF-16 offsets to 0-based line/character positions, as LSP counts them: lines end at `\n`, `\r\n` or `\r`,
 * and a position never points between the `\r` and the `\n` of a line break. A leading BOM is not a character of the
 * first line: editors hide it, and LSP clients leave it out of the document's text.
 */
export class LineIndex {
  /** Where each line starts: `edited` keeps them in a typed array, the parsers and the scan in a plain one. */
  private readonly starts: ArrayLike<number>;
  /** Whether the text holds a carriage return (lines may end at `\r\n` or `\r`). */
  private readonly returns: boolean;
  /**
   * `known`: where the text's lines start and whether it holds a carriage return, when already found (by the YAML
   * reader as it reads, or by `edited`); otherwise the text is scanned.
   */
  constructor(private readonly text: string, known?: { starts: ArrayLike<number>; returns: boolean }) {
    if (known) {
      this.starts = known.starts;
      this.returns = known.returns;
      return;
    }
    this.returns = text.includes('\r');
    const starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
    if (!this.returns) {
      // the common case: indexOf finds line feeds far faster than a loop over every character
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
      }
    }
    this.starts = starts;
  }
  /**
   * The line table of `text`, which holds this table's text with `start` to `oldEnd` replaced by its own text up to
   * `newEnd`: the lines before and after the change are this table's (moved), and only the changed text is read.
   */
  edited(text: string, { start, oldEnd, newEnd }: { start: number; oldEnd: number; newEnd: number }): LineIndex {
    // line breaks of two characters, and a BOM, are left to a whole scan
    if (this.returns || start === 0 || text.slice(start, newEnd).includes('\r')) return new LineIndex(text);
    const old = this.starts;
    // a line starts after its line break: those before the change stay, those after it move by the change's length
    let kept = 0;
    while (kept < old.length && old[kept] <= start) kept++;
    let after = kept;
    while (after < old.length && old[after] - 1 < oldEnd) after++;
    const added: number[] = [];
    for (let at = text.indexOf('\n', start); at !== -1 && at < newEnd; at = text.indexOf('\n', at + 1)) added.push(at + 1);
    // one block of memory, written once: a table of 100,000 lines is made at every edit of a large document
    const starts = new Int32Array(kept + added.length + old.length - after);
    let n = 0;
    for (let i = 0; i < kept; i++) starts[n++] = old[i];
    for (const line of added) starts[n++] = line;
    const delta = newEnd - oldEnd;
    for (let i = after; i < old.length; i++) starts[n++] = old[i] + delta;
    return new LineIndex(text, { starts, returns: false });
  }
  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: Math.max(0, Math.min(offset, this.lineEnd(lo)) - starts[lo]) };
  }
  /** The offset of a position; a character past the end of its line means the line's end, as in LSP. */
  offset(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.starts.length - 1));
    return this.starts[line] + Math.max(0, Math.min(position.character, this.lineEnd(line) - this.starts[line]));
  }
  range(span: Span): Range { return { start: this.position(span.start), end: this.position(span.end) }; }
  lineCount(): number { return this.starts.length; }
  /** Where the line's text ends, before its line break. */
  private lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    const next = this.starts[line + 1];
    return next - (this.text.charCodeAt(next - 2) === 0x0d && this.text.charCodeAt(next - 1) === 0x0a ? 2 : 1);
  }
}

export type JsonPath = (string | number)[];

function isContainer(value: unknown): value is object { return value !== null && typeof value === 'object'; }

/** One parsed file of the project: its text, its value and where every key and value stands. */
export class SourceFile {
  private lineIndex?: LineIndex;
  constructor(
    /** Absolute path. */
    readonly path: string,
    /** Path relative to the project root, with forward slashes. */
    readonly relPath: string,
    readonly text: string,
    readonly value: unknown,
    readonly locations: LocationMap,
    lines?: LineIndex,
  ) {
    this.lineIndex = lines;
  }

  get lines(): LineIndex { return (this.lineIndex ??= new LineIndex(this.text)); }

  /** The span of `key` (part 'key') or of its value (part 'value') inside `container`; the container's own span as a fallback. */
  spanOf(container: object, key?: string | number, part: 'key' | 'value' = 'key'): Span {
    const locations = this.locations;
    // a whole parse's table answers from its arrays; the tables of edits parsed in part, from their ContainerLocs
    if (locations instanceof LocationTable) return locations.spanOf(container, key, part) ?? { start: 0, end: 0 };
    const loc = locations.get(container);
    return loc ? spanIn(loc, key, part) : { start: 0, end: 0 };
  }

  rangeOf(container: object, key?: string | number, part: 'key' | 'value' = 'key'): Range {
    return this.lines.range(this.spanOf(container, key, part));
  }

  /** Follows a JSON path from the file's root; returns the container holding the last segment. */
  containerAt(path: JsonPath): { container: object; key: string | number } | undefined {
    if (path.length === 0) return undefined;
    let node: unknown = this.value;
    for (let i = 0; i < path.length - 1; i++) {
      if (!isContainer(node)) return undefined;
      node = (node as Record<string | number, unknown>)[path[i]];
    }
    if (!isContainer(node)) return undefined;
    return { container: node, key: path[path.length - 1] };
  }

  /** The range of the key or value at `path`; for the empty path, the root value's. */
  rangeAtPath(path: JsonPath, part: 'key' | 'value' = 'key'): Range {
    if (path.length === 0) return this.lines.range(isContainer(this.value) ? this.spanOf(this.value) : { start: 0, end: 0 });
    const at = this.containerAt(path);
    if (!at) return this.lines.range({ start: 0, end: 0 });
    return this.rangeOf(at.container, at.key, part);
  }
}

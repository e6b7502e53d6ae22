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
}

/** Locations of every container, keyed by the parsed object itself (aliases share their anchor's entry). */
export type LocationMap = WeakMap<object, ContainerLoc>;

export interface ParsedText { value: unknown; locations: LocationMap }

/** Converts UTF-16 offsets to 0-based line/character positions, as LSP counts them. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  }
  offset(position: Position): number {
    const start = this.starts[Math.min(position.line, this.starts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }
  range(span: Span): Range { return { start: this.position(span.start), end: this.position(span.end) }; }
  lineCount(): number { return this.starts.length; }
}

export type JsonPath = (string | number)[];

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
  ) {}

  get lines(): LineIndex { return (this.lineIndex ??= new LineIndex(this.text)); }

  /** The span of `key` (part 'key') or of its value (part 'value') inside `container`; the container's own span as a fallback. */
  spanOf(container: object, key?: string | number, part: 'key' | 'value' = 'key'): Span {
    const loc = this.locations.get(container);
    if (!loc) return { start: 0, end: 0 };
    if (key === undefined) return loc.span;
    if (loc.items && typeof key === 'number') return loc.items[key] ?? loc.span;
    const entry = loc.entries?.get(String(key));
    if (!entry) return loc.span;
    return part === 'key' ? entry.key : entry.value;
  }

  rangeOf(container: object, key?: string | number, part: 'key' | 'value' = 'key'): Range {
    return this.lines.range(this.spanOf(container, key, part));
  }

  /** Follows a JSON path from the file's root; returns the container holding the last segment. */
  containerAt(path: JsonPath): { container: object; key: string | number } | undefined {
    if (path.length === 0) return undefined;
    let node: unknown = this.value;
    for (let i = 0; i < path.length - 1; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[path[i]];
    }
    if (node === null || typeof node !== 'object') return undefined;
    return { container: node, key: path[path.length - 1] };
  }

  rangeAtPath(path: JsonPath, part: 'key' | 'value' = 'key'): Range {
    if (path.length === 0) return this.lines.range({ start: 0, end: 0 });
    const at = this.containerAt(path);
    if (!at) return this.lines.range({ start: 0, end: 0 });
    return this.rangeOf(at.container, at.key, part);
  }
}

/**
 * The parse of an edited text made from the parse of the text before the edit: only the smallest mapping or
 * sequence holding the changed region is parsed again, and everything else is kept (the same objects, their
 * positions moved by the change in length). A structural edit of one operation in a 4 MB document parses a few
 * hundred bytes instead of 4 MB, and the checks see the untouched parts as the very objects of the last analysis.
 * The result is the value and the locations a parse of the whole text gives; where that cannot be assured (YAML
 * anchors and directives, block scalars that keep trailing lines, an edit at the top level or one that breaks the
 * text), there is no result and the caller parses the whole text.
 */
import { parseJson } from './spec/parse-json';
import { parseYaml } from './spec/parse-yaml';
import { LocationTable, type ContainerLoc, type EntryLoc, type LocationMap, type ParsedText, type Span } from './spec/source';
import type { ChangedRegion } from './text-shift';
import { mayHoldAnchors } from './reuse';
import { targetOf, watched } from './reads';

/**
 * Edits parsed in part stacked as layers, at most: each adds a layer that every location lookup goes through, so the
 * layers are then squashed into one table (`SquashedLocations`), in time proportional to what the edits parsed.
 */
const MAX_LAYERS = 16;

/**
 * Edits parsed in part a squashed table holds, at most: a lookup moves an offset once per edit, and the table keeps
 * the copies every edit made of the collections above its part, so beyond this the locations are made again from a
 * whole parse, for the same objects (`compacted`).
 */
const MAX_SQUASHED_EDITS = 64;

/** Characters of a part beyond which, when it is also half of the text, the whole text is parsed instead. */
const LARGE_PART = 64 * 1024;

/** Nesting of the part parsed again beyond which the whole text is parsed (where the depth limit is enforced). */
const MAX_PART_DEPTH = 64;

/** A .json file is strict JSON, parsed as such; any other is YAML. */
const isJsonPath = (path: string) => /\.json$/i.test(path);

/**
 * The parse of `newText` from `before`, the parse of `oldText` (which differs in `region`); undefined when it cannot be
 * made so. `anchors`: whether `oldText` may hold YAML anchors (`mayHoldAnchors`, which the caller knows).
 */
export function reparse(path: string, oldText: string, before: ParsedText, newText: string, region: ChangedRegion, anchors: boolean): ParsedText | undefined {
  const json = isJsonPath(path);
  // directives come first, before any content (a `%` cannot start a line of content)
  if (!json && (anchors || /^\s*[{[]/.test(oldText) || /^(?:[ \t]*(?:#.*)?\r?\n)*%/.test(oldText))) return undefined;
  const base = layersOf(before.locations) >= MAX_LAYERS ? squashed(before) ?? compacted(json, oldText, before) : before;
  if (!base) return undefined;
  // innermost first: an edit may end one collection and start the next (an item inserted into a list), so the first
  // whose new text parses to one collection of its kind, ending where it ended, is parsed again; past half of a large
  // text, a whole parse costs about as much
  for (const held of containersHolding(base, region).reverse()) {
    const size = held.span.end - held.span.start;
    if (size > LARGE_PART && size > newText.length / 2) return undefined;
    const part = parsePart(path, json, held, newText, region.newEnd - region.oldEnd);
    if (part) return splice(base, held, part, region.newEnd - region.oldEnd, before.locations);
  }
  return undefined;
}

/**
 * `parsed`, the parse of `text`, with its locations in one table again from a whole parse when at least `minLayers`
 * edits parsed in part stand between them and the last one (in layers, or squashed): done when the caller has a
 * moment, so that no edit need. Undefined when fewer stand there, or when the locations cannot be made so.
 */
export function compactParse(path: string, text: string, parsed: ParsedText, minLayers: number): ParsedText | undefined {
  if (editsOn(parsed.locations) < minLayers) return undefined;
  const compact = compacted(isJsonPath(path), text, parsed);
  return compact && { ...compact, lines: parsed.lines };
}

/**
 * `before` with its locations made again from a whole parse of its text, in one table: the same objects (the checks
 * keep what they found in them), without the layers of the edits parsed in part since the last whole parse. A parse
 * made in part gives what a whole parse gives, so the two values are alike, collection for collection; undefined
 * when they are not, or when the text now reads otherwise.
 */
function compacted(json: boolean, text: string, before: ParsedText): ParsedText | undefined {
  let whole: ParsedText;
  try {
    whole = (json ? parseJson : parseYaml)(text);
  } catch {
    return undefined;
  }
  if (whole.locations.aliases !== false) return undefined;
  const counterparts = new Map<object, object>();
  const stack: [unknown, unknown][] = [[before.value, whole.value]];
  while (stack.length > 0) {
    const [held, now] = stack.pop()!;
    if (!isCollection(held) || !isCollection(now)) {
      if (!sameScalar(held, now)) return undefined;
      continue;
    }
    const target = targetOf(held) as Record<string, unknown>;
    const keys = Object.keys(target);
    const nowKeys = Object.keys(now);
    if (Array.isArray(target) !== Array.isArray(now) || keys.length !== nowKeys.length) return undefined;
    counterparts.set(target, now);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== nowKeys[i]) return undefined;
      stack.push([target[keys[i]], (now as Record<string, unknown>)[keys[i]]]);
    }
  }
  return { value: before.value, locations: new CompactedLocations(whole.locations, counterparts) };
}

/** Scalars as a parse gives them: equal, or dates of the same time (YAML timestamps). */
function sameScalar(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || (a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime()));
}

/** The locations of a whole parse, for the collections of an equal value: each found by its counterpart in the parse. */
class CompactedLocations implements LocationMap {
  readonly aliases = false;
  externalRefs: boolean;
  constructor(private readonly whole: LocationMap, private readonly counterparts: Map<object, object>) {
    this.externalRefs = whole.externalRefs !== false;
  }
  has(container: object): boolean { return this.counterparts.has(targetOf(container)); }
  get(container: object): ContainerLoc | undefined {
    const now = this.counterparts.get(targetOf(container));
    return now && this.whole.get(now);
  }
}

/** A collection of the old text parsed alone from the new text, with the offset of its locations in the new text. */
function parsePart(path: string, json: boolean, held: Held, newText: string, delta: number): { parsed: ParsedText; offset: number } | undefined {
  const { span } = held;
  const prefix = lineBefore(newText, span.start);
  // YAML: a block collection (a sequence item's mapping follows its dash); a flow collection's lines are bound by the
  // indentation around it, which its text alone does not show
  if (!json && (!/^[ -]*$/.test(prefix) || /[[{]/.test(newText[span.start]))) return undefined;
  // YAML: through the line break after it, which a block scalar at its end keeps
  const lineEnd = json ? -1 : newText.indexOf('\n', span.end + delta);
  const partText = newText.slice(span.start, json ? span.end + delta : lineEnd < 0 ? newText.length : lineEnd + 1);
  if (!json && (mayHoldAnchors(path, partText) || /[|>][1-9]?\+/.test(partText) || /(?:^|\n)(?:---|\.\.\.)(?:\s|$)/.test(partText))) return undefined;
  let parsed: ParsedText;
  try {
    // the part at its column, so YAML reads its indentation as the whole text has it
    parsed = (json ? parseJson : parseYaml)(' '.repeat(prefix.length) + partText);
  } catch {
    return undefined;
  }
  const offset = span.start - prefix.length;
  const root = parsed.value;
  const loc = root !== null && typeof root === 'object' ? parsed.locations.get(root) : undefined;
  // the same kind of collection, ending where the old one ends in the new text
  if (!loc || Array.isArray(root) !== Array.isArray(held.value) || loc.span.start + offset !== span.start
    || loc.span.end + offset !== span.end + delta || depthOf(root) > MAX_PART_DEPTH) return undefined;
  return { parsed, offset };
}

/**
 * The old parse with the collection `held` replaced by its new parse, and copies of the collections above it; the
 * new collections are watched (`reads.ts`): the next edit is likely to change them again.
 */
function splice(before: ParsedText, held: Held, part: { parsed: ParsedText; offset: number }, delta: number, from: LocationMap): ParsedText {
  const ancestors = new Map<object, object>();
  let replaced = watchAll(part.parsed.value as object);
  for (let i = held.path.length - 1; i >= 0; i--) {
    const { container, key } = held.path[i];
    const copy = Array.isArray(container) ? container.slice() : copyObject(container);
    setKey(copy, key, replaced);
    replaced = watched(copy);
    ancestors.set(replaced, container);
  }
  return { value: replaced, locations: new EditedLocations(before.locations, held.span.end, delta, part.parsed.locations, part.offset, ancestors, serialOf(from)) };
}

/** The deepest nesting of collections in a value (a freshly parsed one: no shared objects). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A freshly parsed collection with every collection in it watched (values of other kinds, such as dates, left as they are). */
function watchAll(root: object): object {
  const stack = [root];
  while (stack.length > 0) {
    const container = stack.pop() as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (!isCollection(value)) continue;
      stack.push(value);
      setKey(container, key, watched(value));
    }
  }
  return watched(root);
}

/** A mapping or a sequence as a parse makes them (values of other kinds, such as dates, are not). */
function isCollection(v: unknown): v is object {
  return Array.isArray(v) || (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)));
}

/** Sets a key as the parser does: an own data property, even `__proto__`. */
function setKey(container: object, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

/** An object with the same prototype and own keys in the same order (a `__proto__` key stays a key). */
function copyObject(source: object): object {
  const copy = Object.create(Object.getPrototypeOf(source)) as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    setKey(copy, key, (source as Record<string, unknown>)[key]);
  }
  return copy;
}

/** The text of a line before `offset`. */
function lineBefore(text: string, offset: number): string {
  return text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
}

interface Held { value: object; span: Span; path: { container: object; key: string | number }[] }

/**
 * The collections below the root whose text holds the changed region strictly inside (their first and last characters
 * unchanged), outermost first, each with the path of containers and keys leading to it.
 */
function containersHolding(parsed: ParsedText, region: ChangedRegion): Held[] {
  const inside = (span: Span) => span.start < region.start && region.oldEnd < span.end;
  const path: { container: object; key: string | number }[] = [];
  const held: Held[] = [];
  let value = parsed.value;
  for (;;) {
    if (value === null || typeof value !== 'object') return held;
    const loc = parsed.locations.get(value);
    if (!loc || !inside(loc.span)) return held;
    if (path.length > 0) held.push({ value, span: loc.span, path: [...path] });
    let key: string | number | undefined;
    if (loc.items) {
      const index = loc.items.findIndex(inside);
      key = index < 0 ? undefined : index;
    } else {
      // YAML merge keys bring entries written elsewhere
      if (loc.merged) return held;
      for (const [k, entry] of loc.entries ?? []) if (inside(entry.value)) { key = k; break; }
    }
    if (key === undefined) return held;
    path.push({ container: value, key });
    value = (value as Record<string | number, unknown>)[key];
  }
}

/** Whether `after` was parsed in part from `before`: it shares every object outside the edit. */
export function isSplicedFrom(after: ParsedText, before: ParsedText): boolean {
  return after.locations instanceof EditedLocations && after.locations.from === serialOf(before.locations);
}

/**
 * A number for each location map a parse was made from in part: a map compacted before the edit is not the one the
 * parse holds, and a number, unlike the map, keeps no chain of layers alive.
 */
const serials = new WeakMap<LocationMap, number>();
let serialCount = 0;

function serialOf(locations: LocationMap): number {
  let serial = serials.get(locations);
  if (serial === undefined) serials.set(locations, (serial = ++serialCount));
  return serial;
}

/** How many edits parsed in part stack on these locations as layers (above a squashed table, if any). */
function layersOf(locations: LocationMap): number {
  return locations instanceof EditedLocations ? locations.layers : 0;
}

/** How many edits parsed in part stand between these locations and the last whole parse, in layers or squashed. */
function editsOn(locations: LocationMap): number {
  let bottom = locations;
  while (bottom instanceof EditedLocations) bottom = bottom.before;
  return layersOf(locations) + (bottom instanceof SquashedLocations ? bottom.edits : 0);
}

/** `before` with the layers of its locations squashed into one table; undefined once it would hold too many edits. */
function squashed(before: ParsedText): ParsedText | undefined {
  const layers: EditedLocations[] = [];
  let bottom = before.locations;
  for (; bottom instanceof EditedLocations; bottom = bottom.before) layers.push(bottom);
  const held = bottom instanceof SquashedLocations ? bottom : undefined;
  // the parsers locate a part in their table, which lists its collections
  if ((held?.edits ?? 0) + layers.length > MAX_SQUASHED_EDITS || !layers.every((layer) => layer.part instanceof LocationTable)) return undefined;
  return { value: before.value, locations: new SquashedLocations(bottom, layers.reverse()) };
}

/**
 * The locations of a text parsed in part: the part's own (at their offset in the text), the copies of its containers
 * (their old locations), and every other container's old location, moved by the change in length when after the part.
 */
class EditedLocations implements LocationMap {
  readonly layers: number;
  /** A tree when the old value and the part parsed again were: walks need not remember what they visited. */
  readonly aliases: boolean;
  /** False when neither the old value (the part parsed again included) nor the part may hold a `$ref` to another file. */
  externalRefs: boolean;
  private readonly made = new Map<object, ContainerLoc>();

  constructor(
    readonly before: LocationMap,
    /** Old offsets from here on move by `delta`: the end of the part in the old text. */
    readonly partEnd: number,
    readonly delta: number,
    readonly part: LocationMap,
    readonly partOffset: number,
    /** Copied containers, to the old containers they copy. */
    readonly ancestors: Map<object, object>,
    /** The locations this parse was made from (`serialOf`), before any compaction. */
    readonly from: number,
  ) {
    this.layers = layersOf(before) + 1;
    this.aliases = before.aliases !== false || part.aliases !== false;
    this.externalRefs = before.externalRefs !== false || part.externalRefs !== false;
  }

  has(container: object): boolean {
    return this.part.has(targetOf(container)) || this.ancestors.has(container) || this.before.has(container);
  }

  /**
   * A container's location: found in the nearest layer that knows it (its part, the location it made last, or the
   * whole parse below every layer), moved once through the layers above that one. Only this layer keeps what it
   * made: copies made in every layer passed, as each layer asking the next would, cost more than the lookups.
   */
  get(container: object): ContainerLoc | undefined {
    const made = this.made.get(container);
    if (made) return made;
    // the layers whose change in length applies, from this one down
    const moves: EditedLocations[] = [];
    let layer: EditedLocations = this;
    let key = container;
    let found: ContainerLoc | undefined;
    let offset = 0;
    for (;;) {
      const target = targetOf(key);
      if (layer.part.has(target)) {
        found = layer.part.get(target);
        offset = layer.partOffset;
        break;
      }
      moves.push(layer);
      key = layer.ancestors.get(key) ?? key;
      const below = layer.before;
      if (!(below instanceof EditedLocations)) {
        found = below.get(key);
        break;
      }
      found = below.made.get(key);
      if (found) break;
      layer = below;
    }
    if (!found) return undefined;
    const loc = offset === 0 && !found.merged && unmoved(found.span, moves) ? found : movedLoc(found, (at) => {
      let moved = at + offset;
      for (let i = moves.length - 1; i >= 0; i--) if (moved >= moves[i].partEnd) moved += moves[i].delta;
      return moved;
    });
    this.made.set(container, loc);
    return loc;
  }
}

/**
 * The locations of layers of edits parsed in part, squashed into one table: each part's collections by the edit that
 * parsed them, each copy of a collection above a part to the collection it copies, and the changes in length in the
 * order of the edits. A lookup finds a collection where the layers would (in the part that parsed it, else through the
 * copies down to the table below every layer) and moves its offsets through the edits after that one, without a walk
 * through the layers. Squashing costs what the edits parsed, not a parse of the text.
 */
class SquashedLocations implements LocationMap {
  readonly aliases: boolean;
  externalRefs: boolean;
  /** Edits parsed in part it holds. */
  readonly edits: number;
  /** The locations below every edit: a whole parse's, or those made again from one. */
  private readonly base: LocationMap;
  private readonly parts: { table: LocationMap; offset: number }[];
  /** The edit whose part holds each collection parsed in part. */
  private readonly partOf: Map<object, number>;
  /** Copies of collections above an edit's part, to the collections they copy. */
  private readonly copies: Map<object, object>;
  /** Per edit, in order: the change in length it made, and where in the text before it offsets start to move. */
  private readonly moves: Move[];
  private readonly made = new Map<object, ContainerLoc>();

  /**
   * `layers` (from the first edit to the last, each part located by a `LocationTable`) squashed onto `below`: a table
   * squashed before, or a whole parse's locations.
   */
  constructor(below: LocationMap, layers: readonly EditedLocations[]) {
    const held = below instanceof SquashedLocations ? below : undefined;
    this.base = held ? held.base : below;
    this.parts = held ? [...held.parts] : [];
    this.partOf = new Map(held?.partOf);
    this.copies = new Map(held?.copies);
    this.moves = held ? [...held.moves] : [];
    for (const layer of layers) {
      const edit = this.parts.length;
      this.parts.push({ table: layer.part, offset: layer.partOffset });
      for (const container of (layer.part as LocationTable).located()) this.partOf.set(container, edit);
      for (const [copy, copied] of layer.ancestors) this.copies.set(copy, copied);
      this.moves.push({ partEnd: layer.partEnd, delta: layer.delta });
    }
    this.edits = this.parts.length;
    this.aliases = layers.length > 0 ? layers[layers.length - 1].aliases : below.aliases !== false;
    this.externalRefs = layers.length > 0 ? layers[layers.length - 1].externalRefs : below.externalRefs !== false;
  }

  has(container: object): boolean {
    return this.partOf.has(targetOf(container)) || this.copies.has(container) || this.base.has(container);
  }

  get(container: object): ContainerLoc | undefined {
    const made = this.made.get(container);
    if (made) return made;
    let key = container;
    let found: ContainerLoc | undefined;
    let offset = 0;
    // the first edit whose change in length applies: those after the one that parsed it, or all of them
    let first = 0;
    for (;;) {
      const target = targetOf(key);
      const edit = this.partOf.get(target);
      if (edit !== undefined) {
        found = this.parts[edit].table.get(target);
        offset = this.parts[edit].offset;
        first = edit + 1;
        break;
      }
      const copied = this.copies.get(key);
      if (copied === undefined) {
        found = this.base.get(key);
        break;
      }
      key = copied;
    }
    if (!found) return undefined;
    const loc = offset === 0 && !found.merged && unmoved(found.span, this.moves, first) ? found : movedLoc(found, (at) => {
      let moved = at + offset;
      for (let i = first; i < this.moves.length; i++) if (moved >= this.moves[i].partEnd) moved += this.moves[i].delta;
      return moved;
    });
    this.made.set(container, loc);
    return loc;
  }
}

/** A change in length an edit parsed in part made: offsets from `partEnd` on (in the text before it) move by `delta`. */
interface Move { partEnd: number; delta: number }

/**
 * Whether the changes in length of `moves` (from `first` on) leave every offset of `span` as it is: none moves its
 * start or its end, nor falls inside it (which would move the offsets after it and not those before).
 */
function unmoved(span: Span, moves: readonly Move[], first = 0): boolean {
  for (let i = first; i < moves.length; i++) if (moves[i].delta !== 0 && span.end >= moves[i].partEnd) return false;
  return true;
}

function movedLoc(loc: ContainerLoc, move: (at: number) => number): ContainerLoc {
  const span = (s: Span): Span => ({ start: move(s.start), end: move(s.end) });
  const entry = (e: EntryLoc): EntryLoc => ({ key: span(e.key), value: span(e.value) });
  return {
    span: span(loc.span),
    ...(loc.entries ? { entries: new Map([...loc.entries].map(([k, e]) => [k, entry(e)])) } : {}),
    ...(loc.items ? { items: loc.items.map(span) } : {}),
    ...(loc.merged ? { merged: loc.merged.map((m) => movedLoc(m, move)) } : {}),
  };
}

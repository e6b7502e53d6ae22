/**
 * Keeping an earlier analysis's findings check by check. Each check's reads of the watched parts of the documents (the
 * collections an edit parsed again, and the operations built from them: `reads.ts`) are recorded. After the next edit,
 * its parse is compared with the last one where they differ (the parts parsed again stand in for watched objects),
 * and the model built from it with the last model: what differs is a set of changed keys. A check that read none of
 * them reads everything as it did, so its findings are kept, their ranges moved; the others run again. Any difference
 * outside the watched objects (an edit elsewhere), a changed writing style, a collection written otherwise (its
 * indentation, line breaks or comments) or a finding that cannot be moved, and every check runs.
 */
import type { Check, Counterparts } from './checks/check';
import type { CheckReuse } from './analyze';
import { isCollection, type ApiDocument, type Operation } from './spec/model';
import type { SpecPart } from './spec/frontend';
import type { SpecNode } from './spec/load';
import { LineIndex, SourceFile, type ParsedText, type Span } from './spec/source';
import { ReadLog, buildReads, changedFacts, isWatched, readAgain, reading, targetOf, watched } from './reads';
import { mapSame, moved } from './reuse';
import { TextShift, type ChangedRegion } from './text-shift';
import type { AnalysisResult, Finding } from './types';
import { sameItems } from './lists';

/** What a session keeps of an analysis for the next one to reuse check by check. */
export interface CheckReads {
  /** What each check read of watched objects, by check id. */
  logs: Map<string, ReadLog>;
  /** The model the checks read. */
  documents: ApiDocument[];
  /** What checks found operation by operation (`CheckContext.eachOperation`), by check id. */
  operations: Map<string, OperationValues>;
  result: AnalysisResult;
}

/** A check's values of each operation, by document (undefined for a document it did not go through). */
export interface OperationValues {
  /** Moves a value to the next analysis (the check's own function: it outlives the check's run). */
  move: (kept: unknown, to: Counterparts) => unknown;
  documents: (OperationValue[] | undefined)[];
  /**
   * The objects that moved in each analysis since the values were made (oldest first: `Changes.moves`): the values of
   * a check whose findings were kept whole are moved when it runs again, not at every edit.
   */
  since: Map<object, object>[];
}

/** How many analyses the values of a check kept whole wait before they are moved (what waits is kept alive). */
const MOST_SINCE = 8;

/** What a check found of one operation, and what its search read of watched objects. */
interface OperationValue { value: unknown; log: ReadLog }

/** How the inputs of the next analysis differ from the last one's: files parsed in part, and their texts. */
export interface EditedInputs {
  /** Per file parsed in part: the last parse and the new one (which shares every object outside the edit). */
  parses: { before: ParsedText; after: ParsedText }[];
  files: { path: string; relPath: string; oldText: string; oldLines: LineIndex; newText: string; region: ChangedRegion }[];
}

/** An analysis's reuse of the last one (none when `last` or `edited` is missing): records what its checks read. */
export class ChecksReuse implements CheckReuse {
  readonly logs = new Map<string, ReadLog>();
  documents: ApiDocument[] = [];
  readonly operations = new Map<string, OperationValues>();
  /**
   * The keys the edit changed, and the last objects' counterparts (`moves`: only those a check can have read or kept,
   * the collections the edit changed and the watched operations); undefined when no check's findings can be kept.
   */
  private changes?: { changed: ReadLog; counterparts: Map<object, object>; moves: Map<object, object> };
  private lastFindings?: Map<string, Finding[]>;
  /** Where the kept findings move, by file relative to the root (made when a check's findings are first kept). */
  private shifts?: Map<string, TextShift>;
  private spec?: SpecPart;
  /** The checks whose findings were kept. */
  readonly keptChecks = new Set<string>();

  constructor(private readonly last?: CheckReads, private readonly edited?: EditedInputs) {}

  prepare(spec: SpecPart): void {
    this.documents = spec.documents;
    this.spec = spec;
    // the operations built from watched objects are watched too: checks read what the model made of them
    for (const doc of spec.documents) {
      doc.operations.forEach((op, i) => { if (isWatched(op.node.value as object)) doc.operations[i] = watched(op); });
    }
    if (!this.last || !this.edited || this.last.result.problems.some((p) => p.code === 'check-failed')) return;
    // a file more or less (a new $ref) is read by no key of a watched object
    const inputs = this.last.result.inputs;
    if (inputs.length !== spec.inputs.length || inputs.some((input, i) => input !== spec.inputs[i])) return;
    const counterparts = new Map<object, object>();
    const changed = new ReadLog();
    for (const [i, { before, after }] of this.edited.parses.entries()) {
      const { oldText, newText, region } = this.edited.files[i];
      if (!changedKeys({ parsed: before, text: oldText }, { parsed: after, text: newText }, region, counterparts, changed)) return;
    }
    const moves = new Map(counterparts);
    if (!changedModel(this.last.documents, spec.documents, counterparts, changed)) return;
    // facts of the operations (whether one is a login...) count as changed only when their values did
    const carry = (log: ReadLog) => carried(log, counterparts);
    this.last.documents.forEach((doc, d) => doc.operations.forEach((op, i) => {
      if (!isWatched(op)) return;
      changedFacts(op, spec.documents[d].operations[i], changed, carry);
      moves.set(targetOf(op), spec.documents[d].operations[i]);
    }));
    this.changes = { changed, counterparts, moves };
    this.lastFindings = new Map();
    for (const finding of this.last.result.findings) {
      const list = this.lastFindings.get(finding.ruleId);
      if (list) list.push(finding); else this.lastFindings.set(finding.ruleId, [finding]);
    }
  }

  kept(check: Check): Finding[] | undefined {
    const id = check.meta.id;
    const log = this.last?.logs.get(id);
    if (!this.changes || !log || log.meets(this.changes.changed)) return undefined;
    const findings = this.lastFindings!.get(id) ?? [];
    const result = moved({ ...this.last!.result, findings, problems: [] }, this.shiftsOf());
    if (!result) return undefined;
    this.logs.set(id, carried(log, this.changes.counterparts));
    this.keptChecks.add(id);
    const values = this.last!.operations.get(id);
    if (values) this.operations.set(id, values.since.length < MOST_SINCE ? { ...values, since: [...values.since, this.changes.moves] } : this.movedValues(values));
    return result.findings;
  }

  eachOperation<T>(check: Check, doc: ApiDocument, run: (op: Operation) => T, move: (kept: T, to: Counterparts) => T): T[] {
    const id = check.meta.id;
    const d = this.documents.indexOf(doc);
    let values = this.operations.get(id);
    if (!values) this.operations.set(id, (values = { move: move as OperationValues['move'], documents: [], since: [] }));
    const last = this.changes && this.last!.operations.get(id);
    const to = last && through([...last.since, this.changes!.moves]);
    const found = doc.operations.map((op, i): OperationValue => {
      const kept = last?.documents[d]?.[i];
      // what its search read, on the last analysis's objects (which the changed keys are of)
      const read = kept && carriedThrough(kept.log, last!.since);
      if (!read || read.meets(this.changes!.changed)) {
        const log = new ReadLog();
        return { value: reading(log, () => run(op)), log };
      }
      const log = carried(read, this.changes!.moves);
      readAgain(log);
      const value = move(kept!.value as T, to!);
      return value === kept!.value && log === kept!.log ? kept! : { value, log };
    });
    values.documents[d] = found;
    return found.map(({ value }) => value as T);
  }

  /** A kept check's operation values, moved to this analysis. */
  private movedValues(values: OperationValues): OperationValues {
    const since = [...values.since, this.changes!.moves];
    const to = through(since);
    const moved = (kept: OperationValue) => {
      const [value, log] = [values.move(kept.value, to), carriedThrough(kept.log, since)];
      return value === kept.value && log === kept.log ? kept : { value, log };
    };
    return { move: values.move, documents: values.documents.map((list) => list && mapSame(list, moved)), since: [] };
  }

  private shiftsOf(): Map<string, TextShift> {
    if (!this.shifts) {
      this.shifts = new Map();
      for (const { path, relPath, oldText, oldLines, newText, region } of this.edited!.files) {
        // the new text's line table, shared with the analysis's file
        const newLines = this.spec?.files.get(path)?.lines ?? new LineIndex(newText);
        this.shifts.set(relPath, new TextShift(oldText, newText, oldLines, newLines, region));
      }
    }
    return this.shifts;
  }

  reading<T>(check: Check, run: () => T): T {
    let log = this.logs.get(check.meta.id);
    if (!log) this.logs.set(check.meta.id, (log = new ReadLog()));
    return reading(log, run);
  }

  /** Documentation reads carried to the new objects, for the documentation the kept checks read. */
  carriedProse(reads: ReadonlyMap<object, ReadonlySet<string>>): Map<object, Set<string>> {
    const out = new Map<object, Set<string>>();
    for (const [object, keys] of reads) {
      const to = this.changes?.counterparts.get(targetOf(object)) ?? object;
      const set = out.get(to) ?? new Set<string>();
      for (const key of keys) set.add(key);
      out.set(to, set);
    }
    return out;
  }
}

/** A log's keys on the new counterparts of the objects read. */
function carried(log: ReadLog, counterparts: Map<object, object>): ReadLog {
  return log.moved((target) => {
    const to = counterparts.get(target);
    return to ? targetOf(to) : target;
  });
}

/** A log carried through a series of analyses (`OperationValues.since`). */
function carriedThrough(log: ReadLog, since: Map<object, object>[]): ReadLog {
  return since.reduce((at, moves) => carried(at, moves), log);
}

/** Counterparts through a series of analyses (an object none of them moved is its own). */
function through(since: Map<object, object>[]): Counterparts {
  return { object: (value) => since.reduce((at, moves) => (moves.get(targetOf(at)) as typeof value | undefined) ?? at, value) };
}


/** A parse and its text. */
interface ParsedFile { parsed: ParsedText; text: string }

/**
 * Compares the last parse with the new one where they differ (every object an edit left is shared), noting each old
 * collection's counterpart and the keys whose value changed (`*` when its keys changed). False when an object that
 * differs was not watched (who read it is not known), or is written otherwise (see `layoutOf`). In a list whose
 * length the edit (`region`) changed, the items after the edit are paired with the items they were, not by place.
 */
function changedKeys(before: ParsedFile, after: ParsedFile, region: ChangedRegion, counterparts: Map<object, object>, changed: ReadLog): boolean {
  const stack: [object, object][] = [];
  if (!pair(before.parsed.value, after.parsed.value, stack, counterparts)) return false;
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (!isWatched(a)) return false;
    const target = targetOf(a);
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    const sameKeys = aKeys.length === bKeys.length && aKeys.every((k, i) => k === bKeys[i]);
    if (!sameKeys) {
      changed.add(target, '*');
      if (Array.isArray(a)) changed.add(target, 'length');
    }
    // mappings paired by place whose keys differ may be different parts of the text (an item put before them): only
    // the columns their keys start at must be the same
    if (!sameLayout(layoutOf(before, a), layoutOf(after, b), !sameKeys && !Array.isArray(a))) return false;
    const moved = Array.isArray(a) && !sameKeys ? movedItems(before, a, after, b as unknown[], region) : undefined;
    for (const key of new Set([...aKeys, ...bKeys])) {
      const x = (a as Record<string, unknown>)[key];
      const y = (b as Record<string, unknown>)[key];
      if (moved && Number(key) >= Math.min(moved.from, moved.to)) {
        // every place from the edit on holds another item now: those the edit moved are compared where they went
        changed.add(target, key);
        if (Number(key) >= moved.from && Number(key) < (a as unknown[]).length) pair(x, (b as unknown[])[Number(key) + moved.by], stack, counterparts);
        continue;
      }
      if (x === y) continue;
      if (!pair(x, y, stack, counterparts)) changed.add(target, key);
    }
  }
  return true;
}

/**
 * Where the items of a list that an edit made longer or shorter went: the old items from `from` on, those the edit
 * moved (each written as it was, where the text moved it, and not wholly before the edit), are the new items `by`
 * places on (at `to` and after); undefined when the edit moved none.
 */
function movedItems(before: ParsedFile, a: unknown[], after: ParsedFile, b: unknown[], region: ChangedRegion): { from: number; by: number; to: number } | undefined {
  const oldItems = before.parsed.locations.get(a)?.items;
  const newItems = after.parsed.locations.get(b)?.items;
  if (!oldItems || !newItems) return undefined;
  const delta = region.newEnd - region.oldEnd;
  const by = newItems.length - oldItems.length;
  let from = oldItems.length;
  while (from > 0 && from - 1 + by >= 0) {
    const old = oldItems[from - 1];
    const now = newItems[from - 1 + by];
    if (old.end <= region.start || now.start !== old.start + delta || now.end !== old.end + delta) break;
    if (before.text.slice(old.start, old.end) !== after.text.slice(now.start, now.end)) break;
    from--;
  }
  return from === oldItems.length ? undefined : { from, by, to: from + by };
}

/**
 * How a collection is written around its parts: the text before each part (indentation, line breaks, commas,
 * comments; the first from the start of its line), the text after the last one to the end of its line, and whether
 * it is a flow collection on one line. Fixes write into a collection as it is written (`edit/edits.ts`), and no
 * check records reading that: a kept fix is right only where it is unchanged.
 */
function layoutOf({ parsed, text }: ParsedFile, collection: object): Layout | undefined {
  const loc = parsed.locations.get(collection);
  if (!loc) return undefined;
  const parts: [string, Span, Span][] = loc.items
    ? loc.items.map((span, i) => [String(i), span, span])
    : [...(loc.entries ?? [])].map(([key, entry]) => [key, entry.key, entry.value]);
  const before = new Map<string, string>();
  // from the start of its first line: a block collection's indentation stands before its span
  let end = text.lastIndexOf('\n', loc.span.start - 1) + 1;
  for (const [key, start, value] of parts) {
    before.set(key, text.slice(end, start.start));
    end = value.end;
  }
  const lineEnd = text.indexOf('\n', end);
  // a flow collection on one line is written into on that line (a block one always takes lines)
  const flow = text[loc.span.start] === '{' || text[loc.span.start] === '[';
  return { before, tail: text.slice(end, lineEnd < 0 ? text.length : lineEnd), oneLine: flow && !text.slice(loc.span.start, loc.span.end).includes('\n') };
}

interface Layout { before: Map<string, string>; tail: string; oneLine: boolean }

/** Whether two collections are written alike around the parts both hold (`columns`: at the same columns). */
function sameLayout(a: Layout | undefined, b: Layout | undefined, columns: boolean): boolean {
  if (!a || !b) return false;
  const column = (gap: string) => gap.length - gap.lastIndexOf('\n') - 1;
  // fixes write new entries at the column of the first (`edit/edits.ts`)
  const first = (layout: Layout) => column(layout.before.values().next().value ?? '');
  if (columns) return first(a) === first(b) && [...a.before].every(([part, gap]) => !b.before.has(part) || column(b.before.get(part)!) === column(gap));
  if (a.tail !== b.tail || a.oneLine !== b.oneLine) return false;
  for (const [part, gap] of a.before) if (b.before.has(part) && b.before.get(part) !== gap) return false;
  return true;
}

/** Pairs two values that differ: collections of one kind are compared further; false for other values that differ. */
function pair(x: unknown, y: unknown, stack: [object, object][], counterparts: Map<object, object>): boolean {
  if (Object.is(x, y)) return true;
  if (!isCollection(x) || !isCollection(y) || Array.isArray(x) !== Array.isArray(y) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
  counterparts.set(targetOf(x), y);
  stack.push([x, y]);
  return true;
}

/**
 * Compares the last model with the new one, operation by operation: a field of a watched operation that differs is a
 * changed key of it; false when anything else differs. An operation built from what the edit left as it was (and in
 * a document whose list of operations was built so) is built alike, and not compared.
 */
function changedModel(before: ApiDocument[], after: ApiDocument[], counterparts: Map<object, object>, changed: ReadLog): boolean {
  if (before.length !== after.length) return false;
  const same = new SameModel(counterparts);
  for (let d = 0; d < before.length; d++) {
    const [a, b] = [before[d], after[d]];
    counterparts.set(a, b);
    if (a.operations.length !== b.operations.length) return false;
    a.operations.forEach((op, i) => counterparts.set(targetOf(op), b.operations[i]));
    for (const key of Object.keys(a) as (keyof ApiDocument)[]) if (key !== 'operations' && !same.equal(a[key], b[key])) return false;
    const sameList = unchangedBuild(a, changed);
    for (let i = 0; i < a.operations.length; i++) {
      const [x, y] = [a.operations[i], b.operations[i]];
      // an operation watched only now was read unrecorded before
      if (isWatched(x) !== isWatched(y)) return false;
      if (sameList && unchangedBuild(x, changed)) continue;
      for (const key of new Set([...Object.keys(targetOf(x)), ...Object.keys(y)]) as Set<keyof typeof x>) {
        if (same.equal(x[key], y[key])) continue;
        if (!isWatched(x)) return false;
        changed.add(targetOf(x), key);
      }
    }
  }
  return true;
}

/** Whether building a model object read nothing an edit changed (false when what it read was not recorded). */
function unchangedBuild(made: object, changed: ReadLog): boolean {
  const read = buildReads(made);
  return read !== undefined && !read.meets(changed);
}

/**
 * Equality of what the model holds in two analyses: document values are equal when they are the same object or
 * counterparts; files by path; nodes by their file, value, place and path; other model objects field by field.
 */
class SameModel {
  private readonly known = new Map<object, object>();
  constructor(private readonly counterparts: Map<object, object>) {}

  equal(a: unknown, b: unknown): boolean {
    if (Object.is(a, b)) return true;
    if (!isCollection(a) || !isCollection(b)) return false;
    if (this.counterparts.get(targetOf(a)) === b || this.known.get(a) === b) return true;
    // a document value with no counterpart: the edit made it anew
    if (isWatched(a) || isWatched(b)) return false;
    if (a instanceof SourceFile || b instanceof SourceFile) return a instanceof SourceFile && b instanceof SourceFile && a.path === b.path;
    let equal: boolean;
    if (a instanceof Map || b instanceof Map) {
      equal = a instanceof Map && b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && this.equal(v, b.get(k)));
    } else if (Array.isArray(a) || Array.isArray(b)) {
      equal = Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => this.equal(v, b[i]));
    } else if ('file' in a && 'value' in a) {
      // a node: the value it stands for and where (its path is built on demand, a new array no other node shares: it
      // is compared here rather than remembered among the objects known equal)
      const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
      equal = ['file', 'value', 'parent', 'key'].every((k) => this.equal(x[k], y[k])) && sameItems((a as SpecNode).path, (b as SpecNode).path);
    } else if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) {
      equal = false;
    } else {
      const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
      const keys = Object.keys(x);
      equal = keys.length === Object.keys(y).length && keys.every((k) => k in y && this.equal(x[k], y[k]));
    }
    if (equal) this.known.set(a, b);
    return equal;
  }
}

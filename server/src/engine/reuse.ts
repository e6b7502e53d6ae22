/**
 * Reasoning about edits for reuse: where a documentation string stands in a text, whether an edit changed it in place,
 * whether two parses are equal but for documentation nothing read, and moving a result's ranges to a new text.
 * What counts as "read" is not modelled here: checks and fixes read documentation through `FileSet.readProse`, which
 * records it (`ProseReads`); an edit of anything they read is never reused.
 */
import type { ChangedRegion, TextShift } from './text-shift';
import { SourceFile, type ParsedText, type Span } from './spec/source';
import { PROSE_KEYS } from './spec/load';
import { isLiteralKey } from './spec/literal';
import { STYLE_SAMPLE, styleOf } from './edit/edits';
import type { AnalysisResult, Finding, Fix, Problem, Range } from './types';

/** Documentation read by an analysis: object -> keys (`FileSet.proseReads`). */
export type ProseReads = ReadonlyMap<object, ReadonlySet<string>>;

/** A documentation string: where its value stands in a text, and how it is written (which says what may be typed into it). */
export interface ProseScalar { start: number; end: number; style: 'plain' | 'double' | 'single' | 'block' }

const PROSE = new Set<string>(PROSE_KEYS);

/** A documentation key of `container` that no check or fix of the analysis read. */
function isUnreadProse(container: object, key: string, reads: ProseReads): boolean {
  return PROSE.has(key) && !reads.get(container)?.has(key);
}

/** A YAML anchor (`&name`) may stand in the text; a .json file is strict JSON, which has none. */
export const mayHoldAnchors = (path: string, text: string) => !/\.json$/i.test(path) && /(?:^|[\s,[{])&[^\s,[\]{}]/.test(text);

/** The documentation string that nothing read (outside literal data) holding a changed region. */
export function proseScalarAt(parsed: ParsedText, text: string, region: ChangedRegion, reads: ProseReads): ProseScalar | undefined {
  const within = (span: Span) => span.start <= region.start && region.oldEnd <= span.end;
  let value = parsed.value;
  let literal = false;
  for (;;) {
    if (value === null || typeof value !== 'object') return undefined;
    const loc = parsed.locations.get(value);
    if (!loc) return undefined;
    if (loc.items) {
      const index = loc.items.findIndex(within);
      if (index < 0) return undefined;
      value = (value as unknown[])[index];
      continue;
    }
    const found = [...(loc.entries ?? [])].find(([, entry]) => within(entry.value));
    if (!found) return undefined;
    const [key, entry] = found;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'string') {
      literal ||= isLiteralKey(key);
      value = child;
      continue;
    }
    // only `key: value`: no anchor, tag or comment between them
    if (literal || !isUnreadProse(value, key, reads) || !/^\s*:\s*$/.test(text.slice(entry.key.end, entry.value.start))) return undefined;
    const first = text[entry.value.start];
    const style = first === '"' ? 'double' : first === "'" ? 'single' : first === '|' || first === '>' ? 'block' : /[A-Za-z0-9]/.test(first) ? 'plain' : undefined;
    return style && { start: entry.value.start, end: entry.value.end, style };
  }
}

/**
 * Whether an edit that changed tokens (quotes, line breaks) changed the text of one documentation string only: the
 * changed region lies in an unread documentation string before (`scalar`) and after the edit. Fixes are written
 * where the layout around them says (line breaks of a flow collection, indentation, comments), so nothing else may
 * move; line breaks may come and go only in block scalars, which sit in block collections alone.
 */
export function rewroteProse(oldText: string, newText: string, region: ChangedRegion, scalar: ProseScalar, parsed: ParsedText, reads: ProseReads): boolean {
  const after = proseScalarAt(parsed, newText, { start: region.start, oldEnd: region.newEnd, newEnd: region.newEnd }, reads);
  if (!after) return false;
  const breaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;
  const sameLines = breaks(oldText.slice(region.start, region.oldEnd)) === breaks(newText.slice(region.start, region.newEnd));
  return sameLines || (scalar.style === 'block' && after.style === 'block');
}

/**
 * Whether replacing the changed region leaves every token of the text as it was, the string edited in place: the
 * region lies strictly inside the string, on one line, after the line's indentation, and the characters added or
 * removed cannot end the string, escape, fold or comment it.
 */
export function editedInPlace(oldText: string, newText: string, region: ChangedRegion, scalar: ProseScalar): boolean {
  const { start, oldEnd, newEnd } = region;
  if (start <= scalar.start || oldEnd >= scalar.end) return false;
  const removed = oldText.slice(start, oldEnd);
  const added = newText.slice(start, newEnd);
  if (/[\r\n]/.test(removed) || /[\r\n]/.test(added)) return false;
  const lineStart = Math.max(oldText.lastIndexOf('\n', start - 1), oldText.lastIndexOf('\r', start - 1)) + 1;
  if (!/\S/.test(oldText.slice(lineStart, start))) return false;
  switch (scalar.style) {
    // nor inside an escape sequence (`\u00e9` is the longest in JSON, `\U0001F600` in YAML)
    case 'double': return !/["\\\x00-\x1f]/.test(removed + added) && !oldText.slice(Math.max(0, start - 9), start).includes('\\');
    case 'single': return !/['\x00-\x1f]/.test(removed + added) && oldText[start - 1] !== "'" && oldText[oldEnd] !== "'";
    // not on the header line (`|-`, `>2`): content only
    case 'block': return !/[\x00-\x08\x0b-\x1f]/.test(added) && lineStart > scalar.start;
    // letters, digits, spaces: no `: ` or ` #` can appear around them
    case 'plain': return /^[A-Za-z0-9 ._-]*$/.test(added) && !/[:#]/.test(newText.slice(start - 1, newEnd + 1));
  }
}

export function styleIn(path: string, text: string, parsed: ParsedText): string {
  return JSON.stringify(styleOf(new SourceFile(path, path, text, parsed.value, parsed.locations)));
}

/**
 * Whether an edit (`region` of `oldText`, `changedRegion`) surely leaves the style `styleIn` finds as it was, without
 * reading the texts again: it lies past the part of the text habits are read from, and it makes or breaks no CRLF line
 * break (the one habit read from the whole text): it neither removes nor writes a `\r`, nor follows one.
 */
export function keepsStyle(oldText: string, newText: string, region: ChangedRegion): boolean {
  const { start, oldEnd, newEnd } = region;
  return start >= STYLE_SAMPLE && oldText.charCodeAt(start - 1) !== 0x0d
    && !oldText.slice(start, oldEnd).includes('\r') && !newText.slice(start, newEnd).includes('\r');
}

/**
 * The documentation read of `a` carried over to `b`, when the two parsed files are equal but for documentation
 * strings nothing read: same keys in the same order, same values, same sharing of objects (YAML aliases); otherwise
 * undefined. Literal data (examples, defaults, extensions) must be equal whole.
 */
export function sameButUnreadProse(a: unknown, b: unknown, reads: ProseReads): ProseReads | undefined {
  /** old object -> its counterpart, and whether it was compared as literal data (the stricter) */
  const pairs = new Map<object, { other: object; literal: boolean }>();
  const stack: { a: unknown; b: unknown; literal: boolean }[] = [{ a, b, literal: false }];
  while (stack.length > 0) {
    const { a: x, b: y, literal } = stack.pop()!;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (!Object.is(x, y)) return undefined;
      continue;
    }
    const pair = pairs.get(x);
    if (pair && pair.other !== y) return undefined;
    if (pair && (pair.literal || !literal)) continue;
    pairs.set(x, { other: y, literal });
    if (Array.isArray(x) !== Array.isArray(y)) return undefined;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return undefined;
      for (let i = 0; i < x.length; i++) stack.push({ a: x[i], b: ys[i], literal });
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const xKeys = Object.keys(xo);
    const yKeys = Object.keys(yo);
    if (xKeys.length !== yKeys.length) return undefined;
    for (let i = 0; i < xKeys.length; i++) {
      const k = xKeys[i];
      if (k !== yKeys[i]) return undefined;
      const xv = xo[k];
      const yv = yo[k];
      if (xv === yv || (!literal && typeof xv === 'string' && typeof yv === 'string' && isUnreadProse(xo, k, reads))) continue;
      stack.push({ a: xv, b: yv, literal: literal || isLiteralKey(k) });
    }
  }
  const carried = new Map<object, ReadonlySet<string>>();
  for (const [object, keys] of reads) {
    const pair = pairs.get(object);
    carried.set(pair ? pair.other : object, keys);
  }
  return carried;
}

type MoveRange = (file: string, r: Range) => Range;

/** Moves ranges in the shifted files; `failed()` says whether one could not be moved. */
function mover(shifts: Map<string, TextShift>): { range: MoveRange; failed(): boolean } {
  let failed = false;
  const range = (file: string, r: Range): Range => {
    const shift = shifts.get(file);
    const to = shift ? shift.range(r) : r;
    if (!to) failed = true;
    return to ?? r;
  };
  return { range, failed: () => failed };
}

/** The result with every range in a shifted file moved; undefined when one cannot be. */
export function moved(result: AnalysisResult, shifts: Map<string, TextShift>): AnalysisResult | undefined {
  const { range, failed } = mover(shifts);
  const findings = result.findings.map((f) => movedFinding(f, range));
  const problems = result.problems.map((p): Problem => {
    const to = p.range && range(p.file, p.range);
    return to === p.range ? p : { ...p, range: to };
  });
  return failed() ? undefined : { ...result, findings, problems };
}

/** Fixes with every edit in a shifted file moved; undefined when one cannot be. */
export function movedFixes(fixes: Fix[], shifts: Map<string, TextShift>): Fix[] | undefined {
  const { range, failed } = mover(shifts);
  const out = movedFixList(fixes, range);
  return failed() ? undefined : out;
}

function movedFixList(fixes: Fix[], range: MoveRange): Fix[] {
  return mapSame(fixes, (fix) => {
    const edits = mapSame(fix.edits, (e) => { const to = range(e.file, e.range); return to === e.range ? e : { ...e, range: to }; });
    return edits === fix.edits ? fix : { ...fix, edits };
  });
}

/** A finding with its range, related locations, fix edits and suppression moved (the same object when none moved). */
function movedFinding(f: Finding, range: MoveRange): Finding {
  const at = range(f.file, f.range);
  const related = mapSame(f.related, (r) => { const to = range(r.file, r.range); return to === r.range ? r : { ...r, range: to }; });
  const fixes = movedFixList(f.fixes, range);
  let suppressed = f.suppressed;
  const location = suppressed?.location;
  if (suppressed && location) {
    const to = range(location.file, location.range);
    if (to !== location.range) suppressed = { ...suppressed, location: { ...location, range: to } };
  }
  if (at === f.range && related === f.related && fixes === f.fixes && suppressed === f.suppressed) return f;
  return { ...f, range: at, related, fixes, ...(suppressed ? { suppressed } : {}) };
}

/** `items` mapped, or `items` itself when every item maps to itself. */
export function mapSame<T>(items: T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const to = map(items[i]);
    if (to !== items[i]) (out ??= items.slice(0, i)).push(to);
    else if (out) out.push(to);
  }
  return out ?? items;
}

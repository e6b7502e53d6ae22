/**
 * The analyses of the language server's documents, each as cheap as its edit allows. Every review remembers what it
 * read: when a document's inputs are all unchanged, its result is reused; when they changed only in documentation
 * text (PROSE_KEYS), no finding can change but in position, so the previous result is reused with every range (of
 * findings, related locations, fix edits, suppressions, problems) moved to its new place, and no check runs. Tests
 * hold such quick results equal to full analyses; they are still marked inexact, and the server confirms them with a
 * full review when the editing pauses, so that a check reading documentation one day cannot leave a wrong result.
 */
import { analyze, looksLikeOpenApi } from '../engine/analyze';
import { FileSet, ParseCache } from '../engine/spec/load';
import { LineIndex, SourceFile, type ParsedText, type Span } from '../engine/spec/source';
import { styleOf } from '../engine/edit/edits';
import { resolveConfig, type Config } from '../engine/config';
import type { AnalysisResult, CancellationSignal, FileReader, Finding, Problem, Range, ReadResult } from '../engine/types';
import { isLiteralKey } from '../engine';
import { TextShift, changedRegion, type ChangedRegion } from './text-shift';

export interface AnalysisRequest {
  /** Identifies the answer: a later request may say it still holds it. */
  id: number;
  root: string;
  files: string[];
  config: Config;
  cancel: CancellationSignal;
  /** The id of the answer the caller holds for these files. */
  holding?: number;
}

export interface Analysis {
  result: AnalysisResult;
  /** False for a quick result: positions moved, nothing re-checked. */
  exact: boolean;
  /** The result equals the one the caller holds (`holding`). */
  same: boolean;
  /** The result this one follows (the last for these files), and the request it answered: the caller may hold it. */
  previous?: { id: number; result: AnalysisResult };
}

/**
 * Keys whose string values are documentation: no check reads them (tested), except in security schemes (RFC 8725
 * cited there, for auth-jwt-practices), and in parameters and their schemas (a stated maximum, for the page-size fix).
 */
const PROSE_KEYS = new Set(['description', 'summary', 'title']);

/** `type` values of security schemes. */
const SCHEME_TYPES = new Set(['apiKey', 'http', 'oauth2', 'openIdConnect', 'basic', 'mutualTLS']);

/** A documentation string: where its value stands in a text, and how it is written (which says what may be typed into it). */
interface ProseScalar { start: number; end: number; style: 'plain' | 'double' | 'single' | 'block' }

/** One file a review read. */
interface InputFile {
  /** Its text; undefined when it could not be read. */
  text: string | undefined;
  /** Why it could not be read (missing, refused...), as `code: reason`. */
  failure?: string;
  /** The parse of `text`, or, when `edited` is set, of an earlier text that differs from it only inside `edited`. */
  parsed?: ParsedText;
  edited?: ProseScalar;
  /** Whether the text may hold YAML anchors: a string edited in place might then show elsewhere through an alias. */
  anchors: boolean;
  /** The line table of `text`, made when a quick review needs it. */
  lines?: LineIndex;
  /** The writing style fixes follow (quotes, indentation, line breaks), as JSON, made when a quick review needs it. */
  style?: string;
}

/** What the last review of a list of files read and found. */
interface Previous {
  /** The id of the request answered with `result`. */
  id: number;
  /** The configuration it ran with, as JSON. */
  config: string;
  /** Every file read, by absolute path. */
  files: Map<string, InputFile>;
  result: AnalysisResult;
  exact: boolean;
}

/** Why a file was not read, as `code: reason`; undefined when it was. */
function failureOf(read: ReadResult): string | undefined {
  return read === undefined ? 'file-missing' : typeof read === 'string' ? undefined : `${read.code}: ${read.reason}`;
}

/** Whether a file reads now as it did for a review: the same text, or not read for the same reason. */
function sameRead(input: InputFile, read: ReadResult): boolean {
  return typeof read === 'string' ? input.text === read : input.text === undefined && input.failure === failureOf(read);
}

/** A YAML anchor (`&name`) may stand in the text; a .json file is strict JSON, which has none. */
const mayHoldAnchors = (path: string, text: string) => !/\.json$/i.test(path) && /(?:^|[\s,[{])&[^\s,[\]{}]/.test(text);

export class DocumentAnalyses {
  private readonly previous = new Map<string, Previous>();

  /** `readerFor(root)` reads the files of the project at `root` (buffers first, then the disk inside the root). */
  constructor(private readonly readerFor: (root: string) => FileReader, private readonly cache = new ParseCache()) {}

  /** Reviews `files` (the full analysis, a quick one or none, as the inputs allow); undefined when cancelled. */
  async analyze(request: AnalysisRequest): Promise<Analysis | undefined> {
    const key = JSON.stringify([request.root, request.files]);
    const config = JSON.stringify(request.config);
    const stored = this.previous.get(key);
    const last = stored?.config === config ? stored : undefined;
    const texts = last && await this.readAll(request.root, config, last.files.keys());
    const holds = last !== undefined && request.holding === last.id;
    if (last && texts && [...texts].every(([file, read]) => sameRead(last.files.get(file)!, read))) {
      if (last.exact) {
        last.id = request.id;
        return { result: last.result, exact: true, same: holds };
      }
      const full = await this.full(request, key, config);
      return full && { result: full.result, exact: true, same: holds && sameData(full.result, last.result), previous: last };
    }
    const quick = last && texts && await this.quick(request, key, last, texts);
    if (quick) return { result: quick.result, exact: false, same: false, previous: last };
    const full = await this.full(request, key, config);
    return full && { result: full.result, exact: true, same: false, previous: last };
  }

  private async readAll(root: string, config: string, files: Iterable<string>): Promise<Map<string, ReadResult>> {
    const reader = this.readerFor(root);
    const limits = { maxBytes: resolveConfig(JSON.parse(config) as Config).maxFileSize };
    const texts = new Map<string, ReadResult>();
    for (const file of files) {
      try { texts.set(file, await reader.read(file, limits)); } catch { texts.set(file, undefined); }
    }
    return texts;
  }

  private async full(request: AnalysisRequest, key: string, config: string): Promise<Previous | undefined> {
    const reads = new Map<string, ReadResult>();
    const disk = this.readerFor(request.root);
    const reader: FileReader = {
      read: async (file, limits) => {
        let read: ReadResult;
        try { read = await disk.read(file, limits); } finally { reads.set(file, read); }
        return read;
      },
    };
    const result = await analyze({ root: request.root, files: request.files, reader, config: request.config, cancel: request.cancel, cache: this.cache });
    if (request.cancel.cancelled) return undefined;
    const files = new Map<string, InputFile>();
    for (const [file, read] of reads) {
      const text = typeof read === 'string' ? read : undefined;
      const parsed = text === undefined ? undefined : this.cache.get(file, text);
      files.set(file, { text, failure: failureOf(read), parsed, anchors: text !== undefined && mayHoldAnchors(file, text) });
    }
    const previous: Previous = { id: request.id, config, files, result, exact: true };
    this.previous.set(key, previous);
    return previous;
  }

  /**
   * The previous result moved to the new texts, when they differ from the ones it was computed from only in
   * documentation and every range moves safely; undefined otherwise. An edit inside one documentation string that
   * leaves every token as it was needs no parse; others are parsed and compared.
   */
  private async quick(request: AnalysisRequest, key: string, last: Previous, texts: Map<string, ReadResult>): Promise<Previous | undefined> {
    const config = resolveConfig(request.config);
    const loader = new FileSet({ root: request.root, allowRemoteRefs: config.allowRemoteRefs, maxFileSize: config.maxFileSize, cache: this.cache }, this.readerFor(request.root));
    const files = new Map<string, InputFile>();
    const shifts = new Map<string, TextShift>();
    for (const [path, text] of texts) {
      const before = last.files.get(path)!;
      if (sameRead(before, text)) { files.set(path, before); continue; }
      if (typeof text !== 'string' || before.text === undefined || !before.parsed || text.length > config.maxFileSize) return undefined;
      const region = changedRegion(before.text, text);
      const oldLines = before.lines ?? new LineIndex(before.text);
      const scalar = !before.anchors && (before.edited ?? proseScalarAt(before.parsed, before.text, region));
      let now: InputFile;
      if (scalar && editedInPlace(before.text, text, region, scalar)) {
        const edited = { ...scalar, end: scalar.end + region.newEnd - region.oldEnd };
        now = { text, parsed: before.parsed, edited, anchors: false, lines: new LineIndex(text) };
      } else {
        const file = await loader.load(path, undefined, text);
        if (!file || loader.problems.length > 0 || !sameButProse(before.parsed.value, file.value)) return undefined;
        // the same value written another way might no longer be recognised as an OpenAPI document
        if (looksLikeOpenApi(text) !== looksLikeOpenApi(before.text)) return undefined;
        now = { text, parsed: { value: file.value, locations: file.locations }, anchors: mayHoldAnchors(path, text), lines: file.lines };
      }
      // fixes are written in the file's style: quotes added to documentation may change it
      now.style = styleIn(path, text, now.parsed!);
      if (now.style !== (before.style ?? styleIn(path, before.text, before.parsed))) return undefined;
      files.set(path, now);
      shifts.set(loader.relative(path), new TextShift(before.text, text, oldLines, now.lines!, region));
    }
    const result = moved(last.result, shifts);
    if (!result) return undefined;
    const previous: Previous = { id: request.id, config: last.config, files, result, exact: false };
    this.previous.set(key, previous);
    return previous;
  }
}

/** The documentation string (a value of PROSE_KEYS where `proseOf` allows) holding a changed region. */
function proseScalarAt(parsed: ParsedText, text: string, region: ChangedRegion): ProseScalar | undefined {
  const within = (span: Span) => span.start <= region.start && region.oldEnd <= span.end;
  let value = parsed.value;
  let reading: Reading = 0;
  for (;;) {
    if (value === null || typeof value !== 'object') return undefined;
    const loc = parsed.locations.get(value);
    if (!loc) return undefined;
    if (loc.items) {
      const index = loc.items.findIndex(within);
      if (index < 0) return undefined;
      reading = childReading(value, reading, index);
      value = (value as unknown[])[index];
      continue;
    }
    const found = [...(loc.entries ?? [])].find(([, entry]) => within(entry.value));
    if (!found) return undefined;
    const [key, entry] = found;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'string') {
      reading = childReading(value, reading, key);
      value = child;
      continue;
    }
    // only `key: value`: no anchor, tag or comment between them
    if (!PROSE_KEYS.has(key) || !proseOf(value, reading) || !/^\s*:\s*$/.test(text.slice(entry.key.end, entry.value.start))) return undefined;
    const first = text[entry.value.start];
    const style = first === '"' ? 'double' : first === "'" ? 'single' : first === '|' || first === '>' ? 'block' : /[A-Za-z0-9]/.test(first) ? 'plain' : undefined;
    return style && { start: entry.value.start, end: entry.value.end, style };
  }
}

/**
 * Whether replacing the changed region leaves every token of the text as it was, the string edited in place: the
 * region lies strictly inside the string, on one line, after the line's indentation, and the characters added or
 * removed cannot end the string, escape, fold or comment it.
 */
function editedInPlace(oldText: string, newText: string, region: ChangedRegion, scalar: ProseScalar): boolean {
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

function styleIn(path: string, text: string, parsed: ParsedText): string {
  return JSON.stringify(styleOf(new SourceFile(path, path, text, parsed.value, parsed.locations)));
}

const isSecurityScheme = (value: object) => {
  const type = (value as Record<string, unknown>).type;
  return typeof type === 'string' && SCHEME_TYPES.has(type);
};

const isParameter = (value: object) => {
  const { in: location, name } = value as Record<string, unknown>;
  return typeof location === 'string' && typeof name === 'string';
};

/** The result with every range in a shifted file moved; undefined when one cannot be. */
function moved(result: AnalysisResult, shifts: Map<string, TextShift>): AnalysisResult | undefined {
  let failed = false;
  const range = (file: string, r: Range): Range => {
    const shift = shifts.get(file);
    const to = shift ? shift.range(r) : r;
    if (!to) failed = true;
    return to ?? r;
  };
  const findings = result.findings.map((f) => movedFinding(f, range));
  const problems = result.problems.map((p): Problem => {
    const to = p.range && range(p.file, p.range);
    return to === p.range ? p : { ...p, range: to };
  });
  return failed ? undefined : { ...result, findings, problems };
}

/** A finding with its range, related locations, fix edits and suppression moved (the same object when none moved). */
function movedFinding(f: Finding, range: (file: string, r: Range) => Range): Finding {
  const at = range(f.file, f.range);
  const related = mapSame(f.related, (r) => { const to = range(r.file, r.range); return to === r.range ? r : { ...r, range: to }; });
  const fixes = mapSame(f.fixes, (fix) => {
    const edits = mapSame(fix.edits, (e) => { const to = range(e.file, e.range); return to === e.range ? e : { ...e, range: to }; });
    return edits === fix.edits ? fix : { ...fix, edits };
  });
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
function mapSame<T>(items: T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const to = map(items[i]);
    if (to !== items[i]) (out ??= items.slice(0, i)).push(to);
    else if (out) out.push(to);
  }
  return out ?? items;
}

/**
 * How freely documentation strings of an object may differ: 0 prose (they may), 1 read (not this object's own: a
 * parameter's schema), 2 literal (nothing below: examples, defaults, extensions).
 */
type Reading = 0 | 1 | 2;

/** The reading of a child of `parent` (whose reading is `reading`) under `key`. */
function childReading(parent: object, reading: Reading, key: string | number): Reading {
  if (reading === 2 || (typeof key === 'string' && isLiteralKey(key))) return 2;
  return key === 'schema' && isParameter(parent) ? 1 : 0;
}

/** Whether an object's own documentation strings are read by no check nor fix. */
const proseOf = (value: object, reading: Reading) => reading === 0 && !isSecurityScheme(value) && !isParameter(value);

/**
 * Whether two parsed files are equal but for documentation strings: same keys in the same order, same values, same
 * sharing of objects (YAML aliases), except string values of PROSE_KEYS where `proseOf` allows.
 */
export function sameButProse(a: unknown, b: unknown): boolean {
  /** old object -> its counterpart, and the strictest reading it was compared with */
  const pairs = new Map<object, { other: object; reading: Reading }>();
  const stack: { a: unknown; b: unknown; reading: Reading }[] = [{ a, b, reading: 0 }];
  while (stack.length > 0) {
    const { a: x, b: y, reading } = stack.pop()!;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (!Object.is(x, y)) return false;
      continue;
    }
    const pair = pairs.get(x);
    if (pair && pair.other !== y) return false;
    if (pair && pair.reading >= reading) continue;
    pairs.set(x, { other: y, reading });
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return false;
      for (let i = 0; i < x.length; i++) stack.push({ a: x[i], b: ys[i], reading: childReading(x, reading, i) });
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const xKeys = Object.keys(xo);
    const yKeys = Object.keys(yo);
    if (xKeys.length !== yKeys.length) return false;
    const prose = proseOf(xo, reading);
    for (let i = 0; i < xKeys.length; i++) {
      const k = xKeys[i];
      if (k !== yKeys[i]) return false;
      const xv = xo[k];
      const yv = yo[k];
      if (xv === yv || (prose && PROSE_KEYS.has(k) && typeof xv === 'string' && typeof yv === 'string')) continue;
      stack.push({ a: xv, b: yv, reading: childReading(xo, reading, k) });
    }
  }
  return true;
}

/** Deep equality of plain data (analysis results). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => sameData(item, b[i]));
  const aKeys = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return aKeys.length === Object.keys(b).length && aKeys.every((k) => k in bo && sameData((a as Record<string, unknown>)[k], bo[k]));
}

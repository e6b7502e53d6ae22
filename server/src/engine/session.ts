/**
 * A session keeps what its analyses read, so that an analysis after an edit costs what the edit allows:
 * - every input reads as it did: the previous analysis is the answer (nothing runs);
 * - the inputs differ only in documentation strings that no check or fix read (the engine records every such read,
 *   `FileSet.readProse`): no finding can change but in position, so the previous result is reused with every range
 *   (of findings, related locations, fix edits, suppressions, problems) moved to its new place. Such a result is
 *   marked inexact: a caller confirms it with a full analysis when editing pauses;
 * - anything else: a full analysis, which keeps the findings of every check that read nothing the edit changed when the
 *   edit changed only what the last edit changed, such as one operation (`check-reuse.ts`).
 * Parses are kept between analyses, so a full analysis re-parses only the files that changed, and of an edited file
 * only the smallest collection holding the edit when that gives what a whole parse gives (`reparse.ts`).
 * An editor's session builds fixes on request (`fixes: 'on-request'`): its findings carry none, and `fixes()` builds
 * those of the findings a code action names.
 */
import { analyzeFiles, looksLikeOpenApi, resolved, type AnalyzeRequest, type FixBuilders } from './analyze';
import { CHECKS } from './checks';
import { findingKey } from './identity';
import { FileSet, ParseCache } from './spec/load';
import { LineIndex, type ParsedText } from './spec/source';
import { TextShift, changedRegion, type ChangedRegion } from './text-shift';
import { compactParse, isSplicedFrom, reparse } from './reparse';
import { ChecksReuse, type CheckReads, type EditedInputs } from './check-reuse';
import { buildKeptFixes, type RouteFindings } from './route-findings';
import {
  editedInPlace, keepsStyle, mayHoldAnchors, moved, movedFixes, proseScalarAt, rewroteProse, sameButUnreadProse, styleIn, type ProseReads, type ProseScalar,
} from './reuse';
import type { AnalysisResult, FileReader, Finding, Fix, ReadResult } from './types';

export type SessionRequest = Omit<AnalyzeRequest, 'cache' | 'fixes' | 'reuse'>;

/** Edits parsed in part that a parse holds before `Session.compactParses` makes it one table again: each costs a whole parse. */
const COMPACT_LAYERS = 4;

export interface SessionOptions {
  /** `built` (the default): every finding carries its fixes; `on-request`: none does, `Session.fixes` builds them. */
  fixes?: 'built' | 'on-request';
}

/** One analysis of a session: its result, and what it read (kept for the next analysis of the same files). */
export interface Analysis {
  readonly result: AnalysisResult;
  /** False when moved from an earlier result after documentation edits nothing read: a full analysis should confirm it. */
  readonly exact: boolean;
  /** The checks whose findings were kept from the last analysis (their ranges moved) instead of running again. */
  readonly keptChecks: ReadonlySet<string>;
}

/** One file an analysis read. */
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
  /** The line table of `text`, made when a quick analysis needs it. */
  lines?: LineIndex;
  /** The writing style fixes follow (quotes, indentation, line breaks), as JSON, made when a quick analysis needs it. */
  style?: string;
}

/** Where the fixes of an analysis's findings come from, when they are built on request. */
interface FixSource {
  /** The request it answered, and what each file read as then: a check is run again on those very texts. */
  request: Omit<SessionRequest, 'reader' | 'cancel'>;
  reads: ReadonlyMap<string, ReadResult>;
  /** How to build the fixes of the findings of the checks it ran (not of the findings it kept or moved). */
  builders?: FixBuilders;
  /** The documentation its checks read, and its builders then read (the record of its `FileSet`). */
  prose?: ProseReads;
  /**
   * For a result moved after documentation edits in place: the analysis it was moved from, whose fixes are built and
   * moved here unless building them read a documentation string edited since.
   */
  movedFrom?: SessionAnalysis;
  /** The fixes built so far, by finding key. */
  built: Map<string, Fix[]>;
}

/** What an analysis read, found and recorded. */
class SessionAnalysis implements Analysis {
  constructor(
    readonly result: AnalysisResult,
    readonly exact: boolean,
    /** The request it answered (root, files, configuration) as JSON: only an analysis of the same request is reused. */
    readonly request: string,
    /** Every file read, by absolute path. */
    readonly files: Map<string, InputFile>,
    /** The documentation its checks and fixes read. */
    readonly proseReads: ProseReads,
    /** Where its findings' fixes come from; undefined when its findings carry them. */
    readonly fixes: FixSource | undefined,
    readonly keptChecks: ReadonlySet<string> = new Set(),
    /** What its checks read, for the next analysis to keep findings check by check. */
    readonly checks?: CheckReads,
    /** The route checks' findings route by route, for the next analysis to keep those of unchanged routes. */
    readonly routeFindings?: RouteFindings,
  ) {}
}

export class Session {
  private readonly cache = new ParseCache();

  constructor(private readonly options: SessionOptions = {}) {}

  /**
   * Analyses `request`, reusing `previous` (an earlier analysis of this session for the same files) as far as what it
   * read allows; undefined when cancelled. The answer is `previous` itself when every input reads as it did.
   */
  async analyze(request: SessionRequest, previous?: Analysis): Promise<Analysis | undefined> {
    const key = requestKey(request);
    const last = previous instanceof SessionAnalysis && previous.request === key ? previous : undefined;
    if (!last) return this.full(request, key);
    const reads = await readAll(request, last.files.keys());
    if ([...reads].every(([file, read]) => sameRead(last.files.get(file)!, read))) {
      return last.exact ? last : this.full(request, key);
    }
    const regions = this.reparseEdited(last, reads);
    return (await this.quick(request, last, reads, regions)) ?? this.full(request, key, reads, last, this.editedInputs(request, last, reads, regions));
  }

  /**
   * Makes the locations of the parses `analysis` made in part, edit after edit, one table again (a whole parse each),
   * when several edits stack on them: for a caller with a moment to spare (an editor between edits), so that the edit
   * reaching the most layers a parse may stack (`reparse.ts`) is not the one that pays for it. The next analysis
   * after `analysis` still parses its edit in part and keeps the checks that read nothing it changed. Returns how many
   * parses it made one table.
   */
  compactParses(analysis: Analysis): number {
    if (!(analysis instanceof SessionAnalysis)) return 0;
    let count = 0;
    for (const [path, input] of analysis.files) {
      // a parse moved past documentation edits in place is of an older text
      if (!input.parsed || input.edited || input.text === undefined) continue;
      const compact = compactParse(path, input.text, input.parsed, COMPACT_LAYERS);
      if (!compact) continue;
      if (this.cache.get(path, input.text) === input.parsed) this.cache.set(path, input.text, compact);
      input.parsed = compact;
      count++;
    }
    return count;
  }

  /**
   * Builds the fixes of the route findings of `analysis` (`buildKeptFixes`), for a caller with a moment to spare (an
   * editor between edits). Each finding's builder holds the analysis that made it, and the analyses after it keep the
   * findings of unchanged files with their builders: built, they hold none. Until then, the edits of a quick series
   * pay for no fix nobody asked for. Returns how many findings had their fixes built.
   */
  buildKeptFixes(analysis: Analysis): number {
    if (!(analysis instanceof SessionAnalysis) || !analysis.routeFindings) return 0;
    return buildKeptFixes(analysis.routeFindings, analysis.fixes?.builders);
  }

  /** How the edited files changed, when every one was parsed in part; undefined otherwise. */
  private editedInputs(request: SessionRequest, last: SessionAnalysis, reads: Map<string, ReadResult>, regions: Map<string, ChangedRegion>): EditedInputs | undefined {
    const names = new FileSet({ root: request.root }, request.reader);
    const edited: EditedInputs = { parses: [], files: [] };
    for (const [path, read] of reads) {
      const before = last.files.get(path)!;
      if (sameRead(before, read)) continue;
      const region = regions.get(path);
      const after = typeof read === 'string' ? this.cache.get(path, read) : undefined;
      if (!region || !before.parsed || !after || before.edited || before.text === undefined || !isSplicedFrom(after, before.parsed)) return undefined;
      const text = read as string;
      // kept fixes are written in the file's style: the edit must leave it as it was
      if (!keepsStyle(before.text, text, region) && (before.style ??= styleIn(path, before.text, before.parsed)) !== styleIn(path, text, after)) return undefined;
      edited.parses.push({ before: before.parsed, after });
      edited.files.push({ path, relPath: names.relative(path), oldText: before.text, oldLines: before.lines ?? new LineIndex(before.text), newText: text, region });
    }
    return edited;
  }

  /**
   * Where each edited file changed; the files parsed before are parsed again in part where that can be done, the
   * parse kept for the analyses to come.
   */
  private reparseEdited(last: SessionAnalysis, reads: Map<string, ReadResult>): Map<string, ChangedRegion> {
    const regions = new Map<string, ChangedRegion>();
    for (const [path, text] of reads) {
      const before = last.files.get(path)!;
      if (typeof text !== 'string' || before.text === undefined || before.text === text) continue;
      const region = changedRegion(before.text, text);
      regions.set(path, region);
      // a parse moved past documentation edits in place is of an older text
      if (!before.parsed || before.edited || this.cache.get(path, text)) continue;
      const parsed = reparse(path, before.text, before.parsed, text, region, before.anchors);
      // the line table too is the last one's but where the text changed
      if (parsed) this.cache.set(path, text, { ...parsed, lines: before.lines?.edited(text, region) });
    }
    return regions;
  }

  /** A full analysis; `fresh`: files just read for it, not read again (route code reads hundreds of files). */
  private async full(
    request: SessionRequest, key: string, fresh?: ReadonlyMap<string, ReadResult>, last?: SessionAnalysis, edited?: EditedInputs,
  ): Promise<Analysis | undefined> {
    const reads = new Map<string, ReadResult>();
    const reader: FileReader = {
      read: async (file, limits) => {
        let read: ReadResult;
        try { read = fresh?.has(file) ? fresh.get(file) : await request.reader.read(file, limits); } finally { reads.set(file, read); }
        return read;
      },
    };
    // route code is read whole each time: only analyses of documents alone keep findings check by check
    const reuse = request.frontends?.code ? undefined : new ChecksReuse(last?.checks, edited);
    const onRequest = this.options.fixes === 'on-request';
    // route code keeps its findings route by route instead
    const lastRoutes = request.frontends?.code ? last?.routeFindings ?? new Map() : undefined;
    const { result, files: loaded, fixes: builders, routeFindings } = await analyzeFiles({
      ...request, reader, cache: this.cache, fixes: onRequest ? 'on-request' : true, reuse, routeFindings: lastRoutes,
    });
    if (request.cancel?.cancelled) return undefined;
    const fixes = onRequest ? { ...fixSource(request, reads), builders, prose: loaded.proseReads } : undefined;
    const files = new Map<string, InputFile>();
    for (const [file, read] of reads) {
      const text = typeof read === 'string' ? read : undefined;
      const parsed = text === undefined ? undefined : this.cache.get(file, text);
      const before = last?.files.get(file);
      // a part parsed again holds no anchor, nor did the text it was parsed from
      const spliced = parsed !== undefined && before?.parsed !== undefined && isSplicedFrom(parsed, before.parsed);
      const lines = loaded.get(file)?.lines;
      // a text read again unchanged and not parsed here (route code: hundreds per edit) is not searched again
      const unchanged = parsed === undefined && before !== undefined && before.parsed === undefined && before.text === text;
      const anchors = unchanged ? before.anchors : !spliced && text !== undefined && mayHoldAnchors(file, text);
      files.set(file, { text, failure: failureOf(read), parsed, anchors, lines });
    }
    if (!reuse) return new SessionAnalysis(result, true, key, files, loaded.proseReads, fixes, undefined, undefined, routeFindings);
    // the documentation the kept checks read, carried from the last analysis
    const proseReads = reuse.keptChecks.size === 0 ? loaded.proseReads : mergedReads(loaded.proseReads, reuse.carriedProse(last!.proseReads));
    return new SessionAnalysis(result, true, key, files, proseReads, fixes, reuse.keptChecks, { logs: reuse.logs, documents: reuse.documents, operations: reuse.operations, result });
  }

  /**
   * The previous result moved to the new texts, when they differ from the ones it was computed from only in
   * documentation nothing read and every range moves safely; undefined otherwise. An edit inside one documentation
   * string that leaves every token as it was needs no parse; others are parsed and compared.
   */
  private async quick(request: SessionRequest, last: SessionAnalysis, reads: Map<string, ReadResult>, regions: Map<string, ChangedRegion>): Promise<Analysis | undefined> {
    const config = resolved(request.config);
    const loader = new FileSet({ root: request.root, allowRemoteRefs: config.allowRemoteRefs, maxFileSize: config.maxFileSize, cache: this.cache }, request.reader);
    const files = new Map<string, InputFile>();
    const shifts = new Map<string, TextShift>();
    let proseReads = last.proseReads;
    // whether every edit was made inside one documentation string, leaving the parse as it was
    let inPlace = true;
    for (const [path, text] of reads) {
      const before = last.files.get(path)!;
      if (sameRead(before, text)) { files.set(path, before); continue; }
      if (typeof text !== 'string' || before.text === undefined || !before.parsed || text.length > config.maxFileSize) return undefined;
      const region = regions.get(path)!;
      const oldLines = before.lines ?? new LineIndex(before.text);
      const scalar = before.edited ?? proseScalarAt(before.parsed, before.text, region, proseReads);
      if (!scalar) return undefined;
      let now: InputFile;
      if (!before.anchors && editedInPlace(before.text, text, region, scalar)) {
        const edited = { ...scalar, end: scalar.end + region.newEnd - region.oldEnd };
        now = { text, parsed: before.parsed, edited, anchors: false, lines: oldLines.edited(text, region) };
      } else {
        const file = await loader.load(path, undefined, text);
        const carried = file && loader.problems.length === 0 ? sameButUnreadProse(before.parsed.value, file.value, proseReads) : undefined;
        if (!file || !carried || !rewroteProse(before.text, text, region, scalar, file, carried)) return undefined;
        // the same value written another way might no longer be recognised as an OpenAPI document
        if (looksLikeOpenApi(text) !== looksLikeOpenApi(before.text)) return undefined;
        proseReads = carried;
        now = { text, parsed: { value: file.value, locations: file.locations }, anchors: mayHoldAnchors(path, text), lines: file.lines };
        inPlace = false;
      }
      // fixes are written in the file's style: quotes added to documentation may change it
      if (keepsStyle(before.text, text, region)) now.style = before.style;
      else {
        now.style = styleIn(path, text, now.parsed!);
        if (now.style !== (before.style ?? styleIn(path, before.text, before.parsed))) return undefined;
      }
      files.set(path, now);
      shifts.set(loader.relative(path), new TextShift(before.text, text, oldLines, now.lines!, region));
    }
    const result = moved(last.result, shifts);
    const movedFrom = inPlace ? (last.exact ? last : last.fixes?.movedFrom) : undefined;
    return result && new SessionAnalysis(result, false, last.request, files, proseReads, last.fixes && { ...fixSource(request, reads), movedFrom });
  }

  /**
   * The fixes of the findings of `analysis` (of this session) that `keys` name (`findingKey`); a key it has no finding
   * for is left out. In a session that builds fixes on request, they are built now: from what the analysis ran, for
   * the findings of the checks it ran, else by running their checks again on the texts it read.
   */
  async fixes(analysis: Analysis, keys: Iterable<string>): Promise<Map<string, Fix[]>> {
    const wanted = new Set(keys);
    const out = new Map<string, Fix[]>();
    const source = analysis instanceof SessionAnalysis ? analysis.fixes : undefined;
    if (!source) {
      for (const finding of analysis.result.findings) if (wanted.has(findingKey(finding))) out.set(findingKey(finding), finding.fixes);
      return out;
    }
    const unbuilt = [...wanted].some((key) => !source.built.has(key));
    const moved = unbuilt && source.movedFrom ? this.movedFixes(source.movedFrom, analysis as SessionAnalysis, wanted) : undefined;
    const again = new Set<string>();
    for (const finding of analysis.result.findings) {
      const key = findingKey(finding);
      if (!wanted.has(key)) continue;
      const fixes = source.built.get(key) ?? moved?.get(key) ?? built(source, finding, key);
      if (fixes) { source.built.set(key, fixes); out.set(key, fixes); } else again.add(finding.ruleId);
    }
    if (again.size === 0) return out;
    const { request, reads } = source;
    const checks = (request.checks ?? CHECKS).filter((check) => again.has(check.meta.id));
    const reader: FileReader = { read: (file) => reads.get(file) };
    const { result } = await analyzeFiles({ ...request, checks, reader, cache: this.cache, fixes: true });
    for (const finding of result.findings) {
      const key = findingKey(finding);
      if (!wanted.has(key) || out.has(key)) continue;
      source.built.set(key, finding.fixes);
      out.set(key, finding.fixes);
    }
    return out;
  }

  /**
   * The fixes `base` builds for the findings `wanted`, moved to the texts of `analysis` (moved from it after edits in
   * place of documentation nothing read); undefined when building them read one of the strings edited since (the
   * edit was reused as read by nothing) or an edit cannot be moved.
   */
  private movedFixes(base: SessionAnalysis, analysis: SessionAnalysis, wanted: ReadonlySet<string>): Map<string, Fix[]> | undefined {
    const source = base.fixes!;
    const fixes = new Map<string, Fix[]>();
    for (const finding of base.result.findings) {
      const key = findingKey(finding);
      const made = wanted.has(key) ? built(source, finding, key) : undefined;
      if (made) fixes.set(key, made);
    }
    const names = new FileSet({ root: source.request.root }, { read: () => undefined });
    const shifts = new Map<string, TextShift>();
    for (const [path, now] of analysis.files) {
      const before = base.files.get(path);
      if (now.text === before?.text) continue;
      if (now.text === undefined || before?.text === undefined || !before.parsed) return undefined;
      const region = changedRegion(before.text, now.text);
      if (!proseScalarAt(before.parsed, before.text, region, source.prose!)) return undefined;
      shifts.set(names.relative(path), new TextShift(before.text, now.text, before.lines ?? new LineIndex(before.text), now.lines ?? new LineIndex(now.text), region));
    }
    const out = new Map<string, Fix[]>();
    for (const [key, made] of fixes) {
      const to = movedFixes(made, shifts);
      if (!to) return undefined;
      out.set(key, to);
    }
    return out;
  }
}

/** The fixes of `finding` (key `key`) that its analysis built, building them now from what it ran if need be. */
function built(source: FixSource, finding: Finding, key: string): Fix[] | undefined {
  let fixes = source.built.get(key);
  const build = fixes ? undefined : source.builders?.get(finding);
  if (build) source.built.set(key, (fixes = build()));
  return fixes;
}

/** Where the fixes of an analysis of `request` come from, its files having read as `reads`. */
function fixSource(request: SessionRequest, reads: ReadonlyMap<string, ReadResult>): FixSource {
  const { reader: _reader, cancel: _cancel, ...kept } = request;
  return { request: kept, reads, built: new Map() };
}

/** The union of two records of documentation read. */
function mergedReads(a: ProseReads, b: ProseReads): ProseReads {
  const out = new Map<object, Set<string>>();
  for (const reads of [a, b]) {
    for (const [object, keys] of reads) {
      const set = out.get(object) ?? new Set<string>();
      for (const key of keys) set.add(key);
      out.set(object, set);
    }
  }
  return out;
}

function requestKey(request: SessionRequest): string {
  return JSON.stringify([request.root, request.files, [...(request.explicit ?? [])], request.config ?? {}, request.checks?.map((c) => c.meta.id)],
    (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

/** The files an earlier analysis read, as they read now. */
async function readAll(request: SessionRequest, files: Iterable<string>): Promise<Map<string, ReadResult>> {
  const limits = { maxBytes: resolved(request.config).maxFileSize };
  const reads = new Map<string, ReadResult>();
  for (const file of files) {
    try { reads.set(file, await request.reader.read(file, limits)); } catch { reads.set(file, undefined); }
  }
  return reads;
}

/** Why a file was not read, as `code: reason`; undefined when it was. */
function failureOf(read: ReadResult): string | undefined {
  return read === undefined ? 'file-missing' : typeof read === 'string' ? undefined : `${read.code}: ${read.reason}`;
}

/** Whether a file reads now as it did for an analysis: the same text, or not read for the same reason. */
function sameRead(input: InputFile, read: ReadResult): boolean {
  return typeof read === 'string' ? input.text === read : input.text === undefined && input.failure === failureOf(read);
}

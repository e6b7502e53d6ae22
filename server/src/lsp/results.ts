/**
 * The last analysis of each unit, kept with the open buffers it read (the versions the worker says it read), so that
 * it is published only for the texts it describes, and hovers and code actions can move its ranges to the current
 * texts. A unit whose job failed keeps the failure instead, shown on its document.
 */
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Diagnostic } from 'vscode-languageserver/node';
import { LineIndex, TextShift, type Fix, type Problem, type Range } from '../engine';
import { analysisFailedDiagnostic, findingToDiagnostic, problemToDiagnostic, toPath } from './convert';
import type { OpenDocuments } from './open-documents';
import type { MovedFinding, SentChange, SentFinding, SentResult } from './protocol';
import type { AnalysisUnit } from './units';
import type { AnalysisAnswer, OpenBuffer } from './worker-client';

/** Moves ranges of an analysed text to the current text; undefined for a range the edits since may have moved. */
export interface Shift { range(range: Range): Range | undefined }
const UNMOVED: Shift = { range: (range) => range };

/** What one analysis says about one file. */
interface FileReport {
  /** Its findings, suppressed ones left out. */
  findings: SentFinding[];
  problems: Problem[];
  /** Converted on first use. */
  diagnostics?: Diagnostic[];
}

/** Diagnostics by finding: a quick result keeps the findings an edit did not move, and their diagnostics. */
const converted = new WeakMap<SentFinding, Diagnostic>();

/** One analysis of a unit, as the server keeps it. */
export class UnitAnalysis {
  /** Findings and problems by absolute file, grouped on first use. */
  private files?: Map<string, FileReport>;
  /** Line tables of the buffers' texts, and moves from them to the current texts, made on first use. */
  private lines = new Map<string, LineIndex>();
  private shifts = new Map<string, { version: number; shift: Shift }>();
  /** `inputs()` and the same as a set, made on first use. */
  private resolved?: string[];
  private read?: Set<string>;
  /**
   * The last good findings of files that do not parse now, as diagnostics marked out of date, moved to this
   * analysis's texts: shown next to the parse error instead of being replaced by it. When a document of the unit does
   * not parse, the files it reached keep theirs too.
   */
  private stale = new Map<string, Diagnostic[]>();
  /**
   * The analysis this one follows, while it is the last: a file it says the same of (the very findings, equal problems)
   * shows the very diagnostics, which publishing then compares at a glance (an edit of a route file leaves the other
   * hundreds of its app as they were).
   */
  private before?: UnitAnalysis;

  constructor(
    /** The worker's job that computed it: the worker answers the next job relative to it. */
    readonly jobId: number,
    readonly root: string,
    readonly result: SentResult,
    /** The open buffers it read, by path; a file not here was read from disk. */
    readonly buffers: ReadonlyMap<string, OpenBuffer>,
  ) {}

  /** The same result, found again by job `jobId` from the same texts: its groups and line tables stay valid. */
  confirmedBy(jobId: number, buffers: ReadonlyMap<string, OpenBuffer>, exact: boolean): UnitAnalysis {
    const analysis = new UnitAnalysis(jobId, this.root, { ...this.result, exact }, buffers);
    analysis.files = this.files;
    analysis.resolved = this.resolved;
    analysis.lines = this.lines;
    analysis.shifts = this.shifts;
    analysis.stale = this.stale;
    return analysis;
  }

  /**
   * Takes over from `previous`, the unit's last analysis: keeps, for each file that does not parse in this analysis,
   * the findings `previous` showed there, moved here. When one of the unit's documents (`entries`) does not parse, its
   * refs reach nothing: the findings `previous` showed in the files it reached stay too, as they were (those texts are
   * not what changed).
   */
  follow(previous: UnitAnalysis, entries: readonly string[]): void {
    this.before = previous;
    previous.before = undefined;
    const unparsed = new Set(this.result.problems.filter((p) => p.code === 'parse-error').map((p) => toPath(this.root, p.file)));
    for (const file of unparsed) {
      const before = previous.staleIn(file, 'the file');
      const from = previous.buffers.get(file);
      const to = this.buffers.get(file);
      // moved between two buffers of the open file; a range the edits since may have moved is left out
      if (before.length === 0 || !from || !to) continue;
      const shift = new TextShift(from.text, to.text, previous.lineIndex(file, from.text), new LineIndex(to.text));
      const moved = before.flatMap((d) => { const range = shift.range(d.range); return range ? [{ ...d, range }] : []; });
      if (moved.length > 0) this.stale.set(file, moved);
    }
    const root = entries.find((entry) => unparsed.has(entry));
    if (root === undefined) return;
    const cause = path.relative(this.root, root).split(path.sep).join('/');
    const read = new Set(this.inputs());
    for (const file of previous.shownFiles()) {
      if (read.has(file) || unparsed.has(file)) continue;
      const before = previous.staleIn(file, cause);
      if (before.length > 0) this.stale.set(file, before);
    }
  }

  /** What it showed in `file`, as out of date because `cause` does not parse: what it kept from before, or its own findings there. */
  private staleIn(file: string, cause: string): Diagnostic[] {
    return this.stale.get(file) ?? this.findingsIn(file).map((f) => outOfDate(this.diagnosticOf(f), cause));
  }

  private lineIndex(file: string, text: string): LineIndex {
    let lines = this.lines.get(file);
    if (!lines) this.lines.set(file, (lines = new LineIndex(text)));
    return lines;
  }

  /** Every file it read, by absolute path. */
  inputs(): readonly string[] { return (this.resolved ??= this.result.inputs.map((rel) => toPath(this.root, rel))); }

  /** Every file it shows diagnostics in: what it read, and the files whose last good findings it keeps. */
  shownFiles(): readonly string[] {
    const read = this.inputs();
    return this.stale.size === 0 ? read : [...new Set([...read, ...this.stale.keys()])];
  }

  /** Whether what it says about `file` holds for the open buffer at `version`: it read that version, or not the file at all. */
  describes(file: string, version: number): boolean {
    if (this.buffers.get(file)?.version === version) return true;
    this.read ??= new Set(this.inputs());
    return !this.read.has(file);
  }

  private report(file: string): FileReport | undefined {
    if (!this.files) {
      const files = new Map<string, FileReport>();
      const group = (rel: string) => {
        const abs = toPath(this.root, rel);
        let report = files.get(abs);
        if (!report) files.set(abs, (report = { findings: [], problems: [] }));
        return report;
      };
      for (const f of this.result.findings) if (!f.suppressed) group(f.file).findings.push(f);
      for (const p of this.result.problems) group(p.file).problems.push(p);
      this.files = files;
    }
    return this.files.get(file);
  }

  /** Its findings in `file`, suppressed ones left out. */
  findingsIn(file: string): SentFinding[] { return this.report(file)?.findings ?? []; }

  /** Its diagnostics in `file`: the same list while the analysis is held. */
  diagnosticsIn(file: string): Diagnostic[] {
    const report = this.report(file);
    if (!report) return this.stale.get(file) ?? [];
    report.diagnostics ??= this.sameAsBefore(file, report)
      ?? [...report.findings.map((f) => this.diagnosticOf(f)), ...(this.stale.get(file) ?? []), ...report.problems.map(problemToDiagnostic)];
    return report.diagnostics;
  }

  /** The diagnostics the analysis before showed in `file`, when it said the same there. */
  private sameAsBefore(file: string, report: FileReport): Diagnostic[] | undefined {
    const before = this.before?.report(file);
    if (!before?.diagnostics || this.stale.has(file) || this.before!.stale.has(file)) return undefined;
    const same = before.findings.length === report.findings.length && before.findings.every((f, i) => f === report.findings[i])
      && isDeepStrictEqual(before.problems, report.problems);
    return same ? before.diagnostics : undefined;
  }

  private diagnosticOf(finding: SentFinding): Diagnostic {
    let diagnostic = converted.get(finding);
    if (!diagnostic) converted.set(finding, (diagnostic = findingToDiagnostic(finding, this.root)));
    return diagnostic;
  }

  /** How its ranges in `file` move to the current text; undefined when it read the disk's text while the file is open now. */
  shift(file: string, open: OpenDocuments): Shift | undefined {
    const document = open.get(file);
    if (!document) return UNMOVED;
    const buffer = this.buffers.get(file);
    if (!buffer) return undefined;
    if (buffer.version === document.version) return UNMOVED;
    const known = this.shifts.get(file);
    if (known && known.version === document.version) return known.shift;
    const shift = new TextShift(buffer.text, document.getText(), this.lineIndex(file, buffer.text), open.lines(file, document));
    this.shifts.set(file, { version: document.version, shift });
    return shift;
  }

  /** Fixes of its findings, moved to the current texts; a fix with an edit the edits since may have moved is left out. */
  movedFixes(fixes: readonly Fix[], open: OpenDocuments): Fix[] {
    const out: Fix[] = [];
    for (const fix of fixes) {
      const edits = fix.edits.map((edit) => {
        const range = this.shift(toPath(this.root, edit.file), open)?.range(edit.range);
        return range && { ...edit, range };
      });
      if (edits.every((e) => e !== undefined)) out.push({ ...fix, edits: edits as Fix['edits'] });
    }
    return out;
  }
}

/**
 * A finding's diagnostic from before a parse error: marked out of date in its message, with no identity (its fixes
 * would edit a text that no longer parses).
 */
function outOfDate(diagnostic: Diagnostic, cause: string): Diagnostic {
  const { data: _identity, ...shown } = diagnostic;
  return { ...shown, message: `(out of date: ${cause} does not parse) ${diagnostic.message}` };
}

/** A result rebuilt from the one the server held and the change. */
function changed(base: SentResult, { base: _job, findings, routes, ...rest }: SentChange): SentResult {
  return {
    ...rest,
    findings: findings.map((f) => (typeof f === 'number' ? base.findings[f] : 'at' in f ? movedFinding(base.findings[f.at], f) : f)),
    routes: routes.map((r) => (typeof r === 'number' ? base.routes[r] : r)),
  };
}

/** A held finding moved as the worker says. */
function movedFinding(held: SentFinding, moved: MovedFinding): SentFinding {
  if (!('lines' in moved)) return { ...held, range: moved.range, related: held.related.map((r, i) => ({ ...r, range: moved.related[i] })) };
  const shifted = (file: string, range: Range): Range => (file !== moved.file || range.start.line < moved.from ? range : {
    start: { line: range.start.line + moved.lines, character: range.start.character },
    end: { line: range.end.line + moved.lines, character: range.end.character },
  });
  return {
    ...held,
    range: shifted(held.file, held.range),
    related: held.related.map((r) => { const range = shifted(r.file, r.range); return range === r.range ? r : { ...r, range }; }),
  };
}

export interface Stored {
  analysis: UnitAnalysis;
  /** The analysis held before. */
  previous?: UnitAnalysis;
  /** The worker found the result held before, from the same texts. */
  same: boolean;
}

export class ResultStore {
  private readonly analyses = new Map<string, UnitAnalysis>();
  /** Why a unit's last job failed, as the diagnostic shown on its document. */
  private readonly failures = new Map<string, { entries: readonly string[]; diagnostics: Diagnostic[] }>();

  get(unit: string): UnitAnalysis | undefined { return this.analyses.get(unit); }

  /** Keeps a job's answer; undefined when it is relative to a result no longer held (the unit must run again). */
  store(unit: AnalysisUnit, { jobId, answer, buffers }: AnalysisAnswer): Stored | undefined {
    const previous = this.analyses.get(unit.id);
    const base = 'same' in answer ? answer.same : 'base' in answer ? answer.base : undefined;
    if (base !== undefined && previous?.jobId !== base) return undefined;
    const analysis = 'same' in answer
      ? previous!.confirmedBy(jobId, buffers, answer.exact)
      : new UnitAnalysis(jobId, unit.root, 'base' in answer ? changed(previous!.result, answer) : answer, buffers);
    if (previous && !('same' in answer)) analysis.follow(previous, unit.entries);
    this.analyses.set(unit.id, analysis);
    this.failures.delete(unit.id);
    return { analysis, previous, same: 'same' in answer };
  }

  /** Replaces the unit's result by the failure of its job. */
  fail(unit: AnalysisUnit, reason: string): void {
    this.analyses.delete(unit.id);
    this.failures.set(unit.id, { entries: unit.entries, diagnostics: [analysisFailedDiagnostic(reason)] });
  }

  clear(unit: string): void {
    this.analyses.delete(unit);
    this.failures.delete(unit);
  }

  /** What the unit says about `file`: its analysis's diagnostics there, or its failure on its own document. */
  diagnosticsIn(unit: string, file: string): Diagnostic[] {
    const analysis = this.analyses.get(unit);
    if (analysis) return analysis.diagnosticsIn(file);
    const failure = this.failures.get(unit);
    return failure?.entries.includes(file) ? failure.diagnostics : [];
  }
}

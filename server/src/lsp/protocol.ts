/** Messages between the language server and its workers (plain data, structured-cloned). */
import type { AnalysisResult, Config, Finding, Fix, Range, Route } from '../engine';

/** A finding as the worker sends it: without its fixes, which the worker builds when a code action asks for them. */
export type SentFinding = Omit<Finding, 'fixes'>;

export interface SentResult extends Omit<AnalysisResult, 'findings'> {
  findings: SentFinding[];
  /** False when moved from the previous result after an edit of documentation text only: a full review should follow. */
  exact: boolean;
}

/**
 * A held finding an edit only moved (`at`, its index there): its new ranges, its own and its related locations', in
 * order; or, when lines were added or removed before some of them, the lines that every one of its ranges in `file`
 * starting at line `from` or below moved by, the others unmoved (a finding about a whole API relates thousands of
 * places, which an edit above them moves alike).
 */
export type MovedFinding = { at: number; range: Range; related: Range[] } | ({ at: number } & LineShift);

/** Ranges of `file` starting at line `from` or below are `lines` lines further down (up, when negative). */
export interface LineShift { file: string; from: number; lines: number }

/**
 * A result sent as its difference from the result of job `base`, which the server holds: each finding and each route
 * is either the index of an equal one there, or new; a finding may also be one there moved. An edit moves only the
 * findings and routes after it, often none, and changes few. The rest of the result is sent whole (what it read
 * changes when a document stops parsing).
 */
export interface SentChange extends Omit<SentResult, 'findings' | 'routes'> {
  base: number;
  findings: (number | MovedFinding | SentFinding)[];
  routes: (number | Route)[];
}

/** A result equal to the result of job `same`, which the server holds (now confirmed by a full analysis, maybe). */
export interface SentSame { same: number; exact: boolean }

export type SentAnswer = SentResult | SentChange | SentSame;

/** Messages to the analysis worker. It handles them one at a time, in order: a job sees the buffers sent before it. */
export type ToWorker =
  /** The text of an open buffer at `version` (wins over disk), or null when the buffer closed. */
  | { type: 'overlay'; path: string; text: string; version: number }
  | { type: 'overlay'; path: string; text: null }
  /**
   * An edit of the buffer the worker holds for `path` (the text it was sent last): the old text from `start` to `end`
   * is now `text`, at `version`. A keystroke in a 4 MB spec sends the keystroke, not the spec.
   */
  | { type: 'overlay-edit'; path: string; start: number; end: number; text: string; version: number }
  /** The file changed on disk (created, changed or deleted): a text of it read earlier is stale. */
  | { type: 'disk-changed'; path: string }
  | {
      type: 'analyze';
      id: number;
      /** The unit's kind: `routes` runs the route checks, with the code frontend. */
      kind: 'openapi' | 'routes';
      root: string;
      files: string[];
      config: Config;
      /** Set to 1 by the server when the job is superseded. */
      cancel: SharedArrayBuffer;
      /** The id of the analysis of these files whose result the server holds: an equal result is not sent again. */
      holding?: number;
    }
  /** The fixes of the findings `keys` (`findingKey`) of the result of job `job`, the last of its unit. */
  | { type: 'fixes'; id: number; job: number; keys: string[] };

export type FromWorker =
  /** result: null when cancelled. `read`: the version of each open buffer the job read (files not listed came from disk). */
  | { type: 'result'; id: number; result: SentAnswer | null; read: [path: string, version: number][] }
  /** fixes: by finding key; null when the worker holds another result of the job's unit now (or none). */
  | { type: 'fixes'; id: number; fixes: [key: string, fixes: Fix[]][] | null }
  | { type: 'error'; id: number; message: string };

/** A request to the Spectral worker: the files to lint, with the text of those open in the editor. */
/** A ruleset run on files of the project at `root` (open buffers given as text, the rest read from disk inside the root). */
export interface ToSpectral { type: 'spectral'; id: number; root: string; rulesetPath: string; files: { path: string; text?: string }[] }

export interface SpectralDiagnostic {
  path: string;
  code: string;
  message: string;
  severity: 0 | 1 | 2 | 3;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export type FromSpectral = { type: 'spectral-result'; id: number; diagnostics: SpectralDiagnostic[]; error?: string };

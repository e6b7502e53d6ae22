/** Plain data shared by the engine, the CLI, the Spectral adapter and the language server. */
import type { Route } from './code/model';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];
/** How severe each severity is: 0 the most. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2, hint: 3 };

export type Family =
  | 'auth' | 'rate-limit' | 'data-exposure' | 'bola' | 'inventory' | 'transport' | 'input-validation' | 'config';

export interface OperationRef { method: string; path: string }

export interface RelatedLocation { file: string; range: Range; message: string }

export interface TextEdit { file: string; range: Range; newText: string }

export interface Fix { title: string; kind: 'safe' | 'suggestion'; edits: TextEdit[] }

export interface Suppression { kind: 'inSource' | 'external'; justification: string; location?: { file: string; range: Range } }

export interface Finding {
  ruleId: string;
  family: Family;
  owasp: string[];
  cwe: string[];
  severity: Severity;
  message: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  range: Range;
  /**
   * Where the finding is, independent of lines: a JSON pointer in a spec (`/paths/~1users/get`); in code, a route key
   * or a symbol path. With the rule and the file it is the finding's identity (`findingKey`).
   */
  anchor: string;
  /** JSON path of the flagged key or value inside a spec file (the Spectral adapter places findings by it). */
  path: (string | number)[];
  operations: OperationRef[];
  related: RelatedLocation[];
  fixes: Fix[];
  suppressed?: Suppression;
}

/** Something that stopped part of the analysis: unreadable or malformed input. Never thrown, always reported. */
export interface Problem {
  file: string;
  range?: Range;
  severity: 'error' | 'warning' | 'info';
  /** Stable code, e.g. `parse-error`, `ref-missing`, `ref-cycle`. */
  code: string;
  message: string;
}

/** What a check reads: OpenAPI documents (`spec`), route code (`code`), or both (a check comparing them). */
export type Need = 'spec' | 'code';

export interface CheckMeta {
  id: string;
  family: Family;
  /** The frontends whose models it reads: an analysis runs only the frontends its enabled checks need. */
  needs: readonly Need[];
  owasp: string[];
  cwe: string[];
  severity: Severity;
  /** One line: what the check flags. */
  description: string;
  /** Why it matters: the risk in plain words. */
  rationale: string;
  /** How to fix it. */
  fix: string;
}

export interface AnalysisResult {
  findings: Finding[];
  problems: Problem[];
  /** The OpenAPI documents reviewed, relative to the root. */
  documents: string[];
  /** Every file the review read (documents and the files their refs reached, route code), relative to the root. */
  inputs: string[];
  /** The routes read from code (none when the code frontend did not run). */
  routes: Route[];
  /** The frontends that ran: `code` only when there was route code to read and a check needed it. */
  frontends: Need[];
}

/** Why a file was not read: it is missing, or the reader refused or failed to read it. */
export interface ReadFailure {
  code: 'file-missing' | 'file-outside-root' | 'file-not-regular' | 'file-too-large' | 'file-unreadable';
  /** In a few words, for the user: "permission denied", "it is a device, not a regular file"... */
  reason: string;
  /** The file's size in bytes, when it is known to be too large. */
  size?: number;
}

/** A file's text, undefined when it does not exist, or why it was not read. */
export type ReadResult = string | ReadFailure | undefined;

/**
 * Files come in through a reader: the CLI reads disk, the language server prefers open buffers. A reader never
 * returns more than `maxBytes` bytes of a file it reads from disk: it answers `file-too-large` instead.
 */
export interface FileReader {
  read(absPath: string, limits: { maxBytes: number }): ReadResult | Promise<ReadResult>;
}

export function isReadFailure(result: ReadResult): result is ReadFailure {
  return typeof result === 'object';
}

export interface CancellationSignal { readonly cancelled: boolean }

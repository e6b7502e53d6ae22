/** Plain data shared by the engine, the CLI, the Spectral adapter and the language server. */

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
  /** JSON path of the flagged key or value inside `file` (used by the Spectral adapter and fingerprints). */
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

export interface CheckMeta {
  id: string;
  family: Family;
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
  /** Every file the review read (documents and the files their refs reached), relative to the root. */
  inputs: string[];
}

/** Files come in through a reader: the CLI reads disk, the language server prefers open buffers. */
export interface FileReader {
  /** Text of an absolute path, or undefined when the file does not exist or cannot be read. */
  read(absPath: string): string | undefined;
}

export interface CancellationSignal { readonly cancelled: boolean }

/** Messages between the language server and its analysis worker (plain data, structured-cloned). */
import type { AnalysisResult } from '../engine/types';
import type { Config } from '../engine/config';

export type ToWorker =
  /** The text of an open buffer (wins over disk), or null when the buffer closed. */
  | { type: 'overlay'; path: string; text: string | null }
  | {
      type: 'analyze';
      id: number;
      root: string;
      files: string[];
      config: Config;
      /** Set to 1 by the server when the job is superseded. */
      cancel: SharedArrayBuffer;
    }
  | { type: 'spectral'; id: number; root: string; rulesetPath: string; files: string[] };

export interface SpectralDiagnostic {
  path: string;
  code: string;
  message: string;
  severity: 0 | 1 | 2 | 3;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export type FromWorker =
  | { type: 'result'; id: number; result: AnalysisResult | null }
  | { type: 'spectral-result'; id: number; diagnostics: SpectralDiagnostic[]; error?: string }
  | { type: 'error'; id: number; message: string };

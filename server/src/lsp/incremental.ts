/**
 * The language server's analyses, one line of them per list of files (an analysis unit): each request is answered
 * by the engine's session from the previous analysis of the same files (reused whole, moved after documentation
 * edits nothing read, or analysed in full), and says whether the answer equals the one the caller holds.
 */
import {
  Session, type Analysis as EngineAnalysis, type AnalysisResult, type CancellationSignal, type Check, type Config, type FileReader, type Fix, type Frontend,
} from '../engine';

export interface AnalysisRequest {
  /** Identifies the answer: a later request may say it still holds it. */
  id: number;
  root: string;
  files: string[];
  config: Config;
  cancel: CancellationSignal;
  /** The id of the answer the caller holds for these files. */
  holding?: number;
  /** The checks to run (all by default), and the frontends beyond the spec's they need. */
  checks?: readonly Check[];
  frontends?: { code?: Frontend };
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

export class DocumentAnalyses {
  /** Fixes are built only for the findings a code action names (`fixes`). */
  private readonly session = new Session({ fixes: 'on-request' });
  /**
   * The last analysis of each list of files, and the id of the request it answered; and the one before, while the
   * caller holds it (until it says it holds the last): code actions build fixes from the result the caller shows.
   */
  private readonly previous = new Map<string, Answered & { held?: Answered }>();

  /** `readerFor(root)` reads the files of the project at `root` (buffers first, then the disk inside the root). */
  constructor(private readonly readerFor: (root: string) => FileReader) {}

  /** Reviews `files` (the full analysis, a quick one or none, as the inputs allow); undefined when cancelled. */
  async analyze(request: AnalysisRequest): Promise<Analysis | undefined> {
    const key = JSON.stringify([request.root, request.files]);
    const last = this.previous.get(key);
    const analysis = await this.session.analyze(
      {
        root: request.root, files: request.files, reader: this.readerFor(request.root), config: request.config, cancel: request.cancel,
        checks: request.checks, frontends: request.frontends,
      },
      last?.analysis,
    );
    if (!analysis) return undefined;
    const held = [last, last?.held].find((answered) => answered !== undefined && answered.id === request.holding && answered.analysis !== analysis);
    this.previous.set(key, { id: request.id, analysis, held: held && { id: held.id, analysis: held.analysis } });
    const holds = last !== undefined && request.holding === last.id;
    const previous = last && { id: last.id, result: last.analysis.result };
    if (analysis === last?.analysis) return { result: analysis.result, exact: true, same: holds };
    // a full analysis confirming a quick result may find it was right
    const confirms = analysis.exact && !last?.analysis.exact && holds && sameData(analysis.result, last!.analysis.result);
    return { result: analysis.result, exact: analysis.exact, same: confirms, previous };
  }

  /**
   * Work the last analyses leave for a quiet moment: their parses made one table again where edits parsed in part
   * stack (`Session.compactParses`), the fixes of the route findings they keep built (`Session.buildKeptFixes`).
   */
  whenQuiet(): void {
    for (const last of this.previous.values()) {
      this.session.compactParses(last.analysis);
      this.session.buildKeptFixes(last.analysis);
    }
  }

  /**
   * The fixes of the findings `keys` (`findingKey`) of the analysis that answered request `id`, while it is the last
   * of its files or the one the caller holds; undefined otherwise.
   */
  async fixes(id: number, keys: readonly string[]): Promise<Map<string, Fix[]> | undefined> {
    for (const last of this.previous.values()) {
      const answered = [last, last.held].find((a) => a?.id === id);
      if (answered) return this.session.fixes(answered.analysis, keys);
    }
    return undefined;
  }
}

/** An analysis, and the id of the request it answered. */
interface Answered { id: number; analysis: EngineAnalysis }

/**
 * Deep equality of plain data (analysis results). `equal` remembers the pairs of objects found equal, for comparisons
 * of many items that share parts (thousands of routes behind the same middleware links).
 */
export function sameData(a: unknown, b: unknown, equal = new WeakMap<object, object>()): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (equal.get(a) === b) return true;
  let same: boolean;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    same = Array.isArray(other) && a.length === other.length;
    for (let i = 0; same && i < a.length; i++) same = sameData(a[i], other[i], equal);
  } else same = sameObject(a, b, equal);
  if (same) equal.set(a, b);
  return same;
}

/**
 * Deep equality of two objects of plain data, but for the keys `ignored` names (whose presence still counts). Their
 * keys are walked, not listed: a result's comparison would otherwise make two arrays for every object in it.
 */
export function sameObject(a: object, b: object, equal: WeakMap<object, object>, ignored?: (key: string) => boolean): boolean {
  let unmatched = 0;
  for (const key in a) {
    if (!(key in b) || !(ignored?.(key) || sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], equal))) return false;
    unmatched++;
  }
  for (const _key in b) unmatched--;
  return unmatched === 0;
}

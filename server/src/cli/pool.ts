/**
 * The review's thread pool: a folder of many OpenAPI documents (a monorepo) is analysed on several threads, and the
 * report is the one a single analysis of all of them gives, byte for byte.
 *
 * Documents that read a file in common must be analysed together: the engine loads and reports each file once, and
 * merges the reports of a check at one place (a shared schema is one finding naming every operation that uses it).
 * So each candidate file starts as its own unit, and every location a unit's reader asks for is claimed for it. When
 * two units claim the same location they become one unit (a run of either is cancelled and its result dropped), and
 * the joined unit is analysed again once the current round ends, until every unit has a result from a run of exactly
 * its candidates. A unit claims its own candidate files only when its run reported something: a file that is not an
 * OpenAPI document is read and skipped quietly, which changes nothing for a document that reads it through a `$ref`.
 *
 * Units read disjoint files, so all findings and problems in one file come from one unit, already in the engine's
 * order: ordering them by file alone gives the order of the single analysis.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { looksLikeOpenApi, MAX_FILES_READ, MAX_TEXT_READ, type AnalysisResult, type ResolvedConfig } from '../engine';
import { readTextFile } from '../workspace/files';
import { workerThreads } from '../workspace/lazy-modules';
import { relativePath } from '../workspace/paths';
import { CliError } from './errors';

/** Sets the number of review threads; 1 reviews on the main thread alone. */
export const THREADS_VARIABLE = 'API_SENTINEL_WORKERS';
/** The default number of threads is the machine's parallelism, up to this. */
const MAX_DEFAULT_THREADS = 8;
/**
 * Fewer OpenAPI documents than this are reviewed on the main thread: starting the threads and warming up each one's
 * compiled code costs 0.1 to 0.45 s of CPU more than one thread (measured on 2 to 64 documents of 25 KB), while one
 * thread spends 0.35 to 0.5 s on 4 to 8 such documents.
 */
export const MIN_POOL_DOCUMENTS = 8;

/** What the CLI reports from an analysis. */
export type ReviewResult = Pick<AnalysisResult, 'findings' | 'problems' | 'documents' | 'routes' | 'frontends'>;

/** What a unit's thread sends back: its spec review (the pool takes folders of specs alone). */
export type UnitReview = Pick<AnalysisResult, 'findings' | 'problems' | 'documents'>;

export interface PoolRequest {
  /** Absolute project root. */
  root: string;
  /** Absolute paths of the candidate files, in the order a single analysis takes them. */
  files: string[];
  explicit: ReadonlySet<string>;
  config: ResolvedConfig;
  /** Build quick fixes. */
  fixes: boolean;
}

/** Given to each thread when it starts. */
export interface WorkerSetup {
  root: string;
  config: ResolvedConfig;
  fixes: boolean;
  /** One Int32: the id of the unit to cancel. */
  cancel: SharedArrayBuffer;
}

/** A unit to analyse: its candidate files, in order, and those of them the user named. */
export interface UnitRequest { unit: number; files: string[]; explicit: string[] }

/** The engine's result for one unit, with what it read (the engine's read limits hold for a whole review). */
export interface UnitResult extends UnitReview { filesRead: number; textRead: number }

export type FromWorker =
  | { type: 'read'; unit: number; location: string }
  | { type: 'done'; unit: number; result: UnitResult }
  | { type: 'failed'; unit: number; message: string };

/** Threads a review may use: API_SENTINEL_WORKERS when set, else the machine's parallelism up to 8. */
export function poolThreads(env: NodeJS.ProcessEnv = process.env): number {
  const given = env[THREADS_VARIABLE];
  if (given === undefined || given === '') return Math.min(os.availableParallelism(), MAX_DEFAULT_THREADS);
  const threads = Number(given);
  if (!Number.isInteger(threads) || threads < 1) throw new CliError(`${THREADS_VARIABLE} must be a whole number of threads (1 or more), not '${given}'`);
  return threads;
}

/**
 * Whether the candidates hold at least MIN_POOL_DOCUMENTS OpenAPI documents, by the engine's own test of a text;
 * reads only as far as it needs to know.
 */
export function enoughDocumentsForPool(files: readonly string[], root: string, maxBytes: number): boolean {
  // fewer candidates than that cannot hold enough: reading them here would read each spec twice
  if (files.length < MIN_POOL_DOCUMENTS) return false;
  let documents = 0;
  for (const file of files) {
    const text = readTextFile(file, root, maxBytes);
    if (typeof text === 'string' && looksLikeOpenApi(text) && ++documents >= MIN_POOL_DOCUMENTS) return true;
  }
  return false;
}

export interface PoolOptions {
  threads: number;
  /** The thread's script (the bundle beside this one by default). */
  script?: string;
  /** A candidate file's unit was analysed (for the progress indicator). */
  onFileDone?(file: string): void;
}

/**
 * Reviews `request.files` on a pool of threads. Undefined when the result could differ from a single analysis (the
 * review reached the engine's read limits, or a check failed): the caller then analyses on one thread.
 * A thread that fails or stops rejects with a CliError.
 */
export function reviewInPool(request: PoolRequest, options: PoolOptions): Promise<ReviewResult | undefined> {
  return new PooledReview(request, options).run();
}

/** Candidate files joined into units by the locations they read (union-find over the candidates' indices). */
class Units {
  private readonly parent: number[];
  /** Each location read, with a candidate of the unit that read it. */
  private readonly holders = new Map<string, number>();

  constructor(count: number) { this.parent = Array.from({ length: count }, (_, i) => i); }

  /** The unit of a candidate, named by its first candidate. */
  unitOf(candidate: number): number {
    let at = candidate;
    while (this.parent[at] !== at) at = this.parent[at] = this.parent[this.parent[at]];
    return at;
  }

  /** Claims `location` for the unit of `candidate`; when another unit held it, joins the two and returns both. */
  claim(location: string, candidate: number): [number, number] | undefined {
    const holder = this.holders.get(location);
    if (holder === undefined) { this.holders.set(location, candidate); return undefined; }
    const a = this.unitOf(holder);
    const b = this.unitOf(candidate);
    if (a === b) return undefined;
    this.parent[Math.max(a, b)] = Math.min(a, b);
    return [a, b];
  }

  /** Every unit's candidates, in order. */
  all(): Map<number, number[]> {
    const units = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const unit = this.unitOf(i);
      const members = units.get(unit);
      if (members) members.push(i); else units.set(unit, [i]);
    }
    return units;
  }
}

/** One run of a unit: the candidates it was started with, and whether the unit has grown since (its result is void). */
interface Run { id: number; members: number[]; own: Set<string>; void: boolean }

interface Thread { worker: Worker; cancel: Int32Array; run?: Run }

class PooledReview {
  private readonly units: Units;
  /** Results by unit, from a run of exactly the unit's candidates. */
  private readonly results = new Map<number, { members: number[]; result: UnitResult }>();
  private readonly queue: Run[] = [];
  private readonly threads: Thread[] = [];
  private nextRun = 1;
  private finish!: (result: ReviewResult | undefined) => void;
  private fail!: (error: Error) => void;
  private settled = false;

  constructor(private readonly request: PoolRequest, private readonly options: PoolOptions) {
    this.units = new Units(request.files.length);
  }

  run(): Promise<ReviewResult | undefined> {
    const done = new Promise<ReviewResult | undefined>((resolve, reject) => { this.finish = resolve; this.fail = reject; });
    this.queue.push(...this.request.files.map((_, i) => this.newRun([i])));
    const count = Math.min(this.options.threads, this.request.files.length);
    for (let i = 0; i < count; i++) this.threads.push(this.startThread());
    this.dispatch();
    return done.finally(() => Promise.all(this.threads.map((t) => t.worker.terminate())));
  }

  private newRun(members: number[]): Run {
    return { id: this.nextRun++, members, own: new Set(members.map((i) => this.request.files[i])), void: false };
  }

  private startThread(): Thread {
    const { root, config, fixes } = this.request;
    const cancel = new SharedArrayBuffer(4);
    const setup: WorkerSetup = { root, config, fixes, cancel };
    const worker = new (workerThreads().Worker)(this.options.script ?? path.join(__dirname, 'review-worker.js'), { workerData: setup });
    const thread: Thread = { worker, cancel: new Int32Array(cancel) };
    worker.on('message', (message: FromWorker) => {
      try { this.received(thread, message); } catch (error) { this.stop(`a review thread sent a message that cannot be used: ${firstLine(String(error))}`); }
    });
    worker.on('error', (error) => this.stop(`a review thread failed: ${firstLine(error.message)}`));
    worker.on('messageerror', (error) => this.stop(`a review thread sent an unreadable message: ${firstLine(error.message)}`));
    worker.on('exit', (code) => this.stop(`a review thread stopped (exit code ${code})`));
    return thread;
  }

  private received(thread: Thread, message: FromWorker): void {
    const run = thread.run;
    if (this.settled || !run || message.unit !== run.id) return;
    if (message.type === 'failed') { this.stop(`a review thread failed: ${firstLine(message.message)}`); return; }
    if (message.type === 'read') {
      // the run's own candidates are claimed when it ends, if it reported anything about them
      if (!run.own.has(message.location)) this.claim(message.location, run.members[0]);
      return;
    }
    const { result } = message;
    for (const candidate of run.members) this.options.onFileDone?.(this.request.files[candidate]);
    const reported = result.documents.length > 0 || result.problems.length > 0 || result.findings.length > 0;
    // a run made void was joined by a read of another file: its candidates are documents, though it reported nothing
    if (reported || run.void) for (const candidate of run.members) this.claim(this.request.files[candidate], candidate);
    thread.run = undefined;
    if (!run.void) this.results.set(this.units.unitOf(run.members[0]), { members: run.members, result });
    this.dispatch();
  }

  /** Claims a location; when that joins two units, their results and their runs (queued or running) are void. */
  private claim(location: string, candidate: number): void {
    const joined = this.units.claim(location, candidate);
    if (!joined) return;
    for (const unit of joined) this.results.delete(unit);
    const unit = this.units.unitOf(candidate);
    for (const run of [...this.queue, ...this.threads.flatMap((t) => (t.run ? [t.run] : []))]) {
      if (!run.void && this.units.unitOf(run.members[0]) === unit) run.void = true;
    }
    for (const thread of this.threads) if (thread.run?.void) Atomics.store(thread.cancel, 0, thread.run.id);
  }

  /** Starts queued runs on idle threads; when a round is over, queues the units without a result, or finishes. */
  private dispatch(): void {
    if (this.settled) return;
    for (const thread of this.threads) {
      if (thread.run) continue;
      let next = this.queue.shift();
      while (next?.void) next = this.queue.shift();
      if (!next) break;
      thread.run = next;
      const files = next.members.map((i) => this.request.files[i]);
      thread.worker.postMessage({ unit: next.id, files, explicit: files.filter((f) => this.request.explicit.has(f)) } satisfies UnitRequest);
    }
    if (this.threads.some((t) => t.run) || this.queue.length > 0) return;
    const pending = [...this.units.all()].filter(([unit]) => !this.results.has(unit)).map(([, members]) => this.newRun(members));
    if (pending.length === 0) {
      this.settled = true;
      this.finish(this.merged());
      return;
    }
    this.queue.push(...pending);
    this.dispatch();
  }

  private stop(message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.fail(new CliError(message));
  }

  /** The units' results as one analysis reports them; undefined when they could differ from it. */
  private merged(): ReviewResult | undefined {
    const results = [...this.results.values()];
    let filesRead = 0;
    let textRead = 0;
    for (const { result } of results) { filesRead += result.filesRead; textRead += result.textRead; }
    // one analysis would have stopped reading at a limit no unit reached alone
    if (filesRead >= MAX_FILES_READ || textRead >= MAX_TEXT_READ) return undefined;
    // a failing check stops for every document of the analysis, not only for those of its unit
    if (results.some(({ result }) => result.problems.some((p) => p.code === 'check-failed'))) return undefined;
    const documents: { candidate: number; document: string }[] = [];
    for (const { members, result } of results) {
      // a unit's documents are its candidates that are OpenAPI documents, in the same order
      let next = 0;
      for (const candidate of members) {
        const document = result.documents[next];
        if (document === relativePath(this.request.root, this.request.files[candidate])) { documents.push({ candidate, document }); next++; }
      }
    }
    return {
      findings: results.flatMap(({ result }) => result.findings).sort(byFile),
      problems: results.flatMap(({ result }) => result.problems).sort(byFile),
      documents: documents.sort((a, b) => a.candidate - b.candidate).map((d) => d.document),
      routes: [],
      frontends: ['spec'],
    };
  }
}

/** Code-unit order of the file, as the engine sorts; the sort is stable, so each file keeps its unit's order. */
function byFile(a: { file: string }, b: { file: string }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

function firstLine(text: string): string { return text.split('\n')[0].trim(); }

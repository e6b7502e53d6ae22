/**
 * The server's side of its two workers: the analysis worker (jobs with cancellation, overlays of open buffers) and
 * the Spectral worker (a workspace's own ruleset, under a time limit). A worker starts on first use; one that dies
 * fails what it was doing and starts again on next use.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { changedRegion, type Config, type Fix } from '../engine';
import type { FromSpectral, FromWorker, SentAnswer, SpectralDiagnostic, ToSpectral, ToWorker } from './protocol';
import type { JobOutcome, RunningJob } from './scheduler';
import { oneLine } from './scheduler';

/** Why a worker stopped while answering. */
interface Stopped { type: 'stopped'; reason: string }

/** A worker thread answering requests by id. */
class WorkerChannel<In, Out extends { id: number }> {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, (answer: Out | Stopped) => void>();
  private disposed = false;
  /** Workers stopped on purpose: their exit is no crash to report. */
  private readonly stopping = new WeakSet<Worker>();

  constructor(private readonly script: string, private readonly name: string, private readonly log: (message: string) => void) {}

  /** Called with each new worker before any request reaches it. */
  protected started(): void {}

  /** Starts a worker if none runs. */
  protected ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    this.worker = worker;
    let failure: string | undefined;
    worker.on('message', (answer: Out) => {
      const resolve = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      resolve?.(answer);
    });
    worker.on('error', (error) => { failure = oneLine(error); });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (this.disposed) return;
      const crashed = !this.stopping.has(worker);
      // a crash must not take the server with it: fail what was asked, start again on next use
      const reason = failure ?? `exit code ${code}`;
      if (crashed) this.log(`${this.name} stopped (${reason})`);
      for (const resolve of this.waiting.values()) resolve({ type: 'stopped', reason: `the ${this.name} stopped (${reason})` });
      this.waiting.clear();
    });
    this.started();
    return worker;
  }

  protected send(message: In): void { this.ensureWorker().postMessage(message); }

  protected request(id: number, message: In): Promise<Out | Stopped> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send(message);
    });
  }

  /** Stops the worker: what it was doing fails, and the next request starts a new one. */
  protected stop(): void {
    if (!this.worker) return;
    this.stopping.add(this.worker);
    void this.worker.terminate();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.worker?.terminate();
  }
}

/** The text of an open buffer at a version. */
export interface OpenBuffer { version: number; text: string }

/** A job's answer, with the open buffers it read (by path). */
export interface AnalysisAnswer { jobId: number; answer: SentAnswer; buffers: Map<string, OpenBuffer> }

export class AnalysisWorker extends WorkerChannel<ToWorker, FromWorker> {
  private nextId = 1;
  private readonly overlays = new Map<string, OpenBuffer>();
  /** Buffers changed since the worker last got them. */
  private readonly changed = new Set<string>();
  /** The text of each buffer as the worker last got it: the next one goes as an edit of it. */
  private readonly sent = new Map<string, string>();
  /** Files changed on disk since the worker was last told. */
  private readonly changedOnDisk = new Set<string>();

  constructor(script = path.join(__dirname, 'analysis-worker.js'), log: (message: string) => void = () => {}) {
    super(script, 'analysis worker', log);
  }

  /** A new worker has no buffers: all of them go with the next request. */
  protected override started(): void {
    this.sent.clear();
    for (const file of this.overlays.keys()) this.changed.add(file);
  }

  /** Makes the worker read `buffer` instead of the disk for `file` (undefined: back to disk), from its next job on. */
  overlay(file: string, buffer: OpenBuffer | undefined): void {
    if (buffer === undefined) this.overlays.delete(file); else this.overlays.set(file, buffer);
    // a burst of keystrokes sends the worker one text, not one per keystroke
    this.changed.add(file);
  }

  /** Makes the worker read `file` from disk again (it keeps what it read), from its next job on. */
  diskChanged(file: string): void {
    this.changedOnDisk.add(file);
  }

  private flush(): void {
    for (const file of this.changedOnDisk) this.send({ type: 'disk-changed', path: file });
    this.changedOnDisk.clear();
    for (const file of this.changed) {
      const buffer = this.overlays.get(file);
      const last = this.sent.get(file);
      if (!buffer) {
        this.sent.delete(file);
        this.send({ type: 'overlay', path: file, text: null });
      } else if (last === undefined) {
        this.send({ type: 'overlay', path: file, text: buffer.text, version: buffer.version });
      } else {
        // copying a 4 MB text to the worker took longer than finding where it changed
        const { start, oldEnd, newEnd } = changedRegion(last, buffer.text);
        this.send({ type: 'overlay-edit', path: file, start, end: oldEnd, text: buffer.text.slice(start, newEnd), version: buffer.version });
      }
      if (buffer) this.sent.set(file, buffer.text);
    }
    this.changed.clear();
  }

  /**
   * Analyses `files`: the result, or its difference from the result of job `holding` (the caller's), with the
   * buffers it read. The worker handles messages in order, so it reads the buffers sent up to this request.
   */
  analyze(root: string, files: readonly string[], config: Config, holding?: number, kind: 'openapi' | 'routes' = 'openapi'): RunningJob<AnalysisAnswer> {
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    this.ensureWorker();
    this.flush();
    // the buffers as sent: the worker names the versions it read, their texts are these
    const sent = new Map(this.overlays);
    const outcome = this.request(id, { type: 'analyze', id, kind, root, files: [...files], config, cancel, holding }).then((answer): JobOutcome<AnalysisAnswer> => {
      if (answer.type === 'stopped') return { kind: 'failed', reason: answer.reason, crashed: true };
      if (answer.type !== 'result') return { kind: 'failed', reason: answer.type === 'error' ? answer.message : 'the analysis worker answered fixes', crashed: false };
      if (answer.result === null) return { kind: 'cancelled' };
      const buffers = new Map<string, OpenBuffer>();
      for (const [file, version] of answer.read) {
        const buffer = sent.get(file);
        // never otherwise; if it were, the file would count as read from disk, and the unit would run again
        if (buffer?.version === version) buffers.set(file, buffer);
      }
      return { kind: 'done', result: { jobId: id, answer: answer.result, buffers } };
    });
    return { outcome, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
  }

  /**
   * The fixes of the findings `keys` (`findingKey`) of job `job`'s result, by key: built by the worker, which holds
   * that result while it is its unit's last. None when it holds another now, or fails.
   */
  async fixes(job: number, keys: string[]): Promise<Map<string, Fix[]>> {
    const id = this.nextId++;
    const answer = await this.request(id, { type: 'fixes', id, job, keys });
    if (answer.type !== 'fixes' || answer.fixes === null) return new Map();
    return new Map(answer.fixes);
  }
}

/** What a Spectral run gives: its diagnostics, or why it gave none. */
export type SpectralOutcome = { diagnostics: SpectralDiagnostic[]; error?: string } | { timedOut: true };

/** A workspace's own Spectral ruleset runs here, never in the analysis worker: it may be slow, or never end. */
export class SpectralWorker extends WorkerChannel<ToSpectral, FromSpectral> {
  private nextId = 1;

  constructor(script = path.join(__dirname, 'spectral-runner.js'), log: (message: string) => void = () => {}) {
    super(script, 'Spectral worker', log);
  }

  /** Lints `files`; past `timeoutMs` the worker is stopped (a new one starts on the next run). */
  async run(root: string, rulesetPath: string, files: ToSpectral['files'], timeoutMs: number): Promise<SpectralOutcome> {
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ timedOut: true }>((resolve) => { timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs); });
    const answer = await Promise.race([this.request(id, { type: 'spectral', id, root, rulesetPath, files }), timedOut]);
    clearTimeout(timer);
    if ('timedOut' in answer) { this.stop(); return answer; }
    return answer.type === 'stopped' ? { diagnostics: [], error: answer.reason } : { diagnostics: answer.diagnostics, error: answer.error };
  }
}

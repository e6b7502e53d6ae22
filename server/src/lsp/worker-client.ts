/** The server's side of the analysis worker: jobs with cancellation, overlays of open buffers, crash recovery. */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { Config } from '../engine';
import type { FromWorker, SentAnswer, SpectralDiagnostic, ToWorker } from './protocol';

export interface Job<T> {
  id: number;
  /** The job whose result the caller held when it asked. */
  holding?: number;
  promise: Promise<T>;
  cancel(): void;
}

export class AnalysisWorker {
  private worker!: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, (message: FromWorker) => void>();
  private readonly overlays = new Map<string, string>();
  /** Buffers changed since the worker last got them. */
  private readonly changed = new Set<string>();

  constructor(private readonly script = path.join(__dirname, 'analysis-worker.js'), private readonly log: (m: string) => void = () => {}) {
    this.start();
  }

  private start(): void {
    this.worker = new Worker(this.script);
    this.worker.on('message', (message: FromWorker) => {
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message);
    });
    this.worker.on('error', (error) => this.log(`analysis worker failed: ${String(error)}`));
    this.worker.on('exit', (code) => {
      if (this.stopped) return;
      // a crash must not take the server with it: fail pending jobs, start a new worker, replay the buffers
      this.log(`analysis worker exited (${code}); restarting`);
      for (const [id, resolve] of this.waiting) resolve({ type: 'error', id, message: 'the analysis worker stopped' });
      this.waiting.clear();
      this.start();
      for (const [p, text] of this.overlays) this.send({ type: 'overlay', path: p, text });
    });
  }

  private stopped = false;

  private send(message: ToWorker): void { this.worker.postMessage(message); }

  /** Makes the worker read `text` instead of the disk for `path` (null: back to disk), from its next job on. */
  overlay(filePath: string, text: string | null): void {
    if (text === null) this.overlays.delete(filePath); else this.overlays.set(filePath, text);
    // a burst of keystrokes sends the worker one text, not one per keystroke
    this.changed.add(filePath);
  }

  private request(id: number, message: ToWorker): Promise<FromWorker> {
    for (const p of this.changed) this.send({ type: 'overlay', path: p, text: this.overlays.get(p) ?? null });
    this.changed.clear();
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send(message);
    });
  }

  /**
   * Analyses `files`; resolves to null when cancelled, else to the result, or to its difference from the result of
   * job `holding` (the caller's).
   */
  analyze(root: string, files: string[], config: Config, holding?: number): Job<SentAnswer | null> {
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    const promise = this.request(id, { type: 'analyze', id, root, files, config, cancel, holding }).then((m) => {
      if (m.type === 'result') return m.result;
      if (m.type === 'error') this.log(`analysis failed: ${m.message}`);
      return null;
    });
    return { id, holding, promise, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
  }

  spectral(root: string, rulesetPath: string, files: string[]): Promise<{ diagnostics: SpectralDiagnostic[]; error?: string }> {
    const id = this.nextId++;
    return this.request(id, { type: 'spectral', id, root, rulesetPath, files }).then((m) =>
      m.type === 'spectral-result' ? { diagnostics: m.diagnostics, error: m.error } : { diagnostics: [], error: m.type === 'error' ? m.message : undefined });
  }

  dispose(): Promise<number> { this.stopped = true; return this.worker.terminate(); }
}

/**
 * When each analysis unit runs: edits are debounced on both edges (the first edit after quiet runs at once, the
 * edits that follow it within the debounce run once after quiet), a unit has at most one job, and a job is cancelled when a newer
 * run supersedes it. A run first awaits what it needs (the folder's settings); only the latest run goes on after
 * that await, and it cancels whatever job is still running then. A failed or crashed job is not a cancellation:
 * it resolves every waiter and is shown; a crashed one is retried once.
 */

/** Time and timers, injected so that tests control time. */
export interface Clock {
  /** Milliseconds, from any fixed origin. */
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

/** How a job ended. `crashed`: its worker died (out of memory, say); running it again may succeed. */
export type JobOutcome<R> =
  | { kind: 'done'; result: R }
  | { kind: 'cancelled' }
  | { kind: 'failed'; reason: string; crashed: boolean };

export interface RunningJob<R> {
  outcome: Promise<JobOutcome<R>>;
  cancel(): void;
}

/** What the scheduler asks of the server. */
export interface JobHost<S, R> {
  /** What a run of the unit needs (its folder's settings); undefined when the unit is not analysed now. */
  prepare(unit: string): Promise<S | undefined>;
  start(unit: string, prepared: S): RunningJob<R>;
  /** Keeps a job's result; false when an input changed while it ran (the unit runs again). */
  completed(unit: string, result: R): boolean;
  /** Shows why the unit's job failed. */
  failed(unit: string, reason: string): void;
  /** The unit is not analysed (its folder is disabled): drops what it showed. */
  skipped(unit: string): void;
}

interface UnitState<R> {
  timer?: unknown;
  /** Counts the runs: only the latest goes on after awaiting its preparation. */
  runs: number;
  /** The latest run has not finished. */
  running: boolean;
  job?: RunningJob<R>;
  /** The pending timer or job only confirms a result already shown: waiters need not wait for it. */
  confirming: boolean;
  /** A crashed job was run again since the last result or edit. */
  retried: boolean;
  /** When the unit last changed (a scheduled run that is not confirming). */
  changedAt: number;
  /** Resolved when the unit has a result (or a failure) for its latest inputs. */
  waiters: (() => void)[];
}

export class Scheduler<S, R> {
  private readonly units = new Map<string, UnitState<R>>();

  constructor(private readonly host: JobHost<S, R>, private readonly clock: Clock = SYSTEM_CLOCK) {}

  private stateOf(unit: string): UnitState<R> {
    let state = this.units.get(unit);
    if (!state) this.units.set(unit, (state = { runs: 0, running: false, confirming: false, retried: false, changedAt: -Infinity, waiters: [] }));
    return state;
  }

  /**
   * Runs the unit after `delay` ms of quiet: a newer call restarts the wait, and the running job is stale now. A change
   * that comes after quiet (none for `delay` ms, and no run in progress) runs at once: a rename, a paste or a fix
   * applied is not the start of a burst of typing more often than it is; when it is, its job is cancelled by the next
   * change, as any stale job is. A confirming run is no change: it always waits.
   */
  schedule(unit: string, delay: number, options: { confirming?: boolean } = {}): void {
    const state = this.stateOf(unit);
    state.retried = false;
    const confirming = options.confirming ?? false;
    if (confirming) return this.wait(unit, state, delay, true);
    const now = this.clock.now();
    const quiet = delay > 0 && !state.running && now - state.changedAt >= delay;
    state.changedAt = now;
    if (quiet) {
      state.confirming = false;
      void this.run(unit);
    } else this.wait(unit, state, delay, false);
  }

  private wait(unit: string, state: UnitState<R>, delay: number, confirming: boolean): void {
    if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
    // the run in progress reads older inputs: its job is cancelled, and its result dropped
    state.runs++;
    state.job?.cancel();
    state.job = undefined;
    state.confirming = confirming;
    state.timer = this.clock.setTimeout(() => { state.timer = undefined; void this.run(unit); }, delay);
  }

  /** Runs the unit now (superseding a run or wait in progress); resolves when this run is over or superseded. */
  async run(unit: string): Promise<void> {
    const state = this.stateOf(unit);
    if (state.timer !== undefined) { this.clock.clearTimeout(state.timer); state.timer = undefined; }
    const run = ++state.runs;
    state.running = true;
    const latest = () => this.units.get(unit) === state && state.runs === run;
    let outcome: JobOutcome<R> | 'skipped';
    try {
      const prepared = await this.host.prepare(unit);
      if (!latest()) return;
      // after the await: a job started by an older run is stale now
      state.job?.cancel();
      state.job = undefined;
      if (prepared === undefined) outcome = 'skipped';
      else {
        const job = this.host.start(unit, prepared);
        state.job = job;
        outcome = await job.outcome;
      }
    } catch (error) {
      outcome = { kind: 'failed', reason: oneLine(error), crashed: false };
    }
    if (!latest()) return;
    state.job = undefined;
    state.running = false;
    try {
      this.finish(unit, state, outcome);
    } catch (error) {
      this.host.failed(unit, oneLine(error));
    } finally {
      // whatever happened, nobody waits for a run that is over
      if (state.timer === undefined) this.settle(state);
    }
  }

  private finish(unit: string, state: UnitState<R>, outcome: JobOutcome<R> | 'skipped'): void {
    if (outcome === 'skipped') this.host.skipped(unit);
    else if (outcome.kind === 'failed') {
      this.host.failed(unit, outcome.reason);
      // the waiters get the failure now, not after the retry
      this.settle(state);
      if (outcome.crashed && !state.retried && state.timer === undefined) {
        state.retried = true;
        this.wait(unit, state, 0, false);
      }
    } else if (outcome.kind === 'done') {
      state.retried = false;
      if (this.host.completed(unit, outcome.result)) this.settle(state);
      else if (state.timer === undefined) this.wait(unit, state, 0, false);
    }
    // cancelled by the worker itself: the finally below resolves the waiters
  }

  /** Whether nothing is pending for the unit: no wait, no run. */
  idle(unit: string): boolean {
    const state = this.units.get(unit);
    return !state || (state.timer === undefined && !state.running);
  }

  /** Resolves once the unit's result (or failure) describes its latest inputs. */
  settled(unit: string): Promise<void> {
    const state = this.units.get(unit);
    if (!state || state.confirming || (state.timer === undefined && !state.running)) return Promise.resolve();
    return new Promise((resolve) => state.waiters.push(resolve));
  }

  /** Forgets the unit: its wait and job are cancelled, its waiters resolved. */
  remove(unit: string): void {
    const state = this.units.get(unit);
    if (!state) return;
    this.units.delete(unit);
    if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
    state.job?.cancel();
    this.settle(state);
  }

  private settle(state: UnitState<R>): void {
    const waiters = state.waiters;
    state.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The first line of an error's message. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

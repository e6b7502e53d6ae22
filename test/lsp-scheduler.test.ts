/**
 * The language server's scheduler, in-process: a fake worker whose jobs the test ends, and a clock the test moves.
 * Debounce (on both edges), supersede and cancel, failures that resolve waiters, and the one retry after a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Clock, type JobHost, type JobOutcome } from '../server/src/lsp/scheduler';

/** Timers that fire only when the test moves time. */
class FakeClock implements Clock {
  private time = 0;
  now(): number { return this.time; }
  private timers = new Map<number, { at: number; run: () => void }>();
  private next = 1;
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }
  clearTimeout(timer: unknown): void { this.timers.delete(timer as number); }
  get pending(): number { return this.timers.size; }
  /** Moves time by `ms`, firing the timers due, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
      await settle();
    }
    this.time = until;
    await settle();
  }
}

/** Lets promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface FakeJob { unit: string; input: number; cancelled: boolean; end(outcome: JobOutcome<number>): void }

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** A change of unit `a`, scheduled with the documents' debounce, and what follows at once. */
async function changed(fake: ReturnType<typeof fakeHost>, scheduler: Scheduler<unknown, unknown>): Promise<void> {
  fake.edit();
  scheduler.schedule('a', 150);
  await settle();
}

/** A host whose jobs stay running until the test ends them; `input` is a counter of edits, the job's "text". */
function fakeHost() {
  const jobs: FakeJob[] = [];
  const stored: { unit: string; result: number }[] = [];
  const failures: { unit: string; reason: string }[] = [];
  let input = 0;
  /** When set, preparations wait for the test. */
  let preparations: { unit: string; done: (value: string | undefined) => void }[] | undefined;
  const host: JobHost<string, number> = {
    prepare(unit) {
      if (!preparations) return Promise.resolve('settings');
      const { promise, resolve } = deferred<string | undefined>();
      preparations.push({ unit, done: resolve });
      return promise;
    },
    start(unit) {
      const { promise, resolve } = deferred<JobOutcome<number>>();
      const job: FakeJob = { unit, input, cancelled: false, end: resolve };
      jobs.push(job);
      return { outcome: promise, cancel: () => { job.cancelled = true; } };
    },
    completed(unit, result) { stored.push({ unit, result }); return true; },
    failed(unit, reason) { failures.push({ unit, reason }); },
    skipped() {},
  };
  return {
    host, jobs, stored, failures,
    edit() { input++; },
    holdPreparations() { preparations = []; return preparations; },
  };
}

test('a change after quiet runs at once; a second one after quiet does too', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  await changed(fake, scheduler);
  assert.equal(fake.jobs.length, 1, 'no wait for the debounce');
  assert.equal(clock.pending, 0);
  fake.jobs[0].end({ kind: 'done', result: fake.jobs[0].input });
  await settle();
  assert.deepEqual(fake.stored, [{ unit: 'a', result: 1 }]);
  assert.equal(scheduler.idle('a'), true);
  await clock.advance(150);
  await changed(fake, scheduler);
  assert.equal(fake.jobs.length, 2);
  assert.equal(fake.jobs[1].input, 2);
});

test('a burst: its first change runs at once, the changes that follow it within the debounce run once after quiet with the latest input', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  for (let i = 0; i < 5; i++) {
    fake.edit();
    scheduler.schedule('a', 150);
    await clock.advance(100);
  }
  assert.equal(fake.jobs.length, 1, 'only the first change ran while typing');
  assert.equal(fake.jobs[0].cancelled, true, 'the next change made it stale');
  await clock.advance(150);
  assert.equal(fake.jobs.length, 2);
  assert.equal(fake.jobs[1].input, 5);
  fake.jobs[0].end({ kind: 'cancelled' });
  fake.jobs[1].end({ kind: 'done', result: fake.jobs[1].input });
  await settle();
  assert.deepEqual(fake.stored, [{ unit: 'a', result: 5 }]);
  assert.equal(scheduler.idle('a'), true);
});

test('a change soon after a finished run waits for quiet; so does a change while a job runs, however long ago the last change was', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  await changed(fake, scheduler);
  fake.jobs[0].end({ kind: 'done', result: 1 });
  await clock.advance(50);
  await changed(fake, scheduler);
  assert.equal(fake.jobs.length, 1, 'within the debounce of the last change');
  await clock.advance(150);
  assert.equal(fake.jobs.length, 2);
  // a slow job: the change long after the last one still waits, and cancels the job
  await clock.advance(1000);
  await changed(fake, scheduler);
  assert.equal(fake.jobs[1].cancelled, true);
  assert.equal(fake.jobs.length, 2, 'a job was running');
  await clock.advance(150);
  assert.equal(fake.jobs.length, 3);
  assert.equal(fake.jobs[2].input, 3);
});

test('the route debounce has a leading edge too; an immediate run (no debounce) still goes through the timer', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('routes', 10);
  await settle();
  assert.equal(fake.jobs.length, 1);
  scheduler.schedule('a', 0);
  await settle();
  assert.equal(fake.jobs.length, 1);
  await clock.advance(0);
  assert.equal(fake.jobs.length, 2);
});

test('an edit cancels the running job; its result is dropped, and the waiters get the next one', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('a', 0);
  await clock.advance(0);
  const first = fake.jobs[0];
  let waited = false;
  void scheduler.settled('a').then(() => { waited = true; });
  fake.edit();
  scheduler.schedule('a', 150);
  assert.equal(first.cancelled, true);
  // the worker had finished anyway: its answer is for older input
  first.end({ kind: 'done', result: first.input });
  await clock.advance(150);
  assert.deepEqual(fake.stored, []);
  assert.equal(waited, false);
  fake.jobs[1].end({ kind: 'done', result: fake.jobs[1].input });
  await settle();
  assert.deepEqual(fake.stored, [{ unit: 'a', result: 1 }]);
  assert.equal(waited, true);
});

test('a run started while another awaits its settings: only the latest starts a job, and it cancels the older job after the await', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  void scheduler.run('a');
  await settle();
  const running = fake.jobs[0];
  const preparations = fake.holdPreparations();
  // two runs in a row (a workspace review and a timer, say), both awaiting the settings
  const second = scheduler.run('a');
  const third = scheduler.run('a');
  await settle();
  assert.equal(running.cancelled, false, 'nothing is cancelled before the await');
  preparations[0].done('settings');
  await second;
  assert.equal(fake.jobs.length, 1, 'a superseded run starts no job');
  assert.equal(running.cancelled, false);
  preparations[1].done('settings');
  await settle();
  assert.equal(running.cancelled, true, 'the latest run cancels the job still running');
  assert.equal(fake.jobs.length, 2);
  running.end({ kind: 'cancelled' });
  fake.jobs[1].end({ kind: 'done', result: 7 });
  await third;
  assert.deepEqual(fake.stored, [{ unit: 'a', result: 7 }]);
  assert.equal(fake.jobs.filter((j) => !j.cancelled).length, 1, 'no older job left running');
});

test('a failed job is no cancellation: the waiters are resolved, the failure is shown, and it is not retried', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('a', 0);
  const waiting = scheduler.settled('a');
  await clock.advance(0);
  fake.jobs[0].end({ kind: 'failed', reason: 'RangeError: Maximum call stack size exceeded', crashed: false });
  await waiting;
  assert.deepEqual(fake.failures, [{ unit: 'a', reason: 'RangeError: Maximum call stack size exceeded' }]);
  await clock.advance(1000);
  assert.equal(fake.jobs.length, 1);
  assert.equal(scheduler.idle('a'), true);
});

test('a crashed job resolves its waiters and is retried once; a new edit may be retried again', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  const crash = async (job: FakeJob) => {
    job.end({ kind: 'failed', reason: 'the analysis worker stopped (exit code 134)', crashed: true });
    await settle();
  };
  scheduler.schedule('a', 0);
  const waiting = scheduler.settled('a');
  await clock.advance(0);
  await crash(fake.jobs[0]);
  await waiting;
  assert.equal(fake.failures.length, 1);
  await clock.advance(0);
  assert.equal(fake.jobs.length, 2, 'retried');
  await crash(fake.jobs[1]);
  await clock.advance(1000);
  assert.equal(fake.jobs.length, 2, 'once');
  assert.equal(fake.failures.length, 2);
  assert.equal(scheduler.idle('a'), true);
  await scheduler.settled('a');
  fake.edit();
  scheduler.schedule('a', 0);
  await clock.advance(0);
  await crash(fake.jobs[2]);
  await clock.advance(0);
  assert.equal(fake.jobs.length, 4);
  fake.jobs[3].end({ kind: 'done', result: 1 });
  await settle();
  assert.deepEqual(fake.stored, [{ unit: 'a', result: 1 }]);
});

test('a throwing preparation fails the run instead of leaving it hanging', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  fake.host.prepare = () => Promise.reject(new Error('cannot read settings\nmore'));
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('a', 0);
  const waiting = scheduler.settled('a');
  await clock.advance(0);
  await waiting;
  assert.deepEqual(fake.failures, [{ unit: 'a', reason: 'cannot read settings' }]);
});

test('a removed unit has its job cancelled and its waiters resolved', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('a', 0);
  await clock.advance(0);
  const waiting = scheduler.settled('a');
  scheduler.remove('a');
  await waiting;
  assert.equal(fake.jobs[0].cancelled, true);
  fake.jobs[0].end({ kind: 'done', result: 0 });
  await settle();
  assert.deepEqual(fake.stored, []);
  assert.equal(clock.pending, 0);
});

test('waiters do not wait for a confirming run, but do for an edit', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  scheduler.schedule('a', 1000, { confirming: true });
  await scheduler.settled('a');
  scheduler.schedule('a', 150);
  let waited = false;
  void scheduler.settled('a').then(() => { waited = true; });
  await settle();
  assert.equal(waited, false);
  fake.jobs[0].end({ kind: 'done', result: 0 });
  await settle();
  assert.equal(waited, true);
});

test('a confirming run waits its delay, even after quiet; a change after quiet supersedes it at once', async () => {
  const clock = new FakeClock();
  const fake = fakeHost();
  const scheduler = new Scheduler(fake.host, clock);
  // a quick result was shown: the full analysis confirms it after a pause
  scheduler.schedule('a', 1000, { confirming: true });
  await clock.advance(999);
  assert.equal(fake.jobs.length, 0);
  await clock.advance(1);
  assert.equal(fake.jobs.length, 1);
  fake.jobs[0].end({ kind: 'done', result: 0 });
  await settle();
  scheduler.schedule('a', 1000, { confirming: true });
  await clock.advance(500);
  await changed(fake, scheduler);
  assert.equal(fake.jobs.length, 2, 'the change ran at once');
  assert.equal(fake.jobs[1].input, 1);
  let waited = false;
  void scheduler.settled('a').then(() => { waited = true; });
  fake.jobs[1].end({ kind: 'done', result: 1 });
  await clock.advance(1000);
  assert.equal(waited, true);
  assert.equal(fake.jobs.length, 2, 'the confirming run it superseded does not run');
  // typing goes on right after it: the change waits for quiet, not for the confirming delay
  scheduler.schedule('a', 1000, { confirming: true });
  await clock.advance(100);
  await changed(fake, scheduler);
  assert.equal(fake.jobs.length, 3, 'quiet since the last change');
  fake.edit();
  scheduler.schedule('a', 150);
  await clock.advance(149);
  assert.equal(fake.jobs.length, 3);
  await clock.advance(1);
  assert.equal(fake.jobs.length, 4);
  assert.equal(fake.jobs[3].input, 3);
});

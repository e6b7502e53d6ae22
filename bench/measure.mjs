// Measuring a cold process, shared by the benchmarks: wall time, CPU time, the child's own peak memory, its output.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.dirname(BENCH_DIR);
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const PEAK_RSS_PRELOAD = path.join(BENCH_DIR, 'peak-rss.cjs');

/** CPU milliseconds (Linux /proc, in clock ticks of 10 ms) of a process, or of its children that have exited; undefined elsewhere. */
export function cpuMs(pid, whose) {
  try {
    // after "pid (name) ": field 3 (state) comes first; utime, stime are fields 14, 15; cutime, cstime 16, 17
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ').map(Number);
    const field = (n) => fields[n - 3];
    return 10 * (whose === 'own' ? field(14) + field(15) : field(16) + field(17));
  } catch {
    return undefined;
  }
}

/**
 * Runs one node script as a cold process with the peak-RSS preload. stdout goes to a file (large JSON reports would
 * otherwise cost pipe reads in this process); returns wall time, CPU time (all its threads; Linux only), the child's
 * own peak RSS and its output.
 */
export function measure(script, args, timeoutSeconds, { cwd = REPO_ROOT, env = {} } = {}) {
  const scratch = path.join(RESULTS_DIR, `.run-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const stdoutFile = path.join(scratch, 'stdout');
  const rssFile = path.join(scratch, 'rss');
  rmSync(rssFile, { force: true });
  const stdout = openSync(stdoutFile, 'w');
  const cpuBefore = cpuMs(process.pid, 'children');
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', PEAK_RSS_PRELOAD, script, ...args], {
    cwd,
    stdio: ['ignore', stdout, 'pipe'],
    env: { ...process.env, ...env, API_SENTINEL_BENCH_RSS: rssFile },
    timeout: timeoutSeconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpuAfter = cpuMs(process.pid, 'children');
  closeSync(stdout);
  const output = readFileSync(stdoutFile, 'utf8');
  const peakKiB = existsSync(rssFile) ? ownPeak(readFileSync(rssFile, 'utf8'), child.pid) : undefined;
  rmSync(scratch, { recursive: true, force: true });
  const failure = child.error ? String(child.error.message)
    : child.signal ? `killed by ${child.signal}`
    : child.status > 1 ? `exit code ${child.status}: ${child.stderr.toString().trim().split('\n').slice(-3).join(' | ')}`
    : undefined;
  const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / 1000;
  return { seconds, cpuSeconds, peakMB: peakKiB === undefined ? undefined : peakKiB / 1024, output, failure };
}

/**
 * The peak of the measured process itself, among the "<pid> <KiB>" lines: a node process it forks with the same flags
 * writes one too, and so may each of its threads (the highest line of the pid is the process's peak).
 */
function ownPeak(text, pid) {
  let peak;
  for (const line of text.trim().split('\n')) {
    const [linePid, kib] = line.split(' ').map(Number);
    if (linePid === pid) peak = Math.max(peak ?? 0, kib);
  }
  return peak;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Time and memory of repeated runs: the medians, and the best (shortest) wall time. */
export function summarize(samples) {
  const failed = samples.find((s) => s.failure);
  if (failed) return { failure: failed.failure, samples: samples.map(sample) };
  const memory = samples.map((s) => s.peakMB).filter((m) => m !== undefined);
  const cpu = samples.map((s) => s.cpuSeconds).filter((c) => c !== undefined);
  return {
    seconds: median(samples.map((s) => s.seconds)),
    bestSeconds: Math.min(...samples.map((s) => s.seconds)),
    cpuSeconds: cpu.length ? median(cpu) : undefined,
    peakMB: memory.length ? median(memory) : undefined,
    output: samples[samples.length - 1].output,
    samples: samples.map(sample),
  };
}

const sample = ({ seconds, cpuSeconds, peakMB }) => ({ seconds, cpuSeconds, peakMB });

export function withoutOutput({ output, ...rest }) {
  void output;
  return rest;
}

export function machine() {
  const cpus = os.cpus();
  return { node: process.version, platform: `${os.platform()} ${os.release()}`, cpu: cpus[0]?.model, cpus: cpus.length, memoryGB: os.totalmem() / 1024 ** 3 };
}

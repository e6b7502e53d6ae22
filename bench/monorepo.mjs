// The review of a monorepo: N OpenAPI documents, copies of the corpus specs each in a service folder of its own,
// reviewed as a cold process on one thread (API_SENTINEL_WORKERS=1) and on the review's thread pool at its default
// size for this machine: wall time, CPU time (all threads) and peak memory of each, and the ratio of the wall times.
// Both runs must write the same report. `npm run bench` runs it after the per-spec reviews; alone:
//
//   node bench/monorepo.mjs [--corpus DIR] [--documents N] [--runs N] [--timeout SECONDS] [name-filter...]
//
// Without the corpus there is nothing to copy: the benchmark says so and is skipped.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpusSpecs, parseBenchArgs, usageExit } from './cli-options.mjs';
import { machine, measure, REPO_ROOT, RESULTS_DIR, summarize, withoutOutput } from './measure.mjs';

const OUR_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
export const MONOREPO_DOCUMENTS = 50;

export const MONOREPO_TARGETS = {
  /** The pool takes at most this fraction of the one-thread review's wall time. */
  pooledOverSerialTime: 0.9,
};

/** Copies the specs, in turn, into `documents` service folders under a new temporary root. */
function buildMonorepo(specs, documents) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'api-sentinel-bench-monorepo-'));
  let bytes = 0;
  for (let i = 0; i < documents; i++) {
    const spec = specs[i % specs.length];
    const folder = path.join(root, 'services', `service-${String(i + 1).padStart(2, '0')}`);
    mkdirSync(folder, { recursive: true });
    copyFileSync(spec.file, path.join(folder, spec.name));
    bytes += spec.bytes;
  }
  return { root, bytes };
}

/** One thread against the pool, interleaved so that a slow moment of the machine does not weigh on one side only. */
export function benchMonorepo(specs, { documents, runs, timeout }) {
  const { root, bytes } = buildMonorepo(specs, documents);
  try {
    process.stderr.write(`monorepo of ${documents} documents: one thread and the thread pool, ${runs} runs each...\n`);
    const runsOf = { serial: [], pooled: [] };
    for (let i = 0; i < runs; i++) {
      runsOf.serial.push(measure(OUR_CLI, ['review'], timeout, { cwd: root, env: { API_SENTINEL_WORKERS: '1' } }));
      // empty: the pool's default size, whatever the caller's environment says
      runsOf.pooled.push(measure(OUR_CLI, ['review'], timeout, { cwd: root, env: { API_SENTINEL_WORKERS: '' } }));
    }
    const serial = summarize(runsOf.serial);
    const pooled = summarize(runsOf.pooled);
    const sameReport = serial.failure || pooled.failure ? undefined : serial.output === pooled.output;
    const ratio = serial.seconds && pooled.seconds ? pooled.seconds / serial.seconds : undefined;
    const limit = MONOREPO_TARGETS.pooledOverSerialTime;
    return {
      documents, bytes, specs: specs.map((s) => s.name), cores: os.availableParallelism(), runs,
      serial: withoutOutput(serial), pooled: withoutOutput(pooled), sameReport,
      targets: [{ name: 'pool / one thread time', ratio, limit, atMost: true, met: ratio === undefined ? undefined : ratio <= limit }],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const seconds = (s) => (s === undefined ? '-' : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);
const megabytes = (mb) => (mb === undefined ? '-' : `${Math.round(mb)} MB`);

export function printMonorepo(r) {
  console.log(`\nmonorepo: ${r.documents} documents, copies of ${r.specs.join(', ')} (${(r.bytes / 1024 / 1024).toFixed(0)} MB); ${r.cores} cores`);
  const rows = [[`api-sentinel review, one thread (median of ${r.runs})`, r.serial], [`api-sentinel review, thread pool (median of ${r.runs})`, r.pooled]];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`  ${''.padEnd(width)}  ${'time'.padStart(8)}  ${'CPU'.padStart(8)}  ${'peak RSS'.padStart(8)}`);
  for (const [label, m] of rows) {
    if (m.failure) console.log(`  ${label.padEnd(width)}  FAILED: ${m.failure}`);
    else console.log(`  ${label.padEnd(width)}  ${seconds(m.seconds).padStart(8)}  ${seconds(m.cpuSeconds).padStart(8)}  ${megabytes(m.peakMB).padStart(8)}`);
  }
  if (r.sameReport === false) console.log('  THE REPORTS DIFFER');
  for (const t of r.targets) {
    const measured = t.ratio === undefined ? '-' : `${t.ratio.toFixed(2)}x`;
    const verdict = t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT MET';
    console.log(`  ${t.name.padEnd(24)} ${measured.padStart(7)}   target ${t.atMost ? '<=' : '>='} ${t.limit}x: ${verdict}`);
  }
}

/** Whether the benchmark failed: a run failed, the reports differ, or the target is missed. */
export function monorepoFailed(r) {
  return Boolean(r.serial.failure || r.pooled.failure || r.sameReport === false || r.targets.some((t) => t.met === false));
}

const USAGE = 'usage: node bench/monorepo.mjs [--corpus DIR] [--documents N] [--runs N] [--timeout SECONDS] [name-filter...]';

function main() {
  const options = parseBenchArgs(process.argv.slice(2), {
    usage: USAGE,
    defaults: { corpus: path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), documents: MONOREPO_DOCUMENTS, runs: 3, timeout: 900 },
    numbers: { '--documents': 'documents', '--runs': 'runs', '--timeout': 'timeout' },
  });
  if (!existsSync(OUR_CLI)) usageExit(USAGE, `${path.relative(REPO_ROOT, OUR_CLI)} is missing: run \`npm run build\` first`);
  if (!existsSync(options.corpus)) {
    console.log(`monorepo benchmark skipped: it copies the corpus specs, and ${options.corpus} does not exist`);
    return;
  }
  const result = benchMonorepo(corpusSpecs(options, USAGE), options);
  printMonorepo(result);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const when = new Date().toISOString();
  const out = path.join(RESULTS_DIR, `monorepo-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ date: when, machine: machine(), options, targets: MONOREPO_TARGETS, result }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  process.exitCode = monorepoFailed(result) ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();

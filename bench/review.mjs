// `npm run bench`: for each corpus spec, our cold review (whole process, `--format json`: the report with every quick
// fix) against a plain parse of the same file (the floor, a whole process too) and against the Spectral CLI with the
// OWASP ruleset (the peer), with time, peak memory and findings of each; then a monorepo of copies of the specs reviewed
// on one thread and on the thread pool (./monorepo.mjs). Our time against the floor's is the best of the runs of each
// side, interleaved: on a shared machine the best run is the one least disturbed by other work.
//
//   node bench/review.mjs [--corpus DIR] [--skip-peer] [--skip-monorepo] [--documents N] [--runs N] [--timeout SECONDS] [name-filter...]
//
// Name filters keep the specs whose file name contains one of them (e.g. `github`); the monorepo copies those. Results
// are printed as one table per spec and written as JSON to bench/results/. Exit 1 when a process fails or a target is
// missed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { corpusSpecs, parseBenchArgs, usageExit } from './cli-options.mjs';
import { machine, measure, REPO_ROOT, RESULTS_DIR, summarize, withoutOutput } from './measure.mjs';
import { benchMonorepo, MONOREPO_DOCUMENTS, monorepoFailed, printMonorepo } from './monorepo.mjs';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const OUR_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const SPECTRAL_CLI = path.join(REPO_ROOT, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js');
const SPECTRAL_RULESET = path.join(BENCH_DIR, 'spectral-owasp.yaml');

const TARGETS = {
  /** Our whole review (JSON report) takes at most this many times the plain parse, best run against best run. */
  oursOverFloorTime: 2.5,
  /** Spectral+OWASP takes at least this many times our time... */
  peerOverOursTime: 100,
  /** ...and at least this many times our peak memory. */
  peerOverOursMemory: 5,
};

const SPECTRAL_SEVERITIES = ['error', 'warning', 'info', 'hint'];

const USAGE = 'usage: node bench/review.mjs [--corpus DIR] [--skip-peer] [--skip-monorepo] [--documents N] [--runs N] [--timeout SECONDS] [name-filter...]';
const usage = (error) => usageExit(USAGE, error);

function parseArgs(argv) {
  return parseBenchArgs(argv, { usage: USAGE, defaults: { corpus: path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), skipPeer: false, skipMonorepo: false, documents: MONOREPO_DOCUMENTS, runs: 3, timeout: 900 }, flags: { '--skip-peer': 'skipPeer', '--skip-monorepo': 'skipMonorepo' }, numbers: { '--documents': 'documents', '--runs': 'runs', '--timeout': 'timeout' } });
}

function countBySeverity(severities) {
  const counts = { total: severities.length, error: 0, warning: 0, info: 0, hint: 0 };
  for (const s of severities) counts[s]++;
  return counts;
}

function ourFindings(output) {
  const report = JSON.parse(output);
  // A skipped spec would look fast: that is a failure of the review, not a result.
  if (report.summary.documents === 0) {
    throw new Error(`reviewed no OpenAPI document (${report.problems.map((p) => p.message).join('; ') || 'no problem reported'})`);
  }
  const active = report.findings.filter((f) => !f.suppressed);
  return { ...countBySeverity(active.map((f) => f.severity)), suppressed: report.findings.length - active.length, problems: report.problems.length };
}

function spectralFindings(output) {
  return countBySeverity(JSON.parse(output).map((r) => SPECTRAL_SEVERITIES[r.severity]));
}

function withFindings(result, count) {
  if (result.failure) return result;
  try {
    return { ...withoutOutput(result), findings: count(result.output) };
  } catch (error) {
    return { failure: error instanceof SyntaxError ? `unreadable JSON output: ${error.message}` : error.message, samples: result.samples };
  }
}

function benchSpec(spec, options) {
  process.stderr.write(`${spec.name}: our review and the floor, ${options.runs} runs each...\n`);
  const floor = path.join(BENCH_DIR, 'parse-floor.mjs');
  const runs = { ours: [], floor: [], jsonParse: [] };
  // the review's project root is its working folder: it reads nothing outside it
  const inCorpus = { cwd: path.dirname(spec.file) };
  // Interleaved, so that a slow moment of the machine does not weigh on one side only.
  for (let i = 0; i < options.runs; i++) {
    // the JSON report carries every quick fix: it costs more than the text report, which builds none
    runs.ours.push(measure(OUR_CLI, ['review', spec.name, '--format', 'json'], options.timeout, inCorpus));
    runs.floor.push(measure(floor, [spec.file], options.timeout));
    if (spec.json) runs.jsonParse.push(measure(floor, [spec.file, '--json-parse'], options.timeout));
  }
  const result = {
    spec: spec.name,
    bytes: spec.bytes,
    ours: withFindings(summarize(runs.ours), ourFindings),
    floor: withoutOutput(summarize(runs.floor)),
  };
  if (spec.json) result.jsonParse = withoutOutput(summarize(runs.jsonParse));
  if (!options.skipPeer) {
    process.stderr.write(`${spec.name}: Spectral + OWASP ruleset, once (minutes on large specs)...\n`);
    const peer = measure(SPECTRAL_CLI, ['lint', spec.file, '--ruleset', SPECTRAL_RULESET, '--format', 'json', '--quiet'], options.timeout);
    result.peer = withFindings(summarize([peer]), spectralFindings);
  }
  result.targets = targets(result);
  return result;
}

/** Each target with its measured ratio; `met` is undefined when a side is missing. */
function targets(r) {
  const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
  const list = [{
    name: 'ours / floor time (best)', ratio: ratio(r.ours.bestSeconds, r.floor.bestSeconds), limit: TARGETS.oursOverFloorTime, atMost: true,
  }];
  if (r.peer) {
    list.push(
      { name: 'Spectral / ours time', ratio: ratio(r.peer.seconds, r.ours.seconds), limit: TARGETS.peerOverOursTime, atMost: false },
      { name: 'Spectral / ours memory', ratio: ratio(r.peer.peakMB, r.ours.peakMB), limit: TARGETS.peerOverOursMemory, atMost: false },
    );
  }
  return list.map((t) => ({ ...t, met: t.ratio === undefined ? undefined : t.atMost ? t.ratio <= t.limit : t.ratio >= t.limit }));
}

const seconds = (s) => (s === undefined ? '-' : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);
const megabytes = (mb) => (mb === undefined ? '-' : `${Math.round(mb)} MB`);
const findings = (f) => (f ? `${f.total} (${f.error}/${f.warning}/${f.info}/${f.hint})` : '-');

function printSpec(r, options) {
  const rows = [
    [`api-sentinel review --format json (${options.runs} runs)`, r.ours],
    [`js-yaml load, the floor (${options.runs} runs)`, r.floor],
    ...(r.jsonParse ? [[`JSON.parse, for information (${options.runs} runs)`, r.jsonParse]] : []),
    ...(r.peer ? [['Spectral CLI + OWASP ruleset (once)', r.peer]] : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${r.spec} (${(r.bytes / 1024 / 1024).toFixed(1)} MB)`);
  console.log(`  ${''.padEnd(width)}  ${'best'.padStart(8)}  ${'median'.padStart(8)}  ${'CPU'.padStart(8)}  ${'peak RSS'.padStart(8)}  findings total (error/warning/info/hint)`);
  for (const [label, m] of rows) {
    if (m.failure) console.log(`  ${label.padEnd(width)}  FAILED: ${m.failure}`);
    else console.log(`  ${label.padEnd(width)}  ${seconds(m.bestSeconds).padStart(8)}  ${seconds(m.seconds).padStart(8)}  ${seconds(m.cpuSeconds).padStart(8)}  ${megabytes(m.peakMB).padStart(8)}  ${findings(m.findings)}`);
  }
  if (r.ours.cpuSeconds !== undefined && r.floor.cpuSeconds) {
    // CPU time (medians, every thread) is far less disturbed by other work on the machine than wall time
    console.log(`  ${'ours / floor CPU'.padEnd(24)} ${`${(r.ours.cpuSeconds / r.floor.cpuSeconds).toFixed(2)}x`.padStart(7)}   for information`);
  }
  if (r.ours.findings?.suppressed) console.log(`  (${r.ours.findings.suppressed} of our findings are suppressed in the spec and not counted)`);
  for (const t of r.targets) {
    const measured = t.ratio === undefined ? '-' : `${t.ratio.toFixed(t.ratio >= 10 ? 0 : 2)}x`;
    const verdict = t.met === undefined ? 'not measured' : t.met ? 'met' : 'NOT MET';
    console.log(`  ${t.name.padEnd(24)} ${measured.padStart(7)}   target ${t.atMost ? '<=' : '>='} ${t.limit}x: ${verdict}`);
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(OUR_CLI)) usage(`${path.relative(REPO_ROOT, OUR_CLI)} is missing: run \`npm run build\` first`);
  if (!options.skipPeer && !existsSync(SPECTRAL_CLI)) usage('@stoplight/spectral-cli is not installed: run `npm ci`, or pass --skip-peer');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const results = [];
  const specs = corpusSpecs(options, USAGE);
  for (const spec of specs) {
    const result = benchSpec(spec, options);
    printSpec(result, options);
    results.push(result);
  }
  const monorepo = options.skipMonorepo ? undefined : benchMonorepo(specs, options);
  if (monorepo) printMonorepo(monorepo);
  const when = new Date().toISOString();
  const out = path.join(RESULTS_DIR, `review-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ date: when, machine: machine(), options, targets: TARGETS, results, monorepo }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  const failed = results.some((r) => [r.ours, r.floor, r.jsonParse, r.peer].some((m) => m?.failure));
  const missed = results.some((r) => r.targets.some((t) => t.met === false));
  process.exitCode = failed || missed || (monorepo && monorepoFailed(monorepo)) ? 1 : 0;
}

main();

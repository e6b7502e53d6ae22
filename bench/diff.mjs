// `npm run bench` (first) and `npm run bench:diff`: for each corpus spec, `review --diff main` against a plain review of
// the same spec, both as cold processes, in a temporary git repository whose branch adds an operation to the spec. A
// comparison reviews two revisions (the merge base is read through git), so it should cost about twice a plain review:
// two analyses, no more.
//
//   node bench/diff.mjs [--corpus DIR] [--runs N] [--timeout SECONDS] [name-filter...]
//
// Results are printed as one table and written as JSON to bench/results/. Exit 1 when a process fails or the target is missed.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusSpecs, parseBenchArgs, usageExit } from './cli-options.mjs';
import { median } from './measure.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(BENCH_DIR);
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const OUR_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** `review --diff` takes at most this many times a plain review ("about twice": two analyses, and git's reads). */
const TARGET_DIFF_OVER_PLAIN = 2.2;

const USAGE = 'usage: node bench/diff.mjs [--corpus DIR] [--runs N] [--timeout SECONDS] [name-filter...]';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull,
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com',
};

function git(cwd, ...args) {
  execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'ignore' });
}

/** The spec with one more operation, inserted as the first entry of `paths` in the file's own indentation. */
function withAddedOperation(text, json) {
  if (json) {
    const at = /"paths"\s*:\s*\{/.exec(text);
    if (!at) throw new Error('no "paths" object found');
    const added = '"/bench-added/{id}": {"delete": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"204": {"description": "Deleted"}}}},';
    return text.slice(0, at.index + at[0].length) + added + text.slice(at.index + at[0].length);
  }
  const at = /^paths:[ \t]*\r?\n([ \t]+)/m.exec(text);
  if (!at) throw new Error('no block-style "paths:" found');
  const i = at[1];
  const added = [
    '/bench-added/{id}:', `${i}delete:`, `${i}${i}parameters:`,
    `${i}${i}${i}- { name: id, in: path, required: true, schema: { type: integer } }`,
    `${i}${i}responses:`, `${i}${i}${i}"204": { description: Deleted }`,
  ].map((line) => `${i}${line}\n`).join('');
  const start = at.index + at[0].length - i.length;
  return text.slice(0, start) + added + text.slice(start);
}

/** A repository in a temporary folder: the spec committed on `main`, and a branch `feature` that adds an operation. */
function repositoryFor(spec) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'api-sentinel-bench-diff-'));
  const name = path.basename(spec.file);
  copyFileSync(spec.file, path.join(root, name));
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'add', name);
  git(root, 'commit', '--quiet', '--message', 'base');
  git(root, 'checkout', '--quiet', '-b', 'feature');
  writeFileSync(path.join(root, name), withAddedOperation(readFileSync(spec.file, 'utf8'), spec.json));
  git(root, 'commit', '--quiet', '--all', '--message', 'an operation');
  return { root, name };
}

/** One cold run of the CLI: wall time, and its exit code and output (a review exits 1 when it has findings). */
function timeRun(args, cwd, timeoutSeconds) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [OUR_CLI, ...args], { cwd, encoding: 'utf8', timeout: timeoutSeconds * 1000, maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const failure = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : run.status > 1 ? `exit code ${run.status}: ${run.stderr.trim()}` : undefined;
  return { seconds, failure, stdout: run.stdout };
}

function benchSpec(spec, options) {
  process.stderr.write(`${spec.name}: a plain review and review --diff, ${options.runs} runs each...\n`);
  const { root, name } = repositoryFor(spec);
  try {
    const plain = [];
    const diff = [];
    // interleaved, so that a slow moment of the machine does not weigh on one side only
    for (let i = 0; i < options.runs; i++) {
      plain.push(timeRun(['review', name], root, options.timeout));
      diff.push(timeRun(['review', '--diff', 'main', name], root, options.timeout));
    }
    const failure = [...plain, ...diff].find((r) => r.failure)?.failure
      ?? (/^Compared with the merge base of 'main'/.test(diff[0].stdout) ? undefined : `unexpected --diff output: ${diff[0].stdout.slice(0, 200)}`);
    if (failure) return { spec: spec.name, bytes: spec.bytes, failure };
    const result = { spec: spec.name, bytes: spec.bytes, plainSeconds: median(plain.map((r) => r.seconds)), diffSeconds: median(diff.map((r) => r.seconds)) };
    result.ratio = result.diffSeconds / result.plainSeconds;
    result.met = result.ratio <= TARGET_DIFF_OVER_PLAIN;
    result.counts = /: (\d+ new, \d+ fixed, \d+ unchanged)/.exec(diff[0].stdout)?.[1];
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const seconds = (s) => (s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);

function main() {
  const options = parseBenchArgs(process.argv.slice(2), {
    usage: USAGE, defaults: { corpus: path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), runs: 3, timeout: 900 }, numbers: { '--runs': 'runs', '--timeout': 'timeout' },
  });
  if (!existsSync(OUR_CLI)) usageExit(USAGE, `${path.relative(REPO_ROOT, OUR_CLI)} is missing: run \`npm run build\` first`);
  const results = corpusSpecs(options, USAGE).map((spec) => benchSpec(spec, options));
  const width = Math.max(...results.map((r) => r.spec.length));
  console.log(`\nreview --diff main against a plain review (medians of ${options.runs} cold runs; target: at most ${TARGET_DIFF_OVER_PLAIN}x)`);
  console.log(`  ${'spec'.padEnd(width)}  ${'plain'.padStart(8)}  ${'--diff'.padStart(8)}  ${'ratio'.padStart(6)}  verdict   --diff found`);
  for (const r of results) {
    if (r.failure) { console.log(`  ${r.spec.padEnd(width)}  FAILED: ${r.failure}`); continue; }
    console.log(`  ${r.spec.padEnd(width)}  ${seconds(r.plainSeconds).padStart(8)}  ${seconds(r.diffSeconds).padStart(8)}  ${`${r.ratio.toFixed(2)}x`.padStart(6)}  ${(r.met ? 'met' : 'NOT MET').padEnd(8)}  ${r.counts}`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const when = new Date().toISOString();
  const out = path.join(RESULTS_DIR, `diff-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ date: when, node: process.version, cpus: os.cpus().length, options, target: TARGET_DIFF_OVER_PLAIN, results }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  process.exitCode = results.some((r) => r.failure || !r.met) ? 1 : 0;
}

main();

import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  analyze, codeCandidates, compareFindings, compareProblems, correlationCandidates, parseConfig, resolveConfig, CHECKS, CHECK_IDS, CONFIG_FILE,
  type Problem, type ResolvedConfig,
} from '../engine';
import { codeFrontend } from '../workspace/code-frontend';
import { discoverFiles } from '../workspace/discover';
import { ioReason, MAX_CONFIG_BYTES, readTextFile } from '../workspace/files';
import { relativePath } from '../workspace/paths';
import type { ReviewOptions } from './args';
import { compareWithBase, reviewBase } from './compare';
import { CliError } from './errors';
import { writeExtras } from './extras';
import { format, showsFixes } from './formatters';
import { enoughDocumentsForPool, poolThreads, reviewInPool, type PoolRequest, type ReviewResult } from './pool';
import { Progress } from './progress';
import { CliReader } from './reader';
import { exitCode, type Review } from './report';

/**
 * `api-sentinel review` (and `baseline create`): discovers files, runs the engine, compares with the base of
 * `--diff` or `--baseline` when given, writes the report; returns the exit code.
 */
export async function review(options: ReviewOptions, root = process.cwd()): Promise<number> {
  const { config, problems: configProblems } = loadConfig(root, options.config);
  const { files, explicit, errors } = discoverFiles(options.paths, root, config, { code: true });
  if (errors.length > 0) throw new CliError(`cannot review '${errors[0].path}': ${errors[0].reason}`);
  const base = await reviewBase(options, root, config);
  const progress = new Progress(process.stderr, new Set(files));
  // only JSON and SARIF show fixes: skip building them for the other formats
  const request: PoolRequest = { root, files, explicit, config, fixes: showsFixes(options.format) };
  const result = await analyzeFiles(request, progress).finally(() => progress.done());
  const outcome: Review = compareWithBase({
    root,
    findings: result.findings,
    problems: [...configProblems, ...result.problems],
    documents: result.documents,
    routes: result.routes,
    frontends: result.frontends,
  }, base);
  writeReport(format(outcome, options.format, { color: !options.output && colorAllowed(process.stdout), minSeverity: options.minSeverity }), options.output);
  writeExtras(outcome, options);
  return exitCode(outcome, options.failOn);
}

/**
 * Many OpenAPI documents are analysed on a pool of threads; a few, or a review the pool cannot give exactly as one
 * analysis would, on this thread. Beside route code, the pool reviews the documents with the checks that read specs
 * alone, while this thread reads the code, with the documents that may pair with it, for the checks that read code.
 */
async function analyzeFiles(request: PoolRequest, progress: Progress): Promise<ReviewResult> {
  const { root, files, config } = request;
  const reader = new CliReader({ root, allowRemote: config.allowRemoteRefs, onRead: (location) => progress.fileRead(location) });
  const single = () => analyze({ ...request, reader, frontends: { code: codeFrontend } });
  const threads = poolThreads();
  const code = new Set(codeCandidates(request));
  const documents = files.filter((file) => !code.has(file));
  if (threads <= 1 || !enoughDocumentsForPool(documents, root, config.maxFileSize)) return single();
  const pool = { threads, onFileDone: (file: string) => progress.fileRead(file) };
  if (code.size === 0) return (await reviewInPool(request, pool)) ?? single();
  const [specs, paired] = await Promise.all([
    reviewInPool({ ...request, files: documents }, pool),
    analyze({ ...request, files: correlationCandidates(request), reader, checks: CODE_CHECKS, frontends: { code: codeFrontend } }),
  ]);
  return specs ? joinReviews(specs, paired) : single();
}

/** The checks that read code (alone, or beside specs). */
const CODE_CHECKS = CHECKS.filter((check) => check.meta.needs.includes('code'));

/**
 * The review of the documents by the spec checks, joined with the review of the code and its paired documents by the
 * code checks, as one analysis reports them: the two ran different checks, and the documents both read gave both the
 * same problems (kept once).
 */
function joinReviews(specs: ReviewResult, code: ReviewResult): ReviewResult {
  const problemKey = (problem: Problem) => JSON.stringify([problem.file, problem.code, problem.message, problem.range]);
  const known = new Set(specs.problems.map(problemKey));
  return {
    findings: [...specs.findings, ...code.findings].sort(compareFindings),
    problems: [...specs.problems, ...code.problems.filter((problem) => !known.has(problemKey(problem)))].sort(compareProblems),
    documents: specs.documents,
    routes: code.routes,
    frontends: code.frontends.includes('spec') ? code.frontends : ['spec', ...code.frontends],
  };
}

/** `--config FILE` (must exist), else `.api-sentinel.yaml` in the root when present. Invalid entries become problems. */
export function loadConfig(root: string, given: string | undefined): { config: ResolvedConfig; problems: Problem[] } {
  const file = path.resolve(root, given ?? CONFIG_FILE);
  if (given === undefined && !existsSync(file)) return { config: resolveConfig(), problems: [] };
  // the file named on the command line is the user's; the one found in the checkout is read like any other file in it
  const text = readTextFile(file, given === undefined ? root : path.dirname(file), MAX_CONFIG_BYTES);
  if (typeof text !== 'string') {
    throw new CliError(`cannot read the configuration file '${given ?? CONFIG_FILE}': ${text?.reason ?? 'no such file or folder'}`);
  }
  const { config, problems } = parseConfig(text, relativePath(root, file), CHECK_IDS);
  return { config: resolveConfig(config), problems };
}

/** Colors only on a terminal, unless NO_COLOR forbids them or FORCE_COLOR asks for them (https://no-color.org). */
export function colorAllowed(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

export function writeReport(pieces: readonly string[], output: string | undefined): void {
  if (!output) {
    for (const bytes of reportChunks(pieces)) process.stdout.write(bytes);
    return;
  }
  try {
    mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
    const file = openSync(output, 'w');
    try {
      for (const bytes of reportChunks(pieces)) writeFileSync(file, bytes);
    } finally {
      closeSync(file);
    }
  } catch (error) {
    throw new CliError(`cannot write '${output}': ${ioReason(error)}`);
  }
}

/**
 * Characters of a report encoded at once. Joined into one string and encoded into one buffer, Stripe's 7 MB report
 * took about 20 MB of memory the process had not touched before, some 5,000 page faults, each of which costs
 * more than the encoding itself on a virtual machine; chunks of this size (64 KB of UTF-16 at most, past their last
 * piece) reuse the same memory.
 */
const CHUNK_CHARS = 32 * 1024;

/** A report's pieces as UTF-8, in chunks of about CHUNK_CHARS characters, in order. */
export function* reportChunks(pieces: readonly string[]): Generator<Buffer> {
  let first = 0;
  let length = 0;
  for (let i = 0; i < pieces.length; i++) {
    length += pieces[i].length;
    if (length >= CHUNK_CHARS || i === pieces.length - 1) {
      yield reportBytes(pieces.slice(first, i + 1).join(''));
      first = i + 1;
      length = 0;
    }
  }
}

export function reportBytes(text: string): Buffer {
  return Buffer.from(text, Buffer.byteLength(text) === text.length ? 'latin1' : 'utf8');
}

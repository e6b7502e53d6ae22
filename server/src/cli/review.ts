import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, parseConfig, resolveConfig, CHECK_IDS, CONFIG_FILE, type Problem, type ResolvedConfig } from '../engine';
import { discoverFiles } from '../workspace/discover';
import { ioReason, readTextFile } from '../workspace/files';
import { relativePath } from '../workspace/paths';
import type { ReviewOptions } from './args';
import { CliError } from './errors';
import { format } from './formatters';
import { Progress } from './progress';
import { CliReader } from './reader';
import { exitCode, type Review } from './report';

/** A configuration file is small: a larger one is refused rather than read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** `api-sentinel review`: discovers files, runs the engine, writes the report; returns the exit code. */
export async function review(options: ReviewOptions, root = process.cwd()): Promise<number> {
  const { config, problems: configProblems } = loadConfig(root, options.config);
  const { files, explicit, errors } = discoverFiles(options.paths, root, config);
  if (errors.length > 0) throw new CliError(`cannot review '${errors[0].path}': ${errors[0].reason}`);
  const progress = new Progress(process.stderr, new Set(files));
  const reader = new CliReader({ root, allowRemote: config.allowRemoteRefs, onRead: (location) => progress.fileRead(location) });
  // the text report shows no fixes: skip building them
  const result = await analyze({ root, files, explicit, reader, config, fixes: options.format !== 'text' }).finally(() => progress.done());
  const outcome: Review = {
    root,
    findings: result.findings,
    problems: [...configProblems, ...result.problems],
    documents: result.documents,
  };
  writeReport(format(outcome, options.format, { color: !options.output && colorAllowed(process.stdout), minSeverity: options.minSeverity }), options.output);
  return exitCode(outcome, options.failOn);
}

/** `--config FILE` (must exist), else `.api-sentinel.yaml` in the root when present. Invalid entries become problems. */
function loadConfig(root: string, given: string | undefined): { config: ResolvedConfig; problems: Problem[] } {
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
function colorAllowed(stream: { isTTY?: boolean }): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

function writeReport(text: string, output: string | undefined): void {
  if (!output) { process.stdout.write(text); return; }
  try {
    mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
    writeFileSync(output, text);
  } catch (error) {
    throw new CliError(`cannot write '${output}': ${ioReason(error)}`);
  }
}

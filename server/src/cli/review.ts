import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, parseConfig, resolveConfig, CHECK_IDS, CONFIG_FILE, type Problem, type ResolvedConfig } from '../engine';
import type { ReviewOptions } from './args';
import { discoverFiles } from './discover';
import { CliError, ioReason, NOT_FOUND } from './errors';
import { format } from './formatters';
import { relativePath } from './paths';
import { Progress } from './progress';
import { CliReader } from './reader';
import { exitCode, type Review } from './report';

/** `api-sentinel review`: discovers files, runs the engine, writes the report; returns the exit code. */
export async function review(options: ReviewOptions, root = process.cwd()): Promise<number> {
  const { config, problems: configProblems } = loadConfig(root, options.config);
  const { files, explicit } = discoverFiles(options.paths, root, config);
  const progress = new Progress(process.stderr, new Set(files));
  const reader = new CliReader({ allowRemote: config.allowRemoteRefs, onRead: (location) => progress.fileRead(location) });
  // the text report shows no fixes: skip building them
  const result = await analyze({ root, files, explicit, reader, config, fixes: options.format !== 'text' }).finally(() => progress.done());
  const outcome: Review = {
    root,
    findings: result.findings,
    problems: [...configProblems, ...explainUnreadable(result.problems, reader.failures, root)],
    documents: result.documents,
  };
  writeReport(format(outcome, options.format, !options.output && colorAllowed(process.stdout)), options.output);
  return exitCode(outcome, options.failOn);
}

/** `--config FILE` (must exist), else `.api-sentinel.yaml` in the root when present. Invalid entries become problems. */
function loadConfig(root: string, given: string | undefined): { config: ResolvedConfig; problems: Problem[] } {
  const file = path.resolve(root, given ?? CONFIG_FILE);
  if (given === undefined && !existsSync(file)) return { config: resolveConfig(), problems: [] };
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (error) {
    throw new CliError(`cannot read the configuration file '${given ?? CONFIG_FILE}': ${ioReason(error)}`);
  }
  const { config, problems } = parseConfig(text, relativePath(root, file), CHECK_IDS);
  return { config: resolveConfig(config), problems };
}

/**
 * The engine only learns that a file could not be read; the reader knows why (permission denied, HTTP 404, timeout...).
 * The reason joins the engine's problem for that file, or becomes one of its own (a remote $ref target); a missing local
 * file needs none, the engine reports it at the $ref.
 */
function explainUnreadable(problems: Problem[], failures: ReadonlyMap<string, string>, root: string): Problem[] {
  const reasons = new Map([...failures].map(([location, reason]) => [relativePath(root, location), reason]));
  const explained = problems.map((p) => {
    const reason = p.code === 'file-unreadable' ? reasons.get(p.file) : undefined;
    if (reason === undefined) return p;
    reasons.delete(p.file);
    return { ...p, message: `${p.message}: ${reason}` };
  });
  for (const [file, reason] of reasons) {
    if (reason !== NOT_FOUND) explained.push({ file, severity: 'error', code: 'file-unreadable', message: `Cannot read the file: ${reason}` });
  }
  return explained;
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

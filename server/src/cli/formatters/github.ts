/**
 * `--format github`: GitHub Actions workflow commands (`::error file=...,line=...::message`), which GitHub shows as
 * annotations on those lines of the pull request, then one plain line with the counts. The Markdown report goes to the
 * job summary (`job-summary.ts`).
 */
import * as path from 'node:path';
import type { Finding, Problem, Range, Severity } from '../../engine';
import { visible } from '../../text/escape';
import { isInside } from '../../workspace/files';
import { isUrl } from '../../workspace/paths';
import { changeCounts, describeBase, summarize, type Review } from '../report';

export interface GithubOptions {
  /** `$GITHUB_WORKSPACE`: annotation paths are relative to it (the repository), even when the review runs in a subfolder. */
  workspace?: string;
}

type Command = 'error' | 'warning' | 'notice';
const COMMAND: Record<Severity, Command> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** A command's message: the runner decodes %25, %0D and %0A, so no text can end the line and start a command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as a message, and `:` and `,` too, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command; file-derived text is made visible first (the log would render control sequences). */
function command(name: Command, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(visible(String(value)))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(visible(message))}\n`;
}

/** Lines from 1; columns only on a one-line range (GitHub ignores them otherwise), the end column inclusive. */
function position(range: Range | undefined) {
  if (!range) return {};
  const lines = { line: range.start.line + 1, endLine: range.end.line + 1 };
  if (range.start.line !== range.end.line) return lines;
  return { ...lines, col: range.start.character + 1, endColumn: Math.max(range.end.character, range.start.character + 1) };
}

/** The annotations of a review: its problems, and its findings (the new ones, compared with a base) not suppressed. */
export function formatGithub(review: Review, options: GithubOptions = {}): string {
  const file = (relative: string) => annotationPath(review.root, relative, options.workspace);
  let out = '';
  for (const p of review.problems) out += problemCommand(p, file);
  for (const f of review.findings) if (!f.suppressed) out += findingCommand(f, file);
  const { changes } = review;
  const counts = changes
    ? `${changeCounts(review, changes)}, compared with ${describeBase(changes.base)}`
    : `${summarize(review).findings} findings`;
  return `${out}API Sentinel: ${visible(counts)}, ${review.problems.length} problems\n`;
}

function findingCommand(f: Finding, file: (relative: string) => string | undefined): string {
  const owasp = f.owasp.length > 0 ? ` (OWASP ${f.owasp.join(', ')})` : '';
  return command(COMMAND[f.severity], { file: file(f.file), ...position(f.range), title: f.ruleId }, `${f.message}${owasp}`);
}

function problemCommand(p: Problem, file: (relative: string) => string | undefined): string {
  return command(COMMAND[p.severity], { file: p.file ? file(p.file) : undefined, ...position(p.range), title: p.code }, p.message);
}

/** A file as GitHub names it: relative to the workspace when the review's root is inside it; a remote file has none. */
function annotationPath(root: string, relative: string, workspace: string | undefined): string | undefined {
  if (isUrl(relative)) return undefined;
  if (!workspace || !isInside(root, workspace)) return relative;
  return path.relative(workspace, path.join(root, relative)).split(path.sep).join('/');
}

/**
 * Baselines: today's findings by identity (rule, file, anchor) in a small, sorted JSON file, reviewed like code, so
 * that a project adopting API Sentinel fails its build on new findings only (`review --baseline FILE`).
 */
import * as path from 'node:path';
import type { ResolvedConfig } from '../engine';
import { printableJson } from '../text/escape';
import { NOT_FOUND, readTextFile } from '../workspace/files';
import { TOOL_NAME } from './about';
import type { BaseReview } from './compare';
import { CliError } from './errors';
import type { BaselineEntry, Review } from './report';

const BASELINE_VERSION = 1;

/**
 * The baseline file of a review: its findings, sorted by file, rule and anchor. Suppressed ones are in it too, as
 * `--diff` matches them: a finding that was there when the baseline was made is never new.
 */
export function formatBaseline(review: Review): string {
  const findings: BaselineEntry[] = review.findings
    .map(({ ruleId, file, anchor, message }) => ({ ruleId, file, anchor, message }))
    .sort(byIdentity);
  return `${printableJson({ version: BASELINE_VERSION, tool: TOOL_NAME, findings }, 2)}\n`;
}

/** Code unit order, the same on every machine and locale. */
function byIdentity(a: BaselineEntry, b: BaselineEntry): number {
  for (const key of ['file', 'ruleId', 'anchor'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  return 0;
}

/** `--baseline FILE` (relative to the root): its entries, or a CliError that says what is wrong with it. */
export function baselineFindings(file: string, root: string, config: ResolvedConfig): BaseReview {
  const absolute = path.resolve(root, file);
  // the file named on the command line is the user's, like --config
  const text = readTextFile(absolute, path.dirname(absolute), config.maxFileSize);
  if (typeof text !== 'string') throw new CliError(`cannot read the baseline '${file}': ${text?.reason ?? NOT_FOUND}`);
  let entries: BaselineEntry[];
  try {
    entries = parseBaseline(text);
  } catch (error) {
    throw new CliError(`the baseline '${file}' is not valid: ${(error as Error).message}`, "Create one with 'api-sentinel baseline create --output <file>'.");
  }
  return { against: { kind: 'baseline', file, entries: entries.length }, findings: entries };
}

/** The entries of a baseline file's text; an Error names the first thing wrong. */
export function parseBaseline(text: string): BaselineEntry[] {
  let value: unknown;
  try { value = JSON.parse(text); } catch (error) { throw new Error(`invalid JSON (${(error as Error).message})`); }
  if (!isRecord(value)) throw new Error('it is not a JSON object');
  if (value.tool !== TOOL_NAME) throw new Error(`"tool" is not "${TOOL_NAME}"`);
  if (value.version !== BASELINE_VERSION) throw new Error(`"version" ${JSON.stringify(value.version)} is not supported (this version reads ${BASELINE_VERSION})`);
  if (!Array.isArray(value.findings)) throw new Error('"findings" is not a list');
  return value.findings.map((entry: unknown, i: number) => {
    if (!isRecord(entry)) throw new Error(`findings[${i}] is not an object`);
    for (const key of ['ruleId', 'file', 'anchor'] as const) {
      if (typeof entry[key] !== 'string') throw new Error(`findings[${i}].${key} is not a string`);
    }
    if (entry.message !== undefined && typeof entry.message !== 'string') throw new Error(`findings[${i}].message is not a string`);
    return { ruleId: entry.ruleId as string, file: entry.file as string, anchor: entry.anchor as string, message: (entry.message as string | undefined) ?? '' };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

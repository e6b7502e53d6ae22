/** What a review writes besides its report: GitHub's job summary, and a line on stderr after `baseline create`. */
import { appendFileSync } from 'node:fs';
import { visible } from '../text/escape';
import { ioReason } from '../workspace/files';
import type { ReviewOptions } from './args';
import { CliError } from './errors';
import { formatMarkdown } from './formatters/markdown';
import { plural } from '../text/plural';
import type { Review } from './report';

export interface ExtrasEnvironment {
  /** `$GITHUB_STEP_SUMMARY`: the file whose Markdown GitHub shows on the run's page. */
  stepSummary?: string;
  stderr: { write(text: string): unknown };
}

export function writeExtras(
  review: Review, options: ReviewOptions,
  environment: ExtrasEnvironment = { stepSummary: process.env.GITHUB_STEP_SUMMARY, stderr: process.stderr },
): void {
  if (options.format === 'github' && environment.stepSummary) {
    try {
      appendFileSync(environment.stepSummary, formatMarkdown(review));
    } catch (error) {
      throw new CliError(`cannot write the job summary '${environment.stepSummary}': ${ioReason(error)}`);
    }
  }
  if (options.format === 'baseline') environment.stderr.write(baselineNote(review, options.output));
}

/** How many findings a new baseline holds, and whether problems kept findings out of it. */
function baselineNote(review: Review, output: string | undefined): string {
  const where = output ? ` (${visible(output)})` : '';
  let note = `api-sentinel: the baseline${where} holds ${plural(review.findings.length, 'finding')}\n`;
  if (review.problems.length > 0) {
    note += `api-sentinel: ${plural(review.problems.length, 'problem')} (files not read or parsed) may hide findings that the baseline does not hold: run 'api-sentinel review' to see them\n`;
  }
  return note;
}

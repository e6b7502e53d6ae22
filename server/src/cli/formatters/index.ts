import type { Format } from '../args';
import { formatBaseline } from '../baseline';
import type { Review } from '../report';
import { formatGithub } from './github';
import { formatJson } from './json';
import { formatMarkdown } from './markdown';
import { formatSarif } from './sarif';
import { formatText, type TextOptions } from './text';

/**
 * The report in the chosen format, as pieces of text to write in order (the JSON report's thousands of pieces are
 * never joined: see `writeReport`). Colors and the least severity listed apply to text only: JSON, SARIF, GitHub
 * annotations, Markdown and baselines hold every finding. GitHub annotations name files relative to
 * `$GITHUB_WORKSPACE` when it is set.
 */
export function format(review: Review, as: Format, text: TextOptions): readonly string[] {
  switch (as) {
    case 'json': return formatJson(review);
    case 'sarif': return [formatSarif(review)];
    case 'text': return [formatText(review, text)];
    case 'github': return [formatGithub(review, { workspace: process.env.GITHUB_WORKSPACE })];
    case 'markdown': return [formatMarkdown(review)];
    case 'baseline': return [formatBaseline(review)];
  }
}

/** Whether a format shows quick fixes: the engine builds them only then. */
export function showsFixes(as: Format): boolean {
  return as === 'json' || as === 'sarif';
}

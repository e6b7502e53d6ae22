import type { Format } from '../args';
import type { Review } from '../report';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatText, type TextOptions } from './text';

/**
 * The report in the chosen format. Colors and the least severity listed apply to text only: JSON and SARIF hold
 * every finding.
 */
export function format(review: Review, as: Format, text: TextOptions): string {
  switch (as) {
    case 'json': return formatJson(review);
    case 'sarif': return formatSarif(review);
    case 'text': return formatText(review, text);
  }
}

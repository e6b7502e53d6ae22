import type { Format } from '../args';
import type { Review } from '../report';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatText } from './text';

/** The report in the chosen format. Colors apply to text only, and only when the caller allows them. */
export function format(review: Review, as: Format, color: boolean): string {
  switch (as) {
    case 'json': return formatJson(review);
    case 'sarif': return formatSarif(review);
    case 'text': return formatText(review, { color });
  }
}

/** `--diff` and `--baseline`: what a review is compared with, and the review narrowed to what it adds. */
import { findingKey, type OperationRef, type ResolvedConfig } from '../engine';
import { branchChanges } from '../workspace/branch';
import type { ReviewOptions } from './args';
import { baselineFindings } from './baseline';
import { mergeBaseFindings } from './diff';
import { isWholeFinding, type BaseFinding, type ComparisonBase, type Review, type Widened } from './report';

/** The findings of the base a review is compared with. */
export interface BaseReview { against: ComparisonBase; findings: BaseFinding[] }

/**
 * What `--diff` or `--baseline` compares the review with, read before the review runs so that a wrong ref or an
 * invalid baseline fails at once; undefined without either.
 */
export async function reviewBase(options: ReviewOptions, root: string, config: ResolvedConfig): Promise<BaseReview | undefined> {
  if (options.diff !== undefined) return mergeBaseFindings(options.diff, options.paths, root, config);
  if (options.baseline !== undefined) return baselineFindings(options.baseline, root, config);
  return undefined;
}

function operationKey(op: OperationRef): string { return `${op.method.toUpperCase()} ${op.path}`; }

/**
 * The review with only its new findings, and `changes`: the unchanged ones (by identity: `branchChanges`), those of them
 * that gained operations, and what the base had that is gone. Without a base, the review as it is.
 */
export function compareWithBase(review: Review, base: BaseReview | undefined): Review {
  if (!base) return review;
  const { added, fixed } = branchChanges<BaseFinding>(base.findings, review.findings);
  const isNew = new Set<BaseFinding>(added);
  const before = new Map(base.findings.map((f) => [findingKey(f), f]));
  const unchanged = review.findings.filter((f) => !isNew.has(f));
  const widened: Widened[] = [];
  for (const finding of unchanged) {
    if (finding.suppressed) continue;
    const known = before.get(findingKey(finding));
    // a baseline entry records no operations
    if (!known || !isWholeFinding(known)) continue;
    const seen = new Set(known.operations.map(operationKey));
    const operations = finding.operations.filter((op) => !seen.has(operationKey(op)));
    if (operations.length > 0) widened.push({ finding, operations });
  }
  return {
    ...review,
    findings: review.findings.filter((f) => isNew.has(f)),
    changes: { base: base.against, unchanged, widened, fixed },
  };
}

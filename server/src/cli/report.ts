import { SEVERITY_RANK, type Finding, type Need, type OperationRef, type Problem, type Route, type Severity } from '../engine';
import type { FailLevel } from './args';
import { plural } from '../text/plural';

/** Everything a formatter needs from one review. */
export interface Review {
  /** Absolute project root: files are relative to it. */
  root: string;
  findings: Finding[];
  problems: Problem[];
  /** OpenAPI documents reviewed, relative to the root. */
  documents: string[];
  /** The routes read from code. */
  routes?: Route[];
  /** The frontends that ran (`code` only when there was route code to read). */
  frontends?: Need[];
  /** With `--diff` or `--baseline`: how the findings compare with the base; `findings` then holds the new ones only. */
  changes?: Changes;
}

/** A baseline entry: a finding's identity (rule, file, anchor), and its message for the reader, never matched. */
export interface BaselineEntry { ruleId: string; file: string; anchor: string; message: string }

/** A finding of the base: a whole finding at the merge base, or a baseline entry. */
export type BaseFinding = Finding | BaselineEntry;

export function isWholeFinding(f: BaseFinding): f is Finding { return 'family' in f; }

/** What the findings were compared with. */
export type ComparisonBase =
  /** `--diff <ref>`: the merge base of HEAD and the ref, and the problems its review met (they may hide findings). */
  | { kind: 'merge-base'; ref: string; commit: string; problems: Problem[] }
  | { kind: 'baseline'; file: string; entries: number };

/**
 * A finding the base had too, at the same place, that now concerns operations it did not: a flagged shared schema
 * that a new operation returns. Unchanged (one place, one fix), and shown with the operations it gained.
 */
export interface Widened { finding: Finding; operations: OperationRef[] }

export interface Changes {
  base: ComparisonBase;
  /** Findings the base had too (by identity), as the review has them. */
  unchanged: Finding[];
  /** The unchanged findings that gained operations. */
  widened: Widened[];
  /** Findings of the base that are gone (suppressed ones aside). */
  fixed: BaseFinding[];
}

export interface Summary {
  /** OpenAPI documents reviewed. */
  documents: number;
  /** Findings that are not suppressed. */
  findings: number;
  /** Findings that are not suppressed, by severity. */
  bySeverity: Record<Severity, number>;
  suppressed: number;
  problems: number;
  /** Routes read from code. */
  routes: number;
  /** The frontends that ran: `spec`, and `code` when route code was read. */
  frontends: Need[];
}

export function summarize(review: Review): Summary {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let suppressed = 0;
  for (const finding of review.findings) {
    if (finding.suppressed) suppressed++;
    else bySeverity[finding.severity]++;
  }
  return {
    documents: review.documents.length,
    findings: review.findings.length - suppressed,
    bySeverity,
    suppressed,
    problems: review.problems.length,
    routes: review.routes?.length ?? 0,
    frontends: review.frontends ?? [],
  };
}

/** What a review read, for its summary line: "2 documents", "11 routes", "2 documents and 11 routes"; the documents when neither. */
export function reviewedScope(summary: Summary): string {
  const documents = plural(summary.documents, 'document');
  if (summary.routes === 0) return documents;
  const routes = plural(summary.routes, 'route');
  return summary.documents === 0 ? routes : `${documents} and ${routes}`;
}

/**
 * Exit code 1 when a finding (not suppressed) or a problem is at least as severe as `failOn`, else 0. With `--diff` or
 * `--baseline`, `findings` holds the new ones only: what the base had never fails the build.
 */
export function exitCode(review: Review, failOn: FailLevel): 0 | 1 {
  if (failOn === 'never') return 0;
  const reaches = (severity: Severity) => SEVERITY_RANK[severity] <= SEVERITY_RANK[failOn];
  const fails = review.findings.some((f) => !f.suppressed && reaches(f.severity)) || review.problems.some((p) => reaches(p.severity));
  return fails ? 1 : 0;
}

/**
 * The base in words, for the reports: "the merge base of 'main' (1a2b3c4d5e6f)", "the baseline 'baseline.json'".
 * `quote` shows the ref and the file (the default quotes them, unescaped; Markdown makes code spans).
 */
export function describeBase(base: ComparisonBase, quote = (text: string) => `'${text}'`): string {
  return base.kind === 'merge-base'
    ? `the merge base of ${quote(base.ref)} (${base.commit.slice(0, 12)})`
    : `the baseline ${quote(base.file)}`;
}

/** Where the fixed findings were fixed, as a heading: "Fixed on this branch", "Fixed since the baseline". */
export function fixedHeading(base: ComparisonBase): string {
  return base.kind === 'merge-base' ? 'Fixed on this branch' : 'Fixed since the baseline';
}

/** "2 new, 1 fixed, 40 unchanged": suppressed findings are not counted, as in the summary. */
export function changeCounts(review: Review, changes: Changes): string {
  return `${summarize(review).findings} new, ${changes.fixed.length} fixed, ${unchangedCount(changes)} unchanged`;
}

export function unchangedCount(changes: Changes): number {
  return changes.unchanged.filter((f) => !f.suppressed).length;
}


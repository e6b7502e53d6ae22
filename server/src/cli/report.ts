import { SEVERITY_RANK, type Finding, type Problem, type Severity } from '../engine';
import type { FailLevel } from './args';

/** Everything a formatter needs from one review. */
export interface Review {
  /** Absolute project root: files are relative to it. */
  root: string;
  findings: Finding[];
  problems: Problem[];
  /** OpenAPI documents reviewed, relative to the root. */
  documents: string[];
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
  };
}

/** Exit code 1 when a finding (not suppressed) or a problem is at least as severe as `failOn`, else 0. */
export function exitCode(review: Review, failOn: FailLevel): 0 | 1 {
  if (failOn === 'never') return 0;
  const reaches = (severity: Severity) => SEVERITY_RANK[severity] <= SEVERITY_RANK[failOn];
  const fails = review.findings.some((f) => !f.suppressed && reaches(f.severity)) || review.problems.some((p) => reaches(p.severity));
  return fails ? 1 : 0;
}

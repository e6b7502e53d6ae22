import type { Finding } from '../../engine';
import { printableJson } from '../../text/escape';
import { summarize, type Review } from '../report';

/** A finding as the contract names it: exactly these fields (the engine's internal `path` stays out). */
function contractFinding(f: Finding) {
  return {
    ruleId: f.ruleId, family: f.family, owasp: f.owasp, cwe: f.cwe, severity: f.severity, message: f.message,
    file: f.file, range: f.range, operations: f.operations, related: f.related, fixes: f.fixes,
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
  };
}

/** `{ version: 1, findings, problems, summary }`, ranges 0-based as in LSP. */
export function formatJson(review: Review): string {
  const report = { version: 1, findings: review.findings.map(contractFinding), problems: review.problems, summary: summarize(review) };
  return `${printableJson(report, 2)}\n`;
}

import type { Finding, Route } from '../../engine';
import { printableJson } from '../../text/escape';
import { isWholeFinding, summarize, unchangedCount, type BaseFinding, type Changes, type Review } from '../report';

/** A finding as the contract names it: exactly these fields (the engine's internal `path` stays out). */
function contractFinding(f: Finding) {
  return {
    ruleId: f.ruleId, family: f.family, owasp: f.owasp, cwe: f.cwe, severity: f.severity, message: f.message,
    file: f.file, range: f.range, operations: f.operations, related: f.related, fixes: f.fixes,
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
  };
}

/**
 * `{ version: 1, findings, problems, routes, summary }`, ranges 0-based as in LSP. Compared with a base, `findings` are
 * the new ones, and `fixed`, `unchanged` (a count), `widened` and `base` (`--diff`) or `baseline` say the rest. The text
 * comes in pieces, in order.
 */
export function formatJson(review: Review): readonly string[] {
  const rest = {
    ...(review.changes ? comparison(review.changes) : {}),
    problems: review.problems,
    routes: (review.routes ?? []).map(routeEntry),
    summary: summarize(review),
  };
  // one line, as ESLint's json formatter writes: indentation would nearly double a large report's bytes
  const report = new ReportText();
  report.push('{"version":1,"findings":[');
  review.findings.forEach((finding, i) => {
    if (i > 0) report.push(',');
    report.finding(finding);
  });
  report.push('],', printableJson(rest).slice(1), '\n');
  return report.pieces;
}

/**
 * The report's JSON, in pieces. Objects that many findings share are written once each: the
 * analysis gives one object per operation reference and per related location, and a shared schema's findings list
 * the same operations again and again.
 */
class ReportText {
  readonly pieces: string[] = [];
  private readonly written = new Map<object, string>();

  push(...pieces: string[]): void { this.pieces.push(...pieces); }

  /**
   * A finding as `printableJson(contractFinding(f))` writes it, with its operations and related entries written
   * once: the contract's fields from `range` on are these, in this order.
   */
  finding(f: Finding): void {
    const { operations, related, fixes, suppressed, ...head } = contractFinding(f);
    this.push(printableJson(head).slice(0, -1), ',"operations":');
    this.sharedList(operations);
    this.push(',"related":');
    this.sharedList(related);
    this.push(',"fixes":', printableJson(fixes));
    if (suppressed) this.push(',"suppressed":', printableJson(suppressed));
    this.push('}');
  }

  private sharedList(values: readonly object[]): void {
    const pieces = this.pieces;
    pieces.push('[');
    values.forEach((value, i) => {
      let json = this.written.get(value);
      if (json === undefined) this.written.set(value, (json = printableJson(value)));
      pieces.push(i > 0 ? ',' : '', json);
    });
    pieces.push(']');
  }
}

/** A route of the table, as CI and other tools read it: where it is registered and the chain in effect, in order. */
export function routeEntry(route: Route) {
  return { method: route.method, path: route.path, framework: route.framework, file: route.file, range: route.range, chain: route.chain, ...(route.handler ? { handler: route.handler } : {}) };
}

/** A fixed finding: whole from the merge base (its range there), or a baseline entry as the baseline holds it. */
function fixedFinding(f: BaseFinding) {
  return isWholeFinding(f) ? contractFinding(f) : { ruleId: f.ruleId, file: f.file, anchor: f.anchor, message: f.message };
}

function comparison(changes: Changes) {
  const { base } = changes;
  return {
    fixed: changes.fixed.map(fixedFinding),
    unchanged: unchangedCount(changes),
    widened: changes.widened.map(({ finding, operations }) => ({
      ruleId: finding.ruleId, file: finding.file, range: finding.range, message: finding.message, addedOperations: operations,
    })),
    ...(base.kind === 'merge-base'
      ? { base: { ref: base.ref, commit: base.commit, problems: base.problems } }
      : { baseline: { file: base.file, entries: base.entries, fixed: changes.fixed.length } }),
  };
}

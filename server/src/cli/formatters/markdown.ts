/**
 * `--format markdown`: a report for a pull-request comment or a job summary. Findings are grouped by the operations
 * they concern, with their OWASP category and how to fix them; compared with a base, the new findings come first,
 * then unchanged ones that gained operations, then the fixed ones (collapsed when long).
 *
 * Text from the reviewed files is shown as literal text: Markdown escaped (no link, image, HTML or emphasis can form),
 * and with a zero-width joiner after each character that starts a reference on GitHub or GitLab (`@user`, `#12`,
 * `!12`...), so a spec can neither mention anyone nor link an issue. Only the report's own `<details>` are HTML.
 */
import { CHECKS, owaspUrl, SEVERITY_RANK, type CheckMeta, type Finding, type OperationRef, type Problem, type Range } from '../../engine';
import { markdownCode, markdownText } from '../../text/escape';
import { describeBase, fixedHeading, isWholeFinding, reviewedScope, summarize, unchangedCount, type BaseFinding, type Changes, type Review } from '../report';
import { plural } from '../../text/plural';

/** A section lists at most this many entries, then says how many more (a GitHub comment holds 65,536 characters). */
const MAX_LISTED = 50;
/** Longer lists of fixed findings are collapsed. */
const OPEN_FIXED = 5;

const META = new Map<string, CheckMeta>(CHECKS.map((c) => [c.meta.id, c.meta]));

/** File-derived text as literal Markdown that mentions and references nobody. */
export function commentText(text: string): string {
  return markdownText(text).replace(/[@#!~%$&]/g, '$&\u200d');
}

function place(file: string, range: Range | undefined): string {
  return markdownCode(range ? `${file}:${range.start.line + 1}` : file);
}

function operation(op: OperationRef): string { return `${op.method.toUpperCase()} ${op.path}`; }

export function formatMarkdown(review: Review): string {
  const { changes } = review;
  const lines = ['## API Sentinel', '', headline(review)];
  if (changes?.base.kind === 'merge-base' && changes.base.problems.length > 0) {
    lines.push('', `> ${plural(changes.base.problems.length, 'problem')} at the merge base (files it could not read or parse): findings in those files may show as new.`);
  }
  const shown = review.findings.filter((f) => !f.suppressed);
  if (shown.length > 0) lines.push('', `### ${changes ? 'New findings' : 'Findings'}`, ...groupedFindings(shown));
  if (changes && changes.widened.length > 0) {
    lines.push('', '### Unchanged, now affecting more operations', '');
    lines.push(...capped(changes.widened.map(({ finding, operations }) =>
      `- ${markdownCode(finding.ruleId)} · ${place(finding.file, finding.range)} · now also affects ${operations.map((op) => markdownCode(operation(op))).join(', ')}`)));
  }
  if (changes && changes.fixed.length > 0) lines.push('', ...fixedSection(changes));
  if (review.problems.length > 0) lines.push('', '### Problems', '', ...capped(review.problems.map(problemLine)));
  return `${lines.join('\n')}\n`;
}

/** "**2 new findings** (1 error, 1 warning) in 3 documents, compared with ...: 1 fixed, 40 unchanged."; "**No findings** in 3 documents." */
function headline(review: Review): string {
  const summary = summarize(review);
  const { changes } = review;
  const bySeverity = (['error', 'warning', 'info', 'hint'] as const).filter((s) => summary.bySeverity[s] > 0)
    .map((s) => plural(summary.bySeverity[s], s));
  const count = summary.findings === 0 ? `**No ${changes ? 'new ' : ''}findings**`
    : `**${plural(summary.findings, changes ? 'new finding' : 'finding')}** (${bySeverity.join(', ')})`;
  const scope = ` in ${reviewedScope(summary)}`;
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  if (!changes) return `${count}${scope}${suppressed}.`;
  return `${count}${scope}${suppressed}, compared with ${describeBase(changes.base, markdownCode)}: `
    + `${changes.fixed.length} fixed, ${unchangedCount(changes)} unchanged.`;
}

/** Findings by the operations they concern, the most severe group first. */
function groupedFindings(findings: readonly Finding[]): string[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    // findings about no operation sort last among their rank
    const key = f.operations.length > 0 ? f.operations.map(operation).sort().join('\n') : '\uffff';
    const list = groups.get(key);
    if (list) list.push(f); else groups.set(key, [f]);
  }
  const rank = (list: Finding[]) => Math.min(...list.map((f) => SEVERITY_RANK[f.severity]));
  const ordered = [...groups.entries()].sort(([a, x], [b, y]) => rank(x) - rank(y) || (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  let listed = 0;
  for (const [, list] of ordered) {
    if (listed >= MAX_LISTED) break;
    const shown = list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]).slice(0, MAX_LISTED - listed);
    lines.push('', `#### ${groupTitle(list[0].operations)}`, '', ...shown.map(findingItem));
    listed += shown.length;
  }
  if (findings.length > listed) lines.push('', `… and ${findings.length - listed} more: the JSON or SARIF report lists them all.`);
  return lines;
}

function groupTitle(operations: readonly OperationRef[]): string {
  if (operations.length === 0) return 'Not tied to one operation';
  const names = operations.map((op) => markdownCode(operation(op)));
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${operations.length - 2} more operations`;
}

function owaspLinks(ids: readonly string[]): string {
  return ids.map((id) => {
    const url = owaspUrl(id);
    return url ? `[${id}](${url})` : markdownText(id);
  }).join(', ');
}

/** Severity, rule, OWASP and place; the message; how to fix it (the rule's own advice, written by us in Markdown). */
function findingItem(f: Finding): string {
  const meta = META.get(f.ruleId);
  const owasp = f.owasp.length > 0 ? ` · ${owaspLinks(f.owasp)}` : '';
  const fix = meta ? `<br>\n  **Fix:** ${meta.fix}` : '';
  return `- **${f.severity}** · ${markdownCode(f.ruleId)}${owasp} · ${place(f.file, f.range)}<br>\n  ${commentText(f.message)}${fix}`;
}

function fixedItem(f: BaseFinding): string {
  return `- ${markdownCode(f.ruleId)} · ${place(f.file, isWholeFinding(f) ? f.range : undefined)} · ${commentText(f.message)}`;
}

/** The fixed findings, in a `<details>` block when there are more than a few. */
function fixedSection(changes: Changes): string[] {
  const heading = `### ${fixedHeading(changes.base)}: ${changes.fixed.length}`;
  const items = capped(changes.fixed.map(fixedItem));
  if (changes.fixed.length <= OPEN_FIXED) return [heading, '', ...items];
  // a blank line after <summary> lets GitHub render the Markdown inside
  return [heading, '', `<details><summary>${plural(changes.fixed.length, 'fixed finding')}</summary>`, '', ...items, '', '</details>'];
}

function problemLine(p: Problem): string {
  const at = p.file ? ` · ${place(p.file, p.range)}` : '';
  return `- **${p.severity}** · ${markdownCode(p.code)}${at}<br>\n  ${commentText(p.message)}`;
}

function capped(items: readonly string[]): string[] {
  if (items.length <= MAX_LISTED) return [...items];
  return [...items.slice(0, MAX_LISTED), `- … and ${items.length - MAX_LISTED} more: the JSON or SARIF report lists them all.`];
}

import { SEVERITY_RANK, type OperationRef, type Range, type Severity } from '../../engine';
import { visible } from '../../text/escape';
import { changeCounts, describeBase, fixedHeading, isWholeFinding, reviewedScope, summarize, type BaseFinding, type Changes, type Review, type Summary } from '../report';
import { plural } from '../../text/plural';

export interface TextOptions {
  color: boolean;
  /** The least severe findings and problems listed; info by default: hints are counted, and listed when asked for. */
  minSeverity?: Severity;
}

const DEFAULT_MIN_SEVERITY: Severity = 'info';

interface Row { range?: Range; severity: Severity; message: string; id: string; owasp: string }

const ANSI = { red: 31, yellow: 33, cyan: 36, gray: 90, green: 32, dim: 2, bold: 1, underline: 4 } as const;
type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan', hint: 'gray' };

/** The short lists of a comparison (fixed findings, widened ones) show this many; JSON lists them all. */
const SHORT_LIST = 10;

/**
 * ESLint "stylish"-like report: one group per file, aligned columns, then a summary line that counts everything,
 * including what is less severe than `minSeverity` and so not listed. Text from the reviewed files is escaped
 * (`visible`) before it is measured or coloured: the only escape sequences are the report's own colours.
 */
export function formatText(review: Review, options: TextOptions): string {
  const paint = (style: Style, text: string) => (options.color ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text);
  const groups = new Map<string, Row[]>();
  const add = (file: string, row: Row) => {
    const rows = groups.get(file) ?? [];
    rows.push(row);
    groups.set(file, rows);
  };
  const least = options.minSeverity ?? DEFAULT_MIN_SEVERITY;
  const listed = (severity: Severity) => SEVERITY_RANK[severity] <= SEVERITY_RANK[least];
  const unlisted: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  const row = (file: string, r: Row) => {
    if (listed(r.severity)) add(file, r);
    else unlisted[r.severity]++;
  };
  for (const p of review.problems) row(p.file, { range: p.range, severity: p.severity, message: p.message, id: p.code, owasp: '' });
  for (const f of review.findings) {
    if (!f.suppressed) row(f.file, { range: f.range, severity: f.severity, message: f.message, id: f.ruleId, owasp: f.owasp.join(',') });
  }
  let out = review.changes ? `${comparisonLine(review, review.changes)}\n` : '';
  for (const file of [...groups.keys()].sort()) {
    const rows = groups.get(file)!.sort(byPosition);
    // a problem about the whole file shows 0:0, as ESLint does
    const lines = rows.map((r) => String(r.range ? r.range.start.line + 1 : 0));
    const columns = rows.map((r) => String(r.range ? r.range.start.character + 1 : 0));
    const messages = rows.map((r) => visible(r.message));
    const ids = rows.map((r) => visible(r.id));
    const width = (values: string[]) => Math.max(...values.map((v) => v.length));
    const [lineW, colW, sevW, msgW, idW] = [width(lines), width(columns), width(rows.map((r) => r.severity)), width(messages), width(ids)];
    out += `\n${paint('underline', visible(file) || 'api-sentinel')}\n`;
    rows.forEach((r, i) => {
      const cells = [
        `${lines[i].padStart(lineW)}:${columns[i].padEnd(colW)}`,
        paint(SEVERITY_STYLE[r.severity], r.severity.padEnd(sevW)),
        messages[i].padEnd(msgW),
        paint('dim', r.owasp ? ids[i].padEnd(idW) : ids[i]),
        r.owasp ? paint('dim', visible(r.owasp)) : '',
      ];
      out += `  ${cells.join('  ').trimEnd()}\n`;
    });
  }
  if (review.changes) out += changesText(review.changes, paint);
  return `${out}\n${summaryLine(summarize(review), review.problems.map((p) => p.severity), paint, review.changes ? 'new ' : '')}${notListed(unlisted)}\n`;
}

/** "; 840 hints not listed (--min-severity hint lists them)" when the listing left findings out. */
function notListed(unlisted: Record<Severity, number>): string {
  const left = (Object.keys(unlisted) as Severity[]).filter((s) => unlisted[s] > 0);
  if (left.length === 0) return '';
  const lowest = left[left.length - 1];
  const count = left.reduce((n, s) => n + unlisted[s], 0);
  const what = left.map((s) => plural(unlisted[s], s)).join(', ');
  return `; ${what} not listed (--min-severity ${lowest} lists ${count === 1 ? 'it' : 'them'})`;
}

type Paint = (style: Style, text: string) => string;

/** "Compared with the merge base of 'main' (1a2b3c4d5e6f): 2 new, 1 fixed, 40 unchanged", and what may skew it. */
function comparisonLine(review: Review, changes: Changes): string {
  const line = `Compared with ${visible(describeBase(changes.base))}: ${changeCounts(review, changes)}`;
  const problems = changes.base.kind === 'merge-base' ? changes.base.problems.length : 0;
  if (problems === 0) return line;
  return `${line}\n${plural(problems, 'problem')} at the merge base (files it could not read or parse): findings in those files may show as new`;
}

function place(file: string, range: Range | undefined): string {
  return range ? `${visible(file)}:${range.start.line + 1}:${range.start.character + 1}` : visible(file);
}

function operationList(operations: readonly OperationRef[]): string {
  return operations.map((op) => visible(`${op.method.toUpperCase()} ${op.path}`)).join(', ');
}

/** At most SHORT_LIST lines, then how many more. */
function shortList<T>(items: readonly T[], line: (item: T) => string): string {
  const shown = items.slice(0, SHORT_LIST).map((item) => `  ${line(item)}\n`).join('');
  return items.length > SHORT_LIST ? `${shown}  ... and ${items.length - SHORT_LIST} more (--format json lists them all)\n` : shown;
}

/** After the new findings: unchanged ones that gained operations, then what the base had that is gone. */
function changesText(changes: Changes, paint: Paint): string {
  let out = '';
  if (changes.widened.length > 0) {
    out += `\n${paint('bold', `Unchanged, now affecting more operations: ${changes.widened.length}`)}\n`;
    out += shortList(changes.widened, ({ finding, operations }) =>
      `${place(finding.file, finding.range)}  ${paint('dim', visible(finding.ruleId))}  now also affects ${operationList(operations)}`);
  }
  if (changes.fixed.length > 0) {
    out += `\n${paint('green', `${fixedHeading(changes.base)}: ${changes.fixed.length}`)}\n`;
    out += shortList(changes.fixed, (f: BaseFinding) => `${place(f.file, isWholeFinding(f) ? f.range : undefined)}  ${paint('dim', visible(f.ruleId))}  ${visible(f.message)}`);
  }
  return out;
}

function byPosition(a: Row, b: Row): number {
  const line = (r: Row) => r.range?.start.line ?? -1;
  const column = (r: Row) => r.range?.start.character ?? -1;
  return line(a) - line(b) || column(a) - column(b);
}

/**
 * "✖ 12 problems (3 errors, 9 warnings) in 4 documents, 2 suppressed"; "✔ No findings in 4 documents" when clean.
 * Compared with a base, `qualifier` is "new ".
 */
function summaryLine(summary: Summary, problemSeverities: Severity[], paint: Paint, qualifier: string): string {
  const counts = { ...summary.bySeverity };
  for (const severity of problemSeverities) counts[severity]++;
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  const nothing = summary.frontends.includes('code') ? ', no OpenAPI document or route found' : ', no OpenAPI document found';
  const scope = summary.documents === 0 && summary.routes === 0 ? nothing : ` in ${reviewedScope(summary)}`;
  if (total === 0) return paint('green', `✔ No ${qualifier}findings${scope}${suppressed}`);
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.info > 0) parts.push(plural(counts.info, 'info'));
  if (counts.hint > 0) parts.push(plural(counts.hint, 'hint'));
  const line = `✖ ${plural(total, `${qualifier}problem`)} (${parts.join(', ')})${scope}${suppressed}`;
  return paint('bold', paint(counts.error > 0 ? 'red' : counts.warning > 0 ? 'yellow' : 'cyan', line));
}

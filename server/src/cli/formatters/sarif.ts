import { pathToFileURL } from 'node:url';
import { CHECKS, findingKey, type CheckMeta, type Finding, type Fix, type Problem, type Range, type Severity } from '../../engine';
import { printableJson } from '../../text/escape';
import { TOOL_NAME, TOOL_VERSION } from '../about';
import { isUrl } from '../../workspace/paths';
import { crypto } from '../../workspace/lazy-modules';
import { isWholeFinding, type BaseFinding, type Changes, type Review } from '../report';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const ROOT_ID = 'SRCROOT';
const FINGERPRINT_KEY = 'apiSentinelFindingHash/v1';

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
/** GitHub code scanning ranks security alerts by this score: >= 7 high, >= 4 medium, below low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '3.0', hint: '1.0' };

/**
 * SARIF 2.1.0: every check as a rule, findings as results (suppressed ones with `suppressions`), problems as
 * notifications. Compared with a base, every result has a `baselineState`.
 */
export function formatSarif(review: Review): string {
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.meta.id, i]));
  const log = {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION,
          rules: CHECKS.map((c) => rule(c.meta)),
        },
      },
      invocations: [{ executionSuccessful: true, toolExecutionNotifications: review.problems.map(notification) }],
      originalUriBaseIds: { [ROOT_ID]: { uri: `${pathToFileURL(review.root).href.replace(/\/?$/, '/')}` } },
      columnKind: 'utf16CodeUnits',
      results: review.changes
        ? comparedResults(review.findings, review.changes, ruleIndex)
        : review.findings.map((f) => result(f, ruleIndex.get(f.ruleId))),
    }],
  };
  // one line, like the JSON report: indentation doubles the size of a large log
  return `${printableJson(log)}\n`;
}

function pascalCase(id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function cweTag(cwe: string): string { return `external/cwe/${cwe.toLowerCase()}`; }

function cweLink(cwe: string): string {
  const number = /^CWE-(\d+)$/i.exec(cwe)?.[1];
  return number ? `[${cwe}](https://cwe.mitre.org/data/definitions/${number}.html)` : cwe;
}

function rule(meta: CheckMeta) {
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: `${meta.description} ${meta.rationale}` },
    help: {
      text: `${meta.rationale}\n\nFix: ${meta.fix}\n\nOWASP: ${meta.owasp.join(', ')}. CWE: ${meta.cwe.join(', ')}.`,
      markdown: `**Why it matters.** ${meta.rationale}\n\n**How to fix.** ${meta.fix}\n\n`
        + `OWASP API Security Top 10: ${meta.owasp.join(', ')}. CWE: ${meta.cwe.map(cweLink).join(', ')}.`,
    },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ['security', meta.family, ...meta.owasp.map((o) => `OWASP-${o}`), ...meta.cwe.map(cweTag)],
      'security-severity': SECURITY_SEVERITY[meta.severity],
    },
  };
}

/** A file relative to the root (each segment URI-encoded) under SRCROOT, or a remote URL as it is. */
function artifactLocation(file: string) {
  if (isUrl(file)) return { uri: file };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: ROOT_ID };
}

/** SARIF counts lines and columns from 1; the end column is exclusive, as the engine's end character is. */
function region(range: Range) {
  return {
    startLine: range.start.line + 1, startColumn: range.start.character + 1,
    endLine: range.end.line + 1, endColumn: range.end.character + 1,
  };
}

function location(file: string, range?: Range) {
  return { physicalLocation: { artifactLocation: artifactLocation(file), ...(range ? { region: region(range) } : {}) } };
}

/** The finding's identity, hashed: it survives edits elsewhere in the file and is the one baselines compare. */
function fingerprint(f: Pick<Finding, 'ruleId' | 'file' | 'anchor'>): string {
  return crypto().createHash('sha256').update(findingKey(f)).digest('hex');
}

function result(f: Finding, index: number | undefined) {
  return {
    ruleId: f.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.file, f.range)],
    ...(f.related.length > 0
      ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.range), message: { text: r.message } })) }
      : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f) },
    ...(f.fixes.length > 0 ? { fixes: f.fixes.map(fix) } : {}),
    ...(f.suppressed
      ? { suppressions: [{
        kind: f.suppressed.kind, justification: f.suppressed.justification,
        ...(f.suppressed.location ? { location: location(f.suppressed.location.file, f.suppressed.location.range) } : {}),
      }] }
      : {}),
    properties: { family: f.family, owasp: f.owasp, cwe: f.cwe, operations: f.operations.map((o) => `${o.method} ${o.path}`) },
  };
}

type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

/**
 * The new findings (`new`), the unchanged ones (`unchanged`, or `updated` when they gained operations: the same
 * finding, with a property that changed), and the base's fixed ones (`absent`), so that a viewer shows all three.
 */
function comparedResults(added: readonly Finding[], changes: Changes, ruleIndex: ReadonlyMap<string, number>) {
  const widened = new Set(changes.widened.map((w) => w.finding));
  const stated = (f: Finding, baselineState: BaselineState) => ({ ...result(f, ruleIndex.get(f.ruleId)), baselineState });
  return [
    ...added.map((f) => stated(f, 'new')),
    ...changes.unchanged.map((f) => stated(f, widened.has(f) ? 'updated' : 'unchanged')),
    ...changes.fixed.map((f) => (isWholeFinding(f) ? stated(f, 'absent') : absentEntry(f, ruleIndex))),
  ];
}

/** A baseline entry that is gone: its rule, file and message, at no line (a baseline records none). */
function absentEntry(entry: BaseFinding, ruleIndex: ReadonlyMap<string, number>) {
  const index = ruleIndex.get(entry.ruleId);
  return {
    ruleId: entry.ruleId,
    ...(index !== undefined ? { ruleIndex: index, level: LEVEL[CHECKS[index].meta.severity] } : {}),
    message: { text: entry.message || entry.ruleId },
    locations: [location(entry.file)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(entry) },
    baselineState: 'absent' as const,
  };
}

function fix(f: Fix) {
  const files = [...new Set(f.edits.map((e) => e.file))];
  return {
    description: { text: f.title },
    artifactChanges: files.map((file) => ({
      artifactLocation: artifactLocation(file),
      replacements: f.edits.filter((e) => e.file === file).map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
    })),
  };
}

function notification(p: Problem) {
  return {
    level: p.severity === 'info' ? 'note' : p.severity,
    message: { text: p.message },
    descriptor: { id: p.code },
    ...(p.file ? { locations: [location(p.file, p.range)] } : {}),
  };
}

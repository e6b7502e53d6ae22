/** The one place where engine data (and Spectral's) becomes LSP data: diagnostics, hovers and code actions. */
import { pathToFileURL, fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import {
  CodeAction, CodeActionKind, Command, Diagnostic, DiagnosticSeverity, type Hover, MarkupKind, type Position, type TextEdit as LspTextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import {
  CHECKS, PUBLIC_PLACEHOLDER, REASON_PLACEHOLDERS, findingKey, owaspTitle, routeLinks, type ChainLink, type Finding, type Fix, type Location, type Problem,
  type Range, type Route, type Severity, type TextEdit,
} from '../engine';
import { markdownCode, markdownText, visible } from '../text/escape';
import type { SpectralDiagnostic } from './protocol';

export const SOURCE = 'api-sentinel';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

const META = new Map(CHECKS.map((c) => [c.meta.id, c.meta]));

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries for its code actions: the finding's identity (`findingKey`). */
export interface DiagnosticData { key: string }

/** Absolute paths and URIs by root and relative path: a result names the same files thousands of times, and every result of a unit names them again. */
const paths = new Map<string, Map<string, string>>();
const uris = new Map<string, string>();

/** The absolute path of `relPath` (a result's) under `root`. */
export function toPath(root: string, relPath: string): string {
  let byRelPath = paths.get(root);
  if (!byRelPath) paths.set(root, (byRelPath = new Map()));
  let file = byRelPath.get(relPath);
  if (file === undefined) byRelPath.set(relPath, (file = path.resolve(root, relPath)));
  return file;
}

/** The `file:` URI of `relPath` (a result's) under `root`. */
export function toUri(root: string, relPath: string): string {
  const key = `${root}\0${relPath}`;
  let uri = uris.get(key);
  if (uri === undefined) uris.set(key, (uri = pathToFileURL(toPath(root, relPath)).href));
  return uri;
}
/** The file of a `file:` URI; undefined for other schemes (`untitled:`, ...), which have no file to analyse. */
export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try { return fileURLToPath(uri); } catch { return undefined; }
}

let readmeUrl: string | undefined;
/** The rule's documentation: the README section shipped with the server (packaging may lower-case the file's name). */
export function ruleDocUrl(ruleId: string): string {
  if (readmeUrl === undefined) {
    const dir = path.join(__dirname, '..');
    let name = 'README.md';
    try { name = readdirSync(dir).find((n) => n.toLowerCase() === 'readme.md') ?? name; } catch { /* the default name */ }
    readmeUrl = pathToFileURL(path.join(dir, name)).href;
  }
  return `${readmeUrl}#${ruleId}`;
}

/** What a finding shows as a diagnostic (its fixes are not needed). */
export type ShownFinding = Omit<Finding, 'fixes'>;

export function findingToDiagnostic(finding: ShownFinding, root: string): Diagnostic {
  const data: DiagnosticData = { key: findingKey(finding) };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    codeDescription: { href: ruleDocUrl(finding.ruleId) },
    source: SOURCE,
    // plain text in LSP, but control characters from the files would still act or render oddly
    message: visible(finding.owasp.length > 0 ? `${finding.message} (${finding.owasp.join(', ')})` : finding.message),
    data,
  };
  if (finding.related.length > 0) {
    const shown = finding.related.slice(0, MAX_RELATED);
    diagnostic.relatedInformation = shown.map((r) => ({ location: { uri: toUri(root, r.file), range: r.range }, message: visible(r.message) }));
    const more = finding.related.length - shown.length;
    if (more > 0) diagnostic.relatedInformation.push({ location: { uri: toUri(root, finding.file), range: finding.range }, message: `and ${count(more, 'more location')}` });
  }
  return diagnostic;
}

/** Related locations shown per diagnostic: a shared schema may concern hundreds of operations. */
export const MAX_RELATED = 20;
/** Diagnostics VS Code keeps per file (it drops the rest silently, whatever their severity). */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/**
 * At most `limit` diagnostics: the most severe ones (in their order), and a note saying how many more exist and how
 * to see them all, so that an error or a warning is never the one left out.
 */
export function withinLimit(diagnostics: Diagnostic[], limit = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  if (diagnostics.length <= limit) return diagnostics;
  const severityOf = (d: Diagnostic) => d.severity ?? DiagnosticSeverity.Error;
  const kept = new Set(diagnostics.map((d, i) => ({ d, i })).sort((a, b) => severityOf(a.d) - severityOf(b.d) || a.i - b.i).slice(0, limit - 1).map(({ d }) => d));
  const left = diagnostics.length - kept.size;
  const note: Diagnostic = {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'more-findings',
    source: SOURCE,
    message: `${count(left, 'more finding')} in this file ${left === 1 ? 'is' : 'are'} not shown (the editor keeps ${count(limit, 'diagnostic')} per file; the least severe are left out). `
      + 'See them all with `api-sentinel review` on the command line, or in the summary of API Sentinel: Review Workspace.',
  };
  return [...diagnostics.filter((d) => kept.has(d)), note];
}

export function problemToDiagnostic(problem: Problem): Diagnostic {
  return {
    range: problem.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: SOURCE,
    message: visible(problem.message),
  };
}

/** Shown on a document whose analysis failed (its worker crashed, say), with the reason in one line. */
export function analysisFailedDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    code: 'analysis-failed',
    source: SOURCE,
    message: `API Sentinel could not analyse this document: ${reason}`,
  };
}

/** LSP clamps a character past the end of its line to the line's end. */
const END_OF_LINE = 10_000;

/** A finding of the workspace's own Spectral ruleset. */
export function spectralToDiagnostic(finding: SpectralDiagnostic, rulesetPath: string): Diagnostic {
  const { start, end } = finding.range;
  // Spectral marks a whole object for a missing field: keep its first line, as our own findings do
  const range = end.line > start.line ? { start, end: { line: start.line, character: END_OF_LINE } } : finding.range;
  return { range, severity: (finding.severity + 1) as DiagnosticSeverity, code: finding.code, source: `spectral (${path.basename(rulesetPath)})`, message: visible(finding.message) };
}

/**
 * Markdown for a finding: the risk in plain words, the OWASP category, the CWE, and the fix. The rule documentation is
 * ours and stays Markdown; the message and operations quote the files and are escaped, so a spec cannot add links,
 * images or HTML to a hover.
 */
export function hoverFor(findings: ShownFinding[]): Hover | undefined {
  if (findings.length === 0) return undefined;
  const parts = findings.map((f) => {
    const meta = META.get(f.ruleId);
    const cwe = f.cwe.map((c) => `[${c}](https://cwe.mitre.org/data/definitions/${c.slice(4)}.html)`).join(', ');
    return [
      `**API Sentinel: ${markdownCode(f.ruleId)}**${f.suppressed ? ' (suppressed)' : ''}`,
      '',
      markdownText(f.message),
      '',
      meta ? `**Risk.** ${meta.rationale}` : '',
      '',
      [f.owasp.length > 0 ? `**OWASP:** ${f.owasp.map(owaspTitle).join('; ')}` : '', cwe ? `**CWE:** ${cwe}` : ''].filter(Boolean).join(' · '),
      '',
      meta ? `**Fix.** ${meta.fix}` : '',
      f.operations.length > 1 ? `\nConcerns ${f.operations.length} operations: ${f.operations.map((o) => markdownCode(`${o.method} ${o.path}`)).join(', ')}` : '',
    ].join('\n');
  });
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
}

/** A place in a project file as a reader finds it: `src/middleware/auth.ts:3` (1-based line). */
export function placeText(location: Location): string { return `${location.file}:${location.range.start.line + 1}`; }

/** Evidence that is a name alone: said, but never enough to make a link auth or a limiter. */
const WEAK_EVIDENCE = /^named like /;

/** One link of a route's chain, for a hover: what it is, why, where it is defined and what applies it. */
function linkText(link: ChainLink): string {
  const defined = link.definedAt ? ` (${markdownText(placeText(link.definedAt))})` : '';
  const applied = `${link.appliedBy ? `${markdownCode(link.appliedBy)} ` : ''}at ${markdownText(placeText(link.appliedAt))}`;
  const weak = WEAK_EVIDENCE.test(link.evidence) ? ' (weak evidence: its name only)' : '';
  return `${markdownCode(link.name)}${defined}, applied by ${applied} (${link.scope}): **${link.kind}**, ${markdownText(link.evidence)}${weak}`;
}

/** What protects a route of a kind, in one sentence: the first such link, or that none does. */
function protection(route: Route, kind: 'auth' | 'rate-limit'): string {
  const link = routeLinks(route).find((l) => l.kind === kind);
  const what = kind === 'auth' ? 'authentication' : 'rate limit';
  if (!link) {
    const unknown = routeLinks(route).some((l) => l.kind === 'unknown');
    return `No ${what} seen${unknown ? ' (a link the analysis cannot classify may hold one)' : ''}.`;
  }
  const defined = link.definedAt ? ` (${markdownText(placeText(link.definedAt))})` : '';
  const applied = link.appliedBy ? `, applied by ${markdownCode(link.appliedBy)} at ${markdownText(placeText(link.appliedAt))}` : `, applied at ${markdownText(placeText(link.appliedAt))}`;
  return `${kind === 'auth' ? 'Protected' : 'Rate limited'} by ${markdownCode(link.name)}${defined}${applied}.`;
}

/**
 * A hover on route registrations: each route's method and full path, what authenticates and limits it, and its
 * whole chain in order, each link with its kind and evidence (a name alone said to be weak evidence).
 */
export function routeHoverFor(routes: readonly Route[]): Hover | undefined {
  if (routes.length === 0) return undefined;
  const parts = routes.map((route) => {
    const links = routeLinks(route);
    return [
      `**API Sentinel route** ${markdownCode(`${route.method} ${route.path}`)} (${route.framework})${route.mounted ? '' : ': no app mounts its router, the path is relative to it'}`,
      '',
      `${protection(route, 'auth')} ${protection(route, 'rate-limit')}`,
      '',
      links.length === 0 ? 'No middleware, hooks or guards run before the handler.' : `In order:\n\n${links.map((l, i) => `${i + 1}. ${linkText(l)}`).join('\n')}`,
    ].join('\n');
  });
  return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } };
}

/** Hovers shown together: the ones given, in order, separated by a rule. */
export function joinHovers(...hovers: (Hover | undefined)[]): Hover | undefined {
  const values = hovers.flatMap((h) => (h && typeof h.contents === 'object' && 'kind' in h.contents ? [h.contents.value] : []));
  return values.length === 0 ? undefined : { contents: { kind: MarkupKind.Markdown, value: values.join('\n\n---\n\n') } };
}

function workspaceEdit(root: string, fix: Fix): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of fix.edits) (changes[toUri(root, e.file)] ??= []).push({ range: e.range, newText: e.newText });
  return { changes };
}

/** The client command that asks for the reason a suggestion left as a placeholder (the VS Code extension has it). */
export const GIVE_REASON_COMMAND = 'apiSentinel.giveReason';

/** What the reason command gets: where the placeholder stands once the edit is applied, and the question to ask. */
export interface ReasonRequest { uri: string; range: Range; placeholder: string; prompt: string }

/**
 * A fix as a code action. A fix that writes a reason placeholder carries, for a client that has it, the command
 * asking for the reason, with the placeholder's range after the edit: the server keeps nothing for it.
 */
export function fixToCodeAction(root: string, fix: Fix, diagnostic: Diagnostic, askReason = false): CodeAction {
  const action = CodeAction.create(fix.title, workspaceEdit(root, fix), CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  // behaviour-changing fixes are offered, never preferred
  if (fix.kind === 'safe') action.isPreferred = true;
  const placeholder = askReason ? placeholderOf(fix) : undefined;
  if (placeholder) {
    const prompt = placeholder.text === PUBLIC_PLACEHOLDER
      ? 'Why may anyone call this operation without credentials? (reviewers will read it)'
      : `Why does ${String(diagnostic.code)} not apply here? (reviewers will read it)`;
    const request: ReasonRequest = { uri: toUri(root, placeholder.file), range: placeholder.range, placeholder: placeholder.text, prompt };
    action.command = Command.create('Give the reason', GIVE_REASON_COMMAND, request);
  }
  return action;
}

/** The reason placeholder a fix writes, and where it stands once all of the fix's edits are applied. */
export function placeholderOf(fix: Fix): { file: string; range: Range; text: string } | undefined {
  for (const edit of fix.edits) {
    const text = REASON_PLACEHOLDERS.find((p) => edit.newText.includes(p));
    if (!text) continue;
    // the fix's edits before this one in the same file move where it starts (the last of them first)
    const earlier = fix.edits
      .filter((e) => e !== edit && e.file === edit.file && comparePositions(e.range.end, edit.range.start) <= 0)
      .sort((a, b) => comparePositions(b.range.start, a.range.start));
    const editStart = earlier.reduce((position, e) => afterEdit(position, e), edit.range.start);
    const start = advance(editStart, edit.newText.slice(0, edit.newText.indexOf(text)));
    return { file: edit.file, range: { start, end: advance(start, text) }, text };
  }
  return undefined;
}

const comparePositions = (a: Position, b: Position) => a.line - b.line || a.character - b.character;

/** The position at the end of `text` written from `position`. */
function advance(position: Position, text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  const last = lines[lines.length - 1];
  return lines.length === 1 ? { line: position.line, character: position.character + last.length } : { line: position.line + lines.length - 1, character: last.length };
}

/** Where a position at or after an edit's end stands once the edit is applied. */
function afterEdit(position: Position, edit: TextEdit): Position {
  const end = advance(edit.range.start, edit.newText);
  if (position.line > edit.range.end.line) return { line: position.line + end.line - edit.range.end.line, character: position.character };
  return { line: end.line, character: end.character + position.character - edit.range.end.character };
}

/**
 * One action applying the safe fixes among `fixes` whose edits do not overlap: every safe fix of a file (the
 * `source.fixAll` action run on save), or those of one rule ("Fix all <rule> in this file", a quick fix).
 */
export function fixAllAction(root: string, fixes: Fix[], ruleId?: string): CodeAction | undefined {
  const taken: { file: string; start: number; end: number }[] = [];
  const chosen: Fix[] = [];
  const key = (p: { line: number; character: number }) => p.line * 1e7 + p.character;
  for (const fix of fixes.filter((f) => f.kind === 'safe')) {
    const spans = fix.edits.map((e) => ({ file: e.file, start: key(e.range.start), end: key(e.range.end) }));
    const overlaps = spans.some((s) => taken.some((t) => t.file === s.file && s.start <= t.end && t.start <= s.end));
    if (overlaps) continue;
    taken.push(...spans);
    chosen.push(fix);
  }
  if (chosen.length === 0) return undefined;
  const title = ruleId === undefined ? 'Fix all safe API Sentinel findings' : `Fix all ${ruleId} in this file`;
  const merged: Fix = { title, kind: 'safe', edits: chosen.flatMap((f) => f.edits) };
  return CodeAction.create(merged.title, workspaceEdit(root, merged), ruleId === undefined ? FIX_ALL_KIND : CodeActionKind.QuickFix);
}

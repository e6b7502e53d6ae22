import { SEVERITY_RANK, type AnalysisResult, type CancellationSignal, type CheckMeta, type FileReader, type Finding, type OperationRef, type Problem, type RelatedLocation } from './types';
import type { FileSet, ParseCache } from './spec/load';
import { isObject, operationRef, type Operation } from './spec/model';
import type { SourceFile } from './spec/source';
import { resolveConfig, type Config, type ResolvedConfig } from './config';
import type { Check, CheckContext, Report, Site } from './checks/check';
import { CHECKS, CHECK_IDS } from './checks';
import { jsonPointer } from './identity';
import { insertEntry } from './edit/edits';
import { IGNORE_KEY } from './spec/extensions';
import type { Frontend, FrontendPart, FrontendRequest, Need } from './frontend';
import { noSpec, specFrontend, type SpecPart } from './spec/frontend';

export { looksLikeOpenApi } from './spec/sniff';

export interface AnalyzeRequest {
  /** Absolute project root: findings are reported relative to it, refs may not leave it. */
  root: string;
  /** Absolute paths of candidate files (OpenAPI documents among them are reviewed). */
  files: string[];
  /** Files the user named: when one is not an OpenAPI document, say so instead of skipping it quietly. */
  explicit?: ReadonlySet<string>;
  reader: FileReader;
  config?: Config | ResolvedConfig;
  cancel?: CancellationSignal;
  /** The checks to run; all by default. */
  checks?: readonly Check[];
  /** Frontends beyond the spec frontend, by the need they satisfy (the code frontend joins here). */
  frontends?: { code?: Frontend };
  /** Parses kept between analyses (the language server's); unchanged files are not parsed again. */
  cache?: ParseCache;
  /** Build quick fixes (default true; a text report shows none). */
  fixes?: boolean;
}

function isResolved(config: Config | ResolvedConfig | undefined): config is ResolvedConfig {
  return config !== undefined && (config as ResolvedConfig).rules instanceof Map;
}

/** A configuration as written, or as already resolved. */
export function resolved(config: Config | ResolvedConfig | undefined): ResolvedConfig {
  return isResolved(config) ? config : resolveConfig(config);
}

/** Reviews the candidate files with the enabled checks. Never throws: broken input becomes a problem. */
export async function analyze(request: AnalyzeRequest): Promise<AnalysisResult> {
  return (await analyzeFiles(request)).result;
}

/**
 * An analysis, with the spec files it loaded (a session keeps what they recorded). Runs the frontends the enabled
 * checks need, then the checks.
 */
export async function analyzeFiles(request: AnalyzeRequest): Promise<{ result: AnalysisResult; files: FileSet }> {
  const config = resolved(request.config);
  const checks = (request.checks ?? CHECKS).filter((check) => config.rules.get(check.meta.id) !== 'off');
  const needs = new Set<Need>(checks.flatMap((check) => check.meta.needs));
  const frontendRequest: FrontendRequest = {
    root: request.root, files: request.files, explicit: request.explicit ?? new Set(), reader: request.reader, config,
    cancel: request.cancel, cache: request.cache,
  };
  // documents are still parsed and their problems reported when every check is off: only a code-only analysis skips them
  const spec = needs.has('spec') || !needs.has('code') ? await specFrontend.load(frontendRequest) : noSpec(request);
  const code = needs.has('code') && request.frontends?.code ? await request.frontends.code.load(frontendRequest) : undefined;
  const parts: FrontendPart[] = code ? [spec, code] : [spec];
  const problems = parts.flatMap((part) => part.problems);
  const findings = request.cancel?.cancelled ? []
    : runChecks(spec, code, problems, config, checks.filter((check) => check.meta.needs.every((need) => need === 'spec' || code)), request.cancel, request.fixes ?? true);
  const result: AnalysisResult = {
    findings, problems: sortProblems(problems),
    documents: spec.documents.map((d) => d.file.relPath), inputs: parts.flatMap((part) => part.inputs),
  };
  return { result, files: spec.files };
}

interface Draft { meta: CheckMeta; report: Report; operations: Map<Operation, OperationRef>; related: Places<RelatedLocation> }

/**
 * Values by place: the object holding a key (the file for its root), the key, and key-or-value. Places are compared
 * by identity, so merging thousands of reports builds no path strings.
 */
class Places<T> {
  private readonly byOwner = new Map<object, Map<string, T>>();
  private static owner(site: Site): object { return site.at.parent ?? site.at.file; }
  private static slot(site: Site, extra: string): string { return `${String(site.at.key ?? '')}\0${site.part ?? 'key'}\0${extra}`; }
  get(site: Site, extra = ''): T | undefined { return this.byOwner.get(Places.owner(site))?.get(Places.slot(site, extra)); }
  set(site: Site, value: T, extra = ''): void {
    const owner = Places.owner(site);
    let slots = this.byOwner.get(owner);
    if (!slots) this.byOwner.set(owner, (slots = new Map()));
    slots.set(Places.slot(site, extra), value);
  }
  *values(): Iterable<T> { for (const slots of this.byOwner.values()) yield* slots.values(); }
}

/** The range of a site: a key, or the value under it (the file's first key when the site is the root). */
function siteRange(site: Site) {
  const { file, parent, key } = site.at;
  if (parent !== undefined && key !== undefined) return file.rangeOf(parent, key, site.part ?? 'key');
  if (site.at.path.length > 0) return file.rangeAtPath(site.at.path, site.part ?? 'key');
  const first = isObject(file.value) ? Object.keys(file.value)[0] : undefined;
  return first !== undefined ? file.rangeOf(file.value as object, first, 'key') : file.lines.range({ start: 0, end: 0 });
}

function runChecks(
  spec: SpecPart, code: FrontendPart | undefined, problems: Problem[], config: ResolvedConfig, checks: readonly Check[],
  cancel?: CancellationSignal, withFixes = true,
): Finding[] {
  const drafts: Draft[] = [];
  for (const check of checks) {
    if (cancel?.cancelled) return [];
    const places = new Places<Draft>();
    const ctx: CheckContext = {
      files: spec.files, documents: spec.documents, code, config, ruleIds: CHECK_IDS,
      report(report) {
        let draft = places.get(report);
        if (!draft) {
          draft = { meta: check.meta, report, operations: new Map(), related: new Places() };
          places.set(report, draft);
          drafts.push(draft);
        } else if (SEVERITY_RANK[report.severity ?? check.meta.severity] < SEVERITY_RANK[draft.report.severity ?? check.meta.severity]) {
          // a place reached by several operations keeps its most severe report whole: severity, message and fixes
          draft.report = report;
        }
        for (const op of report.operations ?? []) if (!draft.operations.has(op)) draft.operations.set(op, operationRef(op));
        for (const rel of report.related ?? []) {
          if (!draft.related.get(rel, rel.message)) draft.related.set(rel, { file: rel.at.file.relPath, range: siteRange(rel), message: rel.message }, rel.message);
        }
      },
    };
    try { check.run(ctx); } catch (error) {
      problems.push({ file: '', severity: 'error', code: 'check-failed', message: `Check ${check.meta.id} failed: ${String(error)}` });
    }
  }
  const findings: Finding[] = [];
  for (const draft of drafts) {
    const { meta, report } = draft;
    const operations = [...draft.operations.values()];
    const override = config.rules.get(meta.id);
    const finding: Finding = {
      ruleId: meta.id, family: meta.family, owasp: meta.owasp, cwe: meta.cwe,
      severity: override && override !== 'off' ? override : report.severity ?? meta.severity,
      message: typeof report.message === 'function' ? report.message(operations) : report.message,
      file: report.at.file.relPath,
      range: siteRange(report),
      anchor: jsonPointer(report.at.path),
      path: report.at.path,
      operations,
      related: [...draft.related.values()],
      fixes: typeof report.fixes === 'function' ? (withFixes ? report.fixes() : []) : [...(report.fixes ?? [])],
    };
    // a missing reason is fixed by writing one, not by another suppression
    const suppress = !withFixes || meta.family === 'config' ? undefined : suppressionFix(report.at.file, report.at.path, meta.id);
    if (suppress) finding.fixes.push(suppress);
    const suppression = findSuppression(report.at.file, report.at.path, meta.id);
    if (suppression) finding.suppressed = suppression;
    findings.push(finding);
  }
  return findings.sort(compareFindings);
}

/** An `x-api-sentinel-ignore: { rule-id: reason }` on the flagged object or any object above it in the same file. */
function findSuppression(file: SourceFile, path: (string | number)[], ruleId: string): Finding['suppressed'] {
  let value: unknown = file.value;
  const containers: { value: object; depth: number }[] = [];
  for (let depth = 0; depth <= path.length && value !== null && typeof value === 'object'; depth++) {
    containers.push({ value, depth });
    if (depth < path.length) value = (value as Record<string | number, unknown>)[path[depth]];
  }
  for (let i = containers.length - 1; i >= 0; i--) {
    const c = containers[i].value as Record<string, unknown>;
    const ignore = c[IGNORE_KEY];
    if (!isObject(ignore) || !(ruleId in ignore)) continue;
    const reason = ignore[ruleId];
    return {
      kind: 'inSource',
      justification: typeof reason === 'string' ? reason : '',
      location: { file: file.relPath, range: file.rangeOf(ignore, ruleId, 'key') },
    };
  }
  return undefined;
}

/** Keys whose mapping values are maps of names or requirement objects, where an `x-` key would change meaning. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'scopes', 'mapping', 'variables', 'definitions', 'schemas', 'securitySchemes', 'securityDefinitions']);

export const SUPPRESSION_PLACEHOLDER = 'TODO: say why this is accepted';

/**
 * A suggestion that suppresses one finding: `x-api-sentinel-ignore` on the nearest object above the flagged place
 * that may carry extensions (never inside a security requirement or a map of property names).
 */
function suppressionFix(file: SourceFile, path: (string | number)[], ruleId: string): Finding['fixes'][number] | undefined {
  const values: unknown[] = [file.value];
  for (const key of path) {
    const parent = values[values.length - 1];
    if (parent === null || typeof parent !== 'object') break;
    values.push((parent as Record<string | number, unknown>)[key]);
  }
  for (let depth = values.length - 1; depth >= 0; depth--) {
    const value = values[depth];
    if (!isObject(value)) continue;
    const own = depth > 0 ? path[depth - 1] : undefined;
    const parentKey = depth > 1 ? path[depth - 2] : undefined;
    if (typeof own === 'string' && (NAME_MAPS.has(own) || own.startsWith('x-'))) continue;
    if (typeof own === 'number' && (parentKey === 'security' || parentKey === 'required' || parentKey === 'enum')) continue;
    const existing = value[IGNORE_KEY];
    try {
      const edit = isObject(existing)
        ? (ruleId in existing ? undefined : insertEntry(file, existing, ruleId, SUPPRESSION_PLACEHOLDER))
        : existing === undefined ? insertEntry(file, value, IGNORE_KEY, { [ruleId]: SUPPRESSION_PLACEHOLDER }) : undefined;
      return edit && { title: `Suppress ${ruleId} here (give the reason)`, kind: 'suggestion', edits: [edit] };
    } catch { return undefined; }
  }
  return undefined;
}

/** Code-unit order: stable across machines and locales, and much cheaper than localeCompare on thousands of findings. */
function byText(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

function compareFindings(a: Finding, b: Finding): number {
  return byText(a.file, b.file) || a.range.start.line - b.range.start.line
    || a.range.start.character - b.range.start.character || byText(a.ruleId, b.ruleId);
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => byText(a.file, b.file) || (a.range?.start.line ?? -1) - (b.range?.start.line ?? -1));
}

import { SEVERITY_RANK, type AnalysisResult, type CancellationSignal, type CheckMeta, type FileReader, type Finding, type Fix, type OperationRef, type Problem, type Range, type RelatedLocation } from './types';
import type { FileSet, ParseCache } from './spec/load';
import { isObject, operationRef, type ApiDocument, type Operation } from './spec/model';
import { resolveConfig, type Config, type ResolvedConfig } from './config';
import { isCodeSite, type Check, type CheckContext, type Counterparts, type Report, type ReportSite, type Site } from './checks/check';
import { CHECKS, CHECK_IDS } from './checks';
import { jsonPointer } from './identity';
import { findSuppression, suppressionFix } from './spec/suppression';
import type { Frontend, FrontendPart, FrontendRequest, Need, Suppressions } from './frontend';
import { noSpec, specFrontend, type SpecPart } from './spec/frontend';
import { isCodePart } from './code/part';
import { correlate, unusedApis } from './correlate';
import { endpointLinks, type EndpointLinks } from './correlate/links';
import { RouteUnits, placeOf, type RanUnit, type RouteFindings, type RouteUnit } from './route-findings';
import type { Route } from './code/model';

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
  /**
   * Build quick fixes (default true; a text report shows none). `on-request`: findings carry none, and `analyzeFiles`
   * gives beside the result how to build each finding's fixes (an editor builds only those a code action asks for).
   */
  fixes?: boolean | 'on-request';
  /** Findings of an earlier analysis kept check by check (a session's). */
  reuse?: CheckReuse;
  /**
   * The route checks' findings of the last analysis, route by route (empty for a first analysis): those of unchanged
   * routes are kept (`route-findings.ts`), and `analyzeFiles` gives this analysis's for the next one.
   */
  routeFindings?: RouteFindings;
}

/** How an analysis keeps an earlier analysis's findings check by check (`session.ts`). */
export interface CheckReuse {
  /** Called once the spec's model is built, before any check runs. */
  prepare(spec: SpecPart): void;
  /** The findings of `check` kept from the earlier analysis, or undefined to run it. */
  kept(check: Check): Finding[] | undefined;
  /** Runs part of a check's work (its run, a finding's fixes and suppression), recording what it reads. */
  reading<T>(check: Check, run: () => T): T;
  /** `CheckContext.eachOperation` for `check`: the operations whose last run read nothing changed are not run again. */
  eachOperation<T>(check: Check, doc: ApiDocument, run: (op: Operation) => T, move: (kept: T, to: Counterparts) => T): T[];
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
export async function analyzeFiles(request: AnalyzeRequest): Promise<{ result: AnalysisResult; files: FileSet; fixes?: FixBuilders; routeFindings?: RouteFindings }> {
  const config = resolved(request.config);
  const checks = (request.checks ?? CHECKS).filter((check) => config.rules.get(check.meta.id) !== 'off');
  const needs = new Set<Need>(checks.flatMap((check) => check.meta.needs));
  const frontendRequest = frontendRequestOf(request, config);
  // documents are still parsed and their problems reported when every check is off: only a code-only analysis skips them
  const runsSpec = needs.has('spec') || !needs.has('code');
  const spec = runsSpec ? await specFrontend.load(frontendRequest) : noSpec(request);
  const codeFrontend = request.frontends?.code;
  const runsCode = needs.has('code') && codeFrontend !== undefined && (codeFrontend.claims?.(frontendRequest) ?? true);
  const code = runsCode ? await codeFrontend.load(frontendRequest) : undefined;
  const parts: FrontendPart[] = code ? [spec, code] : [spec];
  const problems = parts.flatMap((part) => part.problems);
  const running = checks.filter((check) => check.meta.needs.every((need) => need === 'spec' || code));
  request.reuse?.prepare(spec);
  const fixes = request.fixes === 'on-request' ? new Map<Finding, () => Fix[]>() : undefined;
  const routeFindings = request.routeFindings && isCodePart(code) ? { last: request.routeFindings, next: new Map() } : undefined;
  const findings = request.cancel?.cancelled ? [] : runChecks(spec, code, problems, config, running, request.cancel, fixes ?? request.fixes !== false, request.reuse, routeFindings);
  // pairs written in the configuration that pair nothing are said once, by the analysis that compares specs with code
  if (isCodePart(code) && config.apis && running.some((check) => check.meta.needs.includes('spec') && check.meta.needs.includes('code'))) problems.push(...unusedApis(code, spec.documents, config.apis));
  const result: AnalysisResult = {
    findings, problems: sortProblems(problems),
    documents: spec.documents.map((d) => d.file.relPath), inputs: parts.flatMap((part) => part.inputs),
    routes: isCodePart(code) ? code.routes : [],
    frontends: [...(runsSpec ? ['spec' as const] : []), ...(code ? ['code' as const] : [])],
  };
  return { result, files: spec.files, fixes, routeFindings: routeFindings?.next };
}

/** How to build the fixes of an analysis's findings, by finding (the findings of its checks that ran). */
export type FixBuilders = Map<Finding, () => Fix[]>;

function frontendRequestOf(request: AnalyzeRequest, config: ResolvedConfig): FrontendRequest {
  return {
    root: request.root, files: request.files, explicit: request.explicit ?? new Set(), reader: request.reader, config,
    cancel: request.cancel, cache: request.cache,
  };
}

/**
 * Which operations of the candidates' OpenAPI documents which routes of their code implement (the pairs the
 * inventory checks compare), for navigating between them: runs the spec and code frontends, no check. Nothing when
 * no code frontend is given or no spec pairs with the code.
 */
export async function linkEndpoints(request: AnalyzeRequest): Promise<EndpointLinks> {
  const config = resolved(request.config);
  const frontendRequest = frontendRequestOf(request, config);
  const codeFrontend = request.frontends?.code;
  if (!codeFrontend || !(codeFrontend.claims?.(frontendRequest) ?? true)) return { operations: [], routes: [] };
  const spec = await specFrontend.load(frontendRequest);
  const code = spec.documents.length > 0 ? await codeFrontend.load(frontendRequest) : undefined;
  return isCodePart(code) ? endpointLinks(correlate(code, spec.documents, config)) : { operations: [], routes: [] };
}

/** A finding of a route kept from the last analysis, with its fixes builder when fixes are built on request. */
interface KeptFinding { kept: Finding; build?: () => Fix[] }

interface Draft {
  check: Check; meta: CheckMeta; report: Report; operations: Map<Operation | OperationRef, OperationRef>; related: Places<RelatedLocation>;
  /** The route unit whose report made it (`CheckContext.aboutRoutes`), and the finding it became. */
  unit?: RanUnit; finding?: Finding;
}

/**
 * Values by place. A spec place is the object holding a key (the file for its root), the key, and key-or-value,
 * compared by identity, so merging thousands of reports builds no path strings; a code place is its file and anchor.
 */
class Places<T> {
  /** Most owners hold one place (a finding's related entries are mostly one per schema): a Map only for more. */
  private readonly byOwner = new Map<object | string, { slot: string; value: T } | Map<string, T>>();
  private static owner(site: ReportSite): object | string {
    return isCodeSite(site) ? placeOf(site.code.file, site.code.anchor) : site.at.parent ?? site.at.file;
  }
  private static slot(site: ReportSite, extra: string): string {
    if (isCodeSite(site)) return `\0\0${extra}`;
    const key = String(site.at.key ?? '');
    // most places are a key with nothing more: the key itself, a string that exists already (and knows its hash)
    return (site.part ?? 'key') === 'key' && extra === '' ? key : `${key}\0${site.part ?? 'key'}\0${extra}`;
  }
  /** Where `site` (with `extra`) stands among the places, for `atPlace`. */
  static of(site: ReportSite, extra = ''): Place { return { owner: Places.owner(site), slot: Places.slot(site, extra) }; }
  /** The value at the place of `site`; the first time, `make()` gives it. */
  at(site: ReportSite, make: () => T, extra = ''): T { return this.lookup(Places.owner(site), Places.slot(site, extra), make); }
  /** The value at `place` (from `Places.of`); the first time, `make()` gives it. */
  atPlace(place: Place, make: () => T): T { return this.lookup(place.owner, place.slot, make); }
  private lookup(owner: object | string, slot: string, make: () => T): T {
    const slots = this.byOwner.get(owner);
    if (slots instanceof Map) {
      let value = slots.get(slot);
      if (value === undefined) slots.set(slot, (value = make()));
      return value;
    }
    if (slots?.slot === slot) return slots.value;
    const value = make();
    this.byOwner.set(owner, slots ? new Map([[slots.slot, slots.value], [slot, value]]) : { slot, value });
    return value;
  }
  *values(): Iterable<T> {
    for (const slots of this.byOwner.values()) if (slots instanceof Map) yield* slots.values(); else yield slots.value;
  }
}

interface Place { owner: object | string; slot: string }

/** The file of a site, relative to the root. */
function siteFile(site: ReportSite): string { return isCodeSite(site) ? site.code.file : site.at.file.relPath; }

/** The range of a site: a key, or the value under it (the file's first key when the site is the root). */
function siteRange(site: ReportSite) {
  if (isCodeSite(site)) return site.code.range;
  const { file, parent, key } = site.at;
  if (parent !== undefined && key !== undefined) return file.rangeOf(parent, key, site.part ?? 'key');
  if (site.at.path.length > 0) return file.rangeAtPath(site.at.path, site.part ?? 'key');
  const first = isObject(file.value) ? Object.keys(file.value)[0] : undefined;
  return first !== undefined ? file.rangeOf(file.value as object, first, 'key') : file.lines.range({ start: 0, end: 0 });
}

/** Suppression of a finding at a spec site: written in the document (`x-api-sentinel-ignore`). */
function specSuppressions(site: Site): Suppressions {
  return {
    find: (finding) => findSuppression(site.at.file, site.at.path, finding.ruleId),
    fix: (finding) => suppressionFix(site.at.file, site.at.path, finding.ruleId),
  };
}

const isOperationRef = (op: Operation | OperationRef): op is OperationRef => !('node' in op);

function runChecks(
  spec: SpecPart, code: FrontendPart | undefined, problems: Problem[], config: ResolvedConfig, checks: readonly Check[],
  cancel?: CancellationSignal, fixes: boolean | FixBuilders = true, reuse?: CheckReuse, routeFindings?: { last: RouteFindings; next: RouteFindings },
): Finding[] {
  // in the order a cold analysis makes them (the order of findings of several rules at one place): a kept finding
  // stands where its route's reports would be made
  const drafts: (Draft | KeptFinding)[] = [];
  // one range per key or value, shared by every finding that stands at it or relates it (a place known by its path
  // alone is rare and computed each time: Places tells such places apart by key only)
  const ranges = new Places<Range>();
  const rangeAt = (site: ReportSite) => (isCodeSite(site) || site.at.parent === undefined ? siteRange(site) : ranges.at(site, () => siteRange(site)));
  // checks relate one operation from many findings with one shared entry: one location for it too
  const locations = new Map<object, RelatedLocation>();
  const locationOf = (rel: ReportSite & { message: string }) => {
    let location = locations.get(rel);
    if (!location) locations.set(rel, (location = { file: siteFile(rel), range: rangeAt(rel), message: rel.message }));
    return location;
  };
  // a shared entry is related by many findings: its place among a finding's related entries is worked out once
  const relatedPlaces = new Map<object, Place>();
  const relatedPlace = (rel: ReportSite & { message: string }) => {
    let place = relatedPlaces.get(rel);
    if (!place) relatedPlaces.set(rel, (place = Places.of(rel, rel.message)));
    return place;
  };
  // one reference per operation, shared by every finding about it (a report writes it once)
  const operationRefs = new Map<Operation, OperationRef>();
  const refOf = (op: Operation | OperationRef): OperationRef => {
    if (isOperationRef(op)) return op;
    let ref = operationRefs.get(op);
    if (!ref) operationRefs.set(op, (ref = operationRef(op)));
    return ref;
  };
  const findings: Finding[] = [];
  const reading = <T>(check: Check, run: () => T): T => (reuse ? reuse.reading(check, run) : run());
  const texts = isCodePart(code) ? code.texts : new Map<string, string>();
  // not `routeFindings` itself in the closures below: the fixes builders they make hold them, and through it the last
  // analysis's units, whose builders hold the analysis before, and so on
  const keepsRoutes = routeFindings !== undefined;
  /** Runs a check, keeping the findings of the routes `last` holds where they are unchanged. */
  const runCheck = (check: Check, last: ReadonlyMap<Route, RouteUnit> | undefined) => {
    const places = new Places<Draft>();
    const made: (Draft | KeptFinding)[] = [];
    const units = new RouteUnits(last, texts, (unit) => unit.findings.forEach((kept, i) => made.push({ kept, build: unit.builders?.[i] })));
    let failed = false;
    const ctx: CheckContext = {
      files: spec.files, documents: spec.documents, code, config, ruleIds: CHECK_IDS,
      aboutRoutes: (routes, facts, run) => units.about(routes, keepsRoutes ? facts : undefined, run),
      eachOperation: (doc, run, move) => (reuse ? reuse.eachOperation(check, doc, run, move) : doc.operations.map((op) => run(op))),
      report(report) {
        let created = false;
        const unit = units.current;
        const draft = places.at(report, () => {
          created = true;
          const draft: Draft = { check, meta: check.meta, report, operations: new Map(), related: new Places(), unit };
          unit?.drafts.push(draft);
          made.push(draft);
          return draft;
        });
        // a finding two routes (or a route and the app) report is no route's own: neither keeps it
        if (!created && draft.unit !== unit) {
          if (draft.unit) draft.unit.own = false;
          if (unit) unit.own = false;
        }
        // a place reached by several operations keeps its most severe report whole: severity, message and fixes
        if (!created && SEVERITY_RANK[report.severity ?? check.meta.severity] < SEVERITY_RANK[draft.report.severity ?? check.meta.severity]) draft.report = report;
        for (const op of report.operations ?? []) if (!draft.operations.has(op)) draft.operations.set(op, refOf(op));
        for (const rel of report.related ?? []) draft.related.atPlace(relatedPlace(rel), () => locationOf(rel));
      },
    };
    try { reading(check, () => check.run(ctx)); } catch (error) {
      failed = true;
      problems.push({ file: '', severity: 'error', code: 'check-failed', message: `Check ${check.meta.id} failed: ${String(error)}` });
    }
    return { drafts: made, units, failed };
  };
  const ranChecks: { id: string; units: RouteUnits; failed: boolean }[] = [];
  for (const check of checks) {
    if (cancel?.cancelled) return [];
    const kept = reuse?.kept(check);
    if (kept) {
      findings.push(...kept);
      continue;
    }
    let run = runCheck(check, routeFindings?.last.get(check.meta.id));
    // a changed route that reports where a kept finding stands would merge with it: the check runs again for every route
    const { keptPlaces } = run.units;
    if (keptPlaces.size > 0 && run.drafts.some((draft) => 'report' in draft && isCodeSite(draft.report) && keptPlaces.has(placeOf(draft.report.code.file, draft.report.code.anchor)))) {
      run = runCheck(check, undefined);
    }
    drafts.push(...run.drafts);
    ranChecks.push({ id: check.meta.id, units: run.units, failed: run.failed });
  }
  const builders = fixes instanceof Map ? fixes : undefined;
  for (const draft of drafts) if ('kept' in draft) {
    findings.push(draft.kept);
    if (draft.build) builders?.set(draft.kept, draft.build);
  } else reading(draft.check, () => {
    const { meta, report } = draft;
    const operations = [...draft.operations.values()];
    const override = config.rules.get(meta.id);
    const finding: Finding = {
      ruleId: meta.id, family: meta.family, owasp: meta.owasp, cwe: meta.cwe,
      severity: override && override !== 'off' ? override : report.severity ?? meta.severity,
      message: typeof report.message === 'function' ? report.message(operations) : report.message,
      file: siteFile(report),
      range: rangeAt(report),
      anchor: isCodeSite(report) ? report.code.anchor : jsonPointer(report.at.path),
      path: isCodeSite(report) ? [] : report.at.path,
      operations,
      related: [...draft.related.values()],
      fixes: [],
    };
    const suppressions = isCodeSite(report) ? code?.suppressions : specSuppressions(report);
    const fixesOf = (): Fix[] => {
      const built = typeof report.fixes === 'function' ? report.fixes() : [...(report.fixes ?? [])];
      // a missing reason is fixed by writing one, not by another suppression
      const suppress = meta.family === 'config' ? undefined : suppressions?.fix(finding);
      return suppress ? [...built, suppress] : built;
    };
    if (fixes === true) finding.fixes = fixesOf();
    else if (fixes) fixes.set(finding, fixesOf);
    // without fixes, those a check gave as they were found are kept
    else if (typeof report.fixes !== 'function') finding.fixes = [...(report.fixes ?? [])];
    const suppression = suppressions?.find(finding);
    if (suppression) finding.suppressed = suppression;
    draft.finding = finding;
    findings.push(finding);
  });
  for (const { id, units, failed } of ranChecks) {
    units.release();
    if (failed || !routeFindings) continue;
    const next = units.kept;
    for (const ran of units.ran) if (ran.own) next.set(ran.routes[0], units.unitOf(ran, builders));
    routeFindings.next.set(id, next);
  }
  return findings.sort(compareFindings);
}

/** Code-unit order: stable across machines and locales, and much cheaper than localeCompare on thousands of findings. */
function byText(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

/** The order of an analysis's findings: by file, position, then rule (total: one finding per rule and place). */
export function compareFindings(a: Finding, b: Finding): number {
  return byText(a.file, b.file) || a.range.start.line - b.range.start.line
    || a.range.start.character - b.range.start.character || byText(a.ruleId, b.ruleId);
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(compareProblems);
}

/** The order of an analysis's problems: by file, then line (a stable sort keeps the order problems were found in). */
export function compareProblems(a: Problem, b: Problem): number {
  return byText(a.file, b.file) || (a.range?.start.line ?? -1) - (b.range?.start.line ?? -1);
}

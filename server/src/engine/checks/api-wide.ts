/**
 * Findings about an API as a whole. One cause is one finding: when no operation of an API documents something, or
 * (almost) none of its schemas declares a bound, that is the API's convention rather than a slip at one place, and
 * it is reported once, at `paths`, with the operations (and the places) concerned, instead of once per place.
 */
import type { CheckContext, Report, Site } from './check';
import { SEVERITY_RANK, type Severity } from '../types';
import { child, type ApiDocument, type Operation } from '../spec/model';

/** Where a finding about the whole API points: its `paths` key (the operations are listed in the finding). */
export function apiSite(doc: ApiDocument): Site {
  return { at: child(doc.root, 'paths') ?? doc.root, part: 'key' };
}

/**
 * Whether operations lack something as a whole API: at least two are concerned and none of them has it. Reported
 * once for the API then; when some operations have it, those that lack it are omissions, reported one by one.
 */
export function lackedByWholeApi(concerned: readonly Operation[], lacking: readonly Operation[]): boolean {
  return lacking.length >= 2 && lacking.length === concerned.length;
}

/** A bound is the API's convention to omit when at least this many places lack it... */
const CONVENTION_MINIMUM = 10;
/** ...and fewer than one place in this many declares it. */
const CONVENTION_SHARE = 10;

/** What a rule says about its places when it reports them once for the API. */
export interface Summary {
  /** The message, from the number of places that lack the bound, that declare it, and the operations concerned. */
  message: (lacking: number, declaring: number, operations: readonly Operation[]) => string;
  /** The message of each place's related entry: "array without maxItems". */
  place: string;
}

/**
 * The places of one document that lack a bound (each with the report it would get on its own) and those that
 * declare it. A place is identified by the schema object that lacks or declares the bound, so a shared schema
 * counts once however many operations use it.
 */
export class Omissions {
  private readonly reports: (Report & { severity: Severity })[] = [];
  private readonly lacking = new Map<object, Site>();
  private readonly declaring = new Set<object>();

  lacks(place: object, report: Report & { severity: Severity }): void {
    this.reports.push(report);
    if (!this.lacking.has(place)) this.lacking.set(place, report);
  }

  declares(place: object): void {
    this.declaring.add(place);
  }

  /**
   * Reports every place on its own, or, when the API declares the bound (almost) nowhere, one finding at `paths`
   * with every operation concerned, every place as a related entry, and the severity of the most severe place.
   */
  report(ctx: CheckContext, doc: ApiDocument, summary: Summary): void {
    const lacking = this.lacking.size;
    const declaring = this.declaring.size;
    if (lacking < CONVENTION_MINIMUM || declaring * CONVENTION_SHARE >= lacking + declaring) {
      for (const report of this.reports) ctx.report(report);
      return;
    }
    const operations = [...new Set(this.reports.flatMap((r) => r.operations ?? []))];
    const severity = this.reports.map((r) => r.severity).reduce((a, b) => (SEVERITY_RANK[b] < SEVERITY_RANK[a] ? b : a));
    ctx.report({ ...apiSite(doc), severity, operations, message: summary.message(lacking, declaring, operations),
      related: [...this.lacking.values()].map((site) => ({ ...site, message: summary.place })) });
  }
}

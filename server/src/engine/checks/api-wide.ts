/**
 * Findings about an API as a whole. One cause is one finding: when no operation of an API, or most of them, document
 * something, or most of its schemas omit a bound, that is the API's convention rather than a slip at one place, and it
 * is reported once, at `paths`, with the operations (and the places) concerned, instead of once per place.
 */
import type { CheckContext, SpecReport, Site } from './check';
import { SEVERITY_RANK, type Severity } from '../types';
import { child, type ApiDocument, type Operation } from '../spec/model';

/** Where a finding about the whole API points: its `paths` key (the operations are listed in the finding). */
export function apiSite(doc: ApiDocument): Site {
  return { at: child(doc.root, 'paths') ?? doc.root, part: 'key' };
}

/**
 * How many of the operations concerned lack something, for messages: "none of the 12 operations that take input
 * <has>" when none has it, else "8 of the 12 operations that take input <lacks>".
 */
export function howManyLack(concerned: readonly Operation[], lacking: readonly Operation[], which: string, has: string, lacks: string): string {
  return lacking.length === concerned.length ? `none of the ${concerned.length} operations ${which} ${has}`
    : `${lacking.length} of the ${concerned.length} operations ${which} ${lacks}`;
}

/** An omission is a convention rather than a slip when at least this many lack something, and most do. */
const CONVENTION_MINIMUM = 10;

/** Whether lacking something is the API's convention: at least ten places or operations lack it, and most of them do. */
function mostlyLacking(having: number, lacking: number): boolean {
  return lacking >= CONVENTION_MINIMUM && having < lacking;
}

/**
 * Whether operations lack something as a whole API: at least two lack it and none of the operations concerned has
 * it, or most lack it (see mostlyLacking). Reported once for the API then; otherwise the operations that lack it are
 * omissions, reported one by one.
 */
export function lackedByWholeApi(concerned: readonly Operation[], lacking: readonly Operation[]): boolean {
  const having = concerned.length - lacking.length;
  return lacking.length >= 2 && (having === 0 || mostlyLacking(having, lacking.length));
}

/** What a rule says about its places when it reports them once for the API. */
export interface Summary {
  /** The message, from the number of places that lack the bound, that declare it, and the operations concerned. */
  message: (lacking: number, declaring: number, operations: readonly Operation[]) => string;
  /** The message of each place's related entry: "array without maxItems". */
  place: string;
}

/** The rest of a place's own report. */
export type PlaceDetails = Pick<SpecReport, 'message' | 'related' | 'fixes'>;

/** A place that lacks a bound: where, how severe that is, the operation that reaches it, and the rest of its report. */
interface LackingPlace { site: Site; severity: Severity; op: Operation; details: () => PlaceDetails }

/**
 * The places of one document that lack a bound (each with the report it would get on its own) and those that
 * declare it. A place is identified by the schema object that lacks or declares the bound, so a shared schema
 * counts once however many operations use it.
 */
export class Omissions {
  private readonly places: LackingPlace[] = [];
  private readonly lacking = new Map<object, Site>();
  private readonly declaring = new Set<object>();

  /**
   * A place that lacks the bound: where, how severe and for which operation now; the rest of its report only when
   * places are reported one by one (a whole-API finding lists the places and drops their own messages).
   */
  lacks(place: object, site: Site, severity: Severity, op: Operation, details: () => PlaceDetails): void {
    this.places.push({ site, severity, op, details });
    if (!this.lacking.has(place)) this.lacking.set(place, site);
  }

  declares(place: object): void {
    this.declaring.add(place);
  }

  /**
   * Reports every place on its own, or, when most places lack the bound (at least ten of them), one finding at
   * `paths` with every operation concerned, every place as a related entry, and the severity of the most severe place.
   */
  report(ctx: CheckContext, doc: ApiDocument, summary: Summary): void {
    const lacking = this.lacking.size;
    const declaring = this.declaring.size;
    if (!mostlyLacking(declaring, lacking)) {
      for (const { site, severity, op, details } of this.places) ctx.report({ ...site, severity, operations: [op], ...details() });
      return;
    }
    const operations = [...new Set(this.places.map((p) => p.op))];
    const severity = this.places.map((p) => p.severity).reduce((a, b) => (SEVERITY_RANK[b] < SEVERITY_RANK[a] ? b : a));
    const related = [...this.lacking.values()].map(({ at, part }) => ({ at, part, message: summary.place }));
    ctx.report({ ...apiSite(doc), severity, operations, message: summary.message(lacking, declaring, operations), related });
  }
}

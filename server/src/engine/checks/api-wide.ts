/**
 * Findings about an API as a whole. One cause is one finding: when no operation of an API, or most of them, document
 * something, or most of its schemas omit a bound, that is the API's convention rather than a slip at one place, and it
 * is reported once, at `paths`, with the operations (and the places) concerned, instead of once per place.
 */
import type { CheckContext, Counterparts, SpecReport, Site } from './check';
import { SEVERITY_RANK, type Severity } from '../types';
import { child, isCollection, type ApiDocument, type Operation } from '../spec/model';
import { locate, type SpecNode } from '../spec/load';
import type { JsonPath, SourceFile } from '../spec/source';
import { mapSame } from '../reuse';

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

/**
 * A place of one operation that lacks a bound: the schema object that lacks it, how severe that is, and where it is
 * reported, as plain document objects (kept from one analysis to the next: no node, file or closure of one).
 */
interface LackingPlace {
  place: object;
  severity: Severity;
  file: string;
  parent?: object;
  key?: string | number;
  part: Site['part'];
  /** Only for a node at no key of a parent (a file's root, a schema a ref reaches): the others are found by their parent and key. */
  node?: { value: unknown; path: JsonPath };
}

/** What one operation's schemas lack and declare: the places that lack the bound, and the schemas that declare it. */
interface OperationPlaces { lacking: LackingPlace[]; declaring: object[] }

/** Collects the places of one operation (see `reportOmissions`). */
export class OperationOmissions {
  readonly found: OperationPlaces = { lacking: [], declaring: [] };
  /** Each lacking place's site and the rest of its report, in the order of `found.lacking` (not kept). */
  readonly reports: { site: Site; severity: Severity; details: () => PlaceDetails }[] = [];

  /**
   * A place that lacks the bound (identified by the schema object `place`, so a shared schema counts once): where and
   * how severe; the rest of its report only when places are reported one by one (a whole-API finding lists the places
   * and drops their own messages).
   */
  lacks(place: object, site: Site, severity: Severity, details: () => PlaceDetails): void {
    const { file, parent, key } = site.at;
    const node = parent === undefined ? { value: site.at.value, path: site.at.path } : undefined;
    this.found.lacking.push({ place, severity, file: file.path, parent, key, part: site.part, node });
    this.reports.push({ site, severity, details });
  }

  declares(place: object): void {
    this.found.declaring.push(place);
  }
}

/**
 * Reports the places of one document that lack a bound (`find` gives those of each operation): every place on its
 * own, or, when most places lack the bound (at least ten of them), one finding at `paths` with every operation
 * concerned, every place as a related entry, and the severity of the most severe place. After an edit, the places of
 * an operation whose search read nothing the edit changed are kept (`CheckContext.eachOperation`); places reported one
 * by one need their own reports, made by searching again the operations that lack the bound.
 */
export function reportOmissions(ctx: CheckContext, doc: ApiDocument, summary: Summary, find: (op: Operation, omissions: OperationOmissions) => void): void {
  const reports = new Map<Operation, OperationOmissions['reports']>();
  const found = ctx.eachOperation(doc, (op) => {
    const omissions = new OperationOmissions();
    find(op, omissions);
    reports.set(op, omissions.reports);
    return omissions.found;
  }, movedPlaces);
  const lacking = new Map<object, Site>();
  const declaring = new Set<object>();
  found.forEach((places, i) => {
    const own = reports.get(doc.operations[i]);
    places.lacking.forEach((place, j) => { if (!lacking.has(place.place)) lacking.set(place.place, own ? own[j].site : siteOf(ctx, place)); });
    for (const place of places.declaring) declaring.add(place);
  });
  if (!mostlyLacking(declaring.size, lacking.size)) {
    // place by place: an operation that lacks the bound and was not searched now is searched again for its reports
    for (const [i, op] of doc.operations.entries()) {
      if (found[i].lacking.length === 0) continue;
      let own = reports.get(op);
      if (!own) {
        const again = new OperationOmissions();
        find(op, again);
        own = again.reports;
      }
      for (const { site, severity, details } of own) ctx.report({ ...site, severity, operations: [op], ...details() });
    }
    return;
  }
  const operations = doc.operations.filter((_op, i) => found[i].lacking.length > 0);
  let severity: Severity | undefined;
  for (const places of found) for (const place of places.lacking) if (!severity || SEVERITY_RANK[place.severity] < SEVERITY_RANK[severity]) severity = place.severity;
  const related = [...lacking.values()].map(({ at, part }) => ({ at, part, message: summary.place }));
  ctx.report({ ...apiSite(doc), severity, operations, message: summary.message(lacking.size, declaring.size, operations), related });
}

/**
 * The places an operation lacked and declared, moved to the next analysis's objects: mostly themselves (an edit
 * copies only the objects it changed), so what did not move is kept as it is.
 */
function movedPlaces(kept: OperationPlaces, to: Counterparts): OperationPlaces {
  const lacking = mapSame(kept.lacking, (place) => {
    const now = to.object(place.place);
    const parent = place.parent && to.object(place.parent);
    const value = place.node && isCollection(place.node.value) ? to.object(place.node.value) : place.node?.value;
    if (now === place.place && parent === place.parent && value === place.node?.value) return place;
    return { ...place, place: now, parent, node: place.node && { ...place.node, value } };
  });
  const declaring = mapSame(kept.declaring, (place) => to.object(place));
  return lacking === kept.lacking && declaring === kept.declaring ? kept : { lacking, declaring };
}

/** Where a lacking place is reported. */
function siteOf(ctx: CheckContext, place: LackingPlace): Site {
  const file = ctx.files.get(place.file)!;
  const { parent, key, node } = place;
  return { at: parent === undefined ? { file, ...node! } : new PlaceNode(file, parent, key!), part: place.part };
}

/** A node at a key of a parent; its value and JSON path, which related entries never ask for, are found when asked. */
class PlaceNode implements SpecNode {
  constructor(readonly file: SourceFile, readonly parent: object, readonly key: string | number) {}
  get value(): unknown { return (this.parent as Record<string, unknown>)[this.key]; }
  get path(): JsonPath { return [...locate(this.file, this.parent), this.key]; }
}

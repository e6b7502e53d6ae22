/**
 * Keeping the route checks' findings file by file between the analyses of a session. A route check reports about the
 * routes of one file at a time (`CheckContext.aboutRoutes`), from those routes and a few facts of their app that it
 * names as a value (the protection nearest them, with what the findings say of it). The route analysis gives an
 * unchanged route as the last analysis's very object, so after an edit a file whose routes are the same objects, with
 * the same facts, in files that read as before (suppressions are comments there), reports what it reported: its
 * findings are kept as one unit, the very objects, and the check runs only for the other files' routes.
 */
import type { Route } from './code/model';
import type { Finding, Fix } from './types';
import { sameItems } from './lists';

/** What one check found about the routes of one file, and what it read to find it. */
export interface RouteUnit {
  routes: readonly Route[];
  facts: string;
  /** The texts of the routes' file and of its findings' files as they were read. */
  texts: [file: string, text: string | undefined][];
  findings: Finding[];
  /**
   * Each finding's fixes builder, when fixes are built on request. A builder holds on to the analysis that made it
   * (its check's context, the code's texts), which a unit kept edit after edit would keep alive: `buildKeptFixes`
   * builds them when the caller has a moment, and the unit then holds its fixes only.
   */
  builders?: (() => Fix[])[];
  /** Whether its builders give fixes built already, holding no analysis. */
  built?: boolean;
}

/** The route units of an analysis, by check id, then the first of their routes. */
export type RouteFindings = Map<string, Map<Route, RouteUnit>>;

/** A unit that ran in this analysis: the drafts its reports made. */
export interface RanUnit {
  routes: readonly Route[];
  facts: string;
  /** Each draft with the finding it became. */
  drafts: { finding?: Finding }[];
  /** False once one of its drafts took a report from elsewhere: its findings are then not its own. */
  own: boolean;
}

/** One check's run over route units: the units kept from the last analysis and the ones that ran. */
export class RouteUnits {
  /** The units kept, by their first route: the next analysis's record of this check once the units that ran join them. */
  readonly kept = new Map<Route, RouteUnit>();
  readonly ran: RanUnit[] = [];
  current?: RanUnit;
  /** The places (`file\0anchor`) of the kept findings: no other report may land on one. */
  readonly keptPlaces = new Set<string>();

  constructor(
    private last: ReadonlyMap<Route, RouteUnit> | undefined,
    private readonly texts: ReadonlyMap<string, string>,
    /** Takes the findings of a unit kept, where the unit's reports would have been made. */
    private readonly keep: (unit: RouteUnit) => void,
  ) {}

  about(routes: readonly Route[], facts: string | undefined, run: () => void): void {
    if (facts === undefined || routes.length === 0) { run(); return; }
    const last = this.last?.get(routes[0]);
    if (last && last.facts === facts && sameItems(last.routes, routes) && this.readSame(last)) {
      this.kept.set(routes[0], last);
      this.keep(last);
      for (const finding of last.findings) this.keptPlaces.add(placeOf(finding.file, finding.anchor));
      return;
    }
    const unit: RanUnit = { routes, facts, drafts: [], own: true };
    this.current = unit;
    try { run(); } finally { this.current = undefined; }
    this.ran.push(unit);
  }

  /**
   * Lets go of the last analysis's units once the check has run. The check's context holds this object, and the fixes
   * builders of its findings hold the context: kept, the last units would hold every analysis before, one by one.
   */
  release(): void {
    this.last = undefined;
  }

  /** Whether the files a unit read read the same (a loop without destructuring: it runs for every file of every check). */
  private readSame(unit: RouteUnit): boolean {
    for (const read of unit.texts) if (this.texts.get(read[0]) !== read[1]) return false;
    return true;
  }

  /** A unit that ran, as it is kept for the next analysis: the findings its drafts became, with their builders when fixes are built on request. */
  unitOf(ran: RanUnit, builders: ReadonlyMap<Finding, () => Fix[]> | undefined): RouteUnit {
    const findings = ran.drafts.map((draft) => draft.finding!);
    const files = new Set([ran.routes[0].file, ...findings.map((f) => f.file)]);
    return {
      routes: ran.routes, facts: ran.facts, texts: [...files].map((file) => [file, this.texts.get(file)]), findings,
      ...(builders ? { builders: findings.map((f) => builders.get(f)!) } : {}),
    };
  }
}

/**
 * Builds the fixes of the units of `findings` that hold builders (`RouteUnit.builders`), and puts them in `builders`
 * (the analysis's own record of how to build each finding's fixes) in place of the builders: neither holds an earlier
 * analysis any more. Returns how many findings had their fixes built.
 */
export function buildKeptFixes(findings: RouteFindings, builders: Map<Finding, () => Fix[]> | undefined): number {
  let count = 0;
  for (const units of findings.values()) {
    for (const [route, unit] of units) {
      if (!unit.builders || unit.built) continue;
      const built = unit.builders.map((build) => constantly(build()));
      unit.findings.forEach((finding, i) => builders?.set(finding, built[i]));
      units.set(route, { ...unit, builders: built, built: true });
      count += built.length;
    }
  }
  return count;
}

function constantly(fixes: Fix[]): () => Fix[] {
  return () => fixes;
}

/** A code place as `Places` tells them apart: its file and anchor. */
export function placeOf(file: string, anchor: string): string {
  return `${file}\0${anchor}`;
}

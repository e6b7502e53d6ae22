import type { CheckMeta, Fix, OperationRef, Range, Severity } from '../types';
import type { ResolvedConfig } from '../config';
import type { FrontendPart } from '../frontend';
import type { FileSet } from '../spec/load';
import type { ApiDocument, Operation, Site } from '../spec/model';
import type { Route } from '../code/model';

/** Where a finding points in a spec: a key, or the value under it. */
export type { Site };

/**
 * Where a finding points in code: a file relative to the root, the exact range, and an anchor that names the place
 * without lines (a route key such as `GET /users/{id}`, or a symbol path).
 */
export interface CodeSite { code: { file: string; range: Range; anchor: string } }

export type ReportSite = Site | CodeSite;

export function isCodeSite(site: ReportSite): site is CodeSite { return 'code' in site; }

/** What a report says, about operations of type `Op`. */
interface ReportBody<Op> {
  /** One sentence: what, where, why it matters. A function receives the operations merged into the finding. */
  message: string | ((operations: OperationRef[]) => string);
  /** Overrides the check's default severity for this finding (risk-based severities). */
  severity?: Severity;
  /** The spec operations or code routes it concerns. */
  operations?: Op[];
  related?: (ReportSite & { message: string })[];
  /** Quick fixes; a function when building them costs (it runs only when the caller wants fixes). */
  fixes?: Fix[] | (() => Fix[]);
}

export type Report = ReportSite & ReportBody<Operation | OperationRef>;

/** A report at a spec node about spec operations, as spec checks build them before reporting (`api-wide.ts`). */
export type SpecReport = Site & ReportBody<Operation>;

export interface CheckContext {
  /** The spec frontend's model: every file loaded, and the OpenAPI documents among them. */
  files: FileSet;
  documents: ApiDocument[];
  /** The code frontend's model, for checks that need code (a `CodePart` from `code/frontend.ts`: routes grouped by app). */
  code?: FrontendPart;
  config: ResolvedConfig;
  /** Ids of every check the engine has (not only those running). */
  ruleIds: ReadonlySet<string>;
  /**
   * Reports a finding. Reports of the same check at the same place merge into one, uniting operations and related;
   * the most severe of them gives the finding its severity, message and fixes (the first one on a tie).
   */
  report(report: Report): void;
  /**
   * Runs `run`, which reports about `routes` (the routes of one file, `routesByFile`) alone, reading of the rest of
   * the app only what `facts` says (as a value: the protection nearest them, say). After an edit, the findings it gave
   * the last time are kept instead while the routes are the same objects, the facts are equal, and the files of the
   * routes and of their findings read as before (`route-findings.ts`). `facts` undefined: it runs every time.
   */
  aboutRoutes(routes: readonly Route[], facts: string | undefined, run: () => void): void;
  /**
   * `run(op)` of every operation of `doc`, in order. After an edit, an operation whose run read nothing the edit
   * changed gets the value its run gave the last time instead, moved to this analysis by `move` (a module-level
   * function: a closure would keep the last analysis alive). The value must hold nothing of one analysis but document
   * objects, which `move` takes across (no node, file or closure).
   */
  eachOperation<T>(doc: ApiDocument, run: (op: Operation) => T, move: (kept: T, to: Counterparts) => T): T[];
}

/** What stands in an analysis for the document objects of the last one (`CheckContext.eachOperation`). */
export interface Counterparts {
  object<T extends object>(value: T): T;
}

export interface Check {
  meta: CheckMeta;
  run(ctx: CheckContext): void;
}

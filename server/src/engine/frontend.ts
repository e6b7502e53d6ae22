/**
 * Frontends turn candidate files into the models checks read: the spec frontend parses OpenAPI documents and the files
 * their `$ref`s reach; the code frontend (`code/frontend.ts`) reads route facts from TypeScript and JavaScript. A check
 * declares what it needs (`CheckMeta.needs`); an analysis runs only the frontends its enabled checks need and that
 * claim a candidate, so a review of specs alone never loads the code frontend (nor TypeScript).
 */
import type { ResolvedConfig } from './config';
import type { ParseCache } from './spec/load';
import type { CancellationSignal, FileReader, Finding, Fix, Need, Problem, Suppression } from './types';

export type { Need } from './types';

export interface FrontendRequest {
  /** Absolute project root: paths are reported relative to it, nothing outside it is read. */
  root: string;
  /** Absolute paths of candidate files; each frontend takes the ones it understands. */
  files: readonly string[];
  /** Files the user named: a frontend says why it skips one of those instead of skipping it quietly. */
  explicit: ReadonlySet<string>;
  reader: FileReader;
  config: ResolvedConfig;
  cancel?: CancellationSignal;
  /** Parses kept between analyses. */
  cache?: ParseCache;
}

/** Parses kept between analyses, as frontends other than the spec's use them: one value per key and text. */
export type Derivations = Pick<ParseCache, 'derive'>;

/** What every frontend's model reports besides the model itself. */
export interface FrontendPart {
  /** Input it could not read, parse or resolve. */
  problems: Problem[];
  /** Every file it read, relative to the root. */
  inputs: string[];
  /** How findings at its places are suppressed in source (code: a comment above the route). */
  suppressions?: Suppressions;
}

/** Suppression written in the reviewed files, and the suggestion that writes one for a finding. */
export interface Suppressions {
  find(finding: Finding): Suppression | undefined;
  fix(finding: Finding): Fix | undefined;
}

export interface Frontend<Part extends FrontendPart = FrontendPart> {
  need: Need;
  /** Whether any candidate is this frontend's to read (cheaply, from the names): one that claims none is not loaded. */
  claims?(request: FrontendRequest): boolean;
  load(request: FrontendRequest): Promise<Part>;
}

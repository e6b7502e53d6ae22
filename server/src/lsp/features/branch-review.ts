/**
 * `apiSentinel/reviewBranch`: the findings the checked-out branch adds and fixes, compared with its base as
 * `review --diff` does (`workspace/branch.ts`): the base's findings read from git, the branch's from the units' last
 * results (open buffers included). With `apiSentinel.problems.onlyNewOnBranch`, a folder's diagnostics keep only the
 * findings new on the branch (by identity, so an edit keeps filtering), from the last branch review until the next one
 * or until the setting changes. Git runs synchronously and the base is analysed here: the cost of a command.
 */
import * as path from 'node:path';
import { type Diagnostic, ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { DEFAULT_MAX_FILE_SIZE, findingKey, nearestPlace, type Finding, type Problem, type Range, type ResolvedConfig } from '../../engine';
import { branchChanges, reviewMergeBase } from '../../workspace/branch';
import { codeFrontend } from '../../workspace/code-frontend';
import { readTextFile } from '../../workspace/files';
import { GitError, defaultBranch, openRepository } from '../../workspace/git';
import { pathOf, toUri, type DiagnosticData } from '../convert';
import type { ShownFinding } from '../convert';
import { ResultStore } from '../results';
import type { AnalysisUnit } from '../units';

export interface BranchReviewParams { folder?: string; base?: string }

/** A finding as the branch review shows it: where to open it, and the operations (`METHOD /path`) it concerns. */
export interface BranchFinding {
  key: string;
  ruleId: string;
  severity: Finding['severity'];
  message: string;
  /** Relative to the folder. */
  file: string;
  /** Where to open it; absent for a fixed finding whose file is gone. */
  location?: { uri: string; range: Range };
  operations: string[];
}

export interface BranchReviewResult {
  folder: string;
  base: { ref: string; commit: string };
  added: BranchFinding[];
  fixed: BranchFinding[];
  unchanged: number;
  /** What the review of the base could not read, parse or resolve (it may hide findings there). */
  problems: { file: string; message: string }[];
}

/** The editor settings this feature reads (`apiSentinel.*`). */
interface BranchSettings { branchReview?: { base?: unknown }; problems?: { onlyNewOnBranch?: unknown } }

export interface BranchReviewHost {
  folders(): readonly string[];
  /** The units of a folder its configuration includes, once the workspace's documents are found. */
  unitsOf(folder: string): Promise<AnalysisUnit[]>;
  /** Runs a unit and gives its findings (suppressed ones included), or nothing when it failed. */
  findingsOf(unit: AnalysisUnit): Promise<readonly ShownFinding[] | undefined>;
  config(folder: string): Promise<ResolvedConfig>;
  settings(folder: string): Promise<BranchSettings | undefined>;
  /** The text of a file's open buffer. */
  openText(file: string): string | undefined;
  /** Publishes every diagnostic again (the filter changed). */
  republish(): void;
  log(message: string): void;
}

export class BranchReview {
  /** Per folder: the identities of the findings new on the branch at its last review. */
  private readonly newOnBranch = new Map<string, ReadonlySet<string>>();
  /** Per folder: whether its diagnostics are limited to those. */
  private readonly onlyNew = new Map<string, boolean>();

  constructor(private readonly host: BranchReviewHost) {}

  /** The identities a folder's diagnostics are limited to, or undefined: everything is shown. */
  shownIn(folder: string): ReadonlySet<string> | undefined {
    return this.onlyNew.get(folder) ? this.newOnBranch.get(folder) : undefined;
  }

  /** Reads the setting of every folder again; a folder that turns it on or off forgets its last branch review. */
  async settingsChanged(): Promise<void> {
    let changed = false;
    for (const folder of this.host.folders()) {
      const on = (await this.host.settings(folder))?.problems?.onlyNewOnBranch === true;
      if (on === (this.onlyNew.get(folder) ?? false)) continue;
      this.onlyNew.set(folder, on);
      this.newOnBranch.delete(folder);
      changed = true;
      // the limit needs a branch review: one is run now (its failure is only logged: everything stays shown)
      if (on) void this.review({ folder: toUri(folder, '.') }).then((answer) => { if (answer instanceof ResponseError) this.host.log(`Branch review: ${answer.message}`); });
    }
    if (changed) this.host.republish();
  }

  /** The request: a ResponseError whose message the user can act on when the comparison cannot be made. */
  async review(params: BranchReviewParams): Promise<BranchReviewResult | ResponseError> {
    const folder = this.folderOf(params.folder);
    if (typeof folder !== 'string') return folder;
    try {
      return await this.compare(folder, params.base);
    } catch (error) {
      if (error instanceof GitError) return userError(`${path.basename(folder)}: ${error.message}`);
      throw error;
    }
  }

  private folderOf(uri: string | undefined): string | ResponseError {
    const folders = this.host.folders();
    if (uri === undefined) {
      if (folders.length === 1) return folders[0];
      return userError(folders.length === 0 ? 'open a folder to review its branch' : 'name the workspace folder whose branch to review');
    }
    const folder = pathOf(uri);
    return folder !== undefined && folders.includes(folder) ? folder : userError(`${uri} is not a workspace folder`);
  }

  private async compare(folder: string, requested: string | undefined): Promise<BranchReviewResult | ResponseError> {
    const repo = openRepository(folder);
    if (!repo) return userError(`${path.basename(folder)} is not in a git repository: the branch review compares with git history`);
    const setting = (await this.host.settings(folder))?.branchReview?.base;
    const ref = requested || (typeof setting === 'string' && setting.trim() !== '' ? setting.trim() : defaultBranch(repo));
    const config = await this.host.config(folder);
    // route code as the folder's apps are reviewed now, so that its findings at the base are known too
    const base = await reviewMergeBase(repo, ref, [folder], folder, config, { code: codeFrontend });
    const head: ShownFinding[] = [];
    const seen = new Set<string>();
    for (const unit of await this.host.unitsOf(folder)) {
      // documents reading a shared file report its findings each: the folder has them once, as one review would
      for (const finding of (await this.host.findingsOf(unit)) ?? []) {
        const key = findingKey(finding);
        if (!seen.has(key)) { seen.add(key); head.push(finding); }
      }
    }
    const { added, unchanged, fixed } = branchChanges<ShownFinding>(base.findings, head);
    const shownAdded = added.filter((f) => !f.suppressed);
    this.newOnBranch.set(folder, new Set(shownAdded.map(findingKey)));
    if (this.onlyNew.get(folder)) this.host.republish();
    return {
      folder: toUri(folder, '.'),
      base: { ref, commit: base.commit },
      added: shownAdded.map((f) => ({ ...describe(f), location: { uri: toUri(folder, f.file), range: f.range } })),
      fixed: fixed.map((f) => ({ ...describe(f), location: this.placeNow(folder, f) })),
      unchanged: unchanged.length,
      problems: base.problems.map((p: Problem) => ({ file: p.file, message: p.message })),
    };
  }

  /** Where a fixed finding's file is today, at its anchor's nearest place; nothing when the file is gone. */
  private placeNow(folder: string, finding: ShownFinding): BranchFinding['location'] {
    const file = path.resolve(folder, finding.file);
    const text = this.host.openText(file) ?? readTextFile(file, folder, DEFAULT_MAX_FILE_SIZE);
    if (typeof text !== 'string') return undefined;
    return { uri: toUri(folder, finding.file), range: nearestPlace(text, file, finding.anchor) };
  }
}

function describe(f: ShownFinding): Omit<BranchFinding, 'location'> {
  return {
    key: findingKey(f), ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file,
    operations: f.operations.map((op) => `${op.method.toUpperCase()} ${op.path}`),
  };
}

function userError(message: string): ResponseError {
  return new ResponseError(ErrorCodes.InvalidRequest, message);
}

/**
 * The units' results as the publisher reads them, with findings not new on the branch left out where the branch
 * review limits a folder's diagnostics (configuration problems and failures stay).
 */
export class BranchLimitedResults extends ResultStore {
  /** The limited list per full list and limit: the same list again while neither changes (nothing is re-sent). */
  private readonly limited = new WeakMap<Diagnostic[], { keys: ReadonlySet<string>; diagnostics: Diagnostic[] }>();

  constructor(private readonly shownIn: (folder: string) => ReadonlySet<string> | undefined) { super(); }

  override diagnosticsIn(unit: string, file: string): Diagnostic[] {
    const all = super.diagnosticsIn(unit, file);
    const root = this.get(unit)?.root;
    const keys = root === undefined ? undefined : this.shownIn(root);
    if (!keys) return all;
    const known = this.limited.get(all);
    if (known?.keys === keys) return known.diagnostics;
    const diagnostics = all.filter((d) => { const key = (d.data as DiagnosticData | undefined)?.key; return key === undefined || keys.has(key); });
    this.limited.set(all, { keys, diagnostics });
    return diagnostics;
  }
}

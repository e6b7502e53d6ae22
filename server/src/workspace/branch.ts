/**
 * A branch compared with its base, as the CLI's `review --diff` and the editor's branch review both do it: the
 * findings at the merge base of HEAD and the base, reviewed by the engine from the files git holds for that commit
 * (nothing is checked out, the working tree is not touched), with the findings of files renamed since then moved to
 * their new names so that a renamed spec's findings stay unchanged; then both sides compared by identity.
 */
import * as path from 'node:path';
import { analyze, compare, type Comparison, type FileReader, type Finding, type Frontend, type Problem, type ResolvedConfig } from '../engine';
import { selectCandidates } from './discover';
import { mergeBase, renamedFiles, RevisionFiles, type Repository } from './git';
import { isUrl, relativePath } from './paths';

/** The review of the merge base: its commit, its findings (under today's file names) and the problems it met. */
export interface MergeBaseReview { ref: string; commit: string; findings: Finding[]; problems: Problem[] }

/**
 * The findings at the merge base of HEAD and `ref`, reviewed with the working tree's configuration (so that the
 * comparison shows what the branch changed in the API, not in the settings) and the same paths. `remote` reads the
 * http(s) refs the configuration allows (none without it). Git's failures are GitErrors, said for the user.
 */
export async function reviewMergeBase(
  repo: Repository, ref: string, paths: readonly string[], root: string, config: ResolvedConfig,
  options: { remote?: FileReader; code?: Frontend } = {},
): Promise<MergeBaseReview> {
  const commit = mergeBase(repo, ref);
  const revision = new RevisionFiles(repo, commit, root);
  try {
    const renames = renamedFiles(repo, commit);
    // the paths given and the configuration's globs select files by the names they have now (a path new on the
    // branch selects nothing); the base's files are read under their names in the base
    const namedNow = new Map<string, string>();
    for (const file of revision.files()) namedNow.set(path.join(root, ...newName(relativePath(root, file), renames).split('/')), file);
    const selected = selectCandidates([...namedNow.keys()], paths, root, config, { code: options.code !== undefined });
    const files = selected.files.map((file) => namedNow.get(file)!);
    const explicit = new Set([...selected.explicit].map((file) => namedNow.get(file)!));
    const reader: FileReader = {
      read: (location, limits) => (isUrl(location) ? options.remote?.read(location, limits) : revision.read(location, limits)),
    };
    const result = await analyze({ root, files, explicit, reader, config, frontends: options.code ? { code: options.code } : {}, fixes: false });
    return { ref, commit, findings: result.findings.map((f) => underNewNames(f, renames)), problems: result.problems };
  } finally {
    revision.close();
  }
}

function newName(file: string, renames: ReadonlyMap<string, string>): string { return renames.get(file) ?? file; }

/** A base finding with every file renamed since the base under its new name; a fixed finding offers no fix. */
function underNewNames(finding: Finding, renames: ReadonlyMap<string, string>): Finding {
  const named = (file: string) => newName(file, renames);
  const { suppressed } = finding;
  return {
    ...finding,
    file: named(finding.file),
    related: finding.related.map((r) => ({ ...r, file: named(r.file) })),
    fixes: [],
    ...(suppressed?.location ? { suppressed: { ...suppressed, location: { ...suppressed.location, file: named(suppressed.location.file) } } } : {}),
  };
}

/** What the comparison needs of a finding: its identity, and whether it was suppressed (a baseline entry never is). */
type Compared = Pick<Finding, 'ruleId' | 'file' | 'anchor'> & { suppressed?: unknown };

/**
 * The findings of the branch compared with the base's by identity (`compare`). A finding suppressed in the base was
 * not reported there: its going away fixes nothing the reader saw, so it is not among the fixed ones.
 */
export function branchChanges<T extends Compared>(base: readonly T[], head: readonly T[]): Comparison<T> {
  const { added, unchanged, fixed } = compare(base, head);
  return { added, unchanged, fixed: fixed.filter((f) => !f.suppressed) };
}


/**
 * `review --diff <git-ref>`: the findings at the merge base of HEAD and the ref, reviewed by the same engine from the
 * files git holds for that commit (nothing is checked out, the working tree is not touched), with the findings of
 * files renamed since then moved to their new names, so that a renamed spec's findings stay unchanged.
 */
import * as path from 'node:path';
import { analyze, type FileReader, type Finding, type ResolvedConfig } from '../engine';
import { selectCandidates } from '../workspace/discover';
import { GitError, mergeBase, openRepository, renamedFiles, RevisionFiles } from '../workspace/git';
import { isUrl, relativePath } from '../workspace/paths';
import type { BaseReview } from './compare';
import { CliError } from './errors';
import { codeFrontend } from './code';
import { CliReader } from './reader';

/**
 * The base's findings, reviewed with the working tree's configuration (so that the comparison shows what the branch
 * changed in the API, not in the settings) and the same paths.
 */
export async function mergeBaseFindings(ref: string, paths: readonly string[], root: string, config: ResolvedConfig): Promise<BaseReview> {
  const repo = gitStep(() => openRepository(root));
  if (!repo) throw new CliError('--diff compares with git history, and the current folder is not in a git repository');
  const commit = gitStep(() => mergeBase(repo, ref));
  const revision = gitStep(() => new RevisionFiles(repo, commit, root));
  try {
    const renames = gitStep(() => renamedFiles(repo, commit));
    // the paths given and the configuration's globs select files by the names they have now (a path new on the
    // branch selects nothing); the base's files are read under their names in the base
    const namedNow = new Map<string, string>();
    for (const file of revision.files()) namedNow.set(path.join(root, ...newName(relativePath(root, file), renames).split('/')), file);
    const selected = selectCandidates([...namedNow.keys()], paths, root, config, { code: true });
    const files = selected.files.map((file) => namedNow.get(file)!);
    const explicit = new Set([...selected.explicit].map((file) => namedNow.get(file)!));
    const remote = new CliReader({ root, allowRemote: config.allowRemoteRefs });
    const reader: FileReader = { read: (location, limits) => (isUrl(location) ? remote.read(location, limits) : revision.read(location, limits)) };
    const result = await analyze({ root, files, explicit, reader, config, frontends: { code: codeFrontend }, fixes: false });
    return {
      against: { kind: 'merge-base', ref, commit, problems: result.problems },
      findings: result.findings.map((f) => underNewNames(f, renames)),
    };
  } finally {
    revision.close();
  }
}

/** A git step whose failure the user can act on: its GitError becomes a CliError (one line, exit 2). */
function gitStep<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof GitError) throw new CliError(error.message);
    throw error;
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

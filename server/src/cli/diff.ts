/**
 * `review --diff <git-ref>`: the findings at the merge base of HEAD and the ref (`workspace/branch.ts`, shared with
 * the editor's branch review), with git's failures said as one line.
 */
import type { ResolvedConfig } from '../engine';
import { reviewMergeBase } from '../workspace/branch';
import { GitError, openRepository } from '../workspace/git';
import type { BaseReview } from './compare';
import { CliError } from './errors';
import { codeFrontend } from '../workspace/code-frontend';
import { CliReader } from './reader';

export async function mergeBaseFindings(ref: string, paths: readonly string[], root: string, config: ResolvedConfig): Promise<BaseReview> {
  try {
    const repo = openRepository(root);
    if (!repo) throw new CliError('--diff compares with git history, and the current folder is not in a git repository');
    const remote = new CliReader({ root, allowRemote: config.allowRemoteRefs });
    const base = await reviewMergeBase(repo, ref, paths, root, config, { remote, code: codeFrontend });
    return { against: { kind: 'merge-base', ref, commit: base.commit, problems: base.problems }, findings: base.findings };
  } catch (error) {
    // a git step whose failure the user can act on: one line, exit 2
    if (error instanceof GitError) throw new CliError(error.message);
    throw error;
  }
}

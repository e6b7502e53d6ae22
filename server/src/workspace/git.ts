/**
 * A git revision's files, read without checking anything out: what the CLI's `--diff` reviews at the merge base, and
 * what the editor will compare with. The repository may come from a stranger, so git runs with no system
 * configuration, no hooks and no fsmonitor, and only commands that run no configured program (no external diff, no
 * textconv, no filters: blobs are read raw). A symbolic link in a revision is never followed, and a blob's size is
 * known from the tree before it is read.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { FileReader, ReadResult } from '../engine';
import { megabytes } from './files';
import { childProcess } from './lazy-modules';
import { relativePath } from './paths';

/** Something git could not do, said for the user ("cannot find the merge base of HEAD and 'main': ..."). */
export class GitError extends Error {}

/** Ahead of every command: no hooks, no fsmonitor (both run programs the repository's configuration names). */
const SAFE_OPTIONS = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '--no-pager', '--literal-pathspecs'];

/** A tree listing or a rename list is text about paths; this bounds it far above any real repository's. */
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

interface GitRun { status: number; stdout: string; stderr: string }

/** Runs one git command to its end; a git that cannot be started, or output past the bound, is a GitError. */
function git(cwd: string, args: readonly string[]): GitRun {
  const run = childProcess().spawnSync('git', [...SAFE_OPTIONS, ...args], {
    cwd, env: gitEnvironment(), encoding: 'utf8', maxBuffer: MAX_LISTING_BYTES, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true,
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GitError('git is not installed (or not on the PATH)');
    if (code === 'ENOBUFS') throw new GitError(`git ${args[0]} wrote more than ${megabytes(MAX_LISTING_BYTES)} MB`);
    throw new GitError(`git ${args[0]} failed: ${run.error.message}`);
  }
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** git's own complaint, in one line ("fatal: " dropped). */
function complaint(run: GitRun): string {
  return run.stderr.trim().split('\n')[0]?.replace(/^(?:fatal|error): /, '') || `exit code ${run.status}`;
}

/** The repository a folder is in. */
export interface Repository {
  /** Absolute path of the working tree's top folder: every command runs there. */
  toplevel: string;
  /** The folder, relative to the top ('' or 'sub/dir/', as git says it). */
  prefix: string;
  /** A shallow clone lacks history: a merge base may be missing from it. */
  shallow: boolean;
}

/** The repository `folder` is in; undefined when it is in none, a GitError when git cannot tell (e.g. an unsafe owner). */
export function openRepository(folder: string): Repository | undefined {
  const run = git(folder, ['rev-parse', '--is-shallow-repository', '--show-toplevel', '--show-prefix']);
  if (run.status !== 0) {
    if (/not a git repository/i.test(run.stderr)) return undefined;
    throw new GitError(complaint(run));
  }
  const [shallow, toplevel, prefix = ''] = run.stdout.split('\n');
  return { toplevel, prefix, shallow: shallow === 'true' };
}

/** Whether `rev` names a commit of the repository. */
function isCommit(repo: Repository, rev: string): boolean {
  return git(repo.toplevel, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).status === 0;
}

/** The remote and branch to fetch for `ref`: `origin/main` is `main` of `origin`; anything else is asked of `origin`. */
function fetchTarget(repo: Repository, ref: string): string {
  const remotes = git(repo.toplevel, ['remote']).stdout.split('\n').filter(Boolean);
  const remote = remotes.find((name) => ref.startsWith(`${name}/`));
  return remote ? `${remote} ${ref.slice(remote.length + 1)}` : `origin ${ref}`;
}

/**
 * The branch a feature branch is compared with when none is named: the remote's default branch
 * (`refs/remotes/origin/HEAD`), else the first of `origin/main`, `main`, `master` that names a commit. A GitError says
 * none was found.
 */
export function defaultBranch(repo: Repository): string {
  const remoteHead = git(repo.toplevel, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (remoteHead.status === 0 && remoteHead.stdout.trim()) return remoteHead.stdout.trim();
  const found = ['origin/main', 'main', 'master'].find((ref) => isCommit(repo, ref));
  if (!found) throw new GitError('no base branch found: origin/HEAD is not set and there is no origin/main, main or master; name the base branch');
  return found;
}

/**
 * The commit id of the merge base of HEAD and `ref` (a branch, tag or commit; never an option). A GitError says why
 * there is none: a shallow clone (and which fetch brings the history), an unknown ref, or unrelated histories.
 */
export function mergeBase(repo: Repository, ref: string): string {
  if (ref.startsWith('-')) throw new GitError(`'${ref}' is not a git revision`);
  const run = git(repo.toplevel, ['merge-base', 'HEAD', ref]);
  if (run.status === 0) return run.stdout.trim();
  const cannot = `cannot find the merge base of HEAD and '${ref}'`;
  if (repo.shallow) {
    throw new GitError(`${cannot}: the clone is shallow; run \`git fetch --unshallow\` (or \`git fetch --deepen=N ${fetchTarget(repo, ref)}\`)`);
  }
  if (!isCommit(repo, 'HEAD')) throw new GitError(`${cannot}: HEAD has no commit yet`);
  if (!isCommit(repo, ref)) throw new GitError(`${cannot}: '${ref}' is not a commit of this repository (fetch it first: \`git fetch ${fetchTarget(repo, ref)}\`)`);
  if (run.status === 1) throw new GitError(`${cannot}: they have no history in common`);
  throw new GitError(`${cannot}: ${complaint(run)}`);
}

/** The repository path of a path relative to the folder the repository was opened from. */
function repoPath(repo: Repository, rel: string): string { return `${repo.prefix}${rel}`; }

/** The folder's part of the repository as a pathspec (none at the top). */
function pathspec(repo: Repository): string[] {
  return repo.prefix ? ['--', repo.prefix.replace(/\/$/, '')] : [];
}

/**
 * Files renamed between `commit` and the index (what is committed and staged: the index holds blob ids, so no file
 * of the working tree is read or filtered), as old path to new path, both relative to the folder the repository was
 * opened from. Renames in or out of the folder are not renames for it.
 */
export function renamedFiles(repo: Repository, commit: string): Map<string, string> {
  const run = git(repo.toplevel, ['diff-index', '--cached', '-z', '-M', '--name-status', '--no-ext-diff', '--no-textconv', commit, ...pathspec(repo)]);
  if (run.status !== 0) throw new GitError(`cannot list the files renamed since ${commit.slice(0, 12)}: ${complaint(run)}`);
  const renames = new Map<string, string>();
  // -z: "R<score>\0old\0new\0" for a rename, "<status>\0path\0" for anything else
  const fields = run.stdout.split('\0');
  for (let i = 0; i < fields.length - 1;) {
    if (!fields[i].startsWith('R')) { i += 2; continue; }
    const [from, to] = [fields[i + 1], fields[i + 2]];
    if (from.startsWith(repo.prefix) && to.startsWith(repo.prefix)) renames.set(from.slice(repo.prefix.length), to.slice(repo.prefix.length));
    i += 3;
  }
  return renames;
}

/** One entry of a revision's tree. */
interface TreeEntry { mode: string; type: string; id: string; size: number }

const REGULAR_FILE = /^100[0-7]{3}$/;
const SYMBOLIC_LINK = '120000';

/** One `git cat-file --batch` process, serving blobs in the order they are asked for. */
class BlobStream {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve(blob: Buffer): void; reject(error: Error): void }[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of the current answer's content plus its closing newline, once its header is read. */
  private expected: number | undefined;
  private failure: Error | undefined;
  private stderr = '';

  constructor(cwd: string) {
    this.child = childProcess().spawn('git', [...SAFE_OPTIONS, 'cat-file', '--batch'], { cwd, env: gitEnvironment(), windowsHide: true });
    this.child.stdout.on('data', (chunk: Buffer) => this.received(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => { this.stderr += text; });
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      this.fail(new GitError(error.code === 'ENOENT' ? 'git is not installed (or not on the PATH)' : `git cat-file failed: ${error.message}`));
    });
    this.child.on('close', (code) => this.fail(new GitError(`git cat-file stopped (${this.stderr.trim().split('\n')[0] || `exit code ${code}`})`)));
    // a write after git stopped fails here; the waiting reads are answered by the failure above
    this.child.stdin.on('error', () => undefined);
  }

  read(id: string): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${id}\n`);
    });
  }

  close(): void {
    this.failure ??= new GitError('the revision was closed');
    this.child.stdin.end();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }

  /** Everything buffered, as one buffer (joined only when an answer is complete or a header is looked for). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(bytes: number): Buffer {
    const all = this.joined();
    this.chunks = [all.subarray(bytes)];
    this.buffered = all.length - bytes;
    return all.subarray(0, bytes);
  }

  /** Answers are "<id> <type> <size>\n<content>\n", or "<id> missing\n". */
  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected === undefined) {
        const newline = this.joined().indexOf(10);
        if (newline === -1) return;
        const header = this.consume(newline + 1).toString('utf8').trimEnd();
        const answer = /^\S+ (\S+) (\d+)$/.exec(header);
        if (!answer) { this.waiting.shift()?.reject(new GitError(`git cat-file answered '${header}'`)); continue; }
        this.expected = Number(answer[2]) + 1;
      }
      if (this.buffered < this.expected) return;
      const content = this.consume(this.expected).subarray(0, this.expected - 1);
      this.expected = undefined;
      this.waiting.shift()?.resolve(content);
    }
  }
}

/**
 * The files of one commit under a folder of the repository, as a reader for the engine: each file answers at the
 * absolute path it would have if the commit were checked out in `root` (the folder the repository was opened from),
 * so findings are reported with the same relative paths as the working tree's. `close()` when done.
 */
export class RevisionFiles implements FileReader {
  private readonly tree = new Map<string, TreeEntry>();
  private blobs: BlobStream | undefined;

  constructor(private readonly repo: Repository, readonly commit: string, private readonly root: string) {
    // -r lists blobs (and submodule commits) only; --long adds each blob's size
    const run = git(repo.toplevel, ['ls-tree', '-r', '-z', '--long', commit, ...pathspec(repo)]);
    if (run.status !== 0) throw new GitError(`cannot list the files of ${commit.slice(0, 12)}: ${complaint(run)}`);
    for (const line of run.stdout.split('\0')) {
      const entry = /^(\d{6}) (\S+) (\S+) +(-|\d+)\t([^]*)$/.exec(line);
      if (!entry || !entry[5].startsWith(repo.prefix)) continue;
      this.tree.set(entry[5].slice(repo.prefix.length), { mode: entry[1], type: entry[2], id: entry[3], size: Number(entry[4]) });
    }
  }

  /** Absolute paths of the regular files (not links, not submodules), in git's order. */
  files(): string[] {
    const files: string[] = [];
    for (const [rel, entry] of this.tree) if (REGULAR_FILE.test(entry.mode)) files.push(path.join(this.root, ...rel.split('/')));
    return files;
  }

  async read(absPath: string, limits: { maxBytes: number }): Promise<ReadResult> {
    const rel = relativePath(this.root, absPath);
    if (rel.startsWith('../') || path.isAbsolute(rel)) {
      return { code: 'file-outside-root', reason: 'it is outside the project root, which is never read' };
    }
    const entry = this.tree.get(rel);
    if (!entry) return undefined;
    const at = `in ${this.commit.slice(0, 12)}`;
    if (entry.mode === SYMBOLIC_LINK) return { code: 'file-not-regular', reason: `it is a symbolic link ${at}, and links in a revision are never followed` };
    if (!REGULAR_FILE.test(entry.mode)) return { code: 'file-not-regular', reason: `it is a submodule ${at}, not a regular file` };
    if (entry.size > limits.maxBytes) return { code: 'file-too-large', reason: `it holds more than ${megabytes(limits.maxBytes)} MB ${at}`, size: entry.size };
    this.blobs ??= new BlobStream(this.repo.toplevel);
    try {
      return (await this.blobs.read(entry.id)).toString('utf8');
    } catch (error) {
      return { code: 'file-unreadable', reason: `${repoPath(this.repo, rel)} ${at}: ${(error as Error).message}` };
    }
  }

  close(): void {
    this.blobs?.close();
    this.blobs = undefined;
  }
}

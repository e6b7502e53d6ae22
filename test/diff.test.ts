/**
 * `review --diff <git-ref>` as users run it (the built CLI), on git repositories built in temporary folders: a base
 * commit, and a branch that adds an insecure operation, changes a shared schema, renames a file, reformats a spec and
 * moves a path item without changing it. Every format must tell new, unchanged and fixed findings apart by identity.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE, type CliRun } from './support/cli';
import { git, GIT_ENV, removeTemporaryFolders, repositoryWith, temporaryFolder, writeFiles } from './support/git-repo';
import { sarifErrors } from './support/sarif-schema';

after(removeTemporaryFolders);

const BASE: Record<string, string> = {
  'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: http://api.example.com/v1
    description: Production
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /users/{userId}:
    get:
      operationId: getUser
      parameters:
        - { name: userId, in: path, required: true, schema: { type: string, format: uuid } }
      responses:
        "200":
          description: The user
          content:
            application/json:
              schema: { $ref: "./schemas/user.yaml" }
  /orders:
    get:
      operationId: listOrders
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
      responses:
        "200": { description: The orders }
`,
  'schemas/user.yaml': `type: object
properties:
  id: { type: string, format: uuid }
  ssn: { type: string }
`,
  'specs/inventory.yaml': `openapi: 3.0.3
info: { title: Inventory, version: "1" }
paths:
  /items/{itemId}:
    delete:
      parameters:
        - { name: itemId, in: path, required: true, schema: { type: integer } }
      responses:
        "204": { description: Deleted }
`,
  'legacy.yaml': `openapi: 3.0.3
info: {title: Legacy, version: "1"}
paths: {/reports: {get: {parameters: [{name: page_size, in: query, schema: {type: integer}}], responses: {"200": {description: ok}}}}}
`,
};

/** The branch: https (fixes the insecure server), /orders moved above /users, two admin operations added. */
const BRANCH: Record<string, string> = {
  'openapi.yaml': `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: https://api.example.com/v1
    description: Production
security:
  - bearer: []
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /orders:
    get:
      operationId: listOrders
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
      responses:
        "200": { description: The orders }
  /users/{userId}:
    get:
      operationId: getUser
      parameters:
        - { name: userId, in: path, required: true, schema: { type: string, format: uuid } }
      responses:
        "200":
          description: The user
          content:
            application/json:
              schema: { $ref: "./schemas/user.yaml" }
  /admin/users:
    get:
      operationId: listUsers
      responses:
        "200":
          description: Every user
          content:
            application/json:
              schema: { $ref: "./schemas/user.yaml" }
  /admin/users/{userId}:
    delete:
      operationId: deleteUser
      security: []
      parameters:
        - { name: userId, in: path, required: true, schema: { type: integer } }
      responses:
        "204": { description: Deleted }
`,
  // the shared schema gains a password: a new finding, concerning every operation that returns the schema
  'schemas/user.yaml': `type: object
properties:
  id: { type: string, format: uuid }
  ssn: { type: string }
  password: { type: string }
`,
  // the same document, reformatted: block style, four spaces, quotes and comments
  'legacy.yaml': `# Reports API
openapi: "3.0.3"
info:
    title: Legacy
    version: "1"
paths:
    /reports:
        get:
            # paged
            parameters:
                -   name: page_size
                    in: query
                    schema:
                        type: integer
            responses:
                "200":
                    description: ok
`,
};

const NEW_OPERATIONS = ['GET /admin/users', 'DELETE /admin/users/{userId}'];

interface JsonOperation { method: string; path: string }
interface JsonRange { start: { line: number; character: number }; end: { line: number; character: number } }
interface JsonFinding { ruleId: string; severity: string; message: string; file: string; range: JsonRange; operations: JsonOperation[]; suppressed?: unknown }
interface JsonProblem { file: string; code: string; message: string }
interface DiffReport {
  findings: JsonFinding[];
  fixed: JsonFinding[];
  unchanged: number;
  widened: { ruleId: string; file: string; message: string; addedOperations: JsonOperation[] }[];
  base: { ref: string; commit: string; problems: JsonProblem[] };
  problems: JsonProblem[];
  summary: { findings: number };
}
interface SarifResult { ruleId: string; baselineState?: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }
interface SarifLog { runs: { results: SarifResult[] }[] }

const operation = (op: JsonOperation) => `${op.method} ${op.path}`;

function review(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['review', ...args], cwd, { ...GIT_ENV, ...env });
}

async function diffJson(cwd: string, ...args: string[]): Promise<{ run: CliRun; report: DiffReport }> {
  const run = await review(cwd, ['--format', 'json', ...args]);
  assert.equal(run.stderr, '', 'nothing on stderr');
  return { run, report: JSON.parse(run.stdout) as DiffReport };
}

/** Repository paths and contents of the working tree, HEAD, the index and the stash: all a review must leave as they are. */
function repositoryState(root: string): string {
  // fsmonitor off: the hostile configuration below must only meet the CLI
  return [
    git(root, '-c', 'core.fsmonitor=false', 'status', '--porcelain=v1', '--untracked-files=all'),
    git(root, 'rev-parse', 'HEAD'),
    git(root, 'ls-files', '--stage'),
    ...Object.keys({ ...BASE, ...BRANCH }).filter((f) => existsSync(join(root, f))).map((f) => readFileSync(join(root, f), 'utf8')),
  ].join('\n');
}

describe('a branch against its merge base', () => {
  let repo: string;
  /** The findings of the base commit, reviewed from a checkout of it. */
  let checkedOut: { findings: JsonFinding[]; sarif: SarifLog };

  before(async () => {
    repo = repositoryWith(BASE);
    const worktree = join(temporaryFolder('base-checkout'), 'main');
    git(repo, 'worktree', 'add', '--quiet', '--detach', worktree, 'main');
    const json = await review(worktree, ['--format', 'json']);
    const sarif = await review(worktree, ['--format', 'sarif']);
    checkedOut = { findings: (JSON.parse(json.stdout) as DiffReport).findings, sarif: JSON.parse(sarif.stdout) as SarifLog };
    git(repo, 'worktree', 'remove', '--force', worktree);
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(repo, BRANCH);
    mkdirSync(join(repo, 'api'));
    git(repo, 'mv', 'specs/inventory.yaml', 'api/inventory.yaml');
    git(repo, 'commit', '--quiet', '--all', '--message', 'admin operations');
  });

  test('json: the new findings are the new operations\' and the new property\'s; the fixed one is listed; the rest is unchanged', async () => {
    const { run, report } = await diffJson(repo, '--diff', 'main');
    assert.equal(run.code, 1, 'new errors fail the review');
    assert.equal(report.base.ref, 'main');
    assert.equal(report.base.commit, git(repo, 'rev-parse', 'main').trim());
    assert.deepEqual(report.base.problems, []);

    const news = report.findings.map((f) => `${f.ruleId} ${f.file} ${f.operations.map(operation).join(', ')}`);
    assert.ok(news.includes('auth-missing openapi.yaml DELETE /admin/users/{userId}'), news.join('\n'));
    assert.ok(news.includes('bola-unprotected-object openapi.yaml DELETE /admin/users/{userId}'), news.join('\n'));
    const password = report.findings.find((f) => f.ruleId === 'response-sensitive-field' && f.message.includes("'password'"));
    assert.equal(password?.file, 'schemas/user.yaml', 'the changed shared schema brings in its finding');
    assert.deepEqual(password.operations.map(operation), ['GET /users/{userId}', 'GET /admin/users'], 'with every operation that returns it');
    for (const f of report.findings) {
      assert.ok(f === password || f.operations.some((op) => NEW_OPERATIONS.includes(operation(op))), `only new operations bring new findings: ${JSON.stringify(f)}`);
    }
    assert.ok(!report.findings.some((f) => ['api/inventory.yaml', 'legacy.yaml'].includes(f.file)), 'renamed and reformatted specs bring nothing new');

    assert.deepEqual(report.fixed.map((f) => [f.ruleId, f.file, f.range.start.line]), [['transport-insecure-server', 'openapi.yaml', 3]]);
    assert.equal(report.unchanged + report.fixed.length, checkedOut.findings.filter((f) => !f.suppressed).length,
      'the base read through git has the findings of its checkout');
    assert.equal(report.summary.findings, report.findings.length);
  });

  test('json: an unchanged finding at a shared schema that a new operation uses lists the operations it gained', async () => {
    const { report } = await diffJson(repo, '--diff', 'main');
    const ssn = report.widened.find((w) => w.file === 'schemas/user.yaml');
    assert.ok(ssn, JSON.stringify(report.widened));
    assert.ok(ssn.message.includes("'ssn'"), ssn.message);
    assert.deepEqual(ssn.addedOperations.map(operation), ['GET /admin/users']);
    assert.ok(!report.findings.some((f) => f.message.includes("'ssn'")), 'it is not new');
  });

  test('sarif: valid, with new, unchanged, updated and absent results whose fingerprints are the checkout\'s', async () => {
    const { report } = await diffJson(repo, '--diff', 'main');
    const run = await review(repo, ['--diff', 'main', '--format', 'sarif']);
    const log = JSON.parse(run.stdout) as SarifLog;
    assert.equal(sarifErrors(log), '');
    const { results } = log.runs[0];
    const state = (s: string) => results.filter((r) => r.baselineState === s);
    assert.equal(state('new').length, report.findings.length);
    assert.equal(state('updated').length, report.widened.length);
    assert.equal(state('unchanged').length + state('updated').length, report.unchanged);
    assert.deepEqual(state('absent').map((r) => [r.ruleId, r.locations[0].physicalLocation.region?.startLine]), [['transport-insecure-server', 4]]);
    assert.equal(results.length, state('new').length + state('unchanged').length + state('updated').length + state('absent').length);
    // a fingerprint hashes the file's name too: the renamed file's results have new ones
    const uri = (r: SarifResult) => r.locations[0].physicalLocation.artifactLocation.uri;
    const fingerprints = (list: SarifResult[], renamed: string) =>
      list.filter((r) => uri(r) !== renamed).map((r) => Object.values(r.partialFingerprints)[0]).sort();
    const kept = [...state('unchanged'), ...state('updated'), ...state('absent')];
    const before = checkedOut.sarif.runs[0].results;
    assert.deepEqual(fingerprints(kept, 'api/inventory.yaml'), fingerprints(before, 'specs/inventory.yaml'),
      'what the base had keeps its fingerprint, across the move and the reformatting');
    assert.equal(kept.filter((r) => uri(r) === 'api/inventory.yaml').length, before.filter((r) => uri(r) === 'specs/inventory.yaml').length);
  });

  test('text: the comparison, the new findings, the unchanged findings that gained operations, then the fixed ones', async () => {
    const run = await review(repo, ['--diff', 'main']);
    assert.equal(run.code, 1);
    const { report } = await diffJson(repo, '--diff', 'main');
    const lines = run.stdout.split('\n');
    assert.match(lines[0], new RegExp(`^Compared with the merge base of 'main' \\([0-9a-f]{12}\\): ${report.findings.length} new, 1 fixed, ${report.unchanged} unchanged$`));
    assert.ok(run.stdout.includes('\nopenapi.yaml\n') && run.stdout.includes('\nschemas/user.yaml\n'), run.stdout);
    assert.ok(!/api\/inventory\.yaml|legacy\.yaml/.test(run.stdout), 'unchanged findings are not listed');
    // the shared schema, and the four findings about the whole API (at paths), which gain the new operations too
    assert.match(run.stdout, /\nUnchanged, now affecting more operations: 5\n(?:.*\n)*  schemas\/user\.yaml:4:3  response-sensitive-field  now also affects GET \/admin\/users\n/);
    assert.match(run.stdout, /\n {2}openapi\.yaml:11:1 {2}rate-limit-missing {2}now also affects GET \/admin\/users, DELETE \/admin\/users\/\{userId\}\n/);
    assert.match(run.stdout, /\nFixed on this branch: 1\n  openapi\.yaml:4:10  transport-insecure-server  Server 'http:\/\/api\.example\.com\/v1' uses plain HTTP/);
    assert.match(run.stdout, new RegExp(`\\n✖ ${report.findings.length} new problems \\(`));
  });

  test('github: one annotation per new finding on its lines, a count, and the Markdown report in the job summary', async () => {
    const { report } = await diffJson(repo, '--diff', 'main');
    const summaryFile = join(temporaryFolder('summary'), 'step-summary.md');
    writeFileSync(summaryFile, '# An earlier step\n');
    const run = await review(repo, ['--diff', 'main', '--format', 'github'], { GITHUB_STEP_SUMMARY: summaryFile });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const lines = run.stdout.trimEnd().split('\n');
    const annotations = lines.slice(0, -1);
    assert.equal(annotations.length, report.findings.length);
    for (const f of report.findings) {
      const { start, end } = f.range;
      const level = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' }[f.severity];
      const expected = `::${level} file=${f.file},line=${start.line + 1},endLine=${end.line + 1},col=${start.character + 1},endColumn=${end.character},title=${f.ruleId}::${f.message}`;
      assert.ok(annotations.some((a) => a.startsWith(expected)), `${expected}\n${annotations.join('\n')}`);
    }
    assert.ok(annotations.some((a) => /title=auth-missing::DELETE \/admin\/users\/\{userId\} .* \(OWASP API2:2023, API5:2023\)$/.test(a)), annotations.join('\n'));
    assert.ok(annotations.every((a) => /^::(error|warning|notice) file=(openapi\.yaml|schemas\/user\.yaml),line=\d+,/.test(a)), annotations.join('\n'));
    assert.match(lines.at(-1)!, new RegExp(`^API Sentinel: ${report.findings.length} new, 1 fixed, ${report.unchanged} unchanged, compared with the merge base of 'main' \\([0-9a-f]{12}\\), 0 problems$`));
    const summary = readFileSync(summaryFile, 'utf8');
    assert.ok(summary.startsWith('# An earlier step\n## API Sentinel\n'), summary);
    assert.ok(summary.includes('### New findings') && summary.includes('### Fixed on this branch: 1'), summary);
  });

  test('markdown: new findings grouped by operation, the unchanged ones that gained operations, then the fixed ones', async () => {
    const run = await review(repo, ['--diff', 'main', '--format', 'markdown']);
    assert.equal(run.code, 1);
    const md = run.stdout;
    assert.match(md, /^## API Sentinel\n\n\*\*\d+ new findings\*\* \(\d+ errors?, /);
    assert.match(md, /compared with the merge base of `main` \([0-9a-f]{12}\): 1 fixed, \d+ unchanged\.\n/);
    const sections = ['### New findings', '#### `DELETE /admin/users/{userId}`', '### Unchanged, now affecting more operations', '### Fixed on this branch: 1'];
    const at = sections.map((s) => md.indexOf(s));
    assert.ok(at.every((i) => i >= 0) && at.every((i, k) => k === 0 || i > at[k - 1]), `sections in order: ${at.join(', ')}\n${md}`);
    assert.match(md, /#### `GET \/users\/\{userId\}`, `GET \/admin\/users`\n\n- \*\*error\*\* · `response-sensitive-field` · \[API3:2023\]\(https:\/\/owasp\.org\/[^)]+\) · `schemas\/user\.yaml:5`<br>\n  Response property \\'password\\'/);
    assert.ok(md.includes('now also affects `GET /admin/users`'), md);
    assert.match(md, /- `transport-insecure-server` · `openapi\.yaml:4` · Server/);
    assert.ok(!md.includes('<details>'), 'one fixed finding is not collapsed');
  });

  test('--fail-on counts new findings only: none on the merge base itself, whatever the branch holds', async () => {
    assert.equal((await review(repo, ['--diff', 'main', '--fail-on', 'never'])).code, 0);
    const { run, report } = await diffJson(repo, '--diff', 'HEAD');
    assert.equal(run.code, 0, 'errors that HEAD already has do not fail');
    assert.deepEqual([report.findings.length, report.fixed.length, report.widened.length], [0, 0, 0]);
    const plain = await review(repo, ['--format', 'json']);
    assert.equal(plain.code, 1, 'a plain review fails on them');
    assert.equal(report.unchanged, (JSON.parse(plain.stdout) as DiffReport).summary.findings);
  });

  test('paths select the same files on both sides, by the names they have now', async () => {
    const { report } = await diffJson(repo, '--diff', 'main', 'api/inventory.yaml', 'legacy.yaml');
    assert.deepEqual([report.findings.length, report.fixed.length], [0, 0], JSON.stringify(report));
    assert.equal(report.unchanged, checkedOut.findings.filter((f) => f.file === 'specs/inventory.yaml' || f.file === 'legacy.yaml').length);
  });

  test('the working tree, index and HEAD are left as they were, and git runs no hook, fsmonitor, external diff or textconv', async () => {
    const marker = join(temporaryFolder('marker'), 'ran');
    const script = join(temporaryFolder('hook'), 'hook.sh');
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> '${marker}'\n`);
    chmodSync(script, 0o755);
    const hooks = join(temporaryFolder('hooks'), 'hooks');
    for (const hook of ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'pre-auto-gc', 'fsmonitor-watchman']) {
      writeFiles(hooks, { [hook]: `#!/bin/sh\necho "${hook}" >> '${marker}'\n` });
      chmodSync(join(hooks, hook), 0o755);
    }
    const hostile = [['core.hooksPath', hooks], ['core.fsmonitor', script], ['diff.external', script], ['diff.evil.textconv', script]];
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* diff=evil\n');
    const before = repositoryState(repo);
    for (const [key, value] of hostile) git(repo, 'config', key, value);
    try {
      for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
        const run = await review(repo, ['--diff', 'main', '--format', format]);
        assert.equal(run.code, 1, run.stderr);
      }
      assert.equal(existsSync(marker), false, existsSync(marker) ? readFileSync(marker, 'utf8') : '');
    } finally {
      for (const [key] of hostile) git(repo, 'config', '--unset', key);
      writeFileSync(join(repo, '.git', 'info', 'attributes'), '');
    }
    assert.equal(repositoryState(repo), before);
  });
});

describe('the base is read as hostile input', () => {
  test('a symbolic link in the base is never followed, and a blob past the size limit is never read', async () => {
    const outside = temporaryFolder('outside');
    writeFileSync(join(outside, 'secret.yaml'), 'type: object\nproperties:\n  SECRET_NAME_password: { type: string }\n');
    const spec = (ref: string) => `openapi: 3.0.3
info: { title: T, version: "1" }
security: [{ key: [] }]
components:
  securitySchemes: { key: { type: apiKey, in: header, name: X-Key } }
paths:
  /me:
    get:
      responses:
        "200":
          description: Me
          content: { application/json: { schema: { $ref: "${ref}" } } }
`;
    const repo = repositoryWith({
      '.api-sentinel.yaml': 'maxFileSizeMB: 0.002\n',
      'openapi.yaml': spec('./shared.yaml'),
      'big.yaml': `${spec('./shared.yaml')}${'# padding\n'.repeat(400)}`,
    }, 'hostile');
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'shared.yaml'));
    git(repo, 'add', 'shared.yaml');
    git(repo, 'commit', '--quiet', '--message', 'a link');
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    git(repo, 'rm', '--quiet', 'shared.yaml', 'big.yaml');
    writeFiles(repo, { 'shared.yaml': 'type: object\nproperties:\n  name: { type: string, maxLength: 10 }\n' });
    git(repo, 'add', 'shared.yaml');
    git(repo, 'commit', '--quiet', '--message', 'no link');

    const { run, report } = await diffJson(repo, '--diff', 'main');
    assert.ok(!run.stdout.includes('SECRET_NAME'), 'nothing of the linked file');
    const byFile = (file: string) => report.base.problems.filter((p) => p.file === file).map((p) => p.code);
    assert.deepEqual(byFile('openapi.yaml'), ['ref-not-regular'], JSON.stringify(report.base.problems));
    assert.match(report.base.problems.find((p) => p.file === 'openapi.yaml')!.message, /symbolic link in [0-9a-f]{12}, and links in a revision are never followed/);
    assert.deepEqual(byFile('big.yaml'), ['file-too-large']);
    const text = await review(repo, ['--diff', 'main']);
    assert.match(text.stdout, /^Compared with .*\n2 problems at the merge base \(files it could not read or parse\): findings in those files may show as new\n/);
  });
});

describe('a project in a subfolder of the repository', () => {
  let repo: string;
  let project: string;

  before(() => {
    repo = repositoryWith({
      'services/shop/openapi.yaml': BASE['openapi.yaml'],
      'services/shop/schemas/user.yaml': BASE['schemas/user.yaml'],
      'other/openapi.yaml': BASE['specs/inventory.yaml'],
    }, 'monorepo');
    project = join(repo, 'services', 'shop');
  });

  test('reads the base under the same folder, reports paths relative to it, and annotates them from the workspace', async () => {
    writeFiles(project, { 'openapi.yaml': BRANCH['openapi.yaml'] });
    try {
      const { report } = await diffJson(project, '--diff', 'HEAD');
      assert.ok(report.findings.length > 0 && report.findings.every((f) => f.file === 'openapi.yaml'), 'the uncommitted change is reviewed');
      assert.deepEqual(report.fixed.map((f) => `${f.ruleId} ${f.file}`), ['transport-insecure-server openapi.yaml']);
      const github = await review(project, ['--diff', 'HEAD', '--format', 'github'], { GITHUB_WORKSPACE: repo });
      const annotations = github.stdout.split('\n').filter((l) => l.startsWith('::'));
      assert.ok(annotations.length > 0 && annotations.every((a) => a.includes(' file=services/shop/openapi.yaml,')), annotations.join('\n'));
    } finally {
      git(repo, 'checkout', '--quiet', '--', '.');
    }
  });
});

describe('when there is no base to compare with', () => {
  /** One line on stderr, exit 2, nothing on stdout, no stack. */
  function assertFails(run: CliRun, line: string): void {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.doesNotMatch(run.stderr, STACK_TRACE);
    assert.equal(run.stderr, `${line}\n`);
  }

  test('outside a git repository', async () => {
    const folder = temporaryFolder('no-git');
    writeFiles(folder, { 'openapi.yaml': BASE['openapi.yaml'] });
    const run = await review(folder, ['--diff', 'main'], { GIT_CEILING_DIRECTORIES: join(folder, '..') });
    assertFails(run, 'api-sentinel: --diff compares with git history, and the current folder is not in a git repository');
  });

  test('a ref the repository does not have, and a ref that looks like an option', async () => {
    const repo = repositoryWith({ 'openapi.yaml': BASE['openapi.yaml'] }, 'unknown-ref');
    assertFails(await review(repo, ['--diff', 'nosuch']),
      "api-sentinel: cannot find the merge base of HEAD and 'nosuch': 'nosuch' is not a commit of this repository (fetch it first: `git fetch origin nosuch`)");
    const option = await review(repo, ['--diff', '--output=x']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^api-sentinel: option '--diff' needs a git revision \(a branch, tag or commit\), not '--output=x'\n/);
  });

  test('a shallow clone: the fetch that brings the history, then the review', async () => {
    const origin = repositoryWith(BASE, 'origin');
    git(origin, 'checkout', '--quiet', '-b', 'feature');
    writeFiles(origin, BRANCH);
    git(origin, 'commit', '--quiet', '--all', '--message', 'admin operations');
    const clone = join(temporaryFolder('shallow'), 'clone');
    git(origin, 'clone', '--quiet', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone);

    const shallowHint = (ref: string, fetch: string) => `api-sentinel: cannot find the merge base of HEAD and '${ref}': the clone is shallow; `
      + `run \`git fetch --unshallow\` (or \`git fetch --deepen=N ${fetch}\`)`;
    assertFails(await review(clone, ['--diff', 'main']), shallowHint('main', 'origin main'));
    git(clone, 'fetch', '--quiet', '--depth', '1', 'origin', 'main:refs/remotes/origin/main');
    assertFails(await review(clone, ['--diff', 'origin/main']), shallowHint('origin/main', 'origin main'));

    git(clone, 'fetch', '--quiet', '--unshallow');
    const { run, report } = await diffJson(clone, '--diff', 'origin/main');
    assert.equal(run.code, 1);
    assert.deepEqual(report.fixed.map((f) => f.ruleId), ['transport-insecure-server']);
  });
});

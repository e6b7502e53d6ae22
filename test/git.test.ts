/**
 * A git revision's files, read without a checkout (`server/src/workspace/git.ts`), and the discovery of candidates
 * among them, which must pick exactly what discovery on disk picks.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../server/src/engine';
import { discoverFiles, selectCandidates } from '../server/src/workspace/discover';
import { mergeBase, openRepository, renamedFiles, RevisionFiles } from '../server/src/workspace/git';
import { git, removeTemporaryFolders, repositoryWith, temporaryFolder, writeFiles } from './support/git-repo';

after(removeTemporaryFolders);

const TREE: Record<string, string> = {
  'openapi.yaml': 'a', 'b.json': 'b', 'notes.txt': 'c', 'UPPER.YML': 'd',
  'specs/z.yaml': 'e', 'specs/a/deep.yaml': 'f', 'specs/a.yaml': 'g',
  'node_modules/pkg/openapi.yaml': 'h', 'vendor/api.yaml': 'i', 'vendor/keep/api.yaml': 'j',
  'generated/x/out.json': 'k', 'docs/readme.md': 'l',
};

test('among a list of files, discovery selects what it selects on disk, in the same order', () => {
  const root = temporaryFolder('discover');
  writeFiles(root, TREE);
  const existing = Object.keys(TREE).map((f) => join(root, ...f.split('/')));
  const configs = [
    resolveConfig(),
    resolveConfig({ exclude: ['vendor/**', '**/generated/**'] }),
    resolveConfig({ include: ['specs/**', '*.json'] }),
  ];
  const pathLists = [['.'], ['specs', 'openapi.yaml'], ['node_modules/pkg', 'notes.txt'], ['vendor/', 'specs/a/deep.yaml', 'specs']];
  for (const config of configs) {
    for (const paths of pathLists) {
      const onDisk = discoverFiles(paths, root, config);
      const selected = selectCandidates(existing, paths, root, config);
      assert.deepEqual(selected, onDisk, `${JSON.stringify(paths)} with ${JSON.stringify([config.include, config.exclude])}`);
    }
  }
  assert.deepEqual(selectCandidates(existing, ['missing', 'docs'], root, resolveConfig()),
    { files: [], explicit: new Set(), errors: [{ path: 'missing', reason: 'no such file or folder' }] });
});

test('a revision lists its regular files under the folder and reads them as they were, whatever the working tree holds', async () => {
  const repo = repositoryWith({ 'api/openapi.yaml': 'openapi: 3.0.3\n', 'api/big.yaml': 'x'.repeat(300_000), 'top.yaml': 'top\n' });
  symlinkSync('openapi.yaml', join(repo, 'api', 'link.yaml'));
  git(repo, 'add', '--all');
  git(repo, 'commit', '--quiet', '--message', 'link');
  const commit = git(repo, 'rev-parse', 'HEAD').trim();
  writeFiles(repo, { 'api/openapi.yaml': 'changed on disk\n' });

  const root = join(repo, 'api');
  const repository = openRepository(root)!;
  assert.deepEqual([repository.toplevel, repository.prefix, repository.shallow], [repo, 'api/', false]);
  const revision = new RevisionFiles(repository, commit, root);
  try {
    assert.deepEqual(revision.files().sort(), [join(root, 'big.yaml'), join(root, 'openapi.yaml')], 'no link, nothing outside the folder');
    const limits = { maxBytes: 1_000_000 };
    // read together: the answers come back in order, a large one whole
    const [spec, big, again] = await Promise.all([
      revision.read(join(root, 'openapi.yaml'), limits), revision.read(join(root, 'big.yaml'), limits), revision.read(join(root, 'openapi.yaml'), limits),
    ]);
    assert.deepEqual([spec, again], ['openapi: 3.0.3\n', 'openapi: 3.0.3\n']);
    assert.equal(big, 'x'.repeat(300_000));
    assert.deepEqual(await revision.read(join(root, 'big.yaml'), { maxBytes: 1000 }),
      { code: 'file-too-large', reason: `it holds more than 0.0 MB in ${commit.slice(0, 12)}`, size: 300_000 });
    const link = await revision.read(join(root, 'link.yaml'), limits);
    assert.equal(typeof link === 'object' && link.code, 'file-not-regular');
    assert.equal(await revision.read(join(root, 'missing.yaml'), limits), undefined);
    const outside = await revision.read(join(repo, 'top.yaml'), limits);
    assert.equal(typeof outside === 'object' && outside.code, 'file-outside-root');
  } finally {
    revision.close();
  }
});

test('renames since a commit, committed or staged, relative to the folder', () => {
  const repo = repositoryWith({ 'api/a.yaml': 'a: 1\nb: 2\nc: 3\n', 'api/b.yaml': 'other: true\n', 'elsewhere.yaml': 'e: 1\n' });
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  mkdirSync(join(repo, 'api', 'specs'));
  git(repo, 'mv', 'api/a.yaml', 'api/specs/a.yaml');
  git(repo, 'commit', '--quiet', '--message', 'move');
  git(repo, 'mv', 'api/b.yaml', 'api/c.yaml');
  git(repo, 'mv', 'elsewhere.yaml', 'api/in.yaml');
  assert.deepEqual([...renamedFiles(openRepository(join(repo, 'api'))!, base)].sort(), [['a.yaml', 'specs/a.yaml'], ['b.yaml', 'c.yaml']]);
  assert.deepEqual([...renamedFiles(openRepository(repo)!, base)].sort(), [['api/a.yaml', 'api/specs/a.yaml'], ['api/b.yaml', 'api/c.yaml'], ['elsewhere.yaml', 'api/in.yaml']]);
});

test('the merge base of HEAD and a branch; no repository, no commit and no common history are told apart', () => {
  const repo = repositoryWith({ 'a.yaml': 'a\n' });
  const base = git(repo, 'rev-parse', 'HEAD').trim();
  git(repo, 'checkout', '--quiet', '-b', 'feature');
  writeFiles(repo, { 'a.yaml': 'b\n' });
  git(repo, 'commit', '--quiet', '--all', '--message', 'b');
  const repository = openRepository(repo)!;
  assert.equal(mergeBase(repository, 'main'), base);
  git(repo, 'checkout', '--quiet', '--orphan', 'unrelated');
  git(repo, 'commit', '--quiet', '--message', 'unrelated');
  assert.throws(() => mergeBase(repository, 'main'), { message: "cannot find the merge base of HEAD and 'main': they have no history in common" });
  assert.throws(() => mergeBase(repository, '-p'), { message: "'-p' is not a git revision" });
  const empty = temporaryFolder('empty-repo');
  git(empty, 'init', '--quiet');
  assert.throws(() => mergeBase(openRepository(empty)!, 'main'), { message: "cannot find the merge base of HEAD and 'main': HEAD has no commit yet" });
  const plain = temporaryFolder('plain');
  process.env.GIT_CEILING_DIRECTORIES = join(plain, '..');
  try {
    assert.equal(openRepository(plain), undefined);
  } finally {
    delete process.env.GIT_CEILING_DIRECTORIES;
  }
});

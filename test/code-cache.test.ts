/**
 * V8's code cache for the code frontend's bundle on Node versions without a compile cache of their own: an entry is
 * written once and then used; whatever else lies in the cache folder (corrupt, foreign, rejected by V8, a link, a
 * FIFO, a folder others may write) is ignored, and the bundle loads all the same.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { removeTemporaryFolders, temporaryFolder } from './support/git-repo';

after(removeTemporaryFolders);

function bundle(folder: string, answer = 42): string {
  const file = join(folder, 'bundle.js');
  writeFileSync(file, `"use strict";
const path = require('node:path');
function answer() { return ${answer}; }
exports.answer = answer;
exports.base = path.basename(__filename);
exports.self = module.exports === exports;
`);
  return file;
}

const LOADER = join(__dirname, 'support', 'load-bundle.ts');

/** Loads the bundle in a process of its own, which then writes the cache entry when it took none. */
function load(file: string, cacheDir: string, v8Flags = ''): { fromCache: boolean; answer: number; base: string; self: boolean } {
  // Node 22's own compile cache off, so that every Node takes the path Node 20 takes
  const env = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', LOADER, file, cacheDir, ...(v8Flags ? [v8Flags] : [])], { encoding: 'utf8', env }));
}

const entries = (cacheDir: string) => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));

test('the first load compiles and writes one entry; the next load takes its code from it', () => {
  const root = temporaryFolder('code-cache');
  const cacheDir = join(root, 'cache');
  const file = bundle(root);
  const first = load(file, cacheDir);
  assert.deepEqual([first.fromCache, first.answer, first.base, first.self], [false, 42, 'bundle.js', true]);
  assert.equal(entries(cacheDir).length, 1);
  const second = load(file, cacheDir);
  assert.deepEqual([second.fromCache, second.answer], [true, 42]);
  const changed = load(bundle(root, 7), cacheDir);
  assert.deepEqual([changed.fromCache, changed.answer], [false, 7], 'a changed bundle has its own entry');
});

test('V8 flags set while running (the CLI\'s) key entries of their own: processes with and without them keep theirs', () => {
  const root = temporaryFolder('code-cache-flags');
  const cacheDir = join(root, 'cache');
  const file = bundle(root);
  // V8 refuses code made under other flags: with one entry for both, each process would compile and replace it
  const flags = '--no-turbo-inlining';
  assert.equal(load(file, cacheDir, flags).fromCache, false);
  assert.equal(load(file, cacheDir).fromCache, false);
  assert.equal(entries(cacheDir).length, 2);
  assert.deepEqual([load(file, cacheDir, flags).fromCache, load(file, cacheDir).fromCache, load(file, cacheDir, flags).fromCache], [true, true, true]);
});

test('a corrupt, foreign or truncated entry, or one V8 rejects, is ignored and replaced by a good one', () => {
  const root = temporaryFolder('code-cache-bad');
  const cacheDir = join(root, 'cache');
  const file = bundle(root);
  load(file, cacheDir);
  const [name] = entries(cacheDir);
  const entry = join(cacheDir, name!);
  const good = readFileSync(entry);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 10]! ^= 0xff;
  // V8's code for another source under a valid header (of another length: V8 checks the source's length only, which
  // is why the key holds the bundle's content)
  const other = join(root, 'other');
  mkdirSync(other);
  const otherCache = join(root, 'other-cache');
  load(bundle(other, 4300), otherCache);
  const otherEntry = readFileSync(join(otherCache, entries(otherCache)[0]!));
  const headerLength = good.indexOf(0x0a) + 1 + 64 + 32;
  const payload = otherEntry.subarray(headerLength);
  const foreignPayload = Buffer.concat([good.subarray(0, headerLength - 32), createHash('sha256').update(payload).digest(), payload]);
  for (const [what, bytes] of [
    ['a flipped byte', flipped], ['half of it', good.subarray(0, good.length >> 1)], ['nothing', Buffer.alloc(0)],
    ['random bytes', Buffer.from('x'.repeat(5000))], ['the header alone', good.subarray(0, headerLength)],
    ['another source\'s code under a valid header, which V8 rejects', foreignPayload],
  ] as const) {
    writeFileSync(entry, bytes);
    const loaded = load(file, cacheDir);
    assert.deepEqual([loaded.fromCache, loaded.answer], [false, 42], what);
    assert.equal(load(file, cacheDir).fromCache, true, `${what}: replaced`);
  }
});

test('a cache folder others may write, a link, or an entry that is a link or a FIFO is not used', { skip: process.platform === 'win32' && 'POSIX permissions and FIFOs' }, () => {
  const root = temporaryFolder('code-cache-hostile');
  const file = bundle(root);
  const cacheDir = join(root, 'cache');
  load(file, cacheDir);
  const [name] = entries(cacheDir);

  chmodSync(cacheDir, 0o777);
  assert.equal(load(file, cacheDir).fromCache, false, 'a folder anyone may write');
  chmodSync(cacheDir, 0o700);
  assert.equal(load(file, cacheDir).fromCache, true);

  const linked = join(root, 'linked');
  symlinkSync(cacheDir, linked);
  assert.equal(load(file, linked).fromCache, false, 'a folder that is a link');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere, { mode: 0o700 });
  symlinkSync(elsewhere, join(root, 'to-elsewhere'));
  load(file, join(root, 'to-elsewhere'));
  assert.deepEqual(entries(elsewhere), [], 'nor written through a link');

  const other = join(root, 'entries');
  mkdirSync(other, { mode: 0o700 });
  symlinkSync(join(cacheDir, name!), join(other, name!));
  assert.equal(load(file, other).fromCache, false, 'an entry that is a link');

  const fifos = join(root, 'fifos');
  mkdirSync(fifos, { mode: 0o700 });
  execFileSync('mkfifo', [join(fifos, name!)]);
  const fromFifo = load(file, fifos);
  assert.deepEqual([fromFifo.fromCache, fromFifo.answer], [false, 42], 'an entry that is a FIFO (and no hang)');
});

test('a cache that cannot be written leaves the load as it is; old entries are removed when one is written', () => {
  const root = temporaryFolder('code-cache-write');
  const file = bundle(root);
  const blocked = join(root, 'a-file', 'cache');
  writeFileSync(join(root, 'a-file'), 'not a folder');
  assert.deepEqual(load(file, blocked), { fromCache: false, answer: 42, base: 'bundle.js', self: true });

  const cacheDir = join(root, 'cache');
  for (let version = 1; version <= 10; version++) {
    // the entries already there are older than the one written now
    for (const name of version > 1 ? entries(cacheDir) : []) {
      const at = statSync(join(cacheDir, name)).mtimeMs - 10_000;
      utimesSync(join(cacheDir, name), new Date(at), new Date(at));
    }
    load(bundle(root, version), cacheDir);
    assert.equal(entries(cacheDir).length, Math.min(version, 8));
  }
  assert.equal(load(bundle(root, 10), cacheDir).fromCache, true, 'the newest is kept');
});

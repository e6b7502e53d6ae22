/**
 * The V8 flags a short CLI run sets (`cli/compiler-flags.ts`): each is one the running V8 knows (an unknown flag would
 * be reported on stderr by every review), and a V8 they were not measured on gets none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shortRunFlags } from '../server/src/cli/compiler-flags';

test(`every flag for this V8 (${process.versions.v8}) is one it knows`, () => {
  const known = new Set([...execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).matchAll(/^\s+--([a-z0-9-]+) /gm)].map((m) => m[1]));
  const flags = shortRunFlags(process.versions.v8);
  assert.ok(flags.length > 0, 'the Node versions we support all have flags');
  for (const flag of flags) {
    const name = /^--(?:no-)?([a-z0-9-]+)/.exec(flag)![1]!;
    assert.ok(known.has(name), `${flag}: V8 ${process.versions.v8} has no --${name}`);
  }
});

test('a V8 the flags were not measured on gets none', () => {
  assert.deepEqual(shortRunFlags('99.1.2'), []);
  assert.deepEqual(shortRunFlags('10.2.154.26-node.26'), []);
});

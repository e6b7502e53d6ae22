/**
 * The V8 flags a short CLI run and the language server set (`workspace/compiler-flags.ts`): each is one the running
 * V8 knows (an unknown flag would be reported on stderr by every review), and a V8 they were not measured on gets none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { serverFlags, shortRunFlags } from '../server/src/workspace/compiler-flags';

const known = new Set([...execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).matchAll(/^\s+--([a-z0-9-]+) /gm)].map((m) => m[1]));

for (const [name, flagsOf] of [['short run', shortRunFlags], ['language server', serverFlags]] as const) {
  test(`every ${name} flag for this V8 (${process.versions.v8}) is one it knows`, () => {
    const flags = flagsOf(process.versions.v8);
    assert.ok(flags.length > 0, 'the Node versions we support all have flags');
    for (const flag of flags) {
      const flagName = /^--(?:no-)?([a-z0-9-]+)/.exec(flag)![1]!;
      assert.ok(known.has(flagName), `${flag}: V8 ${process.versions.v8} has no --${flagName}`);
    }
  });

  test(`a V8 the ${name} flags were not measured on gets none`, () => {
    assert.deepEqual(flagsOf('99.1.2'), []);
    assert.deepEqual(flagsOf('10.2.154.26-node.26'), []);
  });
}

test('the language server keeps the young generation growing: it runs for hours, and its edits make what dies young', () => {
  const server = serverFlags(process.versions.v8);
  assert.ok(server.every((flag) => shortRunFlags(process.versions.v8).includes(flag)), 'the compiler is tuned alike');
  assert.ok(!server.some((flag) => flag.startsWith('--semi-space')));
});

/** Globs: what each construct matches, refused globs, and linear time on patterns that make backtracking explode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globProblem, matchesGlob, MAX_BRACE_DEPTH, MAX_GLOB_LENGTH } from '../server/src/engine/glob';

/** [glob, path, whether it matches] */
const SEMANTICS: [string, string, boolean][] = [
  // literal characters, the whole path, case-sensitive; regular expression syntax means nothing
  ['api.yaml', 'api.yaml', true],
  ['api.yaml', 'api.yml', false],
  ['api.yaml', 'specs/api.yaml', false],
  ['api.yaml', 'api.yaml.bak', false],
  ['API.yaml', 'api.yaml', false],
  ['a.b', 'axb', false],
  ['(a)|[b]+$^\\', '(a)|[b]+$^\\', true],
  ['a,b', 'a,b', true],
  // ? is one character but '/'
  ['?.yaml', 'a.yaml', true],
  ['?.yaml', 'ab.yaml', false],
  ['?.yaml', '.yaml', false],
  ['a?b', 'a/b', false],
  // * is any characters but '/'
  ['*.yaml', 'api.yaml', true],
  ['*.yaml', '.yaml', true],
  ['*.yaml', 'specs/api.yaml', false],
  ['specs/*', 'specs/', true],
  ['specs/*', 'specs/a/b.yaml', false],
  ['/status/*', '/status/db', true],
  ['/status/*', '/status/db/1', false],
  // ** is any characters, '/' included
  ['specs/**', 'specs/a/b/c.yaml', true],
  ['specs/**', 'specs/', true],
  ['specs/**', 'specs', false],
  ['**', '', true],
  ['a**b', 'a/x/b', true],
  ['a**b', 'a/x/c', false],
  // ** followed by '/' is zero or more folders
  ['**/x.json', 'x.json', true],
  ['**/x.json', 'a/b/x.json', true],
  ['**/x.json', 'ax.json', false],
  ['specs/**/*.yaml', 'specs/api.yaml', true],
  ['specs/**/*.yaml', 'specs/v2/api.yaml', true],
  ['specs/**/*.yaml', 'docs/api.yaml', false],
  ['specs/**/*.yaml', 'specs/v2/api.json', false],
  // {a,b} is either alternative; braces nest; an alternative may be empty
  ['**/*.{yaml,yml}', 'a/b/c.yml', true],
  ['**/*.{yaml,yml}', 'c.yaml', true],
  ['*.{yaml,yml}', 'c.json', false],
  ['{a,b/c}/x', 'b/c/x', true],
  ['{a,b/c}/x', 'b/x', false],
  ['{a,{b,c}d}', 'cd', true],
  ['{a,{b,c}d}', 'c', false],
  ['x{,y}', 'x', true],
  ['x{,y}', 'xy', true],
  ['{a,b}', 'a,b', false],
  ['{**/,}api.yaml', 'a/b/api.yaml', true],
  // what discovery relies on: a folder is pruned when a glob covers 'folder/'
  ['vendor/**', 'vendor/', true],
  ['vendor/**', 'vendors/', false],
  ['**/node_modules/**', 'node_modules/', true],
  ['**/node_modules/**', 'packages/a/node_modules/', true],
  ['**/node_modules/**', 'a/node_modules/x/api.yaml', true],
  ['**/node_modules/**', 'a/node_modules_old/api.yaml', false],
  ['**/.git/**', 'a/.git/api.yaml', true],
  // the literal text a glob holds is necessary, never enough: it must stand where the glob puts it
  ['a*b*c', 'cba', false],
  ['a*b*c', 'abc', true],
  ['**/src/**/x.ts', 'x.ts/src/', false],
  ['**/src/**/x.ts', 'app/src/lib/x.ts', true],
  ['/api/{v1,v2}/*', '/api/v3/users', false],
  ['/api/{v1,v2}/*', '/api/v2/users', true],
];

test('each glob construct matches what it should and nothing else', () => {
  const wrong = SEMANTICS.filter(([glob, path, expected]) => matchesGlob(path, glob) !== expected);
  assert.deepEqual(wrong, []);
});

test('refused globs: each kind has its reason; a refused glob matches nothing', () => {
  const deep = '{'.repeat(MAX_BRACE_DEPTH + 1) + 'a' + '}'.repeat(MAX_BRACE_DEPTH + 1);
  assert.deepEqual(
    ['', 'a'.repeat(MAX_GLOB_LENGTH + 1), 'a\0b', 'x/{a,b', 'a}', '{a}}', deep].map((glob) => globProblem(glob)),
    [
      'it is empty',
      'it has 1001 characters, more than 1000',
      'it has a NUL character at character 2',
      "the '{' at character 3 has no matching '}'",
      "the '}' at character 2 has no matching '{'",
      "the '}' at character 4 has no matching '{'",
      'its braces nest deeper than 8 levels at character 9',
    ],
  );
  assert.equal(globProblem('{a', 4), "the '{' at character 5 has no matching '}'", 'positions count from where the glob stands');
  for (const glob of ['{a', 'a}', 'a\0b']) assert.equal(matchesGlob(glob, glob), false, glob);
});

test('globs at the caps are accepted and match', () => {
  const deepest = '{x,'.repeat(MAX_BRACE_DEPTH) + 'a' + '}'.repeat(MAX_BRACE_DEPTH);
  assert.equal(globProblem(deepest), undefined);
  assert.equal(matchesGlob('a', deepest), true);
  assert.equal(matchesGlob('x', deepest), true);
  assert.equal(matchesGlob('xa', deepest), false);
  const longest = '*/'.repeat(MAX_GLOB_LENGTH / 2);
  assert.equal(globProblem(longest), undefined);
  assert.equal(matchesGlob('a/'.repeat(MAX_GLOB_LENGTH / 2), longest), true);
  assert.equal(matchesGlob('a/'.repeat(MAX_GLOB_LENGTH / 2 - 1), longest), false);
});

/** CPU time of `run`, in milliseconds (not wall time: a busy machine does not make it fail). */
function cpuMilliseconds(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

test('patterns that make a backtracking matcher take exponential time match in linear time', () => {
  // `{*a,{*a,...{*a,*b}}}` at the deepest nesting, repeated up to the length cap
  const nested = '{*a,'.repeat(MAX_BRACE_DEPTH) + '*b' + '}'.repeat(MAX_BRACE_DEPTH);
  const nestedLong = nested.repeat(Math.floor(MAX_GLOB_LENGTH / nested.length));
  const cases: [string, string, boolean][] = [
    ['**a**a**a**a**a**a**a**a**b', 'a'.repeat(48), false],
    ['**a'.repeat(20) + 'b', 'a'.repeat(200), false],
    ['**a'.repeat(20) + 'b', 'a'.repeat(199) + 'b', true],
    ['*a'.repeat(30) + 'b', 'a'.repeat(200), false],
    ['*a'.repeat(30) + 'b', 'a'.repeat(199) + 'b', true],
    ['**/a'.repeat(20) + 'b', 'a/'.repeat(200), false],
    ['**/a'.repeat(20) + '**b', 'a/'.repeat(200) + 'b', true],
    [nestedLong, 'a'.repeat(200) + 'c', false],
    [nestedLong, 'a'.repeat(200), true],
    ['**a'.repeat(333) + 'b', 'a'.repeat(5000), false],
  ];
  for (const [glob, path, expected] of cases) {
    assert.equal(globProblem(glob), undefined, glob);
    let result: boolean | undefined;
    const milliseconds = cpuMilliseconds(() => { result = matchesGlob(path, glob); });
    assert.equal(result, expected, `${glob} against ${path.length} characters`);
    assert.ok(milliseconds < 1000, `${glob} against ${path.length} characters took ${milliseconds} ms of CPU`);
  }
});

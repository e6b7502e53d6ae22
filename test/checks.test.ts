/** One data-driven runner over test/fixtures/<rule-id>/: every finding of the rule, at exactly the marked ranges. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS } from '../server/src/engine/checks';
import { loadCases, ruleDirs } from './support/fixtures';
import { review } from './support/engine';

const fmt = (f: { ruleId: string; file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity?: string }) =>
  `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1} ${f.ruleId}`;

for (const ruleDir of ruleDirs()) {
  describe(`check ${ruleDir}`, () => {
    for (const c of loadCases(ruleDir)) {
      test(`${c.kind}: ${c.name}`, async () => {
        const result = await review(c.root, [...c.files, ...c.codeFiles]);
        const rules = new Set([ruleDir, ...c.expectations.map((e) => e.ruleId)]);
        const actual = result.findings.filter((f) => rules.has(f.ruleId) && !f.suppressed);
        assert.deepEqual(result.problems.filter((p) => p.severity === 'error'), [], 'fixtures parse without problems');
        if (c.kind === 'negative') {
          assert.deepEqual(actual.filter((f) => f.ruleId === ruleDir).map(fmt), [], `no ${ruleDir} finding expected`);
          return;
        }
        assert.ok(c.expectations.some((e) => e.ruleId === ruleDir), 'a positive case marks at least one finding');
        assert.deepEqual(actual.map(fmt).sort(), c.expectations.map(fmt).sort());
        for (const e of c.expectations.filter((x) => x.severity)) {
          const f = actual.find((a) => fmt(a) === fmt(e))!;
          assert.equal(f.severity, e.severity, `severity of ${fmt(e)}`);
        }
        for (const f of actual) assert.ok(f.message.length > 20 && !f.message.includes('undefined') && !/\b1 operations\b/.test(f.message), `message: ${f.message}`);
      });
    }
  });
}

test('every check has positive and negative fixtures', () => {
  const dirs = new Set(ruleDirs());
  for (const check of CHECKS) {
    assert.ok(dirs.has(check.meta.id), `test/fixtures/${check.meta.id}/ exists`);
    const kinds = new Set(loadCases(check.meta.id).map((c) => c.kind));
    assert.ok(kinds.has('positive') && kinds.has('negative'), `${check.meta.id} has positive and negative cases`);
  }
  for (const dir of dirs) assert.ok(CHECKS.some((c) => c.meta.id === dir), `fixture folder ${dir} names a check`);
});

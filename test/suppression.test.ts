/** Suppressions, public declarations and rule configuration, end to end through analyze. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/engine/analyze';
import { resolveConfig, type Config, type ResolvedConfig } from '../server/src/engine/config';
import { authMissing } from '../server/src/engine/checks/auth/auth-missing';
import { bolaUnprotectedObject } from '../server/src/engine/checks/bola/bola-unprotected-object';
import { suppressionReasonMissing } from '../server/src/engine/checks/config/suppression-reason-missing';
import type { Finding } from '../server/src/engine/types';

const ROOT = '/project';
const SPEC = `${ROOT}/openapi.yaml`;
const CHECKS = [authMissing, bolaUnprotectedObject, suppressionReasonMissing];

/** Reviews one in-memory document. */
async function review(text: string, config?: Config | ResolvedConfig): Promise<Finding[]> {
  const reader = { read: (path: string) => (path === SPEC ? text : undefined) };
  const result = await analyze({ root: ROOT, files: [SPEC], explicit: new Set([SPEC]), reader, config, checks: CHECKS });
  assert.deepEqual(result.problems, []);
  return result.findings;
}

/** An order endpoint with no security; `extra` is inserted under the path item (`item`), the operation (`op`) or the root. */
function spec(extra: { root?: string; item?: string; op?: string } = {}): string {
  return [
    'openapi: 3.0.3',
    'info:',
    '  title: Orders',
    '  version: "1.0"',
    ...(extra.root ? [extra.root] : []),
    'paths:',
    '  /orders/{orderId}:',
    ...(extra.item ? [extra.item] : []),
    '    get:',
    ...(extra.op ? [extra.op] : []),
    '      parameters:',
    '        - name: orderId',
    '          in: path',
    '          required: true',
    '          schema:',
    '            type: string',
    '            format: uuid',
    '      responses:',
    '        "200":',
    '          description: One order',
    '',
  ].join('\n');
}

/** 0-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `'${needle}' is in the document`);
  return line;
}

function only(findings: Finding[], ruleId: string): Finding {
  const matching = findings.filter((f) => f.ruleId === ruleId);
  assert.equal(matching.length, 1, `one ${ruleId} finding`);
  return matching[0];
}

describe('x-api-sentinel-ignore with a reason', () => {
  const reason = 'Served only on the internal network';
  const placements = {
    operation: { op: `      x-api-sentinel-ignore:\n        auth-missing: ${reason}` },
    'path item': { item: `    x-api-sentinel-ignore:\n      auth-missing: ${reason}` },
    root: { root: `x-api-sentinel-ignore:\n  auth-missing: ${reason}` },
  };
  for (const [where, extra] of Object.entries(placements)) {
    test(`on the ${where}: the finding stays in the results, suppressed with the reason`, async () => {
      const text = spec(extra);
      const findings = await review(text);
      const finding = only(findings, 'auth-missing');
      assert.equal(finding.suppressed?.kind, 'inSource');
      assert.equal(finding.suppressed?.justification, reason);
      assert.equal(finding.suppressed?.location?.range.start.line, lineOf(text, 'auth-missing:'));
      assert.equal(only(findings, 'bola-unprotected-object').suppressed, undefined, 'other rules stay reported');
      assert.deepEqual(findings.filter((f) => f.ruleId === 'suppression-reason-missing'), []);
    });
  }

  test('an ancestor of the flagged parameter suppresses it', async () => {
    const findings = await review(spec({ item: `    x-api-sentinel-ignore:\n      bola-unprotected-object: ${reason}` }));
    const finding = only(findings, 'bola-unprotected-object');
    assert.equal(finding.suppressed?.justification, reason);
  });
});

describe('x-api-sentinel-ignore without a reason', () => {
  for (const [label, value] of [['null', ''], ['empty', ' ""'], ['true', ' true']]) {
    test(`(${label}) still suppresses, and is reported`, async () => {
      const text = spec({ op: `      x-api-sentinel-ignore:\n        auth-missing:${value}` });
      const findings = await review(text);
      const suppressed = only(findings, 'auth-missing');
      assert.deepEqual(suppressed.suppressed && { kind: suppressed.suppressed.kind, justification: suppressed.suppressed.justification },
        { kind: 'inSource', justification: '' });
      const missing = only(findings, 'suppression-reason-missing');
      assert.equal(missing.suppressed, undefined);
      assert.equal(missing.severity, 'warning');
      assert.equal(missing.range.start.line, lineOf(text, 'auth-missing:'));
      assert.match(missing.message, /auth-missing/);
    });
  }
});

describe('x-api-sentinel-public', () => {
  const secured = 'components:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\nsecurity:\n  - bearer: []';

  test('with a reason and security: [] silences auth-missing and bola-unprotected-object', async () => {
    const findings = await review(spec({ root: secured, op: '      security: []\n      x-api-sentinel-public: Order tracking page linked from the confirmation email' }));
    assert.deepEqual(findings.map((f) => f.ruleId), []);
  });

  test('without it, security: [] leaves both reported', async () => {
    const findings = await review(spec({ root: secured, op: '      security: []' }));
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['auth-missing', 'bola-unprotected-object']);
  });

  test('without a reason it does not make the operation public, and is reported', async () => {
    const findings = await review(spec({ root: secured, op: '      security: []\n      x-api-sentinel-public: true' }));
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['auth-missing', 'bola-unprotected-object', 'suppression-reason-missing']);
  });
});

describe('rule configuration', () => {
  test("'off' turns a rule off and leaves the others", async () => {
    const findings = await review(spec(), { rules: { 'auth-missing': 'off' } });
    assert.deepEqual(findings.map((f) => f.ruleId), ['bola-unprotected-object']);
  });

  test('a severity overrides the default and the risk-based severity', async () => {
    const findings = await review(spec(), { rules: { 'bola-unprotected-object': 'info', 'auth-missing': 'hint' } });
    assert.equal(only(findings, 'bola-unprotected-object').severity, 'info');
    assert.equal(only(findings, 'auth-missing').severity, 'hint');
  });

  test('a resolved configuration is used as given', async () => {
    const config = resolveConfig({ rules: { 'bola-unprotected-object': 'off', 'auth-missing': 'warning' } });
    const findings = await review(spec(), config);
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.severity}`), ['auth-missing warning']);
  });

  test('suppression-reason-missing can itself be turned off', async () => {
    const findings = await review(spec({ op: '      x-api-sentinel-ignore:\n        auth-missing:' }), { rules: { 'suppression-reason-missing': 'off' } });
    assert.deepEqual(findings.map((f) => f.ruleId).sort(), ['auth-missing', 'bola-unprotected-object']);
  });
});

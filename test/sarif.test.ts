/** `--format sarif`: valid SARIF 2.1.0, every check as a rule, fingerprints that survive edits above a finding. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECKS } from '../server/src/engine';
import { CLI_FIXTURES, copyFixture, removeCopies, runCli } from './support/cli';
import { sarifErrors } from './support/sarif-schema';

after(removeCopies);

interface Region { startLine: number; startColumn: number; endLine: number; endColumn: number }
interface Location { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: Region } }
interface Result {
  ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Location[];
  partialFingerprints: Record<string, string>; suppressions?: { kind: string; justification: string }[];
}
interface Rule {
  id: string; name: string; shortDescription: { text: string }; fullDescription: { text: string };
  help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: { tags: string[] };
}
interface Notification { level: string; message: { text: string }; descriptor: { id: string }; locations?: Location[] }
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: Notification[] }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Result[];
  }[];
}


async function sarif(cwd: string, ...args: string[]): Promise<SarifLog> {
  const run = await runCli(['review', '--format', 'sarif', ...args], cwd);
  assert.equal(run.stderr, '');
  const log = JSON.parse(run.stdout) as SarifLog;
  assert.equal(sarifErrors(log), '');
  return log;
}

test('validates against the SARIF 2.1.0 schema and describes every check as a rule', async () => {
  const root = join(CLI_FIXTURES, 'basic');
  const log = await sarif(root);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  const { driver } = run.tool;
  assert.equal(driver.name, 'api-sentinel');
  assert.deepEqual(driver.rules.map((r) => r.id), CHECKS.map((c) => c.meta.id));
  for (const [i, rule] of driver.rules.entries()) {
    const meta = CHECKS[i].meta;
    assert.equal(rule.shortDescription.text, meta.description);
    assert.ok(rule.help.text.includes(meta.rationale) && rule.help.text.includes(meta.fix), `${rule.id} help`);
    assert.ok(rule.help.markdown.includes(meta.fix));
    assert.ok(rule.properties.tags.includes('security'));
    for (const owasp of meta.owasp) assert.ok(rule.properties.tags.includes(`OWASP-${owasp}`), `${rule.id} tags ${owasp}`);
    for (const cwe of meta.cwe) assert.ok(rule.properties.tags.includes(`external/cwe/${cwe.toLowerCase()}`), `${rule.id} tags ${cwe}`);
    assert.match(rule.defaultConfiguration.level, /^(error|warning|note)$/);
  }
  assert.deepEqual(run.originalUriBaseIds, { SRCROOT: { uri: `${pathToFileURL(root).href}/` } });
  assert.equal(run.invocations[0].executionSuccessful, true);

  for (const result of run.results) assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
  const transport = run.results.find((r) => r.ruleId === 'transport-insecure-server' && r.locations[0].physicalLocation.artifactLocation.uri === 'openapi.yaml');
  assert.ok(transport);
  assert.equal(transport.level, 'error');
  assert.deepEqual(transport.locations[0].physicalLocation, {
    artifactLocation: { uri: 'openapi.yaml', uriBaseId: 'SRCROOT' },
    region: { startLine: 6, startColumn: 10, endLine: 6, endColumn: 35 },
  });
  const suppressed = run.results.filter((r) => r.suppressions);
  assert.equal(suppressed.length, 1);
  assert.match(suppressed[0].message.text, /^DELETE \/orders\/\{orderId\}/);
  assert.deepEqual(suppressed[0].suppressions?.map((s) => [s.kind, s.justification]),
    [['inSource', "Served on the internal network only, behind the gateway's authentication"]]);
  const fingerprints = run.results.map((r) => Object.values(r.partialFingerprints)[0]);
  assert.equal(new Set(fingerprints).size, fingerprints.length, 'fingerprints are unique');
});

test('problems are tool execution notifications, with their location when they have one', async () => {
  const root = join(CLI_FIXTURES, 'bad-input');
  const log = await sarif(root, 'malformed.yaml', 'empty.yaml', 'good.yaml');
  const notifications = log.runs[0].invocations[0].toolExecutionNotifications;
  assert.deepEqual(notifications.map((n) => [n.descriptor.id, n.level]), [['file-empty', 'warning'], ['parse-error', 'error']]);
  assert.deepEqual(notifications[0].locations, [{ physicalLocation: { artifactLocation: { uri: 'empty.yaml', uriBaseId: 'SRCROOT' } } }]);
  assert.deepEqual(notifications[1].locations?.[0].physicalLocation.region, { startLine: 11, startColumn: 8, endLine: 11, endColumn: 8 });
  assert.ok(log.runs[0].results.some((r) => r.locations[0].physicalLocation.artifactLocation.uri === 'good.yaml'), 'other files are still reviewed');
});

test('a finding keeps its fingerprint when lines are inserted above it', async () => {
  const dir = copyFixture('basic');
  const before = await sarif(dir);
  const spec = join(dir, 'openapi.yaml');
  const inserted = '  /health:\n    get:\n      security: []\n      x-api-sentinel-public: Load balancer probe\n      responses:\n        "200":\n          description: Up\n';
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('paths:\n', `paths:\n${inserted}`));
  const afterEdit = await sarif(dir);
  const byMessage = (log: SarifLog) => new Map(log.runs[0].results.map((r) => [`${r.ruleId} ${r.message.text}`, r]));
  const old = byMessage(before);
  const moved = [...byMessage(afterEdit)].filter(([key]) => key.includes('/orders') && old.has(key));
  assert.ok(moved.length >= 2, 'the /orders findings are found again');
  for (const [key, result] of moved) {
    const previous = old.get(key)!;
    assert.equal(result.locations[0].physicalLocation.region!.startLine, previous.locations[0].physicalLocation.region!.startLine + inserted.split('\n').length - 1, key);
    assert.deepEqual(result.partialFingerprints, previous.partialFingerprints, key);
  }
});

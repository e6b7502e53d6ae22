/**
 * `api-sentinel review <folder>` on an app and its drifting spec, with the built CLI: one review reads both and
 * reports the shadow route, the zombie operation and the security mismatches, naming both sides; `apis` in the
 * configuration pairs them by hand. Needs `npm run build` first.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/cli';
import { removeTemporaryFolders, temporaryFolder, writeFiles } from './support/git-repo';
import { correlating } from './support/engine';

after(removeTemporaryFolders);

const DRIFTING = join(__dirname, 'fixtures', '_inventory', 'express', 'drifting');

interface Report {
  findings: { ruleId: string; family: string; severity: string; file: string; message: string; related: { file: string; message: string }[] }[];
  summary: { frontends: string[] };
}

describe('review on an app and its spec', () => {
  test('the JSON report holds every drift, each relating the other side', async () => {
    const run = await runCli(['review', DRIFTING, '--format', 'json'], DRIFTING);
    assert.equal(run.stderr, '');
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as Report;
    assert.deepEqual(report.summary.frontends, ['spec', 'code']);
    const inventory = report.findings.filter((f) => correlating.has(f.ruleId));
    assert.deepEqual(inventory.map((f) => `${f.ruleId} ${f.file} ${f.severity}`), [
      'inventory-security-mismatch openapi.yaml warning',
      'inventory-zombie-operation openapi.yaml warning',
      'inventory-response-drift openapi.yaml warning',
      'inventory-security-mismatch src/app.ts error',
      'inventory-shadow-route src/app.ts warning',
      'inventory-response-drift src/profile.ts warning',
    ]);
    for (const finding of inventory) assert.ok(finding.related.length > 0 && finding.related.every((r) => r.file !== finding.file || finding.file === 'src/app.ts'), finding.message);
  });

  test('the text report names the route and the spec', async () => {
    const run = await runCli(['review', '.'], DRIFTING, { NO_COLOR: '1' });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /GET \/api\/v1\/debug\/env is served by the code but not documented in openapi\.yaml/);
    assert.match(run.stdout, /GET \/invoices is documented but no route in the project's code implements it/);
  });

  test('apis pairs a spec with a folder of code that automatic pairing would not compare', async () => {
    const folder = temporaryFolder('apis');
    // the spec lives in a package of specs, apart from the code: not paired by place
    cpSync(DRIFTING, join(folder, 'services', 'shop'), { recursive: true, filter: (path) => !path.endsWith('openapi.yaml') });
    cpSync(join(DRIFTING, 'openapi.yaml'), join(folder, 'specs', 'shop.yaml'));
    writeFiles(folder, { 'specs/package.json': '{ "name": "specs", "private": true }\n' });
    const unpaired = JSON.parse((await runCli(['review', '.', '--format', 'json'], folder)).stdout) as Report;
    assert.deepEqual(unpaired.findings.filter((f) => correlating.has(f.ruleId)), []);
    writeFiles(folder, { '.api-sentinel.yaml': 'apis:\n  - spec: specs/shop.yaml\n    code: services/shop\n    basePath: /api/v1\n' });
    const paired = JSON.parse((await runCli(['review', '.', '--format', 'json'], folder)).stdout) as Report;
    assert.deepEqual(paired.findings.filter((f) => correlating.has(f.ruleId)).map((f) => `${f.ruleId} ${f.file}`), [
      'inventory-security-mismatch services/shop/src/app.ts',
      'inventory-shadow-route services/shop/src/app.ts',
      'inventory-response-drift services/shop/src/profile.ts',
      'inventory-security-mismatch specs/shop.yaml',
      'inventory-zombie-operation specs/shop.yaml',
      'inventory-response-drift specs/shop.yaml',
    ]);
  });
});

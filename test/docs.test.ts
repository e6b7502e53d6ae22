/** Every rule is documented in README.md, from its metadata, and every metadata field is filled in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKETPLACE_README, README, generatedMarketplaceReadme, generatedReadme } from '../scripts/rules-doc';
import { CHECKS } from '../server/src/engine/checks';

const CHECKS_DIR = join(__dirname, '..', 'server', 'src', 'engine', 'checks');

test('README.md holds the current rule reference and CLI usage (run npm run docs after changing a check or --help)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(readme, generatedReadme(readme));
});

test('the marketplace README (client/README.md) holds the current rule reference, which rule links open (npm run docs)', () => {
  const readme = readFileSync(MARKETPLACE_README, 'utf8');
  assert.equal(readme, generatedMarketplaceReadme(readme));
});

test('every check has complete metadata', () => {
  const ids = new Set<string>();
  for (const { meta } of CHECKS) {
    assert.match(meta.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    assert.ok(!ids.has(meta.id), `unique id ${meta.id}`);
    ids.add(meta.id);
    for (const field of ['description', 'rationale', 'fix'] as const) assert.ok(meta[field].length > 30, `${meta.id}.${field}`);
    for (const o of meta.owasp) assert.match(o, /^API(?:[1-9]|10):2023$/, `${meta.id} OWASP id ${o}`);
    for (const c of meta.cwe) assert.match(c, /^CWE-\d+$/, `${meta.id} CWE id ${c}`);
    if (meta.family !== 'config') assert.ok(meta.owasp.length > 0 && meta.cwe.length > 0, `${meta.id} maps to OWASP and CWE`);
    assert.ok(meta.needs.length > 0 && meta.needs.every((need) => need === 'spec' || need === 'code'), `${meta.id} says which frontends it needs`);
  }
});

test('every check is server/src/engine/checks/<family>/<rule-id>.ts (checks/code/ when it reads code only) and starts with its metadata', () => {
  for (const { meta } of CHECKS) {
    const folder = meta.needs.includes('spec') ? meta.family : 'code';
    const file = join(CHECKS_DIR, folder, `${meta.id}.ts`);
    assert.ok(existsSync(file), `${meta.id} is written in checks/${folder}/${meta.id}.ts`);
    const text = readFileSync(file, 'utf8');
    const at = text.search(/^ {2}meta: \{/m);
    assert.ok(at > 0, `${meta.id} has a meta object`);
    // what stands before the metadata, imports and comments aside: no more than the `export const` line and a little
    const code = text.slice(0, at).replace(/^import\b[^;]*;/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const lines = code.split('\n').filter((line) => line.trim() !== '');
    assert.ok(lines.length <= 3, `${meta.id}: helpers come after the check, not before its metadata:\n${lines.join('\n')}`);
  }
});

/**
 * The engine's public API is the only door: the CLI, the language server, shared workspace code, the Spectral
 * ruleset and the scripts import `server/src/engine/index.ts` and nothing else of the engine. Documentation is read
 * through one accessor, so the engine knows what its checks read and may reuse a result after an edit of anything else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = join(__dirname, '..');
const ENGINE = join(REPO, 'server', 'src', 'engine');
const OUTSIDE = ['server/src/lsp', 'server/src/cli', 'server/src/workspace', 'server/src/text', 'rulesets', 'scripts', 'client/src'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? (name === 'node_modules' ? [] : sources(p)) : /\.(ts|mjs|js)$/.test(p) ? [p] : [];
  });
}

test('lsp, cli, workspace, rulesets and scripts import the engine through engine/index.ts only', () => {
  const offences: string[] = [];
  let imports = 0;
  for (const file of OUTSIDE.flatMap((dir) => sources(join(REPO, dir)))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import[^'"]*from\s*|import\s*\(\s*|require\s*\(\s*)['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]);
      if (target !== ENGINE && !target.startsWith(ENGINE + '/')) continue;
      imports++;
      if (target !== ENGINE && target !== join(ENGINE, 'index') && target !== join(ENGINE, 'index.ts')) offences.push(`${relative(REPO, file)} imports ${m[1]}`);
    }
  }
  assert.ok(imports > 10, 'the layers around the engine import it');
  assert.deepEqual(offences, []);
});

test('checks, fixes and the model read documentation strings only through FileSet.readProse', () => {
  const offences: string[] = [];
  const reads = /\.(?:description|summary|title)\b(?!\s*[:=](?!=))|\[\s*['"](?:description|summary|title)['"]\s*\]|stringValue\([^)]*['"](?:description|summary|title)['"]/g;
  for (const file of sources(ENGINE)) {
    if (file.endsWith(join('spec', 'load.ts'))) continue; // the accessor itself
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\/)/.test(line)) return;
      for (const m of line.matchAll(reads)) {
        // check metadata is ours, not the document's
        if (/\bmeta\.description\b|\bcheck\.meta\b/.test(line)) continue;
        offences.push(`${relative(ENGINE, file)}:${i + 1}: ${m[0]}`);
      }
    });
  }
  assert.deepEqual(offences, []);
});

/**
 * The engine is pure: no editor, LSP or file-system imports; files come in through a reader. Its layers point one
 * way: the spec frontend and the edit primitives know nothing of the checks built on them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ENGINE = join(__dirname, '..', 'server', 'src', 'engine');
const FORBIDDEN = [/^vscode$/, /^vscode-languageserver/, /^vscode-languageclient/, /^(node:)?fs(\/promises)?$/, /^(node:)?child_process$/, /^(node:)?https?$/, /^(node:)?net$/];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('engine sources import nothing from vscode, LSP, the file system, processes or the network', () => {
  const files = sources(ENGINE);
  assert.ok(files.length > 10, 'engine sources found');
  const offences: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import[^'"]*from\s*|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
      if (FORBIDDEN.some((re) => re.test(m[1]))) offences.push(`${relative(ENGINE, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('engine/spec and engine/edit import nothing from engine/checks', () => {
  const checks = join(ENGINE, 'checks');
  const offences: string[] = [];
  for (const file of [...sources(join(ENGINE, 'spec')), ...sources(join(ENGINE, 'edit'))]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import[^'"]*from\s*|import\s*\(\s*)['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]);
      if (target === checks || target.startsWith(checks + '/')) offences.push(`${relative(ENGINE, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(offences, []);
});

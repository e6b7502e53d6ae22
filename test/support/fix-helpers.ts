/** What the quick-fix tests share: review in-memory files, pick a finding's fix, apply its edits, parse a file from text. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { CHECKS } from '../../server/src/engine/checks';
import { parseJson } from '../../server/src/engine/spec/parse-json';
import { parseYaml } from '../../server/src/engine/spec/parse-yaml';
import { LineIndex, SourceFile } from '../../server/src/engine/spec/source';
import { applyEdits } from '../../server/src/engine/edit/edits';
import type { Finding, Fix } from '../../server/src/engine/types';

/** Where in-memory files live: their relative paths are resolved against it. */
const ROOT = '/project';

/** Reviews in-memory files (relative path -> text) with one check; the first file is the document. */
export async function findings(files: Record<string, string>, ruleId: string): Promise<Finding[]> {
  const reader = { read: (path: string) => files[path.slice(ROOT.length + 1)] };
  const checks = CHECKS.filter((c) => c.meta.id === ruleId);
  const result = await analyze({ root: ROOT, files: [join(ROOT, Object.keys(files)[0])], reader, checks });
  return result.findings.filter((f) => f.ruleId === ruleId);
}

/** The fixes of a finding other than the suppression every finding offers. */
export function ownFixes(finding: Finding): Fix[] {
  return finding.fixes.filter((f) => !f.title.startsWith('Suppress'));
}

/** The one fix of a finding besides its suppression. */
export function onlyFix(finding: Finding): Fix {
  const own = ownFixes(finding);
  assert.equal(own.length, 1, `one fix besides the suppression, among: ${finding.fixes.map((f) => f.title).join(', ')}`);
  return own[0];
}

/** The fix of a finding whose title matches. */
export function fixNamed(finding: Finding, title: RegExp): Fix {
  const fix = finding.fixes.find((f) => title.test(f.title));
  assert.ok(fix, `a fix matching ${title} among: ${finding.fixes.map((f) => f.title).join(', ')}`);
  return fix;
}

/** The files a fix changes (relative paths), with their new text; `textOf` gives a file's text before the fix. */
export function applyFix(fix: Fix, textOf: (file: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of new Set(fix.edits.map((e) => e.file))) {
    const text = textOf(file);
    out[file] = applyEdits(text, fix.edits.filter((e) => e.file === file), new LineIndex(text));
  }
  return out;
}

/** The in-memory files a fix changes, with their new text. */
export function applied(files: Record<string, string>, fix: Fix): Record<string, string> {
  return applyFix(fix, (file) => files[file]);
}

/** A parsed file made from text, YAML or JSON. */
export function sourceFile(text: string, json = false): SourceFile {
  const parsed = json ? parseJson(text) : parseYaml(text);
  return new SourceFile(json ? '/x.json' : '/x.yaml', json ? 'x.json' : 'x.yaml', text, parsed.value, parsed.locations);
}

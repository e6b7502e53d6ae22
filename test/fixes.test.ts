/**
 * Every fix of every finding in the check fixtures: apply it, re-parse, re-review. The edited files must parse (route
 * code is parsed again with `ts.createSourceFile`), the finding must be gone (or, for a suppression, marked
 * suppressed), and no other finding may appear. The fixes applied are the editor's: built by the language server's
 * analyses when a code action asks for them, the same as the review builds.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { analyze } from '../server/src/engine/analyze';
import { codeFrontend } from '../server/src/engine/code/frontend';
import { findingKey } from '../server/src/engine/identity';
import { DocumentAnalyses } from '../server/src/lsp/incremental';
import type { Finding, Fix } from '../server/src/engine/types';
import { diskReader } from './support/engine';
import { applyFix } from './support/fix-helpers';
import { loadCases, ruleDirs } from './support/fixtures';

const identity = (f: Finding) => `${f.ruleId} ${f.file} ${f.anchor}`;

/** Reviews the case's files from disk, with the `edited` texts (by absolute path) in place of theirs. */
async function reviewWith(root: string, files: string[], edited: Map<string, string>) {
  const reader = { read: (p: string) => edited.get(p) ?? diskReader.read(p) };
  return analyze({ root, files, explicit: new Set(files), reader, frontends: { code: codeFrontend } });
}

/** The fixes of `findings` as the language server's analyses build them for a code action, by finding key. */
async function editorFixes(root: string, files: string[], findings: Finding[]): Promise<Map<string, Fix[]>> {
  const analyses = new DocumentAnalyses(() => diskReader);
  const answer = await analyses.analyze({ id: 1, root, files, config: {}, cancel: { cancelled: false }, frontends: { code: codeFrontend } });
  assert.ok(answer?.result.findings.every((f) => f.fixes.length === 0), 'the findings carry no fixes');
  return (await analyses.fixes(1, findings.map(findingKey)))!;
}

/** The files on disk a fix changes, by absolute path, with their new text. */
function fixedOnDisk(root: string, fix: Fix): Map<string, string> {
  const changed = applyFix(fix, (file) => readFileSync(join(root, file), 'utf8'));
  return new Map(Object.entries(changed).map(([file, text]) => [join(root, file), text]));
}

for (const ruleDir of ruleDirs()) {
  const cases = loadCases(ruleDir).filter((c) => c.kind === 'positive');
  if (cases.length === 0) continue;
  describe(`fixes for ${ruleDir}`, () => {
    for (const c of cases) {
      test(c.name, async () => {
        const files = [...c.files, ...c.codeFiles];
        const before = await reviewWith(c.root, files, new Map());
        const findings = before.findings.filter((f) => f.ruleId === ruleDir && !f.suppressed);
        const existing = new Set(before.findings.map(identity));
        const editor = await editorFixes(c.root, files, findings);
        for (const finding of findings) {
          if (finding.family !== 'config') assert.ok(finding.fixes.length > 0, `${identity(finding)} offers at least a suppression`);
          assert.deepStrictEqual(editor.get(findingKey(finding)), finding.fixes, `${identity(finding)}: the editor's fixes are the review's`);
          for (const fix of editor.get(findingKey(finding))!) {
            const what = `${identity(finding)}: '${fix.title}'`;
            const edited = fixedOnDisk(c.root, fix);
            for (const [file, text] of edited) {
              if (!/\.[cm]?[jt]sx?$/.test(file)) continue;
              const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
              const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
              assert.deepEqual(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')), [], `${what} leaves ${file} parsing`);
            }
            const after = await reviewWith(c.root, files, edited);
            assert.deepEqual(after.problems.filter((p) => p.severity === 'error'), [], `${what} leaves every file valid`);
            const same = after.findings.filter((f) => identity(f) === identity(finding));
            const suppression = /^Suppress /.test(fix.title);
            if (suppression) assert.ok(same.length === 1 && same[0].suppressed, `${what} suppresses the finding`);
            else assert.deepEqual(same.map(identity), [], `${what} removes the finding`);
            // a fix that asks for a reason writes a placeholder, which suppression-reason-missing reports until the author replaces it
            const asksForReason = /\(give the reason\)$/.test(fix.title);
            const added = after.findings.filter((f) => !existing.has(identity(f)) && !(asksForReason && f.ruleId === 'suppression-reason-missing'));
            assert.deepEqual(added.map(identity), [], `${what} adds no finding`);
          }
        }
      });
    }
  });
}

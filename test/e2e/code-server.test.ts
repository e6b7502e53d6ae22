/**
 * The extension in a real VS Code (code-server, driven by headless Chromium), used as a person would:
 * it activates on an OpenAPI file, the Problems panel lists the findings, a quick fix is applied with Ctrl+. and saved.
 * A second run in an untrusted workspace (Restricted Mode) still reviews but runs nothing from the workspace.
 * Needs `npm run setup:editors` (npm test runs it first) and `npm run build`. Screenshots go to test-results/.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load } from 'js-yaml';
import { SUPPRESSION_PLACEHOLDER } from '../../server/src/engine/spec/suppression';
import { waitFor } from '../../scripts/code-server';
import {
  FIXTURE, REPO, RESULTS, answerInputBox, applyQuickFix, goTo, keepEvidence, openSession, quickOpen, rowTexts, showProblems, waitForProblems, type Session,
} from './workbench';

const SPEC = 'openapi.yaml';
const original = readFileSync(join(FIXTURE, SPEC), 'utf8');
// `get:` of GET /accounts/{accountId}, where auth-missing points (1-based, as the editor shows it)
const FLAGGED = { line: 9, column: 5 };
const SPECTRAL_RULE = 'operation-summary-required'; // the fixture's own .spectral.yaml
const RESTRICTED_WATCH_MS = 6_000;

const hasRow = (rows: string[], ...parts: string[]) => rows.some((row) => parts.every((p) => row.includes(p)));
/** A row of the rule itself (a message may name other rules): the rule id stands right before the position. */
const ruleRow = (rule: string) => ` ${rule} [Ln `;
/** The YAML value of a file that may be caught half-written. */
const parsed = (text: string) => { try { return load(text); } catch { return undefined; } };

/**
 * Suppresses auth-missing through the quick fix menu: the reason is asked for in an input box, where `reason` is typed
 * (undefined: the box is dismissed, the placeholder stays, selected). Saves, and checks the file on disk and the
 * Problems panel: auth-missing is gone, and suppression-reason-missing shows exactly when no reason was given.
 * Returns the Problems rows and the editor line (1-based) of the inserted suppression.
 */
async function suppressAuthMissing(session: Session, reason?: string): Promise<{ rows: string[]; suppressionLine: number }> {
  const { page, workspace } = session;
  await goTo(page, FLAGGED.line, FLAGGED.column);
  const applied = await applyQuickFix(page, /^Suppress auth-missing here \(give the reason\)/);
  assert.match(applied, /Suppress auth-missing here/);
  await answerInputBox(page, /Why does auth-missing not apply here/, reason);
  await page.keyboard.press('Control+S');
  // exactly one change: the operation now carries the suppression, everything else is as it was
  const expected = load(original) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  expected.paths['/accounts/{accountId}'].get['x-api-sentinel-ignore'] = { 'auth-missing': reason ?? SUPPRESSION_PLACEHOLDER };
  let onDisk = original;
  const saved = await waitFor('the quick fix to be saved to disk', 15_000, () => {
    onDisk = readFileSync(join(workspace, SPEC), 'utf8');
    return isDeepStrictEqual(parsed(onDisk), expected) ? onDisk : undefined;
  }).catch((error: Error) => { throw new Error(`${error.message}; the file reads:\n${onDisk}`); });
  const kept = saved.split('\n');
  assert.equal(kept.length, original.split('\n').length + 2, `two lines added:\n${saved}`);
  assert.ok(original.split('\n').every((line) => kept.includes(line)), `no original line changed:\n${saved}`);

  const rows = await waitForProblems(page, reason === undefined ? 'auth-missing to be gone and the placeholder reason to be reported' : 'auth-missing to be gone',
    (r) => !hasRow(r, ruleRow('auth-missing')) && hasRow(r, ruleRow('suppression-reason-missing')) === (reason === undefined));
  return { rows, suppressionLine: kept.findIndex((line) => line.includes('x-api-sentinel-ignore')) + 1 };
}

describe('VS Code (code-server) with the extension, trusted workspace', () => {
  let session: Session;
  before(async () => { session = await openSession({ extension: REPO }); });
  after(async () => { await session?.close(); });

  test('activates on an OpenAPI file: the Problems panel lists its findings with their rule ids', async () => {
    await keepEvidence(session, 'code-server-findings', async () => {
      const { page } = session;
      await quickOpen(page, SPEC);
      await showProblems(page);
      const rows = await waitForProblems(page, 'API Sentinel findings and the workspace Spectral rule',
        (r) => hasRow(r, 'api-sentinel', ruleRow('auth-missing')) && hasRow(r, ruleRow(SPECTRAL_RULE)));
      assert.ok(hasRow(rows, 'GET /accounts/{accountId}', ' auth-missing [Ln 9, Col 5]'), rows.join('\n'));
      const status = await rowTexts(page, '.statusbar-item');
      assert.ok(status.some((t) => /\d+ API findings?/.test(t)), `status bar: ${status.join(' | ')}`);
    });
  });

  test('Suppress with Ctrl+. asks for the reason: typed and saved, the finding is gone and nothing new is raised', async () => {
    await keepEvidence(session, 'code-server-quick-fix', async () => {
      const { suppressionLine, rows } = await suppressAuthMissing(session, "served only on the bank's internal network");
      // the reason typed leaves nothing to report: no finding of the workspace's file is about the suppression
      await waitFor('the Problems panel to settle without a suppression finding', 10_000, async () => {
        const now = await rowTexts(session.page, '.markers-panel .monaco-list-row');
        assert.ok(!hasRow(now, ruleRow('suppression-reason-missing')), `a reason was typed, yet:\n${now.join('\n')}`);
        return now.length > 0 || undefined;
      });
      assert.ok(!hasRow(rows, ruleRow('auth-missing')));
      await goTo(session.page, suppressionLine + 1, 9); // the screenshot shows the suppression the fix wrote
      mkdirSync(RESULTS, { recursive: true });
      await session.page.screenshot({ path: join(RESULTS, 'code-server-quick-fix.png') });
    });
  });
});

describe('VS Code (code-server) with the extension, Restricted Mode (workspace not trusted)', () => {
  let session: Session;
  before(async () => { session = await openSession({ extension: REPO, trust: 'restricted' }); });
  after(async () => { await session?.close(); });

  test('still reviews and fixes, but never runs the workspace Spectral ruleset', async () => {
    await keepEvidence(session, 'code-server-restricted', async () => {
      const { page } = session;
      await waitFor('the Restricted Mode indicator in the status bar', 30_000, async () =>
        (await rowTexts(page, '.statusbar-item')).some((t) => t.includes('Restricted Mode')) || undefined);
      await quickOpen(page, SPEC);
      await showProblems(page);
      await waitForProblems(page, 'API Sentinel findings', (r) => hasRow(r, 'api-sentinel', ruleRow('auth-missing')));
      const firstFindings = Date.now();
      const { rows } = await suppressAuthMissing(session);
      // An absence needs a window: in a trusted workspace the ruleset's row follows the first findings within about
      // 1.5 s (and each analysis and save runs it again). Here it must not show for RESTRICTED_WATCH_MS after them.
      await waitFor('the end of the watch', RESTRICTED_WATCH_MS + 5_000, async () => {
        const now = await rowTexts(page, '.markers-panel .monaco-list-row');
        assert.ok(!hasRow(now, ruleRow(SPECTRAL_RULE)), `the workspace ruleset ran in Restricted Mode:\n${now.join('\n')}`);
        return Date.now() - firstFindings > RESTRICTED_WATCH_MS || undefined;
      }, 250);
      assert.ok(hasRow(rows, 'api-sentinel', ruleRow('suppression-reason-missing')));
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'code-server-restricted-mode.png') });
    });
  });
});

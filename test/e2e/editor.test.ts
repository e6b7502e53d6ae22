/**
 * The editor as users meet it, in a real VS Code (code-server), on an API split over three files: a fragment opened
 * first shows its findings; the whole API is published as apiSentinel.diagnosticsScope asks; an apiSentinel.* setting
 * changed in the settings file applies without a reload; and one Ctrl+S applies every safe fix (the workspace asks for
 * source.fixAll.api-sentinel on explicit saves); the status item and Review Workspace say what they found; while the
 * root does not parse, the other files keep their findings, marked out of date.
 * Screenshots go to test-results/.
 * Needs `npm run setup:editors` (npm test runs it first) and `npm run build`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { waitFor } from '../../scripts/code-server';
import { REPO, RESULTS, goTo, keepEvidence, openSession, quickOpen, rowTexts, runCommand, showProblems, waitForProblems, type Session } from './workbench';

const FIXTURE = join(REPO, 'test', 'fixtures', '_e2e', 'api');
const SETTINGS = join('.vscode', 'settings.json');
const PATH_ITEM = join('paths', 'accounts-by-id.yaml');

const hasRow = (rows: string[], ...parts: string[]) => rows.some((row) => parts.every((p) => row.includes(p)));
/** A finding's row in the Problems panel: its rule id right before its position (1-based, as the editor shows it). */
const finding = (rule: string, line: number, column: number) => ` ${rule} [Ln ${line}, Col ${column}]`;
// the fixture's findings, one per file
const IN_SCHEMA = finding('response-sensitive-field', 10, 3);
const IN_ROOT = finding('auth-missing', 21, 7);
const IN_PATH_ITEM = finding('auth-missing-401-403', 5, 3);

async function screenshot(session: Session, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await session.page.screenshot({ path: join(RESULTS, `${name}.png`) });
}

describe('VS Code (code-server): an API over several files', () => {
  let session: Session;
  const settings = (values: Record<string, unknown>) =>
    writeFileSync(join(session.workspace, SETTINGS), JSON.stringify({ 'editor.codeActionsOnSave': { 'source.fixAll.api-sentinel': 'explicit' }, ...values }, null, 2));
  before(async () => { session = await openSession({ extension: REPO, fixture: FIXTURE }); });
  after(async () => { await session?.close(); });

  test('a fragment opened first shows its findings, and the whole API is published with it', async () => {
    await keepEvidence(session, 'code-server-fragment-first', async () => {
      const { page } = session;
      // the schema is the first file opened: no document is open
      await quickOpen(page, 'account.yaml');
      await showProblems(page);
      const rows = await waitForProblems(page, "the schema's finding and those of the files its API reaches",
        (r) => hasRow(r, IN_SCHEMA) && hasRow(r, IN_ROOT) && hasRow(r, IN_PATH_ITEM));
      assert.ok(hasRow(rows, 'password'), rows.join('\n'));
      const status = await rowTexts(page, '.statusbar-item');
      assert.ok(status.some((t) => t.includes('1 API finding')), `status bar: ${status.join(' | ')}`);
      await screenshot(session, 'code-server-fragment-first');
    });
  });

  test('apiSentinel.* settings changed in the settings file apply at once: the scope, then a rule turned off', async () => {
    await keepEvidence(session, 'code-server-live-settings', async () => {
      const { page } = session;
      settings({ 'apiSentinel.diagnosticsScope': 'openFiles' });
      await waitForProblems(page, 'only the open file to show its findings', (r) => hasRow(r, IN_SCHEMA) && !hasRow(r, IN_ROOT) && !hasRow(r, IN_PATH_ITEM));
      settings({ 'apiSentinel.rules': { 'response-sensitive-field': 'off' } });
      await waitForProblems(page, 'the whole API again, without the rule turned off', (r) => !hasRow(r, IN_SCHEMA) && hasRow(r, IN_ROOT) && hasRow(r, IN_PATH_ITEM));
      settings({});
      await waitForProblems(page, 'the rule back', (r) => hasRow(r, IN_SCHEMA) && hasRow(r, IN_ROOT));
      await screenshot(session, 'code-server-whole-api');
    });
  });

  test('one Ctrl+S applies every safe fix of the file (source.fixAll.api-sentinel on explicit saves)', async () => {
    await keepEvidence(session, 'code-server-fix-all-on-save', async () => {
      const { page, workspace } = session;
      await quickOpen(page, 'accounts-by-id.yaml');
      await waitForProblems(page, 'both operations without 401/403', (r) => r.filter((row) => row.includes(' auth-missing-401-403 [Ln ')).length === 2);
      // typed right before the save: the fixes must follow the text as it is then
      await goTo(page, 1, 1);
      await page.keyboard.type('# accounts by id');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+S');
      type Operation = { responses: Record<string, unknown> };
      const saved = await waitFor('the save with every safe fix applied', 30_000, () => {
        const text = readFileSync(join(workspace, PATH_ITEM), 'utf8');
        let item: Record<string, Operation> | undefined;
        try { item = load(text) as Record<string, Operation>; } catch { return undefined; }
        const fixed = (op: Operation) => '401' in op.responses || '403' in op.responses;
        return text.startsWith('# accounts by id\n') && fixed(item.get) && fixed(item.delete) ? text : undefined;
      });
      assert.match(saved, /^get:/m);
      const rows = await waitForProblems(page, 'auth-missing-401-403 to be gone', (r) => !r.some((row) => row.includes(' auth-missing-401-403 [Ln ')));
      assert.ok(hasRow(rows, IN_ROOT), 'the other findings stay');
      assert.deepEqual(await rowTexts(page, '.tabs-container .tab.active.dirty'), [], 'saved once, with nothing left unsaved');
      await waitFor('the status item to say the file has no findings', 15_000, async () =>
        (await rowTexts(page, '.statusbar-item')).some((t) => t.includes('API Sentinel: no findings')) || undefined);
      await screenshot(session, 'code-server-fix-all-on-save');
    });
  });

  test('Review Workspace says what it found, in words', async () => {
    await keepEvidence(session, 'code-server-review-workspace', async () => {
      const { page } = session;
      await runCommand(page, 'API Sentinel: Review Workspace');
      const said = await waitFor('the review to report', 30_000, async () =>
        (await rowTexts(page, '.notification-list-item-message')).find((t) => t.startsWith('API Sentinel: reviewed')));
      // the fixes saved above left findings in the root and the schema, which the Problems panel lists
      const findings = (await rowTexts(page, '.markers-panel .monaco-list-row')).filter((row) => row.includes('api-sentinel')).length;
      assert.equal(said, `API Sentinel: reviewed 1 OpenAPI document: ${findings} findings in 2 files.`);
      await screenshot(session, 'code-server-review-workspace');
    });
  });

  test('while the root does not parse, the files it reaches keep their findings, marked out of date', async () => {
    await keepEvidence(session, 'code-server-root-parse-error', async () => {
      const { page } = session;
      await quickOpen(page, 'openapi.yaml');
      await goTo(page, 2, 1);
      await page.keyboard.type('broken: [');
      await page.keyboard.press('Enter');
      await waitForProblems(page, "the root's parse error, and the schema's finding kept, out of date",
        (r) => hasRow(r, 'parse-error') && hasRow(r, '(out of date: openapi.yaml does not parse)', 'password', ' response-sensitive-field [Ln 10, Col 3]'));
      await screenshot(session, 'code-server-root-parse-error');
    });
  });
});

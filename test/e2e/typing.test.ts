/**
 * Steady results while typing, in a real VS Code (code-server): a line that breaks the YAML mid-edit adds the parse
 * error and keeps the findings, marked out of date, instead of replacing them. Needs `npm run setup:editors` and the build.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../scripts/code-server';
import { REPO, RESULTS, goTo, keepEvidence, openSession, quickOpen, rowTexts, showProblems, waitForProblems, type Session } from './workbench';

const hasRow = (rows: string[], ...parts: string[]) => rows.some((row) => parts.every((p) => row.includes(p)));

describe('VS Code (code-server): typing', () => {
  let session: Session;
  before(async () => { session = await openSession({ extension: REPO }); });
  after(async () => { await session?.close(); });

  test('a parse error mid-edit keeps the findings, marked out of date, next to it', async () => {
    await keepEvidence(session, 'code-server-parse-error', async () => {
      const { page } = session;
      await quickOpen(page, 'openapi.yaml');
      await showProblems(page);
      await waitForProblems(page, 'auth-missing', (r) => hasRow(r, ' auth-missing [Ln 9, Col 5]'));
      await goTo(page, 2, 1);
      await page.keyboard.type('broken: [');
      await page.keyboard.press('Enter');
      const rows = await waitForProblems(page, 'the parse error next to the findings, out of date',
        (r) => hasRow(r, 'parse-error') && hasRow(r, '(out of date: the file does not parse)', ' auth-missing [Ln 10, Col 5]'));
      assert.ok(!hasRow(rows, ' auth-missing [Ln 9, Col 5]'), rows.join('\n'));
      await waitFor('the status item to say the file does not parse', 15_000, async () =>
        (await rowTexts(page, '.statusbar-item')).some((t) => t.includes('API Sentinel: parse error')) || undefined);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'code-server-parse-error.png') });
    });
  });
});

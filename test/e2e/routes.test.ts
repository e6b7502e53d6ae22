/**
 * Route code in a real VS Code (code-server, driven by headless Chromium), used as a person would: a route file of
 * examples/express-insecure opened, the Problems panel shows code-auth-missing on its registration, and the suggestion
 * that applies the app's own auth middleware, taken from the Ctrl+. menu and saved, removes the finding.
 * Needs `npm run setup:editors` (npm test runs it first) and `npm run build`. Screenshots go to test-results/.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../scripts/code-server';
import { REPO, RESULTS, applyQuickFix, goTo, keepEvidence, openSession, quickOpen, showProblems, waitForProblems, type Session } from './workbench';

const APP = join(REPO, 'examples', 'express-insecure');
const ROUTE_FILE = 'src/routes/users.ts';
const original = readFileSync(join(APP, ROUTE_FILE), 'utf8');
// `get` of `.route('/:id').get(...)`, where code-auth-missing points for GET /users/{id} (1-based, as the editor shows it)
const FLAGGED = { line: 8, column: 4 };

/** The Problems row of code-auth-missing on GET /users/{id}. */
const flaggedRow = (row: string) => row.includes('GET /users/{id} accepts anonymous requests') && row.includes('code-auth-missing');
/** The same finding on PATCH, which the fix leaves alone. */
const patchRow = (row: string) => row.includes('PATCH /users/{id} accepts anonymous requests') && row.includes('code-auth-missing');

describe('VS Code (code-server) with the extension, an Express app', () => {
  let session: Session;
  before(async () => { session = await openSession({ extension: REPO, fixture: APP }); });
  after(async () => { await session?.close(); });

  test('a route file shows code-auth-missing at its registration; applying the app\'s auth middleware from Ctrl+. removes it', async () => {
    await keepEvidence(session, 'code-server-routes', async () => {
      const { page, workspace } = session;
      await quickOpen(page, 'users.ts');
      await showProblems(page);
      const rows = await waitForProblems(page, 'code-auth-missing on GET /users/{id}', (r) => r.some(flaggedRow));
      assert.ok(rows.some((row) => flaggedRow(row) && row.includes(`[Ln ${FLAGGED.line}, Col ${FLAGGED.column}]`)), rows.join('\n'));

      await goTo(page, FLAGGED.line, FLAGGED.column);
      const applied = await applyQuickFix(page, /^Apply authenticate to GET \/users\/\{id\}/);
      assert.match(applied, /Apply authenticate to GET \/users\/\{id\} \(auth, as the app does elsewhere\)/);
      await page.keyboard.press('Control+S');
      // the middleware goes into the registration, and is imported; the editor writes the file by truncating it
      // first, so a read can catch it empty or half-written: wait for the whole expected text, not for any change
      const applies = /\.get\(authenticate, async \(req, res\) =>/;
      const imports = /^import \{ authenticate \} from '\.\.\/middleware\/authenticate\.js';$/m;
      let onDisk = original;
      await waitFor('the suggestion to be saved to disk', 15_000, () => {
        onDisk = readFileSync(join(workspace, ROUTE_FILE), 'utf8');
        return applies.test(onDisk) && imports.test(onDisk) ? onDisk : undefined;
      }).catch((error: Error) => { throw new Error(`${error.message}; the file reads:\n${onDisk}`); });
      assert.equal(onDisk.split('\n').length, original.split('\n').length + 1, `one import line added:\n${onDisk}`);

      await waitForProblems(page, 'code-auth-missing to be gone from GET /users/{id}, and to stay on PATCH',
        (r) => !r.some(flaggedRow) && r.some(patchRow));
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'code-server-routes.png') });
    });
  });
});

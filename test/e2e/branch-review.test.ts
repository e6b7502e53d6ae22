/**
 * "API Sentinel: Review Branch Changes" in a real VS Code (code-server, driven by headless Chromium), run from the
 * command palette on a git repository whose branch switches the server to plain HTTP: the explorer's branch view shows
 * one new finding and none fixed. Needs `npm run setup:editors` and `npm run build`. Screenshot in test-results/.
 */
import { after, before, test } from 'node:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../scripts/code-server';
import { git } from '../support/git-repo';
import { REPO, RESULTS, keepEvidence, openSession, quickOpen, rowTexts, runCommand, type Session } from './workbench';

let session: Session;
before(async () => {
  session = await openSession({ extension: REPO });
  // the copied fixture becomes a repository: `main` as it is, the checked-out branch with a plain-HTTP server
  const { workspace } = session;
  git(workspace, 'init', '--quiet', '--initial-branch=main');
  git(workspace, 'add', '--all');
  git(workspace, 'commit', '--quiet', '--message', 'base');
  git(workspace, 'checkout', '--quiet', '-b', 'feature');
  const spec = join(workspace, 'openapi.yaml');
  writeFileSync(spec, readFileSync(spec, 'utf8').replace('https://api.example.com', 'http://api.example.com'));
  git(workspace, 'commit', '--quiet', '--all', '--message', 'plain HTTP');
});
after(async () => { await session?.close(); });


test('the command palette runs the branch review, and the explorer shows New (1) and Fixed (0)', async () => {
  await keepEvidence(session, 'code-server-branch-review', async () => {
    const { page } = session;
    await quickOpen(page, 'openapi.yaml');
    await runCommand(page, 'API Sentinel: Review Branch Changes');
    const rows = await waitFor('the branch view to show New (1)', 60_000, async () => {
      const now = await rowTexts(page, '.monaco-list-row');
      return now.some((t) => t.startsWith('New (1)')) ? now : undefined;
    }, 250);
    if (!rows.some((t) => t.startsWith('Fixed (0)'))) throw new Error(`no Fixed (0) row:\n${rows.join('\n')}`);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'code-server-branch-review.png') });
  });
});

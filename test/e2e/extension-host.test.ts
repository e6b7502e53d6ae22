/**
 * The extension-host suite (test/e2e/suite) inside code-server: VS Code loads the extension from this folder
 * (extensionDevelopmentPath) and runs the suite (extensionTestsPath), both passed in the workbench URL's payload,
 * as @vscode/test-electron does with a desktop VS Code (test/e2e/electron.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../scripts/code-server';
import { bundleSuite } from './suite/bundle';
import { REPO, keepEvidence, openSession } from './workbench';

test('the extension-host suite passes in code-server (activation, diagnostics, hover, quick fix, commands)', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'api-sentinel-suite-'));
  try {
    const suite = await bundleSuite(out);
    const resultFile = join(out, 'result.json');
    const session = await openSession({
      env: { API_SENTINEL_E2E_RESULT: resultFile },
      payload: (server) => [['extensionDevelopmentPath', server.remoteUri(REPO)], ['extensionTestsPath', server.remoteUri(suite)]],
    });
    try {
      await keepEvidence(session, 'code-server-extension-host', async () => {
        const result = await waitFor('the suite to write its result', 120_000, () =>
          existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) as { ok: boolean; passed?: string[]; error?: string } : undefined, 250);
        assert.ok(result.ok, result.error);
        for (const passed of result.passed ?? []) t.diagnostic(passed);
      });
    } finally {
      await session.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

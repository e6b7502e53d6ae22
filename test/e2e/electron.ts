/**
 * The extension-host suite (test/e2e/suite) in a desktop VS Code installed on this machine, through
 * @vscode/test-electron: `VSCODE_EXECUTABLE=/path/to/code npm run test:electron` (on Linux e.g. /usr/share/code/code,
 * on macOS .../Visual Studio Code.app/Contents/MacOS/Electron). It never downloads VS Code, so it needs that variable;
 * CI runs the same suite in code-server instead (test/e2e/extension-host.test.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleSuite } from './suite/bundle';

const REPO = join(__dirname, '..', '..');

async function main(): Promise<number> {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath) {
    process.stderr.write('Set VSCODE_EXECUTABLE to a local VS Code executable (this launcher does not download one).\n');
    return 2;
  }
  const root = mkdtempSync(join(tmpdir(), 'api-sentinel-electron-'));
  try {
    // the suite edits the workspace: a copy, never the tracked fixture
    const workspace = join(root, 'workspace');
    cpSync(join(REPO, 'test', 'fixtures', '_e2e', 'workspace'), workspace, { recursive: true });
    const extensionTestsPath = await bundleSuite(join(root, 'suite'));
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: REPO,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--user-data-dir', join(root, 'user-data'), '--extensions-dir', join(root, 'extensions')],
    });
    process.stdout.write('extension-host suite passed in VS Code\n');
    return 0;
  } catch (error) {
    process.stderr.write(`extension-host suite failed: ${(error as Error).message ?? error}\n`);
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));

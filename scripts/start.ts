/**
 * `npm start`: builds the extension, installs code-server if it is missing (API_SENTINEL_CODE_SERVER=current picks
 * the newer release), and serves VS Code with the extension on examples/ at http://127.0.0.1:<port> (printed;
 * `--port N` or PORT to choose it). Ctrl+C stops everything it started.
 * `--no-build` skips the build when dist/ is fresh.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_SERVER_NAME, setupEditors } from './setup-editors';
import { startCodeServer } from './code-server';

const REPO = join(__dirname, '..');
const EXAMPLES = join(REPO, 'examples');

function requestedPort(): number | undefined {
  const at = process.argv.indexOf('--port');
  const value = at >= 0 ? process.argv[at + 1] : process.env.PORT;
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`not a port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const port = requestedPort();
  if (!process.argv.includes('--no-build')) {
    const build = spawnSync(process.execPath, [join(REPO, 'esbuild.config.mjs')], { cwd: REPO, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
  }
  setupEditors([CODE_SERVER_NAME]);

  const root = mkdtempSync(join(tmpdir(), 'api-sentinel-start-'));
  const server = await startCodeServer({ root, port, extension: REPO }).catch((error: Error) => {
    rmSync(root, { recursive: true, force: true });
    throw error;
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    rmSync(root, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void server.exited.then(() => {
    if (stopping) return;
    process.stderr.write(`code-server stopped unexpectedly:\n${server.output()}\n`);
    void stop(1);
  });
  process.stdout.write(`\nVS Code with API Sentinel on examples/:\n\n  ${server.urlFor(EXAMPLES)}\n\nCtrl+C stops it.\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
});

/**
 * Neovim's built-in LSP client (a second real editor next to VS Code) runs the bundled server over stdio: diagnostics
 * with exact ranges, a hover, the code actions of a finding, a quick fix applied with UTF-16 positions and written to
 * disk, and the re-analysis that clears the finding. Neovim comes from scripts/setup-neovim.sh.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIXTURE = join(__dirname, 'fixtures', '_neovim', 'workspace');
const SCRIPT = join(__dirname, 'neovim', 'quick-fix.lua');
const SERVER = join(__dirname, '..', 'dist', 'server.js');

interface Shown { code: string; source: string; severity: number; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface NeovimResult {
  steps: string[];
  error?: string;
  opened: Shown[];
  hover: string;
  actions: string[];
  edited_version: number;
  fixed_version: number;
  fixed: Shown[];
  exit: { code: number; signal: number };
}

const at = (line: number, start: number, end: number) => ({ start: { line, character: start }, end: { line, character: end } });
const find = (diagnostics: Shown[], code: string) => diagnostics.find((d) => d.code === code);

test('Neovim: diagnostics, hover, a quick fix written to disk, and the finding gone after re-analysis', (t) => {
  const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.equal(nvim.status, 0, 'nvim is not installed: run scripts/setup-neovim.sh');

  const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-neovim-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const workspace = join(dir, 'workspace');
  cpSync(FIXTURE, workspace, { recursive: true });
  const spec = join(workspace, 'openapi.yaml');
  const original = readFileSync(spec, 'utf8');
  const resultFile = join(dir, 'result.json');

  const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${SCRIPT}`], {
    cwd: workspace,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    killSignal: 'SIGKILL',
    env: {
      ...process.env,
      // Neovim's log, state and cache stay in the temporary folder
      XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_DATA_HOME: join(dir, 'xdg'), XDG_STATE_HOME: join(dir, 'xdg'), XDG_CACHE_HOME: join(dir, 'xdg'),
      API_SENTINEL_NODE: process.execPath,
      API_SENTINEL_SERVER: SERVER,
      API_SENTINEL_WORKSPACE: workspace,
      API_SENTINEL_SPEC: spec,
      API_SENTINEL_RULE: 'auth-missing',
      API_SENTINEL_RESULT: resultFile,
      API_SENTINEL_TIMEOUT_MS: '20000',
    },
  });
  assert.ok(existsSync(resultFile), `nvim wrote no result (exit ${run.status ?? run.signal}): ${run.stderr}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as NeovimResult;
  assert.equal(result.error, undefined, `failed after steps [${result.steps.join(', ')}]: ${result.error}`);
  assert.equal(run.status, 0, `nvim exited with ${run.status ?? run.signal}: ${run.stderr}`);

  // diagnostics as Neovim shows them: rule, 0-based range, severity (1 error, 2 warning), source
  const auth = find(result.opened, 'auth-missing');
  assert.deepEqual(auth && { range: auth.range, severity: auth.severity, source: auth.source }, { range: at(8, 4, 7), severity: 2, source: 'api-sentinel' });
  assert.match(auth!.message, /GET \/invoices requires no authentication/);
  const transport = find(result.opened, 'transport-insecure-server');
  assert.deepEqual(transport && { range: transport.range, severity: transport.severity }, { range: at(5, 9, 31), severity: 1 });

  assert.match(result.hover, /auth-missing/);
  assert.match(result.hover, /API2:2023 Broken Authentication/);
  assert.ok(result.actions.includes('Suppress auth-missing here (give the reason)'), `actions: ${result.actions.join(', ')}`);

  // the edit lands at the end of the operation's last line, which holds non-ASCII text: UTF-16 columns, not bytes
  const expected = original.replace('Factures émises — résumé\n',
    'Factures émises — résumé\n      x-api-sentinel-ignore:\n        auth-missing: "TODO: say why this is accepted"\n');
  assert.notEqual(expected, original);
  assert.equal(readFileSync(spec, 'utf8'), expected);

  // re-analysed for the edited buffer: the finding is gone, the placeholder reason is flagged, the rest stays
  assert.ok(result.fixed_version >= result.edited_version, `diagnostics of version ${result.fixed_version}, buffer version ${result.edited_version}`);
  assert.equal(find(result.fixed, 'auth-missing'), undefined);
  assert.deepEqual(find(result.fixed, 'suppression-reason-missing')?.range, at(27, 8, 20));
  assert.deepEqual(find(result.fixed, 'transport-insecure-server')?.range, at(5, 9, 31));

  assert.deepEqual(result.exit, { code: 0, signal: 0 }, 'the server exits cleanly on shutdown');
});

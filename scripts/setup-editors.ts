/**
 * Installs what the editor tests and `npm start` need, from Debian and npm packages only:
 * chromium, ripgrep and the Kerberos headers (code-server's native build) through apt-get, then code-server and
 * playwright-core into the git-ignored .vscode-test/code-server, outside the project's own dependencies.
 * Idempotent: when everything is in place it only checks and returns. `npm run setup:editors`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3: the last code-server that runs on Node 20
const PLAYWRIGHT_VERSION = '1.65.1';
const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];
// What @vscode/ripgrep (a code-server dependency) would download from GitHub in its postinstall
const VSCODE_RIPGREP = { version: '1.15.11', rg: 'v13.0.0-10' };

export const INSTALL_DIR = join(__dirname, '..', '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const PLAYWRIGHT_CORE = join(INSTALL_DIR, 'node_modules', 'playwright-core');
export const CHROMIUM = '/usr/bin/chromium';
const STAMP = join(INSTALL_DIR, 'installed.json');

function log(message: string): void { process.stderr.write(`setup-editors: ${message}\n`); }

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function missingDebianPackages(): string[] {
  return DEBIAN_PACKAGES.filter((name) => {
    const status = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', name], { encoding: 'utf8' });
    return status.stdout !== 'installed';
  });
}

function installDebianPackages(): void {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages ${missing.join(', ')}: run as root: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

const wanted = { codeServer: CODE_SERVER_VERSION, playwrightCore: PLAYWRIGHT_VERSION };

function codeServerInstalled(): boolean {
  try {
    return readFileSync(STAMP, 'utf8') === JSON.stringify(wanted) && existsSync(CODE_SERVER_ENTRY) && existsSync(PLAYWRIGHT_CORE);
  } catch {
    return false;
  }
}

/** @vscode/ripgrep's postinstall takes rg from its cache in TMPDIR if there: put Debian's rg there instead of a download. */
function seedRipgrepCache(tmp: string): void {
  const target = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const cache = join(tmp, `vscode-ripgrep-cache-${VSCODE_RIPGREP.version}`);
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', join(cache, `ripgrep-${VSCODE_RIPGREP.rg}-${target}.tar.gz`), '-C', dirname(findRg()), 'rg']);
}

function findRg(): string {
  const found = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('ripgrep (rg) is not on PATH');
  return found;
}

function installCodeServer(): void {
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  const tmp = join(INSTALL_DIR, 'tmp');
  mkdirSync(tmp, { recursive: true });
  seedRipgrepCache(tmp);
  writeFileSync(join(INSTALL_DIR, 'package.json'), JSON.stringify({
    name: 'api-sentinel-editors', private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION, 'playwright-core': PLAYWRIGHT_VERSION },
  }, null, 2));
  // node-gyp builds the native modules against this Node's own headers rather than downloading them
  const nodeDir = dirname(dirname(process.execPath));
  const env: NodeJS.ProcessEnv = {
    ...process.env, TMPDIR: tmp, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false',
    ...(existsSync(join(nodeDir, 'include', 'node', 'node.h')) ? { npm_config_nodedir: nodeDir } : {}),
  };
  run('npm', ['install', '--no-package-lock', '--unsafe-perm', '--no-save'], { cwd: INSTALL_DIR, env });
  rmSync(tmp, { recursive: true, force: true });
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server did not install: ${CODE_SERVER_ENTRY} is missing`);
  // written by code-server's postinstall (which installs VS Code's own modules): proof that npm ran install scripts
  const rg = join(INSTALL_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!existsSync(rg)) throw new Error(`code-server's postinstall did not run (${rg} is missing): npm must be allowed to run install scripts`);
  writeFileSync(STAMP, JSON.stringify(wanted));
}

export function setupEditors(): void {
  installDebianPackages();
  if (!codeServerInstalled()) installCodeServer();
}

if (require.main === module) {
  const started = Date.now();
  try {
    setupEditors();
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (code-server ${CODE_SERVER_VERSION}, ${CHROMIUM})`);
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

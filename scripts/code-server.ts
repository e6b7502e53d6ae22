/**
 * Runs code-server (VS Code in the browser) isolated for one session: its own user data, extensions, config, cache and
 * temp folders under `root`, a free port on 127.0.0.1 only, and a process group that `stop()` ends as a whole
 * (code-server leaves watchers and extension hosts behind when only its own pid is killed).
 * Used by `npm start` and the editor tests; scripts/setup-editors.ts installs it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, CODE_SERVER_NODE } from './setup-editors';

export interface CodeServerOptions {
  /** Folder holding this session's user data, extensions and temp files. */
  root: string;
  port?: number;
  /** Folder whose extension (package.json + dist/) code-server loads, as if installed. */
  extension?: string;
  /** 'restricted': workspace trust on and not granted (Restricted Mode); otherwise trust is off and everything runs. */
  trust?: 'disabled' | 'restricted';
  /** Extra environment: the extension host inherits code-server's. */
  env?: NodeJS.ProcessEnv;
}

export interface CodeServer {
  port: number;
  origin: string;
  /** The workbench URL opening `folder`; `payload` passes e.g. extensionDevelopmentPath and extensionTestsPath. */
  urlFor(folder: string, payload?: [string, string][]): string;
  /** How the workbench names a file of this machine (for the payload). */
  remoteUri(path: string): string;
  /** code-server's output so far (for error messages). */
  output(): string;
  /** Settles when code-server's own process ends. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Makes the extension folder appear installed in `extensionsDir`: extensions.json may point anywhere on disk. */
function registerExtension(extensionsDir: string, extension: string): void {
  const manifest = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const entry = {
    identifier: { id: `${manifest.publisher}.${manifest.name}` },
    version: manifest.version,
    location: { $mid: 1, scheme: 'file', path: extension },
    metadata: { installedTimestamp: Date.now(), source: 'resource' },
  };
  writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify([entry]));
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY}): run npm run setup:editors`);
  const { root } = options;
  const dirs = { userData: join(root, 'user-data'), extensions: join(root, 'extensions'), xdg: join(root, 'xdg'), tmp: join(root, 'tmp') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  const restricted = options.trust === 'restricted';
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': restricted,
    // Restricted Mode without the modal question: the folder opens untrusted
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
  }, null, 2));
  if (options.extension) registerExtension(dirs.extensions, options.extension);

  const port = options.port ?? await freePort();
  const args = [
    CODE_SERVER_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--ignore-last-opened', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
    ...(restricted ? [] : ['--disable-workspace-trust']),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...options.env, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.xdg, XDG_DATA_HOME: dirs.xdg, XDG_CACHE_HOME: dirs.xdg, XDG_RUNTIME_DIR: dirs.tmp,
  };
  delete env.PASSWORD; // code-server would require it instead of --auth none
  // detached: its own process group, so that stop() ends every process it started
  const child = spawn(CODE_SERVER_NODE, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal); } catch { /* already gone */ } };
  // even if the caller dies without calling stop(), nothing stays behind
  const onParentExit = () => killGroup('SIGKILL');
  process.once('exit', onParentExit);

  const stop = async () => {
    process.removeListener('exit', onParentExit);
    killGroup('SIGTERM');
    const ended = await Promise.race([exit.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref())]);
    killGroup('SIGKILL'); // what ignored SIGTERM, and children that outlived code-server
    if (!ended) await exit;
  };

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor('code-server to answer on /healthz', 60_000, async () => {
      if (exited) throw new Error(`code-server exited at start:\n${output}`);
      try { return (await fetch(`${origin}/healthz`)).ok ? true : undefined; } catch { return undefined; }
    }, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    origin,
    urlFor: (folder, payload) =>
      `${origin}/?folder=${encodeURIComponent(folder)}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`,
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    output: () => output,
    exited: exit,
    stop,
  };
}

// The language server as the benchmarks drive it: dist/server.js over stdio, with the client capabilities an editor
// announces for what they use, the diagnostics it publishes (with the time each arrived), and its CPU time.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  PublishDiagnosticsNotification, ShutdownRequest, ExitNotification,
} from 'vscode-languageserver-protocol/node';
import { cpuMs } from './measure.mjs';

export const SERVER = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'dist', 'server.js');

/** A language server over stdio, with the client capabilities an editor announces for what this benchmark uses. */
export async function startServer(workspace, timeoutMs) {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (d) => stderr.push(String(d)));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  /** uri -> latest publish */
  const published = new Map();
  const listeners = new Set();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, { version: params.version, diagnostics: params.diagnostics, at: performance.now() });
    for (const listener of [...listeners]) listener();
  });
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => null));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const root = pathToFileURL(workspace).href;
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'workspace' }],
    capabilities: {
      textDocument: {
        synchronization: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, isPreferredSupport: true },
      },
      workspace: { configuration: true, workspaceFolders: true },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  return {
    connection,
    cpuMs: () => cpuMs(child.pid, 'own'),
    /** Resolves with the publish for `uri` at `version`. */
    diagnosticsOf(uri, version) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = published.get(uri);
          if (got?.version === version) { listeners.delete(check); clearTimeout(timer); resolve(got); }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no diagnostics for version ${version} within ${timeoutMs} ms (last: version ${published.get(uri)?.version}); server: ${stderr.join('').slice(-500)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    /** Shuts the server down; kills it when it does not exit within 5 s. */
    async stop() {
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      const grace = new Promise((resolve) => setTimeout(resolve, 5000).unref());
      await Promise.race([connection.sendRequest(ShutdownRequest.type).then(() => connection.sendNotification(ExitNotification.type)), grace]);
      await Promise.race([exited, grace]);
      connection.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
}


/**
 * A real LSP client (vscode-languageserver-protocol's node connection) talking to the bundled server (dist/server.js,
 * rebuilt first when the sources are newer) over stdio or IPC, or, given server options, to the server started from its
 * sources with those options (and the bundled workers).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, IPCMessageReader, IPCMessageWriter,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, PublishDiagnosticsNotification, ShutdownRequest, ExitNotification,
  type ProtocolConnection, type Diagnostic, type ClientCapabilities, DocumentDiagnosticRequest, DiagnosticRefreshRequest,
  LogMessageNotification, ShowMessageNotification,
} from 'vscode-languageserver-protocol/node';
import { bundle } from './bundles';
import type { ServerOptions } from '../../server/src/lsp/server';

export interface Client {
  connection: ProtocolConnection;
  process: ChildProcess;
  /** Latest pushed diagnostics per URI. */
  pushed: Map<string, { version?: number; diagnostics: Diagnostic[] }>;
  /** Every push, in order. */
  history: { uri: string; version?: number; diagnostics: Diagnostic[] }[];
  refreshes: number;
  /** The `apiSentinel` settings the client answers with (null: none); change them, then notify the server. */
  settings: unknown;
  stderr: string[];
  /** The server's log lines (window/logMessage) and the messages it showed (window/showMessage), in order. */
  logs: string[];
  /** The message type of each log line (MessageType: 3 is Info, the output channel's default level). */
  logTypes: number[];
  shown: string[];
  /** Resolves once `accept` holds, checked on every message from the server. */
  waitFor(what: string, accept: () => boolean, timeoutMs?: number): Promise<void>;
  open(uri: string, text: string, languageId?: string, version?: number): void;
  change(uri: string, version: number, changes: ({ text: string } | { range: Diagnostic['range']; text: string })[]): void;
  close(uri: string): void;
  /** Waits for pushed diagnostics of `uri` satisfying `accept`. */
  waitForPush(uri: string, accept: (d: Diagnostic[], version?: number) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  pull(uri: string): Promise<Diagnostic[]>;
  stop(): Promise<void>;
}

/** Starts the server from its sources with the options in API_SENTINEL_SERVER_OPTIONS. */
const SERVER_WITH_OPTIONS = join(__dirname, 'lsp-server.ts');

export async function startClient(options: {
  transport: 'stdio' | 'ipc'; root: string; pull?: boolean; initializationOptions?: unknown;
  /** Start `api-sentinel lsp --stdio` instead of the server bundle. */
  viaCli?: boolean;
  /** Start the server from its sources with these options (stdio only). */
  serverOptions?: ServerOptions;
  /** The `apiSentinel` settings of every folder. */
  settings?: unknown;
}): Promise<Client> {
  const server = bundle('server.js');
  const stderr: string[] = [];
  let child: ChildProcess;
  let connection: ProtocolConnection;
  if (options.transport === 'stdio') {
    const args = options.serverOptions ? ['--import', 'tsx', SERVER_WITH_OPTIONS, '--stdio'] : options.viaCli ? [bundle('cli.js'), 'lsp', '--stdio'] : [server, '--stdio'];
    const env = { ...process.env, API_SENTINEL_SERVER_OPTIONS: JSON.stringify(options.serverOptions ?? {}) };
    child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  } else {
    child = fork(server, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  }
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const pushed = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  const history: Client['history'] = [];
  const listeners = new Set<() => void>();
  const notify = () => { for (const l of [...listeners]) l(); };
  const client: Client = {
    connection, process: child, pushed, history, refreshes: 0, settings: options.settings ?? null, stderr, logs: [], logTypes: [], shown: [],
    open(uri, text, languageId = uri.endsWith('.json') ? 'json' : 'yaml', version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    },
    change(uri, version, changes) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    close(uri) { void connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } }); },
    waitForPush(uri, accept, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = pushed.get(uri);
          if (got && accept(got.diagnostics, got.version)) { listeners.delete(check); clearTimeout(timer); resolve(got.diagnostics); }
        };
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`no matching diagnostics for ${uri} in ${timeoutMs} ms; last: ${JSON.stringify(pushed.get(uri))}`)); }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    waitFor(what, accept, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => { if (accept()) { listeners.delete(check); clearTimeout(timer); resolve(); } };
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`waited ${timeoutMs} ms for ${what}; log: ${client.logs.join(' | ')}`)); }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async pull(uri) {
      const report = await connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
      return report.kind === 'full' ? report.items : [];
    },
    async stop() {
      const exited = new Promise((resolve) => { if (child.exitCode !== null) resolve(undefined); else child.once('exit', resolve); });
      try {
        await Promise.race([connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification(ExitNotification.type);
      } catch { /* the server may be gone already */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      connection.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    pushed.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
    history.push({ uri: p.uri, version: p.version, diagnostics: p.diagnostics });
    notify();
  });
  connection.onRequest(DiagnosticRefreshRequest.type, () => { client.refreshes++; notify(); });
  connection.onNotification(LogMessageNotification.type, (p) => { client.logs.push(p.message); client.logTypes.push(p.type); notify(); });
  connection.onNotification(ShowMessageNotification.type, (p) => { client.shown.push(p.message); notify(); });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => client.settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const capabilities: ClientCapabilities = {
    textDocument: {
      synchronization: { dynamicRegistration: false },
      publishDiagnostics: { relatedInformation: true, versionSupport: true },
      ...(options.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, isPreferredSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
    },
    workspace: { configuration: true, workspaceFolders: true, ...(options.pull ? { diagnostics: { refreshSupport: true } } : {}) },
  };
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: pathToFileURL(options.root).href, capabilities,
    workspaceFolders: [{ uri: pathToFileURL(options.root).href, name: 'workspace' }],
    initializationOptions: options.initializationOptions,
  });
  void connection.sendNotification(InitializedNotification.type, {});
  return client;
}

/**
 * The VS Code extension: starts the bundled language server over IPC once an OpenAPI document is open,
 * and adds two commands and a status bar item. Everything else happens in the server.
 */
import * as path from 'node:path';
import {
  commands, ExtensionContext, languages, ProgressLocation, StatusBarAlignment, StatusBarItem, TextDocument, window, workspace,
} from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerBranchReview } from './branch-review';

const OPENAPI_MARK = /^\s*["']?(?:openapi|swagger)["']?\s*:/m;
const SOURCE = 'api-sentinel';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

function isOpenApi(document: TextDocument): boolean {
  if (document.uri.scheme !== 'file' || !['yaml', 'json', 'jsonc'].includes(document.languageId)) return false;
  return OPENAPI_MARK.test(document.getText().slice(0, 65536));
}

function startClient(context: ExtensionContext): Promise<void> {
  if (starting) return starting;
  const server = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'file', language: 'json' }, { scheme: 'file', language: 'jsonc' }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/{*.yaml,*.yml,*.json,.api-sentinel.yaml}') },
    // Restricted Mode: the server runs no code from the workspace (no workspace Spectral ruleset)
    initializationOptions: { trusted: workspace.isTrusted },
    outputChannelName: 'API Sentinel',
  };
  client = new LanguageClient('apiSentinel', 'API Sentinel', serverOptions, clientOptions);
  starting = client.start();
  return starting;
}

async function restart(context: ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  starting = undefined;
  await old?.stop();
  await startClient(context);
}

function updateStatus(item: StatusBarItem): void {
  const editor = window.activeTextEditor;
  if (!editor || !client) { item.hide(); return; }
  const own = languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE);
  if (!isOpenApi(editor.document) && own.length === 0) { item.hide(); return; }
  item.text = own.length === 0 ? '$(shield) API Sentinel' : `$(shield) ${own.length} API finding${own.length === 1 ? '' : 's'}`;
  item.tooltip = 'API Sentinel: findings in this file (click to open Problems)';
  item.show();
}

export function activate(context: ExtensionContext): void {
  const status = window.createStatusBarItem('apiSentinel.status', StatusBarAlignment.Left, 10);
  status.name = 'API Sentinel';
  status.command = 'workbench.actions.view.problems';
  context.subscriptions.push(status);

  const maybeStart = (document: TextDocument) => {
    if (!client && isOpenApi(document)) void startClient(context).then(() => updateStatus(status));
  };
  workspace.textDocuments.forEach(maybeStart);
  context.subscriptions.push(
    workspace.onDidOpenTextDocument(maybeStart),
    workspace.onDidGrantWorkspaceTrust(() => { if (client) void restart(context); }),
    languages.onDidChangeDiagnostics(() => updateStatus(status)),
    window.onDidChangeActiveTextEditor(() => updateStatus(status)),
    ...registerBranchReview(async () => { await startClient(context); return client!; }),
    commands.registerCommand('apiSentinel.showOutput', () => client?.outputChannel.show()),
    commands.registerCommand('apiSentinel.reviewWorkspace', async () => {
      await startClient(context);
      const result = await window.withProgress(
        { location: ProgressLocation.Notification, title: 'API Sentinel: reviewing the workspace', cancellable: true },
        async (progress, token) => {
          const listener = client!.onNotification('apiSentinel/progress', (p: { done: number; total: number }) =>
            progress.report({ message: `${p.done} of ${p.total} OpenAPI documents`, increment: 100 / Math.max(p.total, 1) }));
          try {
            return await client!.sendRequest<{ documents: number; files: number; findings: number; cancelled: boolean }>('apiSentinel/reviewWorkspace', {}, token);
          } finally { listener.dispose(); }
        });
      const verb = result.cancelled ? 'Cancelled after reviewing' : 'Reviewed';
      void window.showInformationMessage(`API Sentinel: ${verb} ${result.documents} OpenAPI document(s): ${result.findings} finding(s) in ${result.files} file(s).`);
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

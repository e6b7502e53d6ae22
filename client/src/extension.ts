/**
 * The VS Code extension: starts the bundled language server over IPC once a YAML or JSON file is open in a workspace
 * that holds an OpenAPI document (or the file is one), or a TypeScript or JavaScript file in a workspace with an app
 * of a route framework (a package.json that depends on one), and adds commands and a status bar item. The server
 * decides what each file is (a document, a fragment its refs reach, route code, or neither); everything else happens
 * there.
 */
import * as path from 'node:path';
import type { ReviewSummary } from '../../server/src/lsp/features/workspace-review';
import {
  commands, Diagnostic, ExtensionContext, languages, ProgressLocation, StatusBarAlignment, StatusBarItem, TextDocument, Uri, window, workspace,
} from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { dependsOnRouteFramework } from '../../server/src/workspace/route-apps';
import { registerBranchReview } from './branch-review';
import { SHOW_ROUTES_COMMAND, showRoutes } from './routes';
import { GIVE_REASON_COMMAND, giveReason } from './reasons';
import { SHOW_RULE_COMMAND, linkRules, showRule } from './rule-docs';
import { plural } from '../../server/src/text/plural';

/**
 * An `openapi`/`swagger` key anywhere in a text: the whole text is searched (sorted keys put it tens of thousands of
 * lines down). A loose test on purpose: it only decides whether to start the server, which decides precisely.
 */
const OPENAPI_MARK = /^\s*["']?(?:openapi|swagger)["']?\s*:/m;
const SOURCE = 'api-sentinel';
const SPEC_FILES = '**/*.{yaml,yml,json}';
/** Files the workspace search reads at most before deciding, and the folders it skips. */
const MAX_FILES_SEARCHED = 5000;
const SKIPPED_FOLDERS = '**/{node_modules,.git}/**';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

/** A YAML or JSON file on disk: what the server may analyse. */
function isSpecLanguage(document: TextDocument): boolean {
  return document.uri.scheme === 'file' && ['yaml', 'json', 'jsonc'].includes(document.languageId);
}

const CODE_LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];
/** A TypeScript or JavaScript file on disk: route code the server may analyse. */
function isCodeLanguage(document: TextDocument): boolean {
  return document.uri.scheme === 'file' && CODE_LANGUAGES.includes(document.languageId);
}

/** Whether the workspace holds an app of a route framework: a package.json (outside node_modules) that depends on one. */
async function workspaceHasRouteApp(): Promise<boolean> {
  for (const file of await workspace.findFiles('**/package.json', SKIPPED_FOLDERS, MAX_FILES_SEARCHED)) {
    try {
      if (dependsOnRouteFramework(new TextDecoder().decode(await workspace.fs.readFile(file)))) return true;
    } catch { /* unreadable: not an app */ }
  }
  return false;
}

/** The last answer per document, by version: the status bar asks on every change of diagnostics. */
const sniffed = new WeakMap<TextDocument, { version: number; openApi: boolean }>();
function isOpenApi(document: TextDocument): boolean {
  const known = sniffed.get(document);
  if (known?.version === document.version) return known.openApi;
  const openApi = isSpecLanguage(document) && OPENAPI_MARK.test(document.getText());
  sniffed.set(document, { version: document.version, openApi });
  return openApi;
}

/** Whether a file on disk mentions an `openapi`/`swagger` key (an unreadable one does not). */
async function fileLooksLikeOpenApi(uri: Uri): Promise<boolean> {
  try {
    return OPENAPI_MARK.test(new TextDecoder().decode(await workspace.fs.readFile(uri)));
  } catch {
    return false;
  }
}

/** Whether the workspace holds an OpenAPI document: then every YAML and JSON file may be one of its fragments. */
async function workspaceHasOpenApi(): Promise<boolean> {
  const files = await workspace.findFiles(SPEC_FILES, SKIPPED_FOLDERS, MAX_FILES_SEARCHED);
  for (const file of files) if (await fileLooksLikeOpenApi(file)) return true;
  return false;
}

function startClient(context: ExtensionContext): Promise<void> {
  if (starting) return starting;
  const server = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: server, transport: TransportKind.ipc },
    debug: { module: server, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ['yaml', 'json', 'jsonc', ...CODE_LANGUAGES].map((language) => ({ scheme: 'file', language })),
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/{*.yaml,*.yml,*.json,.api-sentinel.yaml,*.ts,*.tsx,*.js,*.jsx,*.mjs,*.cjs,*.mts,*.cts}') },
    // Restricted Mode: the server runs no code from the workspace (no workspace Spectral ruleset);
    // askReason: suppress and mark-as-public run GIVE_REASON_COMMAND after their edit
    initializationOptions: { trusted: workspace.isTrusted, askReason: true },
    outputChannelName: 'API Sentinel',
    middleware: {
      handleDiagnostics(uri, diagnostics, next) { linkRules(diagnostics); next(uri, diagnostics); },
      async provideDiagnostics(document, previousResultId, token, next) {
        const report = await next(document, previousResultId, token);
        if (report && 'items' in report) linkRules(report.items);
        return report;
      },
    },
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

const codeOf = (d: Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

/** Files the server reported on: a fragment whose last finding was fixed still says "no findings". */
const reported = new Set<string>();

/** The status item of the active file: its findings, none, or a parse error (its findings then are out of date). */
function updateStatus(item: StatusBarItem): void {
  const editor = window.activeTextEditor;
  if (!editor || !client) { item.hide(); return; }
  const own = languages.getDiagnostics(editor.document.uri).filter((d) => d.source === SOURCE);
  const uri = editor.document.uri.toString();
  if (own.length > 0) reported.add(uri);
  if (!isOpenApi(editor.document) && !reported.has(uri)) { item.hide(); return; }
  if (own.some((d) => codeOf(d) === 'parse-error')) {
    item.text = '$(warning) API Sentinel: parse error';
    item.tooltip = 'API Sentinel: this file does not parse; its last findings are kept, marked out of date (click to open Problems)';
  } else if (own.length === 0) {
    item.text = '$(shield) API Sentinel: no findings';
    item.tooltip = 'API Sentinel: no findings in this file';
  } else {
    item.text = `$(shield) ${plural(own.length, 'API finding')}`;
    item.tooltip = 'API Sentinel: findings in this file (click to open Problems)';
  }
  item.show();
}

/** The end of a workspace review, said in words, with the Problems panel a click away when there is something to see. */
async function reportReview(result: ReviewSummary): Promise<void> {
  const documents = result.cancelled ? `${result.documents} of ${plural(result.total, 'OpenAPI document')}` : plural(result.documents, 'OpenAPI document');
  const found = result.findings === 0 ? 'no findings' : `${plural(result.findings, 'finding')} in ${plural(result.files, 'file')}`;
  const message = `API Sentinel: ${result.cancelled ? 'cancelled after reviewing' : 'reviewed'} ${documents}: ${found}.`;
  const show = 'Show Problems';
  if (await window.showInformationMessage(message, ...(result.findings > 0 ? [show] : [])) === show) {
    await commands.executeCommand('workbench.actions.view.problems');
  }
}

export function activate(context: ExtensionContext): void {
  const status = window.createStatusBarItem('apiSentinel.status', StatusBarAlignment.Left, 10);
  status.name = 'API Sentinel';
  status.command = 'workbench.actions.view.problems';
  context.subscriptions.push(status);

  const start = () => { if (!client) void startClient(context).then(() => updateStatus(status)); };
  /** Searched once, on the first YAML or JSON file that is not itself an OpenAPI document. */
  let holdsOpenApi: Promise<boolean> | undefined;
  /** Searched once, on the first TypeScript or JavaScript file. */
  let holdsRouteApp: Promise<boolean> | undefined;
  const maybeStart = (document: TextDocument) => {
    if (client) return;
    if (isCodeLanguage(document)) {
      holdsRouteApp ??= workspaceHasRouteApp().catch(() => false);
      void holdsRouteApp.then((holds) => { if (holds) start(); });
      return;
    }
    if (!isSpecLanguage(document)) return;
    if (isOpenApi(document)) { start(); return; }
    holdsOpenApi ??= workspaceHasOpenApi().catch(() => false);
    void holdsOpenApi.then((holds) => { if (holds) start(); });
  };
  // a document written later (generated, pulled, created) counts too
  const watcher = workspace.createFileSystemWatcher(SPEC_FILES);
  const maybeStartFor = (uri: Uri) => {
    if (client) return;
    void fileLooksLikeOpenApi(uri).then((openApi) => {
      if (!openApi) return;
      holdsOpenApi = Promise.resolve(true);
      if (workspace.textDocuments.some(isSpecLanguage)) start();
    });
  };
  workspace.textDocuments.forEach(maybeStart);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(maybeStartFor),
    watcher.onDidChange(maybeStartFor),
    workspace.onDidOpenTextDocument(maybeStart),
    workspace.onDidGrantWorkspaceTrust(() => { if (client) void restart(context); }),
    languages.onDidChangeDiagnostics(() => updateStatus(status)),
    window.onDidChangeActiveTextEditor(() => updateStatus(status)),
    ...registerBranchReview(async () => { await startClient(context); return client!; }),
    commands.registerCommand('apiSentinel.showOutput', () => client?.outputChannel.show()),
    commands.registerCommand(SHOW_RULE_COMMAND, (ruleId: string) => showRule(context, ruleId)),
    commands.registerCommand(GIVE_REASON_COMMAND, giveReason),
    commands.registerCommand(SHOW_ROUTES_COMMAND, () => showRoutes(async () => { await startClient(context); return client!; })),
    commands.registerCommand('apiSentinel.reviewWorkspace', async () => {
      await startClient(context);
      const result = await window.withProgress(
        { location: ProgressLocation.Notification, title: 'API Sentinel: reviewing the workspace', cancellable: true },
        async (progress, token) => {
          const listener = client!.onNotification('apiSentinel/progress', (p: { done: number; total: number }) =>
            progress.report({ message: `${p.done} of ${p.total} OpenAPI documents`, increment: 100 / Math.max(p.total, 1) }));
          try {
            // the token cancels the request: the server stops reviewing at once
            return await client!.sendRequest<ReviewSummary>('apiSentinel/reviewWorkspace', {}, token);
          } finally { listener.dispose(); }
        });
      void reportReview(result);
    }),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

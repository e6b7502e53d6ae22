/**
 * The language server: a thin adapter over the engine, wiring its parts. Open buffers win over disk. The workspace is
 * split into analysis units (`units.ts`), run in a worker by the scheduler (`scheduler.ts`): debounced, cancelled when
 * superseded, failures shown. Each unit's result is kept with the buffer versions it read (`results.ts`) and published
 * only for the version it describes (`publish.ts`); an edit in a referenced file re-runs the units that read it and
 * nothing else. Hovers and code actions (`features/`) answer from the last results, moved to the current text where
 * the edits since allow: hovers at once, code actions once the worker has built the fixes they name (after the job it
 * is running, if any). Every handler is guarded: an exception is a log line and an empty answer.
 */
import * as path from 'node:path';
import {
  type Connection, DidChangeConfigurationNotification, type InitializeParams, type InitializeResult, TextDocuments,
  TextDocumentSyncKind, CodeActionKind, DocumentDiagnosticReportKind, FileChangeType, type WorkspaceFoldersChangeEvent,
  MessageType, ShowMessageNotification, ErrorCodes, ResponseError,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TOOL_VERSION } from '../cli/about';
import { plural } from '../text/plural';
import { CONFIG_FILE, isCodeFile, looksLikeOpenApi, isIncluded, resolveConfig, type Config } from '../engine';
import { FIX_ALL_KIND, SOURCE, joinHovers, pathOf, problemToDiagnostic, toUri, withinLimit } from './convert';
import { BranchLimitedResults, BranchReview, type BranchReviewParams } from './features/branch-review';
import { codeActionsFor } from './features/code-actions';
import { hoverAt } from './features/hover';
import { EndpointNavigation } from './features/navigation';
import { WorkspaceRuleset } from './features/spectral';
import { reviewWorkspace } from './features/workspace-review';
import { OpenDocuments } from './open-documents';
import { Publisher } from './publish';
import type { UnitAnalysis } from './results';
import { Scheduler, oneLine } from './scheduler';
import { FolderSettingsCache, configFileOf, mergeSettings, readFolderConfig, scopeOf, type DiagnosticsScope, type EditorSettings } from './settings';
import { routeHoverAt } from './features/route-hover';
import { listRoutes } from './features/show-routes';
import { UnitRegistry, appOf, findOpenApiDocuments, findRouteApps, isOpenApiFile, pairedDocuments, type AnalysisUnit } from './units';
import { AnalysisWorker, SpectralWorker, type AnalysisAnswer } from './worker-client';
import { readTextFile } from '../workspace/files';

export interface ServerOptions {
  /**
   * The longest pause, in milliseconds, that edits of an OpenAPI document coming one after another wait for before its
   * units run: each waits twice what the unit's last analysis took, from `shortestDebounceMs` up to this.
   */
  debounceMs?: number;
  /** The shortest such pause (equal to `debounceMs`, the pause is fixed). */
  shortestDebounceMs?: number;
  /**
   * The same for the route code of an app: its analysis of an edit keeps what the edit did not change, and a newer
   * edit cancels the analysis under way, so only a burst of changes is waited for.
   */
  routeDebounceMs?: number;
  /** Milliseconds of quiet after a quick result (moved, not re-checked) before the full review that confirms it. */
  confirmMs?: number;
  /** The analysis worker's script (`dist/analysis-worker.js` by default). */
  workerScript?: string;
  /** The Spectral worker's script (`dist/spectral-runner.js` by default). */
  spectralWorkerScript?: string;
  /** Milliseconds a workspace Spectral ruleset may take on a document before its worker is stopped. */
  spectralTimeoutMs?: number;
}

/** How many of a folder's OpenAPI documents the log names. */
const LOGGED_NAMES = 10;

/** A path relative to a root, as the engine's globs expect it. */
const relativeTo = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 150;
  const shortestDebounceMs = Math.min(debounceMs, options.shortestDebounceMs ?? 50);
  const routeDebounceMs = options.routeDebounceMs ?? 10;
  const confirmMs = options.confirmMs ?? 1000;
  // at the Info level: what the output channel shows by default
  const log = (message: string) => connection.console.info(message);
  const client = { pull: false, refresh: false, configuration: false, workspaceFolders: false, trusted: true, askReason: false };
  const documents = new TextDocuments(TextDocument);
  const open = new OpenDocuments();
  const units = new UnitRegistry();
  // diagnostics limited to the findings new on the branch where the setting asks for it
  const results = new BranchLimitedResults((folder): ReadonlySet<string> | undefined => branchReview.shownIn(folder));
  const worker = new AnalysisWorker(options.workerScript, log);
  const spectralWorker = new SpectralWorker(options.spectralWorkerScript, log);
  /** The workspace's OpenAPI documents are known (found), and reviewed once (discovery). */
  let found: Promise<void> = Promise.resolve();
  let discovery: Promise<void> = Promise.resolve();
  /** When each unit's running job started, and how long its last job took (the log says so; typing waits for it). */
  const started = new Map<string, number>();
  const lastTookMs = new Map<string, number>();

  /** A handler whose exception becomes a log line and `fallback`, never a dead server. */
  function guard<A extends unknown[], R>(name: string, fallback: R, handler: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      try { return await handler(...args); } catch (error) { log(`${name} failed: ${oneLine(error)}`); return fallback; }
    };
  }

  const settings = new FolderSettingsCache(async (folder) => {
    const configFile = configFileOf(folder);
    const { config, problems } = readFolderConfig(folder, open.get(configFile)?.getText());
    publisher.setConfigProblems(configFile, problems.map(problemToDiagnostic));
    let editor: EditorSettings | undefined;
    if (client.configuration) {
      try { editor = await connection.workspace.getConfiguration({ scopeUri: toUri(folder, '.'), section: 'apiSentinel' }); } catch { editor = undefined; }
    }
    return { enabled: editor?.enable !== false, spectral: client.trusted && editor?.spectral?.enable !== false, scope: scopeOf(editor), config: mergeSettings(config, editor) };
  });

  /** A folder's `.api-sentinel.yaml`: the one at the root of the folder holding it. */
  const isConfigFile = (file: string) => path.basename(file) === CONFIG_FILE && units.folderOf(file) === path.dirname(file);

  const scheduler = new Scheduler<Config, AnalysisAnswer>({
    async prepare(id) {
      const unit = units.get(id);
      if (!unit) return undefined;
      const { enabled, config } = await settings.of(unit.root);
      return enabled ? config : undefined;
    },
    start(id, config) {
      const unit = units.get(id)!;
      started.set(id, performance.now());
      return worker.analyze(unit.root, unit.entries, config, results.get(id)?.jobId, unit.kind);
    },
    completed: (id, answer) => completed(units.get(id)!, answer),
    failed(id, reason) {
      const unit = units.get(id)!;
      log(`The analysis of ${unit.id} failed: ${reason}`);
      const before = results.get(id)?.shownFiles() ?? [];
      results.fail(unit, reason);
      publisher.publish([...before, ...unit.entries]);
      publisher.refreshReviewed(before);
    },
    skipped(id) {
      const before = results.get(id)?.shownFiles() ?? [];
      results.clear(id);
      publisher.publish(before);
      publisher.refreshReviewed(before);
    },
  });

  // between spec operations and their handlers: the folder's links are computed when a request first needs them
  const navigation = new EndpointNavigation({ open, folderOf: (file) => units.folderOf(file), config: async (folder) => (await settings.of(folder)).config });

  const publisher = new Publisher(connection, client, open, {
    units,
    results,
    idle: (unit) => scheduler.idle(unit),
    spectral: (file, version) => ruleset.diagnosticsOf(file, version),
  });

  const ruleset = new WorkspaceRuleset({
    worker: spectralWorker,
    timeoutMs: options.spectralTimeoutMs ?? 30_000,
    open,
    allowed: async (root) => (await settings.of(root)).spectral,
    log,
    warn: (message) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }),
    publish: (files) => publisher.publish(files),
  });

  /** Whether the unit's folder configuration (include/exclude) covers it. */
  async function included(unit: AnalysisUnit): Promise<boolean> {
    const config = resolveConfig((await settings.of(unit.root)).config);
    return unit.entries.some((entry) => isIncluded(relativeTo(unit.root, entry), config));
  }

  const branchReview: BranchReview = new BranchReview({
    folders: () => units.folders,
    async unitsOf(folder) {
      await discovery;
      const rooted = units.rootedAt(folder);
      const covered = await Promise.all(rooted.map(included));
      return rooted.filter((_, i) => covered[i]);
    },
    async findingsOf(unit) { await scheduler.run(unit.id); return results.get(unit.id)?.result.findings; },
    config: async (folder) => resolveConfig((await settings.of(folder)).config),
    async settings(folder) {
      if (!client.configuration) return undefined;
      try { return await connection.workspace.getConfiguration({ scopeUri: toUri(folder, '.'), section: 'apiSentinel' }); } catch { return undefined; }
    },
    openText: (file) => open.get(file)?.getText(),
    republish() {
      publisher.publish(open.entries().map(([file]) => file));
      publisher.refreshReviewed(units.all().flatMap((unit) => units.inputsOf(unit.id)));
    },
    log,
  });

  /** Keeps a job's result and publishes it; false when it is already outdated. */
  function completed(unit: AnalysisUnit, answer: AnalysisAnswer): boolean {
    const ms = Math.round(performance.now() - (started.get(unit.id) ?? performance.now()));
    lastTookMs.set(unit.id, ms);
    const stored = results.store(unit, answer);
    if (!stored) return false;
    const { analysis, previous, same } = stored;
    logAnalysis(unit, analysis, ms);
    const inputs = analysis.inputs();
    // the files it shows diagnostics in are its unit's: an edit there runs it again, publishing asks it
    const shown = analysis.shownFiles();
    units.setInputs(unit.id, shown);
    // an input edited while this ran, before this unit was known to read it: nothing ran it again
    const edited = inputs.some((file) => { const document = open.get(file); return document !== undefined && document.version !== analysis.buffers.get(file)?.version; });
    if (edited) return false;
    // the same result again only needs publishing for the buffers whose version changed
    const reported = same
      ? inputs.filter((file) => previous!.buffers.get(file)?.version !== analysis.buffers.get(file)?.version)
      : [...(previous?.shownFiles() ?? []), ...shown, ...unit.entries];
    if (reported.length > 0) publisher.publish(reported);
    // after the open files' diagnostics are written: the files it reached are pushed once the editor has those
    setImmediate(() => void publishReached(unit, reported).catch((error) => log(`Publishing failed: ${oneLine(error)}`)));
    if (!analysis.result.exact) scheduler.schedule(unit.id, confirmMs, { confirming: true });
    // Spectral is slow: not for documentation edits before they are confirmed, nor again for the same text
    else if (unit.kind === 'openapi' && (!same || !ruleset.linted(unit.id, analysis.buffers.get(unit.id)?.version))) ruleset.request(unit.root, unit.id);
    return true;
  }

  function logAnalysis(unit: AnalysisUnit, analysis: UnitAnalysis, ms: number): void {
    const { findings, problems } = analysis.result;
    const found = [plural(findings.filter((f) => !f.suppressed).length, 'finding'), ...(problems.length > 0 ? [plural(problems.length, 'problem')] : [])];
    const reviewed = unit.kind === 'routes' ? `the route code of ${relativeTo(unit.root, appOf(unit)) || '.'}` : relativeTo(unit.root, unit.id);
    log(`Reviewed ${reviewed} (${plural(analysis.result.inputs.length, 'file')}) in ${ms} ms: ${found.join(', ')}`);
  }

  /** The diagnostics scope each unit's files were last published under. */
  const publishedScope = new Map<string, DiagnosticsScope>();

  /**
   * Pushes the diagnostics of the files a unit read that are not open, as its folder's scope asks: every file of an
   * API one of whose files is open, or of every API. Otherwise what was pushed before (by a wider scope, a workspace
   * review) is brought up to date, or withdrawn when the scope just changed to this one.
   */
  async function publishReached(unit: AnalysisUnit, reported: readonly string[]): Promise<void> {
    const { scope } = await settings.of(unit.root);
    const rescoped = publishedScope.has(unit.id) && publishedScope.get(unit.id) !== scope;
    publishedScope.set(unit.id, scope);
    const read = units.inputsOf(unit.id);
    const shown = scope === 'workspace' || (scope === 'api' && read.some((file) => open.has(file)));
    const closed = (files: readonly string[]) => [...new Set(files)].filter((file) => !open.has(file));
    if (shown) {
      // each file once: those it read pushed, those it no longer reads brought up to date
      const reached = closed(read);
      const pushed = new Set(reached);
      publisher.refreshReviewed(closed(reported).filter((file) => !pushed.has(file)));
      for (const file of reached) publisher.pushReviewed(file, publisher.diagnosticsIn(file));
    } else if (rescoped) {
      for (const file of closed([...reported, ...read])) publisher.withdrawReviewed(file);
    } else {
      // what was pushed before, for files it read or no longer reads
      publisher.refreshReviewed(closed(reported));
    }
  }

  /** Forgets a unit (its document is gone, or no longer an OpenAPI document) and what it showed. */
  function removeUnit(id: string): void {
    const read = [...units.inputsOf(id)];
    const unit = units.remove(id);
    if (!unit) return;
    scheduler.remove(id);
    started.delete(id);
    lastTookMs.delete(id);
    publishedScope.delete(id);
    results.clear(id);
    const files = [...read, ...unit.entries];
    publisher.publish(files);
    publisher.refreshReviewed(files);
  }

  function analysesReading(file: string): UnitAnalysis[] {
    return units.reading(file).map((unit) => results.get(unit.id)).filter((analysis) => analysis !== undefined);
  }

  /** Finds a folder's OpenAPI documents and apps with route code. */
  async function findIn(folder: string): Promise<void> {
    const config = resolveConfig((await settings.of(folder)).config);
    const documents = await findOpenApiDocuments(folder, config);
    const named = documents.slice(0, LOGGED_NAMES).map((file) => relativeTo(folder, file));
    if (documents.length > LOGGED_NAMES) named.push(`and ${documents.length - LOGGED_NAMES} more`);
    log(`${folder}: ${plural(documents.length, 'OpenAPI document')} found${named.length > 0 ? `: ${named.join(', ')}` : ''}`);
    for (const file of documents) {
      if (units.folders.includes(folder) && !units.get(file)) units.addDocument(file);
    }
    await findRoutesIn(folder);
  }

  /**
   * Finds (again) a folder's apps with route code: an app whose package.json no longer names a route framework is
   * forgotten, one whose files changed runs again with them; open files not yet on disk stay entries.
   */
  async function findRoutesIn(folder: string): Promise<void> {
    if (!units.folders.includes(folder)) return;
    const config = resolveConfig((await settings.of(folder)).config);
    const apps = findRouteApps(folder, config);
    // the folder may have left the workspace meanwhile
    if (!units.folders.includes(folder)) return;
    for (const unit of units.rootedAt(folder)) if (unit.kind === 'routes' && !apps.has(appOf(unit))) removeUnit(unit.id);
    const documents = units.rootedAt(folder).filter((unit) => unit.kind === 'openapi').map((unit) => unit.id);
    for (const [app, entries] of apps) {
      const unsaved = open.entries().map(([file]) => file).filter((file) => isCodeFile(file) && file.startsWith(app + path.sep) && !entries.includes(file));
      const code = [...entries, ...unsaved];
      const unit = units.setRoutes(app, [...code, ...pairedDocuments(folder, code, documents, config)], folder);
      if (unit && results.get(unit.id)) scheduler.schedule(unit.id, 0);
    }
  }

  /** Reviews the documents found, one at a time, to learn which files each one reads; open ones went first. */
  async function reviewFound(): Promise<void> {
    for (const unit of units.all()) {
      if (!results.get(unit.id) && scheduler.idle(unit.id)) await scheduler.run(unit.id);
    }
  }

  /** Finds and reviews the documents of workspace folders, after those already under way. */
  function discover(folders: readonly string[]): void {
    const logged = (error: unknown) => log(`Discovery failed: ${oneLine(error)}`);
    found = found.then(async () => { for (const folder of folders) await findIn(folder); }).catch(logged);
    discovery = Promise.all([discovery, found]).then(reviewFound).catch(logged);
  }

  /** The configuration of a folder changed (its file, its buffer): read it again, and run its units again. */
  function configChanged(folder: string, delay: number): void {
    settings.forget(folder);
    // read now: its problems are published even when no unit runs
    settings.of(folder).catch(() => undefined);
    for (const unit of units.rootedAt(folder)) scheduler.schedule(unit.id, delay);
  }

  /** An open or an edit of `file`: analysed at once, or, when typed, once the edits pause. */
  function onEdit(file: string, document: TextDocument, typed: boolean): void {
    const text = document.getText();
    navigation.changed(file);
    worker.overlay(file, { version: document.version, text });
    if (isConfigFile(file)) configChanged(path.dirname(file), typed ? debounceMs : 0);
    const known = units.get(file) !== undefined;
    // route code is never an OpenAPI document, even with an `openapi:` key in an object
    const code = isCodeFile(file);
    const openApi = !code && looksLikeOpenApi(text);
    const app = code ? units.routesHolding(file) : undefined;
    // a file created in the editor joins its app
    if (app && !app.entries.includes(file)) units.setRoutes(appOf(app), [...app.entries, file], app.root);
    if (!known && openApi) units.addDocument(file);
    else if (known && !openApi) removeUnit(file);
    for (const unit of units.reading(file)) scheduler.schedule(unit.id, typed ? typingPause(unit) : 0);
  }

  /**
   * How long edits coming one after another wait for a pause before a unit runs. Route code's short pause is fixed: its
   * analysis of an edit is short. A document's is twice what the unit's last analysis took, within its bounds: a quick
   * analysis follows the typing closely, a slow one (a large spec's full review) waits until the typing pauses, and
   * typing without a pause keeps the analysis busy a third of the time at most.
   */
  function typingPause(unit: AnalysisUnit): number {
    if (unit.kind === 'routes') return routeDebounceMs;
    const last = lastTookMs.get(unit.id);
    return last === undefined ? debounceMs : Math.min(debounceMs, Math.max(shortestDebounceMs, 2 * last));
  }

  /** Waits until every unit reading `file` has a result (or a failure) for the current buffers. */
  async function settled(file: string): Promise<void> {
    await found;
    if (units.reading(file).length === 0) await discovery;
    if (isConfigFile(file)) await settings.of(path.dirname(file));
    await Promise.all(units.reading(file).map((unit) => scheduler.settled(unit.id)));
  }

  /** A unit's document changed on disk (not open): gone, or no longer an OpenAPI document, it is forgotten. */
  async function changedOnDisk(file: string, type: FileChangeType): Promise<void> {
    const unit = units.get(file);
    if (!unit) return;
    const gone = type === FileChangeType.Deleted
      || !isOpenApiFile(file, unit.root, resolveConfig((await settings.of(unit.root)).config).maxFileSize);
    // opened meanwhile: its buffer decides
    if (gone && !open.has(file)) removeUnit(file);
  }

  async function foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    for (const removed of event.removed) {
      const folder = pathOf(removed.uri);
      if (!folder) continue;
      for (const unit of units.rootedAt(folder)) removeUnit(unit.id);
      units.removeFolder(folder);
      settings.forget(folder);
      publisher.forgetFolder(folder);
      ruleset.forgetFolder(folder);
      navigation.forgetFolder(folder);
      // documents still open there are analysed on their own
      for (const [file, document] of open.entries()) {
        if (!file.startsWith(folder + path.sep) || units.get(file) || isCodeFile(file) || !looksLikeOpenApi(document.getText())) continue;
        units.addDocument(file);
        scheduler.schedule(file, 0);
      }
    }
    const added = event.added.map((f) => pathOf(f.uri)).filter((folder) => folder !== undefined);
    for (const folder of added) {
      // documents already known there now have it as their root
      for (const unit of units.addFolder(folder)) {
        results.clear(unit.id);
        scheduler.schedule(unit.id, 0);
      }
    }
    discover(added);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    client.pull = !!caps.textDocument?.diagnostic;
    client.refresh = !!caps.workspace?.diagnostics?.refreshSupport;
    client.configuration = !!caps.workspace?.configuration;
    client.workspaceFolders = !!caps.workspace?.workspaceFolders;
    const init = params.initializationOptions as { trusted?: boolean; askReason?: boolean } | undefined;
    client.trusted = init?.trusted !== false;
    // the VS Code extension asks for the reason a suggestion writes; other clients get the plain edit
    client.askReason = init?.askReason === true;
    const folders = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((folder) => folder !== undefined);
    const root = params.rootUri ? pathOf(params.rootUri) : undefined;
    if (folders.length === 0 && root) folders.push(root);
    for (const folder of folders) units.addFolder(folder);
    log(`API Sentinel ${TOOL_VERSION} language server started (Node ${process.versions.node}) for ${folders.join(', ') || 'no folder'}${client.trusted ? '' : ' in Restricted Mode: no workspace code runs'}`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        implementationProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        ...(client.pull ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'API Sentinel', version: TOOL_VERSION },
    };
  });

  connection.onInitialized(guard('initialized', undefined, () => {
    if (client.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'apiSentinel' });
    if (client.workspaceFolders) connection.workspace.onDidChangeWorkspaceFolders(guard('workspace/didChangeWorkspaceFolders', undefined, foldersChanged));
    discover(units.folders);
    void guard('branch review settings', undefined, () => branchReview.settingsChanged())();
  }));

  /** TextDocuments reports an open as a change too; the open handler covers it. */
  const opening = new Set<string>();
  documents.onDidOpen(guard('textDocument/didOpen', undefined, (e) => {
    const file = pathOf(e.document.uri);
    if (!file) return; // no file (untitled:, ...): nothing to analyse
    opening.add(e.document.uri);
    open.open(file, e.document);
    publisher.opened(file);
    // reviewed at once, before the rest of the workspace
    onEdit(file, e.document, false);
    // a file no unit reads gets its (empty) diagnostics once the workspace review is done: one may read it
    if (units.reading(file).length === 0) {
      void discovery.then(guard('publish', undefined, () => { if (units.reading(file).length === 0) publisher.publish([file]); }));
    }
  }));
  documents.onDidChangeContent(guard('textDocument/didChange', undefined, (e) => {
    const file = pathOf(e.document.uri);
    if (!file || opening.delete(e.document.uri)) return;
    onEdit(file, e.document, true);
  }));
  documents.onDidClose(guard('textDocument/didClose', undefined, (e) => {
    const file = pathOf(e.document.uri);
    if (!file) return;
    open.close(file);
    worker.overlay(file, undefined);
    publisher.closed(file);
    // back to the disk's text
    if (isConfigFile(file)) configChanged(path.dirname(file), 0);
    // a route file written only in the editor leaves its app with its buffer (one byte read: it exists or not)
    const app = isCodeFile(file) ? units.routesHolding(file) : undefined;
    const read = app?.entries.includes(file) ? readTextFile(file, app.root, 1) : undefined;
    if (app && typeof read === 'object' && read.code === 'file-missing') {
      units.setRoutes(appOf(app), app.entries.filter((entry) => entry !== file), app.root);
    }
    for (const unit of units.reading(file)) scheduler.schedule(unit.id, 0);
  }));
  documents.onDidSave(guard('textDocument/didSave', undefined, (e) => {
    const file = pathOf(e.document.uri);
    if (!file) return;
    for (const unit of units.reading(file)) ruleset.request(unit.root, unit.id);
  }));

  connection.languages.diagnostics.on(guard('textDocument/diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async (params) => {
    const file = pathOf(params.textDocument.uri);
    if (!file) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    await settled(file);
    return { kind: DocumentDiagnosticReportKind.Full, items: withinLimit(publisher.diagnosticsIn(file)) };
  }));

  connection.onHover(guard('textDocument/hover', undefined, async (params) => {
    const file = pathOf(params.textDocument.uri);
    if (file === undefined) return undefined;
    const analyses = analysesReading(file);
    return joinHovers(routeHoverAt(file, params.position, analyses, open), hoverAt(file, params.position, analyses, open),
      await navigation.hover(file, params.position));
  }));

  connection.onImplementation(guard('textDocument/implementation', [], (params) => {
    const file = pathOf(params.textDocument.uri);
    return file === undefined ? [] : navigation.implementation(file, params.position);
  }));

  connection.onDefinition(guard('textDocument/definition', [], (params) => {
    const file = pathOf(params.textDocument.uri);
    return file === undefined ? [] : navigation.definition(file, params.position);
  }));

  connection.onCodeAction(guard('textDocument/codeAction', [], async (params) => {
    const file = pathOf(params.textDocument.uri);
    if (file === undefined) return [];
    // fix-all runs on save, right after the last keystrokes: it waits for their analysis, so that one save fixes all
    if (params.context.only?.some((kind) => kind !== '' && FIX_ALL_KIND.startsWith(kind))) await settled(file);
    return codeActionsFor(file, units.folderOf(file), params, analysesReading(file), open, (analysis, keys) => worker.fixes(analysis.jobId, keys), client.askReason);
  }));

  connection.onDidChangeConfiguration(guard('workspace/didChangeConfiguration', undefined, () => {
    settings.forget();
    void guard('branch review settings', undefined, () => branchReview.settingsChanged())();
    for (const folder of new Set([...units.folders, ...units.all().map((unit) => unit.root)])) configChanged(folder, 0);
  }));

  connection.onDidChangeWatchedFiles(guard('workspace/didChangeWatchedFiles', undefined, async (params) => {
    // the folders where an app appears, goes, or gains or loses a file: searched once each, after the batch
    const appsChanged = new Set<string>();
    const readers = new Set<string>();
    for (const change of params.changes) {
      const file = pathOf(change.uri);
      if (!file) continue;
      if (path.basename(file) === 'package.json' || (isCodeFile(file) && change.type !== FileChangeType.Changed)) appsChanged.add(units.folderOf(file));
      worker.diskChanged(file);
      // an open buffer wins over the disk
      if (open.has(file)) continue;
      navigation.changed(file);
      if (isConfigFile(file)) { configChanged(path.dirname(file), 0); continue; }
      for (const unit of units.reading(file)) readers.add(unit.id);
      const document = units.get(file)?.kind === 'openapi';
      await changedOnDisk(file, change.type);
      // a document gone is compared with the apps of its folder no more
      if (document && !units.get(file)) appsChanged.add(units.folderOf(file));
    }
    for (const folder of appsChanged) await findRoutesIn(folder);
    // once the units follow the disk: run before, an app's analysis would still read a document gone, as a problem
    for (const id of readers) if (units.get(id)) scheduler.schedule(id, 0);
  }));

  /** Reviews every OpenAPI document of the workspace; diagnostics of files not open are pushed. */
  connection.onRequest('apiSentinel/reviewWorkspace', guard('apiSentinel/reviewWorkspace', { documents: 0, total: 0, files: 0, findings: 0, cancelled: false },
    (_params: unknown, token) => reviewWorkspace({
      units,
      discovered: () => discovery,
      included,
      run: (unit) => scheduler.run(unit),
      diagnosticsIn: (file) => publisher.diagnosticsIn(file),
      pushReviewed: (file, diagnostics) => publisher.pushReviewed(file, diagnostics),
      progress: (done, total) => void connection.sendNotification('apiSentinel/progress', { done, total }),
    }, token)));

  /** The routes of the workspace's apps, with their protection, from the last analyses (each app analysed first). */
  connection.onRequest('apiSentinel/routes', guard('apiSentinel/routes', { routes: [] }, async () => {
    await discovery;
    const apps = units.all().filter((unit) => unit.kind === 'routes');
    await Promise.all(apps.map((unit) => scheduler.run(unit.id)));
    return { routes: listRoutes(apps.map((unit) => results.get(unit.id)).filter((analysis) => analysis !== undefined)) };
  }));

  /** The findings the checked-out branch adds and fixes, compared with its base. */
  connection.onRequest('apiSentinel/reviewBranch', guard('apiSentinel/reviewBranch', new ResponseError(ErrorCodes.InternalError, 'the branch review failed: see the API Sentinel output'),
    (params: BranchReviewParams | undefined) => branchReview.review(params ?? {})));

  connection.onShutdown(guard('shutdown', undefined, async () => { await Promise.all([worker.dispose(), spectralWorker.dispose()]); }));

  documents.listen(connection);
  connection.listen();
}

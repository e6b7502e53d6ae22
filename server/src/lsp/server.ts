/**
 * The language server: a thin adapter over the engine. Open buffers win over disk; analysis runs in a worker,
 * debounced and cancelled when superseded; results are kept per document version; an edit in a referenced file
 * re-checks the documents that reference it and nothing else.
 */
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import {
  type Connection, type Diagnostic, DiagnosticSeverity, DidChangeConfigurationNotification, type InitializeParams,
  type InitializeResult, TextDocuments, TextDocumentSyncKind, type CodeAction, CodeActionKind, DocumentDiagnosticReportKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { looksLikeOpenApi } from '../engine/analyze';
import { resolveConfig, isIncluded } from '../engine/config';
import type { AnalysisResult, Finding, Position } from '../engine/types';
import { discoverFiles } from '../cli/discover';
import { AnalysisWorker, type Job } from './worker-client';
import { FIX_ALL_KIND, SOURCE, findingToDiagnostic, fixAllAction, fixToCodeAction, hoverFor, problemToDiagnostic, toPath, toUri, type DiagnosticData } from './convert';
import { mergeSettings, readFolderConfig, type EditorSettings, type FolderSettings } from './settings';
import { findRuleset } from './spectral-files';

export interface ServerOptions {
  /** Milliseconds of quiet after an edit before analysing. */
  debounceMs?: number;
  workerScript?: string;
}

interface DocumentState {
  /** The workspace folder (project root) of this OpenAPI document. */
  folder: string;
  result?: AnalysisResult;
  /** Versions of the open buffers the result was computed from. */
  versions: Map<string, number>;
  timer?: NodeJS.Timeout;
  job?: Job<AnalysisResult | null>;
  /** Resolved when a result for the latest edit is stored. */
  waiters: (() => void)[];
}

/** LSP clamps a character past the end of its line to the line's end. */
const END_OF_LINE = 10_000;

const contains = (r: { start: Position; end: Position }, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 150;
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.log(message);
  let worker: AnalysisWorker | undefined;
  let folders: string[] = [];
  let pull = false;
  let configurationPull = false;
  let trusted = true;
  const states = new Map<string, DocumentState>();
  /** file -> OpenAPI documents whose review read it */
  const dependents = new Map<string, Set<string>>();
  const settings = new Map<string, Promise<FolderSettings>>();
  const spectral = new Map<string, Diagnostic[]>();
  const workspaceReview = new Map<string, Diagnostic[]>();
  let discovery: Promise<void> = Promise.resolve();

  const folderOf = (file: string) =>
    folders.filter((f) => file === f || file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);

  function folderSettings(folder: string): Promise<FolderSettings> {
    let pending = settings.get(folder);
    if (!pending) {
      pending = (async () => {
        const { config, problems } = readFolderConfig(folder);
        let editor: EditorSettings | undefined;
        if (configurationPull) {
          try { editor = await connection.workspace.getConfiguration({ scopeUri: toUri(folder, '.'), section: 'apiSentinel' }); } catch { editor = undefined; }
        }
        for (const p of problems) log(`${p.file}:${(p.range?.start.line ?? 0) + 1}: ${p.message}`);
        return { enabled: editor?.enable !== false, spectral: trusted && editor?.spectral?.enable !== false, config: mergeSettings(config, editor), problems };
      })();
      settings.set(folder, pending);
    }
    return pending;
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    pull = !!caps.textDocument?.diagnostic;
    configurationPull = !!caps.workspace?.configuration;
    const init = (params.initializationOptions ?? {}) as { trusted?: boolean };
    trusted = init.trusted !== false;
    folders = (params.workspaceFolders ?? []).map((f) => toPath(f.uri));
    if (folders.length === 0 && params.rootUri) folders = [toPath(params.rootUri)];
    worker = new AnalysisWorker(options.workerScript, log);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        ...(pull ? { diagnosticProvider: { identifier: SOURCE, interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'API Sentinel' },
    };
  });

  connection.onInitialized(() => {
    if (configurationPull) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'apiSentinel' });
    discovery = discover();
  });

  /** Finds the workspace's OpenAPI documents and reviews them once, to learn which files each one references. */
  async function discover(): Promise<void> {
    for (const folder of folders) {
      const config = resolveConfig((await folderSettings(folder)).config);
      let files: string[] = [];
      try { files = discoverFiles([folder], folder, config).files; } catch { continue; }
      for (const file of files) {
        if (states.has(file)) continue;
        let head = '';
        try {
          const handle = await fsp.open(file, 'r');
          try { const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0); head = buffer.toString('utf8', 0, bytesRead); } finally { await handle.close(); }
        } catch { continue; }
        if (looksLikeOpenApi(head)) states.set(file, { folder, versions: new Map(), waiters: [] });
      }
    }
    await Promise.all([...states.keys()].map((doc) => run(doc)));
  }

  function openVersions(): Map<string, number> {
    const versions = new Map<string, number>();
    for (const d of documents.all()) versions.set(toPath(d.uri), d.version);
    return versions;
  }

  /** Reviews one OpenAPI document now (superseding a running review of it). */
  async function run(doc: string): Promise<void> {
    const state = states.get(doc);
    if (!state || !worker) return;
    state.job?.cancel();
    const { config, enabled } = await folderSettings(state.folder);
    if (!enabled) { state.result = undefined; resolveWaiters(state); return; }
    const versions = openVersions();
    const job = worker.analyze(state.folder, [doc], config);
    state.job = job;
    const result = await job.promise;
    if (state.job !== job || result === null) return; // superseded: the newer run resolves the waiters
    state.job = undefined;
    const before = new Set(inputsOf(state));
    state.result = result;
    state.versions = versions;
    for (const file of inputsOf(state)) {
      let set = dependents.get(file);
      if (!set) dependents.set(file, (set = new Set()));
      set.add(doc);
    }
    resolveWaiters(state);
    publish(new Set([...before, ...inputsOf(state)]));
    if (trusted) void runSpectral(state.folder, doc);
  }

  function resolveWaiters(state: DocumentState): void {
    const waiters = state.waiters;
    state.waiters = [];
    for (const w of waiters) w();
  }

  function inputsOf(state: DocumentState): string[] {
    return (state.result?.inputs ?? []).map((rel) => path.resolve(state.folder, rel));
  }

  function schedule(doc: string, delay: number): void {
    const state = states.get(doc);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.job?.cancel();
    state.timer = setTimeout(() => { state.timer = undefined; void run(doc); }, delay);
  }

  /** The OpenAPI documents whose findings depend on `file`. */
  function documentsReading(file: string): string[] {
    const found = new Set(dependents.get(file) ?? []);
    if (states.has(file)) found.add(file);
    return [...found];
  }

  function onEdit(document: TextDocument, delay: number): void {
    const file = toPath(document.uri);
    const text = document.getText();
    worker?.overlay(file, text);
    if (!states.has(file) && looksLikeOpenApi(text)) {
      const folder = folderOf(file);
      states.set(file, { folder, versions: new Map(), waiters: [] });
    }
    for (const doc of documentsReading(file)) schedule(doc, delay);
  }

  /** TextDocuments reports an open as a change too; the open handler covers it. */
  const opening = new Set<string>();
  documents.onDidOpen((e) => {
    opening.add(e.document.uri);
    const file = toPath(e.document.uri);
    // an open buffer takes over from a workspace review's pushed diagnostics
    if (workspaceReview.has(file) && pull) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    void discovery.then(() => {
      onEdit(e.document, 0);
      if (documentsReading(file).length === 0) publish(new Set([file]));
    });
  });
  documents.onDidChangeContent((e) => {
    if (opening.delete(e.document.uri)) return;
    onEdit(e.document, debounceMs);
  });
  documents.onDidClose((e) => {
    const file = toPath(e.document.uri);
    worker?.overlay(file, null);
    // back to the disk's text
    for (const doc of documentsReading(file)) schedule(doc, 0);
    if (!pull) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: workspaceReview.get(file) ?? [] });
    else if (workspaceReview.has(file)) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: workspaceReview.get(file)! });
  });
  documents.onDidSave((e) => {
    const file = toPath(e.document.uri);
    for (const doc of documentsReading(file)) if (trusted) void runSpectral(states.get(doc)!.folder, doc);
  });

  /** Every finding and problem in `file`, from every document that read it. */
  function findingsIn(file: string): { findings: Finding[]; diagnostics: Diagnostic[] } {
    const findings: Finding[] = [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const doc of documentsReading(file)) {
      const state = states.get(doc)!;
      const result = state.result;
      if (!result) continue;
      const rel = path.relative(state.folder, file).split(path.sep).join('/');
      for (const f of result.findings) {
        if (f.file !== rel || f.suppressed) continue;
        const key = `${f.ruleId}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(f);
        diagnostics.push(findingToDiagnostic(f, state.folder));
      }
      for (const p of result.problems) {
        if (p.file !== rel) continue;
        const key = `${p.code}|${p.range?.start.line}|${p.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        diagnostics.push(problemToDiagnostic(p));
      }
    }
    diagnostics.push(...(spectral.get(file) ?? []));
    return { findings, diagnostics };
  }

  function publish(files: Set<string>): void {
    if (pull) { connection.languages.diagnostics.refresh(); return; }
    for (const document of documents.all()) {
      const file = toPath(document.uri);
      if (files.has(file)) connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: findingsIn(file).diagnostics });
    }
  }

  /** Waits until every document reading `file` has a result for the current buffers. */
  async function settled(file: string): Promise<void> {
    await discovery;
    await Promise.all(documentsReading(file).map((doc) => {
      const state = states.get(doc)!;
      if (!state.timer && !state.job && state.result) return undefined;
      return new Promise<void>((resolve) => state.waiters.push(resolve));
    }));
  }

  connection.languages.diagnostics.on(async (params) => {
    const file = toPath(params.textDocument.uri);
    await settled(file);
    return { kind: DocumentDiagnosticReportKind.Full, items: findingsIn(file).diagnostics };
  });

  connection.onHover((params) => {
    const { findings } = findingsIn(toPath(params.textDocument.uri));
    return hoverFor(findings.filter((f) => contains(f.range, params.position)));
  });

  connection.onCodeAction((params) => {
    const file = toPath(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    const { findings } = findingsIn(file);
    const stale = documentsReading(file).some((doc) => {
      const used = states.get(doc)!.versions.get(file);
      return document !== undefined && used !== undefined && used !== document.version;
    });
    if (stale) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    const root = folderOf(file);
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
      for (const diagnostic of params.context.diagnostics) {
        const data = diagnostic.data as DiagnosticData | undefined;
        if (diagnostic.source !== SOURCE || !data) continue;
        const finding = findings.find((f) => f.ruleId === data.ruleId && f.file === data.file && f.path.join('\0') === data.path.join('\0'));
        for (const fix of finding?.fixes ?? []) actions.push(fixToCodeAction(root, fix, diagnostic));
      }
    }
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== '')) {
      const all = fixAllAction(root, findings.flatMap((f) => f.fixes));
      if (all) actions.push(all);
    }
    return actions;
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    for (const doc of states.keys()) schedule(doc, 0);
  });
  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      const file = toPath(change.uri);
      if (path.basename(file) === '.api-sentinel.yaml') { settings.clear(); for (const doc of states.keys()) schedule(doc, 0); continue; }
      if (!documents.get(change.uri)) for (const doc of documentsReading(file)) schedule(doc, 0);
    }
  });

  async function runSpectral(folder: string, doc: string): Promise<void> {
    const ruleset = findRuleset(folder);
    if (!ruleset || !worker || !(await folderSettings(folder)).spectral) return;
    const { diagnostics, error } = await worker.spectral(folder, ruleset, [doc]);
    if (error) log(error);
    const byFile = new Map<string, Diagnostic[]>();
    byFile.set(doc, []);
    for (const d of diagnostics) {
      const list = byFile.get(d.path) ?? [];
      // Spectral marks a whole object for a missing field: keep its first line, as our own findings do
      const range = d.range.end.line > d.range.start.line ? { start: d.range.start, end: { line: d.range.start.line, character: END_OF_LINE } } : d.range;
      list.push({ range, severity: (d.severity + 1) as DiagnosticSeverity, code: d.code, source: `spectral (${path.basename(ruleset)})`, message: d.message });
      byFile.set(d.path, list);
    }
    for (const [file, list] of byFile) spectral.set(file, list);
    publish(new Set(byFile.keys()));
  }

  /** Reviews every OpenAPI document of the workspace; diagnostics of files not open are pushed. */
  connection.onRequest('apiSentinel/reviewWorkspace', async (_params, token) => {
    await discovery;
    let done = 0;
    const docs = [...states.keys()].filter((doc) => isIncluded(path.relative(states.get(doc)!.folder, doc), resolveConfig({})));
    for (const doc of docs) {
      if (token.isCancellationRequested) break;
      await run(doc);
      done++;
      void connection.sendNotification('apiSentinel/progress', { done, total: docs.length });
    }
    const files = new Set(docs.flatMap((doc) => inputsOf(states.get(doc)!)));
    let count = 0;
    for (const file of files) {
      const diagnostics = findingsIn(file).diagnostics;
      count += diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
      workspaceReview.set(file, diagnostics);
      if (!documents.get(toUri(file, '.')) || !pull) connection.sendDiagnostics({ uri: toUri(file, '.'), diagnostics });
    }
    return { documents: done, files: files.size, findings: count, cancelled: token.isCancellationRequested };
  });

  connection.onShutdown(async () => { await worker?.dispose(); });

  documents.listen(connection);
  connection.listen();
}

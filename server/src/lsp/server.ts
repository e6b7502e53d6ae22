/**
 * The language server: a thin adapter over the engine. Open buffers win over disk; analysis runs in a worker,
 * debounced and cancelled when superseded; results are kept per document with the buffer versions they were computed
 * from, and published only for the version they describe; an edit in a referenced file re-checks the documents that
 * reference it and nothing else. Hovers and code actions never wait for an analysis: they answer from the last
 * result, moved to the current text where the edits since allow.
 */
import * as path from 'node:path';
import {
  type Connection, type Diagnostic, DiagnosticSeverity, DidChangeConfigurationNotification, type InitializeParams,
  type InitializeResult, TextDocuments, TextDocumentSyncKind, type CodeAction, CodeActionKind, DocumentDiagnosticReportKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { looksLikeOpenApi, resolveConfig, isIncluded, LineIndex, TextShift, type Fix, type Position, type Range } from '../engine';
import { discoverFiles } from '../workspace/discover';
import { readTextPrefix } from '../workspace/files';
import { AnalysisWorker, type Job } from './worker-client';
import { FIX_ALL_KIND, SOURCE, findingToDiagnostic, fixAllAction, fixToCodeAction, hoverFor, problemToDiagnostic, toPath, toUri, type DiagnosticData } from './convert';
import { mergeSettings, readFolderConfig, type EditorSettings, type FolderSettings } from './settings';
import { findRuleset } from './spectral-files';
import type { SentAnswer, SentChange, SentFinding, SentResult } from './protocol';

export interface ServerOptions {
  /** Milliseconds of quiet after an edit before analysing. */
  debounceMs?: number;
  /** Milliseconds of quiet after a quick result (moved, not re-checked) before the full review that confirms it. */
  confirmMs?: number;
  workerScript?: string;
}

/** The text and version of an open buffer. */
interface Buffer { version: number; text: string }

/** What one analysis says about one file. */
interface FileReport {
  /** Its findings, suppressed ones left out. */
  findings: SentFinding[];
  /** Converted on first use. */
  diagnostics?: Diagnostic[];
  problems: SentResult['problems'];
}

/** One analysis of a document, as the server keeps it. */
interface Analysis {
  /** The worker's job that computed it: the worker answers the next job relative to it. */
  id: number;
  result: SentResult;
  /** The open buffers it was computed from. */
  buffers: Map<string, Buffer>;
  /** Findings and problems by absolute file, grouped on first use. */
  files?: Map<string, FileReport>;
  /** Line tables of the buffers' texts, and moves from them to the current texts, made on first use. */
  lines: Map<string, LineIndex>;
  shifts: Map<string, { version: number; shift: Shift }>;
}

interface DocumentState {
  /** The workspace folder (project root) of this OpenAPI document. */
  folder: string;
  analysis?: Analysis;
  timer?: NodeJS.Timeout;
  job?: Job<SentAnswer | null>;
  /** The pending timer or job only confirms a quick result: the analysis is current. */
  confirming: boolean;
  /** Resolved when a result for the latest edit is stored. */
  waiters: (() => void)[];
}

/** Moves ranges of an analysed text to the current text; undefined for a range the edits since may have moved. */
interface Shift { range(range: Range): Range | undefined }
const UNMOVED: Shift = { range: (range) => range };

/** LSP clamps a character past the end of its line to the line's end. */
const END_OF_LINE = 10_000;

const contains = (r: { start: Position; end: Position }, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

const samePath = (a: (string | number)[], b: (string | number)[]) => a.length === b.length && a.every((segment, i) => segment === b[i]);

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 150;
  const confirmMs = options.confirmMs ?? 1000;
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.log(message);
  let worker: AnalysisWorker | undefined;
  let folders: string[] = [];
  let pull = false;
  let configurationPull = false;
  let trusted = true;
  const states = new Map<string, DocumentState>();
  /** Open buffers by path (clients spell URIs their own way). */
  const opened = new Map<string, TextDocument>();
  /** file -> OpenAPI documents whose review read it */
  const dependents = new Map<string, Set<string>>();
  const settings = new Map<string, Promise<FolderSettings>>();
  /** Spectral's diagnostics per file, with the buffer version they were computed from (undefined: the disk's text). */
  const spectral = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  const workspaceReview = new Map<string, Diagnostic[]>();
  /** The last diagnostics pushed per URI: the same list for the same version is not sent again. */
  const pushed = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** Diagnostics by finding: a quick result keeps the findings an edit did not move, and their diagnostics. */
  const converted = new WeakMap<SentFinding, Diagnostic>();
  /** Line tables of the open buffers, per URI and version. */
  const bufferLines = new Map<string, { version: number; lines: LineIndex }>();
  /** The workspace's OpenAPI documents are known (found), and reviewed once (discovery). */
  let found: Promise<void> = Promise.resolve();
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
    found = findDocuments();
    discovery = found.then(reviewFound);
  });

  /** Finds the workspace's OpenAPI documents (the whole text is searched: sorted keys put `openapi` far down). */
  async function findDocuments(): Promise<void> {
    for (const folder of folders) {
      const config = resolveConfig((await folderSettings(folder)).config);
      const files = discoverFiles([folder], folder, config).files;
      for (const file of files) {
        if (states.has(file)) continue;
        // a larger file is still recognised by its beginning: its review reports that it is too large
        const text = readTextPrefix(file, folder, config.maxFileSize);
        if (typeof text !== 'string') continue;
        if (!states.has(file) && looksLikeOpenApi(text)) states.set(file, { folder, confirming: false, waiters: [] });
      }
    }
  }

  /** Reviews the documents found, one at a time, to learn which files each one reads; open ones went first. */
  async function reviewFound(): Promise<void> {
    for (const [doc, state] of [...states]) {
      if (!state.analysis && !state.timer && !state.job) await run(doc);
    }
  }

  function openBuffers(): Map<string, Buffer> {
    const buffers = new Map<string, Buffer>();
    for (const d of documents.all()) buffers.set(toPath(d.uri), { version: d.version, text: d.getText() });
    return buffers;
  }

  /** Reviews one OpenAPI document now (superseding a running review of it). */
  async function run(doc: string): Promise<void> {
    const state = states.get(doc);
    if (!state || !worker) return;
    state.job?.cancel();
    const { config, enabled } = await folderSettings(state.folder);
    if (!enabled) { state.analysis = undefined; state.job = undefined; resolveWaiters(state); return; }
    const buffers = openBuffers();
    const job = worker.analyze(state.folder, [doc], config, state.analysis?.id);
    state.job = job;
    const outcome = await job.promise;
    if (state.job !== job) return; // superseded: the newer run resolves the waiters
    state.job = undefined;
    if (outcome === null) return; // cancelled (a newer run is scheduled) or failed (logged)
    const previous = state.analysis;
    const same = 'same' in outcome;
    // an answer relative to the result held when asking needs that result (a disabled folder drops it)
    const base = same ? outcome.same : 'base' in outcome ? outcome.base : undefined;
    if (base !== undefined && previous?.id !== base) { schedule(doc, 0); return; }
    const before = inputsOf(state);
    // the same result was computed from the same texts: its groups and line tables stay valid
    state.analysis = same
      ? { ...previous!, id: job.id, buffers, result: { ...previous!.result, exact: outcome.exact } }
      : { id: job.id, result: 'base' in outcome ? changed(previous!.result, outcome) : outcome, buffers, lines: new Map(), shifts: new Map() };
    const inputs = inputsOf(state);
    for (const file of inputs) {
      let set = dependents.get(file);
      if (!set) dependents.set(file, (set = new Set()));
      set.add(doc);
    }
    // an input edited while this ran, before this document was known to read it: nothing rescheduled it
    const edited = inputs.some((file) => { const open = opened.get(file); return open !== undefined && open.version !== buffers.get(file)?.version; });
    if (edited && !state.timer) { schedule(doc, 0); return; }
    resolveWaiters(state);
    // the same result again only needs publishing for the buffers whose version changed
    const reported = same ? inputs.filter((file) => previous!.buffers.get(file)?.version !== buffers.get(file)?.version) : [...before, ...inputs];
    if (reported.length > 0) publish(new Set(reported));
    if (!state.analysis.result.exact) schedule(doc, confirmMs, true);
    // Spectral is slow: not for documentation edits before they are confirmed, nor again for the same text
    else if (trusted && (!same || spectral.get(doc)?.version !== buffers.get(doc)?.version)) void runSpectral(state.folder, doc);
  }

  /** A result rebuilt from the one the server held and the change. */
  function changed(base: SentResult, change: SentChange): SentResult {
    const findings = change.findings.map((f) => (typeof f === 'number' ? base.findings[f] : f));
    return { ...base, findings, problems: change.problems, exact: change.exact };
  }

  function resolveWaiters(state: DocumentState): void {
    const waiters = state.waiters;
    state.waiters = [];
    for (const w of waiters) w();
  }

  function inputsOf(state: DocumentState): string[] {
    return (state.analysis?.result.inputs ?? []).map((rel) => path.resolve(state.folder, rel));
  }

  function schedule(doc: string, delay: number, confirming = false): void {
    const state = states.get(doc);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.job?.cancel();
    state.confirming = confirming;
    state.timer = setTimeout(() => { state.timer = undefined; void run(doc); }, delay);
  }

  /** The OpenAPI documents whose findings depend on `file`. */
  function documentsReading(file: string): string[] {
    const reading = new Set(dependents.get(file) ?? []);
    if (states.has(file)) reading.add(file);
    return [...reading];
  }

  function onEdit(document: TextDocument, delay: number): void {
    const file = toPath(document.uri);
    const text = document.getText();
    worker?.overlay(file, text);
    if (!states.has(file) && looksLikeOpenApi(text)) states.set(file, { folder: folderOf(file), confirming: false, waiters: [] });
    for (const doc of documentsReading(file)) schedule(doc, delay);
  }

  /** TextDocuments reports an open as a change too; the open handler covers it. */
  const opening = new Set<string>();
  documents.onDidOpen((e) => {
    opening.add(e.document.uri);
    const file = toPath(e.document.uri);
    opened.set(file, e.document);
    // an open buffer takes over from a workspace review's pushed diagnostics
    if (workspaceReview.has(file) && pull) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // reviewed at once, before the rest of the workspace
    onEdit(e.document, 0);
    // a file no document reads gets its (empty) diagnostics once the workspace review is done: one may read it
    if (documentsReading(file).length === 0) void discovery.then(() => { if (documentsReading(file).length === 0) publish(new Set([file])); });
  });
  documents.onDidChangeContent((e) => {
    if (opening.delete(e.document.uri)) return;
    onEdit(e.document, debounceMs);
  });
  documents.onDidClose((e) => {
    const file = toPath(e.document.uri);
    opened.delete(file);
    pushed.delete(e.document.uri);
    bufferLines.delete(e.document.uri);
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

  /** What a document's analysis says about `file`, grouped once per analysis. */
  function reportOf(state: DocumentState, file: string): FileReport | undefined {
    const analysis = state.analysis;
    if (!analysis) return undefined;
    if (!analysis.files) {
      const files = new Map<string, FileReport>();
      const group = (rel: string) => {
        const abs = path.resolve(state.folder, rel);
        let report = files.get(abs);
        if (!report) files.set(abs, (report = { findings: [], problems: [] }));
        return report;
      };
      for (const f of analysis.result.findings) if (!f.suppressed) group(f.file).findings.push(f);
      for (const p of analysis.result.problems) group(p.file).problems.push(p);
      analysis.files = files;
    }
    return analysis.files.get(file);
  }

  function diagnosticsOf(state: DocumentState, file: string): Diagnostic[] {
    const report = reportOf(state, file);
    if (!report) return [];
    report.diagnostics ??= [...report.findings.map((f) => diagnosticOf(f, state.folder)), ...report.problems.map(problemToDiagnostic)];
    return report.diagnostics;
  }

  function diagnosticOf(finding: SentFinding, folder: string): Diagnostic {
    let diagnostic = converted.get(finding);
    if (!diagnostic) converted.set(finding, (diagnostic = findingToDiagnostic(finding, folder)));
    return diagnostic;
  }

  /** Every diagnostic of `file`: from every document that read it, and Spectral's when they describe the current text. */
  function diagnosticsIn(file: string): Diagnostic[] {
    const lists = documentsReading(file).map((doc) => diagnosticsOf(states.get(doc)!, file)).filter((list) => list.length > 0);
    const fromSpectral = spectral.get(file);
    const current = fromSpectral && fromSpectral.version === opened.get(file)?.version ? fromSpectral.diagnostics : [];
    if (lists.length <= 1 && current.length === 0) return lists[0] ?? [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const d of lists.flat()) {
      const key = `${d.code}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
      if (!seen.has(key)) { seen.add(key); diagnostics.push(d); }
    }
    return [...diagnostics, ...current];
  }

  /** Whether every analysis reading `file` saw its open buffer at `version`: an older one is not published. */
  function upToDate(file: string, version: number): boolean {
    return documentsReading(file).every((doc) => {
      const state = states.get(doc)!;
      return state.analysis ? state.analysis.buffers.get(file)?.version === version : !state.timer && !state.job;
    });
  }

  function publish(files: Set<string>): void {
    if (pull) { connection.languages.diagnostics.refresh(); return; }
    for (const document of documents.all()) {
      const file = toPath(document.uri);
      if (!files.has(file) || !upToDate(file, document.version)) continue;
      const diagnostics = diagnosticsIn(file);
      const last = pushed.get(document.uri);
      if (last && last.version === document.version && last.diagnostics === diagnostics) continue;
      pushed.set(document.uri, { version: document.version, diagnostics });
      connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
    }
  }

  /** Waits until every document reading `file` has a result for the current buffers. */
  async function settled(file: string): Promise<void> {
    await found;
    if (documentsReading(file).length === 0) await discovery;
    await Promise.all(documentsReading(file).map((doc) => {
      const state = states.get(doc)!;
      if (state.analysis && (state.confirming || (!state.timer && !state.job))) return undefined;
      return new Promise<void>((resolve) => state.waiters.push(resolve));
    }));
  }

  connection.languages.diagnostics.on(async (params) => {
    const file = toPath(params.textDocument.uri);
    await settled(file);
    return { kind: DocumentDiagnosticReportKind.Full, items: diagnosticsIn(file) };
  });

  function linesOf(document: TextDocument): LineIndex {
    const known = bufferLines.get(document.uri);
    if (known && known.version === document.version) return known.lines;
    const lines = new LineIndex(document.getText());
    bufferLines.set(document.uri, { version: document.version, lines });
    return lines;
  }

  /**
   * How ranges of a document's analysis move to the current text of `file`; undefined when the analysis read the
   * disk's text while the file is open now.
   */
  function shiftOf(state: DocumentState, file: string): Shift | undefined {
    const analysis = state.analysis!;
    const document = opened.get(file);
    if (!document) return UNMOVED;
    const buffer = analysis.buffers.get(file);
    if (!buffer) return undefined;
    if (buffer.version === document.version) return UNMOVED;
    const known = analysis.shifts.get(file);
    if (known && known.version === document.version) return known.shift;
    let lines = analysis.lines.get(file);
    if (!lines) analysis.lines.set(file, (lines = new LineIndex(buffer.text)));
    const shift = new TextShift(buffer.text, document.getText(), lines, linesOf(document));
    analysis.shifts.set(file, { version: document.version, shift });
    return shift;
  }

  /** The fixes of a finding, moved to the current texts; a fix with an edit the edits since may have moved is left out. */
  function fixesOf(state: DocumentState, finding: SentFinding): Fix[] {
    const fixes: Fix[] = [];
    for (const fix of JSON.parse(finding.fixes) as Fix[]) {
      const edits = fix.edits.map((edit) => {
        const range = shiftOf(state, path.resolve(state.folder, edit.file))?.range(edit.range);
        return range && { ...edit, range };
      });
      if (edits.every((e) => e !== undefined)) fixes.push({ ...fix, edits: edits as Fix['edits'] });
    }
    return fixes;
  }

  connection.onHover((params) => {
    const file = toPath(params.textDocument.uri);
    const shown: SentFinding[] = [];
    const seen = new Set<string>();
    for (const doc of documentsReading(file)) {
      const state = states.get(doc)!;
      const report = reportOf(state, file);
      const shift = report && shiftOf(state, file);
      if (!report || !shift) continue;
      for (const f of report.findings) {
        const range = shift.range(f.range);
        const key = `${f.ruleId}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
        if (range && contains(range, params.position) && !seen.has(key)) { seen.add(key); shown.push(f); }
      }
    }
    return hoverFor(shown);
  });

  connection.onCodeAction((params) => {
    const file = toPath(params.textDocument.uri);
    const only = params.context.only;
    const actions: CodeAction[] = [];
    const reading = documentsReading(file).map((doc) => states.get(doc)!).filter((state) => state.analysis);
    if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
      for (const diagnostic of params.context.diagnostics) {
        const data = diagnostic.data as DiagnosticData | undefined;
        if (diagnostic.source !== SOURCE || !data) continue;
        for (const state of reading) {
          const finding = reportOf(state, file)?.findings.find((f) => f.ruleId === data.ruleId && f.file === data.file && samePath(f.path, data.path));
          if (!finding) continue;
          for (const fix of fixesOf(state, finding)) actions.push(fixToCodeAction(state.folder, fix, diagnostic));
          break; // the same finding from another document has the same fixes
        }
      }
    }
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== '')) {
      const fixes = reading.flatMap((state) => (reportOf(state, file)?.findings ?? []).flatMap((f) => fixesOf(state, f)));
      const all = fixAllAction(folderOf(file), fixes);
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
    const versions = new Map(documents.all().map((d) => [toPath(d.uri), d.version]));
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
    for (const [file, list] of byFile) spectral.set(file, { version: versions.get(file), diagnostics: list });
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
      const diagnostics = diagnosticsIn(file);
      count += diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Hint).length;
      workspaceReview.set(file, diagnostics);
      if (!opened.has(file) || !pull) connection.sendDiagnostics({ uri: toUri(file, '.'), diagnostics });
    }
    return { documents: done, files: files.size, findings: count, cancelled: token.isCancellationRequested };
  });

  connection.onShutdown(async () => { await worker?.dispose(); });

  documents.listen(connection);
  connection.listen();
}

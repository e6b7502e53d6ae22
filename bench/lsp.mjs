// `npm run bench:lsp`: the language server's latency as an editor sees it, next to the CLI's cold review of the same spec.
// For each corpus spec, a real LSP client (stdio, push diagnostics: each textDocument/publishDiagnostics carries the
// document version it was computed for) opens the spec in a workspace of its own and measures:
// - didOpen to the first diagnostics;
// - each of N small edits (the edit's number typed over the previous one inside a description near the middle of the
//   file, so that no text repeats) to the diagnostics of that version, one edit at a time;
// - hovers and code actions asked, one after the other, from right after a didChange until its diagnostics arrive (so
//   while the edit waits out the debounce and while it is analysed), on more edits; and once each when idle;
// - structural edits, each to the diagnostics of its version, at one operation near the middle of the file's
//   operations, in turn: its operationId renamed, a query parameter added to its parameters (removed the next time),
//   a security requirement added to it (removed the next time); each after the server's debounce since the last.
// The cold review is `node dist/cli.js review <spec> --format json` as a whole process.
// Next to wall times, the CPU time spent (Linux only: the server process with all its threads; the CLI process), which
// other load on the machine disturbs far less.
//
//   node bench/lsp.mjs [--corpus DIR] [--edits N] [--probe-edits N] [--structural-edits N] [--runs N] [--timeout SECONDS] [name-filter...]
//
// Results are printed as a table per spec and written as JSON to bench/results/. Exit 1 when something fails or a
// target is missed.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { corpusSpecs, parseBenchArgs, usageExit } from './cli-options.mjs';
import { cpuMs, machine } from './measure.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, HoverRequest, CodeActionRequest } from 'vscode-languageserver-protocol/node';
import { SERVER, startServer } from './lsp-client.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(BENCH_DIR);
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

/** Limits as fractions of the CLI's cold review of the same spec. */
const TARGETS = {
  /** p95 of didChange to its diagnostics. */
  editP95: 0.5,
  /** p95 of a structural edit's didChange to its diagnostics. */
  structuralP95: 0.3,
  /** p95 of a hover, and of a code action, asked while an analysis is pending or running. */
  requestP95: 0.1,
};

/** Past the server's default debounce (150 ms, `server.ts`): a change after this much quiet is analysed at once. */
const QUIET_MS = 160;

const USAGE = 'usage: node bench/lsp.mjs [--corpus DIR] [--edits N] [--probe-edits N] [--structural-edits N] [--runs N] [--timeout SECONDS] [name-filter...]';
const usage = (error) => usageExit(USAGE, error);

function parseArgs(argv) {
  return parseBenchArgs(argv, { usage: USAGE, defaults: { corpus: path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), edits: 50, probeEdits: 10, structuralEdits: 30, runs: 3, timeout: 120 }, flags: {}, numbers: { '--edits': 'edits', '--probe-edits': 'probeEdits', '--structural-edits': 'structuralEdits', '--runs': 'runs', '--timeout': 'timeout' } });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Milliseconds: median, p95 (nearest rank), max and count. */
function stats(values) {
  return { median: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values), count: values.length };
}

/** The CLI's cold review: the whole process, from spawn to exit (its JSON report goes to a file). */
function coldReview(workspace, file, runs) {
  const report = path.join(workspace, 'report.json');
  const samples = [];
  const cpu = [];
  let findings;
  for (let i = 0; i < runs; i++) {
    const out = openSync(report, 'w');
    const start = performance.now();
    const cpuBefore = cpuMs(process.pid, 'children');
    const child = spawnSync(process.execPath, [CLI, 'review', file, '--format', 'json'], { cwd: workspace, stdio: ['ignore', out, 'pipe'] });
    samples.push(performance.now() - start);
    cpu.push(cpuMs(process.pid, 'children') - cpuBefore);
    closeSync(out);
    if (child.status !== 0 && child.status !== 1) throw new Error(`the CLI failed (${child.status ?? child.signal}): ${String(child.stderr).trim()}`);
    findings = JSON.parse(readFileSync(report, 'utf8')).summary.findings;
  }
  rmSync(report);
  return { ms: percentile(samples, 50), samples, cpuMs: percentile(cpu, 50), findings };
}

/** Where the edits type: just after the first letter of the description text closest to the middle of the file. */
function editSite(text, json) {
  const pattern = json ? /"description": "[A-Za-z]/g : /^[ \t]*description: [A-Za-z]/gm;
  let best;
  for (const match of text.matchAll(pattern)) {
    const offset = match.index + match[0].length;
    if (!best || Math.abs(offset - text.length / 2) < Math.abs(best - text.length / 2)) best = offset;
  }
  if (best === undefined) throw new Error('no description to edit');
  const before = text.slice(0, best);
  const line = before.split('\n').length - 1;
  return { line, character: best - (before.lastIndexOf('\n') + 1) };
}

/** The LSP position of an offset (lines end at \n; the corpus has no other line breaks). */
function positionAt(text, offset) {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) { line++; lineStart = i + 1; }
  return { line, character: offset - lineStart };
}

/** The lines of `text` with their offsets and indentation. */
function linesOf(text) {
  const lines = [];
  let start = 0;
  for (const line of text.split('\n')) {
    lines.push({ start, text: line, indent: line.length - line.trimStart().length });
    start += line.length + 1;
  }
  return lines;
}

/**
 * Where structural edits go: an operation near the middle of the file's operations that has a parameters list with
 * an item on the next line and no security of its own (pretty-printed JSON is indented as YAML is). Returns the
 * operationId's value and the offsets where a parameter and a security requirement are inserted.
 */
function structuralSite(text, json) {
  const lines = linesOf(text);
  const idLine = json ? /^\s*"operationId": "([A-Za-z0-9_./-]+)",$/ : /^\s*operationId: ([A-Za-z0-9_./-]+)$/;
  const candidates = lines.map((l, i) => i).filter((i) => idLine.test(lines[i].text));
  // nearest the middle first
  candidates.sort((a, b) => Math.abs(a - candidates[candidates.length >> 1]) - Math.abs(b - candidates[candidates.length >> 1]));
  for (const i of candidates) {
    const { indent } = lines[i];
    let first = i;
    while (first > 0 && (lines[first - 1].indent >= indent || lines[first - 1].text.trim() === '')) first--;
    let last = i;
    while (last + 1 < lines.length && (lines[last + 1].indent >= indent || lines[last + 1].text.trim() === '')) last++;
    const own = (key) => lines.slice(first, last + 1).findIndex((l) => l.indent === indent && l.text.trimStart().startsWith(json ? `"${key}":` : `${key}:`));
    const parameters = own('parameters');
    if (parameters < 0 || own('security') >= 0) continue;
    const item = lines[first + parameters + 1];
    if (!item || !(json ? item.text.trim() === '{' : item.text.trimStart().startsWith('- '))) continue;
    const id = idLine.exec(lines[i].text)[1];
    const idStart = lines[i].start + lines[i].text.lastIndexOf(id);
    return { line: i, id, idStart, indent, itemIndent: item.indent, parameterAt: item.start, securityAt: lines[i + 1].start };
  }
  throw new Error('no operation with parameters and without security of its own to edit');
}

/**
 * Structural edits of one operation, in turn: rename its operationId, add a query parameter or remove the one added,
 * add a security requirement or remove the one added. Each returns the LSP change for the current text and applies it.
 */
function structuralEditor(text, json) {
  const site = structuralSite(text, json);
  const pad = (n) => ' '.repeat(n);
  // the three places edited, as [start, end) of their current text; they never overlap
  const places = {
    id: { start: site.idStart, end: site.idStart + site.id.length },
    parameter: { start: site.parameterAt, end: site.parameterAt },
    security: { start: site.securityAt, end: site.securityAt },
  };
  const written = {
    id: (n) => `${site.id}V${n}`,
    parameter: (n) => (json
      ? `${pad(site.itemIndent)}{ "in": "query", "name": "bench${n}", "schema": { "type": "string" } },\n`
      : `${pad(site.itemIndent)}- in: query\n${pad(site.itemIndent + 2)}name: bench${n}\n${pad(site.itemIndent + 2)}schema:\n${pad(site.itemIndent + 4)}type: string\n`),
    security: (n) => (json ? `${pad(site.indent)}"security": [ { "bench${n}": [] } ],\n` : `${pad(site.indent)}security:\n${pad(site.indent)}  - bench${n}: []\n`),
  };
  const kinds = ['id', 'parameter', 'security'];
  let count = 0;
  return {
    line: site.line,
    /** The next edit: its kind and its change against the current text. */
    next(n) {
      const kind = kinds[count++ % kinds.length];
      const place = places[kind];
      // a rename always writes a new name; an insertion alternates with its removal
      const replacement = kind === 'id' || place.start === place.end ? written[kind](n) : '';
      const change = { range: { start: positionAt(text, place.start), end: positionAt(text, place.end) }, text: replacement };
      text = text.slice(0, place.start) + replacement + text.slice(place.end);
      const delta = replacement.length - (place.end - place.start);
      for (const other of Object.values(places)) if (other !== place && other.start >= place.end) { other.start += delta; other.end += delta; }
      place.end = place.start + replacement.length;
      return { kind: kind === 'id' ? 'operationId' : kind, change };
    },
  };
}

async function timed(request) {
  const start = performance.now();
  const answer = await request();
  return { ms: performance.now() - start, answer };
}

async function benchServer(uri, text, json, options) {
  const workspace = path.dirname(fileURLToPath(uri));
  const server = await startServer(workspace, options.timeout * 1000);
  try {
    return await measureServer(server, uri, text, json, options);
  } finally {
    await server.stop();
  }
}

async function measureServer(server, uri, text, json, options) {
  const { connection } = server;
  let version = 1;
  const opened = performance.now();
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: json ? 'json' : 'yaml', version, text } });
  const first = await server.diagnosticsOf(uri, version);
  // since the server started: discovery reviews the workspace, then the open document is reviewed
  const open = { ms: first.at - opened, cpuMs: server.cpuMs(), diagnostics: first.diagnostics.length };

  const site = editSite(text, json);
  let typed = '';
  /** Types the new version number at the site over the previous one: every version's text is new to the server. */
  async function edit() {
    version++;
    const change = { range: { start: site, end: { line: site.line, character: site.character + typed.length } }, text: String(version) };
    typed = change.text;
    const sent = performance.now();
    const cpuBefore = server.cpuMs();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    return { sent, cpuBefore, diagnostics: server.diagnosticsOf(uri, version) };
  }

  const editMs = [];
  const editCpu = [];
  const counts = new Set();
  for (let i = 0; i < options.edits; i++) {
    const { sent, cpuBefore, diagnostics } = await edit();
    const got = await diagnostics;
    editMs.push(got.at - sent);
    editCpu.push(server.cpuMs() - cpuBefore);
    counts.add(got.diagnostics.length);
  }

  // a finding away from the edited line: hovering it finds a finding, its code action gets the finding's fixes
  const target = first.diagnostics.find((d) => d.range.start.line !== site.line && d.data);
  if (!target) throw new Error('no diagnostic to hover');
  const hover = () => connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: target.range.start });
  const codeAction = () => connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } });
  const busy = { hover: [], codeAction: [], hoverFound: 0, actionsFound: 0 };
  const idle = { hover: [], codeAction: [] };
  for (let i = 0; i < options.probeEdits; i++) {
    const { diagnostics } = await edit();
    let done = false;
    void diagnostics.then(() => { done = true; });
    for (let n = 0; !done; n++) {
      if (n % 2 === 0) {
        const { ms, answer } = await timed(hover);
        if (done) break; // answered after the analysis ended: not a measurement under load
        busy.hover.push(ms);
        if (answer) busy.hoverFound++;
      } else {
        const { ms, answer } = await timed(codeAction);
        if (done) break;
        busy.codeAction.push(ms);
        if (answer?.length) busy.actionsFound++;
      }
    }
    await diagnostics;
    idle.hover.push((await timed(hover)).ms);
    idle.codeAction.push((await timed(codeAction)).ms);
  }
  if (busy.hover.length === 0 || busy.codeAction.length === 0) throw new Error('no hover or code action was answered while an analysis ran');

  // structural edits, from a quiet server: the full analysis that confirms the last quick result has run
  const structural = structuralEditor(text, json);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const structuralMs = [];
  const structuralCpu = [];
  const byKind = {};
  // the first of them is not counted: it pays for what the documentation edits left pending
  let lastSent = -Infinity;
  for (let i = 0; i <= options.structuralEdits; i++) {
    // a rename or a paste is not typed in a burst: each comes after quiet, which the server analyses at once (an edit
    // within the debounce of the last change waits it out, however soon the last analysis ended)
    const quietIn = lastSent + QUIET_MS - performance.now();
    if (quietIn > 0) await new Promise((resolve) => setTimeout(resolve, quietIn));
    version++;
    const { kind, change } = structural.next(version);
    const sent = performance.now();
    lastSent = sent;
    const cpuBefore = server.cpuMs();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [change] });
    const got = await server.diagnosticsOf(uri, version);
    if (i === 0) continue;
    structuralMs.push(got.at - sent);
    structuralCpu.push(server.cpuMs() - cpuBefore);
    (byKind[kind] ??= []).push(got.at - sent);
  }
  return {
    open,
    edit: { ...stats(editMs), cpuMs: percentile(editCpu, 50), samples: editMs, cpuSamples: editCpu, diagnosticCounts: [...counts] },
    busy: { hover: stats(busy.hover), codeAction: stats(busy.codeAction), hoverFound: busy.hoverFound, actionsFound: busy.actionsFound },
    idle: { hover: stats(idle.hover), codeAction: stats(idle.codeAction) },
    structural: {
      ...stats(structuralMs), cpuMs: percentile(structuralCpu, 50), samples: structuralMs, cpuSamples: structuralCpu,
      byKind: Object.fromEntries(Object.entries(byKind).map(([kind, values]) => [kind, stats(values)])), line: structural.line,
    },
    editSite: site,
  };
}

async function benchSpec(spec, options) {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'api-sentinel-bench-lsp-'));
  try {
    const file = path.join(workspace, spec.name);
    copyFileSync(spec.file, file);
    const text = readFileSync(file, 'utf8');
    const cold = coldReview(workspace, file, options.runs);
    const lsp = await benchServer(pathToFileURL(file).href, text, /\.json$/i.test(spec.name), options);
    const ratio = (ms) => ms / cold.ms;
    const targets = [
      { name: 'edit p95 / cold', ratio: ratio(lsp.edit.p95), limit: TARGETS.editP95 },
      { name: 'structural p95 / cold', ratio: ratio(lsp.structural.p95), limit: TARGETS.structuralP95 },
      { name: 'hover p95 / cold', ratio: ratio(lsp.busy.hover.p95), limit: TARGETS.requestP95 },
      { name: 'code action p95 / cold', ratio: ratio(lsp.busy.codeAction.p95), limit: TARGETS.requestP95 },
    ].map((t) => ({ ...t, met: t.ratio <= t.limit }));
    return { spec: spec.name, bytes: spec.bytes, cold, ...lsp, targets };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const ms = (v) => (!Number.isFinite(v) ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 10 ? 0 : 1)} ms`);

function printSpec(r, options) {
  console.log(`\n${r.spec} (${(r.bytes / 1024 / 1024).toFixed(1)} MB; edits at line ${r.editSite.line + 1})`);
  // label, times, CPU time, what the ratio to the cold review is taken of, note
  const rows = [
    [`CLI cold review (median of ${options.runs})`, { median: r.cold.ms }, r.cold.cpuMs, undefined, `${r.cold.findings} findings`],
    ['didOpen -> first diagnostics', { median: r.open.ms }, r.open.cpuMs, 'median', `${r.open.diagnostics} diagnostics; CPU since the server started`],
    [`didChange -> its diagnostics (${r.edit.count} edits)`, r.edit, r.edit.cpuMs, 'p95', `${r.edit.diagnosticCounts.join('/')} diagnostics; CPU: median`],
    [`hover while analysing (${r.busy.hover.count})`, r.busy.hover, undefined, 'p95', `${r.busy.hoverFound} with content`],
    [`code action while analysing (${r.busy.codeAction.count})`, r.busy.codeAction, undefined, 'p95', `${r.busy.actionsFound} with actions`],
    [`structural edits (${r.structural.count}, line ${r.structural.line + 1})`, r.structural, r.structural.cpuMs, 'p95', `CPU: median; median by kind: ${Object.entries(r.structural.byKind).map(([kind, s]) => `${kind} ${ms(s.median)}`).join(', ')}`],
    ['hover when idle', r.idle.hover, undefined, 'p95', ''],
    ['code action when idle', r.idle.codeAction, undefined, 'p95', ''],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const header = ['median', 'p95', 'max', 'CPU', '/cold'].map((h) => h.padStart(8)).join('  ');
  console.log(`  ${''.padEnd(width)}  ${header}`);
  for (const [label, s, cpu, of, note] of rows) {
    const ratio = of === undefined ? '' : `${(s[of] / r.cold.ms).toFixed(3)}x`;
    const cells = [ms(s.median), s.p95 === undefined ? '' : ms(s.p95), s.max === undefined ? '' : ms(s.max), cpu === undefined ? '' : ms(cpu), ratio];
    console.log(`  ${label.padEnd(width)}  ${cells.map((c) => c.padStart(8)).join('  ')}  ${note}`);
  }
  for (const t of r.targets) {
    console.log(`  ${t.name.padEnd(24)} ${t.ratio.toFixed(3).padStart(7)}x   target <= ${t.limit}x: ${t.met ? 'met' : 'NOT MET'}`);
  }
  // CPU time is far less disturbed by other work on the machine than wall time
  if (r.cold.cpuMs && r.structural.cpuMs !== undefined) {
    console.log(`  ${'structural CPU / cold'.padEnd(24)} ${(r.structural.cpuMs / r.cold.cpuMs).toFixed(3).padStart(7)}x   medians, for information`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const bundle of [CLI, SERVER]) if (!existsSync(bundle)) usage(`${path.relative(REPO_ROOT, bundle)} is missing: run \`npm run build\` first`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const results = [];
  let failed = false;
  for (const spec of corpusSpecs(options, USAGE)) {
    try {
      const result = await benchSpec(spec, options);
      printSpec(result, options);
      results.push(result);
    } catch (error) {
      console.log(`\n${spec.name}: FAILED: ${error.message}`);
      results.push({ spec: spec.name, failure: error.message });
      failed = true;
    }
  }
  const when = new Date().toISOString();
  const out = path.join(RESULTS_DIR, `lsp-${when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify({ date: when, machine: machine(), options, targets: TARGETS, results }, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}`);
  const missed = results.some((r) => r.targets?.some((t) => !t.met));
  process.exitCode = failed || missed ? 1 : 0;
}

await main();

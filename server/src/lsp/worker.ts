/**
 * The analysis worker: runs the engine off the server's main thread, so hovers and code actions are answered
 * while an analysis runs. It keeps open buffers (overlays), parses and the last review of each document between jobs.
 */
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Finding } from '../engine/types';
import { DocumentAnalyses, sameData } from './incremental';
import type { FromWorker, SentChange, SentFinding, ToWorker } from './protocol';

const overlays = new Map<string, string>();

/** Spectral is large: its bundle loads on the first workspace ruleset run, never on the keystroke path. */
let spectralRunner: typeof import('./spectral') | undefined;
function spectral(): typeof import('./spectral') {
  return (spectralRunner ??= require(path.join(__dirname, 'spectral-runner.js')) as typeof import('./spectral'));
}

const reader = {
  async read(file: string): Promise<string | undefined> {
    const open = overlays.get(file);
    if (open !== undefined) return open;
    try { return await readFile(file, 'utf8'); } catch { return undefined; }
  },
};

const analyses = new DocumentAnalyses(reader);

/** Findings as sent, kept while the finding is: a quick re-analysis reuses the findings that did not move. */
const sent = new WeakMap<Finding, SentFinding>();
function toSent(finding: Finding): SentFinding {
  let out = sent.get(finding);
  if (!out) sent.set(finding, (out = { ...finding, fixes: JSON.stringify(finding.fixes) }));
  return out;
}

/** Findings to send next to the ones the server holds: the index of an equal finding there, or the finding. */
function relativeTo(findings: Finding[], held: Finding[]): SentChange['findings'] {
  let byKey: Map<string, number[]> | undefined;
  const key = (f: Finding) => `${f.ruleId}\0${f.file}\0${f.path.join('\0')}`;
  return findings.map((finding, index) => {
    // a quick result keeps the findings an edit did not move, at the same index
    if (held[index] === finding) return index;
    if (!byKey) {
      byKey = new Map();
      held.forEach((f, i) => { const k = key(f); byKey!.set(k, [...(byKey!.get(k) ?? []), i]); });
    }
    const equal = byKey.get(key(finding))?.find((i) => sameData(held[i], finding));
    return equal ?? toSent(finding);
  });
}

function post(message: FromWorker): void { parentPort!.postMessage(message); }

parentPort!.on('message', async (message: ToWorker) => {
  if (message.type === 'overlay') {
    if (message.text === null) overlays.delete(message.path); else overlays.set(message.path, message.text);
    return;
  }
  if (message.type === 'spectral') {
    const { diagnostics, error } = await spectral().runSpectral(message.rulesetPath, message.files, reader);
    post({ type: 'spectral-result', id: message.id, diagnostics, error });
    return;
  }
  const flag = new Int32Array(message.cancel);
  const cancel = { get cancelled() { return Atomics.load(flag, 0) === 1; } };
  try {
    const analysis = await analyses.analyze({ ...message, cancel });
    if (!analysis || cancel.cancelled) { post({ type: 'result', id: message.id, result: null }); return; }
    const { result, exact, same, previous } = analysis;
    if (same) post({ type: 'result', id: message.id, result: { same: message.holding!, exact } });
    else if (previous && previous.id === message.holding) {
      const findings = relativeTo(result.findings, previous.result.findings);
      post({ type: 'result', id: message.id, result: { base: previous.id, findings, problems: result.problems, exact } });
    } else post({ type: 'result', id: message.id, result: { ...result, findings: result.findings.map(toSent), exact } });
  } catch (error) {
    post({ type: 'error', id: message.id, message: String(error) });
  }
});

/**
 * The analysis worker: runs the engine off the server's main thread, so hovers and code actions are answered
 * while an analysis runs. It keeps open buffers (overlays), parses and the last review of each document between jobs.
 */
import { parentPort } from 'node:worker_threads';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, findingKey, type FileReader, type Finding } from '../engine';
import { readTextFile } from '../workspace/files';
import { DocumentAnalyses, sameData } from './incremental';
import type { FromWorker, SentChange, SentFinding, ToWorker } from './protocol';

const overlays = new Map<string, string>();

/** Spectral is large: its bundle loads on the first workspace ruleset run, never on the keystroke path. */
let spectralRunner: typeof import('./spectral') | undefined;
function spectral(): typeof import('./spectral') {
  return (spectralRunner ??= require(path.join(__dirname, 'spectral-runner.js')) as typeof import('./spectral'));
}

/** The files of the project at `root`: open buffers first, then the disk through the safe access layer. */
function readerFor(root: string): FileReader {
  return {
    read(file, limits) {
      const open = overlays.get(file);
      return open !== undefined ? open : readTextFile(file, root, limits.maxBytes);
    },
  };
}

const analyses = new DocumentAnalyses(readerFor);

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
  return findings.map((finding, index) => {
    // a quick result keeps the findings an edit did not move, at the same index
    if (held[index] === finding) return index;
    if (!byKey) {
      byKey = new Map();
      held.forEach((f, i) => { const k = findingKey(f); byKey!.set(k, [...(byKey!.get(k) ?? []), i]); });
    }
    const equal = byKey.get(findingKey(finding))?.find((i) => sameData(held[i], finding));
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
    const disk = readerFor(message.root);
    const texts = { read: async (file: string) => { const read = disk.read(file, { maxBytes: DEFAULT_MAX_FILE_SIZE }); return typeof read === 'string' ? read : undefined; } };
    const { diagnostics, error } = await spectral().runSpectral(message.rulesetPath, message.files, texts);
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

/**
 * The analysis worker: runs the engine off the server's main thread, so hovers and code actions are answered
 * while an analysis runs. It keeps open buffers (overlays) and parses between jobs.
 */
import { parentPort } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { analyze } from '../engine/analyze';
import { ParseCache } from '../engine/openapi/load';
import type { FromWorker, ToWorker } from './protocol';
import * as path from 'node:path';

const overlays = new Map<string, string>();

/** Spectral is large: its bundle loads on the first workspace ruleset run, never on the keystroke path. */
let spectralRunner: typeof import('./spectral') | undefined;
function spectral(): typeof import('./spectral') {
  return (spectralRunner ??= require(path.join(__dirname, 'spectral-runner.js')) as typeof import('./spectral'));
}
const cache = new ParseCache();

const reader = {
  async read(path: string): Promise<string | undefined> {
    const open = overlays.get(path);
    if (open !== undefined) return open;
    try { return await readFile(path, 'utf8'); } catch { return undefined; }
  },
};

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
    const result = await analyze({ root: message.root, files: message.files, reader, config: message.config, cancel, cache });
    post({ type: 'result', id: message.id, result: cancel.cancelled ? null : result });
  } catch (error) {
    post({ type: 'error', id: message.id, message: String(error) });
  }
});

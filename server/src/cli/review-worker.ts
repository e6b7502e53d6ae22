/**
 * A thread of the review pool (./pool.ts): analyses each unit it is sent, reading through the CLI's reader, and tells
 * the pool every location it reads as it reads it, so that units reading a file in common are joined early.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyze, type CancellationSignal, type FileReader, type ReadResult } from '../engine';
import type { FromWorker, UnitRequest, WorkerSetup } from './pool';
import { CliReader } from './reader';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const cancelledUnit = new Int32Array(setup.cancel);

function send(message: FromWorker): void { port.postMessage(message); }

/** The reader, counting the files and text it returns: the engine's read limits hold for the whole review. */
class CountingReader implements FileReader {
  files = 0;
  text = 0;

  constructor(private readonly reader: FileReader) {}

  read(location: string, limits: { maxBytes: number }): ReadResult | Promise<ReadResult> {
    const result = this.reader.read(location, limits);
    return result instanceof Promise ? result.then((r) => this.count(r)) : this.count(result);
  }

  private count(result: ReadResult): ReadResult {
    if (typeof result === 'string') { this.files++; this.text += result.length; }
    return result;
  }
}

async function analyzeUnit({ unit, files, explicit }: UnitRequest): Promise<void> {
  const { root, config, fixes } = setup;
  const reader = new CountingReader(new CliReader({ root, allowRemote: config.allowRemoteRefs, onRead: (location) => send({ type: 'read', unit, location }) }));
  const cancel: CancellationSignal = { get cancelled() { return Atomics.load(cancelledUnit, 0) === unit; } };
  try {
    const { findings, problems, documents } = await analyze({ root, files, explicit: new Set(explicit), reader, config, cancel, fixes });
    send({ type: 'done', unit, result: { findings, problems, documents, filesRead: reader.files, textRead: reader.text } });
  } catch (error) {
    send({ type: 'failed', unit, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (request: UnitRequest) => { void analyzeUnit(request); });

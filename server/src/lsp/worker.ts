/**
 * The analysis worker: runs the engine off the server's main thread, so hovers and code actions are answered
 * while an analysis runs. It keeps open buffers (overlays), parses and the last review of each document between jobs.
 * Messages are handled one at a time, in order: a job reads the buffers sent before it and no later ones, and says
 * which versions it read.
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CHECKS, findingKey, type FileReader, type Finding, type Range, type ReadResult, type Route } from '../engine';
import { setV8Flags } from '../workspace/code-cache';
import { codeFrontend } from '../workspace/code-frontend';
import { serverFlags } from '../workspace/compiler-flags';
import { fileStamp, MISSING_STAMP, readTextFile } from '../workspace/files';
import { DocumentAnalyses, sameData, sameObject } from './incremental';
import type { FromWorker, LineShift, MovedFinding, SentFinding, ToWorker } from './protocol';

// the flags the server set for the process, set again on this thread's own record: the code frontend's compiled code
// is cached under the flags it was compiled with
setV8Flags(serverFlags(process.versions.v8));

const overlays = new Map<string, { text: string; version: number }>();
/** The versions of open buffers the running job read. */
let read = new Map<string, number>();

/**
 * What was read from disk (a text, or that no file is there), with the file's stamp then: read again once the stamp
 * differs or the server says the file changed (a watched-file event, its buffer closed), since a quick second write
 * may keep the stamp. A route unit reads hundreds of files per edit, and its module resolution tries paths where no
 * file is: checking their stamps costs a small part of reading them through the safe access layer. A path where no
 * file was keeps its folder's stamp too (`folder`).
 */
const disk = new Map<string, { root: string; maxBytes: number; stamp: string; read: ReadResult; folder?: string }>();

/**
 * Folder stamps taken by the running job, each once. A path where no file was is taken as still empty while its
 * folder's stamp is the one taken before the path was found empty: making, removing or renaming a file in a folder
 * changes the folder's stamp. An app's imports try paths where no file is (other extensions, `index` files, package
 * names below `baseUrl`) by the dozen in a few folders: the 2,000-route NestJS app tries 154 such paths in 51 folders.
 */
let folderStamps = new Map<string, string | undefined>();

function folderStamp(folder: string): string | undefined {
  if (!folderStamps.has(folder)) folderStamps.set(folder, fileStamp(folder));
  return folderStamps.get(folder);
}

function readDisk(file: string, root: string, maxBytes: number): ReadResult {
  const kept = disk.get(file);
  if (kept?.folder !== undefined && kept.root === root && folderStamp(path.dirname(file)) === kept.folder) return kept.read;
  const stamp = fileStamp(file);
  // a text read whole under a limit is the text under a larger one; a missing file is missing under any
  if (stamp !== undefined && kept?.stamp === stamp && kept.root === root && (typeof kept.read !== 'string' || kept.maxBytes <= maxBytes)) return kept.read;
  // stamped before reading: a write in between changes the stamp, and the next job reads the file again
  const read = readTextFile(file, root, maxBytes);
  if (stamp === undefined || (typeof read !== 'string' && read?.code !== 'file-missing')) {
    disk.delete(file);
    return read;
  }
  // an empty path is found empty once more after its folder's stamp is taken: a file made since changes that stamp
  const folder = stamp === MISSING_STAMP && typeof read !== 'string' ? folderStamp(path.dirname(file)) : undefined;
  const stillEmpty = folder !== undefined && fileStamp(file) === MISSING_STAMP;
  disk.set(file, { root, maxBytes, stamp, read, ...(stillEmpty ? { folder } : {}) });
  return read;
}

/** The files of the project at `root`: open buffers first (their versions noted), then the disk through the safe access layer. */
function readerFor(root: string): FileReader {
  return {
    read(file, limits) {
      const open = overlays.get(file);
      if (open === undefined) return readDisk(file, root, limits.maxBytes);
      read.set(file, open.version);
      return open.text;
    },
  };
}

const analyses = new DocumentAnalyses(readerFor);

/**
 * What a route unit runs: the checks that read route code, alone or beside the OpenAPI documents the unit pairs with
 * it, with the code frontend (loaded on the first such job).
 */
const ROUTE_ANALYSIS = { checks: CHECKS.filter((check) => check.meta.needs.includes('code')), frontends: { code: codeFrontend } };

/** A finding as sent: its fixes are built when a code action asks for them (`fixesJob`). */
function toSent({ fixes: _fixes, ...finding }: Finding): SentFinding {
  return finding;
}

/**
 * Items to send next to the ones the server holds: the index of an equal item there (by `key`, then deep equality),
 * or what `moved` makes of one of the same key there (undefined when it differs otherwise), or the item as `send`
 * makes it.
 */
function relativeTo<T, S, M = never>(
  items: T[], held: T[], key: (item: T) => string, send: (item: T) => S,
  moved?: (held: T, item: T, at: number, known: WeakMap<object, object>) => M | undefined,
): (number | M | S)[] {
  const known = new WeakMap<object, object>();
  // most items stand where they stood in the last result: an edit changes few
  const out: (number | M | S | undefined)[] = items.map((item, index) => (index < held.length && sameData(held[index], item, known) ? index : undefined));
  // the others are looked up among the held items none took at their place
  let byKey: Map<string, number[]> | undefined;
  for (let index = 0; index < items.length; index++) {
    if (out[index] !== undefined) continue;
    if (!byKey) {
      byKey = new Map();
      for (let i = 0; i < held.length; i++) {
        if (out[i] === i) continue;
        const k = key(held[i]);
        const same = byKey.get(k);
        if (same) same.push(i); else byKey.set(k, [i]);
      }
    }
    const item = items[index];
    out[index] = lookUp(item, byKey.get(key(item)), held, known, moved) ?? send(item);
  }
  return out as (number | M | S)[];
}

/** The index of a held item equal to `item` among `same`, else what `moved` makes of one of them. */
function lookUp<T, M>(
  item: T, same: number[] | undefined, held: T[], known: WeakMap<object, object>,
  moved: ((held: T, item: T, at: number, known: WeakMap<object, object>) => M | undefined) | undefined,
): number | M | undefined {
  if (!same) return undefined;
  const equal = same.find((i) => sameData(held[i], item, known));
  if (equal !== undefined || !moved) return equal;
  for (const i of same) {
    const delta = moved(held[i], item, i, known);
    if (delta) return delta;
  }
  return undefined;
}

/** `item` as finding `at` of the held ones moved, when it differs from `held` only in its range and its related locations' ranges. */
function movedFinding(held: Finding, item: Finding, at: number, known: WeakMap<object, object>): MovedFinding | undefined {
  // compared in place, ranges left out: a finding about a whole API relates thousands of places, which an edit above
  // them all moves
  const same = held.related.length === item.related.length && sameObject(held, item, known, isRangeOrRelated)
    && held.related.every((r, i) => r === item.related[i] || sameObject(r, item.related[i], known, isRangeOrRelated));
  if (!same) return undefined;
  const shift = lineShift(held, item);
  return shift ? { at, ...shift } : { at, range: item.range, related: item.related.map((r) => r.range) };
}

/**
 * The shift of lines that makes `held`'s ranges `item`'s (same findings otherwise), if one does: every range in one
 * file moved by the same lines from some line on, and no range of that file starting above it moved.
 */
function lineShift(held: Finding, item: Finding): LineShift | undefined {
  let shift: LineShift | undefined;
  /** The last line an unmoved range of each file starts at. */
  const lastUnmoved = new Map<string, number>();
  const compare = (file: string, before: Range, after: Range): boolean => {
    const lines = after.start.line - before.start.line;
    if (lines === 0 && sameRange(before, after)) {
      lastUnmoved.set(file, Math.max(lastUnmoved.get(file) ?? -1, before.start.line));
      return true;
    }
    if (lines === 0 || after.end.line - before.end.line !== lines || after.start.character !== before.start.character || after.end.character !== before.end.character) return false;
    if (!shift) shift = { file, from: before.start.line, lines };
    else if (shift.file !== file || shift.lines !== lines) return false;
    else shift.from = Math.min(shift.from, before.start.line);
    return true;
  };
  if (!compare(held.file, held.range, item.range)) return undefined;
  for (let i = 0; i < held.related.length; i++) if (!compare(held.related[i].file, held.related[i].range, item.related[i].range)) return undefined;
  return shift && (lastUnmoved.get(shift.file) ?? -1) < shift.from ? shift : undefined;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

const isRangeOrRelated = (key: string) => key === 'range' || key === 'related';

const routeKey = (route: Route) => `${route.file}\0${route.key}`;

function post(message: FromWorker): void { parentPort!.postMessage(message); }

async function analyzeJob(message: Extract<ToWorker, { type: 'analyze' }>): Promise<void> {
  const flag = new Int32Array(message.cancel);
  const cancel = { get cancelled() { return Atomics.load(flag, 0) === 1; } };
  read = new Map();
  folderStamps = new Map();
  const answer = (result: Extract<FromWorker, { type: 'result' }>['result']) => post({ type: 'result', id: message.id, result, read: [...read] });
  try {
    if (cancel.cancelled) { answer(null); return; }
    const analysis = await analyses.analyze({ ...message, cancel, ...(message.kind === 'routes' ? ROUTE_ANALYSIS : {}) });
    if (!analysis || cancel.cancelled) { answer(null); return; }
    const { result, exact, same, previous } = analysis;
    if (same) answer({ same: message.holding!, exact });
    else if (previous && previous.id === message.holding) {
      answer({
        ...result, base: previous.id, findings: relativeTo(result.findings, previous.result.findings, findingKey, toSent, movedFinding),
        routes: relativeTo(result.routes, previous.result.routes, routeKey, (route) => route), exact,
      });
    } else answer({ ...result, findings: result.findings.map(toSent), exact });
  } catch (error) {
    post({ type: 'error', id: message.id, message: String(error) });
  }
}

async function fixesJob(message: Extract<ToWorker, { type: 'fixes' }>): Promise<void> {
  try {
    const fixes = await analyses.fixes(message.job, message.keys);
    post({ type: 'fixes', id: message.id, fixes: fixes ? [...fixes] : null });
  } catch (error) {
    post({ type: 'error', id: message.id, message: String(error) });
  }
}

/**
 * Quiet after an analysis, in ms, before the worker does what the last analyses leave for a pause: making the parses
 * edits stacked on one table again, building the fixes of kept route findings. The user has paused, and the edit that
 * would have done it answers sooner (on a 4 MB spec a whole parse takes 100–300 ms).
 */
const QUIET_AFTER_MS = 500;
let quietWork: NodeJS.Timeout | undefined;
/** Messages received and not yet handled. */
let pending = 0;

/** Does what the last analyses leave for a quiet moment (`DocumentAnalyses.whenQuiet`), unless a message waits. */
function workWhenQuiet(): void {
  clearTimeout(quietWork);
  if (pending > 0) return;
  quietWork = setTimeout(() => {
    queue = queue.then(() => {
      // only a head start: should it fail, the edit that reaches the most layers makes the table, or parses whole, and
      // fixes are built when asked for
      try { analyses.whenQuiet(); } catch { /* nothing lost */ }
    });
  }, QUIET_AFTER_MS);
  quietWork.unref();
}

let queue = Promise.resolve();
parentPort!.on('message', (message: ToWorker) => {
  clearTimeout(quietWork);
  pending++;
  queue = queue.then(() => {
    pending--;
    if (message.type === 'analyze') return analyzeJob(message).then(workWhenQuiet);
    if (message.type === 'fixes') return fixesJob(message);
    // a file changed on disk, or its buffer closed (it may have been saved meanwhile): its disk text is read again
    if (message.type === 'disk-changed' || message.text === null) disk.delete(message.path);
    if (message.type === 'overlay') {
      if (message.text === null) overlays.delete(message.path); else overlays.set(message.path, { text: message.text, version: message.version });
    }
    if (message.type === 'overlay-edit') {
      const open = overlays.get(message.path);
      // the server sends an edit only of a buffer it sent this worker whole; should it not, the worker stops (the
      // rejection is unhandled), and the server's next job starts another with every buffer whole
      if (!open) throw new Error(`an edit of ${message.path}, whose buffer this worker does not hold`);
      overlays.set(message.path, { text: open.text.slice(0, message.start) + message.text + open.text.slice(message.end), version: message.version });
    }
    return undefined;
  });
});

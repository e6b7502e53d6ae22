/**
 * Responses a fix adds to operations: where they go so that statuses stay in order, and which of the document's own
 * responses they reuse.
 */
import type { TextEdit } from '../types';
import type { SpecNode } from '../spec/load';
import { child, entries, isObject, type ApiDocument, type Operation } from '../spec/model';
import { memoize } from '../memo';
import { insertEntries, refTo, replaceValue, type PlainValue } from './edits';

/** Where a response key sorts: status codes by number, a range after its codes, `default` and extensions last. */
function statusRank(key: string): number {
  if (/^\d{3}$/.test(key)) return Number(key);
  if (/^[1-5]xx$/i.test(key)) return Number(key[0]) * 100 + 99;
  return key === 'default' ? 1000 : 1001;
}

/** The first key of a responses map that sorts after `status`: a new response goes before it. */
export function keyAfterStatus(responses: object, status: string): string | undefined {
  return Object.keys(responses).find((key) => statusRank(key) > statusRank(status));
}

/**
 * Edits that write `values` into the operation (an entry already there is replaced in place, new ones follow its
 * last entry) and `responses` into its responses map (created when it has none), each status before the first one
 * that sorts after it.
 */
export function writeIntoOperation(op: Operation, values: { [key: string]: PlainValue }, responses: { [status: string]: PlainValue } = {}): TextEdit[] {
  const file = op.node.file;
  const operation = op.node.value as Record<string, unknown>;
  const edits: TextEdit[] = [];
  const added: { [key: string]: PlainValue } = {};
  const map = op.responsesNode;
  if (Object.keys(responses).length > 0) {
    if (map && isObject(map.value)) {
      // one edit per place: several inserts at one place would depend on the order a client applies them in
      const byPlace = new Map<string | undefined, { [status: string]: PlainValue }>();
      for (const [status, response] of Object.entries(responses)) {
        const before = keyAfterStatus(map.value, status);
        byPlace.set(before, { ...byPlace.get(before), [status]: response });
      }
      for (const [before, group] of byPlace) edits.push(insertEntries(file, map.value, group, before));
    } else values = { ...values, responses };
  }
  for (const [key, value] of Object.entries(values)) {
    if (key in operation) edits.push(replaceValue(file, operation, key, value));
    else added[key] = value;
  }
  if (Object.keys(added).length > 0) edits.push(insertEntries(file, operation, added));
  return edits;
}

/**
 * `writeIntoOperation` for fixes that write the same `responses` with different `values` (one fix per choice): the
 * responses' edits, most of the work, are built once and shared by every fix. Throws as `writeIntoOperation` does.
 */
export function writerIntoOperation(op: Operation, responses: { [status: string]: PlainValue }): (values: { [key: string]: PlainValue }) => TextEdit[] {
  const map = op.responsesNode;
  // without a responses map, the responses are written with the values, as one entry of the operation
  if (Object.keys(responses).length === 0 || !map || !isObject(map.value)) return (values) => writeIntoOperation(op, values, responses);
  const responseEdits = writeIntoOperation(op, {}, responses);
  return (values) => [...responseEdits, ...writeIntoOperation(op, values)];
}

/**
 * The responses a document's operations reference by `$ref`, by status (the first for each): the document's own
 * convention for that status, which a fix reuses rather than writing a new response.
 */
export const referencedResponses = memoize((doc: ApiDocument): Map<string, SpecNode> => {
  const found = new Map<string, SpecNode>();
  for (const op of doc.operations) {
    for (const response of op.responses) {
      const site = response.site.value;
      if (!found.has(response.status) && isObject(site) && typeof site.$ref === 'string') found.set(response.status, response.node);
    }
  }
  return found;
});

/** The shared responses of a document (`components.responses`, 2.0 `responses`), by name. */
function sharedResponses(doc: ApiDocument): [string, SpecNode][] {
  const components = doc.version === '2.0' ? doc.root : child(doc.root, 'components');
  return entries(components && child(components, 'responses'));
}

/** The document's own response for a kind: one that operations reference for its status, else a shared one meant for it. */
export function ownResponse(doc: ApiDocument, kind: ResponseKind): SpecNode | undefined {
  return referencedResponses(doc).get(kind.status) ?? sharedResponses(doc).find(([name]) => kind.meantFor(name))?.[1];
}

/** A response a fix documents: its status, how a shared response meant for it is named, and what it says. */
export interface ResponseKind {
  status: string;
  /** Whether a shared response of this name is meant for this status (`Unauthorized`, `Error401`). */
  meantFor: (name: string) => boolean;
  /** The name of the shared response a fix creates when the document has none. */
  component: string;
  /** What the response means: the description a fix writes for it. */
  meaning: string;
}

/** The responses to write into each operation, and the new shared responses they reference, as a tree for the root. */
export interface PlannedResponses {
  responses: Map<Operation, { [status: string]: PlainValue }>;
  /** New shared responses (`components.responses`, 2.0 `responses`), to add to the root document with insertMissing. */
  shared: { [key: string]: PlainValue };
  statuses: string[];
}

/**
 * Plans the responses each operation lacks (`needs` says which). Each is a `$ref` to the document's own response for
 * that status (one that operations reference, else a shared response meant for it); when it has none and several
 * operations need one, a new shared response that all of them reference; else a response written in place.
 */
export function planResponses(doc: ApiDocument, operations: readonly Operation[], needs: (op: Operation) => readonly ResponseKind[]): PlannedResponses {
  const sharedPath = doc.version === '2.0' ? ['responses'] : ['components', 'responses'];
  const named = sharedResponses(doc);
  const needed = operations.map((op) => [op, needs(op)] as const);
  const count = new Map<string, number>();
  for (const [, kinds] of needed) for (const kind of kinds) count.set(kind.status, (count.get(kind.status) ?? 0) + 1);
  const created: { [name: string]: PlainValue } = {};
  const targets = new Map<string, { file: SpecNode['file']; path: (string | number)[] } | undefined>();
  const target = (kind: ResponseKind) => {
    if (!targets.has(kind.status)) {
      const own = ownResponse(doc, kind);
      if (own) targets.set(kind.status, { file: own.file, path: own.path });
      else if ((count.get(kind.status) ?? 0) > 1 && !named.some(([name]) => name === kind.component)) {
        created[kind.component] = { description: kind.meaning };
        targets.set(kind.status, { file: doc.file, path: [...sharedPath, kind.component] });
      } else targets.set(kind.status, undefined);
    }
    return targets.get(kind.status);
  };
  const responses = new Map<Operation, { [status: string]: PlainValue }>();
  const statuses = new Set<string>();
  for (const [op, kinds] of needed) {
    const own: { [status: string]: PlainValue } = {};
    for (const kind of kinds) {
      const to = target(kind);
      own[kind.status] = to ? { $ref: refTo(op.node.file, to.file, to.path) } : { description: kind.meaning };
      statuses.add(kind.status);
    }
    responses.set(op, own);
  }
  const shared = Object.keys(created).length === 0 ? {}
    : sharedPath.reduceRight<{ [key: string]: PlainValue }>((tree, key) => ({ [key]: tree }), created);
  return { responses, shared, statuses: [...statuses].sort((a, b) => statusRank(a) - statusRank(b)) };
}

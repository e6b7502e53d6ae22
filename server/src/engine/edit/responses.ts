/** Where a fix puts new responses in an operation, so that its statuses stay in order, and which responses it can reuse. */
import type { TextEdit } from '../types';
import type { SpecNode } from '../spec/load';
import { isObject, type ApiDocument, type Operation } from '../spec/model';
import { memoize } from '../memo';
import { insertEntries, replaceValue, type PlainValue } from './edits';

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

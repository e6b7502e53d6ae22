/**
 * Security knowledge the auth checks and fixes share: where requirements are written, which operations use a scheme,
 * which scopes a scheme defines, whether an operation documents how it refuses a caller.
 */
import type { SpecNode } from '../../spec/load';
import { child, entries, isObject, items, operationLabel, stringValue, type ApiDocument, type Operation } from '../../spec/model';
import { counted } from '../report';

/** One scheme named inside one written security requirement (`- oauth: [read]`). */
export interface RequirementEntry {
  /** The scheme name: its key is the name, its value the list of scopes. */
  node: SpecNode;
  name: string;
  /** Operations this requirement applies to: the operation that writes it, or every operation inheriting the root one. */
  operations: Operation[];
  /** Whether it is written in the document's root `security`. */
  root: boolean;
}

/** Every scheme entry of every written requirement: the root `security` once, then each operation's own. */
export function requirementEntries(doc: ApiDocument): RequirementEntry[] {
  const found: RequirementEntry[] = [];
  const collect = (list: SpecNode | undefined, operations: Operation[], root: boolean) => {
    for (const alternative of items(list)) {
      for (const [name, node] of entries(alternative)) found.push({ node, name, operations, root });
    }
  };
  collect(child(doc.root, 'security'), doc.operations.filter((op) => op.security.source === 'root'), true);
  for (const op of doc.operations) {
    if (op.security.source === 'operation') collect(op.security.node, [op], false);
  }
  return found;
}

/** Who a requirement entry concerns, for messages: "GET /users" or "the root security requirement (12 operations)". */
export function requirementOwner(entry: RequirementEntry): string {
  if (!entry.root) return operationLabel(entry.operations[0]);
  return `the root security requirement (${counted(entry.operations.length, 'operation')})`;
}

/** Operations whose effective security names each scheme, by scheme name. */
export function schemeUsers(doc: ApiDocument): Map<string, Operation[]> {
  const users = new Map<string, Operation[]>();
  for (const op of doc.operations) {
    const names = new Set(op.security.alternatives.flatMap((alt) => alt.schemes.map((s) => s.name)));
    for (const name of names) {
      const list = users.get(name);
      if (list) list.push(op); else users.set(name, [op]);
    }
  }
  return users;
}

/** The lower-cased string under `key`, or '' when absent. */
export function lowerString(node: SpecNode, key: string): string {
  return stringValue(node, key)?.toLowerCase() ?? '';
}

/** The scopes an OAuth2 scheme defines: 2.0 `scopes`, 3.x the union of `flows.*.scopes`; undefined when it has no scope map at all. */
export function definedScopes(scheme: SpecNode, version: ApiDocument['version']): Set<string> | undefined {
  const maps = version === '2.0'
    ? [child(scheme, 'scopes')]
    : entries(child(scheme, 'flows')).map(([, flow]) => child(flow, 'scopes'));
  const present = maps.filter((m): m is SpecNode => m !== undefined && isObject(m.value));
  if (present.length === 0) return undefined;
  return new Set(present.flatMap((m) => Object.keys(m.value as object)));
}

/** Responses that tell a caller its credential was missing, invalid or insufficient (a `4XX` range covers both). */
const AUTH_FAILURE_STATUS = /^(401|403|4xx)$/i;

/** Whether an operation documents how it refuses a caller: a 401, a 403 or a `4XX` response. */
export function documentsAuthFailure(op: Operation): boolean {
  return op.responses.some((r) => AUTH_FAILURE_STATUS.test(r.status));
}

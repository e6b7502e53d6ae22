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

/** Why each weak HTTP authentication scheme (RFC 7235 registry names) is weak. */
export const WEAK_HTTP = new Map([
  ['basic', 'HTTP Basic sends a reusable credential, merely base64-encoded, with every request, so any logged, cached or intercepted request exposes it'],
  ['digest', 'HTTP Digest usually relies on MD5, lets an observer crack the password offline and can be downgraded to weaker variants'],
  ['negotiate', 'HTTP Negotiate can fall back to NTLM, which is open to relay and pass-the-hash attacks, and is meant for intranets rather than public APIs'],
  ['oauth', 'OAuth 1.0 is superseded by OAuth 2.0 and signs requests with a long-lived shared secret, commonly with HMAC-SHA1'],
]);

/** Why the weak OAuth2 flows are weak. */
export const WEAK_FLOWS = new Map([
  ['implicit', 'the implicit flow returns the access token in the redirect URL, where it leaks through browser history, logs and Referer headers; the OAuth 2.0 Security BCP (RFC 9700) deprecates it in favour of the authorization code flow with PKCE'],
  ['password', "the resource owner password flow hands the user's password to the client application and rules out multi-factor login; the OAuth 2.0 Security BCP (RFC 9700) says it must not be used"],
]);

/** The OAuth2 flows of a scheme (3.x: the keys of `flows`; 2.0: its `flow`, under its 3.x name). */
function oauthFlows(scheme: SpecNode, version: ApiDocument['version']): string[] {
  if (version !== '2.0') return entries(child(scheme, 'flows')).map(([flow]) => flow);
  const flow = lowerString(scheme, 'flow');
  return [{ accesscode: 'authorizationCode', application: 'clientCredentials' }[flow] ?? flow];
}

/**
 * How weak a scheme is, 0 for the strongest: short-lived tokens (OAuth2 with a flow that is not weak, OpenID
 * Connect, mutual TLS, HTTP bearer); then API keys in a header or cookie; then API keys in the query string and
 * kinds not known here; then weak mechanisms (HTTP Basic, Digest, Negotiate, OAuth 1.0, only weak OAuth2 flows).
 */
export function schemeWeakness(scheme: SpecNode, version: ApiDocument['version']): number {
  const type = lowerString(scheme, 'type');
  if (type === 'oauth2') return oauthFlows(scheme, version).some((flow) => !WEAK_FLOWS.has(flow)) ? 0 : 3;
  if (type === 'openidconnect' || type === 'mutualtls') return 0;
  if (type === 'http') return lowerString(scheme, 'scheme') === 'bearer' ? 0 : WEAK_HTTP.has(lowerString(scheme, 'scheme')) ? 3 : 2;
  if (type === 'basic') return 3;
  if (type === 'apikey') return lowerString(scheme, 'in') === 'query' ? 2 : 1;
  return 2;
}

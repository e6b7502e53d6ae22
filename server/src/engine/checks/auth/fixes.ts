/**
 * Quick fixes the auth checks share: require a scheme on an operation or on a whole document, declare an operation
 * public on purpose, document its 401 and 403 responses. Every edit comes from the style-keeping primitives of `edit/edits.ts`.
 */
import type { Fix, TextEdit } from '../../types';
import type { SpecNode } from '../../spec/load';
import type { SourceFile } from '../../spec/source';
import { child, entries, isObject, items, WRITE_METHODS, type ApiDocument, type Operation } from '../../spec/model';
import { PUBLIC_KEY } from '../../spec/extensions';
import { PUBLIC_PLACEHOLDER } from '../../spec/suppression';
import { attempt, fixes } from '../../edit/fixes';
import { insertEntries, insertEntry, insertMissing, refTo, removeEntry, removeItem, replaceScalar, replaceValue, type PlainValue } from '../../edit/edits';
import { ownResponse, planResponses, writeIntoOperation, writerIntoOperation, type PlannedResponses, type ResponseKind } from '../../edit/responses';
import { memoize } from '../../memo';
import { squash } from '../words';
import { definedScopes, documentsAuthFailure, lowerString, schemeWeakness } from './knowledge';

/** The name of the scheme a fix declares when the document declares none. */
const NEW_SCHEME = 'bearerAuth';

const isEmptyRequirement = (alt: SpecNode) => isObject(alt.value) && Object.keys(alt.value).length === 0;

/**
 * Makes an operation require a credential. `security: []` or a list of only `{}` is replaced, a single `{}`
 * alternative beside real ones is removed, and an operation without its own `security` gets one: one fix per
 * declared scheme (and the combination the document requires, when it requires several together), the strongest
 * first; when the document declares none, a bearer scheme is declared in the root document by the same fix. The 401
 * and 403 responses the operation then needs are documented with it. Suggestions: they change who may call the
 * operation.
 */
export function requireSchemeFixes(op: Operation): Fix[] {
  const own = op.security.source === 'operation' ? child(op.node, 'security') : undefined;
  const alternatives = items(own);
  const anonymous = alternatives.filter(isEmptyRequirement);
  const named = alternatives.filter((alt) => isObject(alt.value) && !isEmptyRequirement(alt));
  if (named.length > 0 && anonymous.length !== 1) return [];
  // a protected operation can refuse its caller: it documents how, or auth-missing-401-403 would ask next
  let responses: { [status: string]: PlainValue };
  try { responses = planAuthResponses(op.document, [op]).responses.get(op) ?? {}; } catch { return []; }
  const documenting = Object.keys(responses).length > 0 ? `, documenting ${Object.keys(responses).join(' and ')}` : '';
  if (named.length > 0) {
    return fixes(() => {
      // the named alternatives already say how to authenticate: only the anonymous one goes
      const schemes = named.map((alt) => Object.keys(alt.value as object).join(' + '));
      const removal = removeItem(op.node.file, own!.value as object, alternatives.indexOf(anonymous[0]));
      // without a responses map, a new one would follow the removed item: left to the 401/403 fix
      const edits = op.responsesNode ? [removal, ...writeIntoOperation(op, {}, responses)] : [removal];
      return { title: `Require ${schemes.join(' or ')} (remove the anonymous '{}' alternative)${op.responsesNode ? documenting : ''}`,
        kind: 'suggestion', edits };
    });
  }
  let write: (values: { [key: string]: PlainValue }) => TextEdit[];
  try { write = writerIntoOperation(op, responses); } catch { return []; }
  return schemeChoices(op).flatMap((choice) => fixes(() => {
    const edits = write({ security: [choice.requirement] });
    // after the operation's edits: when both land at the end of one file, the operation's lines come first
    edits.push(...insertMissing(op.document.file, op.document.root.value as object, choice.declare));
    return { title: `Require ${Object.keys(choice.requirement).join(' + ')}${documenting}`, kind: 'suggestion', edits };
  }));
}

/** The schemes to require (all together), their scopes, and what the root document must declare for them. */
interface Choice { requirement: { [scheme: string]: string[] }; declare: { [key: string]: PlainValue } }

/**
 * What an operation may require, with the scopes its siblings ask for (see siblingScopes): the document's convention
 * (see conventionalSchemes), then every other declared scheme, the strongest first (the convention first among equals).
 */
function schemeChoices(op: Operation): Choice[] {
  const doc = op.document;
  const scopes = (name: string, scheme: SpecNode) => siblingScopes(op, name, scheme);
  const conventional = conventionalSchemes(doc);
  if (!conventional) {
    const declared = documentSchemes(doc, scopes);
    return declared ? [declared] : [];
  }
  const others = [...doc.securitySchemes.keys()].filter((name) => conventional.length > 1 || name !== conventional[0]).map((name) => [name]);
  const weakness = (names: string[]) => Math.max(...names.map((name) => schemeWeakness(doc.securitySchemes.get(name)!, doc.version)));
  return [conventional, ...others]
    .map((names, order) => ({ names, order, weakness: weakness(names) }))
    .sort((a, b) => a.weakness - b.weakness || a.order - b.order)
    .map(({ names }) => ({ requirement: Object.fromEntries(names.map((name) => [name, scopes(name, doc.securitySchemes.get(name)!)])), declare: {} }));
}

/**
 * The schemes the document requires by convention, each with the scopes `scopes` gives it; when the document declares
 * no scheme at all, a bearer scheme, with what declares it in the root document.
 */
function documentSchemes(doc: ApiDocument, scopes: (name: string, scheme: SpecNode) => string[]): Choice | undefined {
  const names = conventionalSchemes(doc);
  if (names) return { requirement: Object.fromEntries(names.map((name) => [name, scopes(name, doc.securitySchemes.get(name)!)])), declare: {} };
  // schemes written but unreadable (a broken $ref) are not replaced by another one
  if (entries(doc.securitySchemesNode).length > 0) return undefined;
  return { requirement: { [NEW_SCHEME]: [] }, declare: bearerDeclaration(doc, NEW_SCHEME) };
}

/** What declares a bearer token scheme named `name` in the root document. */
function bearerDeclaration(doc: ApiDocument, name: string): { [key: string]: PlainValue } {
  return doc.version === '2.0'
    // 2.0 has no bearer scheme: an API key in the Authorization header is its usual stand-in
    ? { securityDefinitions: { [name]: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Access token in the Authorization header: Bearer <token>' } } }
    : { components: { securitySchemes: { [name]: { type: 'http', scheme: 'bearer' } } } };
}

/** Declares a scheme that requirements name but nothing declares, as a bearer token scheme (the author may change the kind). */
export function declareSchemeFix(doc: ApiDocument, name: string): Fix | undefined {
  return attempt(() => ({
    title: `Declare '${name}' as a bearer token scheme`, kind: 'suggestion',
    edits: insertMissing(doc.file, doc.root.value as object, bearerDeclaration(doc, name)),
  }));
}

/**
 * Defines an OAuth2 scope a requirement uses in every scope map of its scheme (2.0: its `scopes`; 3.x: each flow's),
 * so that a token from any of its flows may carry it; the description says who asks for it, for the author to refine.
 */
export function defineScopeFix(doc: ApiDocument, schemeName: string, scheme: SpecNode, scope: string, owner: string): Fix | undefined {
  return attempt(() => {
    const maps = doc.version === '2.0' ? [child(scheme, 'scopes')] : entries(child(scheme, 'flows')).map(([, flow]) => child(flow, 'scopes'));
    const edits = maps.filter((m): m is SpecNode => m !== undefined && isObject(m.value) && !(scope in (m.value as object)))
      .map((m) => insertEntry(m.file, m.value as object, scope, `Required by ${owner}`));
    return edits.length > 0 ? { title: `Define scope '${scope}' in '${schemeName}'`, kind: 'suggestion', edits } : undefined;
  });
}

/** Empties the scope list of a requirement on a scheme that is not OAuth2 (OpenAPI 2.0 and 3.0 allow no roles there). */
export function emptyScopesFix(requirement: SpecNode, schemeName: string): Fix | undefined {
  const alternative = requirement.parent;
  if (!isObject(alternative)) return undefined;
  return attempt(() => ({ title: `Require '${schemeName}' with no scopes ([])`, kind: 'suggestion', edits: [replaceValue(requirement.file, alternative, schemeName, [])] }));
}

/** Replaces a weak HTTP scheme (Basic, Digest, Negotiate, OAuth 1.0) by bearer tokens: `scheme: bearer`. */
export function bearerInsteadFix(scheme: SpecNode): Fix | undefined {
  return attempt(() => ({ title: 'Use bearer tokens instead (scheme: bearer)', kind: 'suggestion',
    edits: [replaceScalar(scheme.file, scheme.file.spanOf(scheme.value as object, 'scheme', 'value'), 'bearer')] }));
}

/**
 * Replaces the OAuth2 implicit or password flow (3.x) by the authorization code flow: removed when the scheme has
 * one already; otherwise renamed, with the endpoint the new flow needs next to the one it has (`/authorize` and
 * `/token` beside each other, as the servers that offer both place them) and token refresh at the token endpoint.
 */
export function authorizationCodeFix(flows: SpecNode, weak: string): Fix | undefined {
  return attempt(() => {
    const map = flows.value as Record<string, unknown>;
    const flow = child(flows, weak);
    if (!flow || !isObject(flow.value)) return undefined;
    if ('authorizationCode' in map) {
      return { title: `Remove the ${weak} flow (authorizationCode stays)`, kind: 'suggestion', edits: [removeEntry(flows.file, map, weak)] };
    }
    const written = flow.value as Record<string, unknown>;
    const known = typeof written.authorizationUrl === 'string' ? written.authorizationUrl : typeof written.tokenUrl === 'string' ? written.tokenUrl : undefined;
    const sibling = (endpoint: string) => (known === undefined ? undefined : siblingUrl(known, endpoint));
    const missing: { [key: string]: PlainValue } = {};
    const authorizationUrl = typeof written.authorizationUrl === 'string' ? written.authorizationUrl : sibling('authorize');
    const tokenUrl = typeof written.tokenUrl === 'string' ? written.tokenUrl : sibling('token');
    if (authorizationUrl === undefined || tokenUrl === undefined) return undefined;
    if (!('authorizationUrl' in written)) missing.authorizationUrl = authorizationUrl;
    if (!('tokenUrl' in written)) missing.tokenUrl = tokenUrl;
    if (!('refreshUrl' in written)) missing.refreshUrl = tokenUrl;
    return { title: 'Use the authorization code flow instead (with PKCE)', kind: 'suggestion', edits: [
      replaceScalar(flows.file, flows.file.spanOf(map, weak, 'key'), 'authorizationCode'),
      insertEntries(flows.file, written, missing),
    ] };
  });
}

/** The URL of `endpoint` beside `url` (its last path segment replaced); undefined when `url` is no absolute URL. */
function siblingUrl(url: string, endpoint: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/[^/]*$/, endpoint);
  parsed.search = '';
  return parsed.href;
}

/**
 * Makes a document that requires authentication nowhere require it everywhere: a root `security` requirement naming
 * the document's schemes (a bearer scheme is declared when it has none), `security: []` on the operations that must
 * stay open (public by intent, CORS preflights, traces) so the root requirement does not close them, and the 401
 * and 403 responses the protected operations then need. A suggestion: it changes who may call the API.
 */
export function requireEverywhereFix(doc: ApiDocument, protect: readonly Operation[]): Fix | undefined {
  return attempt(() => {
    const choice = documentSchemes(doc, () => []);
    if (!choice) return undefined;
    const protecting = new Set(protect);
    const plan = planAuthResponses(doc, protect);
    const edits: TextEdit[] = [];
    for (const op of doc.operations) {
      if (protecting.has(op)) edits.push(...writeIntoOperation(op, {}, plan.responses.get(op)));
      else if (op.security.source !== 'operation') edits.push(...writeIntoOperation(op, { security: [] }));
    }
    // after the operations' edits: when they land at the end of the file too, the operations' lines come first
    const root = doc.root.value as Record<string, unknown>;
    const requirement = { security: [choice.requirement] };
    if ('security' in root) edits.push(replaceValue(doc.file, root, 'security', requirement.security));
    edits.push(...insertMissing(doc.file, root, 'security' in root ? {} : requirement, choice.declare, plan.shared));
    return { title: `Require ${Object.keys(choice.requirement).join(' + ')} on every operation (at the root), documenting 401 and 403`, kind: 'suggestion', edits };
  });
}

/**
 * The schemes the document itself requires: the first alternative of the root requirement, else the alternative
 * operations use most (Cloudflare's `api_email` + `api_key`), else the first declared scheme; only declared ones.
 */
export const conventionalSchemes = memoize((doc: ApiDocument): string[] | undefined => {
  const declared = (names: string[]) => names.length > 0 && names.every((name) => doc.securitySchemes.has(name));
  let names = items(child(doc.root, 'security')).map((alt) => (isObject(alt.value) ? Object.keys(alt.value) : [])).find(declared);
  if (!names) {
    const uses = new Map<string, { names: string[]; count: number }>();
    for (const op of doc.operations) {
      if (op.security.source !== 'operation') continue;
      for (const alt of op.security.alternatives) {
        const schemes = alt.schemes.map((s) => s.name);
        if (!declared(schemes)) continue;
        const key = schemes.join('\0');
        const use = uses.get(key) ?? { names: schemes, count: 0 };
        use.count++;
        uses.set(key, use);
      }
    }
    let best: { names: string[]; count: number } | undefined;
    for (const use of uses.values()) if (!best || use.count > best.count) best = use;
    const first = doc.securitySchemes.keys().next();
    names = best?.names ?? (first.done ? undefined : [first.value]);
  }
  return names;
});

/**
 * The OAuth2 scopes to require, when the document makes them obvious: every other operation of the same kind (read
 * or write) that requires the scheme, on the same path first, else in the whole document, asks for the same
 * defined scopes. Otherwise none, for the author to fill in.
 */
function siblingScopes(op: Operation, name: string, scheme: SpecNode): string[] {
  if (lowerString(scheme, 'type') !== 'oauth2') return [];
  const defined = definedScopes(scheme, op.document.version) ?? new Set<string>();
  const write = WRITE_METHODS.has(op.method);
  const kin = op.document.operations.filter((o) => o !== op && WRITE_METHODS.has(o.method) === write);
  for (const group of [kin.filter((o) => o.pathItem.value === op.pathItem.value), kin]) {
    const lists = new Map<string, string[]>();
    for (const o of group) {
      for (const alt of o.security.alternatives) {
        for (const s of alt.schemes) if (s.name === name) lists.set([...s.scopes].sort().join(' '), s.scopes);
      }
    }
    if (lists.size === 0) continue;
    const [scopes] = lists.values();
    return lists.size === 1 && scopes.every((s) => defined.has(s)) ? scopes : [];
  }
  return [];
}

/**
 * Declares an operation public on purpose: `security: []` when it has no `security` of its own (an operation that
 * already lists a `{}` alternative keeps its optional sign-in), and `x-api-sentinel-public` with a placeholder
 * reason for the author to replace. A suggestion: it records a decision only the author can make.
 */
export function markPublicFix(op: Operation): Fix | undefined {
  return attempt(() => {
    const values: { [key: string]: PlainValue } = {};
    if (op.security.source !== 'operation') values.security = [];
    values[PUBLIC_KEY] = PUBLIC_PLACEHOLDER;
    return { title: 'Mark as intentionally public (give the reason)', kind: 'suggestion', edits: writeIntoOperation(op, values) };
  });
}

/** The auth failure responses a protected operation should document, and how a shared response meant for each is named. */
const AUTH_FAILURES: ResponseKind[] = [
  { status: '401', meantFor: (name) => /unauthori[sz]ed|unauthenticated|notauthenticated|authenticationrequired|401/.test(squash(name)),
    component: 'Unauthorized', meaning: 'Missing or invalid credentials' },
  { status: '403', meantFor: (name) => /forbidden|accessdenied|permissiondenied|notpermitted|insufficientscope|403/.test(squash(name)),
    component: 'Forbidden', meaning: 'The credentials do not allow this operation' },
];

/** The 401 and 403 responses operations that document no auth failure lack (see planResponses). */
function planAuthResponses(doc: ApiDocument, operations: readonly Operation[]): PlannedResponses {
  return planResponses(doc, operations, (op) => {
    if (documentsAuthFailure(op)) return [];
    const written = new Set(op.responses.map((r) => r.status));
    return AUTH_FAILURES.filter((failure) => !written.has(failure.status));
  });
}

/**
 * Documents the 401 and 403 responses operations lack: a `$ref` to the document's own response for that status when
 * it has one; for several operations, a shared `Unauthorized` and `Forbidden` they all reference; else an inline
 * response with a description. Safe: documentation changes no behaviour.
 */
export function authResponsesFix(operations: readonly Operation[]): Fix | undefined {
  return attempt(() => {
    if (operations.length === 0) return undefined;
    const doc = operations[0].document;
    const plan = planAuthResponses(doc, operations);
    if (plan.statuses.length === 0) return undefined;
    const edits = operations.flatMap((op) => writeIntoOperation(op, {}, plan.responses.get(op)));
    edits.push(...insertMissing(doc.file, doc.root.value as object, plan.shared));
    const to = operations.length > 1 ? ` to the ${operations.length} operations` : '';
    return { title: `Add ${plan.statuses.join(' and ')} response${plan.statuses.length > 1 ? 's' : ''}${to}`, kind: 'safe', edits };
  });
}

/** The 401 and 403 responses of a new operation written in `file`: each a `$ref` to the document's own when it has one. */
export function authFailureResponses(doc: ApiDocument, file: SourceFile): { [status: string]: PlainValue } {
  const values: { [status: string]: PlainValue } = {};
  for (const failure of AUTH_FAILURES) {
    const own = ownResponse(doc, failure);
    values[failure.status] = own ? { $ref: refTo(file, own.file, own.path) } : { description: failure.meaning };
  }
  return values;
}

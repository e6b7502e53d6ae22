/**
 * Quick fixes the auth checks share: require a scheme on an operation, declare an operation public on purpose,
 * document its 401 and 403 responses. Every edit comes from the style-keeping primitives of `edit/edits.ts`.
 */
import type { Fix, TextEdit } from '../../types';
import type { SpecNode } from '../../spec/load';
import type { SourceFile } from '../../spec/source';
import { child, entries, isObject, items, WRITE_METHODS, type ApiDocument, type Operation } from '../../spec/model';
import { PUBLIC_KEY } from '../../spec/extensions';
import { PUBLIC_PLACEHOLDER } from '../../spec/suppression';
import { attempt } from '../../edit/fixes';
import { insertAtPath, insertEntries, refTo, removeItem, replaceValue, type PlainValue } from '../../edit/edits';
import { keyAfterStatus } from '../../edit/responses';
import { memoize } from '../../memo';
import { squash } from '../words';
import { definedScopes, documentsAuthFailure, lowerString } from './knowledge';

/** The name of the scheme a fix declares when the document declares none. */
const NEW_SCHEME = 'bearerAuth';

const isEmptyRequirement = (alt: SpecNode) => isObject(alt.value) && Object.keys(alt.value).length === 0;

/**
 * Makes an operation require a credential. `security: []` or a list of only `{}` is replaced, a single `{}`
 * alternative beside real ones is removed, and an operation without its own `security` gets one, naming the schemes
 * the document already requires; when it declares none, a bearer scheme is declared in the root document by the
 * same fix. The 401 and 403 responses the operation then needs are documented with it. A suggestion: it changes
 * who may call the operation.
 */
export function requireSchemeFix(op: Operation): Fix | undefined {
  return attempt(() => {
    const own = op.security.source === 'operation' ? child(op.node, 'security') : undefined;
    const alternatives = items(own);
    const anonymous = alternatives.filter(isEmptyRequirement);
    const named = alternatives.filter((alt) => isObject(alt.value) && !isEmptyRequirement(alt));
    // a protected operation can refuse its caller: it documents how, or auth-missing-401-403 would ask next
    const responses = documentsAuthFailure(op) ? {} : missingAuthResponses(op);
    const documenting = Object.keys(responses).length > 0 ? `, documenting ${Object.keys(responses).join(' and ')}` : '';
    if (anonymous.length === 1 && named.length > 0) {
      // the named alternatives already say how to authenticate: only the anonymous one goes
      const schemes = named.map((alt) => Object.keys(alt.value as object).join(' + '));
      const removal = removeItem(op.node.file, own!.value as object, alternatives.indexOf(anonymous[0]));
      // without a responses map, a new one would follow the removed item: left to the 401/403 fix
      const edits = op.responsesNode ? [removal, ...writeIntoOperation(op, {}, responses)] : [removal];
      return { title: `Require ${schemes.join(' or ')} (remove the anonymous '{}' alternative)${op.responsesNode ? documenting : ''}`,
        kind: 'suggestion', edits };
    }
    if (named.length > 0) return undefined;
    const choice = chooseSchemes(op);
    if (!choice) return undefined;
    const edits = writeIntoOperation(op, { security: [choice.requirement] }, responses);
    // after the operation's edits: when both land at the end of one file, the operation's lines come first
    if (choice.declare) edits.push(choice.declare);
    return { title: `Require ${Object.keys(choice.requirement).join(' + ')}${documenting}`, kind: 'suggestion', edits };
  });
}

/**
 * Edits that write `values` into the operation (an entry already there is replaced in place, new ones follow its
 * last entry) and `responses` into its responses map (created when it has none).
 */
function writeIntoOperation(op: Operation, values: { [key: string]: PlainValue }, responses: { [status: string]: PlainValue } = {}): TextEdit[] {
  const file = op.node.file;
  const operation = op.node.value as Record<string, unknown>;
  const edits: TextEdit[] = [];
  const added: { [key: string]: PlainValue } = {};
  const map = op.responsesNode;
  if (Object.keys(responses).length > 0) {
    if (map && isObject(map.value)) edits.push(insertEntries(file, map.value, responses, keyAfterStatus(map.value, Object.keys(responses)[0])));
    else values = { ...values, responses };
  }
  for (const [key, value] of Object.entries(values)) {
    if (key in operation) edits.push(replaceValue(file, operation, key, value));
    else added[key] = value;
  }
  if (Object.keys(added).length > 0) edits.push(insertEntries(file, operation, added));
  return edits;
}

/** The schemes to require (all together), their scopes, and the edit that declares them when the document has none. */
interface Choice { requirement: { [scheme: string]: string[] }; declare?: TextEdit }

function chooseSchemes(op: Operation): Choice | undefined {
  const doc = op.document;
  const names = conventionalSchemes(doc);
  if (names) return { requirement: Object.fromEntries(names.map((name) => [name, siblingScopes(op, name, doc.securitySchemes.get(name)!)])) };
  // schemes written but unreadable (a broken $ref) are not replaced by another one
  if (entries(doc.securitySchemesNode).length > 0) return undefined;
  const declare = doc.version === '2.0'
    // 2.0 has no bearer scheme: an API key in the Authorization header is its usual stand-in
    ? insertAtPath(doc.file, ['securityDefinitions', NEW_SCHEME],
      { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Access token in the Authorization header: Bearer <token>' })
    : insertAtPath(doc.file, ['components', 'securitySchemes', NEW_SCHEME], { type: 'http', scheme: 'bearer' });
  return declare && { requirement: { [NEW_SCHEME]: [] }, declare };
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

/** The auth failure responses an operation should document, and how to tell a shared response meant for each. */
const AUTH_FAILURES = [
  { status: '401', name: /unauthori[sz]ed|unauthenticated|notauthenticated|authenticationrequired|401/, meaning: 'Missing or invalid credentials' },
  { status: '403', name: /forbidden|accessdenied|permissiondenied|notpermitted|insufficientscope|403/, meaning: 'The credentials do not allow this operation' },
];

/**
 * Responses a document already has for 401 and 403, by status: one another operation references for that status
 * (the document's own convention), else a shared response named for it (`Unauthorized`, `Forbidden`).
 */
const reusableAuthResponses = memoize((doc: ApiDocument): Map<string, SpecNode> => {
  const found = new Map<string, SpecNode>();
  for (const op of doc.operations) {
    for (const response of op.responses) {
      const site = response.site.value;
      if ((response.status === '401' || response.status === '403') && !found.has(response.status)
        && isObject(site) && typeof site.$ref === 'string') found.set(response.status, response.node);
    }
  }
  const owner = doc.version === '2.0' ? doc.root : child(doc.root, 'components');
  for (const [name, node] of entries(owner && child(owner, 'responses'))) {
    for (const failure of AUTH_FAILURES) {
      if (!found.has(failure.status) && failure.name.test(squash(name))) found.set(failure.status, node);
    }
  }
  return found;
});

/**
 * Documents the 401 and 403 responses an operation lacks: a `$ref` to the document's existing response for that
 * status when there is one, else an inline response with a description. Safe: documentation changes no behaviour.
 */
export function authResponsesFix(op: Operation): Fix | undefined {
  return attempt(() => {
    const responses = missingAuthResponses(op);
    const statuses = Object.keys(responses);
    if (statuses.length === 0) return undefined;
    return { title: `Add ${statuses.join(' and ')} response${statuses.length > 1 ? 's' : ''}`, kind: 'safe',
      edits: writeIntoOperation(op, {}, responses) };
  });
}

/** The 401 and 403 responses the operation does not write, each a `$ref` to the document's own when it has one. */
function missingAuthResponses(op: Operation): { [status: string]: PlainValue } {
  return authFailureResponses(op.document, op.node.file, new Set(op.responses.map((r) => r.status)));
}

/**
 * The 401 and 403 responses not among `written`, as written in `file` of `document`: each a `$ref` to the
 * document's own response for that status when it has one, else an inline response with a description.
 */
export function authFailureResponses(document: ApiDocument, file: SourceFile, written: ReadonlySet<string>): { [status: string]: PlainValue } {
  const reusable = reusableAuthResponses(document);
  const values: { [status: string]: PlainValue } = {};
  for (const failure of AUTH_FAILURES) {
    if (written.has(failure.status)) continue;
    const target = reusable.get(failure.status);
    values[failure.status] = target ? { $ref: refTo(file, target.file, target.path) } : { description: failure.meaning };
  }
  return values;
}

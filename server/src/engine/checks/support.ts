/** Knowledge several checks share: what makes an operation public by intent, ID-addressed, or an auth endpoint. */
import { isPublicPath, type ResolvedConfig } from '../config';
import type { SpecNode } from '../spec/load';
import { child, isObject, type Operation } from '../spec/model';

export const PUBLIC_KEY = 'x-api-sentinel-public';
/** `x-api-sentinel-ignore: { rule-id: reason }` suppresses findings on the object and below it. */
export const IGNORE_KEY = 'x-api-sentinel-ignore';

const wordCache = new Map<string, readonly string[]>();

/**
 * Splits an identifier into lower-case words: `userId`, `user_id`, `user-id` and `USER_ID` all give ['user', 'id'].
 * Names repeat across a spec, so splits are kept; the returned list is shared and must not be changed.
 */
export function words(name: string): readonly string[] {
  let cached = wordCache.get(name);
  if (!cached) {
    cached = split(name);
    if (wordCache.size > 50_000) wordCache.clear();
    wordCache.set(name, cached);
  }
  return cached;
}

function split(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const AUTH_SEGMENTS = new Set([
  'login', 'logon', 'signin', 'sign-in', 'log-in', 'signup', 'sign-up', 'register', 'registration', 'token', 'tokens',
  'refresh', 'forgot-password', 'reset-password', 'password-reset', 'forgot', 'authenticate', 'authorize', 'otp',
  'session', 'sessions', 'verify-email', 'confirm-email', 'magic-link',
]);
const PASSWORD_SEGMENTS = new Set(['reset', 'forgot', 'recover', 'recovery']);

/** Last segments that name a login only sometimes: Stripe's `POST /v1/tokens` and `/checkout/sessions` are ordinary objects. */
const AMBIGUOUS_SEGMENTS = new Set(['token', 'tokens', 'session', 'sessions', 'refresh']);

function hasAmbiguousAuthName(op: Operation): boolean {
  const segments = op.path.toLowerCase().split('/').filter((s) => s && !s.startsWith('{'));
  return AMBIGUOUS_SEGMENTS.has(segments[segments.length - 1] ?? '');
}

/**
 * Login, token, registration, password-reset and OTP endpoints: public by nature, and prime rate-limit targets.
 * A name that only may mean a login (`/tokens`, `/sessions`, `/refresh`) counts when the operation accepts anonymous callers.
 */
export function isAuthEndpoint(op: Operation): boolean {
  if (op.method !== 'post' && !(op.method === 'get' && /\/(authorize|callback)$/i.test(op.path))) return false;
  if (hasAmbiguousAuthName(op) && !op.security.anonymous) return false;
  const segments = op.path.toLowerCase().split('/').filter((s) => s && !s.startsWith('{'));
  const last = segments[segments.length - 1] ?? '';
  const previous = segments[segments.length - 2] ?? '';
  if (AUTH_SEGMENTS.has(last) || AUTH_SEGMENTS.has(last.replace(/_/g, '-'))) return true;
  if ((previous === 'password' || previous === 'passwords') && PASSWORD_SEGMENTS.has(last)) return true;
  const id = op.operationId ? words(op.operationId).join(' ') : '';
  return /\b(login|log in|sign in|sign up|signin|signup|register)\b/.test(id);
}

const HEALTH_PATH = /^\/(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping|\.well-known\/.*|openapi\.(?:json|yaml))$/i;

/** Health and discovery endpoints answer anyone by design. */
export function isHealthEndpoint(op: Operation): boolean {
  return (op.method === 'get' || op.method === 'head') && HEALTH_PATH.test(op.path);
}

export interface PublicIntent {
  kind: 'declared' | 'auth-endpoint' | 'health' | 'config';
  reason: string;
}

/**
 * Why an operation is public on purpose, if it is: declared with `x-api-sentinel-public: <reason>` (on the operation
 * or its path item), an authentication or health endpoint, or a configured public path.
 */
export function publicIntent(op: Operation, config: ResolvedConfig): PublicIntent | undefined {
  for (const owner of [op.node, op.pathItem]) {
    const declared = (owner.value as Record<string, unknown>)[PUBLIC_KEY];
    if (typeof declared === 'string' && declared.trim() !== '') return { kind: 'declared', reason: declared };
  }
  if (isAuthEndpoint(op)) return { kind: 'auth-endpoint', reason: 'authentication endpoint' };
  if (isHealthEndpoint(op)) return { kind: 'health', reason: 'health or discovery endpoint' };
  if (isPublicPath(op.method, op.path, config)) return { kind: 'config', reason: 'listed in publicPaths' };
  return undefined;
}

/** Template parameters of the path, e.g. `/users/{id}` gives ['id']. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** Whether a parameter or property name names an object identifier: id, userId, order_id, accountUuid, slug-less keys. */
export function isObjectIdName(name: string): boolean {
  const w = words(name);
  const last = w[w.length - 1];
  return last === 'id' || last === 'ids' || last === 'uuid' || last === 'guid';
}

/** An operation that addresses one object through an identifier the client supplies in the path. */
export function isIdAddressed(op: Operation): boolean {
  return pathParameters(op.path).length > 0;
}

/** The node of an operation's method key, where operation-level findings point. */
export function operationSite(op: Operation): { at: SpecNode; part: 'key' } {
  return { at: op.node, part: 'key' };
}

/** Whether the operation requires a credential on every alternative (no anonymous `{}` and not `security: []`). */
export function requiresAuth(op: Operation): boolean {
  return !op.security.anonymous;
}

export function stringValue(node: SpecNode | undefined, key: string): string | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const v = node.value[key];
  return typeof v === 'string' ? v : undefined;
}

export { child };

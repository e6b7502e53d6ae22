/**
 * Kinds of operation several families tell apart: authentication and health endpoints, operations public by intent,
 * administrative operations, operations that require a credential or address one object by id, and APIs that
 * require authentication nowhere.
 */
import { isPublicPath, type ResolvedConfig } from '../config';
import { pathParameters, type ApiDocument, type Operation } from '../spec/model';
import { PUBLIC_KEY } from '../spec/extensions';
import { fact, memoize } from '../memo';
import { words } from './words';

const AUTH_SEGMENTS = new Set([
  'login', 'logon', 'signin', 'sign-in', 'log-in', 'signup', 'sign-up', 'register', 'registration', 'token', 'tokens',
  'refresh', 'forgot-password', 'reset-password', 'password-reset', 'forgot', 'authenticate', 'authorize', 'otp',
  'session', 'sessions', 'verify-email', 'confirm-email', 'magic-link',
]);
const PASSWORD_SEGMENTS = new Set(['reset', 'forgot', 'recover', 'recovery']);

/** Last segments that name a login only sometimes: Stripe's `POST /v1/tokens` and `/checkout/sessions` are ordinary objects. */
const AMBIGUOUS_SEGMENTS = new Set(['token', 'tokens', 'session', 'sessions', 'refresh']);

/**
 * Login, token, registration, password-reset and OTP endpoints: public by nature, and prime rate-limit targets.
 * A name that only may mean a login (`/tokens`, `/sessions`, `/refresh`) counts when the operation accepts anonymous callers.
 */
export const isAuthEndpoint = fact('login', (op: Operation): boolean => isAuthRequest(op.method, op.path, op.security.anonymous, op.operationId));

/**
 * Whether a request (any method case, a path template) is for a login, token, registration, password-reset or OTP
 * endpoint, by its last path segments or its operationId; `anonymous` says whether it accepts anonymous callers.
 */
export function isAuthRequest(method: string, path: string, anonymous: boolean, operationId?: string): boolean {
  const verb = method.toLowerCase();
  if (verb !== 'post' && !(verb === 'get' && /\/(authorize|callback)$/i.test(path))) return false;
  const segments = path.toLowerCase().split('/').filter((s) => s && !s.startsWith('{'));
  const last = segments[segments.length - 1] ?? '';
  const previous = segments[segments.length - 2] ?? '';
  if (AMBIGUOUS_SEGMENTS.has(last) && !anonymous) return false;
  if (AUTH_SEGMENTS.has(last) || AUTH_SEGMENTS.has(last.replace(/_/g, '-'))) return true;
  if ((previous === 'password' || previous === 'passwords') && PASSWORD_SEGMENTS.has(last)) return true;
  const id = operationId ? words(operationId).join(' ') : '';
  return /\b(login|log in|sign in|sign up|signin|signup|register)\b/.test(id);
}

const HEALTH_PATH = /^\/(?:health|healthz|healthcheck|ready|readyz|readiness|live|livez|liveness|ping|\.well-known\/.*|openapi\.(?:json|yaml))$/i;

/** Health and discovery endpoints answer anyone by design. */
function isHealthEndpoint(op: Operation): boolean {
  return isHealthRequest(op.method, op.path);
}

/** Whether a request (any method case) reads a health or discovery endpoint: `GET /health`, `/.well-known/...`. */
export function isHealthRequest(method: string, path: string): boolean {
  const verb = method.toLowerCase();
  return (verb === 'get' || verb === 'head') && HEALTH_PATH.test(path);
}

/**
 * Whether an operation is public on purpose: declared with `x-api-sentinel-public: <reason>` (on the operation or its
 * path item), an authentication or health endpoint, or a configured public path.
 */
export function isPublicByIntent(op: Operation, config: ResolvedConfig): boolean {
  const declared = (owner: { value: unknown }) => {
    const reason = (owner.value as Record<string, unknown>)[PUBLIC_KEY];
    return typeof reason === 'string' && reason.trim() !== '';
  };
  return declared(op.node) || declared(op.pathItem) || isAuthEndpoint(op) || isHealthEndpoint(op) || isPublicPath(op.method, op.path, config);
}

const ADMIN_WORDS = new Set(['admin', 'admins', 'administration', 'administrator', 'administrators', 'superadmin', 'superuser', 'sudo']);
/** Whole path segments that mark back-office operations (as words they are too common: `internal_transfers`). */
const ADMIN_SEGMENTS = new Set(['internal', 'manage', 'management']);

/** A literal path segment that marks an administrators' API: `admin`, `site_admins`, `internal`, `manage`. */
export function isAdminSegment(segment: string): boolean {
  if (segment.startsWith('{')) return false;
  return ADMIN_SEGMENTS.has(segment.toLowerCase()) || words(segment).some((w) => ADMIN_WORDS.has(w));
}

/**
 * Why an operation belongs to an administrators' API, if it does: a path segment, its operationId or a tag says so.
 * Such operations act on other users' behalf and set what others may not, by design.
 */
export const adminMark = fact('admin', (op: Operation): string | undefined => {
  const segment = op.path.split('/').find((s) => s !== '' && isAdminSegment(s));
  if (segment) return `path segment '${segment}'`;
  if (op.operationId && words(op.operationId).some((w) => ADMIN_WORDS.has(w))) return `operationId '${op.operationId}'`;
  const tags = (op.node.value as Record<string, unknown>).tags;
  const tag = Array.isArray(tags) ? tags.find((t) => typeof t === 'string' && words(t).some((w) => ADMIN_WORDS.has(w))) : undefined;
  return tag ? `tag '${tag}'` : undefined;
});

/** An operation of an administrators' API (see adminMark). */
export function isAdminOperation(op: Operation): boolean {
  return adminMark(op) !== undefined;
}

/** An operation that addresses one object through an identifier the client supplies in the path. */
export function isIdAddressed(op: Operation): boolean {
  return pathParameters(op.path).length > 0;
}

/** Whether the operation requires a credential on every alternative (no anonymous `{}` and not `security: []`). */
export function requiresAuth(op: Operation): boolean {
  return !op.security.anonymous;
}

/** CORS preflights and traces: browsers and proxies send them on their own, without credentials, acting on no data. */
export function isPreflightOrTrace(op: Operation): boolean {
  return op.method === 'options' || op.method === 'trace';
}

/**
 * The operations left open when a whole document requires authentication nowhere, for one cause: no operation writes
 * `security` of its own, and the root declares none, an empty one, or one with an anonymous `{}` alternative. Those
 * are every operation but the public-by-intent ones, CORS preflights and traces, at least two of them; an API whose
 * operations differ (some write their own `security`) gets undefined, and its open operations are judged one by one.
 */
export const openByDocument = memoize((doc: ApiDocument, config: ResolvedConfig): Operation[] | undefined => {
  const concerned = doc.operations.filter((op) => !isPreflightOrTrace(op) && !isPublicByIntent(op, config));
  if (concerned.length < 2 || concerned.some((op) => op.security.source === 'operation')) return undefined;
  // the same root requirement (or none) applies to each of them
  return concerned[0].security.anonymous ? concerned : undefined;
});

/**
 * What the route checks know: which routes are public by nature, what anonymous access to a route risks, which routes
 * need a rate limiter of their own, and how to point at a route and at the protections around it.
 */
import type { CheckContext, CodeSite, Report } from '../check';
import type { OperationRef } from '../../types';
import { isPublicPath, type ResolvedConfig } from '../../config';
import type { ChainLink, Route } from '../../code/model';
import { isCodePart, type CodePart, type Mechanism } from '../../code/part';
import { isAdminSegment, isAuthRequest, isHealthRequest } from '../operation-kinds';
import { words } from '../words';

/** The code frontend's model, when the analysis has one. */
export function codeModel(ctx: CheckContext): CodePart | undefined {
  return isCodePart(ctx.code) ? ctx.code : undefined;
}

/** Where a finding about a route goes: its registration, anchored by its key (`GET /users/{id}`). */
export function routeSite(route: Route): CodeSite {
  return { code: { file: route.file, range: route.range, anchor: route.key } };
}

export function routeOperation(route: Route): OperationRef {
  return { method: route.method, path: route.path };
}

/**
 * The literal segments of a route's path, lower-cased; split once per route, which several checks read (the route
 * analysis gives an unchanged route as the same object again after an edit).
 */
const SEGMENTS = new WeakMap<Route, readonly string[]>();

function literalSegments(route: Route): readonly string[] {
  let segments = SEGMENTS.get(route);
  if (!segments) SEGMENTS.set(route, (segments = route.path.toLowerCase().split('/').filter((s) => s !== '' && !s.startsWith('{'))));
  return segments;
}

/** Whether the path names a parameter (`{id}`; `{?}` is a segment the analysis could not read). */
function hasObjectId(route: Route): boolean {
  return /\{[^?}]+\}/.test(route.path);
}

/**
 * Whether a literal segment of the path is one of `vocabulary`, or ends with one as its last word (`product-search`
 * is a search, `search-help` is not); with `anyWord`, whether any of its words is.
 */
function pathHolds(route: Route, vocabulary: ReadonlySet<string>, anyWord = false): boolean {
  return literalSegments(route).some((segment) => {
    if (vocabulary.has(segment)) return true;
    const split = words(segment);
    return anyWord ? split.some((w) => vocabulary.has(w)) : split.length > 0 && vocabulary.has(split[split.length - 1]);
  });
}

const DOCS_SEGMENTS = new Set(['docs', 'api-docs', 'apidocs', 'swagger', 'swagger-ui', 'redoc', 'openapi', 'openapi.json', 'openapi.yaml', 'swagger.json', 'swagger.yaml']);
const WEBHOOK_WORDS = new Set(['webhook', 'webhooks']);

/** Files browsers and crawlers fetch without credentials: `/favicon.ico`, `/robots.txt`, `/sitemap.xml`. */
const WELL_KNOWN_FILE = /\.(?:ico|txt|xml|webmanifest)$/i;

/**
 * Routes that answer anyone by design: login, sign-up, password reset, token refresh and OTP endpoints; health and
 * API documentation; the root page and the files browsers fetch; CORS preflights (`OPTIONS`, sent without
 * credentials); webhooks, which the sender signs instead of authenticating; and the configuration's `publicPaths`. A
 * route mounted below a prefix (`/api/v1/health`) counts as well.
 */
export function isPublicByNature(route: Route, config: ResolvedConfig): boolean {
  const { method, path } = route;
  if (method === 'OPTIONS' || isAuthRequest(method, path, true) || isPublicPath(method, path, config)) return true;
  return isServiceRoute(route) || (method === 'POST' && pathHolds(route, WEBHOOK_WORDS));
}

/**
 * Routes that serve the service rather than its API: the root page and the files browsers fetch, health and
 * discovery endpoints (also below a prefix: `/api/v1/health`), and API documentation.
 */
export function isServiceRoute(route: Route): boolean {
  const { method, path } = route;
  const reads = method === 'GET' || method === 'HEAD';
  if (reads && (path === '/' || WELL_KNOWN_FILE.test(path))) return true;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((_, i) => isHealthRequest(method, `/${segments.slice(i).join('/')}`))) return true;
  // `/docs/{id}` may well be the user's documents: API documentation takes no object id
  return reads && !hasObjectId(route) && literalSegments(route).some((s) => DOCS_SEGMENTS.has(s));
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);
const USER_DATA_WORDS = new Set([
  'user', 'users', 'me', 'account', 'accounts', 'profile', 'profiles', 'customer', 'customers', 'member', 'members',
  'billing', 'payment', 'payments', 'invoice', 'invoices', 'wallet', 'settings',
]);

/**
 * Why anonymous access to a route does harm, when it clearly does: an administrators' API, a write, an object
 * addressed by an id from the request, or user data. Undefined for other reads.
 */
export function anonymousRisk(route: Route): string | undefined {
  if (literalSegments(route).some(isAdminSegment)) return "it belongs to an administrators' API";
  if (WRITES.has(route.method)) return 'it changes data';
  if (hasObjectId(route)) return 'it addresses one object by an id the caller chooses';
  if (pathHolds(route, USER_DATA_WORDS)) return 'it serves user data';
  return undefined;
}

const ONE_TIME_CODE_WORDS = new Set(['otp', 'totp', '2fa', 'mfa', 'passcode', 'one-time', 'onetime', 'verification-code', 'verify-code']);
const SIGN_UP_WORDS = new Set(['signup', 'register', 'registration', 'registrations']);
const RESET_WORDS = new Set(['reset', 'forgot', 'recover', 'recovery']);
const SEARCH_WORDS = new Set(['search', 'query', 'lookup', 'autocomplete', 'suggest', 'suggestions']);
const EXPORT_WORDS = new Set(['export', 'exports', 'download', 'downloads', 'backup', 'backups', 'dump']);
const UPLOAD_WORDS = new Set(['upload', 'uploads', 'import', 'imports', 'attachment', 'attachments', 'avatar', 'files', 'media']);
const EXPENSIVE_WORDS = new Set([
  'generate', 'render', 'convert', 'transcode', 'bulk', 'batch', 'resend', 'invite', 'invites', 'invitation', 'invitations',
  'sms', 'completion', 'completions', 'summarize', 'translate', 'pdf',
]);

/** Why a route needs a rate limiter of its own, the harm without one, and whether it guards credentials (the most urgent case). */
export interface RateRisk { why: string; harm: string; credentials: boolean }

const EXHAUSTION = 'one client can exhaust the backend, or the bill, by calling it in a loop';

/**
 * Routes a client must not call as fast as it likes: authentication, one-time codes, password reset and sign-up
 * (guessing, enumeration, sign-up spam), and costly work: search, export, uploads, generation and messaging.
 */
export function rateRisk(route: Route): RateRisk | undefined {
  const { method } = route;
  const reads = method === 'GET' || method === 'HEAD';
  const changes = !reads && method !== 'OPTIONS';
  const oneTimeCode = changes && pathHolds(route, ONE_TIME_CODE_WORDS);
  if (isAuthRequest(method, route.path, true) || oneTimeCode) {
    if (oneTimeCode) return { why: 'it checks one-time codes', harm: 'attackers can try every code before it expires', credentials: true };
    if (pathHolds(route, RESET_WORDS, true)) return { why: 'it resets passwords', harm: 'attackers can flood mailboxes and guess reset tokens', credentials: true };
    if (pathHolds(route, SIGN_UP_WORDS, true) || /sign[-_]?up/.test(route.path.toLowerCase())) {
      return { why: 'it creates accounts', harm: 'bots can create accounts in bulk and enumerate the ones that exist', credentials: true };
    }
    return { why: 'it checks credentials or issues tokens', harm: 'attackers can guess passwords and tokens as fast as the server answers', credentials: true };
  }
  if (method === 'OPTIONS') return undefined;
  if (pathHolds(route, SEARCH_WORDS)) return { why: 'it runs searches', harm: 'scrapers can page through the data and costly queries can exhaust the database', credentials: false };
  if (pathHolds(route, EXPORT_WORDS)) return { why: 'it exports data', harm: EXHAUSTION, credentials: false };
  if (changes && pathHolds(route, UPLOAD_WORDS)) return { why: 'it accepts uploads', harm: 'one client can fill the storage and tie up the server with large bodies', credentials: false };
  if (changes && pathHolds(route, EXPENSIVE_WORDS)) return { why: 'it starts costly work', harm: EXHAUSTION, credentials: false };
  return undefined;
}

/**
 * Links whose effect the analysis cannot see (unknown middleware, an opt-out it cannot evaluate), and the chain of a
 * router no app mounts: the route may be protected by what cannot be seen, so it is reported at most as info.
 */
export function unseen(route: Route): string | undefined {
  const unknown = route.chain.filter((link) => link.kind === 'unknown');
  if (unknown.length > 0) return `${names(unknown)} in its chain may do it, but what ${unknown.length === 1 ? 'it does' : 'they do'} cannot be seen`;
  if (!route.mounted) return 'no app mounts its router, so the middleware in effect above it cannot be seen';
  return undefined;
}

function names(links: readonly ChainLink[]): string {
  const unique = [...new Set(links.map((l) => l.name))];
  return unique.length <= 2 ? unique.join(' and ') : `${unique.slice(0, 2).join(', ')} and ${unique.length - 2} more`;
}

/**
 * The protection around a route that best shows how the app does it: one applied in the route's own file first, then
 * the one covering the most routes (the first of them on a tie).
 */
export function nearestMechanism(mechanisms: readonly Mechanism[], route: Route): Mechanism | undefined {
  const { inFile, overall } = nearestOf(mechanisms);
  return inFile.get(route.file) ?? overall;
}

/** The protections that cover the most routes, in each file they are applied in and overall, once per list. */
const nearestBy = new WeakMap<readonly Mechanism[], { inFile: Map<string, Mechanism>; overall?: Mechanism }>();

function nearestOf(mechanisms: readonly Mechanism[]): { inFile: Map<string, Mechanism>; overall?: Mechanism } {
  let nearest = nearestBy.get(mechanisms);
  if (!nearest) {
    const inFile = new Map<string, Mechanism>();
    let overall: Mechanism | undefined;
    for (const mechanism of mechanisms) {
      const file = mechanism.appliedAt.file;
      const best = inFile.get(file);
      if (!best || mechanism.routes.length > best.routes.length) inFile.set(file, mechanism);
      if (!overall || mechanism.routes.length > overall.routes.length) overall = mechanism;
    }
    nearestBy.set(mechanisms, (nearest = { inFile, overall }));
  }
  return nearest;
}

/** Route lists as written, by the route array they list: a protection's facts and its related locations both name its routes. */
const listOf = new WeakMap<readonly Route[], string>();

/** "GET /orders", "GET /orders and POST /orders", "GET /orders and 3 other routes"; written once per array (read it once built). */
export function routeList(routes: readonly Route[]): string {
  let list = listOf.get(routes);
  if (list === undefined) listOf.set(routes, (list = writeRouteList(routes)));
  return list;
}

function writeRouteList(routes: readonly Route[]): string {
  const keys = [...new Set(routes.map((r) => r.key))];
  if (keys.length <= 2) return keys.join(' and ');
  return `${keys[0]} and ${keys.length - 1} other routes`;
}

/** What the findings about a route say of the protection nearest it, once per protection. */
const factsOf = new WeakMap<Mechanism, string>();

/**
 * The protection nearest a route as the facts of the route's findings (`CheckContext.aboutRoutes`): where and how it is
 * applied and defined, how it is applied to another route, and the routes it covers as a finding names them.
 */
export function mechanismFacts(mechanism: Mechanism | undefined): string {
  if (!mechanism) return '';
  let facts = factsOf.get(mechanism);
  if (facts === undefined) {
    const { routes, ...applied } = mechanism;
    factsOf.set(mechanism, (facts = JSON.stringify({ ...applied, covers: routes.length, list: routeList(routes) })));
  }
  return facts;
}

/** Related locations built once per protection and verb: every route it misses points at the same places. */
const relatedOf = new WeakMap<Mechanism, Map<string, NonNullable<Report['related']>>>();

/** Related locations for a protection: where it is applied (with what it covers), and where it is defined. */
export function mechanismRelated(mechanism: Mechanism, does: string): NonNullable<Report['related']> {
  let byVerb = relatedOf.get(mechanism);
  if (!byVerb) relatedOf.set(mechanism, (byVerb = new Map()));
  let related = byVerb.get(does);
  if (!related) byVerb.set(does, (related = buildRelated(mechanism, does)));
  return related;
}

function buildRelated(mechanism: Mechanism, does: string): NonNullable<Report['related']> {
  const at = (location: Mechanism['appliedAt'], role: string) => ({
    code: { file: location.file, range: location.range, anchor: `${role} ${location.range.start.line}:${location.range.start.character}` },
  });
  const related: NonNullable<Report['related']> = [
    { ...at(mechanism.appliedAt, 'applied'), message: `${mechanism.name} (${mechanism.evidence}) ${does} ${routeList(mechanism.routes)} from here` },
  ];
  if (mechanism.definedAt) related.push({ ...at(mechanism.definedAt, 'defined'), message: `${mechanism.name} is defined here` });
  return related;
}

/** Route facts: plain data that the checks, the correlator, the CLI's route table and the hover read. */
import type { Range } from '../types';
import type { HandlerFlow } from './flow/model';

export type Framework = 'express' | 'koa' | 'hono' | 'fastify' | 'nestjs' | 'nextjs';

/** What a link of the chain does for the route: checks a credential, limits the request rate, something else, or unknown. */
export type LinkKind = 'auth' | 'rate-limit' | 'other' | 'unknown';

/** Where a link is registered: on the app, on a router (or sub-app), or on the route itself. */
export type LinkScope = 'global' | 'router' | 'route';

/** A place in a project file: the path relative to the root with '/', and an exact 0-based range (UTF-16, like LSP). */
export interface Location { file: string; range: Range }

/** One middleware, hook or guard in effect for a route, in the order it runs. */
export interface ChainLink {
  /** As written where it is applied: `requireAuth`, `passport.authenticate`, `rateLimit`. */
  name: string;
  kind: LinkKind;
  /** Why it has that kind, in one sentence: "calls jsonwebtoken.verify and answers 401", "express-rate-limit". */
  evidence: string;
  /** Where its code is defined in the project, when it can be seen. */
  definedAt?: Location;
  /** The `use(...)` or route argument that applies it. */
  appliedAt: Location;
  /** The call that applies it, shortened: `app.use('/api', ...)`, `@UseGuards(...)`. */
  appliedBy?: string;
  /** How the project's code can apply it to another route, when its expression can be written elsewhere. */
  reuse?: Reuse;
  scope: LinkScope;
  /**
   * The scopes, roles or permissions an auth link demands, as the string literals of the call that applies it, when
   * its name says it checks some (`requireScopes('orders:read')`, `hasRole(['admin'])`).
   */
  grants?: string[];
}

/**
 * A link's expression as written where it is applied (`requireAuth`, `passport.authenticate('jwt')`), and the import
 * that binds its first name in another file; without `import`, it can be written only in `writtenIn`.
 */
export interface Reuse {
  text: string;
  writtenIn: string;
  import?: ImportNeed;
}

/** An import a file needs: `local` bound to export `name` (`default`, `*` for a namespace) of a project file or a package. */
export interface ImportNeed {
  /** A project file relative to the root, or a package name. */
  from: string;
  package: boolean;
  name: string;
  local: string;
}

export interface Handler {
  file: string;
  /** The handler's name where it is declared, or the function itself when it is written inline. */
  range: Range;
  /** As written at the registration (`usersController.list`), absent for an inline function. */
  name?: string;
  /**
   * What the handler's own code enforces before it answers and the chain does not, seen in its body: `auth` when it
   * verifies a credential or rejects the caller (`if (!req.user) return res.sendStatus(401)`), `rate-limit` when it
   * limits the request rate.
   */
  enforces?: { kind: 'auth' | 'rate-limit'; evidence: string };
}

export interface Route {
  framework: Framework;
  /** Upper case: 'GET', 'POST', ... or 'ALL'. */
  method: string;
  /** Full path as an OpenAPI template: `{id}` for `:id`, `{?}` for a segment that is not constant in the code. */
  path: string;
  /** The route's identity: method + ' ' + path. */
  key: string;
  /** Where the route is registered: the registration's path argument, or its method name when it has none. */
  file: string;
  range: Range;
  handler?: Handler;
  /** The middleware, hooks and guards in effect, in the order they run: global, then router, then route level. */
  chain: ChainLink[];
  /**
   * False when no app mounts the router the route is registered on: the path is then relative to that router, and
   * the chain holds only the router's own links.
   */
  mounted: boolean;
  /** What the handler does with the request's data and the database's records (absent when its code cannot be read). */
  flow?: HandlerFlow;
}

export interface RouteOptions {
  /** Names of the project's own auth middleware, guards and hooks (`authMiddleware` in .api-sentinel.yaml). */
  authMiddleware?: readonly string[];
  /** Names of the project's own rate limiters (`rateLimiters` in .api-sentinel.yaml). */
  rateLimiters?: readonly string[];
  /** Code files larger than this many bytes are skipped (generated or bundled code). */
  maxFileSize?: number;
}

/**
 * What a middleware, hook or guard does for a route: `auth` when it calls a known auth library or verifies a
 * credential and rejects (401/403, a redirect to login) in its own code; `rate-limit` for known limiters or code that
 * answers 429; `other` for known harmless middleware and code that does neither; `unknown` when its code cannot be
 * seen. A name alone (`isAuthenticated`) is weak evidence: it is said, but the kind stays `unknown`. Names the project
 * lists in .api-sentinel.yaml are trusted.
 */
import ts = require('typescript');
import type { Problem } from '../types';
import type { LinkKind, Location, RouteOptions } from './model';
import { locate, type Module } from './modules';
import { declarationSite, exportNames, isFunctionNode, propertyName, unwrap, type FunctionNode, type Resolver, type Value } from './resolve';

interface Library {
  /** The package, matching its subpaths too (`firebase-admin` matches `firebase-admin/auth`). */
  module: string;
  /** The exports or members that match (the last name of the path); every one when absent. */
  names?: string[];
  kind: LinkKind;
  /** Defaults to the package, or `package.name` when `names` is given. */
  evidence?: string;
  /** An option that turns the check off (`credentialsRequired: false`). */
  disabledBy?: { option: string; value: boolean };
}

/** Known libraries, most specific first: the first entry whose package and name match decides. */
const LIBRARIES: Library[] = [
  // authentication: middleware and the verifiers custom middleware calls
  { module: 'passport', names: ['authenticate'], kind: 'auth', evidence: 'passport.authenticate' },
  { module: 'passport', kind: 'other', evidence: 'passport set-up (initialize, session): it rejects nothing' },
  { module: 'koa-passport', names: ['authenticate'], kind: 'auth', evidence: 'koa-passport authenticate' },
  { module: 'koa-passport', kind: 'other', evidence: 'koa-passport set-up (initialize, session): it rejects nothing' },
  { module: 'express-jwt', kind: 'auth', disabledBy: { option: 'credentialsRequired', value: false } },
  { module: 'koa-jwt', kind: 'auth', disabledBy: { option: 'passthrough', value: true } },
  { module: 'hono/jwt', names: ['jwt', 'verify'], kind: 'auth', evidence: 'hono/jwt' },
  { module: 'hono/jwk', kind: 'auth' },
  { module: 'hono/bearer-auth', kind: 'auth' },
  { module: 'hono/basic-auth', kind: 'auth', evidence: 'hono/basic-auth (HTTP Basic authentication, a weak scheme)' },
  { module: 'express-basic-auth', kind: 'auth', evidence: 'express-basic-auth (HTTP Basic authentication, a weak scheme)' },
  { module: 'koa-basic-auth', kind: 'auth', evidence: 'koa-basic-auth (HTTP Basic authentication, a weak scheme)' },
  { module: 'express-oauth2-jwt-bearer', names: ['auth', 'requiredScopes', 'scopeIncludesAny', 'claimCheck', 'claimEquals', 'claimIncludes'], kind: 'auth' },
  { module: 'express-openid-connect', names: ['requiresAuth', 'claimCheck', 'claimEquals', 'claimIncludes'], kind: 'auth' },
  { module: 'express-openid-connect', names: ['auth'], kind: 'auth', disabledBy: { option: 'authRequired', value: false } },
  { module: '@clerk/express', names: ['requireAuth'], kind: 'auth' },
  { module: '@clerk/express', names: ['clerkMiddleware'], kind: 'other', evidence: '@clerk/express clerkMiddleware: it reads the session but rejects nothing' },
  { module: '@clerk/clerk-sdk-node', names: ['ClerkExpressRequireAuth'], kind: 'auth' },
  { module: '@clerk/clerk-sdk-node', names: ['ClerkExpressWithAuth'], kind: 'other', evidence: '@clerk/clerk-sdk-node ClerkExpressWithAuth: it reads the session but rejects nothing' },
  { module: '@hono/clerk-auth', names: ['clerkMiddleware'], kind: 'other', evidence: '@hono/clerk-auth clerkMiddleware: it reads the session but rejects nothing' },
  { module: 'jsonwebtoken', names: ['verify'], kind: 'auth' },
  { module: 'jose', names: ['jwtVerify', 'jwtDecrypt', 'compactVerify', 'flattenedVerify', 'generalVerify'], kind: 'auth' },
  { module: 'firebase-admin', names: ['verifyIdToken', 'verifySessionCookie'], kind: 'auth' },
  { module: 'google-auth-library', names: ['verifyIdToken'], kind: 'auth' },
  { module: 'next-auth', names: ['getServerSession', 'getToken', 'auth', 'withAuth'], kind: 'auth' },
  { module: '@auth/express', names: ['getSession'], kind: 'auth' },
  { module: '@supabase/supabase-js', names: ['getUser', 'getClaims'], kind: 'auth' },
  { module: '@supabase/ssr', names: ['getUser', 'getClaims'], kind: 'auth' },
  { module: 'lucia', names: ['validateSession', 'validateSessionCookie', 'validateBearerToken'], kind: 'auth' },
  { module: 'better-auth', names: ['getSession'], kind: 'auth' },
  { module: '@nestjs/passport', names: ['AuthGuard'], kind: 'auth' },
  { module: '@nestjs/jwt', names: ['verify', 'verifyAsync'], kind: 'auth' },
  { module: '@fastify/bearer-auth', kind: 'auth' },
  { module: '@fastify/basic-auth', kind: 'auth', evidence: '@fastify/basic-auth (HTTP Basic authentication, a weak scheme)' },
  { module: '@fastify/auth', kind: 'auth' },
  { module: '@clerk/nextjs', names: ['authMiddleware', 'auth', 'currentUser'], kind: 'auth' },
  // rate limits
  ...['express-rate-limit', 'express-slow-down', 'rate-limiter-flexible', 'koa-ratelimit', 'koa2-ratelimit', 'hono-rate-limiter',
    '@upstash/ratelimit', 'express-brute', 'express-limiter', '@fastify/rate-limit', '@nestjs/throttler']
    .map((module): Library => ({ module, kind: 'rate-limit' })),
  // middleware that neither authenticates nor limits
  { module: 'express', names: ['json', 'urlencoded', 'static', 'raw', 'text'], kind: 'other' },
  { module: '@koa/router', names: ['allowedMethods'], kind: 'other' },
  { module: 'koa-router', names: ['allowedMethods'], kind: 'other' },
  ...['helmet', 'cors', 'compression', 'morgan', 'cookie-parser', 'body-parser', 'express-session', 'cookie-session', 'multer', 'csurf',
    'express-validator', 'pino-http', 'serve-static', 'serve-favicon', 'method-override', 'hpp', 'express-mongo-sanitize', 'response-time',
    'connect-timeout', 'express-fileupload', '@koa/cors', 'koa-bodyparser', '@koa/bodyparser', 'koa-body', 'koa-helmet', 'koa-logger',
    'koa-compress', 'koa-static', 'koa-session', 'koa-conditional-get', 'koa-etag', 'hono/cors', 'hono/logger', 'hono/secure-headers',
    'hono/compress', 'hono/etag', 'hono/pretty-json', 'hono/body-limit', 'hono/timing', 'hono/request-id', 'hono/csrf', 'hono/cache',
    'hono/timeout', 'hono/powered-by', '@fastify/helmet', '@fastify/cors', '@fastify/cookie', '@fastify/compress', '@fastify/sensible']
    .map((module): Library => ({ module, kind: 'other' })),
];

const AUTH_NAME = /auth|jwt|token|bearer|login|logged|signed.?in|protect|guard|permission|role|admin|acl|session|verify|credential/i;
const LIMIT_NAME = /rate.?limit|limiter|throttl|slow.?down|brute/i;
const NOT_A_CHECK = 'neither verifies a credential nor rejects the request';

export interface Classification {
  name: string;
  kind: LinkKind;
  evidence: string;
  definedAt?: Location;
  /** Routes the middleware skips (`.unless({ path: [...] })`). */
  optOut?: OptOut;
}

/** An `.unless(...)` opt-out (express-unless, koa-unless): the paths and methods the middleware skips. */
export interface OptOut {
  paths: ({ exact: string; methods?: string[] } | { regex: RegExp; methods?: string[] } | { opaque: string })[];
  methods: string[];
  /** Set when part of the opt-out cannot be evaluated statically (a `custom` function, a computed list). */
  opaque?: string;
}

/** Whether an opt-out skips the route: 'yes', 'no', or 'maybe' when a part of it could not be evaluated. */
export function optedOut(optOut: OptOut, method: string, path: string): 'yes' | 'no' | 'maybe' {
  if (optOut.methods.includes(method)) return 'yes';
  let maybe = optOut.opaque !== undefined;
  for (const test of optOut.paths) {
    if ('opaque' in test) { maybe = true; continue; }
    if (test.methods && !test.methods.includes(method)) continue;
    if ('exact' in test ? test.exact === path : test.regex.test(path)) return 'yes';
  }
  return maybe ? 'maybe' : 'no';
}

interface Effects {
  /** The library call that verifies a credential, e.g. `jsonwebtoken.verify`. */
  verifier?: string;
  /** How it rejects: 'answers 401', 'answers 403', 'redirects to login'. */
  rejection?: string;
  limiter?: string;
  answers429?: boolean;
  /** What it hands the request to when that cannot be seen. */
  delegate?: string;
  /** It (or a helper it calls) passes the request into an import that cannot be followed: reading it reports that. */
  unresolved?: boolean;
}

/** How deep the project's own helpers are followed from a middleware. */
const MAX_HELPER_DEPTH = 3;
/** How many statements at the top of a handler are searched for an early-abort check. */
const MAX_PREAMBLE = 8;
/** A condition that tests a credential: `!session`, `!req.user`, `!token`. */
const CREDENTIAL = /user|session|token|claims|principal|auth|identity/i;

/** Methods a library adds to the request (or hands the function) that verify a credential. */
const REQUEST_VERIFIERS: Record<string, string> = {
  jwtVerify: '@fastify/jwt request.jwtVerify',
  protect: 'Clerk auth.protect',
};

export class Classifier {
  private readonly links = new Map<ts.Node, Classification>();
  private readonly effectsOf = new Map<ts.Node, Effects>();
  private readonly reported = new Set<ts.Node>();
  private readonly authNames: Set<string>;
  private readonly limiterNames: Set<string>;
  /** The project's own auth and limiter names, as compared between analyses (what a classification may read beside the code). */
  readonly names: string;
  /** How many times an import that matters was met unresolved (reported the first time only). */
  unresolvedMet = 0;

  constructor(private readonly resolver: Resolver, options: RouteOptions, private readonly report: (problem: Problem) => void) {
    this.authNames = new Set(options.authMiddleware ?? []);
    this.limiterNames = new Set(options.rateLimiters ?? []);
    this.names = JSON.stringify([options.authMiddleware ?? [], options.rateLimiters ?? []]);
  }

  /**
   * Classifies the middleware written as `expr` where it is applied; `runs` is the code it runs when the framework
   * knows it better than the resolver (a Fastify decorator applied as `app.authenticate`).
   */
  middleware(expr: ts.Expression, module: Module, runs?: { expr: ts.Expression; module: Module }): Classification {
    let result = this.links.get(expr);
    if (!result) {
      result = this.classify(expr, module, runs);
      this.links.set(expr, result);
    }
    return result;
  }

  private classify(expr: ts.Expression, module: Module, runs: { expr: ts.Expression; module: Module } | undefined): Classification {
    let applied = unwrap(expr);
    let optOut: OptOut | undefined;
    if (ts.isCallExpression(applied) && ts.isPropertyAccessExpression(applied.expression) && applied.expression.name.text === 'unless') {
      optOut = this.optOut(applied.arguments[0], module);
      applied = unwrap(applied.expression.expression);
    }
    const name = displayName(applied);
    const value = runs ? this.resolver.value(runs.expr, runs.module) : this.resolver.value(applied, module);
    return this.described(name, value, expr, this.importedName(applied), optOut);
  }

  /** Classifies a value that is not applied as an expression (a Next.js middleware export), named `name` at `applied`. */
  ofValue(name: string, value: Value, applied: ts.Node): Classification {
    return this.described(name, value, applied, [], undefined);
  }

  private described(name: string, value: Value, applied: ts.Node, aliases: string[], optOut: OptOut | undefined): Classification {
    const definedAt = this.definedAt(value, applied);
    const names = [name, ...declaredNames(value), ...aliases];
    const base = { name, ...(definedAt ? { definedAt } : {}), ...(optOut ? { optOut } : {}) };
    if (names.some((n) => this.authNames.has(n))) return { ...base, kind: 'auth', evidence: 'named in .api-sentinel.yaml' };
    if (names.some((n) => this.limiterNames.has(n))) return { ...base, kind: 'rate-limit', evidence: 'named in .api-sentinel.yaml' };
    const { kind, evidence, seen } = this.byValue(value);
    if (seen === 'library' || kind === 'auth' || kind === 'rate-limit') return { ...base, kind, evidence };
    // a name is weak evidence: it is said, but never makes a link auth or a limiter
    // limiter names first: `loginLimiter` limits logins
    const hint = names.some((n) => LIMIT_NAME.test(n)) ? 'named like a rate limiter' : names.some((n) => AUTH_NAME.test(n)) ? 'named like auth middleware' : undefined;
    if (!hint) return { ...base, kind, evidence };
    return { ...base, kind: 'unknown', evidence: kind === 'other' ? `${hint}, but it ${evidence}` : `${hint}; ${evidence}` };
  }

  private byValue(value: Value): { kind: LinkKind; evidence: string; seen: 'library' | 'code' | 'unseen' } {
    switch (value.kind) {
      case 'external': {
        const library = findLibrary(value.specifier, value.path);
        if (library) {
          const off = library.disabledBy && value.site && optionValue(value.site.node, library.disabledBy.option);
          if (off !== undefined && off === library.disabledBy!.value) {
            return { kind: 'other', evidence: `${library.evidence} with ${library.disabledBy!.option}: ${String(off)}: it rejects nothing`, seen: 'library' };
          }
          return { kind: library.kind, evidence: library.evidence, seen: 'library' };
        }
        // a wrapper of the project's own function (`createMiddleware(fn)`, `asyncHandler(fn)`) does what the function does
        const wrapped = value.site?.node.arguments?.map((a) => this.resolver.value(a, value.site!.module)).find((v) => v.kind === 'node' && isFunctionNode(v.node));
        if (wrapped) return this.byValue(wrapped);
        return { kind: 'unknown', evidence: `from the package ${value.specifier}, not a known middleware`, seen: 'unseen' };
      }
      case 'node': {
        if (isFunctionNode(value.node)) return this.byEffect(value.node, value.module);
        const guard = this.guardClass(value);
        if (guard) return this.byGuard(guard.node, guard.module);
        return { kind: 'unknown', evidence: 'not a function the analysis can follow', seen: 'unseen' };
      }
      case 'unresolved':
        this.unresolved(value);
        return { kind: 'unknown', evidence: 'defined in an unresolved module', seen: 'unseen' };
      case 'param':
        return { kind: 'unknown', evidence: 'passed in as a parameter', seen: 'unseen' };
      case 'namespace':
        return { kind: 'unknown', evidence: 'a module object, not a function', seen: 'unseen' };
      case 'unknown':
        return { kind: 'unknown', evidence: value.reason, seen: 'unseen' };
    }
  }

  /** The class a guard is written as: the class itself, or an instance (`new RolesGuard(reflector)`). */
  private guardClass(value: Extract<Value, { kind: 'node' }>): { node: ts.ClassLikeDeclaration; module: Module } | undefined {
    if (ts.isClassLike(value.node)) return { node: value.node, module: value.module };
    if (!ts.isNewExpression(value.node)) return undefined;
    const cls = this.resolver.value(value.node.expression, value.module);
    return cls.kind === 'node' && ts.isClassLike(cls.node) ? { node: cls.node, module: cls.module } : undefined;
  }

  /**
   * A guard class (NestJS `CanActivate`): what the class it extends is (`AuthGuard('jwt')` from @nestjs/passport, a
   * `ThrottlerGuard`), else what its `canActivate` does; returning `false` rejects (Nest answers 403).
   */
  private byGuard(cls: ts.ClassLikeDeclaration, module: Module, depth = 0): { kind: LinkKind; evidence: string; seen: 'library' | 'code' | 'unseen' } {
    const canActivate = cls.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && propertyName(m.name) === 'canActivate');
    const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (base && depth < MAX_HELPER_DEPTH) {
      const parent = this.resolver.value(base, module);
      const inherited = parent.kind === 'node' && ts.isClassLike(parent.node) ? this.byGuard(parent.node, parent.module, depth + 1) : this.byValue(parent);
      if (inherited.kind === 'auth' || inherited.kind === 'rate-limit') return { ...inherited, evidence: `extends ${displayName(base)} (${inherited.evidence})` };
    }
    if (!canActivate) return { kind: 'unknown', evidence: 'a class without a canActivate method the analysis can see', seen: 'unseen' };
    const effect = this.byEffect(canActivate, module);
    if (effect.kind !== 'other' || !returnsFalse(canActivate)) return effect;
    return { kind: 'auth', evidence: 'canActivate returns false (Nest answers 403)', seen: 'code' };
  }

  /** The name a binding is imported under (`requireLogin` in `import { requireLogin as guard }`). */
  private importedName(applied: ts.Expression): string[] {
    const declaration = ts.isIdentifier(applied) ? this.resolver.declarationOf(applied) : undefined;
    return declaration && ts.isImportSpecifier(declaration) ? [(declaration.propertyName ?? declaration.name).text] : [];
  }

  /** Classifies a function by what its code does. */
  byEffect(fn: FunctionNode, module: Module): { kind: LinkKind; evidence: string; seen: 'code' } {
    const effects = this.effects(fn, module, 0);
    if (effects.verifier || effects.rejection) {
      const evidence = effects.verifier && effects.rejection ? `calls ${effects.verifier} and ${effects.rejection}` : effects.verifier ? `calls ${effects.verifier}` : effects.rejection!;
      return { kind: 'auth', evidence, seen: 'code' };
    }
    if (effects.limiter || effects.answers429) {
      const evidence = effects.limiter && effects.answers429 ? `calls ${effects.limiter} and answers 429` : effects.limiter ? `calls ${effects.limiter}` : 'answers 429';
      return { kind: 'rate-limit', evidence, seen: 'code' };
    }
    if (effects.delegate) return { kind: 'unknown', evidence: `hands the request to ${effects.delegate}`, seen: 'code' };
    return { kind: 'other', evidence: NOT_A_CHECK, seen: 'code' };
  }

  /**
   * Whether classifying `fn` by its effects met an import that cannot be followed, which that reading reports (once
   * per analysis): an analysis that does not read it again does not report it.
   */
  metUnresolved(fn: FunctionNode): boolean {
    return this.effectsOf.get(fn)?.unresolved === true;
  }

  /** What a function's code does: library calls, rejections, and the same of the project's helpers it calls. */
  private effects(fn: FunctionNode, module: Module, depth: number): Effects {
    const cached = this.effectsOf.get(fn);
    if (cached) return cached;
    const effects: Effects = {};
    this.effectsOf.set(fn, effects); // a recursive helper sees what is known so far
    const params = new Set<ts.Node>(fn.parameters);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) this.callEffects(node, module, depth, params, effects);
      else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)
        && (node.left.name.text === 'status' || node.left.name.text === 'statusCode')) {
        record(effects, statusOf(node.right));
      }
      node.forEachChild(visit);
    };
    if (fn.body) visit(fn.body);
    return effects;
  }

  private callEffects(call: ts.CallExpression | ts.NewExpression, module: Module, depth: number, params: Set<ts.Node>, effects: Effects): void {
    record(effects, rejectionOf(call));
    const callee = this.resolver.value(call.expression, module);
    const passesRequest = (call.arguments ?? []).some((a) => ts.isIdentifier(a) && params.has(this.resolver.declarationOf(a) as ts.Node));
    if (callee.kind === 'external') {
      const library = findLibrary(callee.specifier, callee.path);
      if (library?.kind === 'auth') effects.verifier ??= library.evidence;
      else if (library?.kind === 'rate-limit') effects.limiter ??= library.evidence;
      else if (!library && passesRequest) effects.delegate ??= `the package ${callee.specifier}`;
    } else if (callee.kind === 'node' && isFunctionNode(callee.node) && depth < MAX_HELPER_DEPTH) {
      const helper = this.effects(callee.node, callee.module, depth + 1);
      const through = ` (through ${displayName(unwrap(call.expression))})`;
      if (helper.verifier) effects.verifier ??= helper.verifier.includes(' (through ') ? helper.verifier : helper.verifier + through;
      if (helper.limiter) effects.limiter ??= helper.limiter.includes(' (through ') ? helper.limiter : helper.limiter + through;
      effects.rejection ??= helper.rejection;
      effects.answers429 ||= helper.answers429;
      effects.delegate ??= helper.delegate;
      effects.unresolved ||= helper.unresolved;
    } else if (callee.kind === 'unresolved' && passesRequest) {
      effects.unresolved = true;
      this.unresolved(callee);
      effects.delegate ??= `${displayName(unwrap(call.expression))}, defined in an unresolved module`;
    } else if (callee.kind === 'unknown') {
      const method = this.requestVerifier(call, params);
      if (method) effects.verifier ??= method;
    }
  }

  /** `request.jwtVerify()`, `auth.protect()`: a verifying method a library adds to what the function receives. */
  private requestVerifier(call: ts.CallExpression | ts.NewExpression, params: Set<ts.Node>): string | undefined {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const verifier = REQUEST_VERIFIERS[callee.name.text];
    let receiver = unwrap(callee.expression);
    if (ts.isAwaitExpression(receiver)) receiver = unwrap(receiver.expression);
    if (ts.isCallExpression(receiver)) receiver = unwrap(receiver.expression);
    return verifier && ts.isIdentifier(receiver) && params.has(this.resolver.declarationOf(receiver) as ts.Node) ? verifier : undefined;
  }

  /**
   * A check at the top of a handler that rejects before the handler's work (`const session = await auth();
   * if (!session) return new Response(null, { status: 401 })`): auth when a verifier runs before it or its condition
   * tests a credential. Undefined when the handler starts otherwise.
   */
  earlyAbort(fn: FunctionNode, module: Module): { check: ts.Expression; link: Classification } | undefined {
    if (!fn.body || !ts.isBlock(fn.body)) return undefined;
    const params = new Set<ts.Node>(fn.parameters);
    const before: ts.Node[] = [];
    for (const statement of fn.body.statements.slice(0, MAX_PREAMBLE)) {
      if (ts.isIfStatement(statement)) {
        const rejection = abortsWith(statement.thenStatement);
        if (rejection) {
          let verifier: { name: string; evidence: string } | undefined;
          for (const call of callsIn([...before, statement.expression])) {
            const effects: Effects = {};
            this.callEffects(call, module, 0, params, effects);
            if (effects.verifier) { verifier = { name: displayName(unwrap(call.expression)), evidence: effects.verifier }; break; }
          }
          const condition = displayName(statement.expression);
          if (verifier) return { check: statement.expression, link: { name: verifier.name, kind: 'auth', evidence: `calls ${verifier.evidence} and ${rejection} before the handler's work` } };
          if (CREDENTIAL.test(statement.expression.getText())) return { check: statement.expression, link: { name: condition, kind: 'auth', evidence: `${rejection} when ${condition}, before the handler's work` } };
        }
      } else if (!ts.isVariableStatement(statement) && !ts.isExpressionStatement(statement)) break;
      before.push(statement);
    }
    return undefined;
  }

  /** An import that matters and cannot be followed, reported once at the import. */
  private unresolved(value: Extract<Value, { kind: 'unresolved' }>): void {
    this.unresolvedMet++;
    if (this.reported.has(value.site)) return;
    this.reported.add(value.site);
    const at = locate(value.module, value.site);
    this.report({ file: at.file, range: at.range, severity: 'warning', code: 'code-unresolved-import', message: `${value.reason}: the middleware or router it provides is unknown to the route analysis` });
  }

  /** Where the middleware's code is declared, when that is not the applied expression itself. */
  private definedAt(value: Value, applied: ts.Node): Location | undefined {
    const found = value.kind === 'node' ? value : value.kind === 'external' ? value.site : undefined;
    return found && declarationSite(found, applied);
  }

  /** Reads `.unless({ path, method })`; whatever cannot be read statically makes the opt-out opaque. */
  private optOut(arg: ts.Expression | undefined, module: Module): OptOut {
    const optOut: OptOut = { paths: [], methods: [] };
    const object = arg && this.literal(arg, module);
    if (!object || !ts.isObjectLiteralExpression(object.node)) return { ...optOut, opaque: 'its options are not a literal object' };
    for (const property of object.node.properties) {
      const key = property.name && propertyName(property.name);
      if (!ts.isPropertyAssignment(property)) {
        optOut.opaque = 'its options are computed';
        continue;
      }
      if (key === 'path') optOut.paths.push(...this.list(property.initializer, object.module).map((item) => this.pathTest(item.node, item.module)));
      else if (key === 'method' || key === 'methods') optOut.methods.push(...this.methods(property.initializer, object.module));
      else if (key === 'custom') optOut.opaque = "it has a 'custom' test";
    }
    return optOut;
  }

  private pathTest(node: ts.Expression, module: Module): OptOut['paths'][number] {
    if (ts.isStringLiteralLike(node)) return { exact: node.text };
    if (ts.isRegularExpressionLiteral(node)) {
      const regex = safeRegExp(node.text);
      return regex ? { regex } : { opaque: node.text };
    }
    if (ts.isObjectLiteralExpression(node)) {
      let test: OptOut['paths'][number] = { opaque: 'an object without url' };
      let methods: string[] | undefined;
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property) || !property.name) continue;
        const key = propertyName(property.name);
        const value = this.literal(property.initializer, module);
        if (key === 'url' && value) test = this.pathTest(value.node, value.module);
        else if (key === 'method' || key === 'methods') methods = this.methods(property.initializer, module);
      }
      return methods && !('opaque' in test) ? { ...test, methods } : test;
    }
    return { opaque: node.getText() };
  }

  private methods(expr: ts.Expression, module: Module): string[] {
    return this.list(expr, module).map((item) => (ts.isStringLiteralLike(item.node) ? item.node.text.toUpperCase() : '')).filter((m) => m !== '');
  }

  /** The elements of an array literal (or the one value), following constants. */
  private list(expr: ts.Expression, module: Module): { node: ts.Expression; module: Module }[] {
    const found = this.literal(expr, module);
    if (!found) return [{ node: expr, module }];
    if (!ts.isArrayLiteralExpression(found.node)) return [{ node: found.node as ts.Expression, module: found.module }];
    return found.node.elements.flatMap((element) => this.list(element, found.module));
  }

  private literal(expr: ts.Expression, module: Module): { node: ts.Expression; module: Module } | undefined {
    const found = this.resolver.definition(expr, module);
    return found.kind === 'node' && ts.isExpression(found.node) ? { node: found.node, module: found.module } : undefined;
  }
}

function findLibrary(specifier: string, path: readonly string[]): (Library & { evidence: string }) | undefined {
  const names = exportNames(path);
  const last = names[names.length - 1];
  const library = LIBRARIES.find((l) => (specifier === l.module || specifier.startsWith(`${l.module}/`)) && (!l.names || (last !== undefined && l.names.includes(last))));
  return library && { ...library, evidence: library.evidence ?? (library.names ? `${specifier}.${last}` : specifier) };
}

/** A boolean option in the object literal passed to a middleware factory. */
function optionValue(call: ts.CallExpression | ts.NewExpression, option: string): boolean | undefined {
  for (const arg of call.arguments ?? []) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const property of arg.properties) {
      if (!ts.isPropertyAssignment(property) || !property.name || propertyName(property.name) !== option) continue;
      if (property.initializer.kind === ts.SyntaxKind.TrueKeyword) return true;
      if (property.initializer.kind === ts.SyntaxKind.FalseKeyword) return false;
    }
  }
  return undefined;
}

type Status = 401 | 403 | 429 | 'login';

const STATUS_NAMES: Record<string, Status> = { UNAUTHORIZED: 401, FORBIDDEN: 403, TOO_MANY_REQUESTS: 429, TooManyRequests: 429, Unauthorized: 401, Forbidden: 403 };

/** 401, 403 or 429 written as a number or a named constant (`StatusCodes.UNAUTHORIZED`). */
function statusOf(expr: ts.Expression): Status | undefined {
  const e = unwrap(expr);
  if (ts.isNumericLiteral(e)) {
    const n = Number(e.text);
    return n === 401 || n === 403 || n === 429 ? n : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) return STATUS_NAMES[e.name.text];
  return undefined;
}

/** How a call rejects the request: a status argument, an error named for it, or a redirect to a login page. */
function rejectionOf(call: ts.CallExpression | ts.NewExpression): Status | undefined {
  const args = call.arguments ?? [];
  for (const arg of args) {
    const status = statusOf(arg);
    if (status) return status;
    if (ts.isObjectLiteralExpression(arg)) {
      for (const property of arg.properties) {
        if (ts.isPropertyAssignment(property) && property.name && /^(status|statusCode)$/.test(propertyName(property.name) ?? '')) {
          const inner = statusOf(property.initializer);
          if (inner) return inner;
        }
      }
    }
  }
  const callee = unwrap(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  if (/unauthori[sz]ed|unauthenticated/i.test(name)) return 401;
  if (/forbidden/i.test(name)) return 403;
  if (/toomanyrequests|throttl/i.test(name)) return 429;
  if (name === 'redirect' && args.some((a) => /login|log-in|signin|sign-in|sign_in/i.test(textOf(a)))) return 'login';
  return undefined;
}

/** How a branch rejects when it returns or throws a 401, 403 or a redirect to login: 'answers 401'. */
function abortsWith(branch: ts.Statement): string | undefined {
  const statements = ts.isBlock(branch) ? branch.statements : [branch];
  const last = statements[statements.length - 1];
  if (!last || !(ts.isReturnStatement(last) || ts.isThrowStatement(last))) return undefined;
  const effects: Effects = {};
  for (const call of callsIn(statements)) record(effects, rejectionOf(call));
  return effects.rejection;
}

/** The calls and `new` expressions written in these nodes, outside nested functions. */
function callsIn(nodes: readonly ts.Node[]): (ts.CallExpression | ts.NewExpression)[] {
  const calls: (ts.CallExpression | ts.NewExpression)[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) calls.push(node);
    node.forEachChild(visit);
  };
  nodes.forEach(visit);
  return calls;
}

/** Whether a `canActivate` refuses by returning false: `return false`, or `!!request.user`-like truth tests. */
function returnsFalse(method: ts.MethodDeclaration): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionNode(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression) {
      const e = unwrap(node.expression);
      if (e.kind === ts.SyntaxKind.FalseKeyword) found = true;
      else if ((ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken)
        || (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Boolean')) found = CREDENTIAL.test(e.getText());
    }
    node.forEachChild(visit);
  };
  if (method.body) method.body.forEachChild(visit);
  return found;
}

function textOf(node: ts.Node): string {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text;
  if (ts.isBinaryExpression(node)) return textOf(node.left) + textOf(node.right);
  if (ts.isNewExpression(node) || ts.isCallExpression(node)) return (node.arguments ?? []).map(textOf).join(' ');
  return '';
}

function record(effects: Effects, status: Status | undefined): void {
  if (status === 429) effects.answers429 = true;
  else if (status) effects.rejection ??= status === 'login' ? 'redirects to login' : `answers ${status}`;
}

/**
 * Accepts a regular expression from the code only when it cannot backtrack badly (no nested or many quantifiers,
 * no back-references or look-arounds): code under review is untrusted input.
 */
export function safeRegExp(literal: string): RegExp | undefined {
  const end = literal.lastIndexOf('/');
  if (!literal.startsWith('/') || end <= 0) return undefined;
  const source = literal.slice(1, end);
  const flags = literal.slice(end + 1).replace(/[gyd]/g, '');
  if (/\\[1-9k]|\(\?[=!<]/.test(source)) return undefined;
  const bare = source.replace(/\\./g, 'x').replace(/\[(?:\\.|[^\]\\])*\]/g, 'x').replace(/\(\?:/g, '(');
  if (/\)[*+?{]/.test(bare) || (bare.match(/[*+?]|\{\d+(?:,\d*)?\}/g) ?? []).length > 2) return undefined;
  try { return new RegExp(source, flags); } catch { return undefined; }
}

/** The middleware as written: `requireAuth`, `passport.authenticate`, `(inline function)`. */
export function displayName(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(e)) return `${displayName(e.expression)}.${e.name.text}`;
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) return displayName(e.expression);
  if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return e.name?.text ?? '(inline function)';
  const text = e.getText().replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The names a value is declared under: the export of a package, or the project's declaration. */
function declaredNames(value: Value): string[] {
  if (value.kind === 'external') return [...exportNames(value.path).slice(-1), ...variableName(value.site?.node)];
  if (value.kind !== 'node') return [];
  const node = value.node;
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node) || ts.isClassLike(node)) && node.name) {
    return [propertyName(node.name) ?? ''].filter((n) => n !== '');
  }
  return variableName(node);
}

function variableName(node: ts.Node | undefined): string[] {
  return node?.parent && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? [node.parent.name.text] : [];
}

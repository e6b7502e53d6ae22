/**
 * The routing model every framework extractor fills, and the chain building they share.
 *
 * An app or router is a `RouterNode`, identified by the call that creates it (`express()`, `new Router()`). Its
 * entries are registrations in the order they run: `use` (middleware on a path pattern), `route` and `mount` (another
 * router below a path). Order follows the code: modules in evaluation order, then source position; registrations
 * made inside a function that receives the router (`setup(app)`) count at the call that passes it. Routes are then
 * read from the apps down through the mounts: each route's chain is the middleware registered before it on a path
 * that covers it, then its own.
 */
import ts = require('typescript');
import type { CancellationSignal, Problem } from '../types';
import { displayName, optedOut, type Classification, type Classifier } from './classify';
import type { ChainLink, Framework, Handler, LinkKind, LinkScope, Reuse, Route } from './model';
import type { HandlerFlow } from './flow/model';
import { locate, type Module, type ModuleGraph } from './modules';
import { changedFiles, ImportReach, modulesReaching, sameReach, type Reach } from './reach';
import { declarationSite, exportNames, isFunctionNode, unwrap, type FunctionNode, type Resolver, type Value } from './resolve';
import { covers, joinPaths, NOT_CONSTANT, underPrefix, type PathPattern } from './templates';

/** Where something is written in project code. */
export interface Site { module: Module; node: ts.Node }

export interface RouterNode {
  framework: Framework;
  kind: 'app' | 'router';
  /** The call that creates it. */
  created: Site;
  /** A template every path of the router starts with (Koa's `prefix`). */
  prefix: string;
  /**
   * Whether its middleware also runs for requests that pass through it unanswered (Express routers and sub-apps,
   * Hono sub-apps): then, once mounted, it covers the parent's later routes below the mount path too.
   */
  leaks: boolean;
  entries: Entry[];
}

/**
 * A router as a registration sees it: Hono's `basePath` adds a path (a template) to what follows; Express's
 * `route(path)` and Hono's chained methods give path-less registrations their path (as written).
 */
export interface RouterView { router: RouterNode; basePath: string; routePath?: string }

/** A function parameter a router is passed in through: `function setup(app) { app.use(...) }`. */
export interface ParamTarget { param: ts.ParameterDeclaration }

/**
 * What a parameter was passed where a function is read as called (`setup(app, '/admin')`). `view` is set when the
 * framework itself passes the router (a Fastify plugin receives its own encapsulated instance).
 */
export interface Argument { expr: ts.Expression; module: Module; env: Env; view?: RouterView }
export type Env = ReadonlyMap<ts.ParameterDeclaration, Argument>;
export const EMPTY_ENV: Env = new Map();

/** A middleware or handler as applied: the expression, and the argument of the registration that applies it. */
export interface LinkSource {
  expr: ts.Expression;
  module: Module;
  at: Site;
  /** The code the link runs, when the framework knows it better than the resolver (a Fastify decorator). */
  runs?: { expr: ts.Expression; module: Module };
  /** A link the framework classified itself (a check at the top of a handler). */
  fixed?: Classification;
  /** Where it runs in the framework's request lifecycle (Fastify's hook kinds): a chain is ordered by stage first. */
  stage?: number;
}

/**
 * How a route changes a link in effect for it: skips it (`@Public()` read by a guard, `@SkipThrottle()`, Fastify's
 * `config: { rateLimit: false }`), may skip it, or tunes it (a note added to the evidence).
 */
/**
 * How a route's own settings change a link in effect for it: skipped (`@Public()`), maybe skipped, a note on its
 * evidence (`@Throttle()`), or the roles or permissions it demands of this route (`@Roles('admin')` read by a guard).
 */
export type LinkOverride = { skip: 'yes' } | { skip: 'maybe'; why: string } | { note: string } | { grants: string[] };

/**
 * A site of an earlier analysis, in the modules of `graph` (its file reads the same): the site itself when its module
 * is taken again as it was.
 */
export function siteIn(graph: ModuleGraph, site: Site): Site {
  const module = graph.modules.get(site.module.path)!;
  return module === site.module ? site : { module, node: site.node };
}

/** A link of an earlier analysis, in the modules of `graph` (the files it names read the same); itself when they are its modules. */
export function linkIn(graph: ModuleGraph, link: LinkSource): LinkSource {
  const moduleOf = (module: Module): Module => graph.modules.get(module.path)!;
  const module = moduleOf(link.module);
  const at = siteIn(graph, link.at);
  const runs = link.runs && moduleOf(link.runs.module);
  if (module === link.module && at === link.at && runs === link.runs?.module) return link;
  return { ...link, module, at, ...(link.runs ? { runs: { expr: link.runs.expr, module: runs! } } : {}) };
}

/** Registrations sort by these numbers, compared in order. */
export type Order = readonly number[];

export type Entry =
  | { kind: 'use'; order: Order; pattern: PathPattern; methods?: readonly string[]; link: LinkSource }
  | { kind: 'route'; order: Order; method: string; path: string; at: Site; links: LinkSource[]; handler?: LinkSource; overrides?: RouteOverrides }
  | { kind: 'mount'; order: Order; path: string; router: RouterNode; at: Site };

/** One registration call on a router of the extractor's framework. */
export interface Registration {
  routing: Routing;
  module: Module;
  call: ts.CallExpression;
  /** The method called: `get`, `use`, `route`... */
  method: string;
  view: RouterView;
  env: Env;
  order: Order;
}

/**
 * What a route does to the links in effect for it, by link, as the routing of the analysis asking reads it (an entry
 * kept from an earlier analysis is asked by a later one).
 */
export type RouteOverrides = (link: LinkSource, routing: Routing) => LinkOverride | undefined;

/** What one framework contributes: how its routers are made, what their methods return, and what registrations mean. */
export interface FrameworkExtractor {
  readonly framework: Framework;
  /** Methods that register something on its routers. */
  readonly methods: ReadonlySet<string>;
  /** The packages whose exports `creates` recognises: code that reaches none of them makes no router of its own. */
  readonly packages: ReadonlySet<string>;
  /**
   * Its registrations add entries to routers and nothing else (no state of its own, no router changed): what a
   * module's calls register on its routers can then be taken again from an earlier analysis.
   */
  readonly entriesOnly?: boolean;
  /**
   * Recognises the creation of an app or router: the callee is a package export (`express` `default`), `construct`
   * tells `new` from a call.
   */
  creates(callee: { specifier: string; names: string[] }, construct: boolean, call: ts.CallExpression | ts.NewExpression, module: Module, routing: Routing):
    { kind: 'app' | 'router'; prefix?: string; leaks: boolean } | undefined;
  /** What a method call on one of its routers returns: the same view, a derived one, or nothing to follow. */
  derive(method: string, call: ts.CallExpression, base: RouterView, module: Module, routing: Routing, env: Env): RouterView | undefined;
  register(registration: Registration): void;
  /**
   * Reads what is not a registration call, after every call was read: decorated classes (NestJS controllers) and
   * files that are routes by where they are (Next.js).
   */
  collect?(routing: Routing, graph: ModuleGraph): void;
  /** The packages `collect` reads exports of, when it reads nothing else: in code that imports none, it finds nothing. */
  readonly collectsFrom?: ReadonlySet<string>;
  /**
   * What the overrides of its routes read of a link in effect above them, beside the route's own entry (the facts of
   * a guard's code): while this reads the same for each such link, entries that are the same objects override the
   * same. A framework without it has each route's overrides compared.
   */
  overrideKey?(link: LinkSource, routing: Routing): string;
}

/** Bounds on following registrations into functions and routers into mounts. */
const MAX_INCLUDE_DEPTH = 8;
const MAX_MOUNT_DEPTH = 32;
const MAX_TARGET_STEPS = 24;
/** One analysis reports at most this many routes (a router mounted in many places multiplies them). */
const MAX_ROUTES = 100_000;

interface Active { link: LinkSource; pattern: PathPattern; methods?: readonly string[]; scope: LinkScope }

/**
 * What reading a parsed file's calls gave, with the import closure it was read with. Whether a call registers
 * something, and what, depends only on its file and the files its imports reach, so while they read the same an
 * analysis after an edit elsewhere does not read the file's calls again (parses are kept between analyses, and with
 * them these nodes): when every router they met is of a framework whose registrations are entries only, it takes
 * again what they did (`steps`); otherwise it reads again only the calls that register something or pass a router
 * on, and skips the others (`inert`, most calls of an app: `res.json(...)`, a query). When the file and its imports
 * read the same (the same `module`) but its closure does not, a call whose bindings reach none of the files that
 * changed did what it did (an app's mounts of unchanged routers, after an edit of one of them).
 */
const READ = new WeakMap<ts.SourceFile, { module: Module; reach: Reach; inert: ReadonlySet<ts.CallExpression>; steps?: ModuleSteps }>();

/** A router as a step names it: by the node that creates it, with what that creation made. */
interface RouterKey { framework: Framework; kind: 'app' | 'router'; created: Site; prefix: string; leaks: boolean }

type KeptEntry = Exclude<Entry, { kind: 'mount' }> | (Omit<Extract<Entry, { kind: 'mount' }>, 'router'> & { router: RouterKey });

/**
 * What reading a module's calls did, in order: a router met (made when first met: the order routers are made in
 * orders the routes of several apps), an entry added to a router, a link classified (which reports the imports it
 * cannot follow).
 */
type Step =
  | { kind: 'router'; router: RouterKey }
  | { kind: 'entry'; router: RouterKey; entry: KeptEntry }
  | { kind: 'classify'; expr: ts.Expression; module: Module; runs?: { expr: ts.Expression; module: Module } };

/**
 * The steps of reading a module's calls: as registrations, then as calls that pass a router into a function; and
 * those of reading each call as a registration.
 */
interface ModuleSteps { direct: Step[]; included: Step[]; calls: Map<ts.CallExpression, CallSteps> }

/** What reading a call as a registration did: its steps, and, for a call read again as one passing a router on, whether it made a router. */
interface CallSteps { steps: Step[]; passes?: { created: boolean } }

export class Routing {
  readonly routers: RouterNode[] = [];
  /** The function each route's handler runs, where it can be seen (filled while routes are read). */
  readonly handlerCodes = new Map<Route, { fn: FunctionNode; module: Module }>();
  private readonly byCreation = new Map<ts.Node, RouterNode>();
  private readonly targets = new Map<ts.Node, RouterView | ParamTarget | null>();
  private readonly allMethods: Set<string>;
  private readonly extractors: Map<Framework, FrameworkExtractor>;
  private readonly failed = new Set<Module>();
  /** The steps of the module being read, while they may be taken again; undefined when they may not. */
  private steps?: Step[];
  /** The import closures of this analysis's modules (set once the modules are read). */
  reach?: ImportReach;
  /** Each route of this analysis (as built) with its registration node and inputs. */
  private readonly reading = new Map<Route, { node: ts.Node; route: KeptRoute }>();
  /**
   * The records of the routes this analysis read one by one, by registration node, for the next analysis
   * (`keepRoutes`); those of a router taken whole are kept from the analysis that read it.
   */
  private readonly built = new Map<ts.Node, KeptRoute[]>();

  constructor(
    readonly resolver: Resolver,
    readonly classifier: Classifier,
    extractors: readonly FrameworkExtractor[],
    private readonly report: (problem: Problem) => void,
  ) {
    this.extractors = new Map(extractors.map((e) => [e.framework, e]));
    this.allMethods = new Set(extractors.flatMap((e) => [...e.methods]));
  }

  /**
   * Reads every registration of every module; stops between modules once `cancel` is set (an edit after a short pause
   * starts an analysis that the next keystroke makes stale). Only a module whose imports reach a framework's package
   * (itself or through project files) can hold a router: the calls of the others are not read here, and what their
   * functions register on routers passed in is read where a router is passed (`include`). A module whose files read
   * as in the last analysis is not read again (`READ`).
   */
  collect(graph: ModuleGraph, cancel?: CancellationSignal): void {
    const reaching = modulesReaching(graph, new Set([...this.extractors.values()].flatMap((e) => [...e.packages])));
    const modules = [...reaching].sort((a, b) => graph.evaluationOrder.get(a)! - graph.evaluationOrder.get(b)!);
    const reach = (this.reach = new ImportReach(graph));
    type Candidate = { call: ts.CallExpression; order: Order; created: boolean };
    // per module read now: its calls that pass a router into a function, its inert calls and its steps
    const read = new Map<Module, { candidates: Candidate[]; inert: Set<ts.CallExpression>; steps?: ModuleSteps }>();
    const kept = new Map<Module, ModuleSteps>();
    for (const module of modules) {
      if (cancel?.cancelled) return;
      const position = graph.evaluationOrder.get(module)!;
      const before = READ.get(module.source);
      const same = before !== undefined && sameReach(before.reach, reach.of(module));
      if (same && before.steps) {
        kept.set(module, before.steps);
        this.replay(before.steps.direct, position, graph);
        continue;
      }
      const skip = same ? before.inert : undefined;
      const last = !same && before?.module === module ? before : undefined;
      const changed = last?.steps && changedFiles(last.reach, reach.of(module));
      const now = { candidates: [] as Candidate[], inert: new Set(skip), steps: { direct: [], included: [], calls: new Map() } as ModuleSteps | undefined };
      read.set(module, now);
      this.steps = now.steps!.direct;
      this.guarded(module, () => {
        for (const call of module.calls) {
          if (skip?.has(call)) continue;
          const order = [position, orderPosition(call)];
          const untouched = changed !== undefined && !this.reachesAny(call, module, changed);
          if (untouched && last!.inert.has(call)) {
            now.inert.add(call);
            continue;
          }
          const kept = untouched ? last!.steps!.calls.get(call) : undefined;
          if (kept) {
            this.replayCall(kept, position, graph);
            now.steps?.calls.set(call, kept);
            if (kept.passes) now.candidates.push({ call, order, created: kept.passes.created });
            continue;
          }
          const first = this.steps?.length ?? 0;
          const routers = this.routers.length;
          const registered = this.registration(call, module, EMPTY_ENV, order, false);
          // a call whose reading made a router is read every time: when a router is made decides the routes' order
          const created = this.routers.length > routers;
          const passes = !registered && call.arguments.length > 0;
          if (passes) now.candidates.push({ call, order, created }); else if (!registered && !created) now.inert.add(call);
          if (this.steps) now.steps!.calls.set(call, { steps: this.steps.slice(first), ...(passes ? { passes: { created } } : {}) });
        }
      });
      if (!this.steps) now.steps = undefined;
      this.steps = undefined;
    }
    // registrations inside functions that receive a router count where the router is passed in
    for (const module of modules) {
      if (cancel?.cancelled) return;
      const steps = kept.get(module);
      if (steps) {
        this.replay(steps.included, graph.evaluationOrder.get(module)!, graph);
        continue;
      }
      const now = read.get(module)!;
      this.steps = now.steps?.included;
      for (const { call, order, created } of now.candidates) {
        this.guarded(module, () => {
          const routers = this.routers.length;
          if (!this.include(call, module, EMPTY_ENV, order, []) && !created && this.routers.length === routers) now.inert.add(call);
        });
      }
      if (!this.steps) now.steps = undefined;
      this.steps = undefined;
    }
    for (const [module, now] of read) {
      // a module whose reading failed part way is read whole next time
      if (this.failed.has(module)) READ.delete(module.source); else READ.set(module.source, { module, reach: reach.of(module), inert: now.inert, steps: now.steps });
    }
    for (const extractor of this.extractors.values()) {
      if (!extractor.collectsFrom || importsAny(graph, extractor.collectsFrom)) extractor.collect?.(this, graph);
    }
  }

  /**
   * Does again what reading a module's calls did in an earlier analysis, for the module at `position` now: its
   * files read the same, so only where they are (the modules of this analysis) and the module's place in the
   * evaluation order change.
   */
  private replay(steps: readonly Step[], position: number, graph: ModuleGraph): void {
    // while every module the steps name is taken again as it was, their sites and links are the very objects
    const moved = stepModules(steps).some((module) => graph.modules.get(module.path) !== module);
    const moduleOf = (module: Module): Module => (moved ? graph.modules.get(module.path)! : module);
    const siteOf = (site: Site): Site => (moved ? siteIn(graph, site) : site);
    const routerOf = (key: RouterKey) => this.router(key.framework, key.kind, siteOf(key.created), key);
    const linkOf = (link: LinkSource): LinkSource => (moved ? linkIn(graph, link) : link);
    for (const step of steps) {
      if (step.kind === 'router') routerOf(step.router);
      else if (step.kind === 'classify') this.classifier.middleware(step.expr, moduleOf(step.module), step.runs && { expr: step.runs.expr, module: moduleOf(step.runs.module) });
      else {
        const { entry } = step;
        const router = routerOf(step.router);
        // an entry whose modules are taken again as they were, at the same place in the order, is the very entry again
        const order = entry.order[0] === position ? entry.order : [position, ...entry.order.slice(1)];
        if (entry.kind === 'use') {
          const link = linkOf(entry.link);
          router.entries.push(order === entry.order && link === entry.link ? entry : { ...entry, order, link });
        } else if (entry.kind === 'route') {
          const at = siteOf(entry.at);
          const links = moved ? entry.links.map(linkOf) : entry.links;
          const handler = entry.handler && linkOf(entry.handler);
          const same = order === entry.order && at === entry.at && handler === entry.handler && links.every((link, i) => link === entry.links[i]);
          router.entries.push(same ? entry : { ...entry, order, at, links, ...(handler ? { handler } : {}) });
        } else {
          router.entries.push({ ...entry, order, at: siteOf(entry.at), router: routerOf(entry.router) });
        }
      }
    }
  }

  /** Does again what reading a call as a registration did, its steps joining those of the module being read. */
  private replayCall(kept: CallSteps, position: number, graph: ModuleGraph): void {
    const steps = this.steps;
    this.steps = undefined;
    this.replay(kept.steps, position, graph);
    this.steps = steps;
    steps?.push(...kept.steps);
  }

  /**
   * Whether reading a call may read one of the files `changed`: the files its bindings lead to (directly, or through
   * the declarations of its own module it names) and the files their imports reach.
   */
  private reachesAny(call: ts.CallExpression, module: Module, changed: ReadonlySet<string>): boolean {
    const { graph } = this.resolver;
    for (const file of boundFiles(call, module, this.resolver)) {
      if (changed.has(file)) return true;
      const target = graph.modules.get(file);
      if (!target) continue;
      const closure = this.reach!.of(target);
      for (const path of changed) if (closure.has(path)) return true;
    }
    return false;
  }

  /** Records a step of the module being read; a router of a framework whose registrations are more than entries stops it. */
  private record(step: Step): void {
    if (!this.steps) return;
    const routers = step.kind === 'entry' ? [step.router, ...(step.entry.kind === 'mount' ? [step.entry.router] : [])] : step.kind === 'router' ? [step.router] : [];
    if (routers.some((router) => !this.extractors.get(router.framework)!.entriesOnly)) this.steps = undefined;
    else this.steps.push(step);
  }

  /** Adds an entry to a router, recording it. */
  private add(router: RouterNode, entry: Entry): void {
    router.entries.push(entry);
    if (this.steps) this.record({ kind: 'entry', router: keyOf(router), entry: entry.kind === 'mount' ? { ...entry, router: keyOf(entry.router) } : entry });
  }

  /** Classifies a link as applied, recording it. */
  private classify(expr: ts.Expression, module: Module, runs?: { expr: ts.Expression; module: Module }): void {
    this.classifier.middleware(expr, module, runs);
    this.record({ kind: 'classify', expr, module, ...(runs ? { runs } : {}) });
  }

  /**
   * Runs one step of reading a module; a failure (the stack exhausted by hostile nesting) is reported once for that
   * module and the analysis goes on.
   */
  guarded(module: Module, step: () => void): void {
    try { step(); } catch (error) {
      if (this.failed.has(module)) return;
      this.failed.add(module);
      const why = error instanceof RangeError ? 'its code is nested too deeply' : String((error as Error)?.message ?? error).split('\n')[0];
      this.report({ file: module.relPath, severity: 'warning', code: 'code-analysis-failed', message: `Routes of this file may be missing: ${why}` });
    }
  }

  /**
   * Interprets `call` when it is a registration on a router. True when it is a method call on a router or on a
   * parameter that stands for one: nothing else is to be read from it. `boundOnly` limits it to routers passed in
   * through `env`, as registrations on the others were read already.
   */
  private registration(call: ts.CallExpression, module: Module, env: Env, order: Order, boundOnly: boolean): boolean {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !this.allMethods.has(callee.name.text)) return false;
    const unbound = this.target(callee.expression, module, EMPTY_ENV);
    if (boundOnly && !(unbound && 'param' in unbound && env.has(unbound.param))) return unbound !== undefined;
    const target = boundOnly ? this.target(callee.expression, module, env) : unbound;
    if (!target) return false;
    if ('param' in target) return true;
    const extractor = this.extractors.get(target.router.framework)!;
    if (extractor.methods.has(callee.name.text)) {
      extractor.register({ routing: this, module, call, method: callee.name.text, view: target, env, order });
    }
    return true;
  }

  /**
   * `setup(app, '/admin')`: reads the registrations `setup` makes on a parameter that receives a router as made on
   * that router, at this call, with every parameter bound to its argument. False when the call passes no router.
   */
  private include(call: ts.CallExpression, module: Module, env: Env, order: Order, stack: readonly FunctionNode[]): boolean {
    const passesRouter = call.arguments.some((arg) => {
      const a = unwrap(arg);
      if (!ts.isIdentifier(a) && !ts.isPropertyAccessExpression(a) && a.kind !== ts.SyntaxKind.ThisKeyword) return false;
      const unbound = this.target(a, module, EMPTY_ENV);
      // with a router passed down from outside, routers made here were read already
      return unbound !== undefined && ('param' in unbound ? env.has(unbound.param) : env.size === 0);
    });
    if (!passesRouter) return false;
    if (stack.length >= MAX_INCLUDE_DEPTH) return true;
    const callee = this.resolver.value(call.expression, module);
    if (callee.kind !== 'node' || !isFunctionNode(callee.node) || stack.includes(callee.node)) return true;
    const inner = new Map(env);
    callee.node.parameters.forEach((param, index) => {
      if (!param.dotDotDotToken && call.arguments[index]) inner.set(param, { expr: call.arguments[index], module, env });
    });
    this.within(callee.node, callee.module, inner, order, [...stack, callee.node]);
    return true;
  }

  /**
   * Reads the registrations a function makes on the routers its parameters receive (`env` binds them), as made at
   * `order`: a framework that calls the function itself (a Fastify plugin) reads it this way.
   */
  includeFunction(fn: FunctionNode, module: Module, env: Env, order: Order): void {
    this.steps = undefined;
    this.within(fn, module, env, order, [fn]);
  }

  private within(fn: FunctionNode, module: Module, env: Env, order: Order, stack: readonly FunctionNode[]): void {
    for (const nested of callsWithin(module, fn)) {
      const nestedOrder = [...order, orderPosition(nested)];
      if (!this.registration(nested, module, env, nestedOrder, true)) this.include(nested, module, env, nestedOrder, stack);
    }
  }

  /** The router (or router parameter) an expression stands for, if any. */
  target(expr: ts.Expression, module: Module, env: Env): RouterView | ParamTarget | undefined {
    if (env.size > 0) return this.resolveTarget(expr, module, env, 0);
    const cached = this.targets.get(expr);
    if (cached !== undefined) return cached ?? undefined;
    this.targets.set(expr, null); // a cycle through this expression ends here
    const target = this.resolveTarget(expr, module, env, 0);
    this.targets.set(expr, target ?? null);
    return target;
  }

  /** The router an expression stands for, when it is one. */
  view(expr: ts.Expression, module: Module, env: Env): RouterView | undefined {
    const target = this.target(expr, module, env);
    return target && 'router' in target ? target : undefined;
  }

  private resolveTarget(expr: ts.Expression, module: Module, env: Env, steps: number): RouterView | ParamTarget | undefined {
    if (steps > MAX_TARGET_STEPS) return undefined;
    let e = unwrap(expr);
    if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
    if ((ts.isCallExpression(e) && !module.requires.has(e)) || ts.isNewExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(callee)) {
        const base = this.resolveTarget(callee.expression, module, env, steps + 1);
        if (base && 'param' in base) return this.allMethods.has(callee.name.text) ? base : undefined;
        if (base) return this.extractors.get(base.router.framework)!.derive(callee.name.text, e, base, module, this, env);
      }
      const value = this.resolver.value(e.expression, module);
      if (value.kind === 'external') return this.created(value, e, module);
      if (value.kind === 'node' && ts.isCallExpression(e) && isFunctionNode(value.node)) {
        // a factory: the router it returns
        const returned = this.resolver.returned(value.node);
        return returned && this.resolveTarget(returned, value.module, env, steps + 1);
      }
      return undefined;
    }
    return this.fromValue(this.resolver.definition(e, module), e, env, steps);
  }

  private fromValue(value: Value, expr: ts.Expression, env: Env, steps: number): RouterView | ParamTarget | undefined {
    switch (value.kind) {
      case 'node':
        return value.node !== expr && ts.isExpression(value.node) ? this.resolveTarget(value.node, value.module, env, steps + 1) : undefined;
      case 'param': {
        const arg = env.get(value.param);
        if (arg?.view) return arg.view;
        return arg ? this.resolveTarget(arg.expr, arg.module, arg.env, steps + 1) : { param: value.param };
      }
      case 'namespace':
        // a module mounted whole: its `module.exports` or default export
        return this.fromValue(this.resolver.exportOf(value.module, 'default'), expr, env, steps + 1);
      default:
        return undefined;
    }
  }

  /** The router created at `created` (a call, a NestJS controller class, a Next.js app folder), made on first request. */
  router(framework: Framework, kind: 'app' | 'router', created: Site, options: { prefix?: string; leaks: boolean }): RouterNode {
    let router = this.byCreation.get(created.node);
    if (!router) {
      router = { framework, kind, created, prefix: options.prefix ?? '', leaks: options.leaks, entries: [] };
      this.byCreation.set(created.node, router);
      this.routers.push(router);
    }
    if (this.steps) this.record({ kind: 'router', router: keyOf(router) });
    return router;
  }

  private created(callee: Extract<Value, { kind: 'external' }>, call: ts.CallExpression | ts.NewExpression, module: Module): RouterView | undefined {
    const existing = this.byCreation.get(call);
    if (existing) {
      if (this.steps) this.record({ kind: 'router', router: keyOf(existing) });
      return { router: existing, basePath: '' };
    }
    const names = exportNames(callee.path);
    for (const extractor of this.extractors.values()) {
      const made = extractor.creates({ specifier: callee.specifier, names }, ts.isNewExpression(call), call, module, this);
      if (!made) continue;
      return { router: this.router(extractor.framework, made.kind, { module, node: call }, made), basePath: '' };
    }
    return undefined;
  }

  // ---- what extractors read from registrations ----

  /**
   * What an expression is defined as, with parameters replaced by the arguments `env` binds them to: a node in
   * project code, or undefined.
   */
  private defined(expr: ts.Expression, module: Module, env: Env, steps = 0): { node: ts.Expression; module: Module; env: Env } | undefined {
    const found = this.resolver.definition(expr, module);
    if (found.kind === 'param' && steps < MAX_TARGET_STEPS) {
      const arg = env.get(found.param);
      return arg && this.defined(arg.expr, arg.module, arg.env, steps + 1);
    }
    return found.kind === 'node' && ts.isExpression(found.node) ? { node: found.node, module: found.module, env } : undefined;
  }

  /**
   * The constant text of an expression, following constants across files and arguments; parts that are not
   * constant are `NOT_CONSTANT`.
   */
  text(expr: ts.Expression, module: Module, env: Env = EMPTY_ENV, steps = 0): string {
    const e = unwrap(expr);
    if (ts.isStringLiteralLike(e) || ts.isNumericLiteral(e)) return e.text;
    if (steps > MAX_TARGET_STEPS) return NOT_CONSTANT;
    if (ts.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => this.text(s.expression, module, env, steps + 1) + s.literal.text).join('');
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return this.text(e.left, module, env, steps + 1) + this.text(e.right, module, env, steps + 1);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const found = this.defined(e, module, env);
      if (found && found.node !== e) return this.text(found.node, found.module, found.env, steps + 1);
    }
    return NOT_CONSTANT;
  }

  /** Whether an argument is a path (or a list of them) rather than middleware. */
  isPath(expr: ts.Expression, module: Module, env: Env = EMPTY_ENV): boolean {
    const found = this.defined(expr, module, env);
    if (!found) return false;
    const e = found.node;
    if (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e) || ts.isRegularExpressionLiteral(e)) return true;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
    return ts.isArrayLiteralExpression(e) && e.elements.length > 0 && this.isPath(e.elements[0], found.module, found.env);
  }

  /** The paths an argument names, as written (one per element of a list), with the node to report each at. */
  paths(expr: ts.Expression, module: Module, env: Env = EMPTY_ENV): { raw: string; node: ts.Expression }[] {
    const found = this.defined(expr, module, env);
    if (found && ts.isArrayLiteralExpression(found.node)) {
      const inline = found.node === unwrap(expr);
      return found.node.elements.flatMap((element) => this.paths(element, found.module, found.env).map((p) => ({ raw: p.raw, node: inline ? p.node : expr })));
    }
    return [{ raw: this.text(expr, module, env), node: expr }];
  }

  /**
   * The middleware and handlers among arguments, with arrays and spreads of constant arrays flattened and
   * parameters replaced by their arguments.
   */
  links(args: readonly ts.Expression[], module: Module, env: Env = EMPTY_ENV, at?: Site, steps = 0): LinkSource[] {
    return args.flatMap((arg) => {
      const site = at ?? { module, node: arg };
      const inner = ts.isSpreadElement(arg) ? arg.expression : arg;
      if (steps >= MAX_TARGET_STEPS) return [{ expr: inner, module, at: site }];
      const found = this.resolver.definition(inner, module);
      const bound = found.kind === 'param' ? env.get(found.param) : undefined;
      if (bound) return this.links([bound.expr], bound.module, bound.env, site, steps + 1);
      if (found.kind === 'node' && ts.isArrayLiteralExpression(found.node)) {
        const inline = found.node === unwrap(inner);
        return found.node.elements.flatMap((element) => this.links([element], found.module, env, inline ? undefined : site, steps + 1));
      }
      return [{ expr: inner, module, at: site }];
    });
  }

  /**
   * The router an argument mounts; when it cannot be followed, the argument is classified as a link would be, so
   * that an import it cannot follow is reported.
   */
  mountTarget(expr: ts.Expression, module: Module, env: Env): RouterView | undefined {
    const view = this.view(expr, module, env);
    if (!view) this.classify(expr, module);
    return view;
  }

  /** Whether a link looks like middleware: a function taking `next` (at least `params` parameters) or a library's. */
  takesNext(link: LinkSource, params: number): boolean {
    const value = this.resolver.value(link.expr, link.module);
    if (value.kind === 'node') return !isFunctionNode(value.node) || value.node.parameters.length >= params;
    return value.kind === 'external';
  }

  use(view: RouterView, order: Order, pattern: PathPattern, link: LinkSource, methods?: readonly string[]): void {
    // classified now, so that an import it cannot follow is reported even when no route comes after it
    if (!link.fixed) this.classify(link.expr, link.module, link.runs);
    this.add(view.router, { kind: 'use', order, pattern: underPrefix(view.basePath, pattern), link, ...(methods ? { methods } : {}) });
  }

  route(view: RouterView, order: Order, route: { method: string; path: string; at: Site; links: LinkSource[]; handler?: LinkSource; overrides?: RouteOverrides }): void {
    this.add(view.router, { kind: 'route', order, ...route, path: joinPaths(view.basePath, route.path) });
  }

  mount(view: RouterView, order: Order, path: string, router: RouterNode, at: Site): void {
    this.add(view.router, { kind: 'mount', order, path: joinPaths(view.basePath, path), router, at });
  }

  /** What the overrides of `framework`'s routes read of a link (`FrameworkExtractor.overrideKey`), when it says. */
  overrideKeys(framework: Framework): ((link: LinkSource) => string) | undefined {
    const extractor = this.extractors.get(framework);
    return extractor?.overrideKey && ((link) => extractor.overrideKey!(link, this));
  }

  /**
   * Adds again an entry (other than a mount) that an earlier analysis made on the router created at the same place,
   * the very object: the framework knows it would make an equal one (its files and what it was read with are unchanged).
   */
  again(router: RouterNode, entry: Exclude<Entry, { kind: 'mount' }>): void {
    if (entry.kind === 'use' && !entry.link.fixed) this.classify(entry.link.expr, entry.link.module, entry.link.runs);
    this.add(router, entry);
  }

  // ---- route facts ----

  /** Every route, read from the apps (routers nobody mounts) down through their mounts. */
  routes(): Route[] {
    const mounted = new Set(this.routers.flatMap((r) => r.entries.flatMap((e) => (e.kind === 'mount' ? [e.router] : []))));
    const reader = new RouteReader(this, this.classifier, this.report, this.reading, this.built);
    const read = (root: RouterNode) => this.guarded(root.created.module, () => reader.read(root, root.kind === 'app'));
    this.routers.filter((r) => !mounted.has(r)).forEach(read);
    // routers only reachable through a mount cycle: apps first
    for (const router of [...this.routers].sort((a, b) => Number(b.kind === 'app') - Number(a.kind === 'app'))) {
      if (!reader.visited.has(router)) read(router);
    }
    return reader.routes;
  }

  /**
   * A route of `routes()` with the facts of its handler: the very object of the last analysis when the route and its
   * facts are as they were then (an unchanged result compares at once).
   */
  withFlow(route: Route, flow: HandlerFlow | undefined): Route {
    const kept = this.reading.get(route)?.route;
    const last = kept?.final;
    const final = last && last.flow === flow ? last : flow ? { ...route, flow } : route;
    if (kept) kept.final = final;
    return final;
  }

  /**
   * Keeps the routes this analysis read one by one, by registration, for the next analysis to take again what did not
   * change. Those of a router taken whole are there already: the very records, kept when it was last read.
   */
  keepRoutes(): void {
    for (const [node, routes] of this.built) KEPT_ROUTES.set(node, routes);
  }
}

/**
 * A route as an analysis built it, with what it was built from beyond its registration node: while these are the
 * same, the next analysis takes the route object again instead of building an equal one.
 */
interface KeptRoute {
  framework: Framework;
  method: string;
  path: string;
  mounted: boolean;
  chain: readonly ChainLink[];
  /** The handler's expression, and the import closure of its module (what its resolution and code may read). */
  handler?: { expr: ts.Expression; reach: Reach };
  /** The function it runs, by module path. */
  code?: { fn: FunctionNode; path: string };
  /** The route as built, and with its handler's facts. */
  base: Route;
  final?: Route;
}

/** The routes of the analyses that last read them one by one, by the node of their registration (parses of unchanged files are kept). */
const KEPT_ROUTES = new WeakMap<ts.Node, KeptRoute[]>();

/**
 * What a router that mounts none is read from: its entries (the very objects while the files that register them,
 * and the files those import, read the same), the path above it, the links in effect above it (`aboveKey`), its
 * scope and whether an app mounts it.
 */
interface WholeInputs { router: RouterNode; entries: readonly Entry[]; base: string; above: string; overridden: string; scope: LinkScope; mounted: boolean }

/** A router read whole by an analysis: what it was read from, its routes with their records, and the links it leaked. */
interface WholeRouter extends WholeInputs { names: string; routes: { node: ts.Node; route: KeptRoute }[]; leaked: Active[] }

/** The routers of the last analysis read whole, by the node that creates them. */
const WHOLE_ROUTERS = new WeakMap<ts.Node, WholeRouter>();

function sameWhole(last: WholeRouter, now: WholeInputs, names: string): boolean {
  const a = last.router;
  const b = now.router;
  if (a.framework !== b.framework || a.kind !== b.kind || a.leaks !== b.leaks || last.base !== now.base || last.scope !== now.scope
    || last.mounted !== now.mounted || last.names !== names || last.above !== now.above || last.overridden !== now.overridden || last.entries.length !== now.entries.length) return false;
  for (let i = 0; i < now.entries.length; i++) if (last.entries[i] !== now.entries[i]) return false;
  return true;
}

/** A number for each node compared by `aboveKey` (nodes of kept parses are the same objects between analyses). */
const NODE_IDS = new WeakMap<ts.Node, number>();
let nodeCount = 0;

function nodeId(node: ts.Node): number {
  let id = NODE_IDS.get(node);
  if (id === undefined) NODE_IDS.set(node, (id = ++nodeCount));
  return id;
}

class RouteReader {
  readonly routes: Route[] = [];
  readonly visited = new Set<RouterNode>();
  private limitReported = false;
  /**
   * The link a source gives every route it applies to at a scope with the same override (or none), when no opt-out
   * makes it depend on the route's path: one object shared by those routes (thousands of routes behind one `app.use`,
   * or behind a global guard that reads the same metadata of each).
   */
  private readonly shared = new Map<LinkSource, Map<string, ChainLink>>();

  /** Links of this analysis found equal to links of the last one. */
  private readonly sameLinks = new Map<ChainLink, ChainLink>();
  /** Routes of the last analysis taken again by this one (each once). */
  private readonly taken = new Set<Route>();
  /** The key of each link in effect above a router (`aboveKey`), once per link of this analysis. */
  private readonly activeKeys = new Map<Active, string>();
  /** Whether reading the handler of the route being built met an import it cannot follow (which that reading reports). */
  private reportedByHandler = false;

  constructor(
    private readonly routing: Routing, private readonly classifier: Classifier, private readonly report: (problem: Problem) => void,
    private readonly reading: Map<Route, { node: ts.Node; route: KeptRoute }>,
    private readonly built: Map<ts.Node, KeptRoute[]>,
  ) {}

  read(root: RouterNode, mounted: boolean): void {
    this.flatten(root, '', [], [], mounted);
  }

  /** Reads a router's entries in order; returns the middleware it leaks to its parent. */
  private flatten(router: RouterNode, prefix: string, inherited: readonly Active[], stack: readonly RouterNode[], mounted: boolean): Active[] {
    this.visited.add(router);
    const base = joinPaths(prefix, router.prefix);
    const scope: LinkScope = stack.length === 0 && router.kind === 'app' ? 'global' : 'router';
    const entries = [...router.entries].sort((a, b) => compareOrder(a.order, b.order));
    // a router that mounts none is read as a whole: taken again whole while what it is read from is unchanged
    const whole = entries.every((entry) => entry.kind !== 'mount')
      ? { router, entries, base, above: this.aboveKey(inherited), overridden: this.overriddenKey(router, entries, inherited), scope, mounted } : undefined;
    const taken = whole && this.takeWhole(whole);
    if (taken) return taken;
    const first = this.routes.length;
    const unresolved = this.classifier.unresolvedMet;
    const limited = this.limitReported;
    const active = [...inherited];
    const leaked: Active[] = [];
    for (const entry of entries) {
      if (entry.kind === 'use') {
        const link = { link: entry.link, pattern: underPrefix(base, entry.pattern), methods: entry.methods, scope };
        active.push(link);
        leaked.push(link);
      } else if (entry.kind === 'route') {
        this.emit(router, entry, joinPaths(base, entry.path), active, mounted);
      } else if (!stack.includes(entry.router) && entry.router !== router && stack.length < MAX_MOUNT_DEPTH) {
        const below = this.flatten(entry.router, joinPaths(base, entry.path), active, [...stack, router], mounted);
        if (entry.router.leaks) {
          active.push(...below);
          leaked.push(...below);
        }
      }
    }
    // a router whose reading reported something (or met what another report covers) is read each time, so is the report
    if (whole) this.keepWhole(whole, first, leaked, this.classifier.unresolvedMet === unresolved && this.limitReported === limited);
    return leaked;
  }

  /**
   * What the links in effect above a router are, as compared between analyses: each applied expression (by its
   * node, the same while its file's parse is kept), how it is classified now, where and for which methods it applies.
   */
  private aboveKey(inherited: readonly Active[]): string {
    let key = '';
    for (const active of inherited) {
      let known = this.activeKeys.get(active);
      if (known === undefined) {
        const { link } = active;
        const classified = link.fixed ?? this.classifier.middleware(link.expr, link.module, link.runs);
        known = JSON.stringify([
          nodeId(link.expr), nodeId(link.module.source), nodeId(link.at.node), nodeId(link.at.module.source),
          link.runs ? [nodeId(link.runs.expr), nodeId(link.runs.module.source)] : null, link.stage ?? null,
          classified, active.pattern, active.methods ?? null, active.scope,
        ], (_, value: unknown) => (value instanceof RegExp ? String(value) : value));
        this.activeKeys.set(active, known);
      }
      key += `${known}\n`;
    }
    return key;
  }

  /**
   * How the routes among `entries` change the links in effect above them (a global guard skipped by `@Public()`
   * routes), as compared between analyses: what a route does to a link depends on the link's code too, which the
   * route's files need not import. Compared with the very entries, what the framework says its overrides read of each
   * link is enough (a NestJS controller's 2,000 routes behind a global guard: the guard's facts, once).
   */
  private overriddenKey(router: RouterNode, entries: readonly Entry[], inherited: readonly Active[]): string {
    let key = '';
    const read = this.routing.overrideKeys(router.framework);
    if (read) {
      for (const active of inherited) key += `${read(active.link)}\n`;
      return key;
    }
    for (const entry of entries) {
      if (entry.kind !== 'route' || !entry.overrides) continue;
      for (const active of inherited) key += `${JSON.stringify(entry.overrides(active.link, this.routing)) ?? ''}\n`;
      key += '\0';
    }
    return key;
  }

  /** The routes of a router read whole by the last analysis, when it is read from the same things; the links it leaks then. */
  private takeWhole(now: WholeInputs): Active[] | undefined {
    const last = WHOLE_ROUTERS.get(now.router.created.node);
    if (!last || !sameWhole(last, now, this.classifier.names) || this.routes.length + last.routes.length > MAX_ROUTES) return undefined;
    if (last.routes.some((kept) => this.taken.has(kept.route.base))) return undefined;
    const { modules } = this.routing.resolver.graph;
    for (const kept of last.routes) {
      const route = kept.route.base;
      this.taken.add(route);
      this.routes.push(route);
      if (kept.route.code) this.routing.handlerCodes.set(route, { fn: kept.route.code.fn, module: modules.get(kept.route.code.path)! });
      this.reading.set(route, kept);
    }
    return last.leaked;
  }

  /** Keeps a router read whole (its routes from `first` on) for the next analysis, unless it reported something or one of its routes is built each time. */
  private keepWhole(now: WholeInputs, first: number, leaked: Active[], quiet: boolean): void {
    const routes: { node: ts.Node; route: KeptRoute }[] = [];
    for (let i = first; i < this.routes.length && quiet; i++) {
      const reading = this.reading.get(this.routes[i]);
      if (reading) routes.push(reading); else quiet = false;
    }
    if (quiet) WHOLE_ROUTERS.set(now.router.created.node, { ...now, names: this.classifier.names, routes, leaked });
    else WHOLE_ROUTERS.delete(now.router.created.node);
  }

  private emit(router: RouterNode, entry: Extract<Entry, { kind: 'route' }>, path: string, active: readonly Active[], mounted: boolean): void {
    if (this.routes.length >= MAX_ROUTES) {
      if (!this.limitReported) {
        this.limitReported = true;
        const at = locate(entry.at.module, entry.at.node);
        this.report({ file: at.file, range: at.range, severity: 'warning', code: 'code-limit-exceeded', message: `Route analysis stopped here: it reports at most ${MAX_ROUTES} routes` });
      }
      return;
    }
    const { method } = entry;
    const links: ChainLink[] = [];
    const stages: number[] = [];
    for (const a of active) {
      if (!covers(a.pattern, path) || (a.methods && method !== 'ALL' && !a.methods.includes(method))) continue;
      const link = this.link(a.link, a.scope, method, path, entry.overrides?.(a.link, this.routing));
      if (link) { links.push(link); stages.push(a.link.stage ?? 0); }
    }
    for (const source of entry.links) {
      const link = this.link(source, 'route', method, path, entry.overrides?.(source, this.routing));
      if (link) { links.push(link); stages.push(source.stage ?? 0); }
    }
    const chain = byStage(links, stages);
    const handler = entry.handler && { expr: entry.handler.expr, reach: this.routing.reach!.of(entry.handler.module) };
    const inputs = { framework: router.framework, method, path, mounted, handler };
    this.reportedByHandler = false;
    const kept = KEPT_ROUTES.get(entry.at.node)?.find((k) => !this.taken.has(k.base) && this.sameInputs(k, inputs, chain));
    let route: Route;
    let code: { fn: FunctionNode; module: Module } | undefined;
    if (kept) {
      this.taken.add(kept.base);
      route = kept.base;
      code = kept.code && { fn: kept.code.fn, module: this.routing.resolver.graph.modules.get(kept.code.path)! };
    } else {
      const at = locate(entry.at.module, entry.at.node);
      route = {
        framework: router.framework, method, path, key: `${method} ${path}`, file: at.file, range: at.range,
        ...(entry.handler ? { handler: this.handler(entry.handler, chain) } : {}), chain, mounted,
      };
      code = entry.handler && this.handlerCode(entry.handler);
    }
    this.routes.push(route);
    if (code) this.routing.handlerCodes.set(route, code);
    // a route whose handler reading reports something is built each time, so that the report is made each time
    if (!this.reportedByHandler) {
      // a route taken again was built from what it is built from now: its record holds for the next analysis too
      let keeping = kept;
      if (!keeping) {
        keeping = { framework: router.framework, method, path, mounted, handler, chain: route.chain, base: route };
        if (code) keeping.code = { fn: code.fn, path: code.module.path };
      }
      this.reading.set(route, { node: entry.at.node, route: keeping });
      const list = this.built.get(entry.at.node);
      if (list) list.push(keeping); else this.built.set(entry.at.node, [keeping]);
    }
  }

  /** Whether a route of the last analysis was built from what this one would be built from. */
  private sameInputs(kept: KeptRoute, now: Omit<KeptRoute, 'chain' | 'base'>, chain: readonly ChainLink[]): boolean {
    return kept.framework === now.framework && kept.method === now.method && kept.path === now.path && kept.mounted === now.mounted
      && kept.handler?.expr === now.handler?.expr && (!kept.handler || sameReach(kept.handler.reach, now.handler!.reach))
      && kept.chain.length === chain.length && chain.every((link, i) => this.sameLink(link, kept.chain[i]));
  }

  /** Whether two links read the same (links are plain data, built the same way by every analysis). */
  private sameLink(link: ChainLink, kept: ChainLink): boolean {
    if (link === kept || this.sameLinks.get(link) === kept) return true;
    if (JSON.stringify(link) !== JSON.stringify(kept)) return false;
    this.sameLinks.set(link, kept);
    return true;
  }

  /** A link in effect for the route, or undefined when its opt-out (or the route's override) skips the route. */
  private link(source: LinkSource, scope: LinkScope, method: string, path: string, override?: LinkOverride): ChainLink | undefined {
    const c = source.fixed ?? this.classifier.middleware(source.expr, source.module, source.runs);
    const routeFree = !c.optOut;
    const key = override ? `${scope}\0${JSON.stringify(override)}` : scope;
    const known = routeFree ? this.shared.get(source)?.get(key) : undefined;
    if (known) return known;
    const link = this.linkFor(source, c, scope, method, path, override);
    if (routeFree && link) {
      let byKey = this.shared.get(source);
      if (!byKey) this.shared.set(source, (byKey = new Map()));
      byKey.set(key, link);
    }
    return link;
  }

  private linkFor(source: LinkSource, c: Classification, scope: LinkScope, method: string, path: string, override?: LinkOverride): ChainLink | undefined {
    let { kind, evidence } = c;
    const skip = c.optOut ? optedOut(c.optOut, method, path) : 'no';
    if (skip === 'yes' || (override && 'skip' in override && override.skip === 'yes')) return undefined;
    if (skip === 'maybe') {
      kind = 'unknown';
      evidence = `${evidence}, but its .unless() opt-out may skip this route (${c.optOut!.opaque ?? 'a path pattern the analysis does not evaluate'})`;
    }
    if (override && 'why' in override) {
      kind = 'unknown';
      evidence = `${evidence}, but ${override.why}`;
    }
    if (override && 'note' in override) evidence = `${evidence}; ${override.note}`;
    const appliedBy = applyingCall(source.at);
    const grants = kind !== 'auth' ? [] : override && 'grants' in override ? override.grants : grantsOf(source.expr);
    const reuse = (kind === 'auth' || kind === 'rate-limit') && !source.fixed ? this.reuse(source) : undefined;
    return {
      name: c.name, kind, evidence, ...(c.definedAt ? { definedAt: c.definedAt } : {}), appliedAt: locate(source.at.module, source.at.node),
      ...(appliedBy ? { appliedBy } : {}), ...(reuse ? { reuse } : {}), scope, ...(grants.length > 0 ? { grants } : {}),
    };
  }

  /**
   * How a link's expression can be written at another route: a name, a member of one, or a call of those with literal
   * arguments, on one line; with the import that binds its first name (an import of its module, or the export of a
   * top-level declaration). Undefined for anything else (an inline function, a call with variables).
   */
  private reuse(source: LinkSource): Reuse | undefined {
    const expr = unwrap(source.expr);
    const { module } = source;
    const text = expr.getText(module.source);
    let root: ts.Expression = expr;
    while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root)) {
      if (ts.isCallExpression(root) && !root.arguments.every(isLiteral)) return undefined;
      root = root.expression;
    }
    if (!ts.isIdentifier(root) || text.includes('\n') || text.length > MAX_REUSE) return undefined;
    const declaration = this.routing.resolver.declarationOf(root);
    if (!declaration) return undefined;
    const local = root.text;
    const writtenIn = module.relPath;
    const imported = module.imports.get(declaration);
    if (imported) {
      const ref = module.refs.get(imported.specifier);
      if (ref?.kind === 'package') return { text, writtenIn, import: { from: imported.specifier, package: true, name: imported.name, local } };
      if (ref?.kind === 'file') return { text, writtenIn, import: { from: this.routing.resolver.graph.relative(ref.path), package: false, name: imported.name, local } };
      return undefined;
    }
    // a name declared inside a function may be out of scope at another route, even in the same file
    const statement = ts.isVariableDeclaration(declaration) ? declaration.parent?.parent : declaration;
    if (!statement?.parent || !ts.isSourceFile(statement.parent)) return undefined;
    const exported = [...module.exports].find(([, binding]) => binding.kind === 'local'
      && (binding.node === declaration || (ts.isIdentifier(binding.node) && binding.node.text === local)));
    return { text, writtenIn, ...(exported ? { import: { from: writtenIn, package: false, name: exported[0], local } } : {}) };
  }

  /** The function a route's handler runs: a controller method, or what the handler expression is bound to. */
  private handlerCode(source: LinkSource): { fn: FunctionNode; module: Module } | undefined {
    const parent = source.expr.parent;
    if (parent && ts.isMethodDeclaration(parent) && parent.name === source.expr) return { fn: parent, module: source.module };
    const value = this.routing.resolver.value(source.expr, source.module);
    return value.kind === 'node' && isFunctionNode(value.node) ? { fn: value.node, module: value.module } : undefined;
  }

  /** The route's handler, and what its own code enforces that the chain does not (its code is read only then). */
  private handler(source: LinkSource, chain: readonly ChainLink[]): Handler {
    const value = this.routing.resolver.value(source.expr, source.module);
    const e = unwrap(source.expr);
    const inline = ts.isFunctionExpression(e) || ts.isArrowFunction(e);
    const name = inline ? {} : { name: displayName(e) };
    if (value.kind === 'node' && isFunctionNode(value.node)) {
      const at = declarationSite(value, source.expr) ?? locate(value.module, value.node);
      const missing = (kind: LinkKind): kind is 'auth' | 'rate-limit' => (kind === 'auth' || kind === 'rate-limit') && !chain.some((link) => link.kind === kind);
      const own = missing('auth') || missing('rate-limit') ? this.classifier.byEffect(value.node, value.module) : undefined;
      this.reportedByHandler = own !== undefined && this.classifier.metUnresolved(value.node);
      const enforces = own && missing(own.kind) ? { enforces: { kind: own.kind, evidence: own.evidence } } : {};
      return { file: at.file, range: at.range, ...name, ...enforces };
    }
    const at = locate(source.module, source.expr);
    return { file: at.file, range: at.range, ...name };
  }
}

/** A link written longer than this is not offered for reuse. */
const MAX_REUSE = 120;

/** A literal: a string, number, boolean, or an array or object of literals. */
function isLiteral(node: ts.Node): boolean {
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isLiteral);
  if (ts.isObjectLiteralExpression(node)) return node.properties.every((p) => ts.isPropertyAssignment(p) && isLiteral(p.initializer));
  return false;
}

/** Callee text longer than this is cut in `applyingCall`. */
const MAX_CALLEE = 60;

/**
 * The call a link is an argument of, as a reader recognises it: its callee and its path argument, the rest elided
 * (`app.use('/api', ...)`, `@UseGuards(...)`); undefined when the link is not a call's argument.
 */
function applyingCall(at: Site): string | undefined {
  let node: ts.Node = at.node;
  while (node.parent && (ts.isArrayLiteralExpression(node.parent) || ts.isSpreadElement(node.parent) || ts.isParenthesizedExpression(node.parent))) node = node.parent;
  const call = node.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.some((arg) => arg === node)) return undefined;
  const source = at.module.source;
  let callee = call.expression.getText(source).replace(/\s+/g, '');
  if (callee.length > MAX_CALLEE) callee = `...${callee.slice(-MAX_CALLEE)}`;
  const first = call.arguments[0];
  const path = first !== node && ts.isStringLiteralLike(first) && first.text.length <= MAX_CALLEE ? `${first.getText(source)}, ` : '';
  return `${ts.isDecorator(call.parent) ? '@' : ''}${callee}(${path}...)`;
}

/**
 * Links in the order their stages run, a stable sort: links of one stage keep their order (global, router, route).
 * Most chains are in order already (every framework but Fastify has one stage): they are taken as they are, as
 * sorting thousands of chains makes a work array for each.
 */
function byStage(links: ChainLink[], stages: readonly number[]): ChainLink[] {
  let sorted = true;
  for (let i = 1; i < stages.length && sorted; i++) sorted = stages[i - 1] <= stages[i];
  if (sorted) return links;
  return links.map((link, i) => ({ link, stage: stages[i] })).sort((a, b) => a.stage - b.stage).map((s) => s.link);
}

/** Where a call sits in its module: its method name for `a.get().post()` chains (which start at the same place). */
function orderPosition(call: ts.CallExpression): number {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) ? callee.name.pos : call.pos;
}

/** Whether a module of the graph imports one of `packages`. */
function importsAny(graph: ModuleGraph, packages: ReadonlySet<string>): boolean {
  for (const module of graph.modules.values()) {
    for (const ref of module.refs.values()) if (ref.kind === 'package' && packages.has(ref.specifier)) return true;
  }
  return false;
}

/** The files each call's bindings lead to (`boundFiles`), by call, with the module they were found in. */
const BOUND_FILES = new WeakMap<ts.CallExpression, { module: Module; files: readonly string[] }>();

/**
 * The project files the names in a call are bound to through imports and `require`s, directly or through the
 * declarations of its module they name (their values, functions and classes, read whole): bindings are followed
 * through imports only, so what reading the call reads lies in these files, the files their imports reach, and its
 * own module.
 */
function boundFiles(call: ts.CallExpression, module: Module, resolver: Resolver): readonly string[] {
  const known = BOUND_FILES.get(call);
  if (known?.module === module) return known.files;
  const files = new Set<string>();
  const fileOf = (specifier: string) => {
    const ref = module.refs.get(specifier);
    if (ref?.kind === 'file') files.add(ref.path);
  };
  const seen = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const declaration = resolver.declarationOf(node);
      if (!declaration || seen.has(declaration)) return;
      seen.add(declaration);
      const binding = module.imports.get(declaration);
      if (binding) fileOf(binding.specifier);
      else if (declaration.getSourceFile() === module.source) visit(declaration);
      return;
    }
    if (ts.isCallExpression(node)) {
      const specifier = module.requires.get(node);
      if (specifier !== undefined) fileOf(specifier);
    }
    node.forEachChild(visit);
  };
  visit(call);
  const found = [...files];
  BOUND_FILES.set(call, { module, files: found });
  return found;
}

/** The modules each list of steps names (where its routers are made, its sites, its links), found once per list. */
const STEP_MODULES = new WeakMap<readonly Step[], readonly Module[]>();

function stepModules(steps: readonly Step[]): readonly Module[] {
  let modules = STEP_MODULES.get(steps);
  if (modules) return modules;
  const found = new Set<Module>();
  const addLink = (link: LinkSource) => {
    found.add(link.module).add(link.at.module);
    if (link.runs) found.add(link.runs.module);
  };
  for (const step of steps) {
    if (step.kind === 'classify') {
      found.add(step.module);
      if (step.runs) found.add(step.runs.module);
      continue;
    }
    found.add(step.router.created.module);
    if (step.kind === 'router') continue;
    const { entry } = step;
    if (entry.kind === 'use') addLink(entry.link);
    else if (entry.kind === 'mount') found.add(entry.at.module).add(entry.router.created.module);
    else {
      found.add(entry.at.module);
      entry.links.forEach(addLink);
      if (entry.handler) addLink(entry.handler);
    }
  }
  STEP_MODULES.set(steps, (modules = [...found]));
  return modules;
}

function keyOf(router: RouterNode): RouterKey {
  return { framework: router.framework, kind: router.kind, created: router.created, prefix: router.prefix, leaks: router.leaks };
}

function compareOrder(a: Order, b: Order): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The calls written inside a function (the module's calls are in source order). */
function callsWithin(module: Module, fn: ts.Node): ts.CallExpression[] {
  const calls = module.calls;
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (calls[mid].pos < fn.pos) low = mid + 1;
    else high = mid;
  }
  const within: ts.CallExpression[] = [];
  for (let i = low; i < calls.length && calls[i].pos < fn.end; i++) if (calls[i].end <= fn.end) within.push(calls[i]);
  return within;
}

/** Names of calls that demand scopes, roles or permissions: `requiredScopes`, `hasRole`, `checkPermissions`, `authorize`. */
const GRANTING_CALL = /scope|role|permission|authori[sz]e/i;

/** The string literals a granting call passes (directly or in an array): the scopes, roles or permissions it demands. */
function grantsOf(expr: ts.Expression): string[] {
  const call = unwrap(expr);
  if (!ts.isCallExpression(call) || !GRANTING_CALL.test(displayName(unwrap(call.expression)))) return [];
  return call.arguments.flatMap((arg) => {
    const value = unwrap(arg);
    const items = ts.isArrayLiteralExpression(value) ? value.elements.map((e) => unwrap(e)) : [value];
    return items.filter((item) => ts.isStringLiteralLike(item)).map((item) => (item as ts.StringLiteralLike).text);
  });
}

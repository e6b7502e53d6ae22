/**
 * NestJS: routes are methods of `@Controller` classes (`@Get(':id')`, `@Post()`, ... `@All`), reached from the app
 * that `NestFactory.create(AppModule)` makes through the `@Module` tree (`imports`, `controllers`, `providers`).
 * Guards run global first (`{ provide: APP_GUARD, useClass }` in any module, then `app.useGlobalGuards(...)`), then
 * the controller's `@UseGuards`, then the method's. A guard that reads metadata through the `Reflector`
 * (`getAllAndOverride(IS_PUBLIC_KEY, [...])`) and lets the request through when it is set is skipped by routes that
 * set it (`@Public()` = `SetMetadata(IS_PUBLIC_KEY, true)`); one that lets it through when the metadata is unset
 * (`if (!roles) return true`) is skipped by routes that do not set it, and demands of the others the names they list
 * (`@Roles('admin')`: the link's grants); `@SkipThrottle()` skips the throttler guard,
 * `@Throttle()` tunes it. Paths join `setGlobalPrefix` (unless excluded), the URI version (`enableVersioning`,
 * `@Version`, `@Controller({ version })`), the `RouterModule.register` path of the module, the controller's path and
 * the method's. A controller no app reaches keeps its own path. A controller reached from two apps takes the paths
 * of the first.
 */
import ts = require('typescript');
import type { Module, ModuleGraph } from '../modules';
import { isFunctionNode, propertyName, unwrap, type FunctionNode, type Value } from '../resolve';
import { sameReach, type Reach } from '../reach';
import {
  EMPTY_ENV, linkIn, siteIn, type Entry, type FrameworkExtractor, type LinkOverride, type LinkSource, type Order, type Registration, type RouterNode, type RouterView, type Routing, type Site,
} from '../routing';
import { covers, EVERY_PATH, joinPaths, NOT_CONSTANT, toPattern, toTemplate } from '../templates';

const COMMON = '@nestjs/common';
const ROUTE_DECORATORS: Record<string, string> = {
  Get: 'GET', Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE', All: 'ALL', Head: 'HEAD', Options: 'OPTIONS', Search: 'SEARCH',
};
/** Reflector methods that read metadata set by decorators. */
const METADATA_READERS = new Set(['get', 'getAllAndOverride', 'getAllAndMerge', 'getAll']);
/** Middleware runs before guards, whatever the order of the calls. */
const MIDDLEWARE = 0;
const GUARDS = 1;
/** Mounts come after every global guard: Nest applies them whatever the order of the calls. */
const LAST = Number.MAX_SAFE_INTEGER;
const MAX_MODULES = 2_000;

/** What `main.ts` says about the app's paths. */
interface AppSettings {
  /** A template, '' when unset. */
  prefix: string;
  exclude: { pattern: ReturnType<typeof toPattern>; methods?: string[] }[];
  /** URI versioning: the segment prefix (`v`) and the default version(s). */
  versioning?: { prefix: string; defaults: Version[] };
}

/** A version as written; `neutral` (VERSION_NEUTRAL) adds no segment. */
type Version = string | { neutral: true };

/** A metadata key as the code names it: a constant's text, or the declaration of a `Reflector.createDecorator()`. */
type MetadataKey = string;

interface GuardReading { key: MetadataKey; fromClass: boolean; fromHandler: boolean; skipsWhen: 'set' | 'unset' | 'unclear' }

interface GuardFacts { throttler: boolean; reads: GuardReading[] }

/** What a route's decorators (and its controller's) set. */
interface RouteMetadata {
  handler: DecoratorMetadata;
  controller: DecoratorMetadata;
  /** `@SkipThrottle()`: the method's when it has one, else the controller's. */
  skipThrottle?: boolean;
  throttle?: string;
}

/** What a controller gives each route of its methods. */
interface Controller {
  module: Module;
  app: AppSettings;
  /** The `RouterModule` path of its module. */
  modulePath: string;
  /** Its paths as templates ('' when it has none). */
  prefixes: string[];
  versions?: Version[];
  metadata: DecoratorMetadata;
}

/**
 * What decorators set: metadata by key, the names a value lists (`@Roles('admin', 'staff')`: the roles a guard that
 * reads it demands), and whether they skip or tune the throttler.
 */
interface DecoratorMetadata { values: Map<MetadataKey, string>; names: Map<MetadataKey, string[]>; skipThrottle?: boolean; throttle?: string }

/**
 * A route a controller registers: where (`node`, in the controller's module), its handler (the method's `name`), its
 * own guards, and the metadata its decorators set (which guards in effect read).
 */
interface RouteReading { order: Order; method: string; path: string; node: ts.Node; name: ts.Expression; links: LinkSource[]; metadata: RouteMetadata }

/** What a controller class registers: the guards of its `@UseGuards` and its routes. */
interface ControllerReading { guards: { order: Order; link: LinkSource }[]; routes: RouteReading[] }

/** A class and the module it is written in. */
interface ClassSite { cls: ts.ClassLikeDeclaration; module: Module }

/**
 * What a `@Module` class declares: each of its imports (the module imported, and the paths `RouterModule.register`
 * gives modules there, in order), the guards its providers make global, and its controllers, where listed.
 */
interface ModuleReading {
  imports: { routed: [ts.ClassLikeDeclaration, string][]; imported?: ClassSite }[];
  guards: LinkSource[];
  controllers: (ClassSite & { at: Site })[];
}

/** What reading each `@Module` class gave, with its module's import closure. */
const MODULES_READ = new WeakMap<ts.ClassLikeDeclaration, ModuleReading & { reach: Reach }>();

/**
 * What reading each controller class gave, with what it was read with: its module's import closure and the app's
 * paths with its module's path (`context`), and the entries the last analysis made of it in `module`. Parses of
 * unchanged files are kept between analyses, and with them these classes: an edit of one controller reads that
 * controller again, not the others, and the others' entries are the very objects again (so that their routers can
 * be taken whole).
 */
const CONTROLLERS_READ = new WeakMap<ts.ClassLikeDeclaration, ControllerReading & { reach: Reach; context: string; made?: { module: Module; entries: Entry[] } }>();

/** The reader of each analysis's routing: the overrides of kept entries are read by the analysis that asks. */
const READERS = new WeakMap<Routing, NestReader>();

const settings = new WeakMap<RouterNode, AppSettings>();
/** The paths of a controller no app mounts: its own. */
const UNMOUNTED: AppSettings = { prefix: '', exclude: [] };

function settingsOf(app: RouterNode): AppSettings {
  let found = settings.get(app);
  if (!found) {
    found = { prefix: '', exclude: [] };
    settings.set(app, found);
  }
  return found;
}

export const nestjs: FrameworkExtractor = {
  framework: 'nestjs',
  methods: new Set(['use', 'setGlobalPrefix', 'useGlobalGuards', 'enableVersioning']),
  packages: new Set(['@nestjs/core']),
  // apps are made by `NestFactory.create`, controllers decorated by `@Controller`
  collectsFrom: new Set(['@nestjs/core', COMMON]),

  creates({ specifier, names }) {
    return this.packages.has(specifier) && names.join('.') === 'NestFactory.create' ? { kind: 'app', leaks: false } : undefined;
  },

  derive(method, _call, base) {
    return this.methods.has(method) ? base : undefined;
  },

  register(r) {
    const args = r.call.arguments;
    const app = settingsOf(r.view.router);
    if (r.method === 'use') {
      // Express (or Fastify) middleware on the whole app, before every guard
      if (args.length > 0 && !r.routing.isPath(args[0], r.module, r.env)) {
        for (const link of r.routing.links(args, r.module, r.env)) r.routing.use(r.view, r.order, EVERY_PATH, { ...link, stage: MIDDLEWARE });
      }
    } else if (r.method === 'useGlobalGuards') {
      for (const link of guards(r.routing.links(args, r.module, r.env))) r.routing.use(r.view, r.order, EVERY_PATH, link);
    } else if (r.method === 'setGlobalPrefix' && args[0]) {
      app.prefix = toTemplate(r.routing.text(args[0], r.module, r.env));
      const exclude = args[1] && option(r.routing, args[1], r.module, 'exclude');
      for (const item of exclude ? r.routing.links([exclude.node], exclude.module) : []) app.exclude.push(excluded(r, item));
    } else if (r.method === 'enableVersioning') {
      const options = args[0];
      const type = options && option(r.routing, options, r.module, 'type');
      if (!type || !/\bURI$/.test(type.node.getText())) return;
      const prefix = option(r.routing, options, r.module, 'prefix');
      const defaults = option(r.routing, options, r.module, 'defaultVersion');
      app.versioning = {
        prefix: !prefix ? 'v' : prefix.node.kind === ts.SyntaxKind.FalseKeyword ? '' : r.routing.text(prefix.node, prefix.module),
        defaults: defaults ? versions(r.routing, defaults.node, defaults.module) : [],
      };
    }
  },

  collect(routing, graph) {
    const reader = new NestReader(routing, graph);
    READERS.set(routing, reader);
    reader.read();
  },

  // a route's overrides read its own metadata (fixed with its entry) and the facts of the guard's code
  overrideKey: (link, routing) => READERS.get(routing)!.overrideKey(link),
};

function guards(links: LinkSource[]): LinkSource[] {
  return links.map((link) => ({ ...link, stage: GUARDS }));
}

/** An entry of `setGlobalPrefix`'s `exclude`: a path, or `{ path, method: RequestMethod.GET }`. */
function excluded(r: Registration, item: LinkSource): AppSettings['exclude'][number] {
  const path = option(r.routing, item.expr, item.module, 'path');
  const method = option(r.routing, item.expr, item.module, 'method');
  const raw = r.routing.text(path?.node ?? item.expr, path?.module ?? item.module);
  const name = method && ts.isPropertyAccessExpression(method.node) ? method.node.name.text : undefined;
  return { pattern: toPattern(raw.replace(/\(\.\*\)$|\{?\*[\w$]*\}?$/, '*'), false), ...(name && name !== 'ALL' ? { methods: [name] } : {}) };
}

/** A property of an object literal argument (following constants). */
function option(routing: Routing, expr: ts.Expression, module: Module, name: string): { node: ts.Expression; module: Module } | undefined {
  const found = routing.resolver.definition(expr, module);
  if (found.kind !== 'node' || !ts.isObjectLiteralExpression(found.node)) return undefined;
  for (const property of found.node.properties) {
    if (ts.isPropertyAssignment(property) && propertyName(property.name) === name) return { node: property.initializer, module: found.module };
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return { node: property.name, module: found.module };
  }
  return undefined;
}

/** `'1'`, `['1', '2']`, `VERSION_NEUTRAL`. */
function versions(routing: Routing, expr: ts.Expression, module: Module): Version[] {
  return routing.links([expr], module).map((item) => {
    const value = routing.resolver.value(item.expr, item.module);
    if (value.kind === 'external' && value.path.includes('VERSION_NEUTRAL')) return { neutral: true };
    return routing.text(item.expr, item.module);
  });
}

/** What a file's syntax alone says the reader looks at: its `x.create(...)` calls and its decorated top-level classes. */
interface Syntax { creates: ts.CallExpression[]; classes: ts.ClassDeclaration[] }

/** Each parsed file's `Syntax` (parses of unchanged files are kept between analyses). */
const SYNTAX = new WeakMap<ts.SourceFile, Syntax>();

function syntaxOf(module: Module): Syntax {
  let syntax = SYNTAX.get(module.source);
  if (!syntax) {
    syntax = {
      creates: module.calls.filter((call) => {
        const callee = unwrap(call.expression);
        return ts.isPropertyAccessExpression(callee) && callee.name.text === 'create';
      }),
      classes: module.source.statements.filter((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && decorators(s).length > 0),
    };
    SYNTAX.set(module.source, syntax);
  }
  return syntax;
}

/** The decorators of a class or method, as calls with what their callee is. */
function decorators(node: ts.Node): ts.CallExpression[] {
  return (ts.canHaveDecorators(node) ? ts.getDecorators(node) ?? [] : [])
    .map((d) => unwrap(d.expression))
    .filter((e): e is ts.CallExpression => ts.isCallExpression(e));
}

/** A decorator call, with the `@nestjs/common` export its callee is (`Get`, `UseGuards`), if any. */
interface Decorator { call: ts.CallExpression; common?: string }

/** The name of a package export a value is (`Get` from @nestjs/common), or undefined. */
function exported(value: Value, specifier: string): string | undefined {
  if (value.kind !== 'external' || value.specifier !== specifier) return undefined;
  for (let i = value.path.length - 1; i >= 0; i--) if (value.path[i] !== '()') return value.path[i];
  return undefined;
}

class NestReader {
  private readonly resolver;
  private readonly guards = new Map<ts.Node, GuardFacts>();
  /** What each applied guard is, once per link (every route behind a global guard asks about the same link). */
  private readonly linkFacts = new Map<LinkSource, GuardFacts | undefined>();
  /** `overrideKey` of each link asked about. */
  private readonly linkKeys = new Map<LinkSource, string>();
  private readonly controllers = new Map<ts.ClassLikeDeclaration, RouterNode>();
  /** What a controller's reading depends on above it, by app and module path: once per module, not per controller. */
  private readonly contexts = new Map<AppSettings, Map<string, string>>();

  constructor(private readonly routing: Routing, private readonly graph: ModuleGraph) {
    this.resolver = routing.resolver;
  }

  read(): void {
    for (const module of this.graph.modules.values()) {
      this.routing.guarded(module, () => {
        // the app is made by a call, whether or not anything is registered on it
        for (const call of syntaxOf(module).creates) {
          if (exported(this.resolver.value(unwrap(call.expression), module), '@nestjs/core')) {
            const view = this.routing.view(call, module, EMPTY_ENV);
            if (view && view.router.framework === 'nestjs') this.app(view, call, module);
          }
        }
      });
    }
    // controllers no app reaches: their own paths, unmounted
    for (const module of this.graph.modules.values()) {
      this.routing.guarded(module, () => {
        for (const cls of syntaxOf(module).classes) {
          if (!this.controllers.has(cls) && this.isController(cls, module)) this.controller(cls, module, UNMOUNTED, '');
        }
      });
    }
  }

  private isController(cls: ts.ClassLikeDeclaration, module: Module): boolean {
    return this.decorators(cls, module).some((d) => d.common === 'Controller');
  }

  /** The decorators of a class or method, each resolved once (a route's are read for its path, guards and version). */
  private decorators(node: ts.Node, module: Module): Decorator[] {
    return decorators(node).map((call) => ({ call, common: exported(this.resolver.value(call.expression, module), COMMON) }));
  }

  /** The app made at `create`: its module tree, global guards and controllers. */
  private app(view: RouterView, create: ts.CallExpression, module: Module): void {
    const root = create.arguments[0] && this.moduleClass(create.arguments[0], module);
    if (!root) return;
    const app = settingsOf(view.router);
    const modules: { cls: ts.ClassLikeDeclaration; reading: ModuleReading }[] = [];
    const paths = new Map<ts.ClassLikeDeclaration, string>();
    const seen = new Set<ts.Node>();
    const visit = (cls: ts.ClassLikeDeclaration, where: Module) => {
      if (seen.has(cls) || seen.size >= MAX_MODULES) return;
      seen.add(cls);
      const reading = this.moduleReading(cls, where);
      modules.push({ cls, reading });
      for (const { routed, imported } of reading.imports) {
        for (const [target, path] of routed) if (!paths.has(target)) paths.set(target, path);
        if (imported) visit(imported.cls, imported.module);
      }
    };
    visit(root.cls, root.module);
    let guardIndex = 0;
    let mountIndex = 0;
    for (const { cls, reading } of modules) {
      for (const guard of reading.guards) this.routing.use(view, [-1, guardIndex++], EVERY_PATH, guard);
      for (const controller of reading.controllers) {
        if (this.controllers.has(controller.cls)) continue;
        const router = this.controller(controller.cls, controller.module, app, paths.get(cls) ?? '');
        this.routing.mount(view, [LAST, mountIndex++], '', router, controller.at);
      }
    }
  }

  /**
   * What a `@Module` class declares, taken again from the last analysis while its file and the files its imports
   * reach read the same (`MODULES_READ`), with the modules it names moved to this analysis's.
   */
  private moduleReading(cls: ts.ClassLikeDeclaration, module: Module): ModuleReading {
    const reach = this.routing.reach!.of(module);
    let reading = MODULES_READ.get(cls);
    if (!reading || !sameReach(reading.reach, reach)) {
      reading = {
        reach,
        imports: this.moduleOption(cls, module, 'imports').map((item) => {
          const routes = this.routerModule(item);
          const routed: [ts.ClassLikeDeclaration, string][] = [];
          if (routes) this.modulePaths(routes.node, routes.module, '', routed, 0);
          const imported = this.moduleClass(item.expr, item.module);
          return { routed, ...(imported ? { imported } : {}) };
        }),
        guards: this.moduleOption(cls, module, 'providers').flatMap((provider) => this.appGuard(provider) ?? []),
        controllers: this.moduleOption(cls, module, 'controllers').flatMap((item) => {
          const found = this.resolver.value(item.expr, item.module);
          return found.kind === 'node' && ts.isClassLike(found.node) ? [{ cls: found.node, module: found.module, at: item.at }] : [];
        }),
      };
      MODULES_READ.set(cls, reading);
    }
    const moduleOf = (kept: Module): Module => this.graph.modules.get(kept.path)!;
    return {
      imports: reading.imports.map(({ routed, imported }) => ({ routed, ...(imported ? { imported: { cls: imported.cls, module: moduleOf(imported.module) } } : {}) })),
      guards: reading.guards.map((link) => linkIn(this.graph, link)),
      controllers: reading.controllers.map(({ cls: controller, module: where, at }) => ({ cls: controller, module: moduleOf(where), at: siteIn(this.graph, at) })),
    };
  }

  /** A module class written as `UsersModule`, `UsersModule.forRoot()` or `forwardRef(() => UsersModule)`. */
  private moduleClass(expr: ts.Expression, module: Module, depth = 0): ClassSite | undefined {
    const e = unwrap(expr);
    if (depth > 3) return undefined;
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isPropertyAccessExpression(callee)) return this.moduleClass(callee.expression, module, depth + 1);
      const arrow = e.arguments[0] && this.resolver.value(e.arguments[0], module);
      const returned = arrow?.kind === 'node' && isFunctionNode(arrow.node) ? this.resolver.returned(arrow.node) : undefined;
      return returned && this.moduleClass(returned, arrow!.kind === 'node' ? arrow!.module : module, depth + 1);
    }
    const value = this.resolver.value(e, module);
    return value.kind === 'node' && ts.isClassLike(value.node) ? { cls: value.node, module: value.module } : undefined;
  }

  /** The items of `imports`, `controllers` or `providers` in a class's `@Module({...})`. */
  private moduleOption(cls: ts.ClassLikeDeclaration, module: Module, name: string): LinkSource[] {
    for (const decorator of decorators(cls)) {
      if (exported(this.resolver.value(decorator.expression, module), COMMON) !== 'Module' || !decorator.arguments[0]) continue;
      const items = option(this.routing, decorator.arguments[0], module, name);
      return items ? this.routing.links([items.node], items.module) : [];
    }
    return [];
  }

  /** The routes of `RouterModule.register([...])` among a module's imports. */
  private routerModule(item: LinkSource): { node: ts.Expression; module: Module } | undefined {
    const e = unwrap(item.expr);
    if (!ts.isCallExpression(e) || !e.arguments[0]) return undefined;
    const callee = this.resolver.value(e.expression, item.module);
    return exported(callee, '@nestjs/core') === 'register' && callee.kind === 'external' && callee.path.includes('RouterModule')
      ? { node: e.arguments[0], module: item.module } : undefined;
  }

  /** `[{ path: 'admin', module: AdminModule, children: [...] }]`: each module's path prefix (the first one given applies). */
  private modulePaths(routes: ts.Expression, module: Module, base: string, paths: [ts.ClassLikeDeclaration, string][], depth: number): void {
    if (depth > 8) return;
    for (const item of this.routing.links([routes], module)) {
      const path = option(this.routing, item.expr, item.module, 'path');
      const target = option(this.routing, item.expr, item.module, 'module');
      const children = option(this.routing, item.expr, item.module, 'children');
      const here = joinPaths(base, path ? toTemplate(this.routing.text(path.node, path.module)) : '');
      const cls = target ? this.moduleClass(target.node, target.module) : this.moduleClass(item.expr, item.module);
      if (cls) paths.push([cls.cls, here]);
      if (children) this.modulePaths(children.node, children.module, here, paths, depth + 1);
    }
  }

  /** `{ provide: APP_GUARD, useClass: JwtAuthGuard }`: the guard, applied at its class (or value). */
  private appGuard(provider: LinkSource): LinkSource | undefined {
    const provide = option(this.routing, provider.expr, provider.module, 'provide');
    if (!provide || exported(this.resolver.value(provide.node, provide.module), '@nestjs/core') !== 'APP_GUARD') return undefined;
    for (const name of ['useClass', 'useExisting', 'useValue']) {
      const guard = option(this.routing, provider.expr, provider.module, name);
      if (guard) return { expr: guard.node, module: guard.module, at: { module: guard.module, node: guard.node }, stage: GUARDS };
    }
    const factory = option(this.routing, provider.expr, provider.module, 'useFactory');
    const fn = factory && this.resolver.value(factory.node, factory.module);
    const made = fn?.kind === 'node' && isFunctionNode(fn.node) ? this.resolver.returned(fn.node) : undefined;
    return made && fn?.kind === 'node' ? { expr: made, module: fn.module, at: { module: factory!.module, node: factory!.node }, stage: GUARDS } : undefined;
  }

  /**
   * The router of a controller class: its `@UseGuards` and one route per method, path and version. What reading the
   * class gave is taken again while its file and the files its imports reach read the same and the app's paths
   * (prefix, exclusions, versioning) and its module's path are the same (`CONTROLLERS_READ`).
   */
  private controller(cls: ts.ClassLikeDeclaration, module: Module, app: AppSettings, modulePath: string): RouterNode {
    const router = this.routing.router('nestjs', 'router', { module, node: cls }, { leaks: false });
    this.controllers.set(cls, router);
    const reach = this.routing.reach!.of(module);
    const context = this.contextOf(app, modulePath);
    let reading = CONTROLLERS_READ.get(cls);
    if (!reading || reading.context !== context || !sameReach(reading.reach, reach)) {
      reading = { ...this.readController(cls, module, app, modulePath), reach, context };
      CONTROLLERS_READ.set(cls, reading);
    }
    // links may be written in other modules: kept ones are moved to this analysis's modules
    const guards = reading.guards.map(({ order, link }) => ({ order, link: linkIn(this.graph, link) }));
    const links = reading.routes.map((route) => (route.links.length > 0 ? route.links.map((link) => linkIn(this.graph, link)) : route.links));
    const { made } = reading;
    if (made?.module === module && guards.every((guard, i) => guard.link === reading.guards[i].link)
      && links.every((list, i) => list === reading.routes[i].links || list.every((link, j) => link === reading.routes[i].links[j]))) {
      for (const entry of made.entries) this.routing.again(router, entry as Exclude<Entry, { kind: 'mount' }>);
      return router;
    }
    const view: RouterView = { router, basePath: '' };
    for (const { order, link } of guards) this.routing.use(view, order, EVERY_PATH, link);
    reading.routes.forEach((route, i) => {
      const { metadata } = route;
      this.routing.route(view, route.order, {
        method: route.method, path: route.path, at: { module, node: route.node }, links: links[i],
        handler: { expr: route.name, module, at: { module, node: route.name } },
        overrides: (link, routing) => READERS.get(routing)!.override(link, metadata),
      });
    });
    reading.made = { module, entries: [...router.entries] };
    return router;
  }

  private contextOf(app: AppSettings, modulePath: string): string {
    let byPath = this.contexts.get(app);
    if (!byPath) this.contexts.set(app, (byPath = new Map()));
    let context = byPath.get(modulePath);
    if (context === undefined) byPath.set(modulePath, (context = JSON.stringify([app, modulePath])));
    return context;
  }

  /** What a controller class registers: its guards and its routes. */
  private readController(cls: ts.ClassLikeDeclaration, module: Module, app: AppSettings, modulePath: string): ControllerReading {
    let controllerPaths: ts.Expression[] | undefined;
    let controllerVersions: Version[] | undefined;
    const classDecorators = this.decorators(cls, module);
    for (const { call: decorator, common } of classDecorators) {
      const arg = decorator.arguments[0];
      if (common !== 'Controller' || !arg) continue;
      const path = option(this.routing, arg, module, 'path');
      const version = option(this.routing, arg, module, 'version');
      if (version) controllerVersions = versions(this.routing, version.node, version.module);
      if (path) controllerPaths = this.routing.links([path.node], path.module).map((l) => l.expr);
      else if (this.routing.isPath(arg, module)) controllerPaths = this.routing.links([arg], module).map((l) => l.expr);
    }
    const reading: ControllerReading = { guards: this.guardsOf(classDecorators, module).map((link, i) => ({ order: [-1, i], link })), routes: [] };
    const classMetadata = this.metadata(classDecorators, module);
    const prefixes = (controllerPaths ?? [undefined]).map((p) => (p ? toTemplate(this.routing.text(p, module)) : ''));
    const controller: Controller = { module, app, modulePath, prefixes, versions: controllerVersions, metadata: classMetadata };
    for (const member of cls.members) if (ts.isMethodDeclaration(member)) this.methodRoutes(member, controller, reading.routes);
    return reading;
  }

  /** The routes of one method of a controller: one per route decorator, path, controller path and version. */
  private methodRoutes(member: ts.MethodDeclaration, controller: Controller, routes: RouteReading[]): void {
    const { module, app, modulePath, prefixes } = controller;
    const methodDecorators = this.decorators(member, module);
    const methodMetadata = this.metadata(methodDecorators, module);
    const metadata: RouteMetadata = {
      handler: methodMetadata, controller: controller.metadata,
      skipThrottle: methodMetadata.skipThrottle ?? controller.metadata.skipThrottle,
      throttle: methodMetadata.throttle ?? controller.metadata.throttle,
    };
    const links = this.guardsOf(methodDecorators, module);
    let methodVersions: Version[] | undefined;
    for (const { call: decorator, common } of methodDecorators) {
      if (common === 'Version' && decorator.arguments[0]) methodVersions = versions(this.routing, decorator.arguments[0], module);
    }
    const routeVersions = app.versioning ? methodVersions ?? controller.versions ?? app.versioning.defaults : [];
    for (const { call: decorator, common } of methodDecorators) {
      const httpMethod = common && ROUTE_DECORATORS[common];
      if (!httpMethod) continue;
      const arg = decorator.arguments[0];
      const paths = arg ? this.routing.paths(arg, module) : [{ raw: '', node: unwrap(decorator.expression) }];
      paths.forEach(({ raw, node }, i) => {
        for (const prefix of prefixes) {
          for (const version of routeVersions.length > 0 ? routeVersions : [undefined]) {
            const segment = version === undefined || typeof version !== 'string' ? '' : `${app.versioning!.prefix}${version}`;
            // `exclude` is matched without the version segment
            const local = joinPaths(modulePath, prefix, toTemplate(raw));
            const skipPrefix = app.exclude.some((x) => covers(x.pattern, local) && (!x.methods || x.methods.includes(httpMethod)));
            routes.push({ order: [member.pos, i], method: httpMethod, path: joinPaths(skipPrefix ? '' : app.prefix, segment, local), node, name: member.name as ts.Expression, links, metadata });
          }
        }
      });
    }
  }

  /** The guards of `@UseGuards(...)` decorators: the decorator nearest the declaration applies first. */
  private guardsOf(list: readonly Decorator[], module: Module): LinkSource[] {
    const found: LinkSource[] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].common === 'UseGuards') found.push(...guards(this.routing.links(list[i].call.arguments, module)));
    }
    return found;
  }

  /** The metadata the decorators set: `SetMetadata(KEY, value)` directly, through a function, or `applyDecorators`. */
  private metadata(list: readonly Decorator[], module: Module): DecoratorMetadata {
    const values = new Map<MetadataKey, string>();
    const names = new Map<MetadataKey, string[]>();
    let skipThrottle: boolean | undefined;
    let throttle: string | undefined;
    // `outer`: the decorator call whose function returned `call` (`Roles('admin')` returning `SetMetadata('roles', roles)`)
    const visit = (call: ts.CallExpression, where: Module, depth: number, outer?: { fn: FunctionNode; args: readonly ts.Expression[]; module: Module }) => {
      if (depth > 4) return;
      const callee = this.resolver.value(call.expression, where);
      const common = exported(callee, COMMON);
      const throttler = exported(callee, '@nestjs/throttler');
      if (common === 'SetMetadata' && call.arguments.length > 0) {
        const value = call.arguments[1] ? unwrap(call.arguments[1]) : undefined;
        if (value?.kind === ts.SyntaxKind.FalseKeyword) return;
        const key = this.key(call.arguments[0], where);
        values.set(key, value?.getText() ?? 'undefined');
        const listed = value ? this.listedNames(value, where, outer) : [];
        if (listed.length > 0) names.set(key, listed);
      } else if (common === 'applyDecorators') {
        for (const arg of call.arguments) {
          const inner = unwrap(arg);
          if (ts.isCallExpression(inner)) visit(inner, where, depth + 1, outer);
        }
      } else if (throttler === 'SkipThrottle') {
        const arg = call.arguments[0] && unwrap(call.arguments[0]);
        skipThrottle = !arg || arg.kind === ts.SyntaxKind.TrueKeyword || (ts.isObjectLiteralExpression(arg) && /:\s*true\b/.test(arg.getText()));
      } else if (throttler === 'Throttle') {
        throttle = '@Throttle()';
      } else if (callee.kind === 'node' && isFunctionNode(callee.node)) {
        const returned = this.resolver.returned(callee.node);
        const inner = returned && unwrap(returned);
        if (inner && ts.isCallExpression(inner)) visit(inner, callee.module, depth + 1, { fn: callee.node, args: call.arguments, module: where });
      } else if (callee.kind === 'external' && callee.specifier === '@nestjs/core' && callee.path.includes('createDecorator')) {
        // `export const Public = Reflector.createDecorator<boolean>()`: the decorator is its own key
        values.set(this.key(call.expression, where), call.arguments[0]?.getText() ?? 'true');
      }
    };
    for (const { call } of list) visit(call, module, 0);
    return { values, names, ...(skipThrottle !== undefined ? { skipThrottle } : {}), ...(throttle ? { throttle } : {}) };
  }

  /**
   * The names a metadata value lists: its string constants, directly or in an array, or, when it is a parameter of the
   * decorator function, the arguments the decorator is called with. A name that is not constant (`Role.Admin` of an
   * enum the analysis cannot evaluate) is kept as written.
   */
  private listedNames(value: ts.Expression, module: Module, outer?: { fn: FunctionNode; args: readonly ts.Expression[]; module: Module }): string[] {
    const named = (e: ts.Expression, where: Module): string => {
      const text = this.routing.text(e, where);
      return text.includes(NOT_CONSTANT) ? unwrap(e).getText() : text;
    };
    const u = unwrap(value);
    if (ts.isArrayLiteralExpression(u)) return u.elements.map((e) => named(e, module));
    if (ts.isStringLiteralLike(u)) return [u.text];
    if (ts.isIdentifier(u) && outer) {
      const index = outer.fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === u.text);
      if (index < 0) return [];
      const parameter = outer.fn.parameters[index];
      const args = parameter.dotDotDotToken ? outer.args.slice(index) : outer.args.slice(index, index + 1);
      return args.flatMap((a) => {
        const arg = unwrap(a);
        return ts.isArrayLiteralExpression(arg) ? arg.elements.map((e) => named(e, outer.module)) : [named(arg, outer.module)];
      });
    }
    return [];
  }

  /** A metadata key's identity: its constant text, else where it is declared. */
  private key(expr: ts.Expression, module: Module): MetadataKey {
    const text = this.routing.text(expr, module);
    if (!text.includes(NOT_CONSTANT)) return `text:${text}`;
    const found = this.resolver.definition(expr, module);
    return found.kind === 'node' ? `node:${found.module.relPath}:${found.node.pos}` : `name:${unwrap(expr).getText()}`;
  }

  /** How the route's metadata changes a guard in effect: `@Public()` read by a global guard, `@SkipThrottle()`. */
  private override(link: LinkSource, metadata: RouteMetadata): LinkOverride | undefined {
    const facts = this.guardFacts(link);
    if (!facts) return undefined;
    if (facts.throttler && metadata.skipThrottle) return { skip: 'yes' };
    for (const reading of facts.reads) {
      // the handler's metadata first, as `getAllAndOverride` reads it
      const from = [reading.fromHandler && metadata.handler, reading.fromClass && metadata.controller].find((m) => m && m.values.has(reading.key));
      const set = !!from;
      if (reading.skipsWhen === 'set' && set) return { skip: 'yes' };
      if (reading.skipsWhen === 'unset' && !set) return { skip: 'yes' };
      // a guard that lets through what sets nothing checks what is set: the roles or permissions it lists
      const demanded = reading.skipsWhen === 'unset' && from ? from.names.get(reading.key) : undefined;
      if (demanded) return { grants: demanded };
      if (reading.skipsWhen === 'unclear' && set) return { skip: 'maybe', why: 'the route sets metadata it reads, which may let the request through' };
    }
    if (facts.throttler && metadata.throttle) return { note: `${metadata.throttle} sets this route's limit` };
    return undefined;
  }

  /** What `override` reads of a link: the facts of the guard it applies, as text. */
  overrideKey(link: LinkSource): string {
    let key = this.linkKeys.get(link);
    if (key === undefined) this.linkKeys.set(link, (key = JSON.stringify(this.guardFacts(link)) ?? ''));
    return key;
  }

  /** What a guard is: a throttler, and which metadata its code reads and how. */
  private guardFacts(link: LinkSource): GuardFacts | undefined {
    if (this.linkFacts.has(link)) return this.linkFacts.get(link);
    const facts = this.readGuardFacts(link);
    this.linkFacts.set(link, facts);
    return facts;
  }

  private readGuardFacts(link: LinkSource): GuardFacts | undefined {
    const value = this.resolver.value(link.expr, link.module);
    if (exported(value, '@nestjs/throttler') === 'ThrottlerGuard') return { throttler: true, reads: [] };
    let found = value;
    if (found.kind === 'node' && ts.isNewExpression(found.node)) found = this.resolver.value(found.node.expression, found.module);
    if (found.kind !== 'node' || !ts.isClassLike(found.node)) return undefined;
    const cls = found.node;
    let facts = this.guards.get(cls);
    if (!facts) {
      facts = { throttler: this.extendsThrottler(cls, found.module, 0), reads: this.readings(cls, found.module) };
      this.guards.set(cls, facts);
    }
    return facts;
  }

  private extendsThrottler(cls: ts.ClassLikeDeclaration, module: Module, depth: number): boolean {
    const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (!base || depth > 3) return false;
    const parent = this.resolver.value(base, module);
    if (exported(parent, '@nestjs/throttler') === 'ThrottlerGuard') return true;
    return parent.kind === 'node' && ts.isClassLike(parent.node) && this.extendsThrottler(parent.node, parent.module, depth + 1);
  }

  /** `const isPublic = this.reflector.getAllAndOverride(KEY, [ctx.getHandler(), ctx.getClass()]); if (isPublic) return true;` */
  private readings(cls: ts.ClassLikeDeclaration, module: Module): GuardReading[] {
    const readings: GuardReading[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.arguments.length >= 2) {
        const callee = unwrap(node.expression);
        const targets = node.arguments[1].getText();
        if (ts.isPropertyAccessExpression(callee) && METADATA_READERS.has(callee.name.text) && /getHandler|getClass/.test(targets)) {
          readings.push({
            key: this.key(node.arguments[0], module), fromHandler: targets.includes('getHandler'), fromClass: targets.includes('getClass'),
            skipsWhen: skipsWhen(node),
          });
        }
      }
      node.forEachChild(visit);
    };
    cls.forEachChild(visit);
    return readings;
  }
}

/**
 * Whether the guard lets the request through when the metadata read by `read` is set (`if (isPublic) return true`)
 * or unset (`if (!roles) return true`), found from the variable it is stored in and the `if` that tests it.
 */
function skipsWhen(read: ts.CallExpression): GuardReading['skipsWhen'] {
  let holder: ts.Node = read;
  while (ts.isAwaitExpression(holder.parent) || ts.isAsExpression(holder.parent) || ts.isParenthesizedExpression(holder.parent)) holder = holder.parent;
  const variable = ts.isVariableDeclaration(holder.parent) && ts.isIdentifier(holder.parent.name) ? holder.parent.name.text : undefined;
  const fn = ts.findAncestor(read, isFunctionNode);
  let verdict: GuardReading['skipsWhen'] = 'unclear';
  const tested = (e: ts.Expression): boolean => {
    const u = unwrap(e);
    return u === holder || (variable !== undefined && ts.isIdentifier(u) && u.text === variable);
  };
  const visit = (node: ts.Node): void => {
    if (verdict !== 'unclear') return;
    if (ts.isIfStatement(node) && returnsTrue(node.thenStatement)) {
      const condition = unwrap(node.expression);
      if (tested(condition)) verdict = 'set';
      else if (ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken && tested(condition.operand)) verdict = 'unset';
    }
    node.forEachChild(visit);
  };
  if (fn?.body) visit(fn.body);
  return verdict;
}

function returnsTrue(statement: ts.Statement): boolean {
  const first = ts.isBlock(statement) ? statement.statements[0] : statement;
  return !!first && ts.isReturnStatement(first) && !!first.expression && unwrap(first.expression).kind === ts.SyntaxKind.TrueKeyword;
}

/**
 * Fastify: `fastify()` apps, shorthand routes `METHOD(path, [options,] handler)`, `route({ method, url, ... })`,
 * hooks (`addHook('onRequest' | 'preParsing' | 'preValidation' | 'preHandler', fn)` and the same keys in route
 * options), `decorate(name, fn)` followed where a hook names it (`onRequest: [app.authenticate]`), and
 * `register(plugin, { prefix })`.
 *
 * Encapsulation: a plugin runs with its own instance, a child of the one it is registered on; its hooks and
 * decorators apply to it and its children only. A plugin wrapped with `fastify-plugin` (`fp(fn)`) runs with the
 * parent instance itself (and ignores `prefix`), so its hooks apply to the parent. Timing follows Fastify: a route
 * gets every hook of its instance whenever it was added (hooks are read when the app is ready); a child plugin loads
 * after the body that registers it (at once when the registration is awaited), so it gets the hooks added in that
 * body and by the plugins registered before it. A chain is ordered by hook kind (onRequest first), then from the
 * app down.
 *
 * Known plugins: `@fastify/rate-limit` limits every route of the instance it is registered on (`global: false`:
 * only routes with `config: { rateLimit: {...} }`; `config: { rateLimit: false }` opts a route out), `@fastify/helmet`,
 * `@fastify/cors` and `@fastify/bearer-auth` add a hook; `@fastify/jwt`'s `request.jwtVerify()` is recognised by
 * the classifier. Plugins loaded by `@fastify/autoload` from a folder are not read.
 */
import ts = require('typescript');
import type { Module } from '../modules';
import { isFunctionNode, propertyName, unwrap, type FunctionNode } from '../resolve';
import type { Argument, FrameworkExtractor, LinkSource, Order, Registration, RouterNode, RouterView, RouteOverrides } from '../routing';
import { EVERY_PATH, toTemplate } from '../templates';
import { HTTP_METHODS } from './common';

const VERBS = new Set([...HTTP_METHODS, 'all']);
/** Request hooks that run before the handler, in the order Fastify runs them. */
const HOOK_STAGES: Record<string, number> = { onRequest: 0, preParsing: 1, preValidation: 2, preHandler: 3 };

/** Package plugins that add a hook to the instance they are registered on, and the decorators they add. */
const KNOWN_PLUGINS: Record<string, { hook: boolean; decorates: string[]; disabledBy?: string }> = {
  '@fastify/rate-limit': { hook: true, decorates: ['rateLimit'], disabledBy: 'global' },
  '@fastify/helmet': { hook: true, decorates: [] },
  '@fastify/cors': { hook: true, decorates: [] },
  '@fastify/bearer-auth': { hook: true, decorates: ['verifyBearerAuth'], disabledBy: 'addHook' },
  '@fastify/basic-auth': { hook: false, decorates: ['basicAuth'] },
  '@fastify/auth': { hook: false, decorates: ['auth'] },
};

/** How far plugins registering plugins are followed. */
const MAX_PLUGIN_DEPTH = 16;

/** Where an entry sorts in the body that makes it: hooks and awaited plugins as they run, other plugins after the body. */
const IN_BODY = 0;
const AFTER_BODY = 1;
/** Routes come after every hook and plugin of their instance. */
const ROUTES = Number.MAX_SAFE_INTEGER;

/** Per-analysis facts about instances (the router nodes belong to one analysis). */
const parents = new WeakMap<RouterNode, RouterNode>();
const decorations = new WeakMap<RouterNode, Map<string, { expr: ts.Expression; module: Module }>>();
const rateLimits = new WeakMap<RouterNode, { plugin: LinkSource; hook?: LinkSource }>();

export const fastify: FrameworkExtractor = {
  framework: 'fastify',
  methods: new Set([...VERBS, 'route', 'addHook', 'register', 'decorate']),
  packages: new Set(['fastify']),

  creates({ specifier, names }, construct) {
    if (!this.packages.has(specifier) || construct) return undefined;
    return names.length === 0 || (names.length === 1 && (names[0] === 'default' || names[0] === 'fastify')) ? { kind: 'app', leaks: false } : undefined;
  },

  derive(method, _call, base) {
    // every registration returns the instance, so calls chain
    return this.methods.has(method) || method === 'withTypeProvider' || method === 'after' ? base : undefined;
  },

  register(r) {
    const args = r.call.arguments;
    if (r.method === 'addHook') {
      const stage = args[0] ? HOOK_STAGES[r.routing.text(args[0], r.module, r.env)] : undefined;
      if (stage === undefined) return;
      for (const link of hookLinks(r, args.slice(1), stage)) r.routing.use(r.view, phased(r.order, IN_BODY), EVERY_PATH, link);
    } else if (r.method === 'decorate') {
      if (args.length < 2) return;
      const name = r.routing.text(args[0], r.module, r.env);
      let own = decorations.get(r.view.router);
      if (!own) decorations.set(r.view.router, own = new Map());
      own.set(name, { expr: args[1], module: r.module });
    } else if (r.method === 'register') {
      if (args[0]) registerPlugin(r, args[0], args[1]);
    } else if (r.method === 'route') {
      const options = args[0] && objectLiteral(r, args[0]);
      if (!options) return;
      const method = property(options.node, 'method');
      const url = property(options.node, 'url') ?? property(options.node, 'path');
      const handler = property(options.node, 'handler');
      if (!method || !url || !handler) return;
      const methods = r.routing.links([method], options.module, r.env).map((m) => r.routing.text(m.expr, m.module, r.env).toUpperCase()).filter((m) => /^[A-Z]+$/.test(m));
      addRoute(r, methods, url, options, handler);
    } else {
      // METHOD(path, [options,] handler), or METHOD(path, options) with `handler` in the options
      if (args.length < 2) return;
      const options = objectLiteral(r, args[1]);
      const handler = args.length > 2 ? args[args.length - 1] : options ? property(options.node, 'handler') : args[1];
      if (!handler) return;
      addRoute(r, [r.method === 'all' ? 'ALL' : r.method.toUpperCase()], args[0], options, handler);
    }
  },
};

/** The order with the phase of the body inserted before the last position: entries of one body compare phase first. */
function phased(order: Order, phase: number): Order {
  return [...order.slice(0, -1), phase, order[order.length - 1]];
}

function objectLiteral(r: Registration, expr: ts.Expression): { node: ts.ObjectLiteralExpression; module: Module } | undefined {
  const found = r.routing.resolver.definition(expr, r.module);
  return found.kind === 'node' && ts.isObjectLiteralExpression(found.node) ? { node: found.node, module: found.module } : undefined;
}

function property(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && propertyName(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
    if (ts.isMethodDeclaration(p) && propertyName(p.name) === name) return undefined;
  }
  return undefined;
}

/** The hook functions among `items`, with a decorator (`app.authenticate`) followed to the function it names. */
function hookLinks(r: Registration, items: readonly ts.Expression[], stage: number, module = r.module): LinkSource[] {
  return r.routing.links(items, module, r.env).map((link) => {
    const runs = decorated(r, link.expr, link.module);
    return { ...link, stage, ...(runs ? { runs } : {}) };
  });
}

/** `app.authenticate` or `app.auth([...])`: the decorator's value, on the instance or one of its ancestors. */
function decorated(r: Registration, expr: ts.Expression, module: Module): { expr: ts.Expression; module: Module } | undefined {
  let e = unwrap(expr);
  if (ts.isCallExpression(e)) e = unwrap(e.expression);
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  const view = r.routing.view(e.expression, module, r.env);
  for (let router = view?.router; router; router = parents.get(router)) {
    const found = decorations.get(router)?.get(e.name.text);
    if (found) return found;
  }
  return undefined;
}

/** A route with its options' hooks and rate-limit config. */
function addRoute(r: Registration, methods: string[], path: ts.Expression, options: { node: ts.ObjectLiteralExpression; module: Module } | undefined, handler: ts.Expression): void {
  const links: LinkSource[] = [];
  let overrides: RouteOverrides | undefined;
  if (options) {
    for (const [hook, stage] of Object.entries(HOOK_STAGES)) {
      const value = property(options.node, hook);
      if (value) links.push(...hookLinks(r, [value], stage, options.module));
    }
    const config = property(options.node, 'config');
    const configObject = config && r.routing.resolver.definition(config, options.module);
    const limit = configObject?.kind === 'node' && ts.isObjectLiteralExpression(configObject.node)
      ? configObject.node.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'rateLimit') : undefined;
    const limiter = limit && rateLimitOf(r.view.router);
    if (limit && limiter) {
      const off = unwrap(limit.initializer).kind === ts.SyntaxKind.FalseKeyword;
      if (limiter.hook) {
        const hook = limiter.hook;
        overrides = (link) => (link !== hook ? undefined : off ? { skip: 'yes' } : { note: "the route's config.rateLimit sets its limit" });
      } else if (!off) {
        const name = limit.name as ts.Identifier;
        links.push({ expr: name, module: options.module, at: { module: options.module, node: limit }, runs: { expr: limiter.plugin.expr, module: limiter.plugin.module }, stage: HOOK_STAGES.onRequest });
      }
    }
  }
  const paths = r.routing.paths(path, r.module, r.env);
  const handlerLink: LinkSource = { expr: handler, module: options && property(options.node, 'handler') === handler ? options.module : r.module, at: { module: r.module, node: handler } };
  paths.forEach(({ raw, node }, i) => {
    for (const method of methods) {
      r.routing.route(r.view, [ROUTES, ...r.order, i], { method, path: toTemplate(raw), at: { module: r.module, node }, links, handler: handlerLink, ...(overrides ? { overrides } : {}) });
    }
  });
}

/** The `@fastify/rate-limit` registered on an instance or an ancestor. */
function rateLimitOf(router: RouterNode): { plugin: LinkSource; hook?: LinkSource } | undefined {
  for (let r: RouterNode | undefined = router; r; r = parents.get(r)) {
    const found = rateLimits.get(r);
    if (found) return found;
  }
  return undefined;
}

/**
 * `register(plugin, options)`: a project plugin runs with a child instance mounted at `prefix` (or with the instance
 * itself when wrapped with fastify-plugin); a known package plugin adds its hook and decorators here.
 */
function registerPlugin(r: Registration, pluginExpr: ts.Expression, optionsExpr: ts.Expression | undefined): void {
  const phase = ts.isAwaitExpression(r.call.parent) ? IN_BODY : AFTER_BODY;
  const order = phased(r.order, phase);
  const plugin = resolvePlugin(r, pluginExpr);
  if (!plugin) return;
  const options = optionsExpr ? objectLiteral(r, optionsExpr) : undefined;
  if ('specifier' in plugin) {
    const known = KNOWN_PLUGINS[plugin.specifier];
    if (!known) return;
    const link: LinkSource = { expr: pluginExpr, module: r.module, at: { module: r.module, node: pluginExpr }, stage: hookStage(options) };
    let own = decorations.get(r.view.router);
    if (!own) decorations.set(r.view.router, own = new Map());
    for (const name of known.decorates) own.set(name, { expr: pluginExpr, module: r.module });
    const disabled = known.disabledBy && options && property(options.node, known.disabledBy);
    const hooked = known.hook && !(disabled && unwrap(disabled).kind === ts.SyntaxKind.FalseKeyword);
    if (hooked) r.routing.use(r.view, order, EVERY_PATH, link);
    if (plugin.specifier === '@fastify/rate-limit') rateLimits.set(r.view.router, { plugin: link, ...(hooked ? { hook: link } : {}) });
    return;
  }
  const { fn, module, wrapped } = plugin;
  const instance = fn.parameters[0];
  const nested = [...r.env.values()].filter((a) => a.view).length;
  if (!instance || r.env.has(instance) || nested >= MAX_PLUGIN_DEPTH) return;
  let view: RouterView = r.view;
  if (!wrapped) {
    const child = r.routing.router('fastify', 'router', { module: r.module, node: r.call }, { leaks: false });
    parents.set(child, r.view.router);
    view = { router: child, basePath: '' };
    const prefix = options && property(options.node, 'prefix');
    r.routing.mount(r.view, order, prefix ? toTemplate(r.routing.text(prefix, options!.module, r.env)) : '', child, { module: r.module, node: pluginExpr });
  }
  const env = new Map<ts.ParameterDeclaration, Argument>(r.env);
  env.set(instance, { expr: pluginExpr, module: r.module, env: r.env, view });
  if (fn.parameters[1] && optionsExpr) env.set(fn.parameters[1], { expr: optionsExpr, module: r.module, env: r.env });
  r.routing.includeFunction(fn, module, env, order);
}

/** The hook a package plugin adds its check to (`hook: 'preHandler'`); onRequest by default. */
function hookStage(options: { node: ts.ObjectLiteralExpression } | undefined): number {
  const hook = options && property(options.node, 'hook');
  return hook && ts.isStringLiteralLike(hook) && hook.text in HOOK_STAGES ? HOOK_STAGES[hook.text] : HOOK_STAGES.onRequest;
}

/** What is registered: a project function (wrapped with fastify-plugin or not), or a package's plugin. */
function resolvePlugin(r: Registration, expr: ts.Expression): { fn: FunctionNode; module: Module; wrapped: boolean } | { specifier: string } | undefined {
  let e = unwrap(expr);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  let value = r.routing.resolver.value(e, r.module);
  // `register(import('./routes'))`: the module's default export
  if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const specifier = r.module.requires.get(e);
    const ref = specifier !== undefined ? r.module.refs.get(specifier) : undefined;
    if (ref?.kind === 'package') return { specifier: ref.specifier };
    const target = ref?.kind === 'file' ? r.routing.resolver.graph.modules.get(ref.path) : undefined;
    if (!target) return undefined;
    value = r.routing.resolver.exportOf(target, 'default');
  }
  let wrapped = false;
  if (value.kind === 'external' && value.specifier === 'fastify-plugin' && value.site && ts.isCallExpression(value.site.node) && value.site.node.arguments[0]) {
    wrapped = true;
    value = r.routing.resolver.value(value.site.node.arguments[0], value.site.module);
  }
  if (value.kind === 'param') {
    const bound = r.env.get(value.param);
    if (bound) return resolvePlugin({ ...r, module: bound.module, env: bound.env }, bound.expr);
  }
  if (value.kind === 'external') return { specifier: value.specifier };
  return value.kind === 'node' && isFunctionNode(value.node) ? { fn: value.node, module: value.module, wrapped } : undefined;
}

/**
 * Koa: `new Koa()` apps with `app.use(...)` in order, `@koa/router` / `koa-router` routers (`new Router({ prefix })`,
 * `router.prefix()`, named routes `router.get(name, path, ...)`), mounted with `app.use(router.routes())` or nested
 * with `router.use('/x', other.routes())`, and koa-mount's `mount('/x', app)`. A router's middleware runs only for
 * requests that match one of its routes: it never covers the parent's other routes.
 */
import type { FrameworkExtractor, Registration } from '../routing';
import { HTTP_METHODS, registerRoutes, registerUse, type UseShape } from './common';
import { toTemplate } from '../templates';
import ts = require('typescript');

const VERBS = new Set([...HTTP_METHODS, 'del', 'all']);
const ROUTERS = new Set(['@koa/router', 'koa-router']);

const USE: UseShape = {
  defaultPath: '',
  prefix: true,
  mountOf(item, r) {
    if (!ts.isCallExpression(item.expr)) return undefined;
    const callee = r.routing.resolver.value(item.expr.expression, item.module);
    if (callee.kind !== 'external' || callee.specifier !== 'koa-mount') return undefined;
    const args = item.expr.arguments;
    const target = args.length > 0 ? r.routing.mountTarget(args[args.length - 1], item.module, r.env) : undefined;
    if (!target) return undefined;
    return { raw: args.length > 1 ? r.routing.text(args[0], item.module, r.env) : '', router: target.router };
  },
};

export const koa: FrameworkExtractor = {
  framework: 'koa',
  methods: new Set([...VERBS, 'use', 'prefix']),
  packages: new Set(['koa', ...ROUTERS]),

  creates({ specifier, names }, _construct, call, module, routing) {
    const whole = names.length === 0 || (names.length === 1 && (names[0] === 'default' || names[0] === 'Router'));
    if (specifier === 'koa' && whole) return { kind: 'app', leaks: true };
    if (!ROUTERS.has(specifier) || !whole) return undefined;
    const options = call.arguments?.[0];
    const prefix = options && ts.isObjectLiteralExpression(options)
      ? options.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'prefix')
      : undefined;
    return { kind: 'router', leaks: false, ...(prefix ? { prefix: toTemplate(routing.text(prefix.initializer, module)) } : {}) };
  },

  derive(method, _call, base) {
    return VERBS.has(method) || ['use', 'prefix', 'param', 'routes', 'middleware', 'redirect'].includes(method) ? base : undefined;
  },

  register(r: Registration) {
    const args = r.call.arguments;
    if (r.method === 'use') return registerUse(r, USE);
    if (r.method === 'prefix') {
      if (args[0]) r.view.router.prefix = toTemplate(r.routing.text(args[0], r.module, r.env));
      return;
    }
    const methods = [r.method === 'del' ? 'DELETE' : r.method.toUpperCase()];
    if (args.length < 2 || !r.routing.isPath(args[0], r.module, r.env)) return;
    // a named route: `router.get('user', '/users/:id', ...)`
    const named = args.length > 2 && r.routing.isPath(args[1], r.module, r.env);
    registerRoutes(r, methods, named ? args[1] : args[0], args.slice(named ? 2 : 1), 0);
  },
};

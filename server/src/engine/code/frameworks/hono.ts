/**
 * Hono: `new Hono()` apps, `.basePath(path)`, `METHOD(path?, ...handlers)` (a path-less call takes the chain's last
 * path), `on(method | methods, path | paths, ...handlers)`, `use(path?, ...middleware)` (paths match whole, `*` for
 * any rest) and `route(path, subApp)`. A sub-app's middleware is copied into the parent below the mount path, so it
 * covers the parent's later routes there too.
 */
import type { FrameworkExtractor } from '../routing';
import { joinPaths, toTemplate } from '../templates';
import { HTTP_METHODS, registerRoutes, registerUse } from './common';

const VERBS = new Set([...HTTP_METHODS, 'all']);

export const hono: FrameworkExtractor = {
  framework: 'hono',
  methods: new Set([...VERBS, 'on', 'use', 'route']),
  packages: new Set(['hono', 'hono/tiny', 'hono/quick']),
  entriesOnly: true,

  creates({ specifier, names }, construct) {
    return construct && this.packages.has(specifier) && names.length === 1 && names[0] === 'Hono' ? { kind: 'app', leaks: true } : undefined;
  },

  derive(method, call, base, module, routing, env) {
    const args = call.arguments;
    if (method === 'basePath') {
      return { router: base.router, basePath: joinPaths(base.basePath, args[0] ? toTemplate(routing.text(args[0], module, env)) : '') };
    }
    if (VERBS.has(method) && args[0] && routing.isPath(args[0], module, env)) return { ...base, routePath: routing.text(args[0], module, env) };
    if (method === 'on' && args[1] && routing.isPath(args[1], module, env)) return { ...base, routePath: routing.text(args[1], module, env) };
    return VERBS.has(method) || ['on', 'use', 'route'].includes(method) ? base : undefined;
  },

  register(r) {
    const args = r.call.arguments;
    if (r.method === 'use') return registerUse(r, { defaultPath: '*', prefix: false });
    if (r.method === 'route') {
      const target = args.length > 1 ? r.routing.mountTarget(args[1], r.module, r.env) : undefined;
      if (target) r.routing.mount(r.view, r.order, toTemplate(r.routing.text(args[0], r.module, r.env)), target.router, { module: r.module, node: args[1] });
      return;
    }
    if (r.method === 'on') {
      if (args.length < 3) return;
      const methods = r.routing.links([args[0]], r.module, r.env)
        .map((m) => r.routing.text(m.expr, m.module, r.env).toUpperCase())
        .filter((m) => /^[A-Z]+$/.test(m));
      return registerRoutes(r, methods, args[1], args.slice(2), 2);
    }
    const methods = [r.method.toUpperCase()];
    const pathed = args.length > 0 && r.routing.isPath(args[0], r.module, r.env);
    if (pathed && args.length < 2) return;
    registerRoutes(r, methods, pathed ? args[0] : undefined, pathed ? args.slice(1) : args, 2);
  },
};

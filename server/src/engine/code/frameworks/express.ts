/**
 * Express: `express()` apps and `express.Router()` / `Router()` routers; `METHOD(path, ...handlers)` with arrays and
 * spreads, `all`, `route(path).get(...).post(...)`, and `use([path,] ...middleware | router)` in order. Express
 * middleware on a router also runs for requests that pass through it unanswered, so a mounted router's `use`
 * covers the parent's later routes below the mount path.
 */
import type { FrameworkExtractor } from '../routing';
import { HTTP_METHODS, registerRoutes, registerUse } from './common';

const VERBS = new Set([...HTTP_METHODS, 'all']);

export const express: FrameworkExtractor = {
  framework: 'express',
  methods: new Set([...VERBS, 'use', 'route']),
  packages: new Set(['express']),
  entriesOnly: true,

  creates({ specifier, names }) {
    if (!this.packages.has(specifier)) return undefined;
    if (names.length === 0 || (names.length === 1 && names[0] === 'default')) return { kind: 'app', leaks: true };
    if (names.length === 1 && names[0] === 'Router') return { kind: 'router', leaks: true };
    return undefined;
  },

  derive(method, call, base, module, routing, env) {
    if (method === 'route') return { ...base, routePath: call.arguments[0] ? routing.text(call.arguments[0], module, env) : '' };
    // `app.get(...)` returns the app, `route(path).get(...)` the route
    return VERBS.has(method) || method === 'use' ? base : undefined;
  },

  register(r) {
    if (r.method === 'route') return;
    if (r.method === 'use') return registerUse(r, { defaultPath: '', prefix: true });
    const methods = [r.method.toUpperCase()];
    const args = r.call.arguments;
    if (r.view.routePath !== undefined) return registerRoutes(r, methods, undefined, args, 3);
    // `app.get('env')` with one argument reads a setting
    if (args.length < 2) return;
    registerRoutes(r, methods, args[0], args.slice(1), 3);
  },
};

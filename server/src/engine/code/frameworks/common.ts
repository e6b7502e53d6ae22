/** Registration shapes Express, Koa and Hono share: `use([path,] ...items)` and `METHOD([path,] ...handlers)`. */
import ts = require('typescript');
import type { LinkSource, Registration, RouterNode } from '../routing';
import { toPattern, toTemplate } from '../templates';

export const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch', 'options', 'head'];

export interface UseShape {
  /** The path of a `use` without one: '' for Express and Koa (every path below), '*' for Hono. */
  defaultPath: string;
  /** Whether a `use` path also covers the paths below it (Express, Koa) or must match whole (Hono, with `*`). */
  prefix: boolean;
  /** A framework's own way to mount an item (koa-mount's `mount('/v1', app)`). */
  mountOf?: (item: LinkSource, registration: Registration) => { raw: string; router: RouterNode } | undefined;
}

/** `use([path,] ...items)`: routers among the items are mounted at the path, the rest is middleware on it. */
export function registerUse(r: Registration, shape: UseShape): void {
  const args = r.call.arguments;
  const hasPath = args.length > 1 && r.routing.isPath(args[0], r.module, r.env);
  const paths = hasPath ? r.routing.paths(args[0], r.module, r.env).map((p) => p.raw) : [shape.defaultPath];
  r.routing.links(hasPath ? args.slice(1) : args, r.module, r.env).forEach((item, k) => {
    const order = [...r.order, k];
    const own = shape.mountOf?.(item, r);
    if (own) {
      r.routing.mount(r.view, order, toTemplate(own.raw), own.router, item.at);
      return;
    }
    const target = r.routing.view(item.expr, item.module, r.env);
    for (const raw of paths) {
      if (target) r.routing.mount(r.view, order, toTemplate(raw), target.router, item.at);
      else r.routing.use(r.view, order, toPattern(raw, shape.prefix), item);
    }
  });
}

/**
 * `METHOD(path, ...handlers)`: a route per path and method, the last handler answering and the others its route-level
 * middleware. Without `path` the route takes the path of the chain (`route('/x').get(h)`). A registration on a
 * wildcard path (or a path-less `all`) whose every function takes `next` is middleware, not a route
 * (`app.all('/api/*', requireAuth)`): `nextParams` is how many parameters such a function has (0: never).
 */
export function registerRoutes(r: Registration, methods: string[], path: ts.Expression | undefined, handlers: readonly ts.Expression[], nextParams: number): void {
  const links = r.routing.links(handlers, r.module, r.env);
  if (links.length === 0) return;
  const callee = r.call.expression as ts.PropertyAccessExpression;
  const paths = path ? r.routing.paths(path, r.module, r.env) : [{ raw: r.view.routePath ?? '', node: callee.name }];
  const everyMethod = methods.includes('ALL');
  paths.forEach(({ raw, node }, i) => {
    const order = [...r.order, i];
    const filter = raw.includes('*') || (!path && everyMethod);
    if (filter && nextParams > 0 && links.every((link) => r.routing.takesNext(link, nextParams))) {
      for (const link of links) r.routing.use(r.view, order, toPattern(raw, false), link, everyMethod ? undefined : methods);
      return;
    }
    const handler = links[links.length - 1];
    for (const method of methods) {
      r.routing.route(r.view, order, { method, path: toTemplate(raw), at: { module: r.module, node }, links: links.slice(0, -1), handler });
    }
  });
}

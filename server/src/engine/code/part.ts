/**
 * The code frontend's model as the checks, the engine and the CLI read it: the routes, grouped by app, with the
 * protections applied in each app. Plain data, free of TypeScript: only `frontend.ts` loads the compiler.
 */
import type { FrontendPart } from '../frontend';
import { dirname } from './posix';
import type { ChainLink, LinkKind, Location, Reuse, Route } from './model';

export interface CodePart extends FrontendPart {
  /** Every route, sorted by file, then position. */
  routes: Route[];
  apps: CodeApp[];
  /** The folders of the `package.json` files among the candidates, relative to the root ('' for the root), deepest first. */
  packages: string[];
  /** The texts of the files routes are registered in, by path relative to the root: suggestions edit them. */
  texts: ReadonlyMap<string, string>;
}

/**
 * The routes of one app: the files below the folder of a `package.json` among the candidates (a monorepo holds
 * several), or the whole project when there is none.
 */
export interface CodeApp {
  /** Its folder relative to the root with '/', '' for the root. */
  folder: string;
  routes: Route[];
  /** Where auth is applied in the app (middleware, guards, hooks, handlers that check the caller), with the routes it covers. */
  auth: Mechanism[];
  /** Where rate limiters are applied in the app, with the routes they cover. */
  rateLimits: Mechanism[];
}

/** One applied protection and the routes it is in effect for. */
export interface Mechanism {
  name: string;
  evidence: string;
  appliedAt: Location;
  definedAt?: Location;
  /** How it can be applied to another route. */
  reuse?: Reuse;
  routes: Route[];
}

/** Whether a frontend part is the code frontend's (a test double may stand in its place). */
export function isCodePart(part: FrontendPart | undefined): part is CodePart {
  return part !== undefined && Array.isArray((part as Partial<CodePart>).routes) && Array.isArray((part as Partial<CodePart>).apps);
}

/** The links of routes whose handler is a link too, once per route (a route kept after an edit is the same object). */
const linksWithHandler = new WeakMap<Route, readonly ChainLink[]>();

/**
 * What is in effect for a route, in order: its chain, then its handler as a route-level link when the handler's own
 * code checks the caller or limits the rate.
 */
export function routeLinks(route: Route): readonly ChainLink[] {
  const own = route.handler?.enforces;
  if (!route.handler || !own) return route.chain;
  let links = linksWithHandler.get(route);
  if (!links) {
    const handler = route.handler;
    linksWithHandler.set(route, (links = [...route.chain, {
      name: handler.name ?? 'the inline handler', kind: own.kind, evidence: `its own code ${own.evidence}`,
      appliedAt: { file: handler.file, range: handler.range }, scope: 'route',
    }]));
  }
  return links;
}

/** The links of a kind in effect for a route. */
export function linksOf(route: Route, kind: LinkKind): ChainLink[] {
  return routeLinks(route).filter((link) => link.kind === kind);
}

/** The routes of a list grouped by file, once per list. */
const byFile = new WeakMap<readonly Route[], readonly (readonly Route[])[]>();

/**
 * The routes of a list (sorted by file, as `CodePart.routes` and each app's are) in runs of one file each, in order:
 * the unit a route check reports about (`CheckContext.aboutRoutes`). Made once per list, however many checks ask.
 */
export function routesByFile(routes: readonly Route[]): readonly (readonly Route[])[] {
  let runs = byFile.get(routes);
  if (!runs) {
    const made: Route[][] = [];
    for (const route of routes) {
      const run = made[made.length - 1];
      if (run && run[0].file === route.file) run.push(route);
      else made.push([route]);
    }
    byFile.set(routes, (runs = made));
  }
  return runs;
}

/** The folders holding a `package.json` among `files` (absolute candidate paths), relative to the root, deepest first. */
export function packageFolders(root: string, files: readonly string[]): string[] {
  const prefix = `${root.replace(/\\/g, '/').replace(/\/+$/, '')}/`;
  return [...new Set(files.map((f) => f.replace(/\\/g, '/')).filter((f) => f.startsWith(prefix) && f.endsWith('/package.json'))
    .map((f) => dirname(f).slice(prefix.length - 1).replace(/^\//, '')))]
    .sort((a, b) => b.length - a.length);
}

/** The package a project file belongs to: the deepest of `folders` (deepest first) that holds it, '' for none. */
export function packageOf(file: string, folders: readonly string[]): string {
  // asked for every route of every analysis: no `${folder}/` made to compare
  return folders.find((f) => f === '' || (file.startsWith(f) && file.charCodeAt(f.length) === 47)) ?? '';
}

/** Groups routes by app: the deepest package folder (`packageFolders`) that holds the route's file. */
export function groupApps(routes: readonly Route[], folders: readonly string[]): CodeApp[] {
  const apps = new Map<string, CodeApp>();
  for (const route of routes) {
    const folder = packageOf(route.file, folders);
    let app = apps.get(folder);
    if (!app) apps.set(folder, (app = { folder, routes: [], auth: [], rateLimits: [] }));
    app.routes.push(route);
  }
  for (const app of apps.values()) {
    const { auth, rateLimits } = mechanisms(app.routes);
    app.auth = auth;
    app.rateLimits = rateLimits;
  }
  return [...apps.values()].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}

/**
 * The auth and rate-limit protections applied to some routes, each once (by where it is applied), with the routes
 * it covers: one pass over the routes' links for both kinds.
 */
function mechanisms(routes: readonly Route[]): { auth: Mechanism[]; rateLimits: Mechanism[] } {
  const auth = new Map<string, Mechanism>();
  const rateLimits = new Map<string, Mechanism>();
  // the routes behind one middleware share its link, and with it the place it is applied at: its key is made once
  const keys = new Map<Location, string>();
  for (const route of routes) {
    for (const link of routeLinks(route)) {
      const found = link.kind === 'auth' ? auth : link.kind === 'rate-limit' ? rateLimits : undefined;
      if (!found) continue;
      let key = keys.get(link.appliedAt);
      if (key === undefined) {
        const { file, range } = link.appliedAt;
        keys.set(link.appliedAt, (key = `${file}:${range.start.line}:${range.start.character}`));
      }
      let mechanism = found.get(key);
      if (!mechanism) {
        mechanism = {
          name: link.name, evidence: link.evidence, appliedAt: link.appliedAt, ...(link.definedAt ? { definedAt: link.definedAt } : {}),
          ...(link.reuse ? { reuse: link.reuse } : {}), routes: [],
        };
        found.set(key, mechanism);
      }
      // a route covered twice from one place (two links applied there) is listed once: its links are read one after the other
      if (mechanism.routes[mechanism.routes.length - 1] !== route) mechanism.routes.push(route);
    }
  }
  return { auth: [...auth.values()], rateLimits: [...rateLimits.values()] };
}

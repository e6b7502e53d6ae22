/**
 * Next.js: routes are files. App Router: `app/**\/route.(ts|js)` (also under `src/`) answers the HTTP methods it
 * exports (`export async function GET`, `export const POST = ...`, `export { handler as GET }`). Pages Router:
 * `pages/api/**` default-exports one handler, for every method (`ALL`) unless its body tests `req.method`, then one
 * route per method it names. Folders become segments: `[id]` is `{id}`; a catch-all `[...slug]` and an optional
 * catch-all `[[...slug]]` are `{slug}` (one template for any number of segments; the optional one also answers the
 * folder's own path); route groups `(group)` and slots `@slot` add nothing; `_private` folders are not routes.
 *
 * `middleware.ts` (or Next 16's `proxy.ts`) beside the `app`/`pages` folder runs before every route its
 * `config.matcher` matches (every route without one); a matcher that cannot be evaluated, or that depends on request
 * headers or cookies (`has`, `missing`), leaves the link `unknown` for the routes it may skip. A handler wrapped in a
 * function (`withAuth(handler)`) has the wrapper as a route link, and a check at the top of the handler that
 * rejects (`if (!session) return new Response(null, { status: 401 })`) is a route link too. Next's `basePath` (in
 * next.config) is not read.
 */
import ts = require('typescript');
import type { Classification } from '../classify';
import type { Module } from '../modules';
import { dirname } from '../posix';
import { isFunctionNode, propertyName, unwrap, type FunctionNode } from '../resolve';
import type { FrameworkExtractor, LinkOverride, LinkSource, Routing } from '../routing';
import { EVERY_PATH, joinPaths } from '../templates';

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CODE_FILE = /\.(ts|tsx|js|jsx|mjs|mts|cjs|cts)$/;
const MIDDLEWARE_FILE = /^(middleware|proxy)\.(ts|js|mjs|mts)$/;
/** `req.method === 'POST'` names a method; so does `req.method !== 'POST'` (the one it lets through). */
const COMPARISONS = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken]);
/** How many wrappers around a handler are followed (`withAuth(withLogging(handler))`). */
const MAX_WRAPPERS = 4;
/** Longer route paths are not tested against a matcher's regular expression. */
const MAX_TESTED_PATH = 300;

/** A file that is a route, by where it is: the folder holding its `app`/`pages` folder, and its path template. */
interface RouteFile { root: string; module: Module; router: 'app' | 'pages'; path: string }

/** What a matcher entry matches: a regular expression over the path, or why it cannot be evaluated. */
type Matcher = { regex: RegExp; conditional: boolean } | { opaque: string };

export const next: FrameworkExtractor = {
  framework: 'nextjs',
  methods: new Set(),
  // its routes are files, not calls on a router
  packages: new Set(),
  creates: () => undefined,
  derive: () => undefined,
  register: () => undefined,

  collect(routing, graph) {
    const routes: RouteFile[] = [];
    const middlewares = new Map<string, Module>();
    for (const module of graph.modules.values()) {
      const segments = module.relPath.split('/');
      const name = segments[segments.length - 1];
      if (MIDDLEWARE_FILE.test(name)) {
        const root = dirname(`/${module.relPath}`);
        // `middleware.ts` wins over `proxy.ts` only when both exist; either is the one file Next runs
        if (!middlewares.has(root) || name.startsWith('middleware')) middlewares.set(root, module);
        continue;
      }
      const found = routeFile(module, segments);
      if (found) routes.push(found);
    }
    const roots = new Map<string, RouteFile[]>();
    for (const route of routes) roots.set(route.root, [...(roots.get(route.root) ?? []), route]);
    for (const [root, files] of roots) {
      const middleware = middlewares.get(root);
      const anchor = middleware ?? files[0].module;
      const router = routing.router('nextjs', 'app', { module: anchor, node: anchor.source }, { leaks: false });
      const view = { router, basePath: '' };
      let matchers: Matcher[] | undefined;
      let middlewareLink: LinkSource | undefined;
      if (middleware) {
        routing.guarded(middleware, () => {
          middlewareLink = middlewareOf(routing, middleware);
          if (middlewareLink) {
            matchers = matchersOf(routing, middleware);
            routing.use(view, [0], EVERY_PATH, middlewareLink);
          }
        });
      }
      const overrides = (path: string) => (link: LinkSource): LinkOverride | undefined =>
        (link === middlewareLink && matchers ? matcherOverride(matchers, path) : undefined);
      files.forEach((file, index) => routing.guarded(file.module, () => {
        for (const handler of handlersOf(routing, file)) {
          routing.route(view, [1, index, handler.at.node.pos], {
            method: handler.method, path: file.path, at: handler.at, links: handler.links, handler: handler.source, overrides: overrides(file.path),
          });
        }
      }));
    }
  },
};

/** Whether a module is a route file, and its path: `app/users/[id]/route.ts` -> `/users/{id}`. */
function routeFile(module: Module, segments: string[]): RouteFile | undefined {
  const name = segments[segments.length - 1];
  if (!CODE_FILE.test(name) || name.endsWith('.d.ts')) return undefined;
  const app = segments.indexOf('app');
  if (app >= 0 && /^route\./.test(name)) {
    const path = template(segments.slice(app + 1, -1));
    return path === undefined ? undefined : { root: `/${segments.slice(0, app).join('/')}`.replace(/\/$/, '') || '/', module, router: 'app', path };
  }
  const pages = segments.indexOf('pages');
  if (pages >= 0 && segments[pages + 1] === 'api') {
    const stem = name.replace(CODE_FILE, '');
    const path = template([...segments.slice(pages + 1, -1), ...(stem === 'index' ? [] : [stem])]);
    return path === undefined ? undefined : { root: `/${segments.slice(0, pages).join('/')}`.replace(/\/$/, '') || '/', module, router: 'pages', path };
  }
  return undefined;
}

/** Folder names as a path template; undefined for a private folder (`_lib`), which is not a route. */
function template(folders: string[]): string | undefined {
  const out: string[] = [];
  for (const folder of folders) {
    if (folder.startsWith('_')) return undefined;
    if ((folder.startsWith('(') && folder.endsWith(')')) || folder.startsWith('@')) continue;
    const dynamic = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(folder);
    out.push(dynamic ? `{${dynamic[1]}}` : folder);
  }
  return joinPaths(...out);
}

/** The middleware a `middleware.ts` exports (`middleware`, `proxy` or default), as a link applied at its export. */
function middlewareOf(routing: Routing, module: Module): LinkSource | undefined {
  for (const exportName of ['middleware', 'proxy', 'default']) {
    const binding = module.exports.get(exportName);
    if (!binding) continue;
    const at = exportSite(binding.kind === 'local' ? binding.node : binding.site, exportName);
    const bound = routing.resolver.exportOf(module, exportName);
    // an export written as a call (`withAuth({...})`) is what the call returns
    const value = bound.kind === 'node' && ts.isCallExpression(bound.node) ? routing.resolver.value(bound.node, bound.module) : bound;
    const applied = binding.kind === 'local' && ts.isExpression(binding.node) && exportName === 'default' ? binding.node : undefined;
    const fixed: Classification = routing.classifier.ofValue(applied ? nameOf(applied) : exportName, value, at);
    return { expr: at as ts.Expression, module, at: { module, node: at }, fixed };
  }
  return undefined;
}

/** The node that names an export: a declaration's name, the exported name of `export { a as b }`, or the default expression. */
function exportSite(node: ts.Node, exportName: string): ts.Node {
  if ((ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node) || ts.isClassDeclaration(node) || ts.isBindingElement(node)) && node.name) return node.name;
  if (ts.isExportSpecifier(node.parent)) return node.parent.name;
  if (ts.isStringLiteralLike(node) && ts.isExportDeclaration(node.parent)) {
    const clause = node.parent.exportClause;
    const element = clause && ts.isNamedExports(clause) ? clause.elements.find((e) => e.name.text === exportName) : undefined;
    if (element) return element.name;
  }
  return node;
}

function nameOf(expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isCallExpression(e)) return nameOf(e.expression);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${nameOf(e.expression)}.${e.name.text}`;
  return 'middleware';
}

/** `export const config = { matcher: ... }`: each entry as a regular expression, or why it is not one. */
function matchersOf(routing: Routing, module: Module): Matcher[] | undefined {
  const config = module.exports.get('config');
  if (!config || config.kind !== 'local' || !ts.isVariableDeclaration(config.node) || !config.node.initializer) return undefined;
  const object = unwrap(config.node.initializer);
  if (!ts.isObjectLiteralExpression(object)) return [{ opaque: 'its config is not a literal object' }];
  const matcher = object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'matcher');
  if (!matcher) return undefined;
  return routing.links([matcher.initializer], module).map((item): Matcher => {
    const e = unwrap(item.expr);
    let source: ts.Expression = e;
    let conditional = false;
    if (ts.isObjectLiteralExpression(e)) {
      const found = e.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'source');
      if (!found) return { opaque: 'a matcher without source' };
      source = found.initializer;
      conditional = e.properties.some((p) => p.name !== undefined && ['has', 'missing'].includes(propertyName(p.name) ?? ''));
    }
    const text = routing.text(source, item.module);
    const regex = matcherRegExp(text);
    return regex ? { regex, conditional } : { opaque: `the matcher '${text.replace(/\u0000/g, '…')}' is not evaluated` };
  });
}

/**
 * A matcher (path-to-regexp as Next reads it: `:name`, `:name*`, `:name+`, `:name?`, `(regex)`) as an anchored,
 * case-insensitive regular expression. Raw groups come from the code under review: one that repeats a group, refers
 * back, or has many unbounded repeats is refused (it could backtrack without end).
 */
export function matcherRegExp(matcher: string): RegExp | undefined {
  if (!matcher.startsWith('/') || matcher.includes('\u0000')) return undefined;
  let out = '';
  let unbounded = 0;
  for (let i = 0; i < matcher.length;) {
    const param = /^\/:([A-Za-z_$][\w$]*)(\([^()]*\))?([*+?])?/.exec(matcher.slice(i));
    if (param) {
      const segment = param[2] ? `(?:${param[2].slice(1, -1)})` : '[^/]+';
      out += param[3] === '*' ? `(?:/${segment})*` : param[3] === '+' ? `(?:/${segment})+` : param[3] === '?' ? `(?:/${segment})?` : `/${segment}`;
      if (param[2]) unbounded += (param[2].match(/[*+]/g) ?? []).length;
      i += param[0].length;
      continue;
    }
    const c = matcher[i];
    if (c === '(') {
      const end = groupEnd(matcher, i);
      if (end < 0) return undefined;
      const raw = matcher.slice(i, end + 1);
      const inner = raw.slice(1, -1).replace(/\\./g, 'x').replace(/\[(?:\\.|[^\]\\])*\]/g, 'x');
      if (/\\[1-9k]/.test(raw) || /\)[*+?{]/.test(inner) || /[*+?{]/.test(matcher[end + 1] ?? '')) return undefined;
      unbounded += (inner.match(/[*+]/g) ?? []).length;
      out += raw;
      i = end + 1;
      continue;
    }
    out += /[\w/\-.~%]/.test(c) ? (c === '.' ? '\\.' : c) : `\\${c}`;
    i++;
  }
  if (unbounded > 3) return undefined;
  try { return new RegExp(`^${out}/?$`, 'i'); } catch { return undefined; }
}

/** The index of the `)` closing the group opened at `start`, or -1. */
function groupEnd(text: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Whether the middleware runs for a route path: skipped when no matcher matches; unknown when one may. */
function matcherOverride(matchers: Matcher[], path: string): LinkOverride | undefined {
  const sample = path.replace(/\{[^}]*\}/g, 'x');
  if (sample.length > MAX_TESTED_PATH) return { skip: 'maybe', why: 'its config.matcher was not tested against this long path' };
  let maybe: string | undefined;
  for (const matcher of matchers) {
    if ('opaque' in matcher) maybe ??= matcher.opaque;
    else if (matcher.regex.test(sample)) {
      if (!matcher.conditional) return undefined;
      maybe ??= "its matcher applies only to requests with (or without) certain headers, cookies or queries ('has', 'missing')";
    }
  }
  return maybe ? { skip: 'maybe', why: `it may not run for this route: ${maybe}` } : { skip: 'yes' };
}

interface RouteHandler { method: string; at: { module: Module; node: ts.Node }; source: LinkSource; links: LinkSource[] }

/** The handlers a route file exports: one per method for the App Router, the default export for pages/api. */
function handlersOf(routing: Routing, file: RouteFile): RouteHandler[] {
  const { module } = file;
  const names = file.router === 'app' ? ROUTE_METHODS.filter((m) => module.exports.has(m)) : module.exports.has('default') ? ['default'] : [];
  return names.flatMap((name) => {
    const binding = module.exports.get(name)!;
    const site = exportSite(binding.kind === 'local' ? binding.node : binding.site, name);
    const at = { module, node: name === 'default' ? defaultSite(module, site) : site };
    const expr = binding.kind === 'local' && ts.isExportSpecifier(binding.node.parent) ? binding.node as ts.Expression : site as ts.Expression;
    const unwrapped = unwrapHandler(routing, binding.kind === 'local' ? binding.node : undefined, module);
    const links = [...unwrapped.wrappers];
    const check = unwrapped.fn && routing.classifier.earlyAbort(unwrapped.fn.node, unwrapped.fn.module);
    if (check) links.push({ expr: check.check, module: unwrapped.fn!.module, at: { module: unwrapped.fn!.module, node: check.check }, fixed: check.link });
    const source: LinkSource = unwrapped.fn && !ts.isFunctionDeclaration(unwrapped.fn.node) && unwrapped.wrappers.length > 0
      ? { expr: unwrapped.fn.node as ts.Expression, module: unwrapped.fn.module, at: at }
      : { expr, module, at };
    const methods = file.router === 'app' ? [name] : methodsTested(unwrapped.fn?.node);
    return methods.map((method) => ({ method, at, source, links }));
  });
}

/** Where `export default` is written when the default export has no name of its own. */
function defaultSite(module: Module, site: ts.Node): ts.Node {
  if (ts.isIdentifier(site)) return site;
  const statement = ts.findAncestor(site, (n) => n.parent === module.source);
  const modifiers = statement && ts.canHaveModifiers(statement) ? ts.getModifiers(statement) ?? [] : [];
  // `export default expr` holds its keyword as a token, `export default function` as a modifier
  const keyword = [...modifiers, ...(statement && ts.isExportAssignment(statement) ? statement.getChildren() : [])].find((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
  if (keyword) return keyword;
  const call = unwrap(site as ts.Expression);
  return ts.isCallExpression(call) ? unwrap(call.expression) : site;
}

/** The handler function an export holds, and the wrappers around it (`withAuth(handler)`), outermost first. */
function unwrapHandler(routing: Routing, declaration: ts.Node | undefined, module: Module): { fn?: { node: FunctionNode; module: Module }; wrappers: LinkSource[] } {
  const wrappers: LinkSource[] = [];
  let node: ts.Node | undefined = declaration;
  let where = module;
  for (let depth = 0; node && depth <= MAX_WRAPPERS; depth++) {
    if (ts.isVariableDeclaration(node)) node = node.initializer;
    if (!node) break;
    if (isFunctionNode(node)) return { fn: { node, module: where }, wrappers };
    if (!ts.isExpression(node)) break;
    const e = unwrap(node);
    if (ts.isCallExpression(e)) {
      const inner = e.arguments.map((a) => ({ arg: a, value: routing.resolver.value(a, where) })).find((a) => a.value.kind === 'node' && isFunctionNode(a.value.node));
      if (!inner || inner.value.kind !== 'node') break;
      wrappers.push({ expr: e.expression, module: where, at: { module: where, node: e.expression } });
      node = inner.value.node;
      where = inner.value.module;
      continue;
    }
    const value = routing.resolver.definition(e, where);
    if (value.kind !== 'node' || value.node === e) break;
    node = value.node;
    where = value.module;
  }
  return { wrappers };
}

/** The methods a pages/api handler tests `req.method` for (`=== 'POST'`, `case 'GET':`), in order; `ALL` when none. */
function methodsTested(fn: FunctionNode | undefined): string[] {
  const request = fn?.parameters[0]?.name;
  if (!fn?.body || !request || !ts.isIdentifier(request)) return ['ALL'];
  const isMethod = (e: ts.Expression) => {
    const u = unwrap(e);
    return ts.isPropertyAccessExpression(u) && u.name.text === 'method' && ts.isIdentifier(u.expression) && u.expression.text === request.text;
  };
  const found: string[] = [];
  const add = (e: ts.Expression | undefined) => {
    const u = e && unwrap(e);
    if (u && ts.isStringLiteralLike(u) && ROUTE_METHODS.includes(u.text.toUpperCase()) && !found.includes(u.text.toUpperCase())) found.push(u.text.toUpperCase());
  };
  const visit = (node: ts.Node): void => {
    if (ts.isSwitchStatement(node) && isMethod(node.expression)) {
      for (const clause of node.caseBlock.clauses) if (ts.isCaseClause(clause)) add(clause.expression);
    } else if (ts.isBinaryExpression(node) && COMPARISONS.has(node.operatorToken.kind)) {
      if (isMethod(node.left)) add(node.right);
      else if (isMethod(node.right)) add(node.left);
    }
    node.forEachChild(visit);
  };
  visit(fn.body);
  return found.length > 0 ? found : ['ALL'];
}

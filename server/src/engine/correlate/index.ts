/**
 * Spec operations and code routes, side by side. `correlate` finds which OpenAPI documents describe which code (the
 * pairs written in `apis` of the configuration, or else by place and overlap: a document in the code's package, or
 * outside every package, whose operations the code's routes implement for at least half of the smaller side), and
 * meets operations and routes on one endpoint key. Checks read the result: every (operation, route) pair that meets,
 * the operations no route implements, and the routes no operation documents.
 */
import type { ResolvedConfig, ApiConfig } from '../config';
import type { Problem } from '../types';
import type { Route } from '../code/model';
import { packageOf, type CodePart } from '../code/part';
import { memoize } from '../memo';
import type { ApiDocument, Operation } from '../spec/model';
import { documentBasePaths, endpointKey, endpointSegments, hasUnknownSegment, normalBase, segmentsMatch } from './endpoint';

export { endpointSegments } from './endpoint';

/** One OpenAPI document and code that implements it. */
export interface Binding {
  document: ApiDocument;
  /** The routes it is compared with: an app's (automatic), or those below the configured folder. */
  routes: Route[];
  /** The path prefix the code serves the document's paths under ('' for none). */
  base: string;
  /** The entry of `apis` that made the pair, when the configuration did. */
  entry?: ApiConfig;
  /** The folder of the code, relative to the root ('' for the root). */
  folder: string;
}

/** An operation and a route that serves it. */
export interface EndpointPair { operation: Operation; route: Route; binding: Binding }

export interface Correlation {
  bindings: Binding[];
  pairs: EndpointPair[];
  /** Operations of a paired document that no route of its code implements, with the (first) binding they were sought in. */
  unimplemented: { operation: Operation; binding: Binding }[];
  /**
   * Mounted routes of paired code that no operation of their documents describes, with the (first) binding they
   * were sought in. Whether a route is left out of the spec on purpose is the checks' to say.
   */
  undocumented: { route: Route; binding: Binding }[];
}

/** The correlation of one analysis's documents and routes, computed once for every check that reads it. */
export const correlate = memoize((code: CodePart, documents: readonly ApiDocument[], config: ResolvedConfig): Correlation => {
  const bindings = config.apis ? configuredBindings(code, documents, config.apis) : automaticBindings(code, documents);
  return meet(bindings);
});

/** The routes a binding compares: mounted ones (an unmounted router's paths lack the prefix its mount would add). */
function comparable(routes: readonly Route[]): Route[] {
  return routes.filter((route) => route.mounted);
}

/** Routes by endpoint key, with those an exact key cannot find (method `ALL`, a segment the code does not fix) apart. */
class RouteIndex {
  private readonly exact = new Map<string, Route[]>();
  private readonly loose: { route: Route; segments: string[] }[] = [];

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const segments = endpointSegments(route.path);
      if (route.method === 'ALL' || hasUnknownSegment(segments)) { this.loose.push({ route, segments }); continue; }
      const key = endpointKey(route.method, segments);
      const list = this.exact.get(key);
      if (list) list.push(route); else this.exact.set(key, [route]);
    }
  }

  /** The routes that serve `method` on the path of `segments` (a GET route serves HEAD too). */
  find(method: string, segments: readonly string[]): Route[] {
    const verb = method.toUpperCase();
    const found = [...(this.exact.get(endpointKey(verb, segments)) ?? [])];
    if (verb === 'HEAD') found.push(...(this.exact.get(endpointKey('GET', segments)) ?? []));
    for (const { route, segments: routeSegments } of this.loose) {
      const serves = route.method === verb || route.method === 'ALL' || (verb === 'HEAD' && route.method === 'GET');
      if (serves && segmentsMatch(routeSegments, segments)) found.push(route);
    }
    return found;
  }
}

const indexOf = memoize((routes: Route[]) => new RouteIndex(routes));

/** The segments of an operation served under `base`. */
function operationSegments(op: Operation, base: string): string[] {
  return endpointSegments(`${base}/${op.path}`);
}

/** How many of the document's operations the routes implement when the document is served under `base`. */
function implemented(doc: ApiDocument, routes: Route[], base: string): number {
  const index = indexOf(routes);
  return doc.operations.filter((op) => index.find(op.method, operationSegments(op, base)).length > 0).length;
}

/** The base among the document's that the most operations meet routes under (the first on a tie), with that count. */
function bestBase(doc: ApiDocument, routes: Route[]): { base: string; count: number } {
  let best = { base: '', count: -1 };
  for (const base of documentBasePaths(doc)) {
    const count = implemented(doc, routes, base);
    if (count > best.count) best = { base, count };
  }
  return best;
}

/**
 * Pairs found by place and overlap: a document inside a package is compared with that package's routes only; a
 * document outside every package (at the repository's root, or in a folder of specs) with every app's. A pair holds
 * when at least one operation meets a route and at least half of the smaller side (operations or routes) does, so a
 * spec for another service in the same repository is not compared.
 */
function automaticBindings(code: CodePart, documents: readonly ApiDocument[]): Binding[] {
  const packages = code.packages ?? [];
  const bindings: Binding[] = [];
  for (const document of documents) {
    const own = packageOf(document.file.relPath, packages);
    for (const app of code.apps) {
      if (own !== '' && app.folder !== own) continue;
      const routes = comparable(app.routes);
      if (routes.length === 0 || document.operations.length === 0) continue;
      const { base, count } = bestBase(document, routes);
      if (count > 0 && count * 2 >= Math.min(document.operations.length, routes.length)) {
        bindings.push({ document, routes, base, folder: app.folder });
      }
    }
  }
  return bindings;
}

/** Pairs written in `apis`: a document, the routes below a folder, and the base path when given. */
function configuredBindings(code: CodePart, documents: readonly ApiDocument[], apis: readonly ApiConfig[]): Binding[] {
  const bindings: Binding[] = [];
  for (const entry of apis) {
    const document = documents.find((doc) => doc.file.relPath === entry.spec);
    if (!document) continue;
    const routes = comparable(code.routes.filter((route) => entry.code === '' || route.file.startsWith(`${entry.code}/`)));
    if (routes.length === 0) continue;
    const base = entry.basePath !== undefined ? normalBase(entry.basePath) : bestBase(document, routes).base;
    bindings.push({ document, routes, base, entry, folder: entry.code });
  }
  return bindings;
}

/** Meets each bound document's operations with its code's routes. */
function meet(bindings: Binding[]): Correlation {
  const pairs: EndpointPair[] = [];
  const paired = new Map<Operation, Set<Route>>();
  const documented = new Set<Route>();
  const firstBinding = new Map<Operation | Route, Binding>();
  for (const binding of bindings) {
    const index = indexOf(binding.routes);
    for (const route of binding.routes) if (!firstBinding.has(route)) firstBinding.set(route, binding);
    for (const operation of binding.document.operations) {
      if (!firstBinding.has(operation)) firstBinding.set(operation, binding);
      for (const route of index.find(operation.method, operationSegments(operation, binding.base))) {
        let routes = paired.get(operation);
        if (!routes) paired.set(operation, (routes = new Set()));
        if (routes.has(route)) continue;
        routes.add(route);
        pairs.push({ operation, route, binding });
        documented.add(route);
      }
    }
  }
  const unimplemented: Correlation['unimplemented'] = [];
  const undocumented: Correlation['undocumented'] = [];
  for (const [item, binding] of firstBinding) {
    if ('document' in item) { if (!paired.has(item)) unimplemented.push({ operation: item, binding }); }
    else if (!documented.has(item)) undocumented.push({ route: item, binding });
  }
  return { bindings, pairs, unimplemented, undocumented };
}

/**
 * Problems for the entries of `apis` that pair nothing: the spec is not one of the analysis's OpenAPI documents, or
 * no route of the code is below the folder. Reported at the entry in the configuration.
 */
export function unusedApis(code: CodePart, documents: readonly ApiDocument[], apis: readonly ApiConfig[]): Problem[] {
  return apis.flatMap((entry) => {
    const why = !documents.some((doc) => doc.file.relPath === entry.spec)
      ? `'${entry.spec}' is not an OpenAPI document of this review`
      : !code.routes.some((route) => route.mounted && (entry.code === '' || route.file.startsWith(`${entry.code}/`)))
        ? `no route of the code is in '${entry.code || '.'}'`
        : undefined;
    if (!why || !entry.at) return [];
    return [{ file: entry.at.file, range: entry.at.range, severity: 'warning' as const, code: 'config-invalid', message: `This entry of 'apis' pairs nothing: ${why}` }];
  });
}

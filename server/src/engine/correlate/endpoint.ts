/**
 * The one endpoint key spec operations and code routes meet on. A path is compared segment by segment: a parameter
 * is a parameter whatever its name and syntax (`{id}`, `:id`, `[id]`), trailing and doubled slashes do not count, and
 * a segment the code analysis could not read (`{?}`) may be anything. The base path a spec's paths are served under
 * comes from its `servers` (variables at their defaults) or, in 2.0, `basePath`.
 */
import { child, isObject, items, type ApiDocument } from '../spec/model';

/** A path parameter, of any name. */
const PARAM = '{}';
/** A segment that is not constant in the code: it may match any one segment. */
const ANY = '{?}';

/** Parameters written in a segment: `{id}`, `:id`, `[id]`, and Next.js catch-alls `[...slug]`, `[[...slug]]`. */
const PARAMETER = /\{[^}?]*\}|\[\[?(?:\.\.\.)?[^\]]*\]\]?|:[A-Za-z_$][\w$]*/g;

/** A path's segments as compared: literal text, `{}` for each parameter, `{?}` for a segment the code does not fix. */
export function endpointSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '').map((segment) => (segment === ANY ? ANY : segment.replace(PARAMETER, PARAM)));
}

/** An endpoint as compared: `GET /users/{}`. */
export function endpointKey(method: string, segments: readonly string[]): string {
  return `${method.toUpperCase()} /${segments.join('/')}`;
}

/** Whether a route segment and a spec segment name the same thing (the route's may be unknown). */
export function segmentsMatch(route: readonly string[], spec: readonly string[]): boolean {
  return route.length === spec.length && route.every((segment, i) => segment === ANY || segment === spec[i]);
}

/** Whether the path holds a segment the code analysis could not read. */
export function hasUnknownSegment(segments: readonly string[]): boolean {
  return segments.includes(ANY);
}

/** A base path as compared: `/api/v1/` and `api/v1` are `/api/v1`, the root is ''. */
export function normalBase(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

/** `https://{region}.example.com/{version}/api` with its variables at their defaults, then its path: `/v2/api`. */
function serverPath(server: unknown): string | undefined {
  if (!isObject(server) || typeof server.url !== 'string') return undefined;
  const variables = isObject(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]*)\}/g, (whole, name: string) => {
    const variable = variables[name];
    if (!isObject(variable)) return whole;
    const value = variable.default ?? (Array.isArray(variable.enum) ? variable.enum[0] : undefined);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
  // an absolute URL (`https://host/v1`, `//host/v1`) keeps its path; a relative one is the path itself
  const path = url.replace(/^(?:[A-Za-z][\w+.-]*:)?\/\/[^/?#]*/, '').replace(/[?#].*$/, '');
  return /\{[^}]*\}/.test(path) ? undefined : normalBase(path);
}

/**
 * The base paths the document says its paths are served under, most likely first: each of its servers' paths (2.0:
 * `basePath`), then the root ('' — a proxy may strip the base, or the servers name the gateway).
 */
export function documentBasePaths(doc: ApiDocument): string[] {
  const bases: string[] = [];
  if (doc.version === '2.0') {
    const basePath = (doc.root.value as Record<string, unknown>).basePath;
    if (typeof basePath === 'string') bases.push(normalBase(basePath));
  } else {
    for (const server of items(child(doc.root, 'servers'))) {
      const path = serverPath(server.value);
      if (path !== undefined) bases.push(path);
    }
  }
  return [...new Set([...bases, ''])];
}

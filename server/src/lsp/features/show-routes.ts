/**
 * `apiSentinel/routes`: the routes of the workspace's apps, each with its protection in a few words and where it is
 * registered, for the client's "Show Routes" list.
 */
import type { Range } from 'vscode-languageserver/node';
import { routeLinks, type Route } from '../../engine';
import { toUri } from '../convert';
import type { UnitAnalysis } from '../results';

export interface ListedRoute {
  method: string;
  path: string;
  /** What authenticates and limits it: `auth: requireAuth · rate limit: none`. */
  protection: string;
  uri: string;
  range: Range;
}

/** The first link of a kind, by name, or what stands in its place. */
function first(route: Route, kind: 'auth' | 'rate-limit'): string {
  const links = routeLinks(route);
  const link = links.find((l) => l.kind === kind);
  return link ? link.name : links.some((l) => l.kind === 'unknown') ? 'unknown' : 'none';
}

export function listRoutes(analyses: readonly UnitAnalysis[]): ListedRoute[] {
  return analyses.flatMap((analysis) => (analysis.result.routes ?? []).map((route) => ({
    method: route.method, path: route.path,
    protection: `auth: ${first(route, 'auth')} · rate limit: ${first(route, 'rate-limit')}`,
    uri: toUri(analysis.root, route.file), range: route.range,
  })));
}

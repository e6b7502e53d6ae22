/**
 * What the inventory checks know: the correlation of the analysis's specs and routes, which routes are left out of a
 * spec on purpose, and how to name and point at the other side of a finding.
 */
import type { CheckContext, Report, Site } from '../check';
import { isInternalPath, type ResolvedConfig } from '../../config';
import type { Route } from '../../code/model';
import { linksOf } from '../../code/part';
import { correlate, type Binding, type Correlation } from '../../correlate';
import { child, type Operation } from '../../spec/model';
import { codeModel, isServiceRoute } from '../code/knowledge';

/** The correlation of specs and code, when the analysis has both; nothing when no spec pairs with the code. */
export function correlation(ctx: CheckContext): Correlation | undefined {
  const code = codeModel(ctx);
  if (!code || ctx.documents.length === 0) return undefined;
  const found = correlate(code, ctx.documents, ctx.config);
  return found.bindings.length > 0 ? found : undefined;
}

/** Metrics scrapers read these: `/metrics`, `/prometheus`, also below a prefix. */
const METRICS_SEGMENTS = new Set(['metrics', 'prometheus']);

/**
 * Routes a spec leaves out on purpose: CORS preflights, the service's own routes (health, documentation, the root
 * page, well-known files), metrics, and the configuration's `internalPaths`.
 */
export function isLeftOutOnPurpose(route: Route, config: ResolvedConfig): boolean {
  if (route.method === 'OPTIONS' || isServiceRoute(route) || isInternalPath(route.method, route.path, config)) return true;
  const last = route.path.split('/').filter((s) => s !== '').pop()?.toLowerCase();
  return (route.method === 'GET' || route.method === 'HEAD') && last !== undefined && METRICS_SEGMENTS.has(last);
}

/** The spec document of a binding, as messages name it. */
export function specName(binding: Binding): string {
  return binding.document.file.relPath;
}

/** The code of a binding, as messages name it: `services/api` or `the project's code`. */
export function codeName(binding: Binding): string {
  return binding.folder === '' ? "the project's code" : binding.folder;
}

/** A related entry at a route's registration, or at its handler when it has one. */
export function relatedRoute(route: Route, message: string): NonNullable<Report['related']>[number] {
  const at = route.handler ?? route;
  return { code: { file: at.file, range: at.range, anchor: `${route.key} handler` }, message };
}

/** Where an operation's own requirement is written (its `security` key), else its method key. */
export function securitySite(op: Operation): Site {
  return { at: child(op.node, 'security') ?? op.node, part: 'key' };
}

/** Where the requirement in effect for an operation is written: its own `security`, the root's, else its method key. */
export function requirementSite(op: Operation): Site {
  return { at: op.security.node ?? op.node, part: 'key' };
}

/** What enforces auth for a route in code, for messages: `requireAuth (calls jsonwebtoken.verify and answers 401)`. */
export function authInCode(route: Route): string | undefined {
  const links = linksOf(route, 'auth');
  if (links.length === 0) return undefined;
  return links.map((link) => `${link.name} (${link.evidence})`).join(', ');
}

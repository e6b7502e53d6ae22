/**
 * What the inventory checks know: the correlation of the analysis's specs and routes, which routes are left out of a
 * spec on purpose, and how to name and point at the other side of a finding.
 */
import type { CheckContext, Report, Site } from '../check';
import { isInternalPath, type ResolvedConfig } from '../../config';
import type { Route } from '../../code/model';
import { linksOf } from '../../code/part';
import { correlate, type Binding, type Correlation } from '../../correlate';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, entries, isJsonMediaType, isObject, items, successResponses, type Operation } from '../../spec/model';
import { isWriteOnly, schemaTypes } from '../../spec/schema';
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

/**
 * The fields a success response of an operation lists for each object it returns, read from its schema when the
 * list is closed. A schema lists its fields closed when it (with its `allOf` parts) declares `properties` and none of
 * its parts allows more (`additionalProperties` absent or `false`); a free-form object, `additionalProperties: true`
 * or a schema, or a choice (`oneOf`, `anyOf`, `not`) leaves the shape open, and nothing is compared.
 */
export interface ListedResponse {
  /** The schema of each object returned (the items' schema when the response is an array). */
  schema: SpecNode;
  /** Whether the response is an array of such objects. */
  many: boolean;
  /** The properties listed for the response (`writeOnly` ones left out: they are never returned). */
  listed: Set<string>;
  /** The required properties, with the `required` key of the part that requires them. */
  required: { name: string; site: SpecNode }[];
}

/** The first JSON success response of an operation whose schema lists a closed set of fields. */
export function listedResponse(files: FileSet, op: Operation): ListedResponse | undefined {
  for (const response of successResponses(op)) {
    const content = response.contents.find((c) => isJsonMediaType(c.mediaType) && c.schema);
    if (content) return closedFields(files, content.schema!);
  }
  return undefined;
}

const OPEN_COMPOSITIONS = ['oneOf', 'anyOf', 'not'];

function closedFields(files: FileSet, top: SpecNode): ListedResponse | undefined {
  let schema = files.deref(top);
  if (!schema || !isObject(schema.value)) return undefined;
  const many = schemaTypes(schema).includes('array') || child(schema, 'items') !== undefined;
  if (many) schema = files.deref(child(schema, 'items')!);
  if (!schema || !isObject(schema.value)) return undefined;
  const listed = new Set<string>();
  const required: ListedResponse['required'] = [];
  const seen = new Set<unknown>();
  const pending = [schema];
  while (pending.length > 0) {
    const part = files.deref(pending.pop()!);
    if (!part || !isObject(part.value) || seen.has(part.value)) continue;
    seen.add(part.value);
    const value = part.value;
    if (OPEN_COMPOSITIONS.some((key) => key in value)) return undefined;
    if ('additionalProperties' in value && value.additionalProperties !== false) return undefined;
    for (const [name, site] of entries(child(part, 'properties'))) {
      const property = files.deref(site);
      if (!property || !isWriteOnly(property)) listed.add(name);
    }
    const requiredSite = child(part, 'required');
    if (Array.isArray(value.required)) {
      for (const name of value.required) if (typeof name === 'string') required.push({ name, site: requiredSite! });
    }
    pending.push(...items(child(part, 'allOf')));
  }
  if (listed.size === 0) return undefined;
  return { schema, many, listed, required: required.filter((r) => listed.has(r.name)) };
}

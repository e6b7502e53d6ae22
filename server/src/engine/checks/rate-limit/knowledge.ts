/**
 * Knowledge the rate-limit and resource-consumption checks share: rate-limit headers and extensions, page-size
 * parameters, what bounds a string's length, which schemas an operation takes as input, and where a finding on a
 * schema belongs.
 */
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject, items, operationLabel, type Operation } from '../../spec/model';
import { hasKey, schemaTypes, walkSchemas, type SchemaVisit } from '../../spec/schema';
import type { Severity } from '../../types';
import type { CheckContext, Report, Site } from '../check';
import { operationSite, words } from '../support';

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------- rate limiting

/**
 * Response headers that document a rate limit (names lower-cased): X-RateLimit-*, X-Rate-Limit-*, the IETF
 * RateLimit, RateLimit-Policy and RateLimit-Limit/-Remaining/-Reset fields, and Retry-After.
 */
const RATE_LIMIT_HEADER = /^(?:x-rate-?limit(?:-.+)?|ratelimit(?:-.+)?|retry-after)$/;

export function isRateLimitHeader(lowerName: string): boolean {
  return RATE_LIMIT_HEADER.test(lowerName);
}

/** Headers of a 429 response that tell the client when it may retry (lower-cased). */
export const RETRY_HEADERS: ReadonlySet<string> = new Set([
  'retry-after', 'ratelimit', 'ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset',
]);

/** Extensions that declare a rate limit or throttling tier: x-rate-limit, x-ratelimit, x-throttling-tier, ... */
const RATE_LIMIT_EXTENSION = /^x-.*(?:rate[-_]?limit|throttl)/i;
/** Values that declare the absence of a limit (a WSO2 `Unlimited` tier, `x-rate-limit: false`). */
const NO_LIMIT = /^(?:unlimited|none|false|off)$/i;

/** The key of a rate-limit extension on an object (operation, path item, root, info), if it declares a limit. */
export function rateLimitExtension(owner: SpecNode | undefined): SpecNode | undefined {
  if (!owner || !isObject(owner.value)) return undefined;
  for (const [key, value] of Object.entries(owner.value)) {
    if (!RATE_LIMIT_EXTENSION.test(key)) continue;
    if (value === false || value === null || (typeof value === 'string' && NO_LIMIT.test(value.trim()))) continue;
    return child(owner, key);
  }
  return undefined;
}

/** Whether the operation documents its rate limit: a 429 response, a rate-limit header, or a rate-limit extension. */
export function documentsRateLimit(op: Operation): boolean {
  if (op.responses.some((r) => r.status === '429')) return true;
  if (op.responses.some((r) => [...r.headers.keys()].some(isRateLimitHeader))) return true;
  return rateLimitExtension(op.node) !== undefined || rateLimitExtension(op.pathItem) !== undefined;
}

const SEARCH_WORDS = new Set(['search', 'query', 'lookup', 'find', 'autocomplete', 'suggest', 'suggestions']);

/** Search operations: each call runs a query over the whole data set, the costliest and most scraped requests. */
export function isSearchOperation(op: Operation): boolean {
  const segments = op.path.toLowerCase().split('/').filter((s) => s && !s.startsWith('{'));
  if (segments.some((s) => SEARCH_WORDS.has(s))) return true;
  const action = op.operationId ? words(op.operationId.split(/[/.]/).pop() ?? '')[0] : undefined;
  return action === 'search';
}

// ---------------------------------------------------------------- pagination

/** Parameter names, squashed to lower-case letters and digits (`page[size]`, `$top`, `per_page` give pagesize, top, perpage). */
export function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const PAGE_SIZE_NAMES = new Set([
  'limit', 'perpage', 'pagesize', 'pagelimit', 'size', 'top', 'maxresults', 'maxitems', 'maxpagesize', 'count',
  'first', 'last', 'take', 'rows', 'numresults', 'resultsperpage', 'itemsperpage',
]);
const PAGE_POSITION_NAMES = new Set([
  'page', 'pagenumber', 'pageno', 'offset', 'cursor', 'after', 'before', 'startingafter', 'endingbefore', 'pagetoken',
  'nextpagetoken', 'nexttoken', 'continuationtoken', 'marker', 'skip', 'start', 'startindex', 'since',
]);

/** A query parameter that sets how many items one page returns. */
export function isPageSizeName(name: string): boolean {
  return PAGE_SIZE_NAMES.has(squash(name));
}

/** Whether the operation pages its results: a page-size or page-position query parameter, or a `Link` header. */
export function isPaginated(op: Operation): boolean {
  if (op.parameters.some((p) => p.in === 'query' && (isPageSizeName(p.name) || PAGE_POSITION_NAMES.has(squash(p.name))))) return true;
  return op.responses.some((r) => r.headers.has('link'));
}

/** Properties of a list wrapper that show the list is paged: `next`, `nextCursor`, `has_more`, `pagination`, ... */
export function isPageMarkerProperty(name: string): boolean {
  const squashed = squash(name);
  return squashed.startsWith('next') || /cursor|pagination|paging/.test(squashed) || squashed === 'hasmore' || squashed === 'pageinfo';
}

/** Properties of an object response that hold its list. */
export const LIST_PROPERTIES: ReadonlySet<string> = new Set(['data', 'items', 'result', 'results', 'records', 'entries', 'values']);

// ---------------------------------------------------------------- lengths and sizes

/**
 * String formats whose valid values are short: a validator that enforces the format rejects a long value.
 * Not here: uri/url/iri (no length limit, and `data:` URIs carry whole files), byte and binary (file content,
 * see upload-unbounded), password, regex and free-form formats.
 */
export const LENGTH_IMPLYING_FORMATS: ReadonlySet<string> = new Set([
  'date', 'date-time', 'time', 'full-date', 'partial-time', 'duration', 'uuid', 'guid', 'email', 'idn-email',
  'hostname', 'idn-hostname', 'ipv4', 'ipv6', 'int32', 'int64', 'float', 'double', 'decimal',
]);

/** A pattern anchored at both ends with no unbounded repetition (`*`, `+`, `{n,}`) caps the length. */
function patternBoundsLength(pattern: unknown): boolean {
  if (typeof pattern !== 'string' || !pattern.startsWith('^')) return false;
  const plain = pattern.replace(/\\./g, 'x');
  return plain.endsWith('$') && !/[*+]|\{\d*,\}/.test(plain);
}

/** Whether a string schema's length is bounded: maxLength, enum, const, a length-implying format or an anchored pattern. */
export function boundsLength(schema: SpecNode): boolean {
  const s = schema.value as Obj;
  if (typeof s.maxLength === 'number' || Array.isArray(s.enum) || hasKey(schema, 'const')) return true;
  if (typeof s.format === 'string' && LENGTH_IMPLYING_FORMATS.has(s.format.toLowerCase())) return true;
  return patternBoundsLength(s.pattern);
}

/** A string that carries file content: format binary or byte, or (3.1) a contentMediaType or contentEncoding. */
export function isFileContent(s: Obj): boolean {
  return s.format === 'binary' || s.format === 'byte' || s.type === 'file'
    || typeof s.contentMediaType === 'string' || typeof s.contentEncoding === 'string';
}

/** Media types whose body is the file itself. */
const BINARY_MEDIA_TYPE = /^(?:application\/octet-stream|\*\/\*|(?:image|audio|video|font)\/|application\/(?:pdf|zip|gzip|x-gzip|x-tar|x-7z-compressed)\b)/i;

export function isBinaryMediaType(mediaType: string): boolean {
  return BINARY_MEDIA_TYPE.test(mediaType.trim());
}

/** Last words of multipart field names that hold files even when the spec omits `format: binary` (`file`, `loa_document`). */
const FILE_FIELD_WORDS = new Set(['file', 'files', 'attachment', 'attachments', 'document', 'image', 'photo', 'avatar', 'upload', 'video', 'audio']);

/**
 * Whether a visited request schema is an uploaded file (only bodies and form fields carry files): file content, a
 * string that is a whole binary body, or a multipart string field named like a file and given no format.
 */
export function isUpload(visit: SchemaVisit, input: RequestInput): boolean {
  if (isInUrlOrHeaders(input)) return false;
  if (isFileContent(visit.schema.value as Obj)) return true;
  if (input.mediaType === undefined || !schemaTypes(visit.schema).includes('string')) return false;
  if (visit.schema.value === input.schema.value) return isBinaryMediaType(input.mediaType);
  const fieldWords = visit.property !== undefined ? words(visit.property) : [];
  return /^multipart\//i.test(input.mediaType) && (visit.schema.value as Obj).format === undefined
    && FILE_FIELD_WORDS.has(fieldWords[fieldWords.length - 1]);
}

/** Extensions that state a size limit the schema language cannot: x-max-size, x-maxFileSize, x-size-limit, ... */
const SIZE_EXTENSION = /^x-.*(?:max.*(?:size|length|bytes)|(?:size|length|bytes).*(?:max|limit))/i;

export function hasSizeExtension(node: SpecNode | undefined): boolean {
  return node !== undefined && isObject(node.value) && Object.keys(node.value).some((k) => SIZE_EXTENSION.test(k));
}

// ---------------------------------------------------------------- request inputs

/** One schema an operation takes from the client: a parameter's, or a request body's for one media type. */
export interface RequestInput {
  schema: SpecNode;
  /** The parameter object, for parameters (in OpenAPI 2.0 it is also the schema). */
  parameter?: SpecNode;
  /** For bodies: the media type, and where a finding on the whole body points (3.x: the media type key; 2.0: the body parameter's name). */
  mediaType?: string;
  bodySite?: Site;
}

/**
 * The schemas an operation reads from the client: every non-body parameter, OpenAPI 2.0 `formData` parameters
 * (which the operation model folds into an empty request body), and each request body schema once.
 */
export function requestInputs(files: FileSet, op: Operation): RequestInput[] {
  const inputs: RequestInput[] = [];
  for (const p of op.parameters) if (p.schema) inputs.push({ schema: p.schema, parameter: p.node });
  if (op.document.version === '2.0') {
    for (const parameter of formDataParameters(files, op)) inputs.push({ schema: parameter, parameter });
  }
  const seen = new Set<unknown>();
  for (const c of op.requestBody?.contents ?? []) {
    if (!c.schema || seen.has(c.schema.value)) continue;
    seen.add(c.schema.value);
    inputs.push({ schema: c.schema, mediaType: c.mediaType, bodySite: bodySite(op, c.mediaType) });
  }
  return inputs;
}

/** Where a finding on a whole request body points: the media type key (3.x) or the body parameter's name (2.0). */
export function bodySite(op: Operation, mediaType: string): Site | undefined {
  const body = op.requestBody?.node;
  if (!body) return undefined;
  if (op.document.version === '2.0') {
    const name = child(body, 'name');
    return name && { at: name, part: 'value' };
  }
  const content = child(body, 'content');
  const media = content && child(content, mediaType);
  return media && { at: media, part: 'key' };
}

/**
 * OpenAPI 2.0 `in: formData` parameters of an operation and its path item (its own override the path item's), refs
 * followed: the operation model folds them into an empty request body.
 */
export function formDataParameters(files: FileSet, op: Operation): SpecNode[] {
  const byName = new Map<string, SpecNode>();
  for (const site of [...items(child(op.pathItem, 'parameters')), ...items(child(op.node, 'parameters'))]) {
    const parameter = files.deref(site);
    if (parameter && isObject(parameter.value) && parameter.value.in === 'formData') byName.set(String(parameter.value.name), parameter);
  }
  return [...byName.values()];
}

/** One schema an operation reads from the client, with the input it belongs to. */
export interface RequestVisit { visit: SchemaVisit; input: RequestInput }

/** Walks are shared by the checks of one analysis: operations are rebuilt for every analysis, so nothing outlives it. */
const visitsByOperation = new WeakMap<Operation, RequestVisit[]>();

/**
 * Every schema an operation reads from the client (parameters and bodies, at any depth), leaving out readOnly subtrees
 * (the server sets them; clients do not send them). Walked once per operation for all the checks that need it.
 */
export function requestVisits(files: FileSet, op: Operation): RequestVisit[] {
  let visits = visitsByOperation.get(op);
  if (visits) return visits;
  visits = [];
  for (const input of requestInputs(files, op)) {
    walkSchemas(files, input.schema, (visit) => {
      if ((visit.schema.value as Obj).readOnly === true) return 'skip';
      visits!.push({ visit, input });
      return undefined;
    });
  }
  visitsByOperation.set(op, visits);
  return visits;
}

// ---------------------------------------------------------------- where findings go

/** Whether `node` is written inside `owner` (same file, under its path). */
export function within(node: SpecNode, owner: SpecNode): boolean {
  return node.file === owner.file && owner.path.length <= node.path.length && owner.path.every((k, i) => node.path[i] === k);
}

function hasRef(node: SpecNode): boolean {
  return isObject(node.value) && typeof node.value.$ref === 'string';
}

/**
 * Where a finding on a visited schema belongs: a property written in place at its key under `properties`; the root
 * schema of a parameter written in place at the parameter's `name`; anything else (a referenced component, array
 * items, a top-level body schema) at the schema's own `type` key, which is where its limit is added.
 */
export function schemaSite(visit: SchemaVisit, input?: RequestInput): Site {
  if (visit.property !== undefined && !hasRef(visit.site)) return { at: visit.site, part: 'key' };
  if (input?.parameter && visit.schema.value === input.schema.value && within(input.schema, input.parameter)) {
    const name = child(input.parameter, 'name');
    if (name) return { at: name, part: 'value' };
  }
  return { at: child(visit.schema, 'type') ?? visit.schema, part: 'key' };
}

/** Whether a file is an OpenAPI document (rather than a file of schemas or parameters it references). */
function isDocumentFile(node: SpecNode): boolean {
  const root = node.file.value;
  return isObject(root) && (root.openapi !== undefined || root.swagger !== undefined);
}

function baseName(node: SpecNode): string {
  return node.file.relPath.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
}

/**
 * The name of the shared component whose root is `node` (`components.schemas.User`, 2.0 `definitions.User`, a file
 * of its own such as `schemas/user.yaml`, or an entry of a file of schemas), or undefined for a value written inline.
 */
export function componentName(node: SpecNode): string | undefined {
  const p = node.path;
  if (p.length === 3 && p[0] === 'components') return String(p[2]);
  if (p.length === 2 && ['definitions', 'parameters', 'responses'].includes(String(p[0]))) return String(p[1]);
  if (!isDocumentFile(node) && p.length <= 1) return p.length === 0 ? baseName(node) : String(p[0]);
  return undefined;
}

/** Keys under which a file that is itself one schema nests its parts (as opposed to a file of named schemas). */
const SCHEMA_PART_KEYS = new Set(['properties', 'items', 'allOf', 'anyOf', 'oneOf', 'not', 'additionalProperties', 'prefixItems']);

/**
 * The name of the shared component that `node` is written in, if any: a `components` or 2.0 `definitions` entry, a
 * named entry of a file of schemas, or the file's name for a file that is one schema.
 */
export function enclosingComponent(node: SpecNode): string | undefined {
  const p = node.path;
  if (p[0] === 'components' && p.length >= 3) return String(p[2]);
  if (['definitions', 'parameters', 'responses'].includes(String(p[0])) && p.length >= 2) return String(p[1]);
  if (isDocumentFile(node)) return undefined;
  return p.length > 0 && !SCHEMA_PART_KEYS.has(String(p[0])) ? String(p[0]) : baseName(node);
}

/**
 * The `related` entry that lists an operation under a finding outside it (a shared component), so one finding at the
 * component names every operation that uses it. Nothing for a finding written inside the operation's own path item.
 */
export function usage(op: Operation, site: Site, verb: string): NonNullable<Report['related']> {
  return within(site.at, op.pathItem) ? [] : [{ ...operationSite(op), message: `${operationLabel(op)} ${verb}` }];
}

/** " (shared by 3 operations)" for a finding merged from several operations, nothing for one. */
export function sharedBy(count: number): string {
  return count > 1 ? ` (shared by ${count} operations)` : '';
}

const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/**
 * Sends a run's reports highest severity first. Reports that merge at one place keep the first one's severity and
 * message, and a shared schema reached both from a parameter (hint) and from a body (info) deserves the higher one.
 */
export function reportHighestFirst(ctx: CheckContext, reports: Report[]): void {
  const rank = (report: Report) => SEVERITY_RANK[report.severity ?? 'info'];
  for (const report of [...reports].sort((a, b) => rank(b) - rank(a))) ctx.report(report);
}

/** A noun phrase naming a visited request schema for a message: `query parameter 'ids'`, `property 'tags' of schema 'Pet'`. */
export function describeRequestSchema(visit: SchemaVisit, input: RequestInput): string {
  const name = componentName(visit.schema);
  if (name && (visit.property === undefined || hasRef(visit.site))) return `schema '${name}'`;
  // array items, map values and oneOf/anyOf branches are named after the property or parameter that holds them
  const path = visit.site.path;
  const last = path[path.length - 1];
  const part = last === 'items' || (typeof last === 'number' && path[path.length - 2] === 'items') ? 'each item of '
    : last === 'additionalProperties' ? 'each value of ' : '';
  const property = visit.property ?? visit.trail[visit.trail.length - 1];
  if (property !== undefined) {
    const owner = enclosingComponent(visit.site);
    return part + (owner ? `property '${property}' of schema '${owner}'` : `property '${visit.trail.join('.')}'`);
  }
  if (input.parameter) {
    const p = input.parameter.value as Obj;
    return part + (p.in === 'formData' ? `form field '${String(p.name)}'` : `${String(p.in)} parameter '${String(p.name)}'`);
  }
  return `${part}the request body`;
}

/** Parameters travel in the URL or headers, which servers cap (typically at 8 KB); bodies and form fields are far larger. */
export function isInUrlOrHeaders(input: RequestInput): boolean {
  return input.parameter !== undefined && (input.parameter.value as Obj).in !== 'formData';
}

/**
 * Who a finding written in an operation's own path item belongs to: the operation (`GET /users`), or for a path-level
 * parameter every operation of the path (`path /users/{id}`); undefined for a finding in a shared component.
 */
export function ownerLabel(site: Site, op: Operation): string | undefined {
  if (within(site.at, op.node)) return operationLabel(op);
  return within(site.at, op.pathItem) ? `path ${op.path}` : undefined;
}

/**
 * The message of a finding on a request schema, naming its operation or path when the schema is written there, and
 * counting the operations when the schema is shared (the finding merges every operation that uses it).
 */
export function requestMessage(subject: string, site: Site, op: Operation, problem: string): Report['message'] {
  const owner = ownerLabel(site, op);
  if (owner) return `${capitalize(subject)} of ${owner} ${problem}`;
  return (ops) => `${capitalize(subject)}${sharedBy(ops.length)} ${problem}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Knowledge the rate-limit and resource-consumption checks share: rate-limit headers and extensions, search and paged
 * operations, page-size parameters, what bounds a string's length, what is an upload, and which inputs travel in the
 * URL or headers.
 */
import type { SpecNode } from '../../spec/load';
import { child, keyMatching, type Operation } from '../../spec/model';
import { hasKey, schemaTypes, type SchemaVisit } from '../../spec/schema';
import type { RequestInput } from '../../spec/inputs';
import { words, squash } from '../words';

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
  if (!owner) return undefined;
  const key = keyMatching(owner, RATE_LIMIT_EXTENSION, (value) => !(value === false || value === null || (typeof value === 'string' && NO_LIMIT.test(value.trim()))));
  return key === undefined ? undefined : child(owner, key);
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
const LENGTH_IMPLYING_FORMATS: ReadonlySet<string> = new Set([
  'date', 'date-time', 'time', 'full-date', 'partial-time', 'duration', 'uuid', 'guid', 'email', 'idn-email',
  'hostname', 'idn-hostname', 'ipv4', 'ipv6', 'int32', 'int64', 'float', 'double', 'decimal',
]);

/** A pattern anchored at both ends with no unbounded repetition (`*`, `+`, `{n,}`) caps the length. */
function patternBoundsLength(pattern: unknown): boolean {
  if (typeof pattern !== 'string' || !pattern.startsWith('^')) return false;
  const plain = pattern.replace(/\\./g, 'x');
  return plain.endsWith('$') && !/[*+]|\{\d*,\}/.test(plain);
}

/** Whether a string schema states its length: `maxLength`, or an anchored pattern that caps it. */
export function declaresLength(schema: SpecNode): boolean {
  const s = schema.value as Obj;
  return typeof s.maxLength === 'number' || patternBoundsLength(s.pattern);
}

/** Whether a string schema's length is bounded: maxLength, enum, const, a length-implying format or an anchored pattern. */
export function boundsLength(schema: SpecNode): boolean {
  const s = schema.value as Obj;
  if (declaresLength(schema) || Array.isArray(s.enum) || hasKey(schema, 'const')) return true;
  return typeof s.format === 'string' && LENGTH_IMPLYING_FORMATS.has(s.format.toLowerCase());
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
  // the name is split only for the one case it decides: a multipart field without a format
  if (!/^multipart\//i.test(input.mediaType) || (visit.schema.value as Obj).format !== undefined || visit.property === undefined) return false;
  const fieldWords = words(visit.property);
  return FILE_FIELD_WORDS.has(fieldWords[fieldWords.length - 1]);
}

/** Extensions that state a size limit the schema language cannot: x-max-size, x-maxFileSize, x-size-limit, ... */
const SIZE_EXTENSION = /^x-.*(?:max.*(?:size|length|bytes)|(?:size|length|bytes).*(?:max|limit))/i;

export function hasSizeExtension(node: SpecNode | undefined): boolean {
  return keyMatching(node, SIZE_EXTENSION) !== undefined;
}

/** Parameters travel in the URL or headers, which servers cap (typically at 8 KB); bodies and form fields are far larger. */
export function isInUrlOrHeaders(input: RequestInput): boolean {
  return input.parameter !== undefined && (input.parameter.value as Obj).in !== 'formData';
}

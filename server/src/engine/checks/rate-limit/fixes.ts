/**
 * Quick fixes of the rate-limit and resource-consumption checks: document a 429 response with its Retry-After and
 * rate-limit headers (reusing the document's own components), and add the bound a schema lacks, with a value the
 * document itself suggests where it can. Every edit comes from the style-keeping primitives of `edit/edits.ts`.
 *
 * Kinds: documenting a response or a header changes nothing the server or its clients do, so those fixes are safe.
 * A new bound (maximum, maxItems, maxLength) narrows what the contract accepts: validators and gateways built from
 * the spec start rejecting requests the server may have accepted or clamped, so those fixes are suggestions.
 */
import type { Fix, TextEdit } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import type { JsonPath, SourceFile } from '../../spec/source';
import { child, entries, isObject, type ApiDocument, type Operation, type Parameter } from '../../spec/model';
import { isLiteralKey, scannedObjects } from '../../spec/literal';
import { fixes } from '../../edit/fixes';
import { addEntry, insertAtPath, insertEntries, refTo, type PlainValue } from '../../edit/edits';
import { keyAfterStatus } from '../../edit/responses';
import { memoize } from '../../memo';
import { componentName } from '../report';
import { squash, words } from '../words';
import { TEXT_WORDS, URL_WORDS } from '../field-names';
import { isFileContent, isRateLimitHeader, RETRY_HEADERS } from './knowledge';

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------- 429 responses and their headers

const RETRY_AFTER = 'Retry-After';
/** The IETF draft fields most rate-limit middleware sends, for a document that documents no rate-limit header yet. */
const DEFAULT_RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
/** The shared response a fix creates when the document has no 429 response to reuse. */
const NEW_RESPONSE = 'TooManyRequests';
const NEW_RESPONSE_DESCRIPTION = 'Too many requests: wait the number of seconds in Retry-After before retrying';
/** Names of shared responses meant for 429 (squashed): TooManyRequests, RateLimited, Throttled, Error429, ... */
const TOO_MANY_REQUESTS_NAME = /toomanyrequests|ratelimit|throttl|429/;
/** What such a name may say besides: a name with more (`scim_too_many_requests`) is meant for some operations only. */
const GENERIC_429_PARTS = /too|many|requests?|rate|limit(?:ed|s)?|exceeded|throttl(?:ed|ing|e)?|errors?|responses?|http|status|429/g;

function isGeneric429Name(name: string): boolean {
  const squashed = squash(name);
  return TOO_MANY_REQUESTS_NAME.test(squashed) && squashed.replace(GENERIC_429_PARTS, '') === '';
}

/** What a rate-limit header means, by the end of its squashed name. */
const HEADER_MEANINGS: [RegExp, string, 'integer' | 'string'][] = [
  [/retryafter$/, 'Seconds to wait before retrying', 'integer'],
  [/remaining$/, 'Requests left in the current window', 'integer'],
  [/limit$/, 'Requests allowed in the current window', 'integer'],
  [/reset$/, 'When the current window resets', 'integer'],
  [/used$/, 'Requests made in the current window', 'integer'],
];

/** A header object for `name`: 2.0 headers carry their type, 3.x headers a schema. */
function headerDefinition(version: ApiDocument['version'], name: string): PlainValue {
  const squashed = squash(name);
  const [, description, type] = HEADER_MEANINGS.find(([end]) => end.test(squashed)) ?? [undefined, 'The rate limit that applies to the client', 'string'];
  return version === '2.0' ? { description, type } : { description, schema: { type } };
}

/** How a document writes its headers. */
interface DocumentHeaders {
  /** Keys of a 3.x document's `components.headers`, by squashed name. */
  components: Map<string, string>;
  /** Rate-limit headers the document documents, other than Retry-After, as first written. */
  rateLimitNames: string[];
}

const documentHeaders = memoize((doc: ApiDocument): DocumentHeaders => {
  const componentsNode = doc.version === '2.0' ? undefined : child(doc.root, 'components');
  const keys = entries(componentsNode && child(componentsNode, 'headers')).map(([key]) => key);
  // names as responses write them (X-RateLimit-Limit) come before component keys (x-rate-limit-limit)
  const written = doc.operations.flatMap((op) => op.responses.flatMap((r) => entries(child(r.node, 'headers')).map(([name]) => name)));
  const names = new Map<string, string>();
  for (const name of [...written, ...keys]) {
    const squashed = squash(name);
    if (squashed !== 'retryafter' && isRateLimitHeader(name.toLowerCase()) && !names.has(squashed)) names.set(squashed, name);
  }
  return { components: new Map(keys.map((key) => [squash(key), key])), rateLimitNames: [...names.values()] };
});

/** Header objects to write in `from`, and the header components to create with them. */
interface HeaderPlan { headers: { [name: string]: PlainValue }; newComponents: { [name: string]: PlainValue } }

/**
 * How to document `names` in a response written in `from`: a `$ref` to the document's header component of that name
 * when it has one; a new component when the document keeps its headers in components; an inline header otherwise.
 */
function planHeaders(doc: ApiDocument, from: SourceFile, names: string[]): HeaderPlan {
  const known = documentHeaders(doc);
  const plan: HeaderPlan = { headers: {}, newComponents: {} };
  for (const name of names) {
    const key = known.components.get(squash(name));
    if (key !== undefined || known.components.size > 0) {
      plan.headers[name] = { $ref: refTo(from, doc.file, ['components', 'headers', key ?? name]) };
      if (key === undefined) plan.newComponents[name] = headerDefinition(doc.version, name);
    } else {
      plan.headers[name] = headerDefinition(doc.version, name);
    }
  }
  return plan;
}

/** The edit that creates the plan's new header components, if any (into the existing `components.headers`). */
function headerComponentEdits(doc: ApiDocument, plan: HeaderPlan): TextEdit[] {
  if (Object.keys(plan.newComponents).length === 0) return [];
  const headers = child(child(doc.root, 'components')!, 'headers')!;
  return [insertEntries(doc.file, headers.value as object, plan.newComponents)];
}

function hasRetryHeader(response: SpecNode): boolean {
  return entries(child(response, 'headers')).some(([name]) => RETRY_HEADERS.has(name.toLowerCase()));
}

/**
 * Edits that add a Retry-After header to a response (where it is written: a shared response at its component),
 * into its `headers` or a new `headers` before the body (3.x `content`, 2.0 `examples`).
 */
function retryAfterEdits(doc: ApiDocument, response: SpecNode): TextEdit[] {
  const plan = planHeaders(doc, response.file, [RETRY_AFTER]);
  const headers = child(response, 'headers');
  const edit = headers
    ? addEntry(headers, RETRY_AFTER, plan.headers[RETRY_AFTER])
    : insertEntries(response.file, response.value as object, { headers: plan.headers }, doc.version === '2.0' ? 'examples' : 'content');
  return [edit, ...headerComponentEdits(doc, plan)];
}

/** Documents when a throttled client may retry. Safe: it documents a header and changes no behaviour. */
export function retryAfterFixes(doc: ApiDocument, response: SpecNode): Fix[] {
  return fixes(() => ({ title: 'Add a Retry-After header', kind: 'safe', edits: retryAfterEdits(doc, response) }));
}

/** A 429 response the document already has: its name, the response (refs followed), and how to reference it. */
interface Reusable429 { name: string; node: SpecNode; ref(from: SourceFile): string }

/**
 * The 429 response a document already shares: one another operation references as its 429 (the document's own
 * convention), else a shared response named for it (`TooManyRequests`, `RateLimited`); only under a generic name.
 */
const reusable429 = memoize((doc: ApiDocument, files: FileSet): Reusable429 | undefined => {
  let found: Reusable429 | undefined;
  for (const op of doc.operations) {
    const response = op.responses.find((r) => r.status === '429' && isObject(r.site.value) && typeof r.site.value.$ref === 'string');
    const name = response && (componentName(response.node) ?? '429');
    if (!response || !name || !isGeneric429Name(name)) continue;
    const { node, site } = response;
    const ref = (site.value as Obj).$ref as string;
    // the same text when written in the same file; otherwise a path from the new site
    found = { name, node, ref: (from) => (from === site.file ? ref : refTo(from, node.file, node.path)) };
    break;
  }
  const owner = doc.version === '2.0' ? doc.root : child(doc.root, 'components');
  for (const [name, site] of found ? [] : entries(owner && child(owner, 'responses'))) {
    const node = files.deref(site);
    if (!node || !isObject(node.value) || !isGeneric429Name(name)) continue;
    found = { name, node, ref: (from) => refTo(from, doc.file, site.path) };
    break;
  }
  return found;
});

/** The edit that adds `"429": value` to an operation's responses, in status order (a responses map is created if missing). */
function insertTooManyRequests(op: Operation, value: PlainValue): TextEdit {
  const map = op.responsesNode;
  // a 429 written but unreadable (a broken $ref) is not written twice
  if (map && isObject(map.value) && '429' in map.value) throw new Error('insertTooManyRequests: a 429 is written');
  if (map && isObject(map.value)) return insertEntries(op.node.file, map.value, { '429': value }, keyAfterStatus(map.value, '429'));
  return addEntry(op.node, 'responses', { '429': value });
}

/**
 * Documents an operation's rate limit with a 429 response: a `$ref` to the document's shared 429 response (given a
 * Retry-After header when it lacks one), else to a new `TooManyRequests` response created in the root document with
 * Retry-After and the document's rate-limit headers (the IETF RateLimit fields when it has none). Safe: it documents
 * the response and changes no behaviour.
 */
export function tooManyRequestsFixes(files: FileSet, op: Operation): Fix[] {
  return fixes(() => {
    const doc = op.document;
    const existing = reusable429(doc, files);
    if (existing) {
      // the operation's edit first: inserts at one place apply in list order, and its lines belong before the others
      const edits = [insertTooManyRequests(op, { $ref: existing.ref(op.node.file) }), ...(hasRetryHeader(existing.node) ? [] : retryAfterEdits(doc, existing.node))];
      return { title: `Add a 429 response (the shared '${existing.name}')`, kind: 'safe', edits };
    }
    const documented = documentHeaders(doc).rateLimitNames;
    const plan = planHeaders(doc, doc.file, [RETRY_AFTER, ...(documented.length > 0 ? documented : DEFAULT_RATE_LIMIT_HEADERS)]);
    const path: JsonPath = doc.version === '2.0' ? ['responses', NEW_RESPONSE] : ['components', 'responses', NEW_RESPONSE];
    const created = insertAtPath(doc.file, path, { description: NEW_RESPONSE_DESCRIPTION, headers: plan.headers });
    if (!created) return undefined;
    // header components before the response: when both land at the end of `components`, `headers` entries come first
    const edits = [insertTooManyRequests(op, { $ref: refTo(op.node.file, doc.file, path) }), ...headerComponentEdits(doc, plan), created];
    return { title: `Add a 429 response (a new shared '${NEW_RESPONSE}' with Retry-After)`, kind: 'safe', edits };
  });
}

// ---------------------------------------------------------------- bounds

type Bound = 'maximum' | 'maxItems' | 'maxLength' | 'fileMaxLength';

/** How often each value of a bound is written for one name, by `bound \0 squashed name`, with the name as first written. */
type Observed = Map<string, { name: string; values: Map<number, number> }>;

/**
 * The bounds a document writes for its names: `maximum` of query parameters, `maxItems` and `maxLength` (file
 * content apart) of parameters and properties. One pass over the plain values of the document (and of the files its
 * refs reach), each object once: every schema and parameter of the document, used or not, and nothing else.
 */
const observedBounds = memoize((doc: ApiDocument, files: FileSet): Observed => {
  const observed: Observed = new Map();
  const note = (bound: Bound, name: string, value: unknown) => {
    if (typeof value !== 'number') return;
    const key = `${bound}\0${squash(name)}`;
    const entry = observed.get(key) ?? { name, values: new Map<number, number>() };
    entry.values.set(value, (entry.values.get(value) ?? 0) + 1);
    observed.set(key, entry);
  };
  // refs resolved without a site report nothing: the loader already reported the broken ones
  const resolve = (file: SourceFile, value: unknown): unknown => {
    if (!isObject(value) || typeof value.$ref !== 'string') return value;
    return files.resolveRef(file, value.$ref)?.value;
  };
  const noteSchema = (name: string, file: SourceFile, value: unknown, parameterIn?: unknown) => {
    const s = resolve(file, value);
    if (!isObject(s)) return;
    if (parameterIn === 'query') note('maximum', name, s.maximum);
    note('maxItems', name, s.maxItems);
    // whether the string is file content is asked only of the few that state a length
    if (typeof s.maxLength === 'number') note(isFileContent(s) ? 'fileMaxLength' : 'maxLength', name, s.maxLength);
  };
  // refs matter where they lead into other files: the parts reached there are walked after the document
  const pending: { file: SourceFile; value: unknown }[] = [];
  const noteObject = (file: SourceFile, obj: Obj) => {
    if (typeof obj.$ref === 'string' && (file !== doc.file || !obj.$ref.startsWith('#'))) {
      const target = files.resolveRef(file, obj.$ref);
      // the document's own file is walked whole already
      if (target && target.file !== doc.file) pending.push({ file: target.file, value: target.value });
    }
    if (typeof obj.name === 'string' && typeof obj.in === 'string') noteSchema(obj.name, file, 'schema' in obj ? obj.schema : obj, obj.in);
    if (isObject(obj.properties)) for (const name in obj.properties) noteSchema(name, file, obj.properties[name]);
  };
  for (const value of scannedObjects(doc.file)) noteObject(doc.file, value);
  const seen = new Set<object>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { file } = next;
    const stack: unknown[] = [next.value];
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === null || typeof value !== 'object' || seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) {
        for (const item of value) if (item !== null && typeof item === 'object') stack.push(item);
        continue;
      }
      noteObject(file, value as Obj);
      for (const key in value) {
        const child = (value as Obj)[key];
        if (child !== null && typeof child === 'object' && !isLiteralKey(key)) stack.push(child);
      }
    }
  }
  return observed;
});

/** A bound to add and where its value comes from, for the fix's title. */
interface Choice { value: number; source?: string }

/**
 * The first choice no smaller than `floor` (a bound below the schema's own minimum or default would make them invalid),
 * else the fallback raised to the floor.
 */
function choose(candidates: (Choice | undefined)[], fallback: number, floor: number): Choice {
  return candidates.find((c): c is Choice => c !== undefined && c.value >= floor) ?? { value: Math.max(fallback, floor) };
}

function numberAt(schema: SpecNode, key: string): number {
  const value = (schema.value as Obj)[key];
  return typeof value === 'number' ? value : 0;
}

/**
 * The value the document most often writes for `bound` on a name like `name` (`per_page` for `perPage`; the first
 * written on a tie).
 */
function sameNameElsewhere(files: FileSet, doc: ApiDocument, bound: Bound, name: string | undefined): Choice | undefined {
  const observed = name === undefined ? undefined : observedBounds(doc, files).get(`${bound}\0${squash(name)}`);
  if (!observed) return undefined;
  let best: Choice | undefined;
  let bestCount = 0;
  for (const [value, count] of observed.values) {
    if (count > bestCount) { best = { value, source: `as for '${observed.name}' elsewhere in the API` }; bestCount = count; }
  }
  return best;
}

/** The lower bound each upper bound pairs with: the new bound is written right after it. */
const LOWER_BOUND: Record<string, string> = { maximum: 'minimum', maxItems: 'minItems', maxLength: 'minLength' };

/**
 * A suggestion adding `keyword: value` to a schema that lacks it, after its lower bound when it has one, else last;
 * `detail` ends the title when the value has no source.
 */
function boundFix(schema: SpecNode, keyword: string, choice: Choice, detail = ''): Fix {
  const value = schema.value;
  if (!isObject(value) || Object.prototype.hasOwnProperty.call(value, keyword)) throw new Error(`boundFix: '${keyword}' cannot be added`);
  const keys = Object.keys(value);
  const lower = keys.indexOf(LOWER_BOUND[keyword]);
  const before = lower >= 0 ? keys[lower + 1] : undefined;
  const source = choice.source ? ` (${choice.source})` : detail;
  return { title: `Add ${keyword}: ${choice.value}${source}`, kind: 'suggestion', edits: [insertEntries(schema.file, value, { [keyword]: choice.value }, before)] };
}

/** A page size stated in words: "between 1 and 100", "max 100", "maximum: 100", "up to 100", "at most 100". */
const STATED_MAXIMUM = [
  /\bbetween\s+\d+\s+and\s+(\d+)/i,
  /\b(?:max(?:imum)?|up to|at most|no more than|not exceed|cannot exceed)\b(?:\s*[:=])?[^.,;:\d]{0,20}?(\d+)/i,
];

function statedMaximum(files: FileSet, described: SpecNode[]): Choice | undefined {
  for (const node of described) {
    const description = files.readProse(node, 'description');
    if (description === undefined) continue;
    for (const pattern of STATED_MAXIMUM) {
      const m = pattern.exec(description);
      if (m) return { value: Number(m[1]), source: 'as its description says' };
    }
  }
  return undefined;
}

/**
 * Adds `maximum` to a page-size parameter's schema (2.0: the parameter): the maximum the document most often gives a
 * parameter of the same name, else the number its description states, else 100. Never below its minimum or default.
 */
export function pageSizeMaximumFixes(files: FileSet, op: Operation, parameter: Parameter): Fix[] {
  return fixes(() => {
    const schema = parameter.schema!;
    const floor = Math.max(1, numberAt(schema, 'minimum'), numberAt(schema, 'default'));
    const choice = choose([
      sameNameElsewhere(files, op.document, 'maximum', parameter.name),
      statedMaximum(files, [parameter.node, schema]),
    ], 100, floor);
    return boundFix(schema, 'maximum', choice);
  });
}

/** Adds `maxItems` to an array: the value the document most often gives the same name, else 100. */
export function maxItemsFixes(files: FileSet, doc: ApiDocument, array: SpecNode, name: string | undefined): Fix[] {
  return fixes(() => boundFix(array, 'maxItems', choose([sameNameElsewhere(files, doc, 'maxItems', name)], 100, numberAt(array, 'minItems'))));
}

/**
 * A length that fits what a name usually holds: 2048 for URLs (what browsers and CDNs accept), 5000 for free text
 * (descriptions, comments, notes), 255 for everything else (names, titles, codes: a database VARCHAR(255)).
 * The last word decides first: `descriptionUrl` is a URL, `urlDescription` text.
 */
function usualLength(name: string | undefined): number {
  const nameWords = name === undefined ? [] : words(name);
  const last = nameWords[nameWords.length - 1];
  if (URL_WORDS.has(last)) return 2048;
  if (TEXT_WORDS.has(last) || nameWords.some((w) => TEXT_WORDS.has(w))) return 5000;
  return nameWords.some((w) => URL_WORDS.has(w)) ? 2048 : 255;
}

/** Adds `maxLength` to a string: the value the document most often gives the same name, else a usual length for the name. */
export function maxLengthFixes(files: FileSet, doc: ApiDocument, string: SpecNode, name: string | undefined): Fix[] {
  return fixes(() => boundFix(string, 'maxLength', choose([sameNameElsewhere(files, doc, 'maxLength', name)], usualLength(name), numberAt(string, 'minLength'))));
}

/** 10 MB: a common upload limit (an image, a document), for the author to adjust. */
const UPLOAD_BYTES = 10 * 1024 * 1024;

/** Adds `maxLength` in bytes to an uploaded file: the size the document gives files of the same name, else 10 MB. */
export function uploadMaxLengthFixes(files: FileSet, doc: ApiDocument, file: SpecNode, name: string | undefined): Fix[] {
  return fixes(() => {
    const choice = choose([sameNameElsewhere(files, doc, 'fileMaxLength', name)], UPLOAD_BYTES, numberAt(file, 'minLength'));
    return boundFix(file, 'maxLength', choice, choice.value % (1024 * 1024) === 0 ? ` (${choice.value / (1024 * 1024)} MB)` : ' (bytes)');
  });
}

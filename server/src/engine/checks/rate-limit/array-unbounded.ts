import type { Check, CheckContext, Report } from '../check';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, operationLabel, type Operation } from '../../spec/model';
import { hasKey, schemaTypes } from '../../spec/schema';
import { requestVisits } from '../../spec/inputs';
import { declaredProperties } from '../../spec/schema-graph';
import { componentName, counted, describeRequestSchema, enclosingComponent, requestMessage, requestSchemaName, schemaSite, sharedBy, usage } from '../report';
import { reportOmissions, type OperationOmissions } from '../api-wide';
import { isInUrlOrHeaders, isPageMarkerProperty, isPaginated, isSearchOperation, LIST_PROPERTIES } from './knowledge';
import { maxItemsFixes } from './fixes';

export const arrayUnbounded: Check = {
  meta: {
    id: 'array-unbounded',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-400'],
    severity: 'warning',
    description: 'An array in a request (body or parameter) has no `maxItems`, or an operation without paging returns a list (a top-level array, or one under data/items/results) without `maxItems`.',
    rationale: 'Every item of a request array costs the server work (a lookup, a validation, a write), so an array without a cap lets one request multiply the load. '
      + 'Arrays of objects in a body are batches of records: warnings; arrays of values in a body are info; arrays in parameters are hints, because the URL or header size limit already caps them. '
      + 'A list response that is neither paged nor capped grows with the data set until each call loads and sends all of it, slow for everyone and a ready-made scraping tool: info, since the server decides the response size. '
      + 'Arrays in shared schemas are reported once, at the schema, with every operation that uses them. '
      + 'When most of the API\'s arrays are uncapped (at least ten of them), the omission is its convention rather than a slip: it is reported once, at `paths`, with the count, every operation concerned, and every array as a related location.',
    fix: 'Add `maxItems` to request arrays (the batch size the server accepts). For list responses add paging parameters (`limit` with a `maximum`, and a cursor or page) or a `maxItems` that documents the cap the server applies.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportOmissions(ctx, doc, {
        place: 'array without maxItems',
        message: (lacking, declaring, ops) => `${lacking} arrays in requests and unpaged list responses of ${counted(ops.length, 'operation')} have no maxItems, and the API caps ${declaring === 0 ? 'none' : `only ${declaring}`} of its ${lacking + declaring} arrays: ${CONVENTION}`,
      }, (op, omissions) => {
        checkRequest(ctx, op, omissions);
        checkResponses(ctx, op, omissions);
      });
    }
  },
};

type Obj = Record<string, unknown>;

const IN_URL = 'is an array without maxItems: only the URL or header size limit caps how many items one request makes the server process.';
const IN_BODY = 'is an array without maxItems: one request can carry thousands of items, and the server works for each of them.';
const CONVENTION = 'one request can make the server process thousands of items, and one call can make it load and send a whole data set. Every place is listed below.';
const RECORDS_IN_BODY = 'is an array of objects without maxItems: one request can carry thousands of records, and the server validates and stores each of them.';

/** The item schema of an array, refs followed. */
function itemSchema(files: FileSet, array: SpecNode): SpecNode | undefined {
  const itemsNode = child(array, 'items');
  return itemsNode && files.deref(itemsNode);
}

/**
 * Whether an array schema caps its items: `maxItems` (declared), or items that are an enum `uniqueItems` makes finite
 * (finite); undefined for a schema that is not an array.
 */
function arrayCap(files: FileSet, schema: SpecNode): 'declared' | 'finite' | 'none' | undefined {
  if (!schemaTypes(schema).includes('array')) return undefined;
  const s = schema.value as Obj;
  if (typeof s.maxItems === 'number') return 'declared';
  if (s.uniqueItems !== true) return 'none';
  const item = itemSchema(files, schema);
  return item && Array.isArray((item.value as Obj).enum) ? 'finite' : 'none';
}

/** Items that are objects: each one is a record the server validates and stores, so the array is a batch. */
function holdsRecords(files: FileSet, array: SpecNode): boolean {
  const item = itemSchema(files, array);
  return item !== undefined && (schemaTypes(item).includes('object') || hasKey(item, 'properties'));
}

function checkRequest(ctx: CheckContext, op: Operation, omissions: OperationOmissions): void {
  for (const { visit, input } of requestVisits(op, ctx.files)) {
    const cap = arrayCap(ctx.files, visit.schema);
    if (cap === 'declared') omissions.declares(visit.schema.value as object);
    if (cap !== 'none') continue;
    const site = schemaSite(visit, input);
    const severity = isInUrlOrHeaders(input) ? 'hint' : holdsRecords(ctx.files, visit.schema) ? 'warning' : 'info';
    const problem = severity === 'hint' ? IN_URL : severity === 'warning' ? RECORDS_IN_BODY : IN_BODY;
    omissions.lacks(visit.schema.value as object, site, severity, () => ({
      related: usage(op, site, 'accepts this array'),
      fixes: () => maxItemsFixes(ctx.files, op.document, visit.schema, requestSchemaName(visit, input)),
      message: requestMessage(describeRequestSchema(visit, input), site, op, problem),
    }));
  }
}

interface ResponseList { list: SpecNode; site: SpecNode; property?: string; cap: 'declared' | 'none' }

/**
 * The list a response schema returns, when it is unpaged: the schema itself when it is an array, else an array under
 * one of the LIST_PROPERTIES of an object without page markers. Lists capped by a finite enum are not returned.
 */
function responseList(files: FileSet, schema: SpecNode): ResponseList | undefined {
  const own = arrayCap(files, schema);
  if (own !== undefined) return own === 'finite' ? undefined : { list: schema, site: child(schema, 'type') ?? schema, cap: own };
  const properties = declaredProperties(files, schema);
  if ([...properties.keys()].some(isPageMarkerProperty)) return undefined;
  for (const [name, declarations] of properties) {
    if (!LIST_PROPERTIES.has(name)) continue;
    for (const { site, schema: list } of declarations) {
      const cap = arrayCap(files, list);
      if (cap === undefined || cap === 'finite') continue;
      const inline = list.value === site.value;
      return { list, site: inline ? site : child(list, 'type') ?? list, property: name, cap };
    }
  }
  return undefined;
}

/** Names the operation, or the shared schema that holds the list (the finding then lists every operation returning it). */
function listMessage(op: Operation, found: ResponseList): Report['message'] {
  const problem = 'without paging parameters or maxItems: the response grows with the data set, and one call can make the server load and send all of it.';
  const component = componentName(found.list);
  if (component) return (ops) => `Schema '${component}'${sharedBy(ops.length)} is returned as a list ${problem}`;
  const owner = enclosingComponent(found.site);
  const listIn = found.property ? `The list '${found.property}' of schema` : 'The list in';
  if (owner) return (ops) => `${listIn} '${owner}'${sharedBy(ops.length)} is returned ${problem}`;
  return `${operationLabel(op)} returns ${found.property ? `the list '${found.property}'` : 'a list'} ${problem}`;
}

function checkResponses(ctx: CheckContext, op: Operation, omissions: OperationOmissions): void {
  if ((op.method !== 'get' && !isSearchOperation(op)) || isPaginated(op)) return;
  const seen = new Set<unknown>();
  for (const response of op.responses) {
    if (!response.status.startsWith('2')) continue;
    for (const content of response.contents) {
      if (!content.schema || seen.has(content.schema.value)) continue;
      seen.add(content.schema.value);
      const found = responseList(ctx.files, content.schema);
      if (found?.cap === 'declared') omissions.declares(found.list.value as object);
      if (found?.cap !== 'none') continue;
      const site = { at: found.site, part: 'key' as const };
      omissions.lacks(found.list.value as object, site, 'info', () => ({
        related: usage(op, site, 'returns this list'), message: listMessage(op, found),
        fixes: () => maxItemsFixes(ctx.files, op.document, found.list, found.property ?? componentName(found.list)),
      }));
    }
  }
}

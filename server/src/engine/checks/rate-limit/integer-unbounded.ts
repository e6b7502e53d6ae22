import type { Check } from '../check';
import type { SpecNode } from '../../spec/load';
import { hasKey, schemaTypes, type SchemaVisit } from '../../spec/schema';
import { requestVisits, type RequestInput } from '../../spec/inputs';
import { words } from '../words';
import { isObjectReference } from '../field-names';
import { counted, describeRequestSchema, requestMessage, requestSchemaName, schemaSite, usage } from '../report';
import { reportOmissions } from '../api-wide';
import { isPageSizeName } from './knowledge';

export const integerUnbounded: Check = {
  meta: {
    id: 'integer-unbounded',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-190'],
    severity: 'info',
    description: 'An integer the client sends (a parameter, or a request body property at any depth) lacks a `minimum` or a `maximum` (or their exclusive forms), with no `enum` or `const` and no format of 32 bits or fewer that fixes its range; an integer that counts work (a count, quantity, size, number of repeats or retries) needs a `maximum` whatever its format.',
    rationale: 'An unbounded integer lets one request ask the server to loop, allocate or retry millions of times, or send a negative quantity that business logic never expected (a negative amount refunds, a negative count underflows); a huge value overflows the server\'s integers. A declared range lets validators and gateways reject it before any work is done. '
      + 'Page sizes are left to pagination-unbounded and object identifiers to bola-predictable-id, so no integer is reported twice for one cause; readOnly properties are not sent by clients. When most integers lack a range (at least ten of them), it is reported once, at `paths`, with every integer as a related location.',
    fix: 'Add the range the value legitimately takes: `minimum` (often 0 or 1) and `maximum` (the largest quantity, count or size the server accepts), and enforce the same range in the server.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportOmissions(ctx, doc, {
        place: 'integer without a range',
        message: (lacking, declaring, ops) => `${lacking} integers that clients send to ${counted(ops.length, 'operation')} lack a minimum or a maximum, and the API gives a range to ${declaring === 0 ? 'none' : `only ${declaring}`} of its ${lacking + declaring} integers: a client can send huge or negative numbers that the server loops over, allocates for or stores. Every place is listed below.`,
      }, (op, omissions) => {
        for (const { visit, input } of requestVisits(op, ctx.files)) {
          if (!schemaTypes(visit.schema).includes('integer') || judgedElsewhere(visit, input)) continue;
          const missing = missingBounds(visit.schema, countsWork(requestSchemaName(visit, input)));
          if (missing.length === 0) {
            omissions.declares(visit.schema.value as object);
            continue;
          }
          const site = schemaSite(visit, input);
          omissions.lacks(visit.schema.value as object, site, 'info', () => ({
            related: usage(op, site, 'accepts this integer'),
            message: requestMessage(describeRequestSchema(visit, input), site, op, problem(missing)),
          }));
        }
      });
    }
  },
};

/** Formats whose range is that of 32 bits or fewer: the server cannot be sent a number its integers do not hold. */
const NARROW_FORMATS = new Set(['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32']);
/** Words of names that count work the server does per request: their format is no bound, only a maximum is. */
const WORK_WORDS = new Set([
  'count', 'num', 'number', 'quantity', 'qty', 'size', 'length', 'limit', 'repeat', 'repeats', 'repetitions', 'retries',
  'retry', 'attempts', 'times', 'iterations', 'depth', 'concurrency', 'workers', 'threads', 'copies', 'batch',
]);

/** Page sizes (pagination-unbounded) and object identifiers (bola-predictable-id) are judged by their own rules. */
function judgedElsewhere(visit: SchemaVisit, input: RequestInput): boolean {
  const parameter = input.parameter?.value as Record<string, unknown> | undefined;
  const name = visit.property ?? (parameter && visit.schema.value === input.schema.value ? String(parameter.name) : undefined);
  if (name === undefined) return false;
  return isObjectReference(name) || (parameter?.in === 'query' && isPageSizeName(name));
}

/** Whether a name counts work the server does: `count`, `number_of_repeats`, `max_retries`, `quantity`. */
function countsWork(name: string | undefined): boolean {
  return name !== undefined && words(name).some((w) => WORK_WORDS.has(w));
}

/** The bounds an integer schema lacks: none when an enum or const fixes it, or a narrow format its range (not for counts of work). */
function missingBounds(schema: SpecNode, work: boolean): ('minimum' | 'maximum')[] {
  const value = schema.value as Record<string, unknown>;
  if (Array.isArray(value.enum) || hasKey(schema, 'const')) return [];
  const format = typeof value.format === 'string' ? value.format.toLowerCase() : '';
  const lower = typeof value.minimum === 'number' || typeof value.exclusiveMinimum === 'number';
  const upper = typeof value.maximum === 'number' || typeof value.exclusiveMaximum === 'number';
  const narrow = NARROW_FORMATS.has(format);
  return [
    ...(!lower && !narrow ? ['minimum' as const] : []),
    ...(!upper && (!narrow || work) ? ['maximum' as const] : []),
  ];
}

function problem(missing: ('minimum' | 'maximum')[]): string {
  if (missing.length === 2) return 'is an integer without a minimum or a maximum: a client can send a huge or negative number that the server loops over, allocates for or stores.';
  return missing[0] === 'maximum'
    ? 'is an integer without a maximum: a client can send a huge number that the server loops over, allocates for or stores.'
    : 'is an integer without a minimum: a client can send a negative number that the server\'s logic never expected.';
}


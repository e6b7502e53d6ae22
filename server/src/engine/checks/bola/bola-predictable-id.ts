import type { Check } from '../check';
import type { Fix } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { bodyFields } from '../../spec/inputs';
import { samplesAre } from '../../spec/literal';
import { removeEntry, replaceScalar, setScalar } from '../../edit/edits';
import { fixes } from '../../edit/fixes';
import { listOperations, usage } from '../report';
import { reportEachOperation } from '../each-operation';
import { isObjectReference } from '../field-names';
import { guessable, namesRandomId, type Guessable } from './knowledge';

export const bolaPredictableId: Check = {
  meta: {
    id: 'bola-predictable-id',
    family: 'bola',
    needs: ['spec'],
    owasp: ['API1:2023'],
    cwe: ['CWE-639'],
    severity: 'warning',
    description: 'An object identifier (a path, query or header parameter, or a request body property, named like `id`, `userId` or `order_id`) is an integer or a string with no uuid format, pattern or enum.',
    rationale: 'Broken object level authorization is the most common API vulnerability: the server returns or changes an object because the caller knew its id, without checking that the caller may access it. Sequential ids turn one missing check into a breach of every object, since an attacker only has to count. Integer ids that address an object in the path are warnings; ids in query, header or body, and strings not declared random, are info.',
    fix: 'Check on every request that the caller may access the object the id names. Prefer random, non-sequential ids and declare them (`format: uuid`, or a `pattern` such as `^ord_[A-Za-z0-9]{24}$`), so clients and reviewers know they cannot be guessed.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportEachOperation(ctx, doc, (op, report) => {
        for (const param of op.parameters) {
          const place = PLACES[param.in];
          const nameNode = child(param.node, 'name');
          if (!place || !nameNode || !isObjectReference(param.name)) continue;
          const kind = guessableId(ctx.files, param.name, param.schema);
          if (!kind) continue;
          const site = { at: nameNode, part: 'value' as const };
          report({ ...site, severity: param.in === 'path' && kind !== 'string' ? 'warning' : 'info', operations: [op],
            fixes: () => uuidFixes(ctx.files, kind, param.schema, param.node),
            related: usage(op, site, `takes this ${param.in} parameter`),
            message: (ops) => `${place} '${param.name}' of ${listOperations(ops)} is ${why(kind, isList(param.schema))}.` });
        }
        for (const field of bodyFields(ctx.files, op, true, isObjectReference)) {
          const kind = guessableId(ctx.files, field.name, field.schema);
          if (!kind) continue;
          const place = field.kind === 'form' ? 'Form parameter' : 'Request body property';
          report({ ...field.site, severity: 'info', operations: [op], fixes: () => uuidFixes(ctx.files, kind, field.schema),
            related: usage(op, field.site, 'sends this field'),
            message: (ops) => `${place} '${field.name}' of ${listOperations(ops)} is ${why(kind, isList(field.schema))}.` });
        }
      });
    }
  },
};

const PLACES: Record<string, string> = { path: 'Path parameter', query: 'Query parameter', header: 'Header' };

/** How guessable an identifier named `name` is, unless its name already says it is random (`deviceUuid`). */
function guessableId(files: FileSet, name: string, schema: SpecNode | undefined): Guessable | undefined {
  const kind = guessable(files, schema);
  return kind === 'string' && namesRandomId(name) ? undefined : kind;
}

/** What the identifier is and why that matters, e.g. "an integer: sequential ids can be enumerated ...". */
function why(kind: Guessable, list: boolean): string {
  if (kind === 'string') {
    const what = list ? 'a list of strings' : 'a string';
    return `${what} with no uuid format, pattern or enum: nothing says the ids are random, so if they can be guessed one missing ownership check exposes other callers' objects`;
  }
  const what = kind === 'integer' ? (list ? 'a list of integers' : 'an integer') : list ? 'a list of digit strings' : 'a string of digits';
  return `${what}: sequential ids can be enumerated by counting, so one missing ownership check exposes every object`;
}

function isList(schema: SpecNode | undefined): boolean {
  return !!schema && schemaTypes(schema).includes('array');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: unknown): boolean { return typeof value === 'string' && UUID.test(value); }
/** Keywords of numbers: a string id would keep them as dead constraints. */
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/**
 * Declares an id random: `format: uuid` on a string id (replacing a digits-only pattern or an integer format), or,
 * for a number, `type: string` with `format: uuid`. Only when the examples and defaults written for it are UUIDs
 * already, and a number carries no numeric constraint: otherwise the edit would leave values that contradict the
 * schema. A suggestion: it changes what the contract accepts, and only the author knows the ids are random.
 */
function uuidFixes(files: FileSet, kind: Guessable, declared: SpecNode | undefined, parameter?: SpecNode): Fix[] {
  return fixes(() => {
    const itemsSite = declared && isList(declared) ? child(declared, 'items') : undefined;
    const schema = itemsSite ? files.deref(itemsSite) : declared;
    if (!declared || !schema || !isObject(schema.value) || ![declared, schema, parameter].every((n) => samplesAre(n, isUuid))) return undefined;
    const { file, value } = schema;
    if (kind !== 'integer') {
      // a pattern here admits digits only: it goes, renamed to the format when there is none, removed beside one
      const edits = !('pattern' in value) ? [setScalar(file, value, 'format', 'uuid')]
        : 'format' in value ? [removeEntry(file, value, 'pattern'), setScalar(file, value, 'format', 'uuid')]
        : [replaceScalar(file, file.spanOf(value, 'pattern', 'key'), 'format'), replaceScalar(file, file.spanOf(value, 'pattern', 'value'), 'uuid')];
      return { title: 'Use format: uuid', kind: 'suggestion', edits };
    }
    if (NUMBER_KEYWORDS.some((key) => key in value)) return undefined;
    const types = schemaTypes(schema);
    const numeric = types.flatMap((t, i) => (t === 'integer' || t === 'number' ? [i] : []));
    if (numeric.length !== 1 || types.includes('string')) return undefined;
    // 3.1 type lists keep their other members (`[integer, "null"]` becomes `[string, "null"]`)
    const typeSpan = Array.isArray(value.type) ? file.spanOf(value.type, numeric[0]) : file.spanOf(value, 'type', 'value');
    return { title: 'Use a UUID string id', kind: 'suggestion', edits: [replaceScalar(file, typeSpan, 'string'), setScalar(file, value, 'format', 'uuid')] };
  });
}

import type { Check } from './check';
import type { FileSet, Node } from '../openapi/load';
import { child } from '../openapi/model';
import { schemaTypes } from '../openapi/schema';
import { bodyFields, describeOperations, guessable, isObjectReference, namesRandomId, usedBy, type Guessable } from './lib/identifiers';

const PLACES: Record<string, string> = { path: 'Path parameter', query: 'Query parameter', header: 'Header' };

/** How guessable an identifier named `name` is, unless its name already says it is random (`deviceUuid`). */
function guessableId(files: FileSet, name: string, schema: Node | undefined): Guessable | undefined {
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

function isList(schema: Node | undefined): boolean {
  return !!schema && schemaTypes(schema).includes('array');
}

export const bolaPredictableId: Check = {
  meta: {
    id: 'bola-predictable-id',
    family: 'bola',
    owasp: ['API1:2023'],
    cwe: ['CWE-639'],
    severity: 'warning',
    description: 'An object identifier (a path, query or header parameter, or a request body property, named like `id`, `userId` or `order_id`) is an integer or a string with no uuid format, pattern or enum.',
    rationale: 'Broken object level authorization is the most common API vulnerability: the server returns or changes an object because the caller knew its id, without checking that the caller may access it. Sequential ids turn one missing check into a breach of every object, since an attacker only has to count. Integer ids that address an object in the path are warnings; ids in query, header or body, and strings not declared random, are info.',
    fix: 'Check on every request that the caller may access the object the id names. Prefer random, non-sequential ids and declare them (`format: uuid`, or a `pattern` such as `^ord_[A-Za-z0-9]{24}$`), so clients and reviewers know they cannot be guessed.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        for (const param of op.parameters) {
          const place = PLACES[param.in];
          const nameNode = child(param.node, 'name');
          if (!place || !nameNode || !isObjectReference(param.name)) continue;
          const kind = guessableId(ctx.files, param.name, param.schema);
          if (!kind) continue;
          const site = { at: nameNode, part: 'value' as const };
          ctx.report({ ...site, severity: param.in === 'path' && kind !== 'string' ? 'warning' : 'info', operations: [op],
            related: usedBy(op, site, `takes this ${param.in} parameter`),
            message: (ops) => `${place} '${param.name}' of ${describeOperations(ops)} is ${why(kind, isList(param.schema))}.` });
        }
        for (const field of bodyFields(ctx.files, op, true, isObjectReference)) {
          const kind = guessableId(ctx.files, field.name, field.schema);
          if (!kind) continue;
          const place = field.kind === 'form' ? 'Form parameter' : 'Request body property';
          ctx.report({ ...field.site, severity: 'info', operations: [op],
            related: usedBy(op, field.site, 'sends this field'),
            message: (ops) => `${place} '${field.name}' of ${describeOperations(ops)} is ${why(kind, isList(field.schema))}.` });
        }
      }
    }
  },
};

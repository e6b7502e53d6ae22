import type { Check } from '../check';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject, operationRef, successResponses, type Operation } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { declaredProperties, separatesDirections, type Declaration } from '../../spec/schema-graph';
import { addOperation, listOperations, relatedOperation } from '../report';
import { markPropertiesFix, supportsWriteOnly, type PropertyMark } from './fixes';
import { holdsSensitiveValue, nameWords, privilegedName, sensitiveName, setsPrivilege } from './knowledge';

export const responseSharesRequestSchema: Check = {
  meta: {
    id: 'response-shares-request-schema',
    family: 'data-exposure',
    needs: ['spec'],
    owasp: ['API3:2023'],
    cwe: ['CWE-915', 'CWE-213'],
    severity: 'warning',
    description: 'One schema is both a request body and a successful response body (the same component after refs), holds server-set or secret fields, and marks none of its properties readOnly or writeOnly.',
    rationale: 'When the client writes and the server returns the very same schema, the description cannot say which fields are server-set and which are secret: clients are invited to send `id`, `role` or `created_at` (mass assignment), and a password clients send is documented as returned (over-exposure). A shared schema without such fields (a settings document read and written whole) is not flagged, so every finding names the fields at risk.',
    fix: 'Split the schema into an input and an output schema (`UserCreate` / `User`, sharing a base with `allOf`), or mark server-set properties `readOnly: true` and client-only ones `writeOnly: true`.',
  },
  run(ctx) {
    const objects = new BodyObjects(ctx.files);
    const sentBy = new Map<unknown, Operation[]>();
    const returnedBy = new Map<unknown, Operation[]>();
    const schemas = new Map<unknown, SpecNode>();
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        for (const { schema } of op.requestBody?.contents ?? []) {
          const object = objects.inBody(schema);
          if (!object) continue;
          addOperation(sentBy, object.value, op);
          schemas.set(object.value, object);
        }
        for (const response of successResponses(op)) {
          for (const { schema } of response.contents) {
            for (const object of objects.inResponse(schema)) addOperation(returnedBy, object.value, op);
          }
        }
      }
    }
    for (const [value, requests] of sentBy) {
      const schema = schemas.get(value)!;
      const responses = returnedBy.get(value);
      if (!responses || separatesDirections(ctx.files, schema)) continue;
      const properties = [...objects.propertiesOf(schema)].map(([name, [declared]]) => ({ name, ...declared }));
      const serverSet = properties.filter(({ name, schema: declared }) => serverSetField(ctx.files, name, declared));
      const secret = properties.filter(({ name, schema: declared }) => {
        const match = sensitiveName(name, ctx.config.sensitiveFields);
        return match !== undefined && holdsSensitiveValue(ctx.files, match, declared);
      });
      // a settings document that clients write and read back whole has nothing to keep apart
      if (serverSet.length === 0 && secret.length === 0) continue;
      const quoted = (list: { name: string }[]) => list.slice(0, 3).map(({ name }) => `'${name}'`).join(', ');
      const risks = [
        ...serverSet.length > 0 ? [`clients are invited to send server-set ${quoted(serverSet)}`] : [],
        ...secret.length > 0 ? [`${quoted(secret)} sent by clients is documented as returned`] : [],
      ];
      const operations = [...new Set([...requests, ...responses])];
      // every field named is marked (any one mark tells the directions apart); a secret is writeOnly, never readOnly
      const marks: PropertyMark[] = [
        ...serverSet.filter((p) => !secret.includes(p)).map((p) => ({ ...p, direction: 'readOnly' as const })),
        ...supportsWriteOnly(operations) ? secret.map((p) => ({ ...p, direction: 'writeOnly' as const })) : [],
      ];
      const fix = markPropertiesFix(marks);
      const roles = (op: Operation) => requests.includes(op) && responses.includes(op) ? 'accepts it as its request body and returns it'
        : requests.includes(op) ? 'accepts it as its request body' : 'returns it';
      ctx.report({
        at: schema, part: 'key', operations,
        related: operations.map((op) => relatedOperation(op, roles(op))),
        message: `${schemaName(schema)} is ${describeUses(requests, responses)}, with no readOnly or writeOnly property: ${risks.join(', and ')}.`,
        fixes: fix ? [fix] : [],
      });
    }
  },
};

/** Envelope members that carry the resource itself: `{ data: User }`, `{ result: Zone }`. */
const ENVELOPE_KEYS = ['data', 'result'];

/** Finds the object schemas bodies carry; remembers each schema's declared properties, shared by many operations. */
class BodyObjects {
  private readonly declared = new Map<unknown, Map<string, Declaration[]>>();

  constructor(private readonly files: FileSet) {}

  propertiesOf(schema: SpecNode): Map<string, Declaration[]> {
    let found = this.declared.get(schema.value);
    if (!found) this.declared.set(schema.value, (found = declaredProperties(this.files, schema)));
    return found;
  }

  /** The object schema a body carries: the body schema itself, or the items of an array body (bulk create, lists). */
  inBody(schema: SpecNode | undefined): SpecNode | undefined {
    if (!schema) return undefined;
    const itemsSite = schemaTypes(schema).includes('array') ? child(schema, 'items') : undefined;
    const target = itemsSite ? this.files.deref(itemsSite) : schema;
    if (!target || !isObject(target.value)) return undefined;
    return this.propertiesOf(target).size > 0 ? target : undefined;
  }

  /** The objects a response returns: the body (or its items), and the resource inside a `data`/`result` envelope. */
  inResponse(schema: SpecNode | undefined): SpecNode[] {
    const body = this.inBody(schema);
    if (!body) return [];
    const found = [body];
    const declared = this.propertiesOf(body);
    for (const key of ENVELOPE_KEYS) {
      for (const member of declared.get(key) ?? []) {
        const inner = this.inBody(member.schema);
        if (inner) found.push(inner);
      }
    }
    return found;
  }
}

/** A field the server sets: an `id`, a creation or update timestamp, or a privilege the client must not choose. */
function serverSetField(files: FileSet, name: string, schema: SpecNode): boolean {
  const w = nameWords(name);
  const last = w[w.length - 1];
  if (w.length === 1 && (last === 'id' || last === 'uuid' || last === 'created' || last === 'updated')) return true;
  if ((last === 'at' || last === 'on') && ['created', 'updated', 'modified', 'deleted'].includes(w[w.length - 2])) return true;
  const privilege = privilegedName(name);
  return privilege !== undefined && setsPrivilege(files, privilege, schema);
}

/** "both the request body and the response of PUT /a", or "both the request body of POST /a and the response of GET /a/{id}". */
function describeUses(requests: Operation[], responses: Operation[]): string {
  const same = requests.length === responses.length && requests.every((op) => responses.includes(op));
  if (same) return `both the request body and the response of ${listOperations(requests.map(operationRef))}`;
  return `both the request body of ${listOperations(requests.map(operationRef))} and the response of ${listOperations(responses.map(operationRef))}`;
}

/** The component or property name a schema is written under, for messages. */
function schemaName(schema: SpecNode): string {
  return typeof schema.key === 'string' && schema.key !== 'schema' ? `Schema '${schema.key}'` : 'This schema';
}

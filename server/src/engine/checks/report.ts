/**
 * Where reports go and how they name what they concern: the place of a finding on a schema, the component it belongs
 * to, the related entries that list every operation using a shared place, and the phrasing of operation lists.
 */
import type { Report, Site } from './check';
import type { OperationRef } from '../types';
import type { SpecNode } from '../spec/load';
import { child, isObject, operationLabel, within, type Operation } from '../spec/model';
import type { SchemaVisit } from '../spec/schema';
import type { RequestInput } from '../spec/inputs';
import { memoize } from '../memo';

type Obj = Record<string, unknown>;

/** The node of an operation's method key, where operation-level findings point. */
export function operationSite(op: Operation): { at: SpecNode; part: 'key' } {
  return { at: op.node, part: 'key' };
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
 * The `related` entry that lists an operation under a finding outside it (a shared component, a path-level
 * parameter), so one finding at a shared place names every operation that uses it: "GET /users/{id} takes this path
 * parameter" at the operation's method key. Nothing for a finding written inside the operation itself.
 */
export function usage(op: Operation, site: Site, verb: string): NonNullable<Report['related']> {
  return within(site.at, op.node) ? [] : [relatedOperation(op, verb)];
}

type Related = NonNullable<Report['related']>[number];

/** An operation's related entries by verb: findings that relate one operation the same way share one entry. */
const relatedByVerb = memoize((_op: Operation) => new Map<string, Related>());

/** A related entry at an operation's method key: "GET /users returns 'password'". */
export function relatedOperation(op: Operation, verb: string): Related {
  const known = relatedByVerb(op);
  let related = known.get(verb);
  if (!related) known.set(verb, (related = { ...operationSite(op), message: `${operationLabel(op)} ${verb}` }));
  return related;
}

/** A count and its noun: "1 operation", "3 operations". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** " (shared by 3 operations)" for a finding merged from several operations, nothing for one. */
export function sharedBy(count: number): string {
  return count > 1 ? ` (shared by ${count} operations)` : '';
}

/**
 * The name a visited request schema goes by (what its bound or format is chosen by): its property, its parameter, or
 * its component.
 */
export function requestSchemaName(visit: SchemaVisit, input: RequestInput): string | undefined {
  if (visit.property !== undefined && !hasRef(visit.site)) return visit.property;
  if (input.parameter && visit.schema.value === input.schema.value) return String((input.parameter.value as Obj).name);
  return componentName(visit.schema) ?? visit.property ?? visit.trail[visit.trail.length - 1];
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

/** The text with its first letter upper-cased, to start a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Adds `op` to the operations kept for `key`, once (operations are visited one after the other). */
export function addOperation<K>(map: Map<K, Operation[]>, key: K, op: Operation): void {
  const list = map.get(key);
  if (!list) map.set(key, [op]);
  else if (list[list.length - 1] !== op) list.push(op);
}

/** The operations of a merged finding, for its message: "GET /a", "GET /a and POST /b", "GET /a, POST /b and 3 more operations". */
export function listOperations(operations: readonly OperationRef[]): string {
  const labels = operations.map((o) => `${o.method} ${o.path}`);
  if (labels.length <= 2) return labels.join(' and ');
  if (labels.length === 3) return `${labels[0]}, ${labels[1]} and ${labels[2]}`;
  return `${labels[0]}, ${labels[1]} and ${labels.length - 2} more operations`;
}

import type { FileSet, SpecNode } from './load';
import { child, entries, isObject, items } from './model';

export interface SchemaVisit {
  /** The schema object, refs followed. */
  schema: SpecNode;
  /** Where it is written, before refs are followed (a property's key, an `items` entry, ...). */
  site: SpecNode;
  /** Set when the schema is reached as a named property of an object schema. */
  property?: string;
  /** The object schema that declares `property`. */
  owner?: SpecNode;
  /** Property names from the walk's root to here. */
  trail: string[];
}

export type SchemaVisitor = (visit: SchemaVisit) => void | 'skip';

/** Keywords that combine subschemas. */
export const COMPOSITIONS: readonly string[] = ['allOf', 'oneOf', 'anyOf'];

/**
 * Visits every schema reachable from `start` (properties, items, compositions, additionalProperties) once each,
 * so recursive schemas and YAML alias bombs cost one visit per distinct object. Returning 'skip' prunes a branch.
 */
export function walkSchemas(files: FileSet, start: SpecNode | undefined, visitor: SchemaVisitor): void {
  if (!start) return;
  const seen = new Set<unknown>();
  const stack: { site: SpecNode; property?: string; owner?: SpecNode; trail: string[] }[] = [{ site: start, trail: [] }];
  while (stack.length > 0) {
    const { site, property, owner, trail } = stack.pop()!;
    const schema = files.deref(site);
    if (!schema || !isObject(schema.value) || seen.has(schema.value)) continue;
    seen.add(schema.value);
    if (visitor({ schema, site, property, owner, trail }) === 'skip') continue;
    const pending: typeof stack = [];
    for (const [name, prop] of entries(child(schema, 'properties'))) pending.push({ site: prop, property: name, owner: schema, trail: [...trail, name] });
    const itemsNode = child(schema, 'items');
    if (itemsNode) {
      if (Array.isArray(itemsNode.value)) for (const item of items(itemsNode)) pending.push({ site: item, trail });
      else pending.push({ site: itemsNode, trail });
    }
    for (const key of COMPOSITIONS) for (const part of items(child(schema, key))) pending.push({ site: part, trail });
    const additional = child(schema, 'additionalProperties');
    if (additional && isObject(additional.value)) pending.push({ site: additional, trail });
    // depth-first in source order
    for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]);
  }
}

/** The schema's `type`, as a list (3.1 allows several). */
export function schemaTypes(schema: SpecNode): string[] {
  const t = (schema.value as Record<string, unknown>).type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.map(String);
  return [];
}

export function hasKey(node: SpecNode, key: string): boolean {
  return isObject(node.value) && Object.prototype.hasOwnProperty.call(node.value, key);
}

/** A schema marked `readOnly: true`: the server sets it, clients do not send it. */
export function isReadOnly(schema: SpecNode): boolean {
  return isObject(schema.value) && schema.value.readOnly === true;
}

/** A schema marked `writeOnly: true`: clients send it, the server never returns it. */
export function isWriteOnly(schema: SpecNode): boolean {
  return isObject(schema.value) && schema.value.writeOnly === true;
}

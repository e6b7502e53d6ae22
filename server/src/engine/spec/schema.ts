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

/** Where the walk stands: a schema site, and how it was reached. */
class WalkStep implements SchemaVisit {
  schema!: SpecNode;
  private names?: string[];
  constructor(
    readonly site: SpecNode,
    /** The step that reached this one (undefined at the start). */
    private readonly from: WalkStep | undefined,
    readonly property?: string,
    readonly owner?: SpecNode,
  ) {}
  /** Built when asked for: most visits never are, and a copy per property costs on schemas of thousands. */
  get trail(): string[] {
    if (!this.names) {
      const before = this.from?.trail ?? [];
      this.names = this.property === undefined ? before : [...before, this.property];
    }
    return this.names;
  }
}

/**
 * Visits every schema reachable from `start` (properties, items, compositions, additionalProperties) once each,
 * so recursive schemas and YAML alias bombs cost one visit per distinct object. Returning 'skip' prunes a branch.
 */
export function walkSchemas(files: FileSet, start: SpecNode | undefined, visitor: SchemaVisitor): void {
  if (!start) return;
  const seen = new Set<unknown>();
  const stack: WalkStep[] = [new WalkStep(start, undefined)];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const schema = files.deref(step.site);
    if (!schema || !isObject(schema.value) || seen.has(schema.value)) continue;
    seen.add(schema.value);
    step.schema = schema;
    if (visitor(step) === 'skip') continue;
    const pending: WalkStep[] = [];
    for (const [name, prop] of entries(child(schema, 'properties'))) pending.push(new WalkStep(prop, step, name, schema));
    const itemsNode = child(schema, 'items');
    if (itemsNode) {
      if (Array.isArray(itemsNode.value)) for (const item of items(itemsNode)) pending.push(new WalkStep(item, step));
      else pending.push(new WalkStep(itemsNode, step));
    }
    for (const key of COMPOSITIONS) for (const part of items(child(schema, key))) pending.push(new WalkStep(part, step));
    const additional = child(schema, 'additionalProperties');
    if (additional && isObject(additional.value)) pending.push(new WalkStep(additional, step));
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

import type { FileSet, SpecNode } from './load';
import { child, isObject } from './model';

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
    // the parts go on the stack in source order, then are turned round: depth-first in source order
    const first = stack.length;
    const value = schema.value;
    if (value.properties !== undefined) {
      const properties = child(schema, 'properties')!;
      if (isObject(properties.value)) for (const name of Object.keys(properties.value)) stack.push(new WalkStep(child(properties, name)!, step, name, schema));
    }
    if (value.items !== undefined) {
      const itemsNode = child(schema, 'items')!;
      if (Array.isArray(itemsNode.value)) pushItems(stack, itemsNode, step);
      else stack.push(new WalkStep(itemsNode, step));
    }
    for (const key of COMPOSITIONS) if (value[key] !== undefined) pushItems(stack, child(schema, key)!, step);
    if (isObject(value.additionalProperties)) stack.push(new WalkStep(child(schema, 'additionalProperties')!, step));
    for (let i = first, j = stack.length - 1; i < j; i++, j--) {
      const swapped = stack[i];
      stack[i] = stack[j];
      stack[j] = swapped;
    }
  }
}

/** The items of an array node, as steps from `from`; nothing for another value. */
function pushItems(stack: WalkStep[], list: SpecNode, from: WalkStep): void {
  const value = list.value;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) stack.push(new WalkStep(child(list, i)!, from));
}

/** The schema's `type`, as a list (3.1 allows several). */
export function schemaTypes(schema: SpecNode): readonly string[] {
  const t = (schema.value as Record<string, unknown>).type;
  if (typeof t === 'string') return ONE_TYPE.get(t) ?? [t];
  if (Array.isArray(t)) return t.map(String);
  return NO_TYPES;
}

/** The lists of one standard type, shared: checks ask for the type of every schema they read. */
const ONE_TYPE = new Map(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'].map((t) => [t, [t] as readonly string[]]));
const NO_TYPES: readonly string[] = [];

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

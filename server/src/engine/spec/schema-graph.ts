/**
 * The schema graph: what a schema is made of, which properties it declares (`allOf` parts included), and what every
 * schema reaches below it, computed once per schema for a whole analysis. Generic machinery for checks of any family.
 */
import type { FileSet, SpecNode } from './load';
import { child, entries, isObject, items } from './model';
import { COMPOSITIONS, isReadOnly, isWriteOnly, schemaTypes, walkSchemas } from './schema';
import { memoize } from '../memo';
import { derivedOnce } from '../reads';

/** Whether every type the schema declares is one of `allowed` (`null` aside); false when it declares none. */
export function onlyTypes(schema: SpecNode, allowed: readonly string[]): boolean {
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  return types.length > 0 && types.every((t) => allowed.includes(t));
}

/** An object schema holds other fields, not a value: its properties are judged on their own. */
export function isObjectSchema(schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  return schemaTypes(schema).includes('object') || isObject(value.properties);
}

/**
 * Whether a schema holds other fields rather than one value: an object, an array of objects, or a composition with
 * an object among its parts (`anyOf: [string id, expanded object]`). Its own properties are judged on their own.
 */
export function isContainer(files: FileSet, schema: SpecNode): boolean {
  if (isObjectSchema(schema)) return true;
  const parts = [child(schema, 'items'), ...COMPOSITIONS.flatMap((key) => items(child(schema, key)))];
  return parts.some((part) => {
    const resolved = part && files.deref(part);
    return resolved !== undefined && isObject(resolved.value) && isObjectSchema(resolved);
  });
}

/** The string values a schema (or its items, for an array) is limited to, if it has an `enum`. */
export function enumValues(files: FileSet, schema: SpecNode): string[] | undefined {
  const itemsSite = child(schema, 'items');
  const target = itemsSite ? files.deref(itemsSite) : schema;
  const values = target && isObject(target.value) ? target.value.enum : undefined;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : undefined;
}

/** A property as declared in a schema: where it is written, and its schema. */
export interface Declaration {
  /** The property's key under `properties` (where a fix edits it). */
  site: SpecNode;
  /** Its schema, refs followed. */
  schema: SpecNode;
}

export interface PropertySite<M> extends Declaration {
  name: string;
  /** What the name matched. */
  match: M;
}

/** The properties of a schema whose names `select` matches (names are tested before any ref is followed). */
export function selectProperties<M>(files: FileSet, schema: SpecNode, select: (name: string) => M | undefined): PropertySite<M>[] {
  const found: PropertySite<M>[] = [];
  const properties = child(schema, 'properties');
  if (!properties || !isObject(properties.value)) return found;
  for (const name of Object.keys(properties.value)) {
    const match = select(name);
    if (match === undefined) continue;
    const site = child(properties, name)!;
    const property = files.deref(site);
    if (property && isObject(property.value)) found.push({ name, site, schema: property, match });
  }
  return found;
}

/** Whether a schema value is made of other schemas (properties, items, compositions, a schema for additionalProperties). */
function composite(value: Record<string, unknown>): boolean {
  return value.properties !== undefined || value.items !== undefined || value.allOf !== undefined
    || value.oneOf !== undefined || value.anyOf !== undefined || isObject(value.additionalProperties);
}

/** Where a schema writes its subschemas: containers and their keys (properties, items, compositions, additionalProperties). */
function subschemaSites(schema: SpecNode): [container: SpecNode, keys: (string | number)[]][] {
  const value = schema.value as Record<string, unknown>;
  const sites: [SpecNode, (string | number)[]][] = [];
  if (isObject(value.properties)) sites.push([child(schema, 'properties')!, Object.keys(value.properties)]);
  if (Array.isArray(value.items)) sites.push([child(schema, 'items')!, value.items.map((_, i) => i)]);
  else if (value.items !== undefined) sites.push([schema, ['items']]);
  for (const key of COMPOSITIONS) {
    const list = value[key];
    if (Array.isArray(list)) sites.push([child(schema, key)!, list.map((_, i) => i)]);
  }
  if (isObject(value.additionalProperties)) sites.push([schema, ['additionalProperties']]);
  return sites;
}

/**
 * The schemas each schema is made of, refs followed, by schema object: one table per analysis, shared by every
 * `SchemaReach` (each check that reaches through schemas walks the same graph).
 */
const schemaParts = memoize((_files: FileSet) => new Map<object, { value: { all: SpecNode[]; composite: SpecNode[] }; use(): void }>());

/**
 * The schemas a schema is made of, refs followed. With `leaves` false, inline schemas made of nothing else (a
 * `{type: string}` property) are left out: most schemas of a spec are such leaves.
 */
function subschemas(files: FileSet, schema: SpecNode, leaves: boolean): SpecNode[] {
  const table = schemaParts(files);
  let parts = table.get(schema.value as object);
  if (parts) parts.use();
  else {
    parts = derivedOnce(() => {
      const all: SpecNode[] = [];
      for (const [container, keys] of subschemaSites(schema)) {
        const values = container.value as Record<string | number, unknown>;
        for (const key of keys) {
          if (!isObject(values[key])) continue;
          const resolved = files.deref(child(container, key)!);
          if (resolved && isObject(resolved.value)) all.push(resolved);
        }
      }
      return { all, composite: all.filter((s) => composite(s.value as Record<string, unknown>)) };
    });
    table.set(schema.value as object, parts);
  }
  return leaves ? parts.value.all : parts.value.composite;
}

/** Tarjan bookkeeping of one schema during `SchemaReach.of`. */
interface Visit { node: SpecNode; index: number; low: number; children: SpecNode[]; next: number; onStack: boolean }

const NOTHING: never[] = [];

/**
 * What each schema reaches: the union of `own(schema)` over every schema reachable from it, computed once per schema
 * for the whole analysis, so that operations sharing components do not walk them again. Schemas that reach each
 * other (recursive ones, and Stripe-style expandable objects where most components reach most others) form one
 * strongly connected group that shares one answer (Tarjan's algorithm, iterative: no recursion over the document).
 */
export class SchemaReach<T> {
  private readonly done = new Map<object, readonly T[]>();

  constructor(
    private readonly files: FileSet,
    /** What a schema contributes by itself; called once per schema. */
    private readonly own: (schema: SpecNode) => T[],
    /** Schemas that count as absent, with everything below them (a writeOnly property in a response). */
    private readonly absent: (schema: SpecNode) => boolean,
    /** Whether `own` needs schemas made of nothing else; when it reads only owners' properties, leaves are skipped. */
    private readonly leaves: boolean,
  ) {}

  /** Everything `own` gives for `root` and every schema below it. */
  of(root: SpecNode): readonly T[] {
    const start = this.files.deref(root);
    if (!start || !isObject(start.value) || this.absent(start)) return NOTHING;
    const known = this.done.get(start.value);
    if (known) return known;
    const visits = new Map<object, Visit>();
    const stack: Visit[] = [];
    const path: Visit[] = [];
    const open = (node: SpecNode) => {
      const visit: Visit = {
        node, index: visits.size, low: visits.size, next: 0, onStack: true,
        children: subschemas(this.files, node, this.leaves).filter((s) => !this.absent(s)),
      };
      visits.set(node.value as object, visit);
      stack.push(visit);
      path.push(visit);
    };
    open(start);
    while (path.length > 0) {
      const visit = path[path.length - 1];
      if (visit.next < visit.children.length) {
        const next = visit.children[visit.next++];
        if (this.done.has(next.value as object)) continue;
        const seen = visits.get(next.value as object);
        // a schema made of nothing else (most are) is a group of its own that reaches nothing more
        if (!seen && !composite(next.value as Record<string, unknown>)) this.done.set(next.value as object, this.union([{ node: next, children: NOTHING }]));
        else if (!seen) open(next);
        else if (seen.onStack) visit.low = Math.min(visit.low, seen.index);
        continue;
      }
      path.pop();
      const parent = path[path.length - 1];
      if (parent) parent.low = Math.min(parent.low, visit.low);
      if (visit.low !== visit.index) continue;
      const members: Visit[] = [];
      let member: Visit;
      do {
        member = stack.pop()!;
        member.onStack = false;
        members.push(member);
      } while (member !== visit);
      const result = this.union(members);
      for (const m of members) this.done.set(m.node.value as object, result);
    }
    return this.done.get(start.value)!;
  }

  /** What a group of schemas reaches: their own items and what their children outside the group reach. */
  private union(members: Pick<Visit, 'node' | 'children'>[]): readonly T[] {
    const parts: (readonly T[])[] = [];
    for (const m of members) {
      const own = this.own(m.node);
      if (own.length > 0) parts.push(own);
      for (const c of m.children) {
        const reached = this.done.get(c.value as object);
        if (reached && reached.length > 0 && !parts.includes(reached)) parts.push(reached);
      }
    }
    // most schemas reach nothing new: share the one answer below them instead of copying it
    if (parts.length <= 1) return parts[0] ?? NOTHING;
    return [...new Set(parts.flat())];
  }
}

/**
 * The properties a schema declares, by name: its own and those of its `allOf` parts (nested ones too), refs followed.
 * A name declared by several parts lists every declaration.
 */
export function declaredProperties(files: FileSet, schema: SpecNode): Map<string, Declaration[]> {
  const declared = new Map<string, Declaration[]>();
  const seen = new Set<unknown>();
  const pending: SpecNode[] = [schema];
  while (pending.length > 0) {
    const part = files.deref(pending.pop()!);
    if (!part || !isObject(part.value) || seen.has(part.value)) continue;
    seen.add(part.value);
    for (const [name, site] of entries(child(part, 'properties'))) {
      const property = files.deref(site);
      if (property && isObject(property.value)) declared.set(name, [...(declared.get(name) ?? []), { site, schema: property }]);
    }
    pending.push(...items(child(part, 'allOf')));
  }
  return declared;
}

/** Whether any schema reachable from `schema` marks a property readOnly or writeOnly: it already tells directions apart. */
export function separatesDirections(files: FileSet, schema: SpecNode): boolean {
  let found = false;
  walkSchemas(files, schema, ({ schema: s }) => {
    if (isReadOnly(s) || isWriteOnly(s)) found = true;
    return found ? 'skip' : undefined;
  });
  return found;
}

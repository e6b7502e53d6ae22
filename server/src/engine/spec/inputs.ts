/**
 * The request-input model: the schemas an operation reads from the client (parameters, OpenAPI 2.0 form fields,
 * request bodies), every schema below them, walked once per operation, and the named fields of its body.
 */
import type { FileSet, SpecNode } from './load';
import { child, isObject, items, type Operation, type Site } from './model';
import { isReadOnly, walkSchemas, type SchemaVisit } from './schema';
import { memoize } from '../memo';

/** One schema an operation takes from the client: a parameter's, or a request body's for one media type. */
export interface RequestInput {
  schema: SpecNode;
  /** The parameter object, for parameters (in OpenAPI 2.0 it is also the schema). */
  parameter?: SpecNode;
  /** For bodies: the media type, and where the whole body is named (3.x: the media type key; 2.0: the body parameter's name). */
  mediaType?: string;
  bodySite?: Site;
}

/**
 * The schemas an operation reads from the client: every non-body parameter, OpenAPI 2.0 `formData` parameters
 * (which the operation model folds into an empty request body), and each request body schema once.
 */
function requestInputs(files: FileSet, op: Operation): RequestInput[] {
  const inputs: RequestInput[] = [];
  for (const p of op.parameters) if (p.schema) inputs.push({ schema: p.schema, parameter: p.node });
  if (op.document.version === '2.0') {
    for (const parameter of formDataParameters(files, op)) inputs.push({ schema: parameter, parameter });
  }
  const seen = new Set<unknown>();
  for (const c of op.requestBody?.contents ?? []) {
    if (!c.schema || seen.has(c.schema.value)) continue;
    seen.add(c.schema.value);
    inputs.push({ schema: c.schema, mediaType: c.mediaType, bodySite: bodySite(op, c.mediaType) });
  }
  return inputs;
}

/** Where a whole request body is named: the media type key (3.x) or the body parameter's name (2.0). */
export function bodySite(op: Operation, mediaType: string): Site | undefined {
  const body = op.requestBody?.node;
  if (!body) return undefined;
  if (op.document.version === '2.0') {
    const name = child(body, 'name');
    return name && { at: name, part: 'value' };
  }
  const content = child(body, 'content');
  const media = content && child(content, mediaType);
  return media && { at: media, part: 'key' };
}

/**
 * OpenAPI 2.0 `in: formData` parameters of an operation and its path item (its own override the path item's), refs
 * followed: the operation model folds them into an empty request body.
 */
export function formDataParameters(files: FileSet, op: Operation): SpecNode[] {
  const byName = new Map<string, SpecNode>();
  for (const site of [...items(child(op.pathItem, 'parameters')), ...items(child(op.node, 'parameters'))]) {
    const parameter = files.deref(site);
    if (parameter && isObject(parameter.value) && parameter.value.in === 'formData') byName.set(String(parameter.value.name), parameter);
  }
  return [...byName.values()];
}

/** One schema an operation reads from the client, with the input it belongs to. */
export interface RequestVisit { visit: SchemaVisit; input: RequestInput }

/**
 * Every schema an operation reads from the client (parameters and bodies, at any depth), leaving out readOnly subtrees
 * (the server sets them; clients do not send them). Walked once per operation for all the checks that need it.
 */
export const requestVisits = memoize((op: Operation, files: FileSet): RequestVisit[] => {
  const visits: RequestVisit[] = [];
  for (const input of requestInputs(files, op)) {
    walkSchemas(files, input.schema, (visit) => {
      if (isReadOnly(visit.schema)) return 'skip';
      visits.push({ visit, input });
      return undefined;
    });
  }
  return visits;
});

/** A field a client sends in the request body: a schema property, or an OpenAPI 2.0 formData parameter. */
export interface BodyField {
  name: string;
  /** Where the field is named: the property key, or the formData parameter's `name` value. */
  site: Site;
  schema?: SpecNode;
  kind: 'property' | 'form';
}

/**
 * The fields named `accept` that a client sends in an operation's request body: properties of its schemas (`nested` also
 * reaches properties of properties and of array items), and 2.0 formData parameters. `readOnly` properties are not sent.
 */
export function bodyFields(files: FileSet, op: Operation, nested: boolean, accept: (name: string) => boolean): BodyField[] {
  return (nested ? nestedBodyFields : topBodyFields)(op, files).filter((field) => accept(field.name));
}

/** Every field of an operation's body, walked once per operation for all the checks that read them. */
const nestedBodyFields = memoize((op: Operation, files: FileSet) => walkBodyFields(files, op, true));
const topBodyFields = memoize((op: Operation, files: FileSet) => walkBodyFields(files, op, false));

function walkBodyFields(files: FileSet, op: Operation, nested: boolean): BodyField[] {
  const fields: BodyField[] = [];
  // media types often share one schema (2.0 `consumes` always does): walk each schema once
  const schemas = new Map<unknown, SpecNode>();
  for (const content of op.requestBody?.contents ?? []) if (content.schema) schemas.set(content.schema.value, content.schema);
  for (const start of schemas.values()) {
    walkSchemas(files, start, ({ schema, site, trail }) => {
      if (trail.length > 0 && (!nested || isReadOnly(site) || isReadOnly(schema))) return 'skip';
      // each property is read here rather than from its own visit: walkSchemas visits a shared schema once,
      // so two properties that point at the same $ref would otherwise yield one field
      const properties = child(schema, 'properties');
      if (!properties || !isObject(properties.value)) return;
      for (const name of Object.keys(properties.value)) {
        const propSite = child(properties, name)!;
        const propSchema = files.deref(propSite);
        if (isReadOnly(propSite) || (propSchema && isReadOnly(propSchema))) continue;
        fields.push({ name, site: { at: propSite, part: 'key' }, schema: propSchema, kind: 'property' });
      }
    });
  }
  if (op.document.version === '2.0') {
    for (const param of formDataParameters(files, op)) {
      const nameNode = child(param, 'name');
      if (nameNode && typeof nameNode.value === 'string') {
        fields.push({ name: nameNode.value, site: { at: nameNode, part: 'value' }, schema: param, kind: 'form' });
      }
    }
  }
  return fields;
}


import type { Check } from '../check';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject, items, keyAbove, operationLabel, isJsonMediaType, successResponses, type Operation } from '../../spec/model';
import { hasKey, schemaTypes, COMPOSITIONS } from '../../spec/schema';
import { declaredProperties, isObjectSchema, SchemaReach } from '../../spec/schema-graph';
import { addOperation, listOperations, relatedOperation } from '../report';
import { closeObjectFix } from './fixes';

export const responseOpenSchema: Check = {
  meta: {
    id: 'response-open-schema',
    family: 'data-exposure',
    needs: ['spec'],
    owasp: ['API3:2023'],
    cwe: ['CWE-213'],
    severity: 'info',
    description: 'A successful JSON response has no schema, or its schema (at any depth) is a free-form object: no properties and no `additionalProperties` of its own, or `additionalProperties: true` / `{}` written out.',
    rationale: 'A response whose fields are not declared can carry anything the server has, and neither a reviewer nor response validation can tell when it leaks a field. Objects that declare their properties but omit `additionalProperties: false` are not flagged: a declared shape documents what is returned, and requiring `false` everywhere is noise that also breaks forward compatibility. 204/205, HEAD and OPTIONS responses, non-JSON media types, error responses (and `default` next to a 2xx), `{type: object}` inside `allOf`, typed maps (`additionalProperties: {type: string}`), and a generic envelope member (`result: {type: object}`) that a sibling `allOf` part redefines are not flagged.',
    fix: 'Declare the properties the response returns (a `$ref` to a component schema). For maps, give `additionalProperties` a schema for the values; for payloads that really are arbitrary JSON, document why and suppress the finding.',
  },
  run(ctx) {
    const files = ctx.files;
    // free-form declarations that a sibling `allOf` part redefines: generic envelopes (`result: {type: object}`)
    const refined = new Set<unknown>();
    const placeholder = placeholders(files);
    const reach = new SchemaReach<OpenSpot>(files, (schema) => {
      if (Array.isArray((schema.value as Record<string, unknown>).allOf)) {
        for (const declarations of declaredProperties(files, schema).values()) {
          if (declarations.length < 2 || declarations.every((d) => placeholder(d.schema))) continue;
          for (const d of declarations) if (placeholder(d.schema)) for (const p of pieces(files, d.schema)) refined.add(p.value);
        }
      }
      const additional = child(schema, 'additionalProperties');
      if (additional && allowsAnyValue(files, additional)) {
        const written = additional.value === true ? 'true' : '{}';
        return [{ site: additional, what: `${nearestName(schema.path, 1)} allows additional properties of any kind ('additionalProperties: ${written}')`, anyAdditional: true }];
      }
      return isFreeForm(schema) ? [{ site: schema, what: describe(schema), anyAdditional: false }] : [];
    }, () => false, true);
    const usedBy = new Map<OpenSpot, Operation[]>();
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        if (op.method === 'head' || op.method === 'options') continue;
        const label = operationLabel(op);
        for (const response of successResponses(op)) {
          if (BODILESS_STATUSES.has(response.status)) continue;
          const content = child(response.node, 'content');
          for (const { mediaType, schema } of response.contents) {
            if (!isJsonMediaType(mediaType)) continue;
            const mediaSite = content && child(content, mediaType);
            const media = mediaSite && files.deref(mediaSite);
            if (!schema && mediaSite && media && !hasKey(media, 'schema')) {
              ctx.report({ at: mediaSite, part: 'key', operations: [op],
                message: `The ${response.status} response of ${label} declares ${mediaType} with no schema: nothing says which fields it returns, so over-exposure cannot be reviewed or caught by response validation.` });
            }
            if (!schema) continue;
            if (isEmptySchema(schema)) {
              ctx.report({ at: schema, part: 'key', operations: [op], related: [relatedOperation(op, 'returns it')],
                message: (refs) => `The response schema of ${listOperations(refs)} is empty: any JSON may come back, so over-exposure cannot be reviewed or caught by response validation.` });
            }
            for (const spot of reach.of(schema)) {
              addOperation(usedBy, spot, op);
            }
          }
        }
      }
    }
    for (const [spot, operations] of usedBy) {
      if (refined.has(spot.site.value)) continue;
      // a free-form object gets no fix: which properties it returns is known only to the server
      const fix = () => { const closed = spot.anyAdditional ? closeObjectFix(files, spot.site) : undefined; return closed ? [closed] : []; };
      ctx.report({
        at: spot.site, part: 'key', operations, fixes: fix,
        related: operations.map((op) => relatedOperation(op, 'returns it')),
        message: (refs) => `In the response of ${listOperations(refs)}, ${spot.what}: the API may return any field there, so over-exposure cannot be reviewed or filtered.`,
      });
    }
  },
};

/** Keywords that give a schema a shape: with any of them it is not free-form. */
const SHAPE_KEYWORDS = [
  'properties', 'patternProperties', 'additionalProperties', 'allOf', 'oneOf', 'anyOf', 'enum', 'const', 'items', 'prefixItems',
];
/** Keywords of non-object values: an untyped schema with one of them is a string, number or array. */
const VALUE_KEYWORDS = [
  'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems',
];

/** Statuses whose response has no body by definition. */
const BODILESS_STATUSES = new Set(['204', '205']);

function hasShape(value: Record<string, unknown>): boolean {
  return SHAPE_KEYWORDS.some((key) => {
    const v = value[key];
    return v !== undefined && !(key === 'properties' && isObject(v) && Object.keys(v).length === 0);
  });
}

/**
 * An object schema that lets the server return anything: `type: object` with no properties, no composition and no
 * `additionalProperties` of its own (an explicit `additionalProperties: true` is judged on its own). A bare
 * `{ type: object }` inside `allOf` only adds the type to its siblings, so it is not free-form. Untyped schemas
 * below the body are loose typing, not an open object: they are left to other checks.
 */
function isFreeForm(schema: SpecNode): boolean {
  if (!schemaTypes(schema).includes('object') || hasShape(schema.value as Record<string, unknown>)) return false;
  return keyAbove(schema) !== 'allOf';
}

/** A schema that says nothing at all (`{}`, or only a description): as a whole response body, any JSON goes. */
function isEmptySchema(schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  return schemaTypes(schema).length === 0 && !hasShape(value) && !VALUE_KEYWORDS.some((key) => key in value);
}

/** `additionalProperties: true` or `{}`: any extra property, of any shape. */
function allowsAnyValue(files: FileSet, additional: SpecNode): boolean {
  if (additional.value === true) return true;
  const resolved = isObject(additional.value) ? files.deref(additional) : undefined;
  return resolved !== undefined && isEmptySchema(resolved);
}

/** A schema and the alternatives and items it is made of (`anyOf: [object, array of object]`), refs followed; a bounded few. */
function pieces(files: FileSet, schema: SpecNode): SpecNode[] {
  const found: SpecNode[] = [schema];
  for (let i = 0; i < found.length && found.length < 16; i++) {
    const sites = [child(found[i], 'items'), ...['oneOf', 'anyOf'].flatMap((key) => items(child(found[i], key)))];
    for (const site of sites) {
      const resolved = site && files.deref(site);
      if (resolved && isObject(resolved.value) && !found.some((f) => f.value === resolved.value)) found.push(resolved);
    }
  }
  return found;
}

/** A declaration made only of free-form objects and non-object alternatives (`anyOf: [object, string]`): a placeholder. */
function isPlaceholder(files: FileSet, schema: SpecNode): boolean {
  return pieces(files, schema).every((p) => isFreeForm(p) || (!isObjectSchema(p) && !hasKey(p, 'allOf')));
}

/**
 * `isPlaceholder`, answered once per schema object: envelopes repeat the same few declarations (`result`, `errors`)
 * in thousands of schemas. Whether a piece is free-form depends on where it is written too (an item of an `allOf` is
 * not), so a schema written under `allOf`, or whose own items would be, is judged each time.
 */
function placeholders(files: FileSet): (schema: SpecNode) => boolean {
  const known = new Map<unknown, boolean>();
  return (schema) => {
    if (keyAbove(schema) === 'allOf' || schema.key === 'allOf') return isPlaceholder(files, schema);
    let answer = known.get(schema.value);
    if (answer === undefined) known.set(schema.value, (answer = isPlaceholder(files, schema)));
    return answer;
  };
}

interface OpenSpot {
  /** Where the free-form schema, or its `additionalProperties: true`, is written. */
  site: SpecNode;
  /** What is open, for messages. */
  what: string;
  /** Whether the site is an `additionalProperties: true` or `{}` (rather than a free-form schema). */
  anyAdditional: boolean;
}

/** The nearest name at or above `path[length - depth]`: a property or component name, or the response body. */
function nearestName(path: (string | number)[], depth: number): string {
  for (let i = path.length - depth; i >= 0; i--) {
    const key = path[i];
    if (typeof key === 'number' || COMPOSITIONS.includes(key) || key === 'items' || key === 'additionalProperties') continue;
    return key === 'schema' ? 'the response body' : `'${key}'`;
  }
  return 'the response body';
}

/** Says what is free-form about a schema, by where it is written. */
function describe(schema: SpecNode): string {
  const key = schema.key;
  if (key === 'additionalProperties') return `the additional properties of ${nearestName(schema.path, 2)} are objects with no declared properties`;
  if (key === 'items') return `the items of ${nearestName(schema.path, 2)} are objects with no declared properties`;
  if (typeof key === 'number') return `an alternative of ${nearestName(schema.path, 2)} is an object with no declared properties`;
  return `${nearestName(schema.path, 1)} is an object with no declared properties`;
}

import type { Check, Site } from '../check';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject, items, successResponses, type Operation } from '../../spec/model';
import { isWriteOnly, schemaTypes } from '../../spec/schema';
import { declaredProperties, isContainer, isObjectSchema, onlyTypes, SchemaReach, selectProperties, type Declaration } from '../../spec/schema-graph';
import { isAdminOperation } from '../operation-kinds';
import { addOperation, componentName, enclosingComponent, listOperations, relatedOperation } from '../report';
import { contactDetail, namesParty, sensitiveName } from './knowledge';

export const responseThirdPartyData: Check = {
  meta: {
    id: 'response-third-party-data',
    family: 'data-exposure',
    needs: ['spec'],
    owasp: ['API3:2023'],
    cwe: ['CWE-359', 'CWE-213'],
    severity: 'warning',
    description: 'A response embeds another party (an `author`, `owner`, `creator`, `sender`, `recipient`, `members`, `participants`, `reviewer`, `assignee`, a `created_by`...) with their contact or identity details: an email address, a phone number, a postal address, a date of birth or a precise location. Reported once per embedded schema, at its name, with its details and every operation that returns it.',
    rationale: 'Whoever may read a post, a review or a group may read everything embedded in it: when the embedded person comes with their email, phone or address, every reader (or a scraper walking the ids) collects other users\' contact details, the excessive data exposure behind many scraping incidents. The caller\'s own profile is not reported, nor details another rule already reports (national ids, in response-sensitive-field), administrative operations, or writeOnly properties.',
    fix: 'Embed a public projection of the person (`PublicUser` with an id, a display name and an avatar) instead of the full user schema, and return contact details only from the operations that need them, to the people allowed to see them.',
  },
  run(ctx) {
    const reach = new SchemaReach<Exposure>(ctx.files, (schema) => exposures(ctx.files, schema), isWriteOnly, false);
    // by the person's schema: one schema embedded in several places, with several details, is reported once
    const returnedBy = new Map<object, Operation[]>();
    const found = new Map<object, Exposure[]>();
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        if (isAdminOperation(op)) continue;
        for (const response of successResponses(op)) {
          for (const content of response.contents) {
            if (!content.schema) continue;
            for (const exposure of reach.of(content.schema)) {
              const person = exposure.person.value as object;
              addOperation(returnedBy, person, op);
              const seen = found.get(person) ?? [];
              if (!seen.includes(exposure)) found.set(person, [...seen, exposure]);
            }
          }
        }
      }
    }
    for (const [person, operations] of returnedBy) {
      const list = found.get(person)!;
      const { person: schema, site } = list[0];
      const name = componentName(schema);
      const within = enclosingComponent(site);
      const labels = [...new Set(list.map((e) => e.label))];
      const parties = [...new Set(list.map((e) => `'${e.party}'`))];
      const details = new Map(list.map((e) => [e.detail.site.value, e]));
      const embeddings = new Map(list.map((e) => [e.site.value, e]));
      ctx.report({ ...(name ? personSite(schema) : { at: site, part: 'key' as const }), operations,
        related: [
          ...[...details.values()].map((e) => ({ at: e.detail.site, part: 'key' as const, message: `the ${e.label} of the person` })),
          ...[...embeddings.values()].map((e) => ({ at: e.site, part: 'key' as const, message: `embeds the person as '${e.party}'` })),
          ...operations.map((op) => relatedOperation(op, "returns another person's details")),
        ],
        message: (refs) => `${name ? `Schema '${name}', embedded as ${listWords(parties)},` : `The person embedded as ${listWords(parties)}${within ? ` in schema '${within}'` : ''}`} gives the ${listWords(labels)} of another person to ${listOperations(refs)}: everyone who may read these responses collects other people's contact details.` });
    }
  },
};

/** "a", "a and b", "a, b and c". */
function listWords(list: string[]): string {
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** Where a shared person schema is reported: the key that names it, or its `type` key when a file is that schema. */
function personSite(schema: SpecNode): Site {
  return schema.path.length > 0 ? { at: schema, part: 'key' } : { at: child(schema, 'type') ?? schema, part: 'key' };
}

/** A contact or identity detail of a person embedded in a response schema. */
interface Exposure {
  /** The person's schema, where the finding goes when it is shared. */
  person: SpecNode;
  /** The detail as declared in the person's schema. */
  detail: Declaration;
  name: string;
  label: string;
  /** The property that embeds the person, and its name. */
  site: SpecNode;
  party: string;
}

/** The details of other people that a schema embeds directly: its party properties' contact details. */
function exposures(files: FileSet, schema: SpecNode): Exposure[] {
  const found: Exposure[] = [];
  for (const party of selectProperties(files, schema, (name) => (namesParty(name) ? name : undefined))) {
    if (isWriteOnly(party.schema)) continue;
    for (const person of personSchemas(files, party.schema)) {
      for (const [name, declarations] of declaredProperties(files, person)) {
        const label = contactDetail(name);
        // national ids and the like are response-sensitive-field's, wherever they are returned
        if (!label || sensitiveName(name, []) !== undefined) continue;
        for (const detail of declarations) {
          if (isWriteOnly(detail.schema) || !holdsDetail(files, detail.schema, label)) continue;
          found.push({ person, detail, name, label, site: party.site, party: party.name });
        }
      }
    }
  }
  return found;
}

/**
 * The object schemas of a person: the property's own, or its items' for a list (`members: [User]`), and the object
 * branches of a choice (`owner: anyOf [id, User]`, an expandable reference).
 */
function personSchemas(files: FileSet, schema: SpecNode): SpecNode[] {
  const itemsSite = schemaTypes(schema).includes('array') ? child(schema, 'items') : undefined;
  const person = itemsSite ? files.deref(itemsSite) : schema;
  if (!person || !isObject(person.value)) return [];
  const branches = ['anyOf', 'oneOf'].flatMap((key) => items(child(person, key))).map((b) => files.deref(b));
  return [person, ...branches].filter((s): s is SpecNode => s !== undefined && isObject(s.value) && isObjectSchema(s));
}

/** Whether a detail's schema holds the detail: a value (an address or coordinates may be an object), not a flag. */
function holdsDetail(files: FileSet, schema: SpecNode, label: string): boolean {
  if (onlyTypes(schema, ['boolean'])) return false;
  return label === 'postal address' || label === 'precise location' || !isContainer(files, schema);
}

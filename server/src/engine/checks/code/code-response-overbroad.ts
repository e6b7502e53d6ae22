import type { Check, CheckContext } from '../check';
import type { Route } from '../../code/model';
import { operationLabel } from '../../spec/model';
import { correlation, listedResponse } from '../inventory/knowledge';
import type { Fix } from '../../types';
import { addProperty, appendAfter, replaceExpression } from '../../edit/code';
import { routeOperation } from './knowledge';
import { forFlowRoutes, flowSite, nameList, ownFields, related, sensitiveFields, valuePath, visibleFields } from './flow';
import type { DataAccess, IncludedRelation, ModelField, RecordModel } from '../../code/flow/facts';

export const codeResponseOverbroad: Check = {
  meta: {
    id: 'code-response-overbroad',
    family: 'data-exposure',
    needs: ['code'],
    owasp: ['API3:2023'],
    cwe: ['CWE-213', 'CWE-200'],
    severity: 'error',
    description: 'A handler sends a whole database record whose model holds sensitive fields (password hashes, secrets, tokens, card numbers, IBANs, national ids) to the client: the record, or a query without a projection, reaches the response unnarrowed, or the query includes a relation whole (`include: { owner: true }`, `relations: [\'author\']`, `.populate(\'author\')`) and brings another model\'s records with it. Reported at the value sent, with the query and the fields it exposes.',
    rationale: 'A record read from the database holds every column, including those no client should see. Sending it whole hands a password hash, a reset token or an IBAN to whoever calls the route, and every field added to the model later leaks with it. '
      + 'A projection (`select`, `attributes`, `.select(\'-password\')`), picking or destructuring the fields to return, a DTO or serializer (`@Exclude()`, `toJSON`) or fields the model never reads (`select: false`) make it safe.',
    fix: 'Return only the fields the client needs: select them in the query (`select: { id: true, email: true }`, `.select(\'-passwordHash\')`, `attributes`), map the record to a response object or DTO, or mark the sensitive fields as never read (`select: false`) or excluded when serialized (`@Exclude()`).',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      for (const sink of flow.sinks) {
        if (sink.kind !== 'response') continue;
        for (const origin of sink.origins) {
          if (origin.kind !== 'record') continue;
          const access = flow.accesses[origin.access];
          const model = flow.models[origin.access];
          if (!model) continue;
          const whole = !origin.fields && !model.serializes && !access.projection?.keep;
          const own = whole ? sensitiveFields(visibleFields(model, access), ctx.config.sensitiveFields) : [];
          // a record narrowed by picking (`order.owner.name`) is left to its own fields
          const included = (origin.fields ? [] : access.includes ?? []).flatMap((relation) => {
            const related = relation.model;
            if (!related || related.serializes) return [];
            const fields = related.fields.filter((f) => !f.hidden && (!relation.keep || relation.keep.includes(f.name)) && !relation.drop?.includes(f.name));
            const exposed = sensitiveFields(fields, ctx.config.sensitiveFields);
            return exposed.length > 0 ? [{ relation, related, exposed }] : [];
          });
          if (own.length === 0 && included.length === 0) continue;
          const exposed = [...own.map((e) => ({ ...e, name: e.field.name, model })), ...included.flatMap((i) => i.exposed.map((e) => ({ ...e, name: `${i.relation.field}.${e.field.name}`, model: i.related })))];
          const severity = exposed.some((e) => e.match.severity === 'error') ? 'error' : exposed.some((e) => e.match.severity === 'warning') ? 'warning' : 'info';
          const what = [...(own.length > 0 ? [`whole ${model.name} records`] : []), ...included.map((i) => `whole ${i.related.name} records as \`${i.relation.field}\``)].join(' and ');
          ctx.report({
            ...flowSite(route, sink.at, `response ${sink.text}`), severity, operations: [routeOperation(route)],
            message: `${route.key} sends ${what} to the client: ${valuePath(sink, access)} with ${fieldList(exposed)}.`,
            related: [
              ...(own.length > 0 ? [related(access.calleeAt, `\`${access.label}\` reads whole ${model.name} records without a projection`)] : []),
              ...included.map((i) => related(i.relation.at, `\`${access.label}\` includes whole ${i.related.name} records as \`${i.relation.field}\``)),
              ...exposed.filter((e) => e.field.at).slice(0, 3).map((e) => related(e.field.at!, `${e.model.name}.${e.field.name} holds ${e.match.label}`)),
            ],
            fixes: () => {
              const names = own.map((e) => e.field.name);
              const ownFixes = names.length > 0 ? [...documentedFieldsFixes(ctx, route, access, model, names), ...narrowingFixes(access, model, names)] : [];
              return [...ownFixes, ...included.flatMap((i) => includeFixes(access, i.relation, i.related, i.exposed.map((e) => e.field.name)))];
            },
          });
        }
      }
      // its suggestions read the response a spec documents for the route: with a spec, it runs for every route
    }, ctx.documents.length > 0 ? undefined : '');
  },
};

/** "`passwordHash` (a hash of a password) and `owner.iban` (a bank account number (IBAN))", at most three named. */
function fieldList(exposed: readonly { name: string; match: { label: string } }[]): string {
  const named = exposed.slice(0, 3).map((e) => `\`${e.name}\` (${e.match.label})`);
  const more = exposed.length > 3 ? ` and ${exposed.length - 3} more` : '';
  return named.length > 1 && !more ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : `${named.join(', ')}${more}`;
}

/**
 * Narrows the query to the fields the spec documents for the route's response, when a spec documents the route (the
 * sensitive ones left out even if the schema lists them), in the library's own style.
 */
function documentedFieldsFixes(ctx: CheckContext, route: Route, access: DataAccess, model: RecordModel, sensitive: string[]): Fix[] {
  const pair = correlation(ctx)?.pairs.find((p) => p.route === route);
  const response = pair && listedResponse(ctx.files, pair.operation);
  if (!pair || !response) return [];
  const fields = ownFields(model, model.fields).map((f) => f.name).filter((name) => response.listed.has(name) && !sensitive.includes(name));
  if (fields.length === 0) return [];
  const title = `Return only the fields ${operationLabel(pair.operation)} documents: ${nameList(fields)}`;
  return selectFields(access, fields, title);
}

/** A projection that keeps `fields`, in the library's own style. */
function selectFields(access: DataAccess, fields: string[], title: string): Fix[] {
  const file = access.at.file;
  switch (access.library) {
    case 'mongoose':
      return [{ title, kind: 'suggestion', edits: [appendAfter(file, access.at.range, `.select('${fields.join(' ')}')`)] }];
    case 'sequelize':
      return access.options && !access.options.keys.includes('attributes') ? [{ title, kind: 'suggestion', edits: [addProperty(file, access.options, `attributes: [${fields.map((n) => `'${n}'`).join(', ')}]`)] }] : [];
    case 'prisma': case 'typeorm':
      // Prisma refuses `select` beside `include`
      return access.options && !access.options.keys.includes('select') && !(access.library === 'prisma' && access.options.keys.includes('include')) ? [{ title, kind: 'suggestion', edits: [addProperty(file, access.options, `select: { ${fields.map((f) => `${f}: true`).join(', ')} }`)] }] : [];
    default:
      return [];
  }
}

/** Drops the sensitive fields in the query itself, in the library's own style. */
function narrowingFixes(access: DataAccess, model: RecordModel, sensitive: string[]): Fix[] {
  const file = access.at.file;
  const title = `Leave ${nameList(sensitive)} out of the query's records`;
  const keep = (fields: ModelField[]) => ownFields(model, fields).filter((f) => !sensitive.includes(f.name) && !f.hidden).map((f) => f.name);
  switch (access.library) {
    case 'mongoose':
      return [{ title, kind: 'suggestion', edits: [appendAfter(file, access.at.range, `.select('${sensitive.map((n) => `-${n}`).join(' ')}')`)] }];
    case 'sequelize':
      return access.options ? [{ title, kind: 'suggestion', edits: [addProperty(file, access.options, `attributes: { exclude: [${sensitive.map((n) => `'${n}'`).join(', ')}] }`)] }] : [];
    case 'prisma': case 'typeorm': {
      const fields = keep(model.fields);
      return fields.length > 0 ? selectFields(access, fields, `Select only ${nameList(fields)} in the query`) : [];
    }
    default:
      return [];
  }
}

/** Narrows an included relation asked for with `true` to its related model's other fields: `owner: { select: { id: true } }`. */
function includeFixes(access: DataAccess, relation: IncludedRelation, model: RecordModel, sensitive: string[]): Fix[] {
  if (access.library !== 'prisma' || !relation.plain) return [];
  const fields = ownFields(model, model.fields).filter((f) => !f.hidden && !sensitive.includes(f.name)).map((f) => f.name);
  if (fields.length === 0) return [];
  return [{
    title: `Select only ${nameList(fields)} of \`${relation.field}\``, kind: 'suggestion',
    edits: [replaceExpression(access.at.file, relation.at.range, `{ select: { ${fields.map((f) => `${f}: true`).join(', ')} } }`)],
  }];
}

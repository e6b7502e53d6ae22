import type { Check, CheckContext } from '../check';
import type { Route } from '../../code/model';
import { operationLabel } from '../../spec/model';
import { correlation, listedResponse } from '../inventory/knowledge';
import type { Fix } from '../../types';
import { addProperty, appendAfter } from '../../edit/code';
import { routeOperation } from './knowledge';
import { forFlowRoutes, flowSite, nameList, ownFields, related, sensitiveFields, valuePath, visibleFields } from './flow';
import type { DataAccess, ModelField, RecordModel } from '../../code/flow/facts';

export const codeResponseOverbroad: Check = {
  meta: {
    id: 'code-response-overbroad',
    family: 'data-exposure',
    needs: ['code'],
    owasp: ['API3:2023'],
    cwe: ['CWE-213', 'CWE-200'],
    severity: 'error',
    description: 'A handler sends a whole database record whose model holds sensitive fields (password hashes, secrets, tokens, card numbers, IBANs, national ids) to the client: the record, or a query without a projection, reaches the response unnarrowed. Reported at the value sent, with the query and the fields it exposes.',
    rationale: 'A record read from the database holds every column, including those no client should see. Sending it whole hands a password hash, a reset token or an IBAN to whoever calls the route, and every field added to the model later leaks with it. '
      + 'A projection (`select`, `attributes`, `.select(\'-password\')`), picking or destructuring the fields to return, a DTO or serializer (`@Exclude()`, `toJSON`) or fields the model never reads (`select: false`) make it safe.',
    fix: 'Return only the fields the client needs: select them in the query (`select: { id: true, email: true }`, `.select(\'-passwordHash\')`, `attributes`), map the record to a response object or DTO, or mark the sensitive fields as never read (`select: false`) or excluded when serialized (`@Exclude()`).',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      for (const sink of flow.sinks) {
        if (sink.kind !== 'response') continue;
        for (const origin of sink.origins) {
          if (origin.kind !== 'record' || origin.fields) continue;
          const access = flow.accesses[origin.access];
          const model = flow.models[origin.access];
          if (!model || model.serializes || access.projection?.keep) continue;
          const exposed = sensitiveFields(visibleFields(model, access), ctx.config.sensitiveFields);
          if (exposed.length === 0) continue;
          const names = exposed.map((e) => e.field.name);
          ctx.report({
            ...flowSite(route, sink.at, `response ${sink.text}`), severity: exposed[0].match.severity, operations: [routeOperation(route)],
            message: `${route.key} sends whole ${model.name} records to the client: ${valuePath(sink, access)} with ${fieldList(exposed)}.`,
            related: [
              related(access.calleeAt, `\`${access.label}\` reads whole ${model.name} records without a projection`),
              ...exposed.filter((e) => e.field.at).slice(0, 3).map((e) => related(e.field.at!, `${model.name}.${e.field.name} holds ${e.match.label}`)),
            ],
            fixes: () => [...documentedFieldsFixes(ctx, route, access, model, names), ...narrowingFixes(access, model, names)],
          });
        }
      }
      // its suggestions read the response a spec documents for the route: with a spec, it runs for every route
    }, ctx.documents.length > 0 ? undefined : '');
  },
};

/** "`passwordHash` (a hash of a password) and `iban` (a bank account number (IBAN))", at most three named. */
function fieldList(exposed: readonly { field: ModelField; match: { label: string } }[]): string {
  const named = exposed.slice(0, 3).map((e) => `\`${e.field.name}\` (${e.match.label})`);
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
      return access.options && !access.options.keys.includes('select') ? [{ title, kind: 'suggestion', edits: [addProperty(file, access.options, `select: { ${fields.map((f) => `${f}: true`).join(', ')} }`)] }] : [];
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

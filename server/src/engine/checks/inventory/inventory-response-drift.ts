import type { Check } from '../check';
import { returnedShape } from '../../code/flow/facts';
import { operationLabel } from '../../spec/model';
import { capitalize, componentName } from '../report';
import { routeOperation } from '../code/knowledge';
import { flowSite, nameList } from '../code/flow';
import type { SpecNode } from '../../spec/load';
import { correlation, listedResponse, specName } from './knowledge';

export const inventoryResponseDrift: Check = {
  meta: {
    id: 'inventory-response-drift',
    family: 'inventory',
    needs: ['spec', 'code'],
    owasp: ['API3:2023', 'API9:2023'],
    cwe: ['CWE-213', 'CWE-1059'],
    severity: 'warning',
    description: 'A route returns records whose fields differ from what its operation\'s success response lists: fields the schema does not list (reported at the value sent, where the fix goes) or fields the schema requires that the records lack (reported at the schema\'s `required`, once however many operations share it). Compared only when both sides are known: the code sends the records of one query, whole or projected, whose model is known, and the schema lists its properties closed (no `additionalProperties`, or `false`; no `oneOf`/`anyOf`).',
    rationale: 'Clients, generated SDKs, gateways that validate responses and reviewers of the spec trust the response schema. Fields the code sends beyond it are data nobody reviewed leaving the API (a new column reaches every client the day it is added); required fields the code does not send break the clients that rely on them. '
      + 'A schema that allows more properties (`additionalProperties: true` or a schema), a free-form object or a choice of shapes promises no closed list, and a value built in place in the handler or a record whose model is unknown gives no known shape: neither is compared.',
    fix: 'Narrow what the handler sends to the fields the schema lists (a projection in the query, a mapping to a response object), or document the fields in the schema when they are meant to be returned; send the required fields, or stop requiring them in the schema.',
  },
  run(ctx) {
    const found = correlation(ctx);
    if (!found) return;
    for (const { operation, route, binding } of found.pairs) {
      const shapes = returnedShape(route).filter((shape) => shape.keys);
      if (shapes.length === 0) continue;
      const response = listedResponse(ctx.files, operation);
      if (!response) continue;
      const label = operationLabel(operation);
      const component = componentName(response.schema);
      const schemaName = component ? `the schema \`${component}\`` : 'the response schema';
      for (const shape of shapes) {
        const keys = shape.keys!;
        const sentAt = flowSite(route, shape.at, `response ${shape.text}`);
        if (keys.many !== response.many) continue;
        const model = keys.model ?? 'database';
        const records = keys.many ? `${model} records` : `one ${model} record`;
        const extra = keys.fields.filter((field) => !response.listed.has(field));
        if (extra.length > 0) {
          ctx.report({
            ...sentAt, operations: [routeOperation(route)],
            message: `${route.key} sends ${records} with ${nameList(extra)}, which ${schemaName} of ${label} in ${specName(binding)} does not list: data the spec does not document leaves the API.`,
            related: [{ at: response.schema, part: 'key', message: `${capitalize(schemaName)} lists ${nameList([...response.listed])}` }],
          });
        }
        // one finding per `required` list, at its key: a shared schema is reported once, with every operation using it
        const sent = new Set(keys.fields);
        const missing = new Map<SpecNode, string[]>();
        for (const { name, site } of response.required) if (!sent.has(name)) missing.set(site, [...(missing.get(site) ?? []), name]);
        for (const [site, names] of missing) {
          ctx.report({
            at: site, part: 'key', operations: [operation],
            message: `${capitalize(schemaName)} requires ${nameList(names)}, but the route ${route.key} in ${route.file}, which implements ${label}, sends ${records} without ${names.length > 1 ? 'them' : 'it'}: clients that rely on the schema break.`,
            related: [{ ...sentAt, message: `${route.key} sends ${records} with ${nameList(keys.fields)} through \`${shape.label}\`` }],
          });
        }
      }
    }
  },
};

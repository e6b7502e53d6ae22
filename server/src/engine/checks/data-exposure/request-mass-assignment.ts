import type { Check } from '../check';
import type { Operation } from '../../spec/model';
import { SchemaReach, selectProperties, type PropertySite } from '../../spec/schema-graph';
import { isReadOnly } from '../../spec/schema';
import { addOperation, listOperations, relatedOperation } from '../report';
import { isAdminOperation } from '../operation-kinds';
import { markPropertiesFix } from './fixes';
import { byName, isOperationSubject, issuesCredentials, privilegedName, setsPrivilege, type PrivilegedTerm } from './knowledge';

export const requestMassAssignment: Check = {
  meta: {
    id: 'request-mass-assignment',
    family: 'data-exposure',
    needs: ['spec'],
    owasp: ['API3:2023'],
    cwe: ['CWE-915'],
    severity: 'warning',
    description: 'A request body accepts a property that only the server or an administrator should set: a role, admin flag, permissions or scopes, an owner or creator, a verified flag, a plan or tier, a balance or credits, a paid amount or a numeric price, without `readOnly: true`.',
    rationale: 'Frameworks that bind the request body onto a model (mass assignment) let a client make itself an administrator, verify its own e-mail, take over an object or set its own balance just by adding a field. Operations under an `admin` path segment, operations whose purpose is that very field (`PUT /users/{id}/roles`, `PUT /orgs/{org}/memberships/{user}` with `role`), and token requests choosing their scopes are expected to accept it.',
    fix: 'Remove the property from the request schema (use a separate input schema without it), or mark it `readOnly: true` if it is shared with the response. Set it on a dedicated operation restricted to administrators.',
  },
  run(ctx) {
    const matchName = byName(privilegedName);
    const reach = new SchemaReach<PropertySite<PrivilegedTerm>>(ctx.files, (schema) =>
      selectProperties(ctx.files, schema, matchName).filter((p) => !isReadOnly(p.schema) && setsPrivilege(ctx.files, p.match, p.schema)),
      isReadOnly, false);
    const sentBy = new Map<PropertySite<PrivilegedTerm>, Operation[]>();
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        // administrators' operations and token requests choosing their scopes set these fields on purpose
        if (!op.requestBody || isAdminOperation(op) || issuesCredentials(op)) continue;
        for (const { schema } of op.requestBody.contents) {
          if (!schema) continue;
          for (const property of reach.of(schema)) {
            if (isOperationSubject(property.match, op)) continue;
            addOperation(sentBy, property, op);
          }
        }
      }
    }
    for (const [property, operations] of sentBy) {
      const { name, site, match } = property;
      const fix = markPropertiesFix([{ ...property, direction: 'readOnly' }]);
      ctx.report({
        at: site, part: 'key', operations, fixes: fix ? [fix] : [],
        related: operations.map((op) => relatedOperation(op, `accepts '${name}'`)),
        message: (refs) => `Request property '${name}' lets a client of ${listOperations(refs)} ${match.effect}: mark it readOnly or accept it only on an administrators' operation.`,
      });
    }
  },
};

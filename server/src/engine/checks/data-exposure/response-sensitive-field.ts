import type { Check } from '../check';
import type { Fix } from '../../types';
import type { Operation } from '../../spec/model';
import { SchemaReach, selectProperties, type PropertySite } from '../../spec/schema-graph';
import { isWriteOnly } from '../../spec/schema';
import { addOperation, listOperations, relatedOperation } from '../report';
import { markPropertiesFix, removePropertyFix, supportsWriteOnly } from './fixes';
import { byName, createsObject, holdsSensitiveValue, issuesCredentials, sensitiveName, type SensitiveMatch } from './knowledge';

export const responseSensitiveField: Check = {
  meta: {
    id: 'response-sensitive-field',
    family: 'data-exposure',
    needs: ['spec'],
    owasp: ['API3:2023'],
    cwe: ['CWE-200', 'CWE-213'],
    severity: 'error',
    description: 'A response schema declares a property whose name says it holds a secret or personal data: a password or its hash, a token, API or private key, secret, PIN, card number or security code, SSN, IBAN, or a name listed in `sensitiveFields`.',
    rationale: 'Whatever a response carries reaches every client, proxy, log and cache on the way; a password hash or a token in a user object is the classic excessive data exposure. Names are matched on whole words, so `password_changed_at`, `has_password`, `token_type`, `card_last4` or a commit `sha` are not flagged, and a token or key returned by the login, token or create operation that issues it is expected. Credentials, keys and card data are errors; personal data is a warning.',
    fix: 'Remove the property from the response schema, or mark it `writeOnly: true` when clients only send it. Return a credential only from the operation that creates it, and personal data in masked form (`card_last4`).',
  },
  run(ctx) {
    const matchName = byName((name) => sensitiveName(name, ctx.config.sensitiveFields));
    const reach = new SchemaReach<PropertySite<SensitiveMatch>>(ctx.files, (schema) =>
      selectProperties(ctx.files, schema, matchName)
        .filter((p) => !isWriteOnly(p.schema) && holdsSensitiveValue(ctx.files, p.match, p.schema)),
      isWriteOnly, false);
    // one report per property, with every operation that returns it
    const returnedBy = new Map<PropertySite<SensitiveMatch>, Operation[]>();
    // properties an operation returns by design, and properties clients send: what a fix may not take away
    const issued = new Set<PropertySite<SensitiveMatch>>();
    const sent = new Set<PropertySite<SensitiveMatch>>();
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        const issuing = issuesCredentials(op) || createsObject(op);
        for (const response of op.responses) {
          for (const content of response.contents) {
            if (!content.schema) continue;
            for (const property of reach.of(content.schema)) {
              // the login, token or create operation hands out a new credential once, by design
              if (property.match.kind === 'issued' && issuing) issued.add(property);
              else addOperation(returnedBy, property, op);
            }
          }
        }
        for (const { schema } of op.requestBody?.contents ?? []) {
          if (schema) for (const property of reach.of(schema)) sent.add(property);
        }
      }
    }
    for (const [property, operations] of returnedBy) {
      const { name, site, match } = property;
      ctx.report({
        at: site, part: 'key', severity: match.severity, operations, fixes: () => (issued.has(property) ? [] : fixesFor(property, operations, sent.has(property))),
        related: operations.map((op) => relatedOperation(op, `returns '${name}'`)),
        message: (refs) => `Response property '${name}' holds ${match.label} and is returned by ${listOperations(refs)}: every client, log and cache that sees the response gets it.`,
      });
    }
  },
};

/**
 * A property clients send is marked writeOnly (2.0 has no writeOnly); one they never send is removed: writeOnly
 * would say clients send it, and removing one they send would change the request too. A property that an issuing
 * operation returns by design gets neither: its schema must be split, which no small edit does.
 */
function fixesFor(property: PropertySite<SensitiveMatch>, operations: Operation[], sent: boolean): Fix[] {
  const fix = !sent ? removePropertyFix(property.name, property.site)
    : supportsWriteOnly(operations) ? markPropertiesFix([{ ...property, direction: 'writeOnly' }]) : undefined;
  return fix ? [fix] : [];
}

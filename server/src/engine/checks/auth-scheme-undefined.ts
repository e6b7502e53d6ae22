import type { Check } from './check';
import { entries } from '../openapi/model';
import { requirementEntries, requirementOwner } from './lib/security';

export const authSchemeUndefined: Check = {
  meta: {
    id: 'auth-scheme-undefined',
    family: 'auth',
    owasp: ['API2:2023', 'API8:2023'],
    cwe: ['CWE-287'],
    severity: 'error',
    description: 'A security requirement (at the root or on an operation) names a scheme that `components.securitySchemes` (OpenAPI 2.0: `securityDefinitions`) does not declare.',
    rationale: 'A requirement on an undeclared scheme describes no credential: gateways, generated clients and server stubs cannot enforce or send it, so the operation may end up protected by nothing, and the document no longer says how callers authenticate.',
    fix: 'Declare the scheme under `components.securitySchemes` (2.0: `securityDefinitions`), or correct the name in the requirement to one that is declared.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const declared = new Set(entries(doc.securitySchemesNode).map(([name]) => name));
      const where = doc.version === '2.0' ? 'securityDefinitions' : 'components.securitySchemes';
      for (const entry of requirementEntries(doc)) {
        if (declared.has(entry.name)) continue;
        ctx.report({ at: entry.node, part: 'key', operations: entry.operations,
          message: `Security scheme '${entry.name}' required by ${requirementOwner(entry)} is not declared in ${where}: nothing defines the credential, so tools cannot enforce it.` });
      }
    }
  },
};

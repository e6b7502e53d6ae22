import type { Check } from '../check';
import { items } from '../../spec/model';
import { fixes } from '../../edit/fixes';
import { defineScopeFix, emptyScopesFix } from './fixes';
import { definedScopes, lowerString, requirementEntries, requirementOwner } from './knowledge';

export const authScopesUndefined: Check = {
  meta: {
    id: 'auth-scopes-undefined',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API5:2023', 'API8:2023'],
    cwe: ['CWE-285'],
    severity: 'warning',
    description: 'A security requirement lists an OAuth2 scope that no flow of its scheme defines, or (OpenAPI 2.0 and 3.0) lists scopes for a scheme that is not OAuth2.',
    rationale: 'A scope the scheme never defines is usually a typo or a leftover: no token is ever issued with it, or the gateway checks a different scope than the one documented, and function-level authorization silently differs from what the document promises.',
    fix: "Add the scope to the `scopes` of the scheme's flows (2.0: the scheme's `scopes`), or correct the scope name. For a scheme that is not OAuth2 in OpenAPI 2.0 or 3.0, leave its list empty (`[]`).",
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const entry of requirementEntries(doc)) {
        const scheme = doc.securitySchemes.get(entry.name);
        if (!scheme) continue;
        const type = lowerString(scheme, 'type');
        // openIdConnect scopes live in the provider's discovery document; 3.1 allows role names for other schemes
        if (type === 'openidconnect' || (type !== 'oauth2' && doc.version === '3.1')) continue;
        // an OAuth2 scheme without any scope map is malformed: there is nothing to compare with
        const scopes = type === 'oauth2' ? definedScopes(scheme, doc.version) : undefined;
        if (type === 'oauth2' && !scopes) continue;
        for (const item of items(entry.node)) {
          const scope = String(item.value);
          if (scopes?.has(scope)) continue;
          const message = type === 'oauth2'
            ? `Scope '${scope}' required by ${requirementOwner(entry)} is not defined by any flow of OAuth2 scheme '${entry.name}': no token carries it, so the documented authorization is not the one enforced.`
            : `Scope '${scope}' required by ${requirementOwner(entry)} is listed for '${entry.name}', which is not an OAuth2 scheme: OpenAPI ${doc.version} requires an empty list there, so tools ignore or reject this role.`;
          const fix = () => (type === 'oauth2' ? defineScopeFix(doc, entry.name, scheme, scope, requirementOwner(entry)) : emptyScopesFix(entry.node, entry.name));
          ctx.report({ at: item, part: 'value', operations: entry.operations, message, fixes: () => fixes(fix) });
        }
      }
    }
  },
};

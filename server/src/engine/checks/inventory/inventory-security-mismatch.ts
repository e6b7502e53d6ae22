import type { Check } from '../check';
import { linksOf } from '../../code/part';
import { operationLabel, type Operation } from '../../spec/model';
import { requireSchemeFixes } from '../auth/fixes';
import { routeOperation, routeSite, unseen } from '../code/knowledge';
import { authInCode, correlation, relatedRoute, requirementSite, securitySite, specName } from './knowledge';

export const inventorySecurityMismatch: Check = {
  meta: {
    id: 'inventory-security-mismatch',
    family: 'inventory',
    needs: ['spec', 'code'],
    owasp: ['API2:2023', 'API9:2023'],
    cwe: ['CWE-306', 'CWE-1059'],
    severity: 'error',
    description: 'An operation and the route that implements it disagree on authentication: the spec requires a credential the code does not verify (reported at the route, where the fix goes), the code verifies a credential the spec does not declare (reported at the operation), or both state scopes or roles and they differ (reported at the route).',
    rationale: 'Clients, gateways, scanners and reviewers trust the spec: when it promises authentication the code does not enforce, the endpoint is open while every document says it is closed, and nobody looks. '
      + 'When the code requires a credential the spec does not declare, generated clients send none, gateways do not ask for one and the auth review of the spec misses the endpoint. '
      + 'Where the spec lists OAuth scopes and the code demands scopes, roles or permissions by name (`requiredScopes(\'orders:read\')`, `hasRole(\'admin\')`), the two lists are compared: a scope the spec promises and the code does not check is an error (a token with less privilege gets in), one the code demands and the spec does not declare a warning (clients cannot know to ask for it). '
      + 'A route behind middleware whose effect cannot be seen is reported as info: the check may be there.',
    fix: "Apply the app's auth middleware or guard to the route when the spec is right; declare the operation's `security` (the suggestion writes it, with its 401 and 403 responses) when the code is right.",
  },
  run(ctx) {
    const found = correlation(ctx);
    if (!found) return;
    for (const { operation, route, binding } of found.pairs) {
      const specRequires = !operation.security.anonymous;
      const enforced = authInCode(route);
      const label = operationLabel(operation);
      if (specRequires && !enforced) {
        const hidden = unseen(route);
        ctx.report({
          ...routeSite(route), operations: [routeOperation(route)], severity: hidden ? 'info' : 'error',
          message: `${route.key} implements ${label} of ${specName(binding)}, which requires authentication, but ${hidden ? `nothing in effect for it is known to verify a credential (${hidden})` : 'no middleware, guard or handler check verifies a credential for it'}: the spec promises a protection the code does not give.`,
          related: [{ ...requirementSite(operation), message: `${label} requires ${requirementText(operation)} in ${specName(binding)}` }],
        });
      } else if (specRequires && enforced) {
        const declared = new Set(operation.security.alternatives.flatMap((alt) => alt.schemes.flatMap((scheme) => scheme.scopes)));
        const links = linksOf(route, 'auth').filter((link) => link.grants);
        const demanded = new Set(links.flatMap((link) => link.grants!));
        if (declared.size === 0 || demanded.size === 0) continue;
        const undeclared = [...demanded].filter((grant) => !declared.has(grant));
        const unchecked = [...declared].filter((scope) => !demanded.has(scope));
        if (undeclared.length === 0 && unchecked.length === 0) continue;
        const differences = [
          ...(unchecked.length > 0 ? [`the spec asks for ${quoted(unchecked)}, which the code does not check`] : []),
          ...(undeclared.length > 0 ? [`the code demands ${quoted(undeclared)}, which the spec does not declare`] : []),
        ];
        ctx.report({
          ...routeSite(route), operations: [routeOperation(route)], severity: unchecked.length > 0 ? 'error' : 'warning',
          message: `${route.key} implements ${label} of ${specName(binding)}, but they disagree on what the caller must be granted: ${differences.join(', and ')}.`,
          related: [
            { ...requirementSite(operation), message: `${label} requires ${requirementText(operation)} in ${specName(binding)}` },
            ...links.map((link) => ({ code: { file: link.appliedAt.file, range: link.appliedAt.range, anchor: `${route.key} grants` }, message: `${link.name} demands ${quoted(link.grants!)}` })),
          ],
        });
      } else if (!specRequires && enforced) {
        const link = linksOf(route, 'auth')[0];
        ctx.report({
          ...securitySite(operation), operations: [operation], severity: 'warning',
          message: `${label} declares no required authentication, but its route ${route.key} in ${route.file} verifies a credential (${enforced}): clients and gateways built from the spec send none and reviews of the spec miss it.`,
          related: [
            relatedRoute(route, `${route.key} implements ${label}`),
            { code: { file: link.appliedAt.file, range: link.appliedAt.range, anchor: `${route.key} auth` }, message: `${link.name} verifies the caller of ${route.key}` },
          ],
          fixes: () => requireSchemeFixes(operation),
        });
      }
    }
  },
};

/** The requirement in effect, for messages: `bearerAuth`, `apiKey or oauth2 (read:users)`. */
function requirementText(operation: Operation): string {
  return operation.security.alternatives.map((alt) => alt.schemes.map((s) => (s.scopes.length > 0 ? `${s.name} (${s.scopes.join(', ')})` : s.name)).join(' + ')).join(' or ');
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

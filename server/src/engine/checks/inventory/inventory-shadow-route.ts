import type { Check } from '../check';
import type { Binding } from '../../correlate';
import type { Route } from '../../code/model';
import { routeOperation, routeSite } from '../code/knowledge';
import { child } from '../../spec/model';
import { codeName, correlation, isLeftOutOnPurpose, specName } from './knowledge';
import { addOperationFix } from './fixes';

export const inventoryShadowRoute: Check = {
  meta: {
    id: 'inventory-shadow-route',
    family: 'inventory',
    needs: ['spec', 'code'],
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    severity: 'warning',
    description: 'A route the code serves is missing from the OpenAPI document that describes this code (a shadow API). Reported at the route registration, with a suggestion that adds the operation to the spec: its path, method, path parameters and the security the code enforces.',
    rationale: 'What the spec does not list is not reviewed, tested, monitored, rate-limited at the gateway or retired: forgotten debug, legacy and internal routes are where attackers look first, and the spec is what security review, client generation and gateways trust. '
      + 'Only code paired with a spec is compared (a spec in the same package or at the repository root whose operations the routes implement, or a pair written in `apis`); routes left out on purpose are not shadows: health, readiness and metrics endpoints, API documentation, the root page, well-known files, CORS preflights and routes under `internalPaths`.',
    fix: 'Document the route in the spec (the suggestion writes its operation), or remove the route if nothing should call it. A route kept out of the spec on purpose goes under `internalPaths` in `.api-sentinel.yaml`.',
  },
  run(ctx) {
    const found = correlation(ctx);
    if (!found) return;
    for (const { route, binding } of found.undocumented) {
      if (isLeftOutOnPurpose(route, ctx.config)) continue;
      ctx.report({
        ...routeSite(route), operations: [routeOperation(route)],
        message: shadowMessage(route, binding),
        related: [{ at: child(binding.document.root, 'paths') ?? binding.document.root, part: 'key', message: `${specName(binding)} describes ${codeName(binding)} but not ${route.key}` }],
        fixes: () => addOperationFix(ctx.files, route, binding),
      });
    }
  },
};

function shadowMessage(route: Route, binding: Binding): string {
  return `${route.key} is served by the code but not documented in ${specName(binding)}: a route outside the spec escapes review, testing and the gateway's policies.`;
}

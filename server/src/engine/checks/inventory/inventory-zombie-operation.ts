import type { Check } from '../check';
import type { Binding } from '../../correlate';
import { endpointSegments } from '../../correlate';
import type { Route } from '../../code/model';
import { operationLabel, type Operation } from '../../spec/model';
import { operationSite } from '../report';
import { codeName, correlation, relatedRoute, specName } from './knowledge';
import { removeOperationFix } from './fixes';

export const inventoryZombieOperation: Check = {
  meta: {
    id: 'inventory-zombie-operation',
    family: 'inventory',
    needs: ['spec', 'code'],
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    severity: 'warning',
    description: 'An operation of the OpenAPI document that describes this code is implemented by no route of that code (a zombie operation). Reported at the operation, naming the closest route the code has.',
    rationale: 'A documented operation nothing serves is either gone (clients, gateways and generated SDKs still expose it, and whatever answers that path now, another deployment or a catch-all, is not what the spec promises) or served by code the review cannot see, which then escapes every check. Either way the inventory is wrong. '
      + 'Only code paired with a spec is compared (a spec in the same package or at the repository root whose operations the routes implement, or a pair written in `apis`).',
    fix: 'Remove the operation from the spec (or mark it deprecated while clients move), or restore its route. When another service implements it, pair each spec with its code in `apis` of `.api-sentinel.yaml`.',
  },
  run(ctx) {
    const found = correlation(ctx);
    if (!found) return;
    for (const { operation, binding } of found.unimplemented) {
      // CORS preflights and traces are answered by middleware or the server, not by a route of their own
      if (operation.method === 'options' || operation.method === 'trace') continue;
      const closest = closestRoute(operation, binding);
      const related = closest
        ? relatedRoute(closest, `${closest.key} is the closest route in ${codeName(binding)}`)
        : relatedRoute(binding.routes[0], `${codeName(binding)}, which ${specName(binding)} describes, has no route for ${operationLabel(operation)}`);
      ctx.report({
        ...operationSite(operation), operations: [operation], related: [related],
        message: `${operationLabel(operation)} is documented but no route in ${codeName(binding)} implements it${closest ? ` (the closest is ${closest.key})` : ''}: clients and gateways are promised an operation that is gone or served by code nothing reviews.`,
        fixes: () => removeOperationFix(operation),
      });
    }
  },
};

/**
 * The route of the binding whose path shares the longest beginning with the operation's (the same method first on a
 * tie), if one shares a segment below the base path.
 */
function closestRoute(op: Operation, binding: Binding): Route | undefined {
  const wanted = endpointSegments(`${binding.base}/${op.path}`);
  const base = endpointSegments(binding.base).length;
  let best: { route: Route; shared: number } | undefined;
  for (const route of binding.routes) {
    const have = endpointSegments(route.path);
    let shared = 0;
    while (shared < wanted.length && shared < have.length && have[shared] === wanted[shared]) shared++;
    const sameMethod = route.method === op.method.toUpperCase() ? 0.5 : 0;
    if (shared > base && (!best || shared + sameMethod > best.shared)) best = { route, shared: shared + sameMethod };
  }
  return best?.route;
}

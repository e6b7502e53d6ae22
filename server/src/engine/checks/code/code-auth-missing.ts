import type { Check } from '../check';
import type { Severity } from '../../types';
import { linksOf, routesByFile } from '../../code/part';
import { applyMechanismFixes } from './fixes';
import { anonymousRisk, codeModel, isPublicByNature, mechanismFacts, mechanismRelated, nearestMechanism, routeOperation, routeSite, unseen } from './knowledge';

export const codeAuthMissing: Check = {
  meta: {
    id: 'code-auth-missing',
    family: 'auth',
    needs: ['code'],
    owasp: ['API2:2023', 'API5:2023'],
    cwe: ['CWE-306', 'CWE-862'],
    severity: 'warning',
    description: 'A route in the code answers anonymous callers (no middleware, guard or hook in effect for it, and no check in its own handler, verifies a credential or rejects the caller) while the app authenticates other routes, or while the route changes data, addresses an object by id, belongs to an admin API or serves user data.',
    rationale: 'Auth in code is applied by position: a route registered before `app.use(requireAuth)`, on a router mounted outside the protected prefix, or in a controller without the guard its siblings have is open to anyone, and nothing in the spec or the tests shows it. '
      + 'The route is reported only where the analysis is sure: when the app has an auth mechanism somewhere (the route is then an oversight; an error when it changes data, addresses an object, is administrative or serves user data), or when the route is sensitive in itself (a warning: auth may live in a gateway). '
      + 'Routes public by nature are never asked for auth: login, sign-up, password reset, token refresh, health, API documentation, the root page and the files browsers fetch (`/favicon.ico`), CORS preflights, webhooks (their sender signs them) and `publicPaths`. Middleware whose effect cannot be seen is never assumed absent: a route behind one is reported as info.',
    fix: "Apply the app's auth middleware or guard to the route (register it after `app.use(auth)`, mount its router below the protected prefix, or add the guard to its controller or method). If the route is public on purpose, add its path to `publicPaths` in `.api-sentinel.yaml`, or suppress the finding with the reason.",
  },
  run(ctx) {
    const model = codeModel(ctx);
    if (!model) return;
    for (const app of model.apps) {
      for (const routes of routesByFile(app.routes)) {
        const guard = nearestMechanism(app.auth, routes[0]);
        ctx.aboutRoutes(routes, mechanismFacts(guard), () => routes.forEach((route) => {
          if (linksOf(route, 'auth').length > 0 || isPublicByNature(route, ctx.config)) return;
          const risk = anonymousRisk(route);
          if (!guard && !risk) return;
          const hidden = unseen(route);
          const severity: Severity = hidden ? 'info' : guard && risk ? 'error' : 'warning';
          const text = model.texts.get(route.file);
          const why = risk ? ` although ${risk}` : '';
          const context = hidden
            ? `nothing in effect for it is known to verify a credential (${hidden})`
            : guard
              ? `no middleware, guard or handler check verifies a credential for it, while ${guard.name} protects ${guard.routes.length === 1 ? 'another route' : `${guard.routes.length} other routes`} of this app`
              : 'no middleware, guard or handler check verifies a credential for it, and the app authenticates no route (if a gateway does, suppress this with that reason)';
          ctx.report({
            ...routeSite(route), severity, operations: [routeOperation(route)],
            message: `${route.key} ${hidden ? 'may accept' : 'accepts'} anonymous requests${why}: ${context}.`,
            related: guard ? mechanismRelated(guard, 'protects') : [],
            fixes: () => applyMechanismFixes(route, guard, text, 'auth'),
          });
        }));
      }
    }
  },
};

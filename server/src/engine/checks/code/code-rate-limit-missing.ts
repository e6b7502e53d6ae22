import type { Check } from '../check';
import type { Severity } from '../../types';
import { linksOf, routesByFile } from '../../code/part';
import { codeModel, mechanismFacts, mechanismRelated, nearestMechanism, rateRisk, routeOperation, routeSite, unseen } from './knowledge';
import { applyMechanismFixes, nestThrottleFixes } from './fixes';

export const codeRateLimitMissing: Check = {
  meta: {
    id: 'code-rate-limit-missing',
    family: 'rate-limit',
    needs: ['code'],
    owasp: ['API4:2023', 'API2:2023'],
    cwe: ['CWE-307', 'CWE-770', 'CWE-799'],
    severity: 'warning',
    description: 'A sensitive route in the code has no rate limiter in effect: login, token, one-time code, password-reset and sign-up routes, and costly ones (search, export, uploads, generation, messaging). Each is reported once, at its registration, where the limiter goes.',
    rationale: 'Without a limiter, a client may call a route as fast as the server answers: passwords, one-time codes and reset tokens can be guessed, accounts enumerated and sign-ups spammed, and searches, exports, uploads and generated work exhaust the backend or the bill. '
      + 'Only those routes are reported, so a finding always names a route worth limiting: credential routes as warnings, costly ones as warnings when the app limits other routes (the gap is then an oversight) and as info otherwise (the limit may live in a proxy). '
      + 'A route behind middleware whose effect cannot be seen is reported as info: the limiter may be there.',
    fix: 'Apply a rate limiter to the route, at its registration or on its router (express-rate-limit, rate-limiter-flexible, @fastify/rate-limit with `config.rateLimit`, @nestjs/throttler with `@Throttle`, koa-ratelimit, hono-rate-limiter, @upstash/ratelimit), with a stricter limit per account or client for credential routes. A limiter of your own can be named in `rateLimiters` in `.api-sentinel.yaml`.',
  },
  run(ctx) {
    const model = codeModel(ctx);
    if (!model) return;
    for (const app of model.apps) {
      for (const routes of routesByFile(app.routes)) {
        const limiter = nearestMechanism(app.rateLimits, routes[0]);
        ctx.aboutRoutes(routes, mechanismFacts(limiter), () => routes.forEach((route) => {
          if (linksOf(route, 'rate-limit').length > 0) return;
          const risk = rateRisk(route);
          if (!risk) return;
          const text = model.texts.get(route.file);
          const hidden = unseen(route);
          const severity: Severity = hidden ? 'info' : risk.credentials || limiter ? 'warning' : 'info';
          const context = hidden ? ` (${hidden})` : limiter ? `, although ${limiter.name} limits ${limiter.routes.length === 1 ? 'another route' : `${limiter.routes.length} other routes`} of this app` : '';
          ctx.report({
            ...routeSite(route), severity, operations: [routeOperation(route)],
            message: `${route.key} has no rate limiter in effect${context}, and ${risk.why}: ${risk.harm}.`,
            related: limiter ? mechanismRelated(limiter, 'limits') : [],
            fixes: () => (limiter ? applyMechanismFixes(route, limiter, text, 'rate limit') : nestThrottleFixes(route, text)),
          });
        }));
      }
    }
  },
};

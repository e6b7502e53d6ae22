import type { Check } from '../check';
import { child, entries, stringValue } from '../../spec/model';
import { lowerString, schemeUsers } from './knowledge';

export const authTokenRefreshUndefined: Check = {
  meta: {
    id: 'auth-token-refresh-undefined',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023'],
    cwe: ['CWE-613'],
    severity: 'info',
    description: 'An OAuth2 authorization code or password flow (OpenAPI 3.x) declares no `refreshUrl`.',
    rationale: 'Without a documented way to refresh tokens, clients and servers drift toward long-lived access tokens, and a stolen token then stays valid for hours or days instead of minutes.',
    fix: 'Issue short-lived access tokens with refresh tokens, and declare the endpoint that renews them as the flow\'s `refreshUrl` (often the same as `tokenUrl`).',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      // OpenAPI 2.0 has no refreshUrl to declare
      if (doc.version === '2.0') continue;
      const users = schemeUsers(doc);
      for (const [name, scheme] of doc.securitySchemes) {
        if (lowerString(scheme, 'type') !== 'oauth2') continue;
        for (const [flowName, flow] of entries(child(scheme, 'flows'))) {
          if (!REFRESHABLE_FLOWS.has(flowName) || stringValue(flow, 'refreshUrl')?.trim()) continue;
          ctx.report({ at: flow, part: 'key', operations: users.get(name) ?? [],
            message: `OAuth2 flow '${flowName}' of scheme '${name}' declares no refreshUrl: without documented token refresh, clients tend to rely on long-lived access tokens that stay useful to whoever steals them.` });
        }
      }
    }
  },
};

/**
 * Flows that act for a user and may renew tokens. The implicit flow must not issue refresh tokens (RFC 6749 §4.2.2)
 * and the client credentials flow should not (§4.4.3): both simply request a new token.
 */
const REFRESHABLE_FLOWS = new Set(['authorizationCode', 'password']);

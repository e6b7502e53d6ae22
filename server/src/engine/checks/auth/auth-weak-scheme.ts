import type { Check, Site } from '../check';
import { child, entries } from '../../spec/model';
import type { Fix } from '../../types';
import { fixes } from '../../edit/fixes';
import { authorizationCodeFix, bearerInsteadFix } from './fixes';
import { WEAK_FLOWS, WEAK_HTTP, lowerString, schemeUsers } from './knowledge';

export const authWeakScheme: Check = {
  meta: {
    id: 'auth-weak-scheme',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023'],
    cwe: ['CWE-1390', 'CWE-522'],
    severity: 'warning',
    description: 'A security scheme uses a weak or deprecated mechanism: HTTP Basic, Digest, Negotiate or OAuth 1.0, or the OAuth2 implicit or password flow.',
    rationale: 'These mechanisms expose long-lived credentials (Basic, the password flow), put tokens in URLs (implicit flow), or rest on broken cryptography (Digest, NTLM behind Negotiate, OAuth 1.0 signatures); one leaked request or log line is enough to impersonate the caller.',
    fix: 'Use short-lived bearer tokens obtained through the OAuth2 authorization code flow with PKCE (users) or client credentials (services), or mutual TLS; keep API keys in a header, never in the URL.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const users = schemeUsers(doc);
      for (const [name, scheme] of doc.securitySchemes) {
        const operations = users.get(name) ?? [];
        const report = (site: Site, why: string, fix?: () => Fix | undefined) =>
          ctx.report({ ...site, operations, message: `Security scheme '${name}' is weak: ${why}.`, fixes: fix && (() => fixes(fix)) });
        const type = lowerString(scheme, 'type');
        if (doc.version === '2.0') {
          const weakFlow = type === 'oauth2' ? WEAK_FLOWS.get(lowerString(scheme, 'flow')) : undefined;
          if (type === 'basic') report({ at: child(scheme, 'type')!, part: 'value' }, WEAK_HTTP.get('basic')!);
          else if (weakFlow) report({ at: child(scheme, 'flow')!, part: 'value' }, weakFlow);
        } else if (type === 'http') {
          const why = WEAK_HTTP.get(lowerString(scheme, 'scheme'));
          if (why) report({ at: child(scheme, 'scheme')!, part: 'value' }, why, () => bearerInsteadFix(scheme));
        } else if (type === 'oauth2') {
          const flows = child(scheme, 'flows');
          for (const [flow, node] of entries(flows)) {
            const why = WEAK_FLOWS.get(flow);
            if (why) report({ at: node, part: 'key' }, why, () => authorizationCodeFix(flows!, flow));
          }
        }
      }
    }
  },
};

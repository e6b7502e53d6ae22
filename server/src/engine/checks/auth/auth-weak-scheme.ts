import type { Check, Site } from '../check';
import { child, entries } from '../../spec/model';
import type { Fix } from '../../types';
import { fixes } from '../../edit/fixes';
import { authorizationCodeFix, bearerInsteadFix } from './fixes';
import { lowerString, schemeUsers } from './knowledge';

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

/** Why each weak HTTP authentication scheme (RFC 7235 registry names) is weak. */
const WEAK_HTTP = new Map([
  ['basic', 'HTTP Basic sends a reusable credential, merely base64-encoded, with every request, so any logged, cached or intercepted request exposes it'],
  ['digest', 'HTTP Digest usually relies on MD5, lets an observer crack the password offline and can be downgraded to weaker variants'],
  ['negotiate', 'HTTP Negotiate can fall back to NTLM, which is open to relay and pass-the-hash attacks, and is meant for intranets rather than public APIs'],
  ['oauth', 'OAuth 1.0 is superseded by OAuth 2.0 and signs requests with a long-lived shared secret, commonly with HMAC-SHA1'],
]);

/** Why the weak OAuth2 flows are weak. */
const WEAK_FLOWS = new Map([
  ['implicit', 'the implicit flow returns the access token in the redirect URL, where it leaks through browser history, logs and Referer headers; the OAuth 2.0 Security BCP (RFC 9700) deprecates it in favour of the authorization code flow with PKCE'],
  ['password', "the resource owner password flow hands the user's password to the client application and rules out multi-factor login; the OAuth 2.0 Security BCP (RFC 9700) says it must not be used"],
]);

import type { Check, Site } from '../check';
import type { SpecNode } from '../../spec/load';
import { child } from '../../spec/model';
import { proseOf } from '../../spec/prose';
import { lowerString, schemeUsers } from './knowledge';

export const authJwtPractices: Check = {
  meta: {
    id: 'auth-jwt-practices',
    family: 'auth',
    owasp: ['API2:2023'],
    cwe: ['CWE-347', 'CWE-287'],
    severity: 'info',
    description: 'A JWT bearer scheme (`bearerFormat: JWT`), an OpenID Connect scheme, or an OAuth2 scheme described as issuing JWTs does not say how tokens are validated (RFC 8725).',
    rationale: "JWT handling is where authentication breaks quietly: accepting the 'none' algorithm, confusing RS256 with HS256, or skipping the audience and issuer checks lets an attacker forge or replay tokens. Stating the rules in the document makes them reviewable and testable.",
    fix: "In the scheme's `description`, state the accepted algorithms (never 'none'), that the signature, `aud`, `iss` and `exp` claims are validated, and that token handling follows RFC 8725 (JSON Web Token Best Current Practices).",
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const users = schemeUsers(doc);
      for (const [name, scheme] of doc.securitySchemes) {
        const description = proseOf(scheme, 'description') ?? '';
        if (statesJwtHandling(description)) continue;
        const jwt = jwtScheme(name, scheme, description);
        if (!jwt) continue;
        const { subject, ...site } = jwt;
        ctx.report({ ...site, operations: users.get(name) ?? [],
          message: `${subject} does not document how its tokens are validated: state ${WHAT_TO_DOCUMENT}.` });
      }
    }
  },
};

const RFC_8725 = /rfc\s*-?\s*8725/i;
const NAMES_ALGORITHM = /\b(?:[RPE]S(?:256|384|512)|HS(?:256|384|512)|EdDSA|alg)\b/;
const NAMES_AUDIENCE = /\b(?:aud|audience|iss|issuer)\b/i;
const MENTIONS_JWT = /\bJWTs?\b|JSON Web Tokens?/i;
const WHAT_TO_DOCUMENT = "the accepted signing algorithms (never 'none'), the audience and issuer that are validated, and a reference to RFC 8725";

/** Whether a scheme's description states how its JWTs are validated: cites RFC 8725, or names both the algorithms and the audience/issuer checks. */
function statesJwtHandling(description: string): boolean {
  return RFC_8725.test(description) || (NAMES_ALGORITHM.test(description) && NAMES_AUDIENCE.test(description));
}

/**
 * Where a finding about a whole scheme points: its name key, or, when a `$ref` brings in a whole file as the scheme,
 * its `type` key there.
 */
function schemeSite(scheme: SpecNode): Site {
  if (scheme.path.length > 0) return { at: scheme, part: 'key' };
  return { at: child(scheme, 'type') ?? scheme, part: 'key' };
}

/** Where and how to name a scheme whose tokens are JWTs; undefined for schemes that do not carry JWTs. */
function jwtScheme(name: string, scheme: SpecNode, description: string): (Site & { subject: string }) | undefined {
  const type = lowerString(scheme, 'type');
  if (type === 'http' && lowerString(scheme, 'scheme') === 'bearer' && /\bjwt\b/.test(lowerString(scheme, 'bearerFormat'))) {
    return { at: child(scheme, 'bearerFormat')!, part: 'value', subject: `JWT bearer scheme '${name}'` };
  }
  if (type === 'openidconnect') return { ...schemeSite(scheme), subject: `OpenID Connect scheme '${name}' issues JWT ID tokens but` };
  // OAuth2 access tokens may be opaque: only a scheme described as issuing JWTs has JWT handling to document
  if (type === 'oauth2' && MENTIONS_JWT.test(description)) return { ...schemeSite(scheme), subject: `OAuth2 scheme '${name}' issues JWTs but` };
  return undefined;
}

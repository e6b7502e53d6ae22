import type { Check } from '../check';
import type { SpecNode } from '../../spec/load';
import { child, isObject, items, keyMatching, type ApiDocument } from '../../spec/model';
import { apiSite } from '../api-wide';
import { counted } from '../report';

export const corsOriginUndefined: Check = {
  meta: {
    id: 'cors-origin-undefined',
    family: 'transport',
    needs: ['spec'],
    owasp: ['API8:2023'],
    cwe: ['CWE-942'],
    severity: 'info',
    description: 'No response of the API documents an `Access-Control-Allow-Origin` header and no gateway extension declares a CORS policy (`x-amazon-apigateway-cors`, `x-cors`, Google endpoints `allowCors`...). Reported once per API, at `paths`.',
    rationale: 'The CORS policy decides which web sites may call the API from their visitors\' browsers, and whether those calls carry the visitors\' cookies. Left undocumented, it is whatever the framework or gateway does by default, and reviewers cannot see a policy that reflects any origin with credentials, which lets any site act as a signed-in user. One finding for the API: the policy is one decision, not one per response.',
    fix: 'Document the policy where it is enforced: an `Access-Control-Allow-Origin` header (and `Access-Control-Allow-Credentials` when cookies are sent) on the responses, with the origins allowed in its description, or the gateway\'s CORS extension. An API never called from browsers can say so with a suppression.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      if (doc.operations.length === 0 || documentsCors(doc)) continue;
      ctx.report({ ...apiSite(doc), operations: doc.operations,
        message: `No response of the API (${counted(doc.operations.length, 'operation')}) documents an Access-Control-Allow-Origin header, and no gateway extension declares a CORS policy: which sites may call it from a browser, and with the visitor's cookies, is left to defaults nobody reviewed.` });
    }
  },
};

/** A vendor extension that configures CORS: `x-amazon-apigateway-cors`, `x-cors`, `x-kong-plugin-cors`, ... */
const CORS_EXTENSION = /^x-.*cors/i;

/** Whether the document states a CORS policy: an Access-Control-Allow-Origin response header, or a CORS extension. */
function documentsCors(doc: ApiDocument): boolean {
  if (doc.operations.some((op) => op.responses.some((r) => r.headers.has('access-control-allow-origin')))) return true;
  const owners = [doc.root, child(doc.root, 'info'), ...doc.operations.flatMap((op) => [op.pathItem, op.node])];
  if (owners.some(hasCorsExtension)) return true;
  // Google Cloud Endpoints: `x-google-endpoints: [{ name, allowCors: true }]`
  return items(child(doc.root, 'x-google-endpoints')).some((endpoint) => isObject(endpoint.value) && endpoint.value.allowCors === true);
}

function hasCorsExtension(owner: SpecNode | undefined): boolean {
  return keyMatching(owner, CORS_EXTENSION) !== undefined;
}

import type { Check, Site } from '../check';
import type { OperationRef } from '../../types';
import { child } from '../../spec/model';
import { bodyFields } from '../../spec/inputs';
import { listOperations, usage } from '../report';
import { reportEachOperation } from '../each-operation';
import { urlUse, type UrlUse } from './knowledge';

export const ssrfUrlParameter: Check = {
  meta: {
    id: 'ssrf-url-parameter',
    family: 'input-validation',
    needs: ['spec'],
    owasp: ['API7:2023'],
    cwe: ['CWE-918', 'CWE-601'],
    severity: 'info',
    description: 'A request parameter or body property takes a URL: named as one (`url`, `uri`, `href`, `link`, `callback`, `webhook`, `redirect_uri`, `return_to`, `image_url`, `avatar_url`...), declared as one (`format: uri` or `url`), illustrated as one (an http(s) example), or named like a redirect target (`next`, `continue`) in a sign-in flow; unless an enum, a const or a pattern pins the host.',
    rationale: 'A server that fetches or calls a URL its client chose (webhooks, callbacks, link previews, imports, image downloads) can be made to request its internal network, cloud metadata endpoints or other private services: server-side request forgery. A URL users are redirected to after sign-in or payment makes the API an open redirect that phishing pages and token thieves use. '
      + 'The description is where reviewers see which inputs are URLs; readOnly properties, response schemas, examples and extensions are not inputs and are not reported.',
    fix: 'On the server, accept only the schemes and hosts the feature needs (an allow-list), resolve the host and refuse private, loopback and link-local addresses, do not follow redirects, and send only relative paths or registered URLs for redirects. In the description, state the restriction: an `enum` of registered URLs or a `pattern` that pins the host (`^https://hooks\\.example\\.com/`).',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportEachOperation(ctx, doc, (op, report) => {
        for (const param of op.parameters) {
          const place = PLACES[param.in];
          const use = place ? urlUse(ctx.files, op, param.name, param.schema, param.node) : undefined;
          if (!use) continue;
          // the node of the name only for the few parameters reported: every parameter is read again after an edit
          const name = child(param.node, 'name');
          if (!name) continue;
          const site: Site = { at: name, part: 'value' };
          report({ ...site, operations: [op], related: usage(op, site, `takes this ${param.in} parameter`),
            message: message(`${place} '${param.name}'`, use) });
        }
        for (const field of bodyFields(ctx.files, op, true, () => true)) {
          const use = urlUse(ctx.files, op, field.name, field.schema);
          if (!use) continue;
          const place = field.kind === 'form' ? 'Form parameter' : 'Request body property';
          report({ ...field.site, operations: [op], related: usage(op, field.site, 'sends this field'),
            message: message(`${place} '${field.name}'`, use) });
        }
      });
    }
  },
};

const PLACES: Record<string, string> = { query: 'Query parameter', path: 'Path parameter', header: 'Header', cookie: 'Cookie' };

const RISKS: Record<UrlUse, string> = {
  callback: 'is a URL the server will call: unless it allows only expected hosts and refuses private addresses, a client can make the server send requests into its own network (server-side request forgery)',
  redirect: 'is a URL users are sent to: unless it is checked against registered URLs, the API redirects users to any site a link chooses (an open redirect that phishing and token theft use)',
  fetch: 'takes a URL: if the server fetches it (a preview, an import, a download), a client can make it request internal services or cloud metadata (server-side request forgery) unless hosts, schemes and redirects are restricted',
};

function message(subject: string, use: UrlUse): (ops: OperationRef[]) => string {
  return (ops) => `${subject} of ${listOperations(ops)} ${RISKS[use]}.`;
}

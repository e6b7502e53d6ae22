import type { Check } from '../check';
import { operationLabel } from '../../spec/model';
import { componentName, sharedBy, usage } from '../report';
import { RETRY_HEADERS } from './knowledge';
import { retryAfterFixes } from './fixes';

export const rateLimit429RetryAfter: Check = {
  meta: {
    id: 'rate-limit-429-retry-after',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770'],
    severity: 'info',
    description: 'A 429 (Too Many Requests) response does not document a `Retry-After` header (or `RateLimit`, `RateLimit-Reset`, `X-RateLimit-Reset`) that tells the client when to retry.',
    rationale: 'A throttled client that is not told when to come back retries at once, or guesses; many clients retrying in a tight loop turn a rate limit into a retry storm that keeps the API overloaded. '
      + 'A shared 429 response in `components.responses` is reported once, at the component, with every operation that uses it.',
    fix: 'Add a `Retry-After` header (seconds or an HTTP date) to the 429 response, preferably a shared one in `components.responses` that every operation references; the IETF `RateLimit` header or `X-RateLimit-Reset` also tell the client when to retry.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        for (const response of op.responses) {
          if (response.status !== '429' || [...response.headers.keys()].some((h) => RETRY_HEADERS.has(h))) continue;
          // a referenced response is fixed where it is written, once for every operation that uses it
          const referenced = response.node.value !== response.site.value;
          const site = { at: referenced ? response.node : response.site, part: 'key' as const };
          const name = componentName(response.node);
          ctx.report({
            ...site, operations: [op], related: usage(op, site, 'uses this 429 response'), fixes: () => retryAfterFixes(doc, response.node),
            message: referenced
              ? (ops) => `The shared 429 response${name ? ` '${name}'` : ''}${sharedBy(ops.length)} has no Retry-After header: throttled clients cannot tell when to retry and tend to retry at once, prolonging the overload.`
              : `The 429 response of ${operationLabel(op)} has no Retry-After header: throttled clients cannot tell when to retry and tend to retry at once, prolonging the overload.`,
          });
        }
      }
    }
  },
};

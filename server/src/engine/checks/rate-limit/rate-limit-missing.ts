import type { Check } from '../check';
import { child, operationLabel, type Operation } from '../../spec/model';
import { isAuthEndpoint } from '../operation-kinds';
import { operationSite } from '../report';
import { apiSite } from '../api-wide';
import { documentsRateLimit, isSearchOperation, rateLimitExtension } from './knowledge';
import { tooManyRequestsFixes } from './fixes';

export const rateLimitMissing: Check = {
  meta: {
    id: 'rate-limit-missing',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-307', 'CWE-799'],
    severity: 'info',
    description: 'Operations document no rate limit: no 429 response, no rate-limit headers (X-RateLimit-*, RateLimit-*, Retry-After) and no rate-limit extension; login, token, OTP, password-reset, registration and search operations are reported one by one.',
    rationale: 'Without a rate limit anyone can call an endpoint as fast as the server answers: login, OTP and password-reset endpoints can be brute-forced, search endpoints scraped, and any endpoint used to exhaust the backend. '
      + 'Those sensitive operations are reported one by one as warnings; the rest of an API without any rate-limit documentation is reported once, at `paths`, listing every operation, '
      + 'because large real APIs (GitHub: 3 of 874 operations document a limit, Stripe: 0 of 468, Cloudflare: 1 of 1,258) would otherwise drown in identical findings. '
      + 'When the API documents a global policy (a root or `info` extension such as `x-rate-limit`, or rate-limit documentation on at least half of its operations) only authentication endpoints without a limit of their own are reported: an API-wide quota does not stop password guessing, which needs a stricter per-account or per-client limit.',
    fix: 'Document the limit: add a 429 response (ideally a shared one in `components.responses` with a `Retry-After` header) and `RateLimit`/`X-RateLimit-*` headers on success responses, or declare the policy with an extension such as `x-rate-limit` at the root. Authentication endpoints need a stricter limit of their own.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const undocumented = doc.operations.filter((op) => !documentsRateLimit(op));
      if (undocumented.length === 0) continue;
      const declared = rateLimitExtension(doc.root) ?? rateLimitExtension(child(doc.root, 'info'));
      const documentedCount = doc.operations.length - undocumented.length;
      const hasPolicy = declared !== undefined || documentedCount * 2 >= doc.operations.length;
      const listed: Operation[] = [];
      for (const op of undocumented) {
        const label = operationLabel(op);
        if (isAuthEndpoint(op)) {
          const message = hasPolicy
            ? `${label} is an authentication endpoint without a rate limit of its own (${HOW}): the API-wide limit does not stop attackers from guessing passwords, codes or tokens.`
            : `${label} is an authentication endpoint with no documented rate limit (${HOW}): attackers can guess passwords, codes or tokens as fast as the server answers.`;
          ctx.report({ ...operationSite(op), severity: 'warning', operations: [op], message, fixes: () => tooManyRequestsFixes(ctx.files, op) });
        } else if (hasPolicy) {
          continue;
        } else if (isSearchOperation(op)) {
          ctx.report({ ...operationSite(op), severity: 'warning', operations: [op], fixes: () => tooManyRequestsFixes(ctx.files, op),
            message: `${label} runs searches and documents no rate limit (${HOW}): unthrottled clients can scrape the data set or exhaust the backend with costly queries.` });
        } else {
          listed.push(op);
        }
      }
      if (listed.length === 0) continue;
      const separate = undocumented.length - listed.length;
      // no fix beyond suppression: a 429 on every listed operation would state a policy only the author knows
      const others = separate > 0 ? ` (${separate} of them, authentication or search endpoints, reported separately)` : '';
      ctx.report({ ...apiSite(doc), severity: 'info', operations: listed,
        message: `${undocumented.length} of ${doc.operations.length} operations document no rate limit (${HOW}) and the API declares no global policy: clients cannot tell how fast they may call, and nothing shows the API is protected from exhaustion${others}.` });
    }
  },
};

const HOW = 'no 429 response, no rate-limit headers, no x-rate-limit extension';

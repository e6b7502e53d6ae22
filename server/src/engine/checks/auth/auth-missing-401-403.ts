import type { Check } from '../check';
import { operationLabel } from '../../spec/model';
import { operationSite } from '../report';
import { isPublicByIntent, requiresAuth } from '../operation-kinds';
import { authResponsesFix } from './fixes';
import { documentsAuthFailure } from './knowledge';

export const authMissing401403: Check = {
  meta: {
    id: 'auth-missing-401-403',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API8:2023'],
    cwe: ['CWE-1059'],
    severity: 'info',
    description: 'An operation that requires authentication documents neither a 401 nor a 403 response (nor a `4XX` range).',
    rationale: 'Without documented 401 and 403 responses, clients cannot tell a missing or expired credential from a lack of permission, generated clients and contract tests never exercise the rejection path, and reviewers cannot see that the operation refuses unauthenticated callers.',
    fix: 'Add `401` (missing or invalid credential) and `403` (authenticated but not allowed) responses, for example as shared `components.responses` referenced from each operation.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        if (!requiresAuth(op) || isPublicByIntent(op, ctx.config)) continue;
        if (documentsAuthFailure(op)) continue;
        const site = op.responsesNode ? { at: op.responsesNode, part: 'key' as const } : operationSite(op);
        ctx.report({ ...site, operations: [op], fixes: () => { const fix = authResponsesFix(op); return fix ? [fix] : []; },
          message: `${operationLabel(op)} requires authentication but documents neither a 401 nor a 403 response: clients cannot tell a rejected credential from a missing permission.` });
      }
    }
  },
};

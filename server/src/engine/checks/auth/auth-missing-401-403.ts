import type { Check } from '../check';
import { operationLabel } from '../../spec/model';
import { capitalize, operationSite } from '../report';
import { apiSite, howManyLack, lackedByWholeApi } from '../api-wide';
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
    rationale: 'Without documented 401 and 403 responses, clients cannot tell a missing or expired credential from a lack of permission, generated clients and contract tests never exercise the rejection path, and reviewers cannot see that the operation refuses unauthenticated callers. '
      + 'When no protected operation of the API documents them, or most do not (at least ten), that is reported once, at `paths`, with every operation concerned and one fix for all of them; otherwise each operation that does not is reported on its own.',
    fix: 'Add `401` (missing or invalid credential) and `403` (authenticated but not allowed) responses, for example as shared `components.responses` referenced from each operation.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const protectedOps = doc.operations.filter((op) => requiresAuth(op) && !isPublicByIntent(op, ctx.config));
      const lacking = protectedOps.filter((op) => !documentsAuthFailure(op));
      if (lackedByWholeApi(protectedOps, lacking)) {
        ctx.report({ ...apiSite(doc), operations: lacking, fixes: () => { const fix = authResponsesFix(lacking); return fix ? [fix] : []; },
          message: `${capitalize(howManyLack(protectedOps, lacking, 'that require authentication', 'documents a 401 or a 403 response', 'document neither a 401 nor a 403 response'))}: clients cannot tell a rejected credential from a missing permission.` });
        continue;
      }
      for (const op of lacking) {
        const site = op.responsesNode ? { at: op.responsesNode, part: 'key' as const } : operationSite(op);
        ctx.report({ ...site, operations: [op], fixes: () => { const fix = authResponsesFix([op]); return fix ? [fix] : []; },
          message: `${operationLabel(op)} requires authentication but documents neither a 401 nor a 403 response: clients cannot tell a rejected credential from a missing permission.` });
      }
    }
  },
};

import type { Check } from '../check';
import type { Fix } from '../../types';
import { operationLabel, type ApiDocument, type Operation } from '../../spec/model';
import { attempt } from '../../edit/fixes';
import { insertMissing } from '../../edit/edits';
import { planResponses, writeIntoOperation, type ResponseKind } from '../../edit/responses';
import { squash } from '../words';
import { isPreflightOrTrace } from '../operation-kinds';
import { capitalize, operationSite } from '../report';
import { apiSite, howManyLack, lackedByWholeApi } from '../api-wide';

export const errorResponsesUndefined: Check = {
  meta: {
    id: 'error-responses-undefined',
    family: 'input-validation',
    needs: ['spec'],
    owasp: ['API8:2023'],
    cwe: ['CWE-209', 'CWE-1059'],
    severity: 'info',
    description: 'An operation that takes input (parameters or a body) documents no response for invalid input (400, 422 or a `4XX` range), or an operation documents no server error (a `5XX` status or range); `default` answers for both, and a 404 for an operation whose only input is its path.',
    rationale: 'Undocumented errors are where implementations fall back on framework defaults: stack traces, SQL messages and internal names leak to clients, and a validation failure cannot be told from a crash. Clients, gateways and contract tests built from the description never exercise the rejection path. '
      + 'When no operation of the API documents one kind of error, or most do not (at least ten), that is reported once, at `paths`, with every operation concerned and one fix for all; otherwise each operation that does not is reported on its own.',
    fix: 'Document a `400` (or `422`) response for invalid input and a `5XX` (OpenAPI 2.0: `500`) or `default` response for server errors, each with an error schema that says what clients get (for example RFC 9457 problem details), preferably as shared `components.responses` referenced from every operation.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const concerned = doc.operations.filter((op) => !isPreflightOrTrace(op));
      const taking = concerned.filter(takesInput);
      const invalid = taking.filter((op) => !documentsInvalidInput(op));
      const failing = concerned.filter((op) => !documentsServerError(op));
      const whole: Lacks = { invalid: lackedByWholeApi(taking, invalid), server: lackedByWholeApi(concerned, failing) };
      const invalidSet = new Set(invalid);
      const failingSet = new Set(failing);
      // what the API-wide finding says, and what is left to say per operation
      const apiWide = (op: Operation): Lacks => ({ invalid: whole.invalid && invalidSet.has(op), server: whole.server && failingSet.has(op) });
      if (whole.invalid || whole.server) {
        const operations = concerned.filter((op) => apiWide(op).invalid || apiWide(op).server);
        ctx.report({ ...apiSite(doc), operations, fixes: () => errorResponsesFix(doc, operations, apiWide),
          message: wholeApiMessage(whole, taking, invalid, concerned, failing) });
      }
      for (const op of concerned) {
        const lacks = { invalid: !whole.invalid && invalidSet.has(op), server: !whole.server && failingSet.has(op) };
        if (!lacks.invalid && !lacks.server) continue;
        // at the method key, which another fix writing the first responses of the operation does not move
        ctx.report({ ...operationSite(op), operations: [op], fixes: () => errorResponsesFix(doc, [op], () => lacks),
          message: `${operationLabel(op)} ${describeLack(lacks)}: ${WHY}` });
      }
    }
  },
};

/** Which kinds of error are undocumented: responses to invalid input, server errors. */
interface Lacks { invalid: boolean; server: boolean }

const WHY = 'clients cannot tell a rejected request from a failure, and undocumented errors tend to be framework defaults that leak stack traces and internals.';

function describeLack(lacks: Lacks): string {
  if (lacks.invalid && lacks.server) return 'takes input but documents neither a response for invalid input (400, 422 or 4XX) nor a server error (5XX or default)';
  return lacks.invalid ? 'takes input but documents no response for invalid input (400, 422, 4XX or default)'
    : 'documents no server error response (5XX or default)';
}

/** The message of the API-wide finding: which kinds of error the operations concerned leave undocumented. */
function wholeApiMessage(whole: Lacks, taking: Operation[], invalid: Operation[], concerned: Operation[], failing: Operation[]): string {
  const parts = [
    ...(whole.invalid ? [howManyLack(taking, invalid, 'that take input', `documents a response for invalid input (${INVALID_STATUSES})`, `document no response for invalid input (${INVALID_STATUSES})`)] : []),
    ...(whole.server ? [howManyLack(concerned, failing, 'of the API', `documents a server error (${SERVER_STATUSES})`, `document no server error (${SERVER_STATUSES})`)] : []),
  ];
  return `${capitalize(parts.join(', and '))}: ${WHY}`;
}

const INVALID_STATUSES = '400, 422, 4XX or default';
const SERVER_STATUSES = '5XX or default';

/** Whether an operation reads anything from the client: a parameter or a request body. */
function takesInput(op: Operation): boolean {
  return op.parameters.length > 0 || op.requestBody !== undefined;
}

/**
 * Whether an operation documents how it rejects invalid input: a 400, 422 or `4XX` response, `default`, or, when its
 * only input is its path, a 404 (a malformed id names no object).
 */
function documentsInvalidInput(op: Operation): boolean {
  if (op.responses.some((r) => /^(?:400|422|4xx|default)$/i.test(r.status))) return true;
  const onlyPath = op.requestBody === undefined && op.parameters.every((p) => p.in === 'path');
  return onlyPath && op.responses.some((r) => r.status === '404');
}

/** Whether an operation documents a server error: a 5xx status, a `5XX` range, or `default`. */
function documentsServerError(op: Operation): boolean {
  return op.responses.some((r) => /^(?:5\d\d|5xx|default)$/i.test(r.status));
}

const INVALID_INPUT: ResponseKind = {
  status: '400', component: 'BadRequest', meaning: 'The request is invalid: malformed, or with values the API does not accept',
  meantFor: (name) => /badrequest|invalidrequest|validationerror|validationfailed|unprocessable|^error400$|^400$/.test(squash(name)),
};

/** A server error response: a `5XX` range in OpenAPI 3 (2.0 has no ranges: `500`). */
function serverError(doc: ApiDocument): ResponseKind {
  return {
    status: doc.version === '2.0' ? '500' : '5XX', component: 'ServerError', meaning: 'The server failed to handle the request',
    meantFor: (name) => /servererror|internalerror|unexpectederror|^error5(?:00|xx)$|^5(?:00|xx)$/.test(squash(name)),
  };
}

/**
 * Documents the error responses operations lack: a `400` and a server error (`5XX`, 2.0 `500`), as `$ref`s to the
 * document's own when it has them, as new shared `BadRequest` and `ServerError` responses for several operations,
 * inline for one. Safe: documentation changes no behaviour.
 */
function errorResponsesFix(doc: ApiDocument, operations: readonly Operation[], lacks: (op: Operation) => Lacks): Fix[] {
  const fix = attempt(() => {
    const server = serverError(doc);
    const plan = planResponses(doc, operations, (op) => {
      const { invalid, server: failing } = lacks(op);
      return [...(invalid ? [INVALID_INPUT] : []), ...(failing ? [server] : [])];
    });
    const edits = operations.flatMap((op) => writeIntoOperation(op, {}, plan.responses.get(op)));
    edits.push(...insertMissing(doc.file, doc.root.value as object, plan.shared));
    const to = operations.length > 1 ? ` to the ${operations.length} operations` : '';
    return { title: `Add ${plan.statuses.join(' and ')} response${plan.statuses.length > 1 ? 's' : ''}${to}`, kind: 'safe', edits };
  });
  return fix ? [fix] : [];
}

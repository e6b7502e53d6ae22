import type { Check } from '../check';
import type { OperationRef } from '../../types';
import { child, pathParameters, type Operation } from '../../spec/model';
import { bodyFields } from '../../spec/inputs';
import { requiresAuth, isAdminOperation } from '../operation-kinds';
import { words } from '../words';
import { listOperations, usage } from '../report';
import { callerNoun } from './knowledge';

export const bolaCallerIdInRequest: Check = {
  meta: {
    id: 'bola-caller-id-in-request',
    family: 'bola',
    owasp: ['API1:2023'],
    cwe: ['CWE-639'],
    severity: 'warning',
    description: "An authenticated operation takes the caller's identity from the request: a `userId`, `ownerId`, `accountId`, `customerId`, `memberId` or `tenantId` in a query parameter, header, cookie or request body.",
    rationale: 'The credential already says who the caller is. When the server also trusts an id the client sends, a caller changes that id to act as, or read the data of, another user or tenant: broken object level authorization with a valid token.',
    fix: "Derive the caller's identity from the authenticated credential (token subject, session) on the server and drop the field from the request. If the field names another user on purpose, rename it after its role (`assigneeId`) and check on the server that the caller may act on that user.",
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        if (!requiresAuth(op) || isAdminOperation(op)) continue;
        const callerId = (name: string) => {
          const noun = callerNoun(name);
          return noun !== undefined && !addressedByPath(op, noun);
        };
        for (const param of op.parameters) {
          const place = PLACES[param.in];
          const nameNode = child(param.node, 'name');
          if (!place || !nameNode || !callerId(param.name)) continue;
          const site = { at: nameNode, part: 'value' as const };
          ctx.report({ ...site, operations: [op], related: usage(op, site, `takes this ${place}`),
            message: message(place, param.name) });
        }
        for (const field of bodyFields(ctx.files, op, false, callerId)) {
          const place = field.kind === 'form' ? 'form parameter' : 'request body property';
          ctx.report({ ...field.site, operations: [op], related: usage(op, field.site, 'sends this field'),
            message: message(place, field.name) });
        }
      }
    }
  },
};

const PLACES: Record<string, string> = { query: 'query parameter', header: 'header', cookie: 'cookie' };

/**
 * Whether the noun names the objects the path addresses rather than the caller: `GET /users?userId=` filters users,
 * `PUT /accounts/{accountId}` with an `accountId` body field repeats the path.
 */
function addressedByPath(op: Operation, noun: string): boolean {
  const segmentWords = op.path.split('/').filter((s) => !s.includes('{')).flatMap(words);
  if (segmentWords.some((w) => w === noun || w === `${noun}s`)) return true;
  return pathParameters(op.path).some((p) => words(p)[0] === noun);
}

function message(place: string, name: string): (ops: OperationRef[]) => string {
  const noun = callerNoun(name)!;
  const article = /^[aeiou]/.test(noun) ? 'an' : 'a';
  return (ops) => `${listOperations(ops)} ${ops.length > 1 ? 'take' : 'takes'} ${article} ${noun} id from the client in ${place} '${name}' although the credential already identifies the caller: unless the server checks it against the credential, changing it reaches another ${noun}'s data.`;
}

import type { Check, Report } from '../check';
import type { OperationRef } from '../../types';
import { child, operationLabel, pathParameters, WRITE_METHODS, type Operation, type Parameter } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { bodyFields } from '../../spec/inputs';
import { requiresAuth, isAdminOperation, isAuthEndpoint } from '../operation-kinds';
import { singular, words } from '../words';
import { listOperations, usage } from '../report';
import { reportEachOperation } from '../each-operation';
import { callerNoun, identityName, PEOPLE_NOUNS, type Identity } from './knowledge';

export const bolaCallerIdInRequest: Check = {
  meta: {
    id: 'bola-caller-id-in-request',
    family: 'bola',
    needs: ['spec'],
    owasp: ['API1:2023'],
    cwe: ['CWE-639'],
    severity: 'warning',
    description: "An authenticated operation takes the caller's identity from the request: a `userId`, `ownerId`, `accountId`, `customerId`, `memberId` or `tenantId` in a query parameter, header, cookie or request body, or a username, login, handle, email address or account number that selects whose data is acted on, in a query parameter, header, cookie or the path. A password, email or profile change addressed to such a path parameter (`PUT /users/{username}/password`) is an error.",
    rationale: 'The credential already says who the caller is. When the server also trusts an id or a username the client sends, a caller changes it to act as, or read the data of, another user or tenant: broken object level authorization with a valid token. Changing another user\'s password or email this way takes over their account. '
      + 'Operations that list or search the users themselves (`GET /users?email=`), reading a user\'s own page (`GET /users/{username}`), sign-in endpoints and administrative operations are expected to name users.',
    fix: "Derive the caller's identity from the authenticated credential (token subject, session) on the server and drop the field from the request (`PUT /me/password` rather than `PUT /users/{username}/password`). If the field names another user on purpose, rename it after its role (`assigneeId`) and check on the server that the caller may act on that user.",
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportEachOperation(ctx, doc, (op, report) => {
        if (!requiresAuth(op) || isAdminOperation(op)) return;
        const callerId = (name: string) => {
          const noun = callerNoun(name);
          return noun !== undefined && !addressedByPath(op, noun);
        };
        for (const param of op.parameters) {
          const nameNode = child(param.node, 'name');
          if (!nameNode) continue;
          const site = { at: nameNode, part: 'value' as const };
          if (param.in === 'path') {
            const change = identityInPath(op, param);
            if (change) report({ ...site, ...change, operations: [op], related: usage(op, site, 'takes this path parameter') });
            continue;
          }
          const place = PLACES[param.in];
          if (!place) continue;
          const byId = callerId(param.name);
          const identity = byId ? undefined : callerIdentity(op, param);
          if (!byId && !identity) continue;
          report({ ...site, operations: [op], related: usage(op, site, `takes this ${place}`),
            message: message(place, param.name, identity) });
        }
        for (const field of bodyFields(ctx.files, op, false, callerId)) {
          const place = field.kind === 'form' ? 'form parameter' : 'request body property';
          report({ ...field.site, operations: [op], related: usage(op, field.site, 'sends this field'),
            message: message(place, field.name) });
        }
      });
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

/** What a caller's identity taken from the request is called: "a user id", "an account id", "a username". */
function whatIs(name: string, identity?: string): string {
  const what = identity ?? `${callerNoun(name)!} id`;
  // "an account id", "an email address", but "a user id", "a username"
  return `${/^(?:[aeio]|u(?!s))/.test(what) ? 'an' : 'a'} ${what}`;
}

function message(place: string, name: string, identity?: Identity): (ops: OperationRef[]) => string {
  const owner = identity?.noun ?? callerNoun(name)!;
  return (ops) => `${listOperations(ops)} ${ops.length > 1 ? 'take' : 'takes'} ${whatIs(name, identity?.label)} from the client in ${place} '${name}' although the credential already identifies the caller: unless the server checks it against the credential, changing it reaches another ${owner}'s data.`;
}

/**
 * The identity a query parameter, header or cookie takes from the client (a username, email address or account
 * number), unless the operation lists or searches those users or accounts themselves, or signs users in.
 */
function callerIdentity(op: Operation, param: Parameter): Identity | undefined {
  const identity = identityName(param.name);
  if (!identity || !takesText(param) || isAuthEndpoint(op) || listsPeople(op)) return undefined;
  return identity;
}

/** Path words that name what a change of a user's own settings changes. */
const ACCOUNT_SETTINGS = new Set(['password', 'passwords', 'passcode', 'email', 'emails', 'profile', 'phone', 'mfa']);

/**
 * What an operation does to the user a path parameter names by a username, email address or account number: an
 * error when it changes their password, email or profile (a write on the user, or on a setting below it), a warning
 * when it reads or changes data below the user (`/users/{username}/orders`); nothing for a read of the user itself
 * (a profile page), deletion (auth-admin-shares-scopes) or a sign-in endpoint.
 */
function identityInPath(op: Operation, param: Parameter): Pick<Report, 'severity' | 'message'> | undefined {
  const identity = identityName(param.name);
  if (!identity || !takesText(param) || isAuthEndpoint(op) || op.method === 'delete') return undefined;
  const segments = op.path.split('/');
  const below = segments.slice(segments.indexOf(`{${param.name}}`) + 1).filter((s) => s !== '');
  const label = operationLabel(op);
  const setting = below.flatMap(words).find((w) => ACCOUNT_SETTINGS.has(w));
  const write = WRITE_METHODS.has(op.method);
  if (write && (setting || below.length === 0)) {
    const what = setting ? (setting.startsWith('pass') ? 'password' : setting.replace(/s$/, '')) : 'profile';
    const takeover = what === 'password' || what === 'email' ? ' and take over their account' : '';
    return { severity: 'error',
      message: `${label} changes the ${what} of the user its path parameter '${param.name}' names (${whatIs(param.name, identity.label)}): unless the server checks that this user is the caller, any signed-in user can change another user's ${what}${takeover}.` };
  }
  if (below.length === 0) return undefined;
  return { severity: 'warning',
    message: `${label} selects whose data it ${write ? 'changes' : 'reads'} by path parameter '${param.name}' (${whatIs(param.name, identity.label)}) although the credential already identifies the caller: unless the server checks it against the credential, changing it reaches another ${identity.noun}'s data.` };
}

/** Whether an operation's path names people (`/v1/customers`, `/users/search`): a username or email filters them. */
function listsPeople(op: Operation): boolean {
  return op.path.split('/').filter((s) => !s.includes('{')).flatMap(words).some((w) => PEOPLE_NOUNS.has(singular(w)));
}

/** Whether a parameter holds text (an identity is a string; `login: true` is a flag). */
function takesText(param: Parameter): boolean {
  const types = param.schema ? schemaTypes(param.schema) : [];
  return types.length === 0 || types.includes('string') || types.includes('integer');
}

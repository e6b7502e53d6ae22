import type { Check } from '../check';
import type { OperationRef } from '../../types';
import type { SpecNode } from '../../spec/load';
import { child, isObject, pathParameters } from '../../spec/model';
import { operationSite, listOperations, usage } from '../report';
import { isPreflightOrTrace, isPublicByIntent, openByDocument } from '../operation-kinds';
import { words, singular } from '../words';

export const bolaUnprotectedObject: Check = {
  meta: {
    id: 'bola-unprotected-object',
    family: 'bola',
    needs: ['spec'],
    owasp: ['API1:2023'],
    cwe: ['CWE-639', 'CWE-284'],
    severity: 'error',
    description: 'An operation addresses an object through an identifier in its path (`/orders/{orderId}`) and accepts anonymous callers.',
    rationale: 'When the caller is unknown, the server cannot check that the object belongs to them: anyone who has or guesses an id can read, change or delete that object, and by swapping ids, every other one. This is broken object level authorization in its plainest form. In a document that requires authentication nowhere, every operation shares that one cause: auth-missing reports it once, and this rule only reports operations that differ from the rest.',
    fix: 'Require authentication on the operation (a `security` requirement here or at the root), and on the server check that the authenticated caller may access the object the id names. If the object is public on purpose, write `security: []` with `x-api-sentinel-public: "<reason>"`.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      // a document that requires authentication nowhere is one cause, reported once by auth-missing
      if (openByDocument(doc, ctx.config)) continue;
      for (const op of doc.operations) {
        if (!op.security.anonymous || isPreflightOrTrace(op) || isPublicByIntent(op, ctx.config)) continue;
        // the last template parameter addresses the object; earlier ones name its parents
        const name = pathParameters(op.path).pop();
        if (name === undefined) continue;
        const declared = op.parameters.find((p) => p.in === 'path' && p.name === name);
        if (isSelector(declared?.schema)) continue;
        const nameNode = declared && child(declared.node, 'name');
        const site = nameNode ? { at: nameNode, part: 'value' as const } : operationSite(op);
        const noun = objectNoun(op.path, name);
        ctx.report({ ...site, operations: [op], related: usage(op, site, 'takes this path parameter'),
          message: (ops) => `Anyone can ${accessVerbs(ops)} any ${noun} by swapping '${name}' in ${listOperations(ops)}: ${ops.length > 1 ? 'these operations accept' : 'it accepts'} anonymous callers, so nothing ties the ${noun} to whoever asks.` });
      }
    }
  },
};

/** Name endings that say "identifier of": `hook_id`, `issue_number`, `team_slug`, `account_identifier`. */
const ID_SUFFIXES = new Set(['id', 'ids', 'uuid', 'guid', 'identifier', 'number', 'key', 'slug', 'name']);

/**
 * What the path parameter addresses, for messages: the noun in its name (`hook_id`: hook, `team_slug`: team), else the
 * collection before it (`/users/{id}`, `/users/{username}`: user), else the bare name (`{repo}`).
 */
function objectNoun(path: string, param: string): string {
  const own = words(param);
  const noun = own.slice();
  while (noun.length > 0 && ID_SUFFIXES.has(noun[noun.length - 1])) noun.pop();
  if (noun.length > 0 && noun.length < own.length) return noun.join(' ');
  const segments = path.split('/');
  const before = segments[segments.findIndex((s) => s.includes(`{${param}}`)) - 1];
  if (before && !before.includes('{') && /[a-z]/i.test(before)) return words(before).map(singular).join(' ');
  return noun.length > 0 ? noun.join(' ') : 'object';
}

/** A parameter restricted to listed values selects a view (`/stats/{period}`), it does not address an object. */
function isSelector(schema: SpecNode | undefined): boolean {
  return !!schema && isObject(schema.value) && ('enum' in schema.value || 'const' in schema.value || schema.value.type === 'boolean');
}

/** `read`, `change`, `delete`, or several (`read, change or delete`), from the methods of the operations concerned. */
function accessVerbs(operations: OperationRef[]): string {
  const verbs = new Set<string>(operations.map((o) => (o.method === 'GET' || o.method === 'HEAD' ? 'read' : o.method === 'DELETE' ? 'delete' : 'change')));
  const list = ['read', 'change', 'delete'].filter((v) => verbs.has(v));
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
}

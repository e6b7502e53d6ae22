import type { Check } from '../check';
import type { Fix } from '../../types';
import { child, items, isObject, operationLabel, WRITE_METHODS } from '../../spec/model';
import { isIdAddressed, isPublicByIntent } from '../operation-kinds';
import { operationSite } from '../report';
import { markPublicFix, requireSchemeFix } from './fixes';

export const authMissing: Check = {
  meta: {
    id: 'auth-missing',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023', 'API5:2023'],
    cwe: ['CWE-306', 'CWE-862'],
    severity: 'warning',
    description: 'An operation has no effective security requirement: no `security` of its own and none at the root, `security: []`, or an anonymous `{}` alternative.',
    rationale: 'An endpoint that accepts anonymous callers lets anyone read or change its data; most large API breaches started at one such endpoint. Writes and operations that address an object by ID are errors, reads of collections warnings.',
    fix: 'Add a security requirement (on the operation or at the root) that names a scheme from `components.securitySchemes`. If the operation is public on purpose, write `security: []` with `x-api-sentinel-public: "<reason>"`.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const op of doc.operations) {
        // CORS preflights and traces never carry credentials
        if (op.method === 'options' || op.method === 'trace') continue;
        if (!op.security.anonymous || isPublicByIntent(op, ctx.config)) continue;
        const severity = WRITE_METHODS.has(op.method) || isIdAddressed(op) ? 'error' : 'warning';
        const label = operationLabel(op);
        const fixes = () => [requireSchemeFix(op), markPublicFix(op)].filter((fix): fix is Fix => fix !== undefined);
        const { source, node } = op.security;
        const empty = items(node).find((alt) => isObject(alt.value) && Object.keys(alt.value).length === 0);
        if (source === 'operation' && empty) {
          ctx.report({ at: empty, part: 'value', severity, operations: [op], fixes,
            message: `${label} accepts anonymous callers: the empty '{}' alternative makes authentication optional.` });
        } else if (source === 'operation') {
          ctx.report({ at: child(op.node, 'security')!, part: 'key', severity, operations: [op], fixes,
            message: `${label} turns authentication off with 'security: []' and gives no 'x-api-sentinel-public' reason: anyone can call it.` });
        } else {
          const why = source === 'root' && !empty ? "the document's root 'security' is empty"
            : source === 'root' ? "the root 'security' allows anonymous callers with '{}'"
            : "neither it nor the document root declares 'security'";
          ctx.report({ ...operationSite(op), severity, operations: [op], fixes,
            message: `${label} requires no authentication (${why}): anyone can call it.` });
        }
      }
    }
  },
};

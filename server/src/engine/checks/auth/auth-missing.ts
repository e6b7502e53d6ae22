import type { Check, CheckContext } from '../check';
import type { Fix } from '../../types';
import { child, items, isObject, operationLabel, WRITE_METHODS, type ApiDocument, type Operation } from '../../spec/model';
import { ignoresRule } from '../../spec/extensions';
import { isPreflightOrTrace, isIdAddressed, isPublicByIntent, openByDocument } from '../operation-kinds';
import { counted, operationSite } from '../report';
import { apiSite } from '../api-wide';
import { markPublicFix, requireEverywhereFix, requireSchemeFixes } from './fixes';

export const authMissing: Check = {
  meta: {
    id: 'auth-missing',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023', 'API5:2023'],
    cwe: ['CWE-306', 'CWE-862'],
    severity: 'warning',
    description: 'An operation has no effective security requirement: no `security` of its own and none at the root, `security: []`, or an anonymous `{}` alternative.',
    rationale: 'An endpoint that accepts anonymous callers lets anyone read or change its data; most large API breaches started at one such endpoint. Writes and operations that address an object by ID are errors, reads of collections warnings. '
      + 'A document that requires authentication nowhere (no `security` at all, or an empty root one, and none on any operation) is one cause: it is reported once, as an error, at `paths` (or at the root `security`), listing every operation, and bola-unprotected-object stays quiet about its operations. Operations that differ from the rest are reported one by one.',
    fix: 'Add a security requirement (on the operation or at the root) that names a scheme from `components.securitySchemes`. If the operation is public on purpose, write `security: []` with `x-api-sentinel-public: "<reason>"`.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const open = openByDocument(doc, ctx.config);
      // an operation whose author already answered for it (a suppression on it) keeps its own finding
      const answered = (op: Operation) => ignoresRule(op.node, 'auth-missing') || ignoresRule(op.pathItem, 'auth-missing');
      const shared = open?.filter((op) => !answered(op));
      if (open && shared && shared.length > 0) reportOpenDocument(ctx, doc, shared, open);
      for (const op of doc.operations) {
        if (open && !answered(op)) continue;
        if (isPreflightOrTrace(op) || !op.security.anonymous || isPublicByIntent(op, ctx.config)) continue;
        const severity = WRITE_METHODS.has(op.method) || isIdAddressed(op) ? 'error' : 'warning';
        const label = operationLabel(op);
        const fixes = () => [...requireSchemeFixes(op), markPublicFix(op)].filter((fix): fix is Fix => fix !== undefined);
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

/**
 * One finding for a document that requires authentication nowhere: at the root `security` when it is written (empty
 * or allowing anonymous callers), else at `paths`, with the open operations it reports and a fix that protects every
 * operation left open.
 */
function reportOpenDocument(ctx: CheckContext, doc: ApiDocument, open: Operation[], protect: Operation[]): void {
  const root = child(doc.root, 'security');
  const byId = open.filter((op) => WRITE_METHODS.has(op.method) || isIdAddressed(op)).length;
  const why = !root ? "the document declares no 'security', on its root or any operation"
    : items(root).length === 0 ? "the document's root 'security' is empty and no operation declares its own"
    : "the root 'security' allows anonymous callers with '{}' and no operation declares its own";
  const whom = open.length === doc.operations.length ? `every one of its ${open.length} operations` : `${counted(open.length, 'operation')} of its ${doc.operations.length}`;
  const also = byId > 0 ? `, ${byId} of them to change data or reach one object by its id` : '';
  ctx.report({ ...(root ? { at: root, part: 'key' as const } : apiSite(doc)), severity: 'error', operations: open,
    fixes: () => { const fix = requireEverywhereFix(doc, protect); return fix ? [fix] : []; },
    message: `No operation of the API requires authentication (${why}): anyone can call ${whom}${also}.` });
}

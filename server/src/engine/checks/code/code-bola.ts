import type { Check } from '../check';
import type { Fix } from '../../types';
import { addProperty, replaceExpression } from '../../edit/code';
import type { DataAccess, HandlerFlow, RecordModel } from '../../code/flow/facts';
import { routeOperation, unseen } from './knowledge';
import { adminRoute, authenticated, forFlowRoutes, flowSite, line, ownerField, related, type RequestOrigin } from './flow';

/** A key or request field that names an object: `id`, `orderId`, `order_id`, `_id`, `uuid`. */
const ID_NAME = /(?:^|[a-z0-9_])(?:id|Id|ID|uuid|Uuid|guid)$|^_id$/;

const VERB: Record<DataAccess['operation'], string> = { read: 'reads', update: 'changes', delete: 'deletes', create: 'creates' };

export const codeBola: Check = {
  meta: {
    id: 'code-bola',
    family: 'bola',
    needs: ['code'],
    owasp: ['API1:2023'],
    cwe: ['CWE-639', 'CWE-284'],
    severity: 'error',
    description: 'An authenticated route reads, changes or deletes an object by an id taken from the request, with no condition tying the object to the caller: no `where` on the caller\'s id, no ownership comparison before use, no policy call. Reported at the lookup, with where the id comes from.',
    rationale: 'Authentication says who the caller is, not which objects are theirs. When a handler loads `orders/{id}` by the id alone, any signed-in user can read or change any other user\'s order by changing a number in the URL: broken object level authorization, the most exploited API flaw. '
      + 'A lookup by the caller\'s own id, a `where` that includes it, a comparison of the record\'s owner with the caller, or an authorization call (a policy, `can()`, `authorize()`) make it safe; administrators\' routes that act on others by design are left out (an `admin` path segment, or a guard that demands an administrator\'s role: `requireRole(\'admin\')`, `@Roles(Role.Admin)`; a role every customer holds does not set a route apart).',
    fix: 'Tie the lookup to the caller: add their id to the condition (`where: { id, ownerId: req.user.id }`), or compare the record\'s owner with the caller before using it and answer 404 or 403, or call your authorization policy with the caller and the object.',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      // behind middleware whose effect cannot be seen, the route may be authenticated: info at most
      const hidden = authenticated(route, flow) ? undefined : unseen(route);
      if ((!hidden && !authenticated(route, flow)) || adminRoute(route)) return;
      flow.accesses.forEach((access, index) => {
        if (access.operation === 'create' || access.guarded) return;
        if (access.filters.some((f) => f.origins.some((o) => o.kind === 'caller'))) return;
        const byRequest = access.filters.flatMap((f) => f.origins.filter((o): o is RequestOrigin => o.kind === 'request' && o.part !== 'headers' && o.part !== 'cookies'
          && (ID_NAME.test(f.key) || ID_NAME.test(o.field ?? ''))).map((o) => ({ key: f.key, origin: o })));
        if (byRequest.length === 0) return;
        const { key, origin } = byRequest[0];
        const model = flow.models[index];
        const what = model?.name ?? access.model ?? 'object';
        ctx.report({
          ...flowSite(route, access.calleeAt, `lookup ${access.label}`), severity: hidden ? 'info' : access.operation === 'read' ? 'warning' : 'error', operations: [routeOperation(route)],
          message: `${route.key} ${VERB[access.operation]} ${access.many ? `${what} records` : `${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what}`} by \`${key}\` from \`${origin.label}\` (${line(origin.at)}) through \`${access.label}\` (${line(access.calleeAt)}), with no condition tying it to the caller: any signed-in user can reach another user's ${what} by changing the id.`,
          related: [related(origin.at, `the id comes from the request here (${origin.part})`)],
          fixes: () => callerConditionFix(access, model, flow),
        });
      });
    });
  },
};

/** Adds the caller to the lookup's condition, in the library's style, when the request and the owner field are known. */
function callerConditionFix(access: DataAccess, model: RecordModel | undefined, flow: HandlerFlow): Fix[] {
  const owner = ownerField(model);
  const caller = flow.callerIdText;
  if (!owner || !caller || !access.inHandler) return [];
  const title = `Look the ${model!.name} up by its id and the caller (${owner})`;
  const file = access.at.file;
  if (access.where) return [{ title, kind: 'suggestion', edits: [addProperty(file, access.where, `${owner}: ${caller}`)] }];
  if (access.byId) {
    return [{
      title, kind: 'suggestion',
      edits: [replaceExpression(file, access.byId.name.range, 'findOne'), replaceExpression(file, access.byId.argument.range, `{ _id: ${access.byId.argumentText}, ${owner}: ${caller} }`)],
    }];
  }
  return [];
}

import type { Check } from '../check';
import type { Fix } from '../../types';
import { replaceExpression } from '../../edit/code';
import type { DataAccess, RecordModel } from '../../code/flow/facts';
import { privilegedName } from '../data-exposure/knowledge';
import { routeOperation } from './knowledge';
import { forFlowRoutes, flowSite, line, nameList, ownFields, privilegedFields, related, type RequestOrigin } from './flow';

/** Fields the database sets, never the client. */
const GENERATED = /^(?:id|_id|uuid|createdAt|updatedAt|deletedAt|created_at|updated_at|deleted_at|__v)$/;

export const codeMassAssignment: Check = {
  meta: {
    id: 'code-mass-assignment',
    family: 'data-exposure',
    needs: ['code'],
    owasp: ['API3:2023', 'API6:2023'],
    cwe: ['CWE-915'],
    severity: 'warning',
    description: 'A handler writes the request body whole into a create or update (`{ ...req.body }`, `Object.assign(entity, body)`, `Model.create(req.body)`, `update(id, dto)`) of a model with privileged fields such as role, isAdmin, permissions, balance or ownerId, without picking fields or a validating schema that strips unknown keys. Reported at the body written, with the fields a client could set.',
    rationale: 'Whatever keys the client sends end up in the database: `{ "role": "admin" }` in a profile update makes its sender an administrator, `ownerId` hands over an object, `balance` prints money. '
      + 'Picking the allowed fields, or a schema that strips unknown keys (`ValidationPipe({ whitelist: true })` with a DTO that lists none of them, zod, joi `stripUnknown`), makes it safe.',
    fix: 'Write only the fields a client may set: pick them from the body (`{ name: body.name, email: body.email }`), or validate the body with a schema that strips unknown keys and does not list privileged ones (`ValidationPipe({ whitelist: true })`, zod `.strict()`/`.pick()`, joi `stripUnknown`).',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      flow.accesses.forEach((access, index) => {
        if ((access.operation !== 'create' && access.operation !== 'update') || !access.payload) return;
        const body = access.payload.origins.find((o): o is RequestOrigin => o.kind === 'request' && o.part === 'body' && o.field === undefined);
        if (!body) return;
        const model = flow.models[index];
        const dtoPrivileged = privilegedFields(flow.bodyFields ?? []);
        if (flow.bodyValidated && flow.bodyFields && dtoPrivileged.length === 0) return;
        const privileged = dtoPrivileged.length > 0 ? dtoPrivileged : privilegedFields((model?.fields ?? []).map((f) => f.name));
        if (privileged.length === 0 && (flow.bodyValidated || model)) return;
        const what = model?.name ?? access.model ?? 'record';
        const set = privileged.length > 0 ? `, so a client can set ${nameList(privileged)}` : ', so a client can set any field';
        ctx.report({
          ...flowSite(route, access.payload.at, `payload ${access.label}`), severity: privileged.length > 0 ? 'warning' : 'info', operations: [routeOperation(route)],
          message: `${route.key} writes \`${body.label}\` (${line(body.at)}) whole into \`${access.label}\` (${line(access.calleeAt)})${set} on the ${what}.`,
          related: [
            related(access.calleeAt, `\`${access.label}\` writes the ${what}`),
            ...(model?.fields ?? []).filter((f) => privileged.includes(f.name) && f.at).slice(0, 3)
              .map((f) => related(f.at!, `${model!.name}.${f.name}: a client who sets it can ${privilegedName(f.name)!.effect}`)),
          ],
          fixes: () => pickFix(access, model, body, privileged),
        });
      });
    });
  },
};

/** Replaces the body written with the fields a client may set, picked from it. */
function pickFix(access: DataAccess, model: RecordModel | undefined, body: RequestOrigin, privileged: string[]): Fix[] {
  const payload = access.payload!;
  if (!model || payload.fromReceiver) return [];
  const allowed = ownFields(model, model.fields).map((f) => f.name).filter((n) => !privileged.includes(n) && !GENERATED.test(n));
  if (allowed.length === 0) return [];
  // a NestJS parameter is labelled with its decorator (`@Body() dto`): the code names it by the parameter
  const source = body.label.replace(/^@\w+\([^)]*\)\s+/, '');
  if (!/^[\w$.]+$/.test(source)) return [];
  return [{
    title: `Write only ${nameList(allowed)} from the body`, kind: 'suggestion',
    edits: [replaceExpression(payload.at.file, payload.at.range, `{ ${allowed.map((n) => `${n}: ${source}.${n}`).join(', ')} }`)],
  }];
}

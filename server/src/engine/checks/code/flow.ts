/**
 * What the checks that follow values inside handlers share: the routes with flow facts, the sensitive and privileged
 * fields of a record's model (the data-exposure vocabulary), how a finding names the path a value took, and where it
 * points.
 */
import type { CheckContext, CodeSite, Report } from '../check';
import type { Route } from '../../code/model';
import type { DataAccess, HandlerFlow, ModelField, Origin, RecordModel, SinkFact } from '../../code/flow/facts';
import type { Location } from '../../code/model';
import { linksOf, routesByFile } from '../../code/part';
import { isAdminSegment } from '../operation-kinds';
import { privilegedName, sensitiveName, type SensitiveMatch } from '../data-exposure/knowledge';
import { codeModel } from './knowledge';

export type RecordOrigin = Extract<Origin, { kind: 'record' }>;
export type RequestOrigin = Extract<Origin, { kind: 'request' }>;

/**
 * Runs `each` for every route whose handler's flow was read, with its facts, as reporting about the routes of its
 * file alone (`CheckContext.aboutRoutes`; `facts`: what else it reads, undefined when it cannot be said).
 */
export function forFlowRoutes(ctx: CheckContext, each: (route: Route, flow: HandlerFlow) => void, facts: string | undefined = ''): void {
  const model = codeModel(ctx);
  if (!model) return;
  for (const routes of routesByFile(model.routes)) {
    if (!routes.some((route) => route.flow)) continue;
    ctx.aboutRoutes(routes, facts, () => {
      for (const route of routes) if (route.flow) each(route, route.flow);
    });
  }
}

/** A finding at a place inside a handler, named by the route and what is written there. */
export function flowSite(route: Route, at: Location, what: string): CodeSite {
  return { code: { file: at.file, range: at.range, anchor: `${route.key} ${what}` } };
}

export function related(at: Location, message: string): NonNullable<Report['related']>[number] {
  return { code: { file: at.file, range: at.range, anchor: `${at.range.start.line}:${at.range.start.character}` }, message };
}

/** `line 12` (1-based). */
export function line(at: Location): string {
  return `line ${at.range.start.line + 1}`;
}

/** The fields of a model a whole record carries to the client: not hidden, not dropped by the access's projection. */
export function visibleFields(model: RecordModel | undefined, access: DataAccess): ModelField[] {
  if (!model) return [];
  return model.fields.filter((f) => !f.hidden && !access.projection?.drop?.includes(f.name) && (!access.projection?.keep || access.projection.keep.includes(f.name)));
}

/** The sensitive fields among `fields`, with what each holds, the most severe first. */
export function sensitiveFields(fields: readonly ModelField[], extraNames: readonly string[]): { field: ModelField; match: SensitiveMatch }[] {
  const found = fields.map((field) => ({ field, match: sensitiveName(field.name, extraNames) })).filter((x): x is { field: ModelField; match: SensitiveMatch & { numeric: boolean } } => x.match !== undefined);
  return found.sort((a, b) => rank(a.match.severity) - rank(b.match.severity));
}

const rank = (severity: string) => (severity === 'error' ? 0 : severity === 'warning' ? 1 : 2);

/** The privileged fields among names: roles, admin flags, ownership, plan, money. */
export function privilegedFields(names: readonly string[]): string[] {
  return names.filter((n) => privilegedName(n) !== undefined);
}

/** Whether a route is authenticated: auth in its chain or its handler, or a handler that reads the caller. */
export function authenticated(route: Route, flow: HandlerFlow): boolean {
  return linksOf(route, 'auth').length > 0 || flow.readsCaller;
}

/**
 * A route of an administrators' API: its path says so, or its chain demands an administrator's role. A link that
 * names the roles it demands (`requireRole('customer')`, `@Roles('customer')`) counts only for an administrator's
 * role; one that names none counts when its name says it checks roles.
 */
export function adminRoute(route: Route): boolean {
  if (route.path.split('/').some((s) => s !== '' && isAdminSegment(s))) return true;
  return route.chain.some((l) => l.kind === 'auth' && (l.grants ? l.grants.some(isAdminGrant) : /admin|role/i.test(`${l.name} ${l.evidence}`)));
}

/** `admin`, `ROLE_ADMIN`, `Role.SuperAdmin`, `users:manage`: a role or permission only administrators hold. */
function isAdminGrant(grant: string): boolean {
  return grant.split(/[^A-Za-z0-9_-]+/).some((part) => part !== '' && isAdminSegment(part));
}

/** "`user` from `prisma.user.findUnique` (line 12) reaches `res.json` (line 15)". */
export function valuePath(sink: SinkFact, access: DataAccess): string {
  const value = sink.text.length <= 40 ? `\`${sink.text}\`` : 'the value';
  return `${value} from \`${access.label}\` (${line(access.at)}) reaches \`${sink.label}\` (${line(sink.at)})`;
}

/** "`a`, `b` and 2 more". */
export function nameList(names: readonly string[], max = 3): string {
  const quoted = names.slice(0, max).map((n) => `\`${n}\``);
  if (names.length > max) return `${quoted.join(', ')} and ${names.length - max} more`;
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

const PRISMA_SCALARS = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);

/** Fields that hold data of the record itself (not a relation to another model). */
export function ownFields(model: RecordModel, fields: readonly ModelField[]): ModelField[] {
  if (model.source !== 'prisma') return [...fields];
  return fields.filter((f) => f.type !== undefined && PRISMA_SCALARS.has(f.type.replace(/\[\]$/, '')) && !f.type.endsWith('[]'));
}

/** The field that names a record's owner, when the model has one: `ownerId`, `userId`, `authorId`, `owner`. */
export function ownerField(model: RecordModel | undefined): string | undefined {
  const names = (model?.fields ?? []).map((f) => f.name);
  return names.find((n) => /^(?:owner|user|author|creator|createdBy|customer|account|member|tenant)(?:Id|_id|ID)$/.test(n))
    ?? names.find((n) => /^(?:owner|user|author|creator|createdBy)$/.test(n));
}

import type { Check } from '../check';
import type { Fix } from '../../types';
import { addProperty, appendAfter, insertAt, replaceExpression } from '../../edit/code';
import type { DataAccess } from '../../code/flow/facts';
import { routeOperation } from './knowledge';
import { adminRoute, forFlowRoutes, flowSite, line, related } from './flow';

/** The page size a suggestion proposes. */
const PAGE_MAXIMUM = 100;

export const codeQueryUnbounded: Check = {
  meta: {
    id: 'code-query-unbounded',
    family: 'rate-limit',
    needs: ['code'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-400'],
    severity: 'warning',
    description: 'A list route returns a query without a limit (`findMany()` without `take`, `find({})` without `limit`, `SELECT` without `LIMIT`), or with a limit taken from the request without a maximum. Reported at the query; administrators\' routes that exist to list a whole table are info.',
    rationale: 'A list without a limit returns the whole table: one request costs the database and the server as much as the table is large, and a scraper gets every record in one call. A limit the client chooses without a maximum is no limit. '
      + 'A constant limit, or the client\'s page size clamped to a maximum (`Math.min(limit, 100)`), makes it safe.',
    fix: 'Give the query a limit with a maximum (`take: Math.min(Number(req.query.limit) || 20, 100)`, `.limit(100)`, `LIMIT $1` with a clamped value), and page through the rest with a cursor or an offset.',
  },
  run(ctx) {
    forFlowRoutes(ctx, (route, flow) => {
      if (route.method !== 'GET') return;
      const returned = new Set(flow.sinks.filter((s) => s.kind === 'response').flatMap((s) => s.origins.flatMap((o) => (o.kind === 'record' ? [o.access] : []))));
      flow.accesses.forEach((access, index) => {
        if (access.operation !== 'read' || !access.many || !returned.has(index) || access.limit?.bounded) return;
        const admin = adminRoute(route);
        const fromRequest = access.limit?.origins.find((o) => o.kind === 'request');
        const why = fromRequest
          ? `its limit comes from \`${fromRequest.label}\` (${line(fromRequest.at)}) with no maximum`
          : 'it has no limit';
        ctx.report({
          ...flowSite(route, access.calleeAt, `list ${access.label}`), severity: admin ? 'info' : 'warning', operations: [routeOperation(route)],
          message: `${route.key} returns the records of \`${access.label}\` (${line(access.calleeAt)}) and ${why}: one request, or a scraper paging without end, drains the table${admin ? ' (an administrators\' route: if listing everything is its purpose, suppress this with that reason)' : ''}.`,
          related: access.limit ? [related(access.limit.at, 'the limit is set here')] : [],
          fixes: () => limitFix(access),
        });
      });
    });
  },
};

/** Caps the query: clamps a limit from the request, or adds one in the library's style. */
function limitFix(access: DataAccess): Fix[] {
  const file = access.at.file;
  if (access.limit) {
    return [{ title: `Cap the limit at ${PAGE_MAXIMUM}`, kind: 'suggestion', edits: [replaceExpression(file, access.limit.at.range, `Math.min(Number(${textOfLimit(access)}) || ${PAGE_MAXIMUM}, ${PAGE_MAXIMUM})`)] }];
  }
  const title = `Return at most ${PAGE_MAXIMUM} records`;
  const key = access.library === 'sequelize' ? 'limit' : 'take';
  switch (access.library) {
    case 'prisma': case 'typeorm': case 'sequelize':
      if (access.options) return [{ title, kind: 'suggestion', edits: [addProperty(file, access.options, `${key}: ${PAGE_MAXIMUM}`)] }];
      if (access.emptyArgsAt) return [{ title, kind: 'suggestion', edits: [insertAt(file, access.emptyArgsAt, `{ ${key}: ${PAGE_MAXIMUM} }`)] }];
      return [];
    case 'mongoose': case 'knex': case 'drizzle':
      return [{ title, kind: 'suggestion', edits: [appendAfter(file, access.at.range, `.limit(${PAGE_MAXIMUM})`)] }];
    default:
      return [];
  }
}

function textOfLimit(access: DataAccess): string {
  return access.limit!.origins.find((o) => o.kind === 'request')?.label ?? 'limit';
}

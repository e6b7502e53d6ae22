import type { Check, Site } from '../check';
import type { SpecNode } from '../../spec/load';
import { child, within } from '../../spec/model';
import { hasKey, schemaTypes } from '../../spec/schema';
import { componentName, ownerLabel, sharedBy, usage } from '../report';
import { isPageSizeName } from './knowledge';
import { pageSizeMaximumFixes } from './fixes';
import { reportEachOperation } from '../each-operation';

export const paginationUnbounded: Check = {
  meta: {
    id: 'pagination-unbounded',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-400'],
    severity: 'warning',
    description: 'A query parameter that sets the page size (limit, per_page, page_size, size, top, $top, max_results, count, first, ...) is a number without a `maximum`.',
    rationale: 'When the page size has no upper bound a single request can ask for millions of records: the server loads, serializes and sends them all, so a few calls exhaust memory, database time and bandwidth, and the whole data set can be scraped at once. '
      + 'A maximum in the spec documents the cap the server must enforce and lets gateways and validators reject larger values.',
    fix: 'Add `maximum` (and `minimum: 1`) to the parameter\'s schema (OpenAPI 2.0: on the parameter), e.g. `maximum: 100`, and enforce the same cap in the server.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportEachOperation(ctx, doc, (op, report) => {
        for (const p of op.parameters) {
          if (p.in !== 'query' || !p.schema || !isPageSizeName(p.name)) continue;
          const types = schemaTypes(p.schema);
          if (!types.includes('integer') && !types.includes('number')) continue;
          if (hasUpperBound(p.schema)) continue;
          // the cap belongs where the number is declared: the parameter, or the schema component it references
          const schemaInline = within(p.schema, p.node);
          const name = child(p.node, 'name');
          const site: Site = schemaInline && name ? { at: name, part: 'value' } : { at: child(p.schema, 'type') ?? p.schema, part: 'key' };
          const owner = ownerLabel(site, op);
          const what = !schemaInline ? `Page-size schema '${componentName(p.schema) ?? p.name}'`
            : owner ? `Query parameter '${p.name}' of ${owner}` : `Shared page-size parameter '${p.name}'`;
          report({
            ...site, operations: [op], related: usage(op, site, `takes the page size '${p.name}'`), fixes: () => pageSizeMaximumFixes(ctx.files, op, p),
            message: (ops) => `${what}${sharedBy(ops.length)} has no maximum: one request can ask for every record at once, exhausting memory and database time.`,
          });
        }
      });
    }
  },
};

/** A numeric schema is capped by `maximum`, a numeric `exclusiveMaximum` (3.1), an `enum` or a `const`. */
function hasUpperBound(schema: SpecNode): boolean {
  const s = schema.value as Record<string, unknown>;
  return typeof s.maximum === 'number' || typeof s.exclusiveMaximum === 'number' || Array.isArray(s.enum) || hasKey(schema, 'const');
}

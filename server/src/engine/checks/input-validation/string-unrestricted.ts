import type { Check } from '../check';
import type { Fix } from '../../types';
import type { SpecNode } from '../../spec/load';
import { hasKey, schemaTypes } from '../../spec/schema';
import { requestVisits } from '../../spec/inputs';
import { samplesAre } from '../../spec/literal';
import { setScalar } from '../../edit/edits';
import { fixes } from '../../edit/fixes';
import { words } from '../words';
import { isObjectReference } from '../field-names';
import { counted, describeRequestSchema, requestMessage, requestSchemaName, schemaSite, usage } from '../report';
import { reportOmissions } from '../api-wide';
import { takesAnyText, urlUse } from './knowledge';

export const stringUnrestricted: Check = {
  meta: {
    id: 'string-unrestricted',
    family: 'input-validation',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-20'],
    severity: 'hint',
    description: 'A string the client sends (a parameter, or a request body property at any depth) has no `format`, `pattern`, `enum` or `const` saying what it may contain.',
    rationale: 'A string with no declared shape accepts anything: control characters, markup, SQL or shell fragments, megabytes of one character. A format or a pattern lets validators and gateways reject malformed values before they reach the code, and tells reviewers what the field is for. '
      + 'Text people write freely (descriptions, comments, messages, names, titles, search terms) and secrets have no shape to declare and are not reported; nor are identifiers (bola-predictable-id asks them for a uuid format or a pattern) and URLs (ssrf-url-parameter), readOnly properties, response schemas, examples and extensions. '
      + 'A hint by default: the text report lists hints only with `--min-severity hint`. When most strings declare no shape (at least ten of them), it is reported once, at `paths`, with every string as a related location.',
    fix: 'Declare what the string holds: a `format` (`email`, `date`, `date-time`, `uuid`, `hostname`, `ipv4`...), a `pattern` anchored with `^...$`, or an `enum` of the accepted values.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportOmissions(ctx, doc, {
        place: 'string without format or pattern',
        message: (lacking, declaring, ops) => `${lacking} strings that clients send to ${counted(ops.length, 'operation')} declare no format, pattern or enum, and the API declares one for ${declaring === 0 ? 'none' : `only ${declaring}`} of the ${lacking + declaring} strings that could have one: any content reaches the server's code unchecked. Every place is listed below.`,
      }, (op, omissions) => {
        for (const { visit, input } of requestVisits(op, ctx.files)) {
          if (!schemaTypes(visit.schema).includes('string')) continue;
          const name = requestSchemaName(visit, input);
          if (name !== undefined && (takesAnyText(name) || isObjectReference(name))) continue;
          if (declaresShape(visit.schema)) {
            omissions.declares(visit.schema.value as object);
            continue;
          }
          if (name !== undefined && urlUse(ctx.files, op, name, visit.schema, input.parameter)) continue;
          const site = schemaSite(visit, input);
          omissions.lacks(visit.schema.value as object, site, 'hint', () => ({
            related: usage(op, site, 'accepts this string'),
            fixes: () => formatFixes(visit.schema, name),
            message: requestMessage(describeRequestSchema(visit, input), site, op, PROBLEM),
          }));
        }
      });
    }
  },
};

const PROBLEM = 'is a string without format, pattern or enum: any content, control characters and markup included, reaches the server\'s code unchecked.';

/** Whether a string schema says what it may contain: a format, a pattern, an enum or a const. */
function declaresShape(schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  return typeof value.format === 'string' || typeof value.pattern === 'string' || Array.isArray(value.enum) || hasKey(schema, 'const');
}

/** Formats a name makes certain, and what a sample in that format looks like. */
const NAMED_FORMATS: { format: string; named: (nameWords: readonly string[]) => boolean; sample: RegExp }[] = [
  { format: 'email', named: (w) => w[w.length - 1] === 'email' || (w[w.length - 1] === 'address' && w[w.length - 2] === 'email'),
    sample: /^[^@\s]+@[^@\s]+$/ },
  { format: 'date', named: (w) => w[w.length - 1] === 'date' || w[w.length - 1] === 'birthdate' || w[w.length - 1] === 'dob',
    sample: /^\d{4}-\d{2}-\d{2}$/ },
  { format: 'date-time', named: (w) => w[w.length - 1] === 'timestamp' || w[w.length - 1] === 'datetime' || (w.length > 1 && w[w.length - 1] === 'at'),
    sample: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i },
];

/**
 * Adds the format a name makes certain (`contact_email`: email, `start_date`: date, `expires_at`: date-time), when
 * every example and default written for the string is in that format. A suggestion: validators start rejecting
 * values the server may have accepted.
 */
function formatFixes(schema: SpecNode, name: string | undefined): Fix[] {
  return fixes(() => {
    const nameWords = name === undefined ? [] : words(name);
    const known = NAMED_FORMATS.find((f) => f.named(nameWords));
    if (!known || !samplesAre(schema, (s) => typeof s === 'string' && known.sample.test(s))) return undefined;
    return { title: `Add format: ${known.format}`, kind: 'suggestion', edits: [setScalar(schema.file, schema.value as object, 'format', known.format)] };
  });
}

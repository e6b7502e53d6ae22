import type { Check } from '../check';
import { schemaTypes } from '../../spec/schema';
import { requestVisits } from '../../spec/inputs';
import { counted, describeRequestSchema, requestMessage, requestSchemaName, schemaSite, usage } from '../report';
import { reportOmissions } from '../api-wide';
import { boundsLength, declaresLength, isInUrlOrHeaders, isUpload } from './knowledge';
import { maxLengthFixes } from './fixes';

export const stringUnbounded: Check = {
  meta: {
    id: 'string-unbounded',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-400'],
    severity: 'info',
    description: 'A string the client sends (a parameter, or a request body property at any depth) has no `maxLength`, `enum`, `const`, length-implying `format` (date, date-time, uuid, email, hostname, ip, ...) or anchored bounded `pattern`.',
    rationale: 'Without a length limit a client can send megabytes in a single field that the server parses, validates, stores, indexes and perhaps echoes back; very long input also feeds slow regular expressions and hashing (a long password). '
      + 'A declared limit lets validators and gateways reject it early. Body fields are info; parameters are hints, because servers already cap URLs and headers (typically at 8 KB). '
      + 'File content (format binary or byte) is left to upload-unbounded, readOnly properties are skipped (clients do not send them), and a property of a shared schema is reported once, at the schema. '
      + 'When most of the strings that could state a length do not (at least ten of them), the omission is the API\'s convention: it is reported once, at `paths`, with the count and every string as a related location.',
    fix: 'Add `maxLength` (the longest value the field legitimately holds, e.g. 255 for a name, 5000 for a description), or an `enum`, or a `format` such as `uuid`, `date-time` or `email` when the value has one.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportOmissions(ctx, doc, {
        place: 'string without maxLength',
        message: (lacking, declaring, ops) => `${lacking} strings that clients send to ${counted(ops.length, 'operation')} have no maxLength, enum or length-implying format, and the API states a maximum length for ${declaring === 0 ? 'none' : `only ${declaring}`} of the ${lacking + declaring} strings that could carry one: a client can send megabytes in any of them. Every place is listed below.`,
      }, (op, omissions) => {
        for (const { visit, input } of requestVisits(op, ctx.files)) {
          if (!schemaTypes(visit.schema).includes('string') || isUpload(visit, input)) continue;
          if (declaresLength(visit.schema)) omissions.declares(visit.schema.value as object);
          if (boundsLength(visit.schema)) continue;
          const site = schemaSite(visit, input);
          const severity = isInUrlOrHeaders(input) ? 'hint' : 'info';
          omissions.lacks(visit.schema.value as object, site, severity, () => ({
            related: usage(op, site, 'accepts this string'),
            fixes: () => maxLengthFixes(ctx.files, op.document, visit.schema, requestSchemaName(visit, input)),
            message: requestMessage(describeRequestSchema(visit, input), site, op, severity === 'hint' ? IN_URL : IN_BODY),
          }));
        }
      });
    }
  },
};

const IN_URL = 'is a string without maxLength, enum or a length-implying format: only the URL or header size limit caps what the server must process.';
const IN_BODY = 'is a string without maxLength, enum or a length-implying format: a client can send megabytes that the server parses, stores and may echo back.';

import type { Check, Site } from '../check';
import type { SpecNode } from '../../spec/load';
import { child, type Operation } from '../../spec/model';
import { bodySite, requestVisits } from '../../spec/inputs';
import { describeRequestSchema, requestMessage, requestSchemaName, schemaSite, usage } from '../report';
import { hasSizeExtension, isBinaryMediaType, isUpload } from './knowledge';
import { uploadMaxLengthFixes } from './fixes';
import { reportEachOperation } from '../each-operation';

export const uploadUnbounded: Check = {
  meta: {
    id: 'upload-unbounded',
    family: 'rate-limit',
    needs: ['spec'],
    owasp: ['API4:2023'],
    cwe: ['CWE-770', 'CWE-400'],
    severity: 'warning',
    description: 'A file upload has no size limit: a binary request body (application/octet-stream, image/*, */*, ...) or a file field (format binary or byte, 3.1 contentMediaType/contentEncoding, 2.0 `type: file`) without `maxLength` or a size extension such as `x-max-size`.',
    rationale: 'Uploads are the cheapest way to exhaust a server: one request can stream gigabytes that are buffered in memory, written to disk, scanned or transcoded. '
      + 'The spec is where clients, gateways and reviewers learn the accepted size; without it nothing shows that the server enforces one.',
    fix: 'State the largest accepted file: `maxLength` (in bytes) on the binary string, or an extension such as `x-max-size: 10MB` on the media type or property, and enforce the same limit in the server or gateway.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      reportEachOperation(ctx, doc, (op, report) => {
        for (const { visit, input } of requestVisits(op, ctx.files)) {
          if (!isUpload(visit, input) || typeof (visit.schema.value as Record<string, unknown>).maxLength === 'number') continue;
          if (hasSizeExtension(visit.schema) || hasSizeExtension(visit.site) || bodyDeclaresSize(op, input.mediaType)) continue;
          const isWholeBody = input.bodySite !== undefined && visit.schema.value === input.schema.value;
          const site: Site = isWholeBody ? input.bodySite! : schemaSite(visit, input);
          const subject = isWholeBody ? `the ${input.mediaType} request body` : describeRequestSchema(visit, input);
          report({ ...site, operations: [op], related: usage(op, site, 'accepts this upload'), message: requestMessage(subject, site, op, PROBLEM),
            fixes: () => uploadMaxLengthFixes(ctx.files, op.document, visit.schema, isWholeBody ? undefined : requestSchemaName(visit, input)) });
        }
        // a binary body declared without a schema is a file of any size (no fix: which schema to write is the author's call)
        for (const content of op.requestBody?.contents ?? []) {
          if (content.schema || !isBinaryMediaType(content.mediaType) || bodyDeclaresSize(op, content.mediaType)) continue;
          const site = bodySite(op, content.mediaType);
          if (!site) continue;
          report({ ...site, operations: [op], related: usage(op, site, 'accepts this upload'),
            message: requestMessage(`the ${content.mediaType} request body`, site, op, PROBLEM) });
        }
      });
    }
  },
};

const PROBLEM = 'is a file upload without a size limit (maxLength, or an extension such as x-max-size): clients can upload files of any size, filling memory, disk and bandwidth.';

/** A size limit stated for the whole body: an extension on the media type object, the request body or the operation. */
function bodyDeclaresSize(op: Operation, mediaType: string | undefined): boolean {
  const body = op.requestBody?.node;
  const content = body && child(body, 'content');
  const media: SpecNode | undefined = content && mediaType !== undefined ? child(content, mediaType) : undefined;
  return hasSizeExtension(media) || hasSizeExtension(body) || hasSizeExtension(op.node);
}

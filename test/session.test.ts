/**
 * The engine's session after structural edits (an operationId renamed, a parameter added, a security requirement
 * added, changed and removed): each analysis gives exactly the findings of a cold analysis of the same texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session, type Analysis } from '../server/src/engine/session';
import { analyze } from '../server/src/engine/analyze';
import { corpusSpec } from './support/corpus';

const { path: corpus, skip } = corpusSpec('stripe-spec3.2023-09-12.yaml');

test('on a large real spec, each of a series of structural edits gives exactly the findings of a cold analysis', { skip }, async () => {
  const original = readFileSync(corpus, 'utf8');
  // an operation near the middle of the file (the corpus file is pinned by its checksum)
  const operation = '      operationId: GetPaymentLinksPaymentLink\n      parameters:\n';
  assert.equal(original.split(operation).length, 2, 'the operation is in the file once');
  const parameter = '        - in: query\n          name: includeArchived\n          schema:\n            type: string\n';
  const security = (scheme: string) => `      security:\n        - ${scheme}: []\n`;
  const edits: [string, (text: string) => string][] = [
    ['rename the operationId', (text) => text.replace(operation, operation.replace('PaymentLink\n', 'PaymentLinkRenamed\n'))],
    ['add a query parameter', (text) => text.replace('PaymentLinkRenamed\n      parameters:\n', `PaymentLinkRenamed\n      parameters:\n${parameter}`)],
    ['add a security requirement', (text) => text.replace('PaymentLinkRenamed\n', `PaymentLinkRenamed\n${security('bearerAuth')}`)],
    ['change the security requirement', (text) => text.replace(security('bearerAuth'), security('basicAuth'))],
    ['remove the security requirement', (text) => text.replace(security('basicAuth'), '')],
  ];
  let text = original;
  const reader = { read: (path: string) => (path === corpus ? text : undefined) };
  const request = { root: dirname(corpus), files: [corpus], reader, config: {} };
  const session = new Session();
  let previous: Analysis | undefined = await session.analyze(request);
  for (const [what, edit] of edits) {
    const before = text;
    text = edit(text);
    assert.notEqual(text, before, `${what}: the text changed`);
    const next = await session.analyze(request, previous);
    assert.ok(next, what);
    // the edited spec still parses and still is the document reviewed, and the answer is not a moved earlier one
    assert.deepEqual([next.result.problems, next.result.documents.length, next.exact], [[], 1, true], what);
    assert.deepStrictEqual(next.result, await analyze(request), what);
    previous = next;
  }
});

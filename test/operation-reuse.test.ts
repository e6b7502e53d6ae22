/**
 * A session keeps what a check found operation by operation (`CheckContext.eachOperation`): after an edit, only the
 * operations whose search read what the edit changed are searched again, the others' values moved to the new
 * document objects; the checks that report omissions for the whole API (`reportOmissions`) still give exactly the
 * findings of a cold analysis, whether they report one finding for the API or each place on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, type Analysis } from '../server/src/engine/session';
import { analyze, type AnalyzeRequest } from '../server/src/engine/analyze';
import { CHECKS } from '../server/src/engine/checks';
import type { Check, CheckContext } from '../server/src/engine/checks/check';
import type { ApiDocument } from '../server/src/engine/spec/model';
import { reportEachOperation } from '../server/src/engine/checks/each-operation';
import { reportOmissions } from '../server/src/engine/checks/api-wide';

/** An API of `count` operations, each taking a query string without format, the last two a body of a shared schema. */
function api(count: number): string {
  const paths = Array.from({ length: count }, (_, i) => [
    `  /items${i}:`,
    '    post:',
    `      operationId: op${i}`,
    '      parameters:',
    '        - in: query',
    `          name: q${i}`,
    '          schema:',
    '            type: string',
    ...(i >= count - 2 ? ['      requestBody:', '        content:', '          application/json:', '            schema:', "              $ref: '#/components/schemas/Note'"] : []),
    '      responses:',
    "        '200':",
    '          description: ok',
  ].join('\n'));
  return ['openapi: 3.0.3', 'info:', '  title: Items', "  version: '1'", 'paths:', ...paths,
    'components:', '  schemas:', '    Note:', '      type: object', '      properties:', '        tag:', '          type: string', ''].join('\n');
}

const TWO_PATHS = `openapi: 3.0.3
info:
  title: Items
  version: '1'
paths:
  /a:
    parameters:
      - in: query
        name: shared
        schema:
          type: string
    get:
      operationId: listA
      responses:
        '200':
          description: ok
    post:
      operationId: addA
      parameters:
        - in: query
          name: q
          required: false
          schema:
            type: string
      responses:
        '200':
          description: ok
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
`;

/** A session over one file, each of whose analyses is compared with a cold one (unless only `checks` run). */
function editing(initial: string, checks?: readonly Check[]) {
  let text = initial;
  const reader = { read: (path: string) => (path === '/api/openapi.yaml' ? text : undefined) };
  const request: Omit<AnalyzeRequest, 'cache' | 'fixes' | 'reuse'> = { root: '/api', files: ['/api/openapi.yaml'], reader, config: {}, checks };
  const session = new Session();
  let previous: Analysis | undefined;
  return async (change: (text: string) => string = (t) => t) => {
    text = change(text);
    const next = await session.analyze(request, previous);
    assert.ok(next);
    if (!checks) assert.deepStrictEqual(next.result, await analyze(request), 'the findings of a cold analysis');
    previous = next;
    return next;
  };
}

test('after an edit, only the operations whose search read what it changed are searched again; the others\' values are moved to the new objects', async () => {
  const searched: string[] = [];
  // per run of the check: whether every value, kept or not, holds this analysis's objects
  const current: boolean[] = [];
  const check: Check = {
    meta: { ...CHECKS[0].meta, id: 'per-operation' },
    run(ctx) {
      for (const doc of ctx.documents) {
        const values = ctx.eachOperation(doc, (op) => {
          // by place, not by operationId (which it does not read)
          searched.push(['listA', 'addA', 'getB'][doc.operations.indexOf(op)]);
          JSON.stringify(op.parameters.map((p) => p.node.value));
          // one reads another's parameters too
          if (op === doc.operations[2]) JSON.stringify(doc.operations[1].parameters.map((p) => p.node.value));
          return { paths: (doc.root.value as { paths: object }).paths, root: doc.root.value as object };
        }, (value, to) => ({ paths: to.object(value.paths), root: to.object(value.root) }));
        const root = doc.root.value as { paths: object };
        current.push(values.every((v) => v.paths === root.paths && v.root === root));
      }
    },
  };
  const edit = editing(TWO_PATHS, [check]);
  await edit();
  assert.deepEqual(searched.splice(0), ['listA', 'addA', 'getB']);
  // the first edit of an operation: nothing of it was watched, every operation is searched
  await edit((t) => t.replace('name: q\n', 'name: qa\n'));
  assert.deepEqual(searched.splice(0), ['listA', 'addA', 'getB']);
  // from the next on, only the edited one, and the one whose search read its parameters too
  await edit((t) => t.replace('name: qa\n', 'name: qb\n'));
  assert.deepEqual(searched.splice(0), ['addA', 'getB']);
  await edit((t) => t.replace('name: qb\n', 'name: qe\n'));
  assert.deepEqual(searched.splice(0), ['addA', 'getB']);
  // edits that change nothing it reads keep its findings whole (from the second: the first edits another part of the
  // text), and its values move when it runs again
  await edit((t) => t.replace('operationId: addA\n', 'operationId: addOneA\n'));
  assert.deepEqual(searched.splice(0), ['listA', 'addA', 'getB']);
  for (const [from, to] of [['addOneA', 'addTwoA'], ['addTwoA', 'addThreeA']]) {
    const kept = await edit((t) => t.replace(`operationId: ${from}\n`, `operationId: ${to}\n`));
    assert.ok(kept.keptChecks.has('per-operation'));
  }
  assert.deepEqual(searched.splice(0), []);
  await edit((t) => t.replace('name: qe\n', 'name: qf\n'));
  assert.deepEqual(searched.splice(0), ['addA', 'getB']);
  assert.deepEqual(current, [true, true, true, true, true, true]);
});

test('the whole-API omissions of inputs give a cold analysis\'s findings, edit after edit, as one finding or place by place', async () => {
  const edit = editing(api(12));
  await edit();
  const lacking = (analysis: Analysis) => analysis.result.findings.filter((f) => f.ruleId === 'string-unrestricted');
  // 13 strings without format across 12 operations: one finding for the API
  assert.equal(lacking(await edit((t) => t.replace('name: q5\n', 'name: q5a\n'))).length, 1);
  assert.equal(lacking(await edit((t) => t.replace('name: q5a\n', 'name: q5b\n'))).length, 1);
  // a format declared at one operation: 12 lack one, 1 declares it, still the API's convention
  let next = await edit((t) => t.replace('          name: q5b\n          schema:\n            type: string\n', '          name: q5b\n          schema:\n            type: string\n            format: uuid\n'));
  assert.equal(lacking(next).length, 1);
  assert.match(lacking(next)[0].message, /^12 strings .* only 1 of the 13/);
  // the strings of other operations renamed as free text (which takes any content), one operation at a time (named
  // otherwise first: the second edit of an operation keeps the others' places), until too few lack a format to be
  // the API's convention: place by place
  const text = ['comment', 'notes', 'memo', 'reason', 'feedback', '', 'review'];
  for (const i of [0, 1, 2, 3, 4, 6]) {
    await edit((t) => t.replace(`          name: q${i}\n`, `          name: q${i}x\n`));
    await edit((t) => t.replace(`          name: q${i}x\n`, `          name: ${text[i]}\n`));
  }
  next = await edit((t) => t.replace('name: review\n', 'name: summary\n'));
  assert.equal(lacking(next).length, 6);
  // and back to the API's convention: four strings more at that operation
  const more = [1, 2, 3, 4].map((n) => `        - in: query\n          name: more${n}\n          schema:\n            type: string\n`).join('');
  next = await edit((t) => t.replace('        - in: query\n          name: summary\n', `${more}        - in: query\n          name: summary\n`));
  assert.equal(lacking(next).length, 1);
  assert.match(lacking(next)[0].message, /^10 strings .* only 1 of the 11/);
});

/** An API whose operations take, at some of them, a URL, a guessable id, a page size, an upload and the caller's id. */
const PLACE_BY_PLACE = `openapi: 3.0.3
info:
  title: Hooks
  version: '1'
components:
  securitySchemes:
    token:
      type: http
      scheme: bearer
security:
  - token: []
paths:
${Array.from({ length: 8 }, (_, i) => `  /hooks${i}:
    post:
      operationId: hook${i}
      parameters:
        - in: query
          name: ${['callback_url', 'limit', 'label', 'orderId', 'userId', 'label', 'redirect_uri', 'label'][i]}
          schema:
            type: ${['string', 'integer', 'string', 'integer', 'string', 'string', 'string', 'string'][i]}
${i === 5 ? `      requestBody:
        content:
          application/octet-stream:
            schema:
              type: string
              format: binary
` : ''}      responses:
        '200':
          description: ok
        '400':
          description: bad
        '401':
          description: no
        '429':
          description: slow
          headers:
            Retry-After:
              schema:
                type: integer
        default:
          description: failed
`).join('')}`;

/** A check of a test's own, run on each document, with the operationIds of the operations it searched. */
function searchingCheck(id: string, run: (ctx: CheckContext, doc: ApiDocument, searched: string[]) => void): { check: Check; searched: string[] } {
  const searched: string[] = [];
  return { searched, check: { meta: { ...CHECKS[0].meta, id }, run: (ctx) => ctx.documents.forEach((doc) => run(ctx, doc, searched)) } };
}

test('checks that report place by place search again after an edit only the edited operation and those that found something', async () => {
  const { check, searched } = searchingCheck('place-by-place', (ctx, doc, searched) => reportEachOperation(ctx, doc, (op, report) => {
    searched.push(op.operationId ?? '?');
    for (const param of op.parameters) {
      if (param.name.endsWith('_url') || param.name.endsWith('_uri')) report({ at: param.node, part: 'key', operations: [op], message: `takes ${param.name}` });
    }
  }));
  const edit = editing(PLACE_BY_PLACE, [check]);
  const messages = (analysis: Analysis) => analysis.result.findings.map((f) => f.message);
  assert.deepEqual(messages(await edit()), ['takes callback_url', 'takes redirect_uri']);
  assert.equal(searched.splice(0).length, 8);
  // the first edit of an operation: nothing was watched yet, every operation is searched
  await edit((t) => t.replace('operationId: hook2\n      parameters:\n        - in: query\n          name: label\n', 'operationId: hook2\n      parameters:\n        - in: query\n          name: title\n'));
  assert.equal(searched.splice(0).length, 8);
  // then the edited one (first), and those with something to report (their reports hold nodes of one analysis)
  let next = await edit((t) => t.replace('name: title\n', 'name: avatar_url\n'));
  assert.deepEqual(searched.splice(0).sort(), ['hook0', 'hook2', 'hook6']);
  assert.deepEqual(messages(next), ['takes callback_url', 'takes avatar_url', 'takes redirect_uri']);
  next = await edit((t) => t.replace('name: avatar_url\n', 'name: caption\n'));
  assert.deepEqual(searched.splice(0).sort(), ['hook0', 'hook2', 'hook6']);
  assert.deepEqual(messages(next), ['takes callback_url', 'takes redirect_uri']);
  await edit((t) => t.replace('name: caption\n', 'name: heading\n'));
  assert.deepEqual(searched.splice(0).sort(), ['hook0', 'hook2', 'hook6']);
});

test('the checks that report place by place give a cold analysis\'s findings, edit after edit', async () => {
  const edit = editing(PLACE_BY_PLACE);
  const rules = (analysis: Analysis) => new Set(analysis.result.findings.map((f) => f.ruleId));
  const first = await edit();
  for (const rule of ['ssrf-url-parameter', 'bola-predictable-id', 'pagination-unbounded', 'upload-unbounded', 'bola-caller-id-in-request']) {
    assert.ok(rules(first).has(rule), rule);
  }
  // each operation renamed and changed twice, to and from what the checks report (each analysis compared with a cold one)
  const names = ['callback_url', 'limit', 'label', 'orderId', 'userId', 'label', 'redirect_uri', 'label'];
  for (let i = 0; i < names.length; i++) {
    const at = `operationId: hook${i}\n      parameters:\n        - in: query\n          name: `;
    await edit((t) => t.replace(`${at}${names[i]}\n`, `${at}x${i}\n`));
    await edit((t) => t.replace(`${at}x${i}\n`, `${at}${names[(i + 3) % names.length]}\n`));
    await edit((t) => t.replace(`${at}${names[(i + 3) % names.length]}\n`, `${at}${names[i]}\n`));
  }
  // an upload given a size limit, and taken back
  const upload = '              format: binary\n';
  await edit((t) => t.replace(upload, `${upload}              maxLength: 1048576\n`));
  await edit((t) => t.replace(`${upload}              maxLength: 1048576\n`, upload));
});

test('omissions reported place by place: after an edit, the edited operation and those that lack the bound are searched again', async () => {
  const { check, searched } = searchingCheck('omissions', (ctx, doc, searched) => reportOmissions(ctx, doc, { place: 'a query string', message: () => 'strings' }, (op, omissions) => {
    searched.push(op.operationId ?? '?');
    for (const param of op.parameters) {
      const site = { at: param.node, part: 'key' as const };
      if (param.name.startsWith('q')) omissions.lacks(param.node.value as object, site, 'hint', () => ({ message: `lacks ${param.name}` }));
      else omissions.declares(param.node.value as object);
    }
  }));
  // three of twelve operations lack it: too few to be the API's convention, each place is reported
  let text = api(12);
  for (let i = 3; i < 12; i++) text = text.replace(`name: q${i}\n`, `name: p${i}\n`);
  const edit = editing(text, [check]);
  const messages = (analysis: Analysis) => analysis.result.findings.map((f) => f.message);
  assert.deepEqual(messages(await edit()), ['lacks q0', 'lacks q1', 'lacks q2']);
  searched.splice(0);
  await edit((t) => t.replace('name: p7\n', 'name: p7a\n'));
  searched.splice(0);
  let next = await edit((t) => t.replace('name: p7a\n', 'name: q7\n'));
  assert.deepEqual(searched.splice(0).sort(), ['op0', 'op1', 'op2', 'op7']);
  assert.deepEqual(messages(next), ['lacks q0', 'lacks q1', 'lacks q2', 'lacks q7']);
  next = await edit((t) => t.replace('name: q7\n', 'name: p7\n'));
  assert.deepEqual(searched.splice(0).sort(), ['op0', 'op1', 'op2', 'op7']);
  assert.deepEqual(messages(next), ['lacks q0', 'lacks q1', 'lacks q2']);
});

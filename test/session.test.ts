/**
 * The engine's session after structural edits (an operationId renamed, a parameter added, a security requirement
 * added, changed and removed): each analysis gives exactly the findings of a cold analysis of the same texts, running
 * again only the checks that read what an edit changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session, type Analysis } from '../server/src/engine/session';
import { analyze, type AnalyzeRequest } from '../server/src/engine/analyze';
import { findingKey } from '../server/src/engine/identity';
import { corpusSpec } from './support/corpus';
import { pick, random } from './support/random';
import { keepsStyle, styleIn } from '../server/src/engine/reuse';
import { STYLE_SAMPLE } from '../server/src/engine/edit/edits';
import { changedRegion } from '../server/src/engine/text-shift';

const { path: corpus, skip } = corpusSpec('stripe-spec3.2023-09-12.yaml');

for (const fixes of ['built', 'on-request'] as const) test(`on a large real spec, each of a series of structural edits gives exactly the findings of a cold analysis (fixes ${fixes})`, { skip }, async () => {
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
  const session = new Session({ fixes });
  let previous: Analysis | undefined = await session.analyze(request);
  for (const [what, edit] of edits) {
    const before = text;
    text = edit(text);
    assert.notEqual(text, before, `${what}: the text changed`);
    const next = await session.analyze(request, previous);
    assert.ok(next, what);
    // the edited spec still parses and still is the document reviewed, and the answer is not a moved earlier one
    assert.deepEqual([next.result.problems, next.result.documents.length, next.exact], [[], 1, true], what);
    if (fixes === 'built') assert.deepStrictEqual(next.result, await analyze(request), what);
    else {
      // built on request: the fixes of the findings of the checks run again, and of those kept (their checks run again)
      const built = await session.fixes(next, next.result.findings.map(findingKey));
      assert.ok(next.result.findings.every((f) => f.fixes.length === 0), `${what}: no fixes built with the findings`);
      const findings = next.result.findings.map((f) => ({ ...f, fixes: built.get(findingKey(f)) }));
      assert.deepStrictEqual({ ...next.result, findings }, await analyze(request), what);
    }
    // the first edit makes the operation watched; from the next on, the checks that read nothing it changed are kept
    if (what !== edits[0][0]) assert.ok(next.keptChecks.size > 0, `${what}: findings kept check by check`);
    previous = next;
  }
});

const spec = `openapi: 3.0.3
info:
  title: Users
  version: '1'
security:
  - bearer: []
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters:
        - in: path
          name: id
          required: true
          schema:
            type: string
            format: uuid
      responses:
        '200':
          description: the user
          content:
            application/json:
              schema:
                type: object
                properties:
                  name:
                    type: string
                    maxLength: 100
  /health:
    get:
      security: []
      responses:
        '200':
          description: up
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
`;

/**
 * A session's first analysis of `request`; the function returned applies an edit (`apply` changes the text the
 * request's reader serves) and gives the next analysis, which must equal a cold analysis of the same texts.
 */
async function editsInSession(request: AnalyzeRequest, apply: (change: (text: string) => string) => void) {
  const session = new Session();
  let previous = await session.analyze(request);
  return async (change: (text: string) => string) => {
    apply(change);
    const next = await session.analyze(request, previous);
    assert.ok(next);
    assert.deepStrictEqual(next.result, await analyze(request), 'the findings of a cold analysis');
    previous = next;
    return next;
  };
}

test('after an edit of one operation, the checks that read what the next edit changes run again and the others keep their findings', async () => {
  let text = spec;
  const common = 'Limit:\n  in: query\n  name: limit\n  schema:\n    type: integer\n';
  const reader = { read: (path: string) => (path === '/api/openapi.yaml' ? text : path === '/api/common.yaml' ? common : undefined) };
  const edit = await editsInSession({ root: '/api', files: ['/api/openapi.yaml'], reader, config: {} }, (change) => { text = change(text); });
  const ruleIds = (analysis: Analysis) => analysis.result.findings.map((f) => f.ruleId);

  // nothing of the operation was watched while the checks ran last: every check runs
  assert.deepEqual([...(await edit((t) => t.replace('operationId: getUser', 'operationId: getOneUser'))).keptChecks], []);

  // an administrative name: the check that reads operationIds for such words runs again, one reading schemas does not
  let next = await edit((t) => t.replace('operationId: getOneUser', 'operationId: adminGetUser'));
  assert.ok(!next.keptChecks.has('auth-admin-shares-scopes'));
  assert.ok(next.keptChecks.has('string-unbounded'));

  // a query string with no maxLength: the checks reading parameters run again and report it
  next = await edit((t) => t.replace('      parameters:\n', '      parameters:\n        - in: query\n          name: filter\n          schema:\n            type: string\n'));
  assert.ok(!next.keptChecks.has('string-unbounded'));
  assert.ok(ruleIds(next).includes('string-unbounded'));
  assert.ok(next.keptChecks.has('cors-origin-undefined'));

  // a bound changed: only what reads it runs, and the kept findings moved with the text
  next = await edit((t) => t.replace('maxLength: 100', 'maxLength: 200'));
  assert.ok(!next.keptChecks.has('string-unbounded'));
  assert.ok(next.keptChecks.has('auth-missing') && next.keptChecks.has('rate-limit-missing'));

  // security removed from the operation: the authentication checks run again and report it
  next = await edit((t) => t.replace('      operationId: adminGetUser\n', '      operationId: adminGetUser\n      security: []\n'));
  assert.ok(!next.keptChecks.has('auth-missing'));

  // an edit of another operation: nothing of it was watched, every check runs
  next = await edit((t) => t.replace('  /health:\n    get:\n      security: []\n', '  /health:\n    get:\n'));
  assert.deepEqual([...next.keptChecks], []);

  // an extension added to the operation: the checks that read its keys run again
  next = await edit((t) => t.replace('      operationId: adminGetUser\n', '      operationId: adminGetUser\n      x-note: [a, b, c, d]\n'));
  assert.ok(next.keptChecks.size > 0);

  // a $ref to another file: a check may read every file, and this one it never read; every check runs
  next = await edit((t) => t.replace('      parameters:\n', '      parameters:\n        - $ref: common.yaml#/Limit\n'));
  assert.deepEqual(next.result.inputs, ['openapi.yaml', 'common.yaml']);
  assert.deepEqual([...next.keptChecks], []);

  // values written in double quotes where the file writes single ones: the style fixes follow changes, every check runs
  next = await edit((t) => t.replace('x-note: [a, b, c, d]', 'x-note: [a, b, c]'));
  assert.ok(next.keptChecks.size > 0);
  next = await edit((t) => t.replace('x-note: [a, b, c]', 'x-note: ["a", "b", "c", "d"]'));
  assert.deepEqual([...next.keptChecks], []);
});

for (const compacting of [false, true]) {
  const what = compacting
    ? 'parses made one table again between edits (`compactParses`): the next edit still parses in part, keeps checks and gives the findings of a cold analysis'
    : 'edit after edit of one operation, past the layers a parse in part may stack, the checks keep their findings';
  test(what, async () => {
    let text = spec;
    const reader = { read: (path: string) => (path === '/api/openapi.yaml' ? text : undefined) };
    const request = { root: '/api', files: ['/api/openapi.yaml'], reader, config: {} };
    const session = new Session();
    let previous = await session.analyze(request);
    assert.ok(previous);
    if (compacting) assert.equal(session.compactParses(previous), 0, 'a whole parse is one table already');
    const compacted: number[] = [];
    for (let i = 0; i < 24; i++) {
      text = text.replace(/operationId: \w+/, `operationId: getUser${i}`);
      const next = await session.analyze(request, previous);
      assert.ok(next);
      assert.deepStrictEqual(next.result, await analyze(request), `edit ${i}: the findings of a cold analysis`);
      // the first edit makes the operation watched; every later one, the 17th and after included, keeps checks
      if (i > 0) assert.ok(next.keptChecks.size > 0, `edit ${i}: findings kept check by check`);
      if (compacting && session.compactParses(next) > 0) compacted.push(i);
      previous = next;
    }
    // made one table at every fourth edit parsed in part since the last table
    if (compacting) assert.deepEqual(compacted, [3, 7, 11, 15, 19, 23]);
  });
}

test('a renamed operationId that leaves what the operation is (a login, an administrators\' one) as it was keeps the checks that read only that', async () => {
  let text = spec;
  const reader = { read: (path: string) => (path === '/api/openapi.yaml' ? text : undefined) };
  const request = { root: '/api', files: ['/api/openapi.yaml'], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  const rename = async (from: string, to: string) => {
    text = text.replace(`operationId: ${from}`, `operationId: ${to}`);
    const next = await session.analyze(request, previous);
    assert.ok(next);
    assert.deepStrictEqual(next.result, await analyze(request), `${to}: the findings of a cold analysis`);
    previous = next;
    return next.keptChecks;
  };
  // the first edit makes the operation watched
  await rename('getUser', 'getOneUser');
  // still no login and no administrators' operation: the checks that ask only that keep their findings
  let kept = await rename('getOneUser', 'fetchUser');
  for (const id of ['auth-missing', 'auth-missing-401-403', 'bola-unprotected-object', 'response-third-party-data', 'request-mass-assignment']) {
    assert.ok(kept.has(id), `${id} kept`);
  }
  // now an administrators' operation: the checks that ask run again
  kept = await rename('fetchUser', 'adminFetchUser');
  assert.ok(!kept.has('response-third-party-data') && !kept.has('auth-admin-shares-scopes'));
  assert.ok(kept.has('auth-missing'));
  // and no longer one: they run again once more, and then keep their findings while it stays ordinary
  kept = await rename('adminFetchUser', 'fetchOneUser');
  assert.ok(!kept.has('response-third-party-data'));
  kept = await rename('fetchOneUser', 'readUser');
  assert.ok(kept.has('response-third-party-data'));
});

test('operations built from what an edit left as they were are not compared again, but a renamed path changes its operation', async () => {
  let text = spec;
  const reader = { read: (path: string) => (path === '/api/openapi.yaml' ? text : undefined) };
  const request = { root: '/api', files: ['/api/openapi.yaml'], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  const edit = async (from: string, to: string) => {
    text = text.replace(from, to);
    const next = await session.analyze(request, previous);
    assert.ok(next);
    assert.deepStrictEqual(next.result, await analyze(request), `${to}: the findings of a cold analysis`);
    previous = next;
    return next;
  };
  // the paths are parsed again on each edit of a key
  await edit('  /health:', '  /healthz:');
  await edit('  /healthz:', '  /ready:');
  // its operation's path no longer names the parameter `id`: every check reading paths runs again
  const next = await edit('  /users/{id}:', '  /users/{userId}:');
  assert.ok(!next.keptChecks.has('bola-unprotected-object'));
  assert.ok(next.result.findings.some((f) => f.message.includes('/users/{userId}')));
});

test('a one-line item put first into a JSON list, or taken out again, keeps the findings of the checks that read nothing it moved', async () => {
  const path = '/api/openapi.json';
  const item = (name: string) => `        { "in": "query", "name": "${name}", "schema": { "type": "string" } }`;
  const texts = (first: string[]) => `{
  "openapi": "3.0.3",
  "info": { "title": "T", "version": "1" },
  "paths": {
    "/a/{id}": {
      "get": {
        "operationId": "getA",
        "parameters": [
${[...first, item('q'), '        { "in": "path", "name": "id", "required": true, "schema": { "type": "string" } }'].join(',\n')}
        ],
        "responses": { "200": { "description": "ok" } }
      }
    }
  }
}
`;
  let text = texts([]);
  const reader = { read: (file: string) => (file === path ? text : undefined) };
  const request = { root: '/api', files: [path], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  const edit = async (next: string, what: string) => {
    text = next;
    const analysis = await session.analyze(request, previous);
    assert.ok(analysis);
    assert.deepStrictEqual(analysis.result, await analyze(request), `${what}: the findings of a cold analysis`);
    previous = analysis;
    return analysis.keptChecks;
  };
  // the first edit of the list makes it watched
  await edit(texts([item('first')]), 'an item put first');
  for (const [first, what] of [[[], 'taken out'], [[item('again')], 'put first again'], [[], 'taken out again']] as const) {
    const kept = await edit(texts([...first]), what);
    // the items after the edit are compared with the ones they were: nothing the authentication checks read changed
    assert.ok(kept.has('auth-missing') && !kept.has('string-unrestricted'), what);
  }
});

test('a line break put between the tokens of a one-line JSON object is analysed again: fixes follow the layout', async () => {
  const path = '/api/openapi.json';
  let text = `{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
  "paths": {"/a": {"get": {"description": "list",
    "parameters": [{"in": "query", "name": "q", "schema": {"type": "string"}}],
    "responses": {"200": {"description": "ok"}}}}}}
`;
  const reader = { read: (file: string) => (file === path ? text : undefined) };
  const request = { root: '/api', files: [path], reader, config: {} };
  const session = new Session();
  const first = await session.analyze(request);
  text = text.replace('"name": "q", ', '"name": "q",\n      ');
  const next = await session.analyze(request, first);
  // the suppression a fix writes into the parameter object now takes lines of its own
  assert.deepStrictEqual(next!.result, await analyze(request));
});

test('a mapping indented again is analysed again: the fixes kept would be written at the old indentation', async () => {
  const path = '/api/openapi.yaml';
  let text = `openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      parameters:
        - in: query
          name: q
          schema:
            type: string
      responses:
        '200':
          description: ok
`;
  const reader = { read: (file: string) => (file === path ? text : undefined) };
  const request = { root: '/api', files: [path], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  // typed a space at a time: the second edit changes what the first changed, so findings may be kept check by check
  for (const indent of ['             type', '              type']) {
    text = text.replace(/ +type: string/, `${indent}: string`);
    previous = await session.analyze(request, previous);
    assert.deepStrictEqual(previous!.result, await analyze(request), `${indent.length - 4} spaces`);
  }
});

test('an entry put back before a key that starts as it ends moves the findings of that key past it', async () => {
  const path = '/api/openapi.yaml';
  const requestBody = `      requestBody:
        content:
          application/json:
            schema:
              type: object
`;
  const original = `openapi: 3.0.3
info: {title: T, version: '1'}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
security:
  - bearer: []
paths:
  /a:
    put:
      operationId: putA
${requestBody}      responses:
        '200':
          description: ok
`;
  let text = original;
  const reader = { read: (file: string) => (file === path ? text : undefined) };
  const request = { root: '/api', files: [path], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  // put back, the text reads as "questBody ... re" typed inside "responses": the findings on responses move past it
  for (const next of [original.replace(requestBody, ''), original]) {
    text = next;
    previous = await session.analyze(request, previous);
    assert.deepStrictEqual(previous!.result, await analyze(request));
  }
});

test('an entry put first at another column is analysed again: fixes write new entries at the first entry\'s column', async () => {
  const path = '/api/openapi.json';
  let text = `{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
  "paths": {"/a": {"get": {
        "operationId": "a",
        "responses": {"200": {"description": "ok"}}}}}}
`;
  const reader = { read: (file: string) => (file === path ? text : undefined) };
  const request = { root: '/api', files: [path], reader, config: {} };
  const session = new Session();
  let previous = await session.analyze(request);
  for (const edit of [(t: string) => t.replace('"a"', '"b"'), (t: string) => t.replace('        "operationId"', '    "security": [],\n        "operationId"')]) {
    text = edit(text);
    previous = await session.analyze(request, previous);
    assert.deepStrictEqual(previous!.result, await analyze(request));
  }
});

test('a file whose refs all point inside it is not walked again for refs after an edit, until an edit writes one to another file', async () => {
  // a ref to another file in an example is data, not a ref: the file's refs all point inside it
  let text = spec.replace("                    maxLength: 100\n", "                    maxLength: 100\n                example:\n                  $ref: schemas.yaml#/User\n");
  const schemas = 'User:\n  type: object\n  properties:\n    password:\n      type: string\n';
  const asked: string[] = [];
  const reader = { read: (path: string) => { asked.push(path); return path === '/api/openapi.yaml' ? text : path === '/api/schemas.yaml' ? schemas : undefined; } };
  const edit = await editsInSession({ root: '/api', files: ['/api/openapi.yaml'], reader, config: {} }, (change) => { text = change(text); });
  await edit((t) => t.replace('operationId: getUser', 'operationId: getOneUser'));
  assert.ok(!asked.includes('/api/schemas.yaml'), 'the example is not followed');
  // the response's schema moved to the other file: it is loaded, and its password reported
  const moved = await edit((t) => t.replace('              schema:\n                type: object\n', "              schema:\n                $ref: schemas.yaml#/User\n                type: object\n"));
  assert.ok(asked.includes('/api/schemas.yaml'));
  assert.ok(moved.result.findings.some((f) => f.file === 'schemas.yaml' && f.ruleId === 'response-sensitive-field'));
});

test('an edit past the part of a file habits are read from, that writes, removes and follows no \\r, is told to keep its style without reading the text', () => {
  const head = "openapi: 3.0.3\ninfo:\n  title: 'Users'\n  version: '1'\npaths:\n";
  const filler = Array.from({ length: Math.ceil(STYLE_SAMPLE / 40) }, (_, i) => `  /p${i}:\n    get: {responses: {'200': {description: ok}}}\n`).join('');
  const base = `${head}${filler}  /last:\r\n    get: {}\n`;
  // the style is read from the text alone: random edits need not leave valid YAML
  const styleOfText = (text: string) => styleIn('/api/openapi.yaml', text, { value: {}, locations: { get: () => undefined, has: () => false } });
  const change = (text: string, start: number, removed: number, inserted: string) => {
    const next = text.slice(0, start) + inserted + text.slice(start + removed);
    return { next, keeps: keepsStyle(text, next, changedRegion(text, next)) };
  };
  const past = STYLE_SAMPLE + 100;
  assert.equal(change(base, past, 0, 'x').keeps, true);
  assert.equal(change(base, 10, 0, 'x').keeps, false, 'inside the part read for habits');
  const crlf = base.indexOf('\r');
  assert.equal(change(base, crlf, 1, '').keeps, false, 'the only CRLF removed');
  assert.notEqual(styleOfText(change(base, crlf, 1, '').next), styleOfText(base));
  assert.equal(change(base.replace('\r', ''), past, 0, '\r\n').keeps, false, 'a CRLF written');
  assert.equal(change(base, crlf + 1, 0, 'x').keeps, false, 'right after a \\r');
  // whatever it says keeps the style does
  const rng = random(7);
  for (let i = 0; i < 300; i++) {
    const text = rng() < 0.5 ? base : base.replace('\r', '');
    const start = Math.floor(rng() * text.length);
    const inserted = Array.from({ length: Math.floor(rng() * 4) }, () => pick(rng, ['a', ' ', '\n', '\r', "'", '"'])).join('');
    const { next, keeps } = change(text, start, Math.floor(rng() * 3), inserted);
    if (keeps) assert.equal(styleOfText(next), styleOfText(text), `${start} ${JSON.stringify(inserted)}`);
  }
});

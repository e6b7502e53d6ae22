/** The quick fixes of the rate-limit, resource-consumption and BOLA checks: exact text (style kept), kinds, inferred values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applied, findings, onlyFix, ownFixes } from './support/fix-helpers';

/** The titles of the bound fixes of every finding, in finding order. */
async function titles(doc: string, ruleId: string): Promise<string[]> {
  return (await findings({ 'openapi.yaml': doc }, ruleId)).map((f) => onlyFix(f).title);
}

test('rate-limit-missing: a new TooManyRequests response with Retry-After and the headers the document already uses, in its style', async () => {
  const doc = [
    'openapi: 3.0.3',
    'info:',
    '    title: Shop',
    "    version: '1.0'",
    'paths:',
    '    /login:',
    '        post:',
    '            responses:',
    "                '200':",
    '                    description: A session',
    '                # anything else',
    '                default:',
    '                    description: Error',
    '    /products:',
    '        get:',
    '            responses:',
    "                '200':",
    '                    description: The products',
    '                    headers:',
    '                        X-RateLimit-Remaining:',
    '                            schema:',
    '                                type: integer',
    '',
  ].join('\n');
  const [finding] = await findings({ 'openapi.yaml': doc }, 'rate-limit-missing');
  const fix = onlyFix(finding);
  assert.equal(fix.title, "Add a 429 response (a new shared 'TooManyRequests' with Retry-After)");
  assert.equal(fix.kind, 'safe');
  assert.equal(applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'], doc
    .replace('                # anything else\n', "                '429':\n                    $ref: '#/components/responses/TooManyRequests'\n                # anything else\n")
    + [
      'components:',
      '    responses:',
      '        TooManyRequests:',
      "            description: 'Too many requests: wait the number of seconds in Retry-After before retrying'",
      '            headers:',
      '                Retry-After:',
      '                    description: Seconds to wait before retrying',
      '                    schema:',
      '                        type: integer',
      '                X-RateLimit-Remaining:',
      '                    description: Requests left in the current window',
      '                    schema:',
      '                        type: integer',
      '',
    ].join('\n'));
});

test('rate-limit-missing: an operation in another file references the response created in the root document', async () => {
  const files = {
    'openapi.yaml': 'openapi: 3.1.0\ninfo: { title: Accounts, version: "1.0" }\npaths:\n  /password/reset:\n    $ref: ./paths/reset.yaml\n',
    'paths/reset.yaml': 'post:\n  responses:\n    "202":\n      description: Mail sent\n',
  };
  const [finding] = await findings(files, 'rate-limit-missing');
  const out = applied(files, onlyFix(finding));
  assert.equal(out['paths/reset.yaml'], files['paths/reset.yaml'] + '    "429":\n      $ref: "../openapi.yaml#/components/responses/TooManyRequests"\n');
  assert.match(out['openapi.yaml'], /\ncomponents:\n  responses:\n    TooManyRequests:\n/);
  // no rate-limit header in the document: the IETF RateLimit fields
  assert.match(out['openapi.yaml'], /RateLimit-Limit:[\s\S]*RateLimit-Remaining:[\s\S]*RateLimit-Reset:/);
});

test('rate-limit-missing: a generic shared 429 response is reused (Retry-After added when it lacks one); a scoped one is not', async () => {
  const doc = `openapi: 3.0.3
info: { title: Shop, version: "1.0" }
components:
  responses:
    scim_too_many_requests:
      description: SCIM clients only
    RateLimited:
      description: Slow down
paths:
  /auth/token:
    post:
      responses:
        "200":
          description: A token
`;
  const [finding] = await findings({ 'openapi.yaml': doc }, 'rate-limit-missing');
  const fix = onlyFix(finding);
  assert.equal(fix.title, "Add a 429 response (the shared 'RateLimited')");
  assert.equal(applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'], doc
    .replace('      description: Slow down\n', '      description: Slow down\n      headers:\n        Retry-After:\n          description: Seconds to wait before retrying\n          schema:\n            type: integer\n')
    + '        "429":\n          $ref: "#/components/responses/RateLimited"\n');
});

test('rate-limit-missing (2.0): the shared response goes to the root `responses`, its headers carry their type', async () => {
  const doc = 'swagger: "2.0"\ninfo: { title: Legacy, version: "1.0" }\npaths:\n  /oauth/token:\n    post:\n      responses:\n        "200": { description: A token }\n';
  const [finding] = await findings({ 'openapi.yaml': doc }, 'rate-limit-missing');
  const out = applied({ 'openapi.yaml': doc }, onlyFix(finding))['openapi.yaml'];
  assert.ok(out.startsWith(doc.replace('A token }\n', 'A token }\n        "429":\n          $ref: "#/responses/TooManyRequests"\n')), out);
  assert.match(out, /\nresponses:\n  TooManyRequests:\n[\s\S]*    headers:\n      Retry-After:\n        description: Seconds to wait before retrying\n        type: integer\n/);
});

test('rate-limit-429-retry-after: a $ref to the document\'s Retry-After header component, before the body, in JSON', async () => {
  const doc = `{
  "openapi": "3.0.3",
  "info": { "title": "Exports", "version": "1.0" },
  "components": { "headers": { "RetryAfter": { "schema": { "type": "integer" } } } },
  "paths": {
    "/exports": {
      "post": {
        "responses": {
          "429": {
            "description": "Slow down",
            "content": { "application/json": {} }
          }
        }
      }
    }
  }
}
`;
  const [finding] = await findings({ 'openapi.json': doc }, 'rate-limit-429-retry-after');
  const fix = onlyFix(finding);
  assert.equal(fix.title, 'Add a Retry-After header');
  assert.equal(fix.kind, 'safe');
  assert.equal(applied({ 'openapi.json': doc }, fix)['openapi.json'], doc.replace('"description": "Slow down",\n',
    '"description": "Slow down",\n            "headers": {\n              "Retry-After": {\n                "$ref": "#/components/headers/RetryAfter"\n              }\n            },\n'));
});

test('pagination-unbounded: the maximum of the same name elsewhere (most common), else the description, else 100; never below the default', async () => {
  const doc = `openapi: 3.0.3
info: { title: Repos, version: "1.0" }
paths:
  /a:
    get:
      parameters:
        - { name: per_page, in: query, schema: { type: integer, maximum: 100 } }
        - { name: limit, in: query, schema: { type: integer, maximum: 10 } }
      responses: { "200": { description: ok } }
  /b:
    get:
      parameters:
        - { name: per_page, in: query, schema: { type: integer, maximum: 100 } }
        - { name: limit, in: query, description: Between 1 and 500 items., schema: { type: integer, default: 20 } }
      responses: { "200": { description: ok } }
  /c:
    get:
      parameters:
        - { name: perPage, in: query, schema: { type: integer, minimum: 1, default: 30 } }
        - { name: top, in: query, description: "Maximum: 250", schema: { type: integer } }
        - { name: page_size, in: query, description: Page size (up to 75), schema: { type: integer } }
        - { name: size, in: query, description: The page size, schema: { type: integer, default: 500 } }
      responses: { "200": { description: ok } }
  /d:
    get:
      parameters:
        - { name: per_page, in: query, schema: { type: integer, maximum: 50 } }
      responses: { "200": { description: ok } }
`;
  assert.deepEqual(await titles(doc, 'pagination-unbounded'), [
    // limit elsewhere caps at 10, below this one's default of 20: its description decides
    'Add maximum: 500 (as its description says)',
    "Add maximum: 100 (as for 'per_page' elsewhere in the API)",
    'Add maximum: 250 (as its description says)',
    'Add maximum: 75 (as its description says)',
    'Add maximum: 500',
  ]);
  const [, perPage] = await findings({ 'openapi.yaml': doc }, 'pagination-unbounded');
  const fix = onlyFix(perPage);
  assert.equal(fix.kind, 'suggestion');
  assert.equal(applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'],
    doc.replace('{ type: integer, minimum: 1, default: 30 }', '{ type: integer, minimum: 1, maximum: 100, default: 30 }'));
});

test('string-unbounded: maxLength from the same name elsewhere, else by what the name holds', async () => {
  const doc = `openapi: 3.0.3
info: { title: Shop, version: "1.0" }
components:
  schemas:
    Customer:
      type: object
      properties:
        name: { type: string, maxLength: 100 }
paths:
  /stores:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string }
                avatarUrl: { type: string }
                description: { type: string }
                code:
                  type: string
                  minLength: 300
      responses: { "201": { description: ok } }
`;
  assert.deepEqual(await titles(doc, 'string-unbounded'), [
    "Add maxLength: 100 (as for 'name' elsewhere in the API)",
    'Add maxLength: 2048',
    'Add maxLength: 5000',
    'Add maxLength: 300',
  ]);
  const findingsOfDoc = await findings({ 'openapi.yaml': doc }, 'string-unbounded');
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(findingsOfDoc[3]))['openapi.yaml'],
    doc.replace('                  minLength: 300\n', '                  minLength: 300\n                  maxLength: 300\n'));
});

test('array-unbounded and upload-unbounded: maxItems after minItems; an upload gets 10 MB or the size its name has elsewhere', async () => {
  const doc = `openapi: 3.0.3
info: { title: Files, version: "1.0" }
paths:
  /avatars:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: { type: string, format: binary, maxLength: 1048576 }
                tags: { type: array, minItems: 1, items: { type: string, maxLength: 20 }, uniqueItems: true }
      responses: { "201": { description: ok } }
  /documents:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: { type: string, format: binary }
                scan: { type: string, format: binary }
      responses: { "201": { description: ok } }
`;
  const [tags] = await findings({ 'openapi.yaml': doc }, 'array-unbounded');
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(tags))['openapi.yaml'],
    doc.replace('minItems: 1, items:', 'minItems: 1, maxItems: 100, items:'));
  assert.deepEqual(await titles(doc, 'upload-unbounded'), [
    "Add maxLength: 1048576 (as for 'file' elsewhere in the API)",
    'Add maxLength: 10485760 (10 MB)',
  ]);
});

test('bola-predictable-id: an integer id becomes a UUID string, an unconstrained or digits-only string gets format: uuid', async () => {
  const doc = `openapi: 3.1.0
info: { title: Boards, version: "1.0" }
paths:
  /boards/{boardId}:
    get:
      parameters:
        - name: boardId
          in: path
          required: true
          schema:
            type: integer
            format: int64 # database key
        - { name: listId, in: query, schema: { type: [integer, "null"] } }
        - { name: cardId, in: query, schema: { type: string, pattern: '^[0-9]+$' } }
        - { name: ownerId, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`;
  const found = await findings({ 'openapi.yaml': doc }, 'bola-predictable-id');
  const fixed = found.map((f) => {
    const fix = onlyFix(f);
    assert.equal(fix.kind, 'suggestion');
    return `${fix.title}: ${applied({ 'openapi.yaml': doc }, fix)['openapi.yaml']}`;
  });
  assert.deepEqual(fixed, [
    `Use a UUID string id: ${doc.replace('type: integer\n            format: int64 # database key', 'type: string\n            format: uuid # database key')}`,
    `Use a UUID string id: ${doc.replace('{ type: [integer, "null"] }', '{ type: [string, "null"], format: uuid }')}`,
    `Use format: uuid: ${doc.replace("pattern: '^[0-9]+$'", "format: 'uuid'")}`,
    `Use format: uuid: ${doc.replace('{ name: ownerId, in: query, schema: { type: string } }', '{ name: ownerId, in: query, schema: { type: string, format: uuid } }')}`,
  ]);
});

test('bola-predictable-id: no uuid fix where examples are not UUIDs or a number carries numeric bounds', async () => {
  const doc = `openapi: 3.0.3
info: { title: Boards, version: "1.0" }
paths:
  /boards/{boardId}:
    get:
      parameters:
        - { name: boardId, in: path, required: true, schema: { type: integer, minimum: 1 } }
        - { name: cardId, in: query, example: card_12, schema: { type: string } }
        - { name: listId, in: query, schema: { type: string, example: 0b7c4f4e-6f7b-4a63-9d0b-4d2b7e5c1f00 } }
      responses: { "200": { description: ok } }
`;
  const found = await findings({ 'openapi.yaml': doc }, 'bola-predictable-id');
  assert.deepEqual(found.map((f) => ownFixes(f).map((x) => x.title)), [[], [], ['Use format: uuid']]);
});

test('rate-limit-429-retry-after: a 2.0 response in a CRLF file gets an inline integer header, CRLF kept', async () => {
  const doc = 'swagger: "2.0"\r\ninfo:\r\n  title: Legacy\r\n  version: "1.0"\r\npaths:\r\n  /users:\r\n    get:\r\n      responses:\r\n        429:\r\n          description: Slow down\r\n';
  const [finding] = await findings({ 'openapi.yaml': doc }, 'rate-limit-429-retry-after');
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(finding))['openapi.yaml'],
    doc + '          headers:\r\n            Retry-After:\r\n              description: Seconds to wait before retrying\r\n              type: integer\r\n');
});

/** The quick fixes of the data-exposure checks: exact text (style kept), kinds, and where no fix is right. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applied, findings, onlyFix, ownFixes } from './support/fix-helpers';

/** A 3.0 document whose one operation sends `request` (when given) and returns `response`, with `schemas`. */
function api(response: string, schemas: string, request?: string): string {
  return `openapi: 3.0.3
info:
  title: Accounts
  version: "1.0"
security:
  - bearer: []
paths:
  /accounts:
    post:
${request ? `      requestBody:
        content:
          application/json:
            schema:
              $ref: "${request}"
` : ''}      responses:
        "200":
          description: The account
          content:
            application/json:
              schema:
                $ref: "${response}"
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  schemas:
${schemas}`;
}

test('response-sensitive-field on a response-only schema: remove the property and its name from required (block and flow lists)', async () => {
  const doc = api('#/components/schemas/Account', `    Account:
      type: object
      required:
        - id
        - password_hash # kept for login
      properties:
        id:
          type: string
        # the stored hash
        password_hash:
          type: string
        owner:
          type: object
          required: [ssn]
          properties:
            name: { type: string }
            ssn: { type: string }
`);
  const [hash, ssn] = await findings({ 'openapi.yaml': doc }, 'response-sensitive-field');
  const remove = onlyFix(hash);
  assert.equal(remove.title, "Remove 'password_hash' from the response schema");
  assert.equal(remove.kind, 'suggestion');
  assert.equal(applied({ 'openapi.yaml': doc }, remove)['openapi.yaml'], doc
    .replace('        - password_hash # kept for login\n', '')
    .replace('        password_hash:\n          type: string\n', ''));
  // the only name of a required list takes the list with it: 3.0 does not allow an empty one
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(ssn))['openapi.yaml'], doc
    .replace('          required: [ssn]\n', '')
    .replace('            ssn: { type: string }\n', ''));
});

test('response-sensitive-field in JSON: the property and its required item go with one comma each', async () => {
  const doc = `{
  "openapi": "3.1.0",
  "info": { "title": "Keys", "version": "1.0" },
  "paths": {
    "/keys/{id}": {
      "get": {
        "responses": {
          "200": {
            "description": "A key",
            "content": { "application/json": { "schema": {
              "type": "object",
              "required": ["id", "private_key"],
              "properties": { "id": { "type": "string" }, "private_key": { "type": "string" } }
            } } }
          }
        }
      }
    }
  }
}
`;
  const [finding] = await findings({ 'openapi.json': doc }, 'response-sensitive-field');
  assert.equal(applied({ 'openapi.json': doc }, onlyFix(finding))['openapi.json'], doc
    .replace('["id", "private_key"]', '["id"]')
    .replace('{ "id": { "type": "string" }, "private_key": { "type": "string" } }', '{ "id": { "type": "string" } }'));
});

test('response-sensitive-field on a schema clients also send: writeOnly, a $ref wrapped in allOf on its own line, no removal', async () => {
  const doc = api('#/components/schemas/Account', `    Account:
      type: object
      properties:
        email: { type: string }
        password: { type: string, minLength: 12 }
        pin: { $ref: '#/components/schemas/Pin' } # four digits
    Pin: { type: string, maxLength: 4 }
`, '#/components/schemas/Account');
  const [password, pin] = await findings({ 'openapi.yaml': doc }, 'response-sensitive-field');
  const markPassword = onlyFix(password);
  assert.deepEqual([markPassword.title, markPassword.kind], ["Mark 'password' writeOnly", 'suggestion']);
  assert.equal(applied({ 'openapi.yaml': doc }, markPassword)['openapi.yaml'],
    doc.replace('{ type: string, minLength: 12 }', '{ type: string, minLength: 12, writeOnly: true }'));
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(pin))['openapi.yaml'],
    doc.replace("pin: { $ref: '#/components/schemas/Pin' } # four digits", "pin: { allOf: [{ $ref: '#/components/schemas/Pin' }], writeOnly: true } # four digits"));
});

test('response-sensitive-field in a referenced file: the $ref with a sibling becomes block allOf, the comment on the key stays', async () => {
  const files = {
    'openapi.yaml': api('schemas/webhook.yaml', '    Unused:\n      type: string\n', 'schemas/webhook.yaml'),
    'schemas/webhook.yaml': 'type: object\nproperties:\n  url:\n    type: string\n  password: # for basic auth\n    description: Sent by the receiver\n    $ref: "secret.yaml"\n',
    'schemas/secret.yaml': 'type: string\nmaxLength: 64\n',
  };
  const [finding] = await findings(files, 'response-sensitive-field');
  assert.equal(finding.file, 'schemas/webhook.yaml');
  const fix = onlyFix(finding);
  assert.deepEqual(Object.keys(applied(files, fix)), ['schemas/webhook.yaml']);
  assert.equal(applied(files, fix)['schemas/webhook.yaml'],
    'type: object\nproperties:\n  url:\n    type: string\n  password: # for basic auth\n    description: Sent by the receiver\n    allOf:\n      - $ref: "secret.yaml"\n    writeOnly: true\n');
});

test('response-sensitive-field with no right edit: only the suppression', async () => {
  // 2.0 has no writeOnly, and removing a property clients send would change the request too
  const swagger = `swagger: "2.0"
info: { title: Members, version: "1.0" }
paths:
  /members:
    post:
      parameters:
        - { name: member, in: body, required: true, schema: { $ref: "#/definitions/Member" } }
      responses:
        "200": { description: The member, schema: { $ref: "#/definitions/Member" } }
definitions:
  Member:
    type: object
    properties:
      name: { type: string }
      password: { type: string }
`;
  // a token the login operation hands out by design: its schema must be split, which no small edit does
  const login = `openapi: 3.0.3
info: { title: Sessions, version: "1.0" }
security: [{ bearer: [] }]
paths:
  /auth/login:
    post:
      security: []
      responses:
        "200": { description: A session, content: { application/json: { schema: { $ref: "#/components/schemas/Session" } } } }
  /sessions/current:
    get:
      responses:
        "200": { description: The session, content: { application/json: { schema: { $ref: "#/components/schemas/Session" } } } }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  schemas:
    Session:
      type: object
      properties:
        user: { type: string }
        access_token: { type: string }
`;
  // the only property: what the object should return instead is the author's call
  const only = api('#/components/schemas/Payer', `    Payer:
      type: object
      properties:
        iban: { type: string }
`);
  for (const [name, doc] of [['2.0 shared', swagger], ['issued', login], ['only property', only]]) {
    const found = await findings({ 'openapi.yaml': doc }, 'response-sensitive-field');
    assert.equal(found.length, 1, name);
    assert.deepEqual(found[0].fixes.map((f) => f.title), ['Suppress response-sensitive-field here (give the reason)'], name);
  }
});

test('request-mass-assignment: readOnly in JSON, readOnly: false turned true, refused beside writeOnly', async () => {
  const doc = `{
  "openapi": "3.0.3",
  "info": { "title": "Projects", "version": "1.0" },
  "paths": {
    "/projects": {
      "post": {
        "requestBody": { "content": { "application/json": { "schema": {
          "type": "object",
          "properties": {
            "owner_id": {
              "$ref": "#/components/schemas/Id"
            },
            "is_admin": { "type": "boolean", "readOnly": false },
            "role": { "type": "string", "writeOnly": true }
          }
        } } } },
        "responses": { "201": { "description": "Created" } }
      }
    }
  },
  "components": { "schemas": { "Id": { "type": "string", "format": "uuid" } } }
}
`;
  const [owner, admin, role] = await findings({ 'openapi.json': doc }, 'request-mass-assignment');
  const markOwner = onlyFix(owner);
  assert.deepEqual([markOwner.title, markOwner.kind], ["Mark 'owner_id' readOnly", 'suggestion']);
  assert.equal(applied({ 'openapi.json': doc }, markOwner)['openapi.json'], doc.replace(
    '              "$ref": "#/components/schemas/Id"\n',
    '              "allOf": [{ "$ref": "#/components/schemas/Id" }],\n              "readOnly": true\n'));
  assert.equal(applied({ 'openapi.json': doc }, onlyFix(admin))['openapi.json'],
    doc.replace('"readOnly": false', '"readOnly": true'));
  // readOnly and writeOnly together are invalid
  assert.deepEqual(ownFixes(role), []);
});

test('response-open-schema: additionalProperties true becomes false where the object declares its properties, in its quotes and form', async () => {
  const doc = api('#/components/schemas/Report', `    Report:
      type: object
      properties:
        id: { type: string }
        details: { type: object, properties: { title: { type: string } }, additionalProperties: {} }
        labels: { type: object, additionalProperties: true }
      additionalProperties: true # for now
`).replace(/\n/g, '\r\n');
  const found = await findings({ 'openapi.yaml': doc }, 'response-open-schema');
  const byLine = (text: string) => found.find((f) => doc.split('\r\n')[f.range.start.line].includes(text))!;
  const close = onlyFix(byLine('# for now'));
  assert.deepEqual([close.title, close.kind], ['Set additionalProperties: false', 'suggestion']);
  assert.equal(applied({ 'openapi.yaml': doc }, close)['openapi.yaml'],
    doc.replace('additionalProperties: true # for now', 'additionalProperties: false # for now'));
  assert.equal(applied({ 'openapi.yaml': doc }, onlyFix(byLine('details')))['openapi.yaml'],
    doc.replace('additionalProperties: {} }', 'additionalProperties: false }'));
  // a map of anything declares no property: false would say it is always empty
  assert.deepEqual(ownFixes(byLine('labels')), []);
});

test('response-open-schema: no fix where false would reject properties declared elsewhere (allOf, a part of allOf)', async () => {
  const doc = api('#/components/schemas/Dog', `    Dog:
      allOf:
        - $ref: "#/components/schemas/Pet"
        - type: object
          properties:
            barks: { type: boolean }
      additionalProperties: true
    Pet:
      type: object
      properties:
        name: { type: string }
      additionalProperties: true
`);
  const found = await findings({ 'openapi.yaml': doc }, 'response-open-schema');
  assert.equal(found.length, 2);
  for (const finding of found) assert.deepEqual(ownFixes(finding), []);
});

test('response-shares-request-schema: server-set fields readOnly and secrets writeOnly in one fix; 2.0 marks readOnly only', async () => {
  const doc = api('#/components/schemas/User', `    User:
      type: object
      properties:
        id:
          type: string
        name:
          type: string
        password:
          type: string
        created_at:
          type: string
          format: date-time
`, '#/components/schemas/User');
  const [finding] = await findings({ 'openapi.yaml': doc }, 'response-shares-request-schema');
  const mark = onlyFix(finding);
  assert.deepEqual([mark.title, mark.kind], ["Mark 'id' and 'created_at' readOnly and 'password' writeOnly", 'suggestion']);
  assert.equal(applied({ 'openapi.yaml': doc }, mark)['openapi.yaml'], doc
    .replace('        id:\n          type: string\n', '        id:\n          type: string\n          readOnly: true\n')
    .replace('        password:\n          type: string\n', '        password:\n          type: string\n          writeOnly: true\n')
    .replace('          format: date-time\n', '          format: date-time\n          readOnly: true\n'));

  const swagger = `swagger: "2.0"
info: { title: Users, version: "1.0" }
paths:
  /users:
    post:
      parameters:
        - { name: user, in: body, required: true, schema: { $ref: "#/definitions/User" } }
      responses:
        "201": { description: The user, schema: { $ref: "#/definitions/User" } }
definitions:
  User:
    type: object
    properties:
      id: { type: string }
      password: { type: string }
`;
  const [legacy] = await findings({ 'openapi.yaml': swagger }, 'response-shares-request-schema');
  const legacyMark = onlyFix(legacy);
  assert.equal(legacyMark.title, "Mark 'id' readOnly");
  assert.equal(applied({ 'openapi.yaml': swagger }, legacyMark)['openapi.yaml'],
    swagger.replace('id: { type: string }', 'id: { type: string, readOnly: true }'));
});

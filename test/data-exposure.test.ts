/**
 * What the fixture runner cannot see for the data-exposure checks: the operations and related locations of findings
 * on shared schemas, the `sensitiveFields` setting, and the name matchers on their own.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../server/src/engine/analyze';
import type { Check } from '../server/src/engine/checks/check';
import type { Config } from '../server/src/engine/config';
import type { Finding } from '../server/src/engine/types';
import { privilegedName, sensitiveName } from '../server/src/engine/checks/data-exposure/knowledge';
import { endsWithWords } from '../server/src/engine/checks/words';
import { requestMassAssignment } from '../server/src/engine/checks/data-exposure/request-mass-assignment';
import { responseSensitiveField } from '../server/src/engine/checks/data-exposure/response-sensitive-field';
import { responseSharesRequestSchema } from '../server/src/engine/checks/data-exposure/response-shares-request-schema';
import { diskReader } from './support/engine';
import { FIXTURES } from './support/fixtures';

async function findings(check: Check, root: string, files: string[], config?: Config): Promise<Finding[]> {
  const result = await analyze({ root, files, reader: diskReader, checks: [check], config });
  return result.findings.filter((f) => f.ruleId === check.meta.id);
}

const operations = (f: Finding) => f.operations.map((o) => `${o.method} ${o.path}`).sort();
/** Related entries as `file:line message` (1-based lines). */
const related = (f: Finding) => f.related.map((r) => `${r.file}:${r.range.start.line + 1} ${r.message}`).sort();

describe('findings on shared schemas list every operation', () => {
  test('a sensitive property in a referenced file is reported there, once, with each operation related', async () => {
    const root = join(FIXTURES, 'response-sensitive-field', 'positive-multifile');
    const [finding, ...others] = await findings(responseSensitiveField, root, [join(root, 'openapi.yaml')]);
    assert.equal(others.length, 0);
    assert.equal(finding.file, 'schemas/user.yaml');
    assert.deepEqual(finding.path, ['properties', 'password_hash']);
    assert.deepEqual(operations(finding), ['GET /teams/{id}/members', 'GET /users/{id}', 'PATCH /users/{id}']);
    assert.deepEqual(related(finding), [
      "openapi.yaml:24 PATCH /users/{id} returns 'password_hash'",
      "openapi.yaml:48 GET /teams/{id}/members returns 'password_hash'",
      "openapi.yaml:9 GET /users/{id} returns 'password_hash'",
    ]);
    assert.match(finding.message, /'password_hash' holds a hash of a password and is returned by GET \/users\/\{id\}, PATCH \/users\/\{id\} and GET \/teams\/\{id\}\/members/);
  });

  test('a token returned by the login operation is expected; the same token on a GET is not', async () => {
    const root = join(FIXTURES, 'response-sensitive-field');
    const all = await findings(responseSensitiveField, root, [join(root, 'positive-oas30.yaml')]);
    const token = all.find((f) => f.path.join('.') === 'components.schemas.Session.properties.access_token')!;
    assert.deepEqual(operations(token), ['GET /sessions/current']);
    const password = all.find((f) => f.path.join('.') === 'components.schemas.User.properties.password')!;
    assert.deepEqual(operations(password), ['GET /users', 'GET /users/{id}']);
    assert.equal(password.related.length, 2);
  });

  test('a privileged request property in a referenced file lists every operation that accepts it', async () => {
    const root = join(FIXTURES, 'request-mass-assignment', 'positive-multifile');
    const [finding, ...others] = await findings(requestMassAssignment, root, [join(root, 'openapi.yaml')]);
    assert.equal(others.length, 0);
    assert.equal(finding.file, 'schemas/user-input.yaml');
    assert.deepEqual(operations(finding), ['POST /users', 'PUT /users/{id}']);
    assert.deepEqual(related(finding), ["openapi.yaml:20 PUT /users/{id} accepts 'roles'", "openapi.yaml:9 POST /users accepts 'roles'"]);
  });

  test('a schema shared by requests and responses names each operation and what it does with it', async () => {
    const root = join(FIXTURES, 'response-shares-request-schema');
    const [finding] = await findings(responseSharesRequestSchema, root, [join(root, 'positive-oas30.yaml')]);
    assert.deepEqual(operations(finding), ['GET /users/{id}', 'POST /users']);
    assert.deepEqual(related(finding), [
      'positive-oas30.yaml:24 GET /users/{id} returns it',
      'positive-oas30.yaml:9 POST /users accepts it as its request body and returns it',
    ]);
    assert.match(finding.message, /'id', 'created_at'/);
  });
});

test('sensitiveFields adds names, matched on words, as warnings', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'api-sentinel-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const spec = join(root, 'openapi.yaml');
  writeFileSync(spec, [
    'openapi: 3.0.3',
    'info: { title: Members, version: "1.0" }',
    'paths:',
    '  /members/{id}:',
    '    get:',
    '      responses:',
    '        "200":',
    '          description: A member',
    '          content:',
    '            application/json:',
    '              schema:',
    '                type: object',
    '                properties:',
    '                  motherMaidenName: { type: string }',
    '                  maiden: { type: string }',
    '',
  ].join('\n'));
  assert.deepEqual(await findings(responseSensitiveField, root, [spec]), []);
  const [finding, ...others] = await findings(responseSensitiveField, root, [spec], { sensitiveFields: ['mother_maiden_name'] });
  assert.equal(others.length, 0);
  assert.deepEqual(finding.path.slice(-1), ['motherMaidenName']);
  assert.equal(finding.severity, 'warning');
});

describe('sensitive names are matched on words', () => {
  const cases: [string, string | undefined][] = [
    ['password', 'credential'], ['newPassword', 'credential'], ['password_hash', 'credential'], ['PASSWD', 'credential'],
    ['apikey', 'issued'], ['APIKey', 'issued'], ['client_secret', 'issued'], ['refreshToken', 'issued'], ['sessionId', 'issued'],
    ['cvc', 'credential'], ['card_number', 'credential'], ['ssn', 'personal'], ['iban', 'personal'],
    ['password_changed_at', undefined], ['has_password', undefined], ['password_set', undefined], ['token_type', undefined],
    ['expires_in', undefined], ['card_last4', undefined], ['last4', undefined], ['pin_enabled', undefined], ['sha', undefined],
    ['hash', undefined], ['next_page_token', undefined], ['public_key', undefined], ['key', undefined], ['secret_name', undefined],
    ['passwordless', undefined], ['spinner', undefined],
  ];
  for (const [name, kind] of cases) {
    test(`${name}: ${kind ?? 'not sensitive'}`, () => assert.equal(sensitiveName(name, [])?.kind, kind));
  }
});

describe('privileged request names are matched on words', () => {
  const cases: [string, boolean][] = [
    ['role', true], ['roles', true], ['isAdmin', true], ['is_admin', true], ['permissions', true], ['ownerId', true],
    ['created_by', true], ['email_verified', true], ['plan', true], ['balance', true], ['amount_paid', true],
    ['roleName', false], ['default_role', false], ['administrator_email', false], ['verified_at', false], ['planet', false],
    ['display_name', false],
  ];
  for (const [name, privileged] of cases) {
    test(`${name}: ${privileged ? 'privileged' : 'not privileged'}`, () => assert.equal(privilegedName(name) !== undefined, privileged));
  }
});

test('names are matched on their last words, whole', () => {
  assert.ok(endsWithWords(['user', 'api', 'key'], ['api', 'key']));
  assert.ok(endsWithWords(['api', 'key'], ['api', 'key']));
  assert.ok(!endsWithWords(['user', 'api', 'key'], ['user', 'key']));
  assert.ok(!endsWithWords(['key'], ['api', 'key']), 'a tail longer than the name');
  assert.ok(!endsWithWords(['key'], []), 'an empty tail matches nothing');
});

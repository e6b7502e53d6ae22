/** The quick fixes of the auth and transport checks: exact text (style kept) and safe/suggestion kinds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applied, findings, fixNamed, onlyFix, ownFixes } from './support/fix-helpers';
import type { Finding, Fix } from '../server/src/engine/types';
import { loadCases } from './support/fixtures';
import { review } from './support/engine';

test('auth-missing without any scheme: "Require bearerAuth" declares a bearer scheme and documents 401/403; comments and order stay', async () => {
  const doc = [
    'openapi: 3.0.3',
    'info:',
    '    title: Orders',
    "    version: '1.0'",
    'paths:',
    '    /orders:',
    '        # the order book',
    '        post:',
    "            operationId: createOrder # used by the SDK",
    '            responses:',
    "                '201':",
    '                    description: Created',
    '',
  ].join('\n');
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-missing');
  const require = fixNamed(finding, /^Require/);
  assert.equal(require.title, 'Require bearerAuth, documenting 401 and 403');
  assert.equal(require.kind, 'suggestion');
  // all of it goes after the last line: the responses, the requirement, the declared scheme
  assert.equal(applied({ 'openapi.yaml': doc }, require)['openapi.yaml'], doc + [
    "                '401':",
    '                    description: Missing or invalid credentials',
    "                '403':",
    '                    description: The credentials do not allow this operation',
    '            security:',
    '                - bearerAuth: []',
    'components:',
    '    securitySchemes:',
    '        bearerAuth:',
    '            type: http',
    '            scheme: bearer',
    '',
  ].join('\n'));

  const markPublic = fixNamed(finding, /^Mark as intentionally public/);
  assert.equal(markPublic.kind, 'suggestion');
  assert.equal(applied({ 'openapi.yaml': doc }, markPublic)['openapi.yaml'], doc.replace(
    '                    description: Created\n',
    "                    description: Created\n            security: []\n            x-api-sentinel-public: 'TODO: say why anyone may call this'\n"));
});

test("auth-missing on 'security: []': the root requirement's OAuth2 scheme, with the scopes the other writes use", async () => {
  const doc = `openapi: 3.1.0
info: { title: Orders, version: "1.0" }
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: { orders:read: Read, orders:write: Write }
security:
  - oauth: [orders:read]
paths:
  /orders:
    get:
      responses: { "200": { description: The orders }, "401": { description: No token } }
    post:
      security:
        - oauth: [orders:write]
      responses: { "201": { description: Created }, "401": { description: No token } }
  /orders/{id}:
    put:
      security: [] # TODO
      responses: { "200": { description: Updated }, "401": { description: No token } }
`;
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-missing');
  const require = fixNamed(finding, /^Require/);
  assert.equal(require.title, 'Require oauth');
  assert.equal(applied({ 'openapi.yaml': doc }, require)['openapi.yaml'],
    doc.replace('      security: [] # TODO\n', '      security: # TODO\n        - oauth:\n            - "orders:write"\n'));
});

test("auth-missing on an anonymous '{}' alternative: the alternative goes, the named ones stay", async () => {
  const doc = `openapi: 3.0.3
info: { title: Catalog, version: "1.0" }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
paths:
  /items/{id}:
    get:
      security: [{}, { key: [] }]
      responses: { "200": { description: An item }, "401": { description: No key } }
`;
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-missing');
  const require = fixNamed(finding, /^Require/);
  assert.equal(require.title, "Require key (remove the anonymous '{}' alternative)");
  assert.equal(applied({ 'openapi.yaml': doc }, require)['openapi.yaml'], doc.replace('security: [{}, { key: [] }]', 'security: [{ key: [] }]'));
  const markPublic = fixNamed(finding, /^Mark as intentionally public/);
  // optional sign-in is kept: only the declaration is added
  assert.equal(applied({ 'openapi.yaml': doc }, markPublic)['openapi.yaml'], doc.replace(
    '"401": { description: No key } }\n', '"401": { description: No key } }\n      x-api-sentinel-public: "TODO: say why anyone may call this"\n'));
});

test('auth-missing in a path file: the operation is edited where it is written, the scheme declared in the root document', async () => {
  const files = {
    'openapi.yaml': 'swagger: "2.0"\ninfo:\n  title: Files\n  version: "1.0"\npaths:\n  /files:\n    $ref: paths/files.yaml\n',
    'paths/files.yaml': 'delete:\n  responses:\n    "204":\n      description: Deleted\n',
  };
  const [finding] = await findings(files, 'auth-missing');
  assert.equal(finding.file, 'paths/files.yaml');
  const out = applied(files, fixNamed(finding, /^Require/));
  assert.equal(out['paths/files.yaml'], 'delete:\n  responses:\n    "204":\n      description: Deleted\n    "401":\n      description: Missing or invalid credentials\n    "403":\n      description: The credentials do not allow this operation\n  security:\n    - bearerAuth: []\n');
  assert.equal(out['openapi.yaml'], files['openapi.yaml'] + 'securityDefinitions:\n  bearerAuth:\n    type: apiKey\n    name: Authorization\n    in: header\n    description: "Access token in the Authorization header: Bearer <token>"\n');
});

test('auth-missing-401-403: a safe fix, $ref to the responses the document already uses, in status order', async () => {
  const files = {
    'openapi.json': `{
    "openapi": "3.0.3",
    "info": { "title": "Teams", "version": "1.0" },
    "security": [{ "key": [] }],
    "paths": {
        "/teams": {
            "get": {
                "responses": {
                    "200": { "description": "The teams" },
                    "401": { "$ref": "responses.json#/NoKey" }
                }
            },
            "post": {
                "responses": {
                    "201": { "description": "Created" },
                    "default": { "description": "Error" }
                }
            }
        }
    },
    "components": {
        "securitySchemes": { "key": { "type": "apiKey", "in": "header", "name": "X-Key" } },
        "responses": { "Forbidden": { "description": "Not allowed" } }
    }
}
`,
    'responses.json': '{ "NoKey": { "description": "Missing key" } }\n',
  };
  const [finding] = await findings(files, 'auth-missing-401-403');
  const fix = fixNamed(finding, /^Add/);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: 'Add 401 and 403 responses', kind: 'safe' });
  assert.equal(applied(files, fix)['openapi.json'], files['openapi.json'].replace(
    '                    "201": { "description": "Created" },\n',
    '                    "201": { "description": "Created" },\n'
    + '                    "401": {\n                        "$ref": "responses.json#/NoKey"\n                    },\n'
    + '                    "403": {\n                        "$ref": "#/components/responses/Forbidden"\n                    },\n'));
});

test('transport-insecure-server: only the scheme changes, in its quotes; 2.0 schemes are replaced or dropped', async () => {
  const doc = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\nservers:\n  - url: 'http://api.example.com' # production\npaths: {}\n";
  const [finding] = await findings({ 'openapi.yaml': doc }, 'transport-insecure-server');
  const fix = fixNamed(finding, /^Use https/);
  assert.equal(fix.kind, 'suggestion');
  assert.equal(applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'], doc.replace("'http://", "'https://"));
  const legacy = 'swagger: "2.0"\ninfo: { title: T, version: "1" }\nhost: api.example.com\nschemes:\n  - "http"\npaths: {}\n';
  const [old] = await findings({ 'openapi.yaml': legacy }, 'transport-insecure-server');
  assert.equal(applied({ 'openapi.yaml': legacy }, fixNamed(old, /^Use https/))['openapi.yaml'], legacy.replace('- "http"', '- "https"'));
});

test("auth-scheme-undefined: a misspelt scheme becomes the one declared name it resembles, quotes kept", async () => {
  const doc = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\ncomponents:\n  securitySchemes:\n    bearer_auth: { type: http, scheme: bearer }\nsecurity:\n  - 'BearerAuth': []\npaths: {}\n";
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-scheme-undefined');
  const fix = fixNamed(finding, /^Use/);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: "Use 'bearer_auth'", kind: 'suggestion' });
  assert.equal(applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'], doc.replace("'BearerAuth'", "'bearer_auth'"));
});

/** Applies a fix to one document and says what the rule still reports there. */
async function afterFix(doc: string, fix: Fix, rule: string): Promise<{ text: string; left: Finding[] }> {
  const text = applied({ 'openapi.yaml': doc }, fix)['openapi.yaml'];
  return { text, left: await findings({ 'openapi.yaml': text }, rule) };
}

test('auth-scheme-undefined: a name like no declared one is declared as a bearer scheme, where the file declares schemes', async () => {
  const doc = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\ncomponents:\n  securitySchemes:\n    apiKey: { type: apiKey, in: header, name: X-Key }\nsecurity:\n  - session: []\npaths: {}\n";
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-scheme-undefined');
  const fix = onlyFix(finding);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: "Declare 'session' as a bearer token scheme", kind: 'suggestion' });
  const { text, left } = await afterFix(doc, fix, 'auth-scheme-undefined');
  assert.equal(text, doc.replace('name: X-Key }\n', 'name: X-Key }\n    session:\n      type: http\n      scheme: bearer\n'));
  assert.deepEqual(left, []);
  // asked for scopes in 3.0, a bearer scheme would be wrong: no fix but the suppression
  const [scoped] = await findings({ 'openapi.yaml': doc.replace('session: []', 'session: [read]') }, 'auth-scheme-undefined');
  assert.deepEqual(ownFixes(scoped), []);
});

test('auth-scopes-undefined: the scope is defined in every flow of the scheme, in the style of each scope map', async () => {
  const doc = [
    'openapi: 3.0.3',
    "info: { title: T, version: '1' }",
    'components:',
    '  securitySchemes:',
    '    oauth:',
    '      type: oauth2',
    '      flows:',
    '        authorizationCode:',
    '          authorizationUrl: https://auth.example.com/authorize',
    '          tokenUrl: https://auth.example.com/token',
    '          refreshUrl: https://auth.example.com/token',
    '          scopes:',
    '            orders:read: Read orders',
    '        clientCredentials:',
    '          tokenUrl: https://auth.example.com/token',
    '          scopes: { orders:read: Read orders }',
    'paths:',
    '  /orders:',
    '    post:',
    '      security:',
    '        - oauth: [orders:write]',
    '      responses:',
    "        '201': { description: Created }",
    "        '401': { description: No }",
    '',
  ].join('\n');
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-scopes-undefined');
  const fix = onlyFix(finding);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: "Define scope 'orders:write' in 'oauth'", kind: 'suggestion' });
  const { text, left } = await afterFix(doc, fix, 'auth-scopes-undefined');
  assert.equal(text, doc
    .replace('            orders:read: Read orders\n', "            orders:read: Read orders\n            'orders:write': Required by POST /orders\n")
    .replace('scopes: { orders:read: Read orders }', "scopes: { orders:read: Read orders, 'orders:write': Required by POST /orders }"));
  assert.deepEqual(left, []);
});

test('auth-scopes-undefined: scopes listed for a scheme that is not OAuth2 (3.0) are emptied', async () => {
  const doc = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\ncomponents:\n  securitySchemes:\n    bearer: { type: http, scheme: bearer }\nsecurity:\n  - bearer:\n      - admin\npaths: {}\n";
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-scopes-undefined');
  const fix = onlyFix(finding);
  assert.equal(fix.title, "Require 'bearer' with no scopes ([])");
  const { text, left } = await afterFix(doc, fix, 'auth-scopes-undefined');
  assert.equal(text, doc.replace('  - bearer:\n      - admin\n', '  - bearer: []\n'));
  assert.deepEqual(left, []);
});

test('auth-weak-scheme: HTTP Basic becomes bearer tokens, quotes kept', async () => {
  const doc = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\ncomponents:\n  securitySchemes:\n    basicAuth:\n      type: http\n      scheme: 'basic'\nsecurity:\n  - basicAuth: []\npaths: {}\n";
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-weak-scheme');
  const fix = onlyFix(finding);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: 'Use bearer tokens instead (scheme: bearer)', kind: 'suggestion' });
  const { text, left } = await afterFix(doc, fix, 'auth-weak-scheme');
  assert.equal(text, doc.replace("scheme: 'basic'", "scheme: 'bearer'"));
  assert.deepEqual(left, []);
});

test('auth-weak-scheme: the implicit and password flows become the authorization code flow, or go when it is there', async () => {
  const implicit = [
    'openapi: 3.0.3',
    "info: { title: T, version: '1' }",
    'components:',
    '  securitySchemes:',
    '    oauth:',
    '      type: oauth2',
    '      flows:',
    '        implicit:',
    '          authorizationUrl: https://auth.example.com/oauth/authorize?audience=api',
    '          scopes: {}',
    'paths: {}',
    '',
  ].join('\n');
  const [finding] = await findings({ 'openapi.yaml': implicit }, 'auth-weak-scheme');
  const fix = onlyFix(finding);
  assert.deepEqual({ title: fix.title, kind: fix.kind }, { title: 'Use the authorization code flow instead (with PKCE)', kind: 'suggestion' });
  const { text, left } = await afterFix(implicit, fix, 'auth-weak-scheme');
  assert.equal(text, implicit.replace('        implicit:\n', '        authorizationCode:\n').replace('          scopes: {}\n',
    "          scopes: {}\n          tokenUrl: 'https://auth.example.com/oauth/token'\n          refreshUrl: 'https://auth.example.com/oauth/token'\n"));
  assert.deepEqual(left, []);
  assert.deepEqual(await findings({ 'openapi.yaml': text }, 'auth-token-refresh-undefined'), [], 'refreshed at the token endpoint');

  const password = implicit.replace('        implicit:\n          authorizationUrl: https://auth.example.com/oauth/authorize?audience=api\n',
    '        password:\n          tokenUrl: https://auth.example.com/oauth/token\n');
  const [weak] = await findings({ 'openapi.yaml': password }, 'auth-weak-scheme');
  const converted = await afterFix(password, onlyFix(weak), 'auth-weak-scheme');
  assert.match(converted.text, /authorizationCode:\n {10}tokenUrl: https:\/\/auth\.example\.com\/oauth\/token\n {10}scopes: \{\}\n {10}authorizationUrl: 'https:\/\/auth\.example\.com\/oauth\/authorize'\n/);
  assert.deepEqual(converted.left, []);

  const both = implicit.replace('          scopes: {}\n', '          scopes: {}\n        authorizationCode:\n          authorizationUrl: https://auth.example.com/a\n          tokenUrl: https://auth.example.com/t\n          refreshUrl: https://auth.example.com/t\n          scopes: {}\n');
  const [redundant] = await findings({ 'openapi.yaml': both }, 'auth-weak-scheme');
  const removal = onlyFix(redundant);
  assert.equal(removal.title, 'Remove the implicit flow (authorizationCode stays)');
  const removed = await afterFix(both, removal, 'auth-weak-scheme');
  assert.ok(!removed.text.includes('implicit'), removed.text);
  assert.deepEqual(removed.left, []);
});

test('auth-missing: one "Require" per declared scheme, the strongest first, each in the style the operation is written in', async () => {
  const doc = [
    'openapi: 3.0.3',
    "info: { title: T, version: '1' }",
    'components:',
    '  securitySchemes:',
    '    basicAuth: { type: http, scheme: basic }',
    '    key: { type: apiKey, in: header, name: X-Key }',
    '    oauth:',
    '      type: oauth2',
    '      flows:',
    '        clientCredentials: { tokenUrl: https://auth.example.com/token, scopes: {} }',
    'security:',
    '  - basicAuth: []',
    'paths:',
    '  /reports:',
    "    get: { security: [], responses: { '200': { description: OK } } }",
    '',
  ].join('\n');
  const [finding] = await findings({ 'openapi.yaml': doc }, 'auth-missing');
  const requires = ownFixes(finding).filter((fix) => fix.title.startsWith('Require'));
  assert.deepEqual(requires.map((fix) => fix.title), ['Require oauth, documenting 401 and 403', 'Require key, documenting 401 and 403', 'Require basicAuth, documenting 401 and 403']);
  for (const fix of requires) {
    const { text, left } = await afterFix(doc, fix, 'auth-missing');
    assert.deepEqual(left, [], fix.title);
    // still one line, in flow style
    const scheme = /^Require (\w+)/.exec(fix.title)![1];
    assert.match(text.split('\n')[14], new RegExp(`^    get: \\{ security: \\[\\{ ?${scheme}: \\[\\] ?\\}\\], responses: \\{ .*'401'.*'403'.* \\} \\}$`), text);
  }
});

/** Which fixes may be safe: documenting responses changes no behaviour; everything else changes who may call what, and how. */
const SAFE_FIXES = /^Add 401|^Add 403/;

test('only behaviour-preserving fixes are safe, across the fixtures of these checks', async () => {
  const rules = ['auth-missing', 'auth-missing-401-403', 'transport-insecure-server', 'auth-scheme-undefined', 'auth-scopes-undefined', 'auth-weak-scheme', 'auth-credentials-in-url'];
  let seen = 0;
  for (const rule of rules) {
    for (const c of loadCases(rule).filter((x) => x.kind === 'positive')) {
      const result = await review(c.root, c.files);
      for (const finding of result.findings.filter((f) => f.ruleId === rule)) {
        for (const fix of finding.fixes) {
          seen++;
          assert.equal(fix.kind, SAFE_FIXES.test(fix.title) ? 'safe' : 'suggestion', `${rule} ${c.name}: '${fix.title}'`);
        }
        if (rule === 'auth-missing-401-403') assert.ok(finding.fixes.some((f) => f.kind === 'safe'), `${c.name}: a safe fix`);
      }
    }
  }
  assert.ok(seen > 30, 'fixes were checked');
});

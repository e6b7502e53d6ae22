/** `.api-sentinel.yaml`: validation with positions, include/exclude, public paths, rule severities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, resolveConfig, isIncluded, isPublicPath } from '../server/src/engine/config';

const RULES = new Set(['auth-missing', 'string-unbounded']);

test('a valid configuration parses without problems', () => {
  const { config, problems } = parseConfig(`rules:
  auth-missing: error
  string-unbounded: off
sensitiveFields: [tax_id]
publicPaths: ["/public/**", "GET /status"]
include: ["specs/**"]
exclude: ["**/generated/**"]
allowRemoteRefs: false
maxFileSizeMB: 5
`, '.api-sentinel.yaml', RULES);
  assert.deepEqual(problems, []);
  const resolved = resolveConfig(config);
  assert.equal(resolved.rules.get('auth-missing'), 'error');
  assert.equal(resolved.rules.get('string-unbounded'), 'off');
  assert.deepEqual(resolved.sensitiveFields, ['tax_id']);
  assert.equal(resolved.maxFileSize, 5 * 1024 * 1024);
});

test('invalid entries are reported at their key and ignored', () => {
  const { config, problems } = parseConfig(`rules:
  auth-mising: error
  string-unbounded: loud
publicPaths: /x
colour: blue
`, 'cfg.yaml', RULES);
  assert.deepEqual(problems.map((p) => [p.range!.start.line, p.range!.start.character, p.message]), [
    [1, 2, "Unknown rule 'auth-mising'"],
    [2, 2, "Rule 'string-unbounded': 'loud' is not one of error, warning, info, hint, off"],
    [3, 0, "'publicPaths' must be a list of strings"],
    [4, 0, "Unknown setting 'colour'"],
  ]);
  assert.deepEqual(config.rules, {});
  assert.equal(config.publicPaths, undefined);
});

test('a configuration that is not YAML is a problem with a position', () => {
  const { problems } = parseConfig('rules: [a,\n', 'cfg.yaml', RULES);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'config-invalid');
  assert.ok(problems[0].range);
});

test('include and exclude globs; dependency and VCS folders are always excluded', () => {
  const config = resolveConfig({ include: ['specs/**/*.yaml'], exclude: ['specs/generated/**'] });
  assert.equal(isIncluded('specs/api.yaml', config), true);
  assert.equal(isIncluded('specs/v2/api.yaml', config), true);
  assert.equal(isIncluded('specs/generated/api.yaml', config), false);
  assert.equal(isIncluded('docs/api.yaml', config), false);
  assert.equal(isIncluded('node_modules/x/api.yaml', resolveConfig({})), false);
  assert.equal(isIncluded('a/.git/api.yaml', resolveConfig({})), false);
});

test('public path patterns match paths, optionally one method', () => {
  const config = resolveConfig({ publicPaths: ['/public/**', 'GET /status/*'] });
  assert.equal(isPublicPath('get', '/public/docs/{id}', config), true);
  assert.equal(isPublicPath('get', '/status/db', config), true);
  assert.equal(isPublicPath('post', '/status/db', config), false);
  assert.equal(isPublicPath('get', '/private', config), false);
});

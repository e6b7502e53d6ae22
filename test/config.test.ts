/** `.api-sentinel.yaml`: validation with positions, include/exclude, public paths, rule severities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, resolveConfig, isIncluded, isPublicPath, MAX_PATTERNS } from '../server/src/engine/config';
import { mergeSettings } from '../server/src/lsp/settings';

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

test('authMiddleware and rateLimiters: lists of names, an empty name or a wrong type reported at its place', () => {
  const good = parseConfig('authMiddleware: [requireTenant, verifySession]\nrateLimiters: [throttleAll]\n', 'cfg.yaml', RULES);
  assert.deepEqual(good.problems, []);
  const resolved = resolveConfig(good.config);
  assert.deepEqual([resolved.authMiddleware, resolved.rateLimiters], [['requireTenant', 'verifySession'], ['throttleAll']]);
  assert.deepEqual([resolveConfig({}).authMiddleware, resolveConfig({}).rateLimiters], [[], []]);
  const bad = parseConfig('authMiddleware:\n  - requireTenant\n  - ""\nrateLimiters: throttleAll\n', 'cfg.yaml', RULES);
  assert.deepEqual(bad.problems.map((p) => [p.range!.start.line, p.range!.start.character, p.message]), [
    [2, 4, "'authMiddleware' lists an empty name"],
    [3, 0, "'rateLimiters' must be a list of strings"],
  ]);
  assert.deepEqual([bad.config.authMiddleware, bad.config.rateLimiters], [['requireTenant'], undefined]);
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
  const config = resolveConfig({ publicPaths: ['/public/**', 'GET /status/*', '  post\t /hooks/{a,b}  ', 'status/*'] });
  assert.equal(isPublicPath('get', '/public/docs/{id}', config), true);
  assert.equal(isPublicPath('get', '/status/db', config), true);
  assert.equal(isPublicPath('post', '/status/db', config), false);
  assert.equal(isPublicPath('get', '/private', config), false);
  assert.equal(isPublicPath('post', '/hooks/b', config), true, 'the method is any letters, in any case, then white space');
  assert.equal(isPublicPath('get', '/hooks/b', config), false);
  assert.equal(isPublicPath('get', 'status/x', config), true, 'letters without white space are part of the glob');
});

/** Each problem as [start line, start character, end line, end character, message]. */
const placed = (problems: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; message: string }[]) =>
  problems.map((p) => [p.range!.start.line, p.range!.start.character, p.range!.end.line, p.range!.end.character, p.message]);

test('an invalid pattern is reported at its entry and ignored; the valid ones apply', () => {
  const long = 'a'.repeat(1001);
  const { config, problems } = parseConfig(`exclude:
  - "**/generated/**"
  - "{a,b"
  - ''
  - "a\\0b"
  - x}
  - '{{{{{{{{{a}}}}}}}}}'
  - ${long}
  - "legacy/**"
publicPaths: ["/public/**", "GET {x", '   ']
include: [specs/**]
`, 'cfg.yaml', RULES);
  assert.deepEqual(placed(problems), [
    [2, 4, 2, 10, "Invalid pattern in 'exclude': the '{' at character 1 has no matching '}'"],
    [3, 4, 3, 6, "Invalid pattern in 'exclude': it is empty"],
    [4, 4, 4, 10, "Invalid pattern in 'exclude': it has a NUL character at character 2"],
    [5, 4, 5, 6, "Invalid pattern in 'exclude': the '}' at character 2 has no matching '{'"],
    [6, 4, 6, 25, "Invalid pattern in 'exclude': its braces nest deeper than 8 levels at character 9"],
    [7, 4, 7, 4 + long.length, "Invalid pattern in 'exclude': it has 1001 characters, more than 1000"],
    [9, 28, 9, 36, "Invalid pattern in 'publicPaths': the '{' at character 5 has no matching '}'"],
    [9, 38, 9, 43, "Invalid pattern in 'publicPaths': it is empty"],
  ]);
  assert.ok(problems.every((p) => p.code === 'config-invalid' && p.severity === 'error'));
  assert.deepEqual(config.exclude, ['**/generated/**', 'legacy/**']);
  assert.deepEqual(config.publicPaths, ['/public/**']);
  assert.deepEqual(config.include, ['specs/**']);
  const resolved = resolveConfig(config);
  assert.equal(isIncluded('specs/legacy/api.yaml', resolved), true);
  assert.equal(isIncluded('specs/generated/api.yaml', resolved), false);
  assert.equal(isPublicPath('get', '/public/x', resolved), true);
});

test('a pattern list longer than the cap is one problem at its key; its first patterns apply', () => {
  const patterns = Array.from({ length: MAX_PATTERNS + 5 }, (_, i) => `gen${i}/**`);
  const { config, problems } = parseConfig(`rules: {}\nexclude: [${patterns.join(', ')}]\n`, 'cfg.yaml', RULES);
  assert.deepEqual(placed(problems), [[1, 0, 1, 7, "'exclude' has 1005 patterns; only the first 1000 are used"]]);
  assert.deepEqual(config.exclude, patterns.slice(0, MAX_PATTERNS));
});

test('editor public paths go through the same checks; the ones left out are logged', () => {
  const logged: string[] = [];
  const log = (message: string) => logged.push(message);
  const merged = mergeSettings({ publicPaths: ['/public/**'] }, { publicPaths: ['/health', 'GET /a/{b', ''] }, log);
  assert.deepEqual(merged.publicPaths, ['/public/**', '/health']);
  assert.deepEqual(logged, [
    "apiSentinel.publicPaths[1]: Invalid pattern in 'publicPaths': the '{' at character 8 has no matching '}'",
    "apiSentinel.publicPaths[2]: Invalid pattern in 'publicPaths': it is empty",
  ]);
  logged.length = 0;
  const many = Array.from({ length: MAX_PATTERNS + 1 }, (_, i) => `/p${i}`);
  assert.equal(mergeSettings({}, { publicPaths: many }, log).publicPaths?.length, MAX_PATTERNS);
  assert.deepEqual(logged, ["apiSentinel.publicPaths: 'publicPaths' has 1001 patterns; only the first 1000 are used"]);
  logged.length = 0;
  const notAList = { publicPaths: '/x' } as unknown as { publicPaths: string[] };
  assert.deepEqual(mergeSettings({ publicPaths: ['/public/**'] }, notAList, log).publicPaths, ['/public/**']);
  assert.deepEqual(logged, ['apiSentinel.publicPaths must be a list of strings; it is ignored']);
});

test('editor lists of internal paths, auth middleware, rate limiters and sensitive fields add to the file\'s, checked as in the file', () => {
  const logged: string[] = [];
  const merged = mergeSettings(
    { internalPaths: ['/internal/**'], authMiddleware: ['requireUser'], rateLimiters: ['throttle'], sensitiveFields: ['pin'] },
    { internalPaths: ['GET /debug/*', '/a/{b'], authMiddleware: ['verifySession', ' '], rateLimiters: ['slowDown'], sensitiveFields: 'otp' as unknown as string[] },
    (message) => logged.push(message),
  );
  assert.deepEqual(merged.internalPaths, ['/internal/**', 'GET /debug/*']);
  assert.deepEqual(merged.authMiddleware, ['requireUser', 'verifySession']);
  assert.deepEqual(merged.rateLimiters, ['throttle', 'slowDown']);
  assert.deepEqual(merged.sensitiveFields, ['pin']);
  assert.deepEqual(logged, [
    'apiSentinel.sensitiveFields must be a list of strings; it is ignored',
    "apiSentinel.internalPaths[1]: Invalid pattern in 'internalPaths': the '{' at character 4 has no matching '}'",
    'apiSentinel.authMiddleware[1] is empty; it is ignored',
  ]);
});

test('a list past 10,000 characters of patterns keeps the patterns before the limit and reports the first one past it, once', () => {
  const long = `/${'a'.repeat(998)}`;
  const text = `publicPaths:\n${Array.from({ length: 12 }, () => `  - "${long}"`).join('\n')}\n`;
  const { config, problems } = parseConfig(text, '.api-sentinel.yaml', new Set());
  assert.equal(config.publicPaths?.length, 10);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /more than 10000 characters of patterns/);
  assert.equal(problems[0].range?.start.line, 11);
});

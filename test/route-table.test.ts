/** The route table's formats (`api-sentinel routes`) on route facts built here: protection in words, escaping, the OpenAPI skeleton. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import type { ChainLink, Route } from '../server/src/engine';
import { parseArgs } from '../server/src/cli/args';
import { openApiSkeleton, protection, routeTable } from '../server/src/cli/routes';

const at = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 9 } });

function route(method: string, path: string, chain: Partial<ChainLink>[] = [], over: Partial<Route> = {}): Route {
  return {
    framework: 'express', method, path, key: `${method} ${path}`, file: 'src/app.ts', range: at(3), mounted: true,
    chain: chain.map((link) => ({ name: 'mw', kind: 'other', evidence: 'e', appliedAt: { file: 'src/app.ts', range: at(1) }, scope: 'global', ...link })),
    ...over,
  };
}

test('protection in words: auth first named, limiters and unknown links listed, helmet-like links left out', () => {
  assert.equal(protection(route('GET', '/a', [{ name: 'helmet' }, { name: 'requireAuth', kind: 'auth' }, { name: 'limiter', kind: 'rate-limit' }])), 'protected by requireAuth (auth), limiter (rate-limit)');
  assert.equal(protection(route('POST', '/login', [{ name: 'loginLimiter', kind: 'rate-limit' }, { name: 'tenant', kind: 'unknown' }])), 'no auth; loginLimiter (rate-limit), tenant (unknown)');
  assert.equal(protection(route('GET', '/b', [{ name: 'cors' }])), 'no auth');
  const handler = { file: 'src/app.ts', range: at(3), enforces: { kind: 'auth' as const, evidence: 'answers 401' } };
  assert.equal(protection(route('GET', '/c', [], { handler })), 'protected by the inline handler (auth)');
  assert.equal(protection(route('GET', '/{id}', [], { mounted: false })), 'no auth (no app mounts its router: the path is relative to it)');
});

test('text: aligned columns, 1-based lines, file-derived text escaped', () => {
  const table = routeTable([route('GET', '/a'), route('DELETE', '/orders/{id}', [], { file: 'src/\u001b[31mevil.ts', range: at(41) })]);
  assert.equal(table, [
    'GET /a               src/app.ts:4              no auth',
    'DELETE /orders/{id}  src/\\u001b[31mevil.ts:42  no auth',
    '',
  ].join('\n'));
  assert.equal(routeTable([]), 'No routes found.\n');
});

test('openapi: a 3.1 skeleton; {?} segments named, every method of a path together, all() and repeats noted, text quoted', () => {
  const auth = [{ name: 'requireAuth', kind: 'auth' as const }];
  const yaml = openApiSkeleton([
    route('GET', '/files/{?}/{?}', auth),
    route('GET', '/users/{id}', auth),
    route('DELETE', '/users/{id}', auth),
    route('ALL', '/echo'),
    route('GET', '/users/{id}', [], { file: 'src/other.ts' }),
    route('POST', '/login', [], { file: 'src/"quoted"\u202e.ts' }),
  ], 'shop\napi');
  const spec = load(yaml) as { info: { title: string }; paths: Record<string, Record<string, { security?: unknown; parameters?: { name: string }[]; 'x-api-sentinel-source': string }>>; components: object };
  assert.equal(spec.info.title, 'shop\napi');
  assert.deepEqual(Object.keys(spec.paths), ['/files/{segment1}/{segment2}', '/users/{id}', '/login']);
  assert.deepEqual(spec.paths['/files/{segment1}/{segment2}'].get.parameters!.map((p) => p.name), ['segment1', 'segment2']);
  assert.deepEqual(Object.keys(spec.paths['/users/{id}']), ['get', 'delete']);
  assert.deepEqual(spec.paths['/users/{id}'].delete.security, [{ bearerAuth: [] }]);
  assert.equal(spec.paths['/login'].post.security, undefined);
  assert.equal(spec.paths['/login'].post['x-api-sentinel-source'], 'src/"quoted"\u202e.ts:4');
  assert.ok(!yaml.includes('\u202e') && !yaml.includes('\napi'), 'active characters and line breaks are escaped in the YAML text');
  assert.match(yaml, /^ {2}# ALL \/echo \(src\/app\.ts:4\) answers every method: not listed$/m);
  assert.match(yaml, /^ {2}# GET \/users\/\{id\} \(src\/other\.ts:4\) is registered again: only the first registration is listed$/m);
  assert.ok('securitySchemes' in spec.components);
  const open = load(openApiSkeleton([route('GET', '/a')], 'x')) as Record<string, unknown>;
  assert.equal(open.components, undefined, 'no security scheme when the code enforces no auth');
  assert.deepEqual((load(openApiSkeleton([], 'x')) as { paths: object }).paths, {});
});

test('routes takes --format, --output and --config, and paths (the current folder by default)', () => {
  assert.deepEqual(parseArgs(['routes']), { name: 'routes', options: { paths: ['.'], format: 'text' } });
  assert.deepEqual(parseArgs(['routes', 'src', '-f', 'openapi', '--output=api.yaml', '-c', 'cfg.yaml']),
    { name: 'routes', options: { paths: ['src'], format: 'openapi', output: 'api.yaml', config: 'cfg.yaml' } });
  assert.throws(() => parseArgs(['routes', '--format', 'sarif']), /--format 'sarif' is not one of text, json, openapi/);
  assert.throws(() => parseArgs(['routes', '--diff', 'main']), /option '--diff' does not apply to 'routes'/);
  assert.deepEqual(parseArgs(['routes', '--help']), { name: 'help' });
});

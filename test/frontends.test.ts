/**
 * The seam where frontends plug in: an analysis runs only the frontends its enabled checks need, and each check gets
 * the models it declared. Shown with a test double for the code frontend (route facts are not read here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, CHECKS, type Check, type CheckContext, type Frontend, type FrontendPart, type Need } from '../server/src/engine';

const SPEC = '/p/api.yaml';
const SPEC_TEXT = 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths:\n  /a:\n    get:\n      responses: { "200": { description: ok } }\n';

interface CodeDouble extends FrontendPart { marker: string }

function setup() {
  const reads: string[] = [];
  const loads: string[][] = [];
  const reader = { read: (path: string) => { reads.push(path); return path === SPEC ? SPEC_TEXT : undefined; } };
  const code: Frontend<CodeDouble> = {
    need: 'code',
    claims: (request) => request.files.some((file) => file.endsWith('.ts')),
    async load(request) {
      loads.push([...request.files]);
      return { marker: 'routes', inputs: ['src/app.ts'], problems: [{ file: 'src/app.ts', severity: 'info', code: 'code-double', message: 'read by the double' }] };
    },
  };
  const seen: (CheckContext['code'] | undefined)[] = [];
  const checkNeeding = (needs: Need[]): Check => ({
    meta: { ...CHECKS[0].meta, id: `needs-${needs.join('-')}`, needs },
    run(ctx) { seen.push(ctx.code); },
  });
  return { reads, loads, reader, code, seen, checkNeeding };
}

test('a check that needs code gets the code model, and the spec frontend does not run', async () => {
  const { reads, loads, reader, code, seen, checkNeeding } = setup();
  const result = await analyze({ root: '/p', files: [SPEC, '/p/src/app.ts'], reader, checks: [checkNeeding(['code'])], frontends: { code } });
  assert.deepEqual(loads, [[SPEC, '/p/src/app.ts']]);
  assert.deepEqual(reads, [], 'no spec file read');
  assert.equal((seen[0] as CodeDouble).marker, 'routes');
  assert.deepEqual(result.problems.map((p) => p.code), ['code-double']);
  assert.deepEqual(result.inputs, ['src/app.ts']);
  assert.deepEqual(result.documents, []);
});

test('spec checks alone never load the code frontend', async () => {
  const { reads, loads, reader, code } = setup();
  const specChecks = CHECKS.filter((check) => !check.meta.needs.includes('code'));
  const result = await analyze({ root: '/p', files: [SPEC, '/p/src/app.ts'], reader, checks: specChecks, frontends: { code } });
  assert.deepEqual(loads, []);
  assert.deepEqual(reads, [SPEC]);
  assert.deepEqual(result.documents, ['api.yaml']);
  assert.deepEqual(result.frontends, ['spec']);
  assert.ok(result.findings.some((f) => f.ruleId === 'auth-missing'));
});

test('a frontend that claims no candidate is not loaded, whatever the checks need; the result says which frontends ran', async () => {
  const { loads, reader, code } = setup();
  const specOnly = await analyze({ root: '/p', files: [SPEC], reader, frontends: { code } });
  assert.deepEqual(loads, []);
  assert.deepEqual(specOnly.frontends, ['spec']);
  assert.ok(specOnly.findings.some((f) => f.ruleId === 'auth-missing'));
  const both = await analyze({ root: '/p', files: [SPEC, '/p/src/app.ts'], reader, frontends: { code } });
  assert.equal(loads.length, 1);
  assert.deepEqual(both.frontends, ['spec', 'code']);
});

test('a check that needs both gets both, each frontend loaded once', async () => {
  const { reads, loads, reader, code, seen, checkNeeding } = setup();
  const both = checkNeeding(['spec', 'code']);
  const result = await analyze({ root: '/p', files: [SPEC, '/p/src/app.ts'], reader, checks: [both, checkNeeding(['code'])], frontends: { code } });
  assert.equal(loads.length, 1);
  assert.deepEqual(reads, [SPEC]);
  assert.equal(seen.length, 2);
  assert.deepEqual(result.inputs, ['api.yaml', 'src/app.ts']);
});

test('a check whose frontend is not registered does not run, and a switched-off check loads nothing', async () => {
  const { loads, reader, code, seen, checkNeeding } = setup();
  await analyze({ root: '/p', files: [SPEC], reader, checks: [checkNeeding(['code'])] });
  assert.deepEqual(seen, []);
  const off = checkNeeding(['code']);
  await analyze({ root: '/p', files: [SPEC], reader, checks: [off], frontends: { code }, config: { rules: { [off.meta.id]: 'off' } } });
  assert.deepEqual(loads, []);
});

test('a code check reports at code places: merged by anchor, with its routes, related places and the part’s suppressions', async () => {
  const { reader } = setup();
  const range = (line: number) => ({ start: { line, character: 2 }, end: { line, character: 9 } });
  const route = { method: 'GET', path: '/users/{id}' };
  const code: Frontend = {
    need: 'code',
    async load() {
      return {
        inputs: ['src/users.ts'], problems: [],
        suppressions: {
          find: (finding) => (finding.range.start.line === 7 ? { kind: 'inSource', justification: 'served by the gateway' } : undefined),
          fix: (finding) => ({ title: `Suppress ${finding.ruleId} here (give the reason)`, kind: 'suggestion', edits: [] }),
        },
      };
    },
  };
  const check: Check = {
    meta: { ...CHECKS[0].meta, id: 'code-double', needs: ['code'] },
    run(ctx) {
      const at = (line: number, anchor: string) => ({ code: { file: 'src/users.ts', range: range(line), anchor } });
      ctx.report({ ...at(3, 'GET /users/{id}'), message: 'first', operations: [route], related: [{ ...at(1, 'app'), message: 'the app' }] });
      ctx.report({ ...at(3, 'GET /users/{id}'), message: 'again', severity: 'error', operations: [route] });
      ctx.report({ ...at(7, 'DELETE /users/{id}'), message: 'second', operations: [{ method: 'DELETE', path: '/users/{id}' }] });
    },
  };
  const { findings } = await analyze({ root: '/p', files: ['/p/src/users.ts'], reader, checks: [check], frontends: { code } });
  assert.deepEqual(findings.map((f) => [f.anchor, f.file, f.range.start.line, f.message, f.severity, f.operations, f.path]), [
    ['GET /users/{id}', 'src/users.ts', 3, 'again', 'error', [route], []],
    ['DELETE /users/{id}', 'src/users.ts', 7, 'second', CHECKS[0].meta.severity, [{ method: 'DELETE', path: '/users/{id}' }], []],
  ]);
  assert.deepEqual(findings[0].related, [{ file: 'src/users.ts', range: range(1), message: 'the app' }]);
  assert.deepEqual(findings.map((f) => f.suppressed?.justification), [undefined, 'served by the gateway']);
  assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Suppress code-double here (give the reason)']);
});

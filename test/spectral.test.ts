/**
 * The Spectral ruleset (rulesets/api-sentinel.yaml) against the engine. On every fixture case, Spectral, loading the
 * ruleset from its YAML file, must report each rule's findings in the same files at the same places as the engine.
 * "The same place", as far as Spectral can show one (it computes ranges from paths and never points at a key):
 * - a finding at a value: the same range;
 * - a finding at a key: the range of the key's value, which starts right after the key;
 * - a finding at a key holding a `$ref`: the range of the enclosing object (Spectral would follow the reference).
 * Also: the ruleset is generated from the engine's checks and up to date, and the Spectral CLI runs it.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Document, Spectral, type Ruleset } from '@stoplight/spectral-core';
import { Json, Yaml } from '@stoplight/spectral-parsers';
import { bundleAndLoadRuleset } from '@stoplight/spectral-ruleset-bundler/with-loader';
import type { Finding, Range } from '../server/src/engine/types';
import { RULESET_FILE, SPECTRAL_CHECKS, rulesetYaml } from '../rulesets/generate';
import { FIXTURES, loadCases, ruleDirs, type FixtureCase } from './support/fixtures';
import { review } from './support/engine';

const REPO = path.join(__dirname, '..');
const BUNDLE = path.join(REPO, 'dist', 'spectral-adapter.mjs');
const SPECTRAL_CLI = path.join(REPO, 'node_modules', '.bin', 'spectral');

interface Place { ruleId: string; file: string; range: Range }

const fmtRange = (r: Range) => `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
const fmt = (p: Place) => `${path.relative(FIXTURES, p.file)}:${fmtRange(p.range)} ${p.ruleId}`;

/** A file as spectral-core parses it when told its format. */
function byExtension(file: string) {
  const text = fs.readFileSync(file, 'utf8');
  return file.endsWith('.json') ? new Document(text, Json, file) : new Document(text, Yaml, file);
}

type Parse = (file: string) => ReturnType<typeof byExtension>;

/** A file as the Spectral CLI parses it: with its YAML parser, JSON included (ranges in JSON differ from byExtension's). */
const asCli: Parse = (file) => new Document(fs.readFileSync(file, 'utf8'), Yaml, file);

function valueAt(data: unknown, at: (string | number)[]): unknown {
  return at.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

const holdsRef = (value: unknown) => value !== null && typeof value === 'object' && '$ref' in value;

/** Where Spectral is expected to show an engine finding (see the header), and whether that is the engine's place. */
function spectralPlace(finding: Finding, root: string, parse: Parse): { place: Place; agrees: boolean } {
  const file = path.resolve(root, finding.file);
  const document = parse(file);
  const viaRef = holdsRef(valueAt(document.data, finding.path));
  const range = document.getRangeForJsonPath(viaRef ? finding.path.slice(0, -1) : finding.path, true)!;
  const engine = finding.range;
  const contains = (r: Range, inner: Range) =>
    (r.start.line < inner.start.line || (r.start.line === inner.start.line && r.start.character <= inner.start.character))
    && (r.end.line > inner.end.line || (r.end.line === inner.end.line && r.end.character >= inner.end.character));
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const afterKey = range.start.line === engine.end.line
    && /^["']?\s*:\s*$/.test(lines[engine.end.line].slice(engine.end.character, range.start.character));
  const agrees = viaRef ? contains(range, engine) : fmtRange(range) === fmtRange(engine) || afterKey;
  return { place: { ruleId: finding.ruleId, file, range }, agrees };
}

/** The case's findings of its rule, as the engine reports them and where Spectral should show them. */
async function expectedPlaces(c: FixtureCase, parse: Parse): Promise<Place[]> {
  const result = await review(c.root, c.files);
  const findings = result.findings.filter((f) => f.ruleId === c.ruleDir && !f.suppressed);
  return findings.map((finding) => {
    const { place, agrees } = spectralPlace(finding, c.root, parse);
    assert.ok(agrees, `${finding.file}:${fmtRange(finding.range)} ${finding.ruleId}: Spectral can only show it at ${fmt(place)}`);
    return place;
  });
}

const keys = (places: Place[]) => [...new Set(places.map(fmt))].sort();

/** Spectral results of one rule in one case: in the case's file, or in its folder for a multi-file case. */
function inCase(c: FixtureCase, places: Place[]): Place[] {
  const single = c.root === path.join(FIXTURES, c.ruleDir);
  return places.filter((p) => p.ruleId === c.ruleDir && (single ? p.file === c.files[0] : p.file.startsWith(c.root + path.sep)));
}

let ruleset: Ruleset;

/** Spectral's results on `files`, run from `dir`: the adapter takes the working directory as the project root. */
async function lintIn(dir: string, files: string[]) {
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const results = [];
    for (const file of files) results.push(...await spectral.run(byExtension(file)));
    return results;
  } finally { process.chdir(cwd); }
}

/** Loads the ruleset as Spectral's node loader does, from the engine bundle `npm run build` writes. */
before(async () => {
  const newest = (dir: string): number => Math.max(...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs;
  }));
  const sources = Math.max(newest(path.join(REPO, 'server', 'src', 'engine')), fs.statSync(path.join(REPO, 'rulesets', 'adapter.ts')).mtimeMs);
  assert.ok(fs.existsSync(BUNDLE) && fs.statSync(BUNDLE).mtimeMs >= sources, `${path.relative(REPO, BUNDLE)} is missing or older than the engine: run npm run build`);
  ruleset = await bundleAndLoadRuleset(RULESET_FILE, { fs, fetch });
});

test('the ruleset has one rule per check and is up to date (npm run rulesets)', () => {
  assert.equal(fs.readFileSync(RULESET_FILE, 'utf8'), rulesetYaml(), 'rulesets/api-sentinel.yaml is stale: run npm run rulesets');
  assert.deepEqual(Object.keys(ruleset.rules), SPECTRAL_CHECKS.map((c) => c.meta.id));
});

describe('Spectral with rulesets/api-sentinel.yaml agrees with the engine', () => {
  for (const ruleDir of ruleDirs().filter((dir) => SPECTRAL_CHECKS.some((c) => c.meta.id === dir))) {
    describe(ruleDir, () => {
      for (const c of loadCases(ruleDir)) {
        test(`${c.kind}: ${c.name}`, async () => {
          const expected = await expectedPlaces(c, byExtension);
          const results = (await lintIn(c.root, c.files)).map((r) => ({ ruleId: String(r.code), file: r.source!, range: r.range }));
          assert.deepEqual(keys(inCase(c, results)), keys(expected));
        });
      }
    });
  }
});

test('.api-sentinel.yaml applies except its rules; suppressed findings are left out', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-sentinel-spectral-'));
  const spec = path.join(dir, 'openapi.yaml');
  fs.writeFileSync(path.join(dir, '.api-sentinel.yaml'), 'publicPaths: [/status]\nrules: { auth-missing: off }\n');
  fs.writeFileSync(spec, [
    'openapi: 3.0.3', 'info: { title: T, version: "1" }', 'paths:',
    '  /status:', '    get: { responses: { "200": { description: ok } } }',
    '  /reports:', '    get:', '      x-api-sentinel-ignore: { auth-missing: "served to the intranet only" }', '      responses: { "200": { description: ok } }',
    '  /orders:', '    post: { responses: { "201": { description: created } } }',
    '  /me:', '    get: { security: [{ key: [] }], responses: { "200": { description: ok } } }',
    'components: { securitySchemes: { key: { type: apiKey, in: header, name: X-Key } } }', '',
  ].join('\n'));
  try {
    const results = (await lintIn(dir, [spec])).filter((r) => r.code === 'auth-missing');
    assert.deepEqual(results.map((r) => r.path.join(' ')), ['paths /orders post']);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('the Spectral CLI runs the ruleset: spectral lint -r rulesets/api-sentinel.yaml', async () => {
  const cases = ruleDirs().filter((dir) => SPECTRAL_CHECKS.some((c) => c.meta.id === dir)).flatMap(loadCases);
  const files = cases.flatMap((c) => c.files);
  const run = spawnSync(SPECTRAL_CLI, ['lint', '-r', RULESET_FILE, '-f', 'json', '--quiet', ...files.map((f) => path.relative(FIXTURES, f))], { cwd: FIXTURES, encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, `spectral exited with ${run.status}: ${run.stderr}`);
  const results = (JSON.parse(run.stdout) as { code: string; source: string; range: Range }[])
    .map((r) => ({ ruleId: r.code, file: r.source, range: r.range }));
  for (const c of cases) {
    assert.deepEqual(keys(inCase(c, results)), keys(await expectedPlaces(c, asCli)), `${c.ruleDir}/${c.name}`);
  }
});

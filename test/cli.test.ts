/** `api-sentinel review` as users run it: the built CLI as a process, on small fixture projects. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CHECK_IDS } from '../server/src/engine';
import { Progress } from '../server/src/cli/progress';
import { CLI_FIXTURES, copyFixture, removeCopies, runCli, STACK_TRACE, type CliRun } from './support/cli';

const BASIC = join(CLI_FIXTURES, 'basic');
const CLEAN = join(CLI_FIXTURES, 'clean');
const CONFIG = join(CLI_FIXTURES, 'config');
const HINTS = join(CLI_FIXTURES, 'hints');
const ANSI = /\x1b\[/;

after(removeCopies);

interface JsonReport {
  version: number;
  findings: Record<string, unknown>[];
  problems: { file: string; severity: string; code: string; message: string; range?: { start: { line: number; character: number } } }[];
  summary: { documents: number; findings: number; bySeverity: Record<string, number>; suppressed: number; problems: number; routes: number; frontends: string[] };
}

function json(run: CliRun): JsonReport {
  assert.equal(run.stderr, '', 'nothing on stderr');
  return JSON.parse(run.stdout) as JsonReport;
}

/** One usage error: exit 2, nothing on stdout, one line naming the problem and a line pointing at --help. */
function assertUsageError(run: CliRun, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^api-sentinel: /);
  assert.match(lines[0], message);
  assert.deepEqual(lines.slice(1), ["Run 'api-sentinel --help' for usage."]);
}

describe('help and version', () => {
  for (const args of [['--help'], ['-h'], ['help'], ['review', '--help'], ['review', 'specs', '-h']]) {
    test(`${args.join(' ')} prints the usage`, async () => {
      const run = await runCli(args, BASIC);
      assert.equal(run.code, 0);
      assert.equal(run.stderr, '');
      assert.match(run.stdout, /^Usage:\n {2}api-sentinel review \[options\] \[paths\.\.\.\]$/m);
      for (const option of ['--format', '--output', '--fail-on', '--config', '--help', '--version', 'Exit codes', 'NO_COLOR', 'x-api-sentinel-ignore']) {
        assert.ok(run.stdout.includes(option), `usage mentions ${option}`);
      }
      assert.ok(run.stdout.split('\n').every((line) => line.length <= 80), 'usage fits 80 columns');
    });
  }

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const run = await runCli([flag], BASIC);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `${version}\n`);
    }
  });
});

describe('usage errors exit 2 with one line and a hint, never a stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['review', '--frmat', 'json'], /unknown option '--frmat'/],
    [['review', '--format', 'xml'], /--format 'xml' is not one of text, json, sarif/],
    [['review', '--format=xml'], /--format 'xml' is not one of text, json, sarif/],
    [['review', '--fail-on', 'critical'], /--fail-on 'critical' is not one of error, warning, info, never/],
    [['review', '--min-severity', 'low'], /--min-severity 'low' is not one of error, warning, info, hint/],
    [['review', '--output'], /option '--output' needs a value/],
    [['revew'], /unknown command 'revew'/],
    [[], /missing command/],
  ];
  for (const [args, message] of cases) {
    test(`api-sentinel ${args.join(' ')}`, async () => assertUsageError(await runCli(args, BASIC), message));
  }

  test('a path that does not exist', async () => {
    const run = await runCli(['review', 'openapi.yaml', 'no-such-folder'], BASIC);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, "api-sentinel: cannot review 'no-such-folder': no such file or folder\n");
  });

  test('a --config file that does not exist', async () => {
    const run = await runCli(['review', '--config', 'missing.yaml'], BASIC);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, "api-sentinel: cannot read the configuration file 'missing.yaml': no such file or folder\n");
  });

  test('an --output that cannot be written', async () => {
    const run = await runCli(['review', '--output', join(BASIC, 'openapi.yaml', 'report.txt')], BASIC);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^api-sentinel: cannot write '.*report\.txt': .+\n$/);
    assert.doesNotMatch(run.stderr, STACK_TRACE);
  });
});

describe('text output', () => {
  test('ESLint-style groups per file, 1-based positions, a summary, no colors when not a terminal', async () => {
    const run = await runCli(['review'], BASIC);
    assert.equal(run.code, 1, 'an error finding fails the run');
    assert.equal(run.stderr, '', 'no progress or noise on stderr when it is not a terminal');
    assert.doesNotMatch(run.stdout, ANSI);
    const lines = run.stdout.split('\n');
    const group = (file: string) => {
      const start = lines.indexOf(file);
      assert.ok(start > 0 && lines[start - 1] === '', `a group headed '${file}' after a blank line`);
      const end = lines.indexOf('', start);
      return lines.slice(start + 1, end);
    };
    const openapi = group('openapi.yaml');
    assert.ok(openapi.some((l) => /^ {3}6:10 {2}error {4}Server 'http:\/\/api\.example\.com\/v1' uses plain HTTP.* {2}transport-insecure-server {2,}API8:2023$/.test(l)), openapi.join('\n'));
    assert.ok(openapi.some((l) => /^ {2}15:5 {3}warning {2}GET \/orders requires no authentication.* {2}auth-missing {2,}API2:2023,API5:2023$/.test(l)), openapi.join('\n'));
    assert.doesNotMatch(run.stdout, /DELETE \/orders\/\{orderId\} requires no authentication/, 'a suppressed finding is not listed');
    const inventory = group('specs/inventory.json');
    assert.ok(inventory.some((l) => /^ {2}5:15 {2}error {4}The API is served over plain HTTP at inventory\.example\.com/.test(l)), inventory.join('\n'));
    assert.ok(!run.stdout.includes('notes.yaml'), 'YAML that is not OpenAPI is skipped quietly in a folder');
    assert.match(lines.at(-2)!, /^✖ \d+ problems \(\d+ errors?, \d+ warnings?(, \d+ info)?(, \d+ hints?)?\) in 2 documents, 1 suppressed$/);
    assert.equal(lines.at(-1), '');
  });

  test('a clean project says so and exits 0', async () => {
    const run = await runCli(['review'], CLEAN);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '\n✔ No findings in 1 document\n');
  });

  test('a folder without OpenAPI documents says so', async () => {
    const run = await runCli(['review', 'vendor'], CONFIG);
    assert.equal(run.code, 1, 'the configuration names an unknown rule');
    assert.match(run.stdout, /^✖ 1 problem \(1 error, 0 warnings\), no OpenAPI document found$/m, 'an excluded folder holds nothing to review');
  });

  test('colors: FORCE_COLOR turns them on, NO_COLOR wins, --output files never have them', async () => {
    const forced = await runCli(['review'], BASIC, { FORCE_COLOR: '1' });
    assert.match(forced.stdout, /\x1b\[31merror/);
    assert.match(forced.stdout, /\x1b\[2mtransport-insecure-server/, 'rule ids are dim');
    const none = await runCli(['review'], BASIC, { FORCE_COLOR: '1', NO_COLOR: '1' });
    assert.doesNotMatch(none.stdout, ANSI);
    const dir = copyFixture('basic');
    const toFile = await runCli(['review', '--output', 'report.txt'], dir, { FORCE_COLOR: '1' });
    assert.equal(toFile.stdout, '');
    assert.doesNotMatch(readFileSync(join(dir, 'report.txt'), 'utf8'), ANSI);
  });
});

describe('--min-severity', () => {
  const listed = (run: CliRun) => run.stdout.split('\n').filter((l) => /^ +\d+:\d+ /.test(l)).map((l) => l.trim().split(/\s+/)[1]);

  test('hints are counted in the summary, and listed only when asked for', async () => {
    const run = await runCli(['review'], HINTS);
    assert.equal(run.code, 0);
    assert.deepEqual([...new Set(listed(run))].sort(), ['info', 'warning']);
    assert.match(run.stdout, /\n✖ \d+ problems \(0 errors, 1 warning, \d+ info, 1 hint\) in 1 document; 1 hint not listed \(--min-severity hint lists it\)\n$/);
    const all = await runCli(['review', '--min-severity', 'hint'], HINTS);
    assert.deepEqual([...new Set(listed(all))].sort(), ['hint', 'info', 'warning']);
    assert.match(all.stdout, /in 1 document\n$/, 'nothing left out');
  });

  test('a higher level lists less, counts all, and changes neither the exit code nor JSON and SARIF', async () => {
    const run = await runCli(['review', '--min-severity', 'warning', '--fail-on', 'info'], HINTS);
    assert.equal(run.code, 1, '--fail-on still sees the info findings');
    assert.deepEqual(listed(run), ['warning']);
    assert.match(run.stdout, /; \d+ info, 1 hint not listed \(--min-severity hint lists them\)\n$/);
    const report = json(await runCli(['review', '--format', 'json', '--min-severity', 'error'], HINTS));
    assert.ok(report.findings.some((f) => f.severity === 'hint') && report.findings.some((f) => f.severity === 'warning'));
    const sarif = JSON.parse((await runCli(['review', '--format', 'sarif', '--min-severity', 'error'], HINTS)).stdout) as { runs: { results: { level: string }[] }[] };
    assert.equal(sarif.runs[0].results.length, report.findings.length);
  });
});

describe('JSON output', () => {
  test('exactly { version, findings, problems, routes, summary }, findings with exactly the contract fields', async () => {
    const run = await runCli(['review', '--format', 'json'], BASIC);
    assert.equal(run.code, 1);
    const report = json(run);
    assert.deepEqual(Object.keys(report), ['version', 'findings', 'problems', 'routes', 'summary']);
    assert.equal(report.version, 1);
    const fields = ['ruleId', 'family', 'owasp', 'cwe', 'severity', 'message', 'file', 'range', 'operations', 'related', 'fixes'];
    for (const finding of report.findings) {
      assert.deepEqual(Object.keys(finding), finding.suppressed ? [...fields, 'suppressed'] : fields);
    }
    const transport = report.findings.find((f) => f.ruleId === 'transport-insecure-server' && f.file === 'openapi.yaml');
    assert.deepEqual(transport?.range, { start: { line: 5, character: 9 }, end: { line: 5, character: 34 } }, '0-based ranges, as in LSP');
    const suppressed = report.findings.filter((f) => f.suppressed);
    assert.equal(suppressed.length, 1);
    assert.deepEqual(suppressed[0].operations, [{ method: 'DELETE', path: '/orders/{orderId}' }]);
    assert.deepEqual(suppressed[0].suppressed, {
      kind: 'inSource', justification: "Served on the internal network only, behind the gateway's authentication",
      location: { file: 'openapi.yaml', range: { start: { line: 24, character: 8 }, end: { line: 24, character: 20 } } },
    });
    assert.deepEqual(report.problems, []);
    const active = report.findings.filter((f) => !f.suppressed);
    const bySeverity = { error: 0, warning: 0, info: 0, hint: 0 } as Record<string, number>;
    for (const f of active) bySeverity[f.severity as string]++;
    assert.deepEqual(report.summary, { documents: 2, findings: active.length, bySeverity, suppressed: 1, problems: 0, routes: 0, frontends: ['spec'] });
  });

  test('--output writes the report to a file and nothing to stdout', async () => {
    const dir = copyFixture('basic');
    const run = await runCli(['review', '-f', 'json', '-o', 'reports/api-sentinel.json'], dir);
    assert.equal(run.code, 1, 'the exit code does not depend on where the report goes');
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, '');
    const report = JSON.parse(readFileSync(join(dir, 'reports', 'api-sentinel.json'), 'utf8')) as JsonReport;
    assert.equal(report.summary.documents, 2);
  });
});

describe('exit codes follow --fail-on', () => {
  /** A project whose only finding is the insecure server, at `severity` (every other check is off). */
  function project(severity: string): string {
    const dir = copyFixture('config');
    const rules = [...CHECK_IDS].map((id) => `  ${id}: ${id === 'transport-insecure-server' ? severity : 'off'}`);
    writeFileSync(join(dir, '.api-sentinel.yaml'), `rules:\n${rules.join('\n')}\nexclude: [vendor/**]\n`);
    return dir;
  }
  const expected: Record<string, Record<string, number>> = {
    error: { error: 1, warning: 1, info: 1, never: 0 },
    warning: { error: 0, warning: 1, info: 1, never: 0 },
    info: { error: 0, warning: 0, info: 1, never: 0 },
    hint: { error: 0, warning: 0, info: 0, never: 0 },
  };
  for (const [severity, byLevel] of Object.entries(expected)) {
    test(`findings of severity ${severity}`, async () => {
      const dir = project(severity);
      for (const [level, code] of Object.entries(byLevel)) {
        // hints are listed only when asked for
        const run = await runCli(['review', '--fail-on', level, ...(severity === 'hint' ? ['--min-severity', 'hint'] : [])], dir);
        assert.equal(run.code, code, `--fail-on ${level}\n${run.stdout}${run.stderr}`);
        assert.match(run.stdout, new RegExp(`6:10 {2}${severity} +Server 'http://catalog.example.com'`));
      }
    });
  }

  test('suppressed findings never fail the run', async () => {
    const dir = project('error');
    const spec = join(dir, 'specs', 'api.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('    description: Production\n',
      '    description: Production\n    x-api-sentinel-ignore:\n      transport-insecure-server: TLS ends at the load balancer in front of this host\n'));
    const run = await runCli(['review', '--fail-on', 'info'], dir);
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.stdout, '\n✔ No findings in 1 document, 1 suppressed\n');
  });

  test('a problem of severity error (a file that does not parse) fails the run like an error finding', async () => {
    const dir = project('off');
    writeFileSync(join(dir, 'specs', 'broken.yaml'), 'openapi: 3.0.3\ninfo: [\n');
    const run = await runCli(['review'], dir);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /^specs\/broken\.yaml\n {2}2:7 {2}error {2}Invalid YAML: .+ {2}parse-error$/m);
    assert.equal((await runCli(['review', '--fail-on', 'never'], dir)).code, 0);
  });
});

describe('folder discovery', () => {
  test('searches folders recursively, skipping node_modules, .git and the like', async () => {
    const dir = copyFixture('basic');
    for (const skipped of ['node_modules/some-package', '.git', '.svn', 'deep/node_modules/x']) {
      mkdirSync(join(dir, skipped), { recursive: true });
      copyFileSync(join(dir, 'openapi.yaml'), join(dir, skipped, 'openapi.yaml'));
    }
    mkdirSync(join(dir, 'more', 'nested'), { recursive: true });
    copyFileSync(join(dir, 'openapi.yaml'), join(dir, 'more', 'nested', 'api.yml'));
    const report = json(await runCli(['review', '--format', 'json'], dir));
    assert.equal(report.summary.documents, 3);
    const files = new Set(report.findings.map((f) => f.file));
    assert.ok(files.has('more/nested/api.yml'));
    assert.ok([...files].every((f) => !/node_modules|\.git|\.svn/.test(String(f))), [...files].join(', '));
    assert.deepEqual(report.problems, [], 'notes.yaml is skipped quietly');
  });

  test('an explicitly named file that is not OpenAPI is reported, and named files are reviewed', async () => {
    const run = await runCli(['review', 'notes.yaml', 'specs/inventory.json'], BASIC);
    assert.match(run.stdout, /^notes\.yaml\n {2}0:0 {2}info {2}File skipped: it is not an OpenAPI document .* {2}not-openapi$/m);
    assert.match(run.stdout, /^specs\/inventory\.json$/m);
    assert.doesNotMatch(run.stdout, /^openapi\.yaml$/m, 'only the named files');
    assert.match(run.stdout, /in 1 document/);
  });
});

describe('configuration', () => {
  test('.api-sentinel.yaml in the project root: severity override, off, exclude glob, unknown rule at its position', async () => {
    const run = await runCli(['review', '--format', 'json'], CONFIG);
    const report = json(run);
    assert.equal(run.code, 1, 'an unknown rule is an error problem');
    assert.ok(!report.findings.some((f) => f.ruleId === 'auth-missing'), 'auth-missing is off');
    assert.ok(!report.findings.some((f) => String(f.file).startsWith('vendor/')), 'vendor/** is excluded');
    const transport = report.findings.filter((f) => f.ruleId === 'transport-insecure-server');
    assert.deepEqual(transport.map((f) => [f.file, f.severity]), [['specs/api.yaml', 'warning']]);
    assert.deepEqual(report.problems, [{
      file: '.api-sentinel.yaml', severity: 'error', code: 'config-invalid', message: "Unknown rule 'auth-missng'",
      range: { start: { line: 3, character: 2 }, end: { line: 3, character: 13 } },
    }]);
    const text = await runCli(['review'], CONFIG);
    assert.match(text.stdout, /^\.api-sentinel\.yaml\n {2}4:3 {2}error {2}Unknown rule 'auth-missng' {2}config-invalid$/m);
  });

  test('--config names another file; a named file is reviewed even when excluded', async () => {
    const report = json(await runCli(['review', '--format', 'json', '--config', 'strict.yaml', 'vendor/api.yaml'], CONFIG));
    assert.deepEqual(report.problems, []);
    assert.ok(report.findings.some((f) => f.ruleId === 'transport-insecure-server' && f.file === 'vendor/api.yaml' && f.severity === 'error'));
    assert.ok(report.findings.some((f) => f.ruleId === 'auth-missing'), 'the default configuration is not read when --config is given');
  });

  test('a configuration that is not valid YAML is a problem with its position', async () => {
    const dir = copyFixture('clean');
    writeFileSync(join(dir, '.api-sentinel.yaml'), 'rules:\n  auth-missing: [off\n');
    const run = await runCli(['review'], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^\.api-sentinel\.yaml\n {2}\d+:\d+ {2}error {2}Invalid YAML in the configuration: .+ {2}config-invalid$/m);
    assert.match(run.stdout, /in 1 document/, 'the review still runs');
  });
});

describe('remote $refs', () => {
  async function withServer(use: (base: string, requests: string[]) => Promise<void>): Promise<void> {
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/responses.yaml') res.end('Orders:\n  description: The orders\n');
      else { res.statusCode = 404; res.end('not here'); }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try { await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests); } finally { server.close(); }
  }

  function project(base: string, allow: boolean): string {
    const dir = copyFixture('clean');
    writeFileSync(join(dir, 'openapi.yaml'), [
      'openapi: 3.0.3', 'info: { title: Remote, version: "1.0" }', 'paths:', '  /orders:', '    get:', '      responses:',
      `        "200": { $ref: "${base}/responses.yaml#/Orders" }`, `        "404": { $ref: "${base}/missing.yaml#/NotFound" }`, '',
    ].join('\n'));
    writeFileSync(join(dir, '.api-sentinel.yaml'), `allowRemoteRefs: ${allow}\n`);
    return dir;
  }

  test('are not fetched unless allowRemoteRefs is true', async () => {
    await withServer(async (base, requests) => {
      const report = json(await runCli(['review', '--format', 'json'], project(base, false)));
      assert.deepEqual(requests, []);
      assert.deepEqual(report.problems.map((p) => p.code), ['ref-remote', 'ref-remote']);
    });
  });

  test('are fetched when allowed; a failed fetch says why', async () => {
    await withServer(async (base, requests) => {
      const report = json(await runCli(['review', '--format', 'json'], project(base, true)));
      assert.deepEqual(requests.sort(), ['/missing.yaml', '/responses.yaml']);
      const problems = report.problems.map((p) => `${p.file} ${p.code} ${p.message}`);
      assert.ok(problems.some((p) => p === `${base}/missing.yaml file-unreadable Cannot read the file: HTTP 404 Not Found`), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('openapi.yaml ref-missing')), problems.join('\n'));
      assert.ok(!problems.some((p) => p.includes('responses.yaml')), 'the served file resolves');
    });
  });
});

describe('progress indicator', () => {
  const candidates = new Set(['/p/a.yaml', '/p/b.yaml', '/p/c.yaml']);

  test('draws one rewritten line on a terminal and clears it at the end', () => {
    let written = '';
    const progress = new Progress({ isTTY: true, write: (t: string) => { written += t; } }, candidates, { delayMs: 0 });
    for (const file of [...candidates, '/p/schemas/ref.yaml']) progress.fileRead(file);
    progress.done();
    assert.equal(written, '\r\x1b[KReviewing 1/3 files...\r\x1b[KReviewed 3/3 files, running checks...\r\x1b[K');
  });

  test('stays silent when stderr is not a terminal, and during short runs', () => {
    let written = '';
    const write = (t: string) => { written += t; };
    const piped = new Progress({ isTTY: false, write }, candidates, { delayMs: 0 });
    const short = new Progress({ isTTY: true, write }, candidates);
    for (const file of candidates) { piped.fileRead(file); short.fileRead(file); }
    piped.done();
    short.done();
    assert.equal(written, '');
  });
});

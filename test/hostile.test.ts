/**
 * A repository built as an attacker would, committed with git: symbolic links to files and folders outside the
 * project, to devices and to /proc, a FIFO and a loop of links, all reached by `$ref`s or found by discovery. Every
 * review ends within seconds under a small heap, nothing from outside the root reaches any output, and each special
 * file is a problem at the `$ref` that names it. The same repository opened in a real LSP client gets problems, and
 * the server keeps answering.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { runCli, type CliRun } from './support/cli';
import { startClient } from './support/lsp-client';
import { readTextFile, readTextPrefix } from '../server/src/workspace/files';
import { discoverFiles } from '../server/src/workspace/discover';
import { resolveConfig } from '../server/src/engine';

/** A name that exists only outside the project: it must never appear in any output. */
const SECRET = 'OutsideSecretSchemaName';

/** A heap far below what reading /dev/zero would take: a review that reads without bound dies instead of passing. */
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=192' };

const REAL = 'Ok:\n  description: A response inside the project\n';

let base: string;
let project: string;
let outside: string;

const spec = [
  'openapi: 3.0.3',
  'info: { title: Hostile, version: "1" }',
  'paths:',
  '  /a:',
  '    get:',
  '      security: []',
  '      x-api-sentinel-public: "test"',
  '      responses:',
  '        "200": { $ref: "./linked-file.yaml#/Ok" }',
  '        "201": { $ref: "./linked-dir/inner.yaml#/Ok" }',
  '        "202": { $ref: "./zero.yaml#/Ok" }',
  '        "203": { $ref: "./urandom.yaml#/Ok" }',
  '        "204": { $ref: "./environ.yaml#/Ok" }',
  '        "205": { $ref: "./pipe.yaml#/Ok" }',
  '        "206": { $ref: "./loop-a.yaml#/Ok" }',
  '        "207": { $ref: "./inside-link.yaml#/Ok" }',
  '',
].join('\n');

before(() => {
  base = mkdtempSync(join(tmpdir(), 'api-sentinel-hostile-'));
  outside = join(base, 'outside');
  project = join(base, 'project');
  mkdirSync(outside);
  mkdirSync(join(outside, 'folder'));
  mkdirSync(project);
  const secretResponse = `Ok:\n  description: ${SECRET}\n  content:\n    application/json:\n      schema:\n        properties:\n          ${SECRET}Password: { type: string }\n`;
  writeFileSync(join(outside, 'secret.yaml'), secretResponse);
  writeFileSync(join(outside, 'folder', 'inner.yaml'), secretResponse);
  writeFileSync(join(outside, 'folder', 'outside-api.yaml'), `openapi: 3.0.3\ninfo: { title: ${SECRET}, version: "1" }\npaths: {}\n`);
  writeFileSync(join(project, 'openapi.yaml'), spec);
  writeFileSync(join(project, 'real.yaml'), REAL);
  symlinkSync(join(outside, 'secret.yaml'), join(project, 'linked-file.yaml'));
  symlinkSync(join(outside, 'folder'), join(project, 'linked-dir'));
  symlinkSync('/dev/zero', join(project, 'zero.yaml'));
  symlinkSync('/dev/urandom', join(project, 'urandom.yaml'));
  symlinkSync('/proc/self/environ', join(project, 'environ.yaml'));
  symlinkSync('loop-b.yaml', join(project, 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(project, 'loop-b.yaml'));
  symlinkSync('real.yaml', join(project, 'inside-link.yaml'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: project, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'hostile');
  // git cannot commit a FIFO: an attacker's checkout script or archive can make one, so the test makes it
  execFileSync('mkfifo', [join(project, 'pipe.yaml')]);
});

after(() => { rmSync(base, { recursive: true, force: true }); });

function review(format: string, ...paths: string[]): Promise<CliRun> {
  return runCli(['review', '--format', format, ...paths], project, SMALL_HEAP, 20_000);
}

interface JsonProblem { file: string; code: string; message: string; range?: { start: { line: number } } }

describe('a hostile repository reviewed by the CLI', () => {
  test('each $ref to a link leading outside, a device, /proc, a FIFO or a loop is a problem at that $ref; the link inside the root is followed', async () => {
    const run = await review('json', 'openapi.yaml');
    assert.equal(run.timedOut, false, 'the review ended');
    assert.equal(run.code, 1, run.stderr);
    const { problems } = JSON.parse(run.stdout) as { problems: JsonProblem[] };
    const at = (line: number) => problems.filter((p) => p.file === 'openapi.yaml' && p.range?.start.line === line).map((p) => p.code);
    assert.deepEqual(at(8), ['ref-outside-root'], 'linked file');
    assert.deepEqual(at(9), ['ref-outside-root'], 'file under a linked folder');
    assert.deepEqual(at(10), ['ref-outside-root'], '/dev/zero');
    assert.deepEqual(at(11), ['ref-outside-root'], '/dev/urandom');
    assert.deepEqual(at(12), ['ref-outside-root'], '/proc/self/environ');
    assert.deepEqual(at(13), ['ref-not-regular'], 'FIFO');
    assert.deepEqual(at(14), ['ref-missing'], 'loop of links');
    assert.deepEqual(at(15), [], 'a link to a file inside the root is followed');
    const pipe = problems.find((p) => p.code === 'ref-not-regular')!;
    assert.match(pipe.message, /pipe\.yaml is a named pipe \(FIFO\), not a regular file/);
    assert.ok(problems.some((p) => p.file === 'loop-a.yaml' && /loop of symbolic links/.test(p.message)), JSON.stringify(problems));
    assert.match(problems.find((p) => p.range?.start.line === 8)!.message, /symbolic link to a location outside the project root/);
  });

  for (const format of ['text', 'json', 'sarif']) {
    test(`nothing from outside the root appears in the ${format} output`, async () => {
      const run = await review(format, 'openapi.yaml');
      assert.equal(run.timedOut, false);
      assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET), 'no name from the outside file');
      assert.ok(!/PATH=|HOME=/.test(run.stdout), 'nothing of the environment');
    });
  }

  test('discovery of the whole folder skips the FIFO, does not walk the linked folder, and warns about the linked file', async () => {
    const run = await review('json', '.');
    assert.equal(run.timedOut, false);
    assert.ok(!run.stdout.includes(SECRET), 'the linked folder was not walked and the linked file not read');
    const { problems } = JSON.parse(run.stdout) as { problems: JsonProblem[] };
    const linked = problems.find((p) => p.file === 'linked-file.yaml');
    assert.equal(linked?.code, 'file-outside-root');
    assert.match(linked!.message, /^File not read: it is a symbolic link to a location outside the project root/);
    assert.ok(!problems.some((p) => p.file === 'pipe.yaml' && p.code !== 'ref-not-regular'), 'the FIFO is no candidate');
  });

  test('a configuration file linked to a device is refused with one line, not read', async () => {
    const dir = mkdtempSync(join(base, 'config-'));
    writeFileSync(join(dir, 'openapi.yaml'), 'openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths: {}\n');
    symlinkSync('/dev/zero', join(dir, '.api-sentinel.yaml'));
    const run = await runCli(['review'], dir, SMALL_HEAP, 20_000);
    assert.equal(run.timedOut, false);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^api-sentinel: cannot read the configuration file '\.api-sentinel\.yaml': it is a symbolic link to a location outside the project root/);
  });
});

describe('the safe access layer', () => {
  test('reads a regular file inside the root, through a link inside the root too', () => {
    assert.match(readTextFile(join(project, 'inside-link.yaml'), project, 1000) as string, /inside the project/);
  });

  test('refuses what leads outside, special files, and never reads past the limit', () => {
    assert.deepEqual(readTextFile(join(project, 'linked-file.yaml'), project, 1000), {
      code: 'file-outside-root', reason: 'it is a symbolic link to a location outside the project root, which is never read',
    });
    assert.equal((readTextFile(join(project, 'pipe.yaml'), project, 1000) as { code: string }).code, 'file-not-regular');
    // /dev/zero itself, with the root at / so that only its kind stops it
    assert.equal((readTextFile('/dev/zero', '/', 1000) as { code: string }).code, 'file-not-regular');
    // a file in /proc claims a size of 0 and still has content: the limit holds whatever the size says
    const environ = readTextFile('/proc/self/environ', '/', 4);
    assert.ok(typeof environ === 'object' && environ.code === 'file-too-large' || typeof environ === 'string' && environ.length <= 4);
    assert.deepEqual(readTextFile(join(project, 'real.yaml'), project, 10), {
      code: 'file-too-large', reason: 'it holds more than 0.0 MB', size: Buffer.byteLength(REAL),
    });
    assert.equal((readTextPrefix(join(project, 'real.yaml'), project, 10) as string), 'Ok:\n  desc');
    assert.equal((readTextFile(join(project, 'missing.yaml'), project, 10) as { code: string }).code, 'file-missing');
  });

  test('reads whole what it reads: a file whose size says nothing, a file larger than the first read, a small one after them', () => {
    // /proc/self/status claims a size of 0: it is read to its end all the same
    const status = readTextFile('/proc/self/status', '/', 1024 * 1024) as string;
    assert.match(status, /^Name:[\s\S]*\nPid:\s+\d+\n[\s\S]*\n$/);
    const large = `${'Large: "'.padEnd(3 * 1024 * 1024, 'é')}"\n`;
    const small = 'Small: true\n';
    const dir = mkdtempSync(join(tmpdir(), 'api-sentinel-read-'));
    try {
      writeFileSync(join(dir, 'large.yaml'), large);
      writeFileSync(join(dir, 'small.yaml'), small);
      assert.equal(readTextFile(join(dir, 'large.yaml'), dir, 8 * 1024 * 1024), large);
      assert.equal(readTextFile(join(dir, 'small.yaml'), dir, 8 * 1024 * 1024), small);
      assert.equal(readTextFile(join(dir, 'large.yaml'), dir, 8 * 1024 * 1024), large);
      assert.equal(readTextPrefix(join(dir, 'large.yaml'), dir, 16), 'Large: "éééé');
      assert.equal(readTextFile(join(dir, 'small.yaml'), dir, 8 * 1024 * 1024), small);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('discovery lists regular files and links to them (reading decides about those), never special files or linked folders', () => {
    const { files, errors } = discoverFiles(['.', 'nothing-here'], project, resolveConfig());
    const names = files.map((f) => f.slice(project.length + 1));
    // /proc/self/environ says it is a regular file: the read refuses it, since it is outside the root
    assert.deepEqual(names, ['environ.yaml', 'inside-link.yaml', 'linked-file.yaml', 'openapi.yaml', 'real.yaml']);
    assert.deepEqual(errors, [{ path: 'nothing-here', reason: 'no such file or folder' }]);
  });
});

describe('a hostile repository opened in a real LSP client', () => {
  test('the document gets the problems, and the server keeps answering', async () => {
    assert.ok(existsSync(project));
    const client = await startClient({ transport: 'stdio', root: project });
    try {
      const uri = pathToFileURL(join(project, 'openapi.yaml')).href;
      client.open(uri, spec);
      const diagnostics = await client.waitForPush(uri, (d) => d.some((x) => x.code === 'ref-not-regular'));
      const codes = diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();
      for (const line of [8, 9, 10, 11, 12]) assert.ok(codes.includes(`${line}:ref-outside-root`), codes.join(' '));
      assert.ok(!JSON.stringify(diagnostics).includes(SECRET));
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
      assert.equal(hover, null, 'a request after the hostile review is answered');
    } finally {
      await client.stop();
    }
  });
});

describe('limits of one analysis', () => {
  test('past the number of files one analysis reads, reading stops with one problem, and the review still ends', async () => {
    const { analyze, MAX_FILES_READ } = await import('../server/src/engine');
    const count = MAX_FILES_READ + 5;
    const refs = Array.from({ length: count }, (_, i) => `    F${i}: { $ref: "./f${i}.yaml#/S" }`);
    const root = `openapi: 3.0.3\ninfo: { title: T, version: "1" }\npaths: {}\ncomponents:\n  schemas:\n${refs.join('\n')}\n`;
    let reads = 0;
    const reader = { read: (p: string) => { reads++; return p.endsWith('/api.yaml') ? root : 'S: { type: string }\n'; } };
    const result = await analyze({ root: '/p', files: ['/p/api.yaml'], reader });
    const limits = result.problems.filter((p) => p.code === 'limit-exceeded');
    assert.equal(limits.length, 1);
    assert.match(limits[0].message, new RegExp(`at most ${MAX_FILES_READ} files`));
    assert.equal(reads, MAX_FILES_READ, 'no file is read past the limit');
  });
});

/**
 * The report formats of a comparison (`--diff`, `--baseline`) and the two CI formats, on reviews built here: GitHub
 * workflow commands and their escaping, the Markdown comment (no link, image, HTML or mention from a spec), SARIF
 * baseline states against the schema, and the text lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, Problem } from '../server/src/engine';
import { compareWithBase, type BaseReview } from '../server/src/cli/compare';
import { escapeData, escapeProperty, formatGithub } from '../server/src/cli/formatters/github';
import { formatJson } from '../server/src/cli/formatters/json';
import { formatMarkdown } from '../server/src/cli/formatters/markdown';
import { formatSarif } from '../server/src/cli/formatters/sarif';
import { formatText } from '../server/src/cli/formatters/text';
import { reportBytes, reportChunks } from '../server/src/cli/review';
import type { BaselineEntry, Review } from '../server/src/cli/report';
import { sarifErrors } from './support/sarif-schema';

// markdown-it comes with @vscode/vsce (it renders the extension's README); raw HTML and bare-URL links on: the most
// a comment renderer could make of the text
const MarkdownIt = require('markdown-it') as new (options: object) => { render(text: string): string };
const markdown = new MarkdownIt({ html: true, linkify: true });

let anchors = 0;

function finding(over: Partial<Finding> = {}): Finding {
  const anchor = over.anchor ?? `/paths/~1a${anchors++}/get`;
  return {
    ruleId: 'auth-missing', family: 'auth', owasp: ['API2:2023'], cwe: ['CWE-306'], severity: 'error', message: 'GET /a requires no authentication',
    file: 'openapi.yaml', range: { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } }, anchor, path: [],
    operations: [{ method: 'GET', path: '/a' }], related: [], fixes: [], ...over,
  };
}

function review(findings: Finding[], problems: Problem[] = []): Review {
  return { root: '/work/project', findings, problems, documents: ['openapi.yaml'] };
}

function mergeBase(findings: Finding[], problems: Problem[] = []): BaseReview {
  return { against: { kind: 'merge-base', ref: 'main', commit: '0123456789abcdef0123456789abcdef01234567', problems }, findings };
}

function baseline(entries: BaselineEntry[]): BaseReview {
  return { against: { kind: 'baseline', file: 'baseline.json', entries: entries.length }, findings: entries };
}

const entry = (f: Finding): BaselineEntry => ({ ruleId: f.ruleId, file: f.file, anchor: f.anchor, message: f.message });

/** A branch that keeps one finding, gains an operation on another, fixes one and adds one. */
function branch() {
  const kept = finding({ ruleId: 'rate-limit-missing', severity: 'info', anchor: '/paths' });
  const shared = finding({ ruleId: 'response-sensitive-field', file: 'schemas/user.yaml', anchor: '/properties/ssn', message: "Response property 'ssn'" });
  const gone = finding({ ruleId: 'transport-insecure-server', anchor: '/servers/0/url', operations: [], message: 'Server uses plain HTTP' });
  const added = finding({ operations: [{ method: 'DELETE', path: '/admin/users/{id}' }], message: 'DELETE /admin/users/{id} requires no authentication' });
  const sharedNow = { ...shared, operations: [...shared.operations, { method: 'GET', path: '/admin/users' }] };
  const compared = compareWithBase(review([kept, sharedNow, added]), mergeBase([kept, shared, gone]));
  return { compared, kept, sharedNow, gone, added };
}

test('compareWithBase: new, unchanged, fixed, and the unchanged findings that gained operations', () => {
  const { compared, kept, sharedNow, gone, added } = branch();
  assert.deepEqual(compared.findings, [added]);
  assert.deepEqual(compared.changes?.unchanged, [kept, sharedNow]);
  assert.deepEqual(compared.changes?.fixed, [gone]);
  assert.deepEqual(compared.changes?.widened, [{ finding: sharedNow, operations: [{ method: 'GET', path: '/admin/users' }] }]);
});

test('compareWithBase: a suppressed finding fixes nothing when it goes and is not listed when it widens; a baseline entry never widens', () => {
  const suppressed = finding({ suppressed: { kind: 'inSource', justification: 'internal' } });
  assert.deepEqual(compareWithBase(review([]), mergeBase([suppressed])).changes?.fixed, []);
  const suppressedWider = { ...suppressed, operations: [...suppressed.operations, { method: 'GET', path: '/b' }] };
  assert.deepEqual(compareWithBase(review([suppressedWider]), mergeBase([suppressed])).changes?.widened, []);
  const f = finding();
  const wider = { ...f, operations: [...f.operations, { method: 'GET', path: '/b' }] };
  const compared = compareWithBase(review([wider]), baseline([entry(f)]));
  assert.deepEqual([compared.findings, compared.changes?.unchanged, compared.changes?.widened], [[], [wider], []]);
});

test('compareWithBase without a base is the review itself', () => {
  const plain = review([finding()]);
  assert.equal(compareWithBase(plain, undefined), plain);
});

test('GitHub escaping: data escapes %, CR and LF; a property also : and ,', () => {
  assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
  assert.equal(escapeData('a:b,c'), 'a:b,c');
  assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
});

test('github: every line is one of our commands or the count, whatever the spec holds', () => {
  const hostile = finding({
    file: 'we,ird:name%.yaml',
    message: 'GET /x\n::warning file=evil::injected requires no \x1b[2Jauthentication 100%',
    range: { start: { line: 0, character: 2 }, end: { line: 1, character: 3 } },
  });
  const problem: Problem = { file: 'broken.yaml', severity: 'warning', code: 'parse-error', message: 'Invalid YAML\r\n::error::x' };
  const out = formatGithub(review([hostile, finding({ suppressed: { kind: 'inSource', justification: 'ok' } })], [problem]));
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 3, out);
  assert.equal(lines[0], '::warning file=broken.yaml,title=parse-error::Invalid YAML\\r\\n::error::x');
  assert.equal(lines[1], '::error file=we%2Cird%3Aname%25.yaml,line=1,endLine=2,title=auth-missing::'
    + 'GET /x\\n::warning file=evil::injected requires no \\u001b[2Jauthentication 100%25 (OWASP API2:2023)');
  assert.equal(lines[2], 'API Sentinel: 1 findings, 1 problems');
});

test('github: files are named from the workspace; a one-line range has columns, the end inclusive', () => {
  const out = formatGithub(review([finding({ severity: 'info' })]), { workspace: '/work' });
  assert.ok(out.startsWith('::notice file=project/openapi.yaml,line=4,endLine=4,col=5,endColumn=7,title=auth-missing::'), out);
  const outside = formatGithub(review([finding()]), { workspace: '/elsewhere' });
  assert.ok(outside.startsWith('::error file=openapi.yaml,'), outside);
});

test('github: compared with a base, only the new findings are annotated', () => {
  const { compared } = branch();
  const lines = formatGithub(compared).trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => /title=([\w-]+)::(.{0,12})/.exec(l)?.slice(1).join(' ')), ['auth-missing DELETE /admi', undefined]);
  assert.equal(lines[1], "API Sentinel: 1 new, 1 fixed, 2 unchanged, compared with the merge base of 'main' (0123456789ab), 0 problems");
});

/** The HTML a comment renderer makes of the Markdown, its tags, its text, and its text outside code spans. */
function rendered(md: string) {
  const html = markdown.render(md);
  const tags = new Set([...html.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]));
  const textOf = (h: string) => h.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  // GitHub and GitLab find no mention or reference inside code
  return { html, tags, text: textOf(html), prose: textOf(html.replace(/<code>[^]*?<\/code>/g, '')) };
}

test('markdown: text from the spec forms no link, image, HTML, mention or reference, and reads as written', () => {
  const path = '/users/[click](https://evil.example)/<img src=x onerror=alert(1)>';
  const message = `Property '@octocat' of GET ${path} leaks #1 and www.evil.example and <script>x</script> **bold** \x1b]52;c;ZXZpbA==\x07\u202e`;
  const hostile = finding({ message, operations: [{ method: 'GET', path }], file: 'specs/@team.yaml' });
  const md = formatMarkdown(compareWithBase(review([hostile]), mergeBase([finding({ message: '[fixed](javascript:alert(1)) @admin', anchor: '/gone' })])));
  const { html, tags, text, prose } = rendered(md);
  assert.deepEqual([...tags].filter((t) => !['h2', 'h3', 'h4', 'p', 'ul', 'li', 'strong', 'code', 'a', 'br'].includes(t)), [], html);
  for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) assert.match(href, /^https:\/\/owasp\.org\//, html);
  assert.doesNotMatch(prose, /@[A-Za-z0-9]|#\d/, 'no mention, no issue reference');
  assert.ok(!/[\x1b\x07\u202e]/.test(md), 'control characters are shown as escapes');
  const readable = text.replace(/\u200d/g, '');
  assert.ok(readable.includes(message.replace('\x1b', '\\u001b').replace('\x07', '\\u0007').replace('\u202e', '\\u202e')), readable);
  assert.ok(readable.includes(`GET ${path}`) && readable.includes('[fixed](javascript:alert(1)) @admin'), readable);
});

test('markdown: findings grouped by the operations they concern, the most severe group first, with OWASP links and fixes', () => {
  const md = formatMarkdown(review([
    finding({ severity: 'info', operations: [{ method: 'GET', path: '/b' }], message: 'about b' }),
    finding({ ruleId: 'transport-insecure-server', owasp: ['API8:2023'], operations: [], message: 'plain HTTP' }),
    finding({ ruleId: 'response-sensitive-field', owasp: ['API3:2023'], operations: ['/c', '/d', '/e', '/f'].map((p) => ({ method: 'GET', path: p })), message: 'shared' }),
  ]));
  const headings = [...md.matchAll(/^#### (.*)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, ['`GET /c`, `GET /d` and 2 more operations', 'Not tied to one operation', '`GET /b`']);
  assert.match(md, /^\*\*3 findings\*\* \(2 errors, 1 info\) in 1 document\.$/m);
  assert.match(md, /- \*\*error\*\* · `transport-insecure-server` · \[API8:2023\]\(https:\/\/owasp\.org\/[^)]+\) · `openapi\.yaml:4`<br>\n {2}plain HTTP<br>\n {2}\*\*Fix:\*\* /);
});

test('markdown: the fixed findings are collapsed when there are more than five, and a long list is cut', () => {
  const fixed = (n: number) => Array.from({ length: n }, (_, i) => finding({ anchor: `/fixed/${i}`, message: `fixed ${i}` }));
  const few = formatMarkdown(compareWithBase(review([]), mergeBase(fixed(5))));
  assert.ok(!few.includes('<details>') && few.includes('### Fixed on this branch: 5'), few);
  const many = formatMarkdown(compareWithBase(review([]), mergeBase(fixed(60))));
  assert.match(many, /### Fixed on this branch: 60\n\n<details><summary>60 fixed findings<\/summary>\n\n- /);
  assert.match(many, /\n- … and 10 more: the JSON or SARIF report lists them all\.\n\n<\/details>\n$/);
  assert.equal(many.match(/^- `auth-missing`/gm)?.length, 50);
  assert.match(many, /^\*\*No new findings\*\* in 1 document, compared with the merge base of `main` \(0123456789ab\): 60 fixed, 0 unchanged\.$/m);
});

test('markdown: the problems of the merge base are noted: findings in those files may show as new', () => {
  const problem: Problem = { file: 'a.yaml', severity: 'error', code: 'parse-error', message: 'Invalid YAML' };
  const md = formatMarkdown(compareWithBase(review([]), mergeBase([], [problem])));
  assert.match(md, /\n> 1 problem at the merge base \(files it could not read or parse\): findings in those files may show as new\.\n/);
});

test('sarif: a comparison gives every result its baseline state and stays valid', () => {
  const { compared } = branch();
  const log = JSON.parse(formatSarif(compared)) as { runs: { results: { ruleId: string; baselineState: string; partialFingerprints: object }[] }[] };
  assert.equal(sarifErrors(log), '');
  assert.deepEqual(log.runs[0].results.map((r) => `${r.ruleId} ${r.baselineState}`), [
    'auth-missing new', 'rate-limit-missing unchanged', 'response-sensitive-field updated', 'transport-insecure-server absent',
  ]);
  const fromBaseline = compareWithBase(review([]), baseline([{ ruleId: 'no-such-rule', file: 'a.yaml', anchor: '/x', message: '' }]));
  const entryLog = JSON.parse(formatSarif(fromBaseline)) as { runs: { results: { ruleId: string; message: { text: string }; baselineState: string }[] }[] };
  assert.equal(sarifErrors(entryLog), '');
  assert.deepEqual(entryLog.runs[0].results.map((r) => [r.ruleId, r.message.text, r.baselineState]), [['no-such-rule', 'no-such-rule', 'absent']]);
});

test('json: a comparison adds fixed, unchanged, widened and the base', () => {
  const { compared } = branch();
  const report = JSON.parse(formatJson(compared).join('')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(report), ['version', 'findings', 'fixed', 'unchanged', 'widened', 'base', 'problems', 'routes', 'summary']);
  assert.equal(report.unchanged, 2);
  assert.deepEqual((report.widened as { addedOperations: unknown }[]).map((w) => w.addedOperations), [[{ method: 'GET', path: '/admin/users' }]]);
  assert.deepEqual(report.base, { ref: 'main', commit: '0123456789abcdef0123456789abcdef01234567', problems: [] });
  const fromBaseline = JSON.parse(formatJson(compareWithBase(review([]), baseline([entry(finding({ anchor: '/x' }))]))).join('')) as Record<string, unknown>;
  assert.deepEqual(fromBaseline.fixed, [{ ruleId: 'auth-missing', file: 'openapi.yaml', anchor: '/x', message: 'GET /a requires no authentication' }]);
  assert.deepEqual(fromBaseline.baseline, { file: 'baseline.json', entries: 1, fixed: 1 });
});

test('json and sarif: the report is one line, even when a message holds line breaks', () => {
  const message = 'first line\nsecond line\r\nthird';
  const json = formatJson(review([finding({ message })])).join('');
  const sarif = formatSarif(review([finding({ message })]));
  for (const text of [json, sarif]) assert.equal(text.indexOf('\n'), text.length - 1, 'one newline, at the end');
  assert.equal((JSON.parse(json) as { findings: Finding[] }).findings[0].message, message);
  assert.equal((JSON.parse(sarif) as { runs: { results: { message: { text: string } }[] }[] }).runs[0].results[0].message.text, message);
});

test('json: the report writes every finding as the contract orders its fields, and an object findings share once', () => {
  let reads = 0;
  // an operation and a related place that many findings of a shared schema list: the analysis gives one object each
  const operation = { method: 'GET', get path() { reads++; return '/users'; } };
  const related = { file: 'openapi.yaml', range: { start: { line: 9, character: 4 }, end: { line: 9, character: 7 } }, message: 'GET /users returns it' };
  const fixes = [{ title: 'Close it', kind: 'safe' as const, edits: [{ file: 'openapi.yaml', range: related.range, newText: 'additionalProperties: false' }] }];
  const findings = [
    finding({ operations: [operation], related: [related], fixes }),
    finding({ operations: [operation, { method: 'POST', path: '/users' }], related: [related, related], message: 'del \u007f, bidi \u202e', suppressed: { kind: 'inSource', justification: 'by design' } }),
  ];
  const json = formatJson(review(findings)).join('');
  assert.equal(reads, 1, 'the shared operation is written once');
  const { findings: written } = JSON.parse(json) as { findings: Finding[] };
  const contract = ({ anchor: _anchor, path: _path, ...fields }: Finding) => fields;
  assert.deepEqual(written, findings.map(contract));
  const expected = (f: Finding) => JSON.stringify(contract(f)).replace(/[\u007f\u202e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  assert.ok(json.startsWith(`{"version":1,"findings":[${findings.map(expected).join(',')}],"problems":[]`), json);
});

test('a report is written as UTF-8, and ASCII held as UTF-16 (a spec quoted past Latin-1) is copied byte for byte', () => {
  const ascii = '∑{"message":"GET /users returns it"}'.slice(1); // all ASCII, held as UTF-16
  const encodings: unknown[] = [];
  const from = Buffer.from;
  Buffer.from = ((value: string, encoding?: BufferEncoding) => { encodings.push(encoding); return from(value, encoding); }) as typeof Buffer.from;
  try {
    assert.deepEqual(reportBytes(ascii), from(ascii, 'utf8'));
    for (const text of ['{"message":"café"}', '{"message":"∑ and 😀"}', '{"message":"lone \ud800"}']) {
      assert.deepEqual(reportBytes(text), from(text, 'utf8'), text);
    }
  } finally {
    Buffer.from = from;
  }
  assert.deepEqual(encodings, ['latin1', 'utf8', 'utf8', 'utf8']);
});

test('a report in pieces is written as their text joined, in UTF-8 chunks of about 32K characters, never one buffer', () => {
  const pieces: string[] = [];
  for (let i = 0; i < 20000; i++) pieces.push(i % 1000 === 0 ? `{"message":"café ∑ ${i}"},` : `{"n":${i}},`);
  const text = pieces.join('');
  const chunks = [...reportChunks(pieces)];
  assert.deepEqual(Buffer.concat(chunks), Buffer.from(text, 'utf8'));
  assert.ok(chunks.length > 1 && chunks.every((chunk) => chunk.length < 40 * 1024), chunks.map((chunk) => chunk.length).join());
  assert.deepEqual([...reportChunks([])], []);
  assert.deepEqual([...reportChunks(['{}', '\n'])], [Buffer.from('{}\n')]);
});

test('text: the short lists show ten entries, then how many more', () => {
  const gone = Array.from({ length: 12 }, (_, i) => finding({ anchor: `/gone/${i}`, message: `gone ${i}` }));
  const out = formatText(compareWithBase(review([]), mergeBase(gone)), { color: false });
  assert.match(out, /^Compared with the merge base of 'main' \(0123456789ab\): 0 new, 12 fixed, 0 unchanged\n/);
  assert.equal(out.match(/^ {2}openapi\.yaml:4:5 {2}auth-missing {2}gone \d+$/gm)?.length, 10);
  assert.match(out, /\n {2}\.\.\. and 2 more \(--format json lists them all\)\n\n✔ No new findings in 1 document\n$/);
});

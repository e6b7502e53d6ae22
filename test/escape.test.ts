/** Text from the reviewed files is escaped in every output: terminals, JSON, LSP diagnostics and hover Markdown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../server/src/engine';
import { formatText } from '../server/src/cli/formatters/text';
import { findingToDiagnostic, hoverFor, problemToDiagnostic, routeHoverFor } from '../server/src/lsp/convert';
import { markdownCode, markdownText, printableJson, visible } from '../server/src/text/escape';

/** A CommonMark renderer with raw HTML and bare-URL links on: the most a hover renderer could make of the text. */
// markdown-it comes with @vscode/vsce (it renders the extension's README)
const MarkdownIt = require('markdown-it') as new (options: object) => { render(text: string): string; renderInline(text: string): string };
const markdown = new MarkdownIt({ html: true, linkify: true });

/** Every code point that must not reach a reader as it is, with how `visible` shows it. */
const ACTIVE: [string, string][] = [
  ['\x00', '\\u0000'], ['\x07', '\\u0007'], ['\t', '\\t'], ['\n', '\\n'], ['\r', '\\r'], ['\x1b', '\\u001b'], ['\x1f', '\\u001f'],
  ['\x7f', '\\u007f'], ['\x9b', '\\u009b'], ['\x9d', '\\u009d'], ['\x9f', '\\u009f'],
  ['\u061c', '\\u061c'], ['\u200e', '\\u200e'], ['\u200f', '\\u200f'], ['\u2028', '\\u2028'], ['\u2029', '\\u2029'],
  ['\u202a', '\\u202a'], ['\u202e', '\\u202e'], ['\u2066', '\\u2066'], ['\u2069', '\\u2069'],
  ['\ud800', '\\ud800'], ['\udbff', '\\udbff'], ['\udc00', '\\udc00'], ['\udfff', '\\udfff'],
];

/** Only SGR colour codes (ESC [ digits m) may remain; anything else starting with ESC is a leak. */
function foreignEscapes(text: string): string[] {
  return [...text.matchAll(/\x1b(?!\[\d+m)[^]{0,8}/g)].map((m) => JSON.stringify(m[0]));
}

function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'auth-missing', family: 'auth', owasp: ['API2:2023'], cwe: ['CWE-306'], severity: 'error', message: 'GET /a requires no authentication',
    file: 'openapi.yaml', range: { start: { line: 3, character: 4 }, end: { line: 3, character: 7 } }, anchor: '/paths/~1a/get', path: ['paths', '/a', 'get'],
    operations: [{ method: 'GET', path: '/a' }], related: [], fixes: [], ...over,
  };
}

test('visible shows every control, separator, bidirectional control and lone surrogate as an escape', () => {
  for (const [char, escape] of ACTIVE) assert.equal(visible(`a${char}b`), `a${escape}b`, escape);
  assert.equal(visible('\x1b]52;c;ZXZpbA==\x07\x1b[2J'), '\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J');
  // halves in the wrong order are two lone surrogates; a pair (an emoji) stays
  assert.equal(visible('\ud83d\ude00\ude00\ud800!\ud83d'), '\ud83d\ude00\\ude00\\ud800!\\ud83d');
});

test('visible leaves ordinary text as it is', () => {
  const text = 'GET /users/{id}: café 中文 😀 \\d+ "quoted" \u00a0 \u200d ~`*_[]()<>';
  assert.equal(visible(text), text);
});

test('printableJson escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
  // separated, so that no two surrogates pair up
  const text = ACTIVE.map(([char]) => char).join('.');
  // JSON.stringify itself escapes C0 controls and lone surrogates (well-formed JSON.stringify)
  assert.equal(JSON.stringify('\x1b\udfff\ud800'), '"\\u001b\\udfff\\ud800"');
  const value = { message: text, nested: [text] };
  const json = printableJson(value, 2);
  assert.deepEqual(JSON.parse(json), value);
  for (const [char, escape] of ACTIVE) {
    assert.ok(!json.includes(char) || char === '\n', `${escape} is raw in the JSON`);
  }
  assert.ok(json.includes('\\u009b') && json.includes('\\u202e') && json.includes('\\u2028'));
  assert.equal(json.split('\n').length, JSON.stringify(value, null, 2).split('\n').length, 'the indentation keeps its line breaks');
});

test('markdownText renders as the text itself: no link, image, HTML, code span or block structure forms', () => {
  const attacks = [
    '[x](http://e)', '![i](http://e/i.png)', '<img src=x>', '<script>alert(1)</script>', '`code`', 'http://evil.example/a',
    'www.evil.example', 'mail@evil.example', '*em* _em_ ~~del~~', '# heading', '- item', '1. item', '> quote', '| a | b |',
    '<http://e>', '[x]: http://e', '&lt;b&gt; &#60;', 'back\\slash \\[',
  ];
  for (const text of attacks) {
    const html = markdown.render(markdownText(text));
    assert.equal(html, `<p>${escapeHtml(text)}</p>\n`, text);
  }
  const html = markdown.render(markdownText('a\x1b[2J\u202eb'));
  assert.equal(html, '<p>a\\u001b[2J\\u202eb</p>\n');
});

test('markdownCode keeps backticks inside the span, whatever the text', () => {
  for (const text of ['GET /a', 'GET /a`b', '`x`', 'a``b`', ' x', 'y ', '[x](http://e) <img src=x>']) {
    assert.equal(markdown.renderInline(markdownCode(text)), `<code>${escapeHtml(text)}</code>`, text);
  }
  assert.equal(markdown.renderInline(markdownCode('/a\x1b[2J')), '<code>/a\\u001b[2J</code>');
});

test('the hover escapes the message and the operations; the rule documentation stays Markdown', () => {
  const message = 'Path [x](http://e) ![i](http://e/i.png) <img src=x> `code` \x1b[2J\u202e';
  const hover = hoverFor([finding({
    message,
    operations: [{ method: 'GET', path: '/a`b[x](http://e)' }, { method: 'POST', path: '/<img src=x>' }],
  })]);
  const html = markdown.render((hover!.contents as { value: string }).value);
  assert.ok(!/<img|<script/.test(html), html);
  // the only links are the CWE links the rule metadata makes
  assert.deepEqual([...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]), ['https://cwe.mitre.org/data/definitions/306.html']);
  assert.ok(html.includes(`<p>${escapeHtml(visible(message))}</p>`), html);
  assert.ok(html.includes('<code>GET /a`b[x](http://e)</code>') && html.includes('<code>POST /&lt;img src=x&gt;</code>'), html);
  assert.match(html, /<strong>Fix\.<\/strong>/);
});

test('the route hover escapes what the code says: path, names, evidence, files and the applying call', () => {
  const at = { file: 'src/[x](http://e).ts', range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } } };
  const hostile = '[x](http://e) <img src=x> \x1b[2J\u202e';
  const hover = routeHoverFor([{
    framework: 'express', method: 'GET', path: `/a${hostile}`, key: `GET /a${hostile}`, file: at.file, range: at.range, mounted: true,
    chain: [{ name: `auth${hostile}`, kind: 'auth', evidence: `calls ${hostile}`, definedAt: at, appliedAt: at, appliedBy: `app.use(${hostile})`, scope: 'global' }],
  }]);
  const value = (hover!.contents as { value: string }).value;
  const html = markdown.render(value);
  assert.ok(!/<img|<a /.test(html), html);
  assert.ok(!/[\x1b\u202e]/.test(value), value);
  assert.ok(html.includes('Protected by <code>auth[x](http://e) &lt;img src=x&gt; \\u001b[2J\\u202e</code>'), html);
});

test('diagnostics show control characters from the files as escapes', () => {
  const diagnostic = findingToDiagnostic(finding({
    message: 'GET /a\x1b[2J\u202e requires no authentication',
    related: [{ file: 'openapi.yaml', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, message: 'from \x9b2J' }],
  }), '/project');
  assert.equal(diagnostic.message, 'GET /a\\u001b[2J\\u202e requires no authentication (API2:2023)');
  assert.equal(diagnostic.relatedInformation![0].message, 'from \\u009b2J');
  assert.equal(problemToDiagnostic({ file: 'a.yaml', severity: 'error', code: 'ref-missing', message: "$ref '\x1b]8;;http://e\x07'" }).message, "$ref '\\u001b]8;;http://e\\u0007'");
});

test('the text report escapes file names, messages and codes, aligns on the escaped text, and colours with its own codes only', () => {
  const review = {
    root: '/project',
    documents: ['a\x1b[2J.yaml'],
    findings: [
      finding({ file: 'a\x1b[2J.yaml', message: 'GET /x\x1b]52;c;ZXZpbA==\x07\u202e\ud800 is open', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }),
      finding({ file: 'a\x1b[2J.yaml', message: 'short', ruleId: 'bola-predictable-id' }),
    ],
    problems: [{ file: 'a\x1b[2J.yaml', severity: 'error' as const, code: 'parse\x1b[31m', message: 'bad \x9b2J' }],
  };
  const plain = formatText(review, { color: false });
  assert.ok(!plain.includes('\x1b') && !plain.includes('\x9b') && !plain.includes('\u202e'), plain);
  assert.ok(plain.includes('\na\\u001b[2J.yaml\n'), plain);
  assert.ok(plain.includes('GET /x\\u001b]52;c;ZXZpbA==\\u0007\\u202e\\ud800 is open'), plain);
  assert.ok(plain.includes('bad \\u009b2J') && plain.includes('parse\\u001b[31m'), plain);
  const rows = plain.split('\n').filter((line) => /^\s+\d+:\d+/.test(line));
  assert.equal(rows.length, 3);
  // the OWASP column starts at the same place on both finding rows
  const owaspAt = rows.filter((r) => r.includes('API2:2023')).map((r) => r.indexOf('API2:2023'));
  assert.equal(owaspAt.length, 2);
  assert.equal(owaspAt[0], owaspAt[1], plain);

  const coloured = formatText(review, { color: true });
  assert.deepEqual(foreignEscapes(coloured), []);
  assert.match(coloured, /\x1b\[31m/);
  assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), plain);
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

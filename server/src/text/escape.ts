/**
 * Text from the reviewed files (paths, names, descriptions quoted in messages) is written by whoever wrote the files.
 * Every output escapes it here before a terminal, an editor or a Markdown renderer sees it.
 */

/**
 * Code points that act instead of showing, as a character class body. JSON.stringify escapes C0 controls and lone
 * surrogates but leaves these raw: DEL and C1 controls (C1 CSI and OSC work like ESC [ and ESC ]), line and paragraph
 * separators, and bidirectional marks, embeddings, overrides and isolates (they reorder what the reader sees).
 */
const KEPT_BY_JSON = String.raw`\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069`;

/**
 * Every code point that acts instead of showing: C0 controls (escape sequences that recolour, clear the screen, set the
 * clipboard or forge links), lone surrogates (not text; under `u` a surrogate pair matches as one code point), and the
 * rest above.
 */
const ACTIVE = new RegExp(String.raw`[\u0000-\u001f\ud800-\udfff${KEPT_BY_JSON}]`, 'gu');
/** What is left active in JSON.stringify's output; outside strings JSON holds none of it, so every match is in one. */
const ACTIVE_IN_JSON = new RegExp(`[${KEPT_BY_JSON}]`, 'g');

const SHORT_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every active code point shown as an escape (`\u001b`, `\u202e`, `\n`...), safe on a terminal. */
export function visible(text: string): string {
  return text.replace(ACTIVE, (char) => SHORT_ESCAPES[char] ?? unicodeEscape(char));
}

/** JSON of `value` with every active code point as a `\u` escape, safe to print; it parses to the same value. */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(ACTIVE_IN_JSON, unicodeEscape);
}

/** ASCII punctuation: CommonMark lets a backslash escape any of it, and every Markdown construct starts with some. */
const MARKDOWN_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * `text` as literal Markdown: active code points made visible, then every ASCII punctuation character escaped with a
 * backslash, so no link, image, autolink, HTML, code span, emphasis, heading, list or table can form. Renders as
 * the text itself.
 */
export function markdownText(text: string): string {
  return visible(text).replace(MARKDOWN_PUNCTUATION, '\\$&');
}

/**
 * `text` as a Markdown code span. Backslash escapes do not work inside one, so the fence is one backtick longer than
 * the longest run of backticks in the text, which therefore cannot close it early.
 */
export function markdownCode(text: string): string {
  const shown = visible(text);
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // a code span drops one space on each side, and a backtick next to the fence would lengthen it
  const padding = /^[ `]|[ `]$/.test(shown) ? ' ' : '';
  return `${fence}${padding}${shown}${padding}${fence}`;
}

import * as jsYaml from 'js-yaml';
import { keepIndexKeysSparse, LineIndex, LocationTable, MAX_DEPTH, type ParsedText } from './source';

/**
 * A one-pass reader for the YAML that API descriptions are written in: block and flow collections, plain, quoted and
 * block scalars, comments. It follows js-yaml 4's loader step by step, so the value, the key order, the typing of
 * plain scalars and every recorded span are those of parseYaml's js-yaml path; it records spans as it reads instead
 * of rebuilding them from listener events. On anything else (tags, anchors, aliases, explicit or complex keys, merge
 * keys, duplicate keys, directives, document markers, tabs outside scalars, very deep nesting, non-printable
 * characters) and on anything js-yaml would reject, it gives up and the caller parses with js-yaml, which then gives
 * the value or the error with its own message and offset. test/parse-yaml-reader.test.ts compares the two paths on
 * every fixture, the corpus and thousands of generated and edited texts.
 */

/** The one thrown value that means "give up": never an error to report, and cheap to throw (no stack). */
const GIVE_UP: unique symbol = Symbol('outside the subset this reader handles');

function giveUp(): never { throw GIVE_UP; }

interface ImplicitType { tag: string; resolve(data: string): boolean; construct(data: string): unknown }

/** The tags of js-yaml's DEFAULT_SCHEMA implicit types, in resolution order: what `mayBeTyped` was written for. */
const IMPLICIT_TAGS = ['null', 'bool', 'int', 'float', 'timestamp', 'merge'].map((name) => `tag:yaml.org,2002:${name}`);
const MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * js-yaml's own resolvers of plain scalars (null, bool, int, float, timestamp, merge), from an internal of its
 * DEFAULT_SCHEMA: typing then matches js-yaml's by construction. Absent or different, the reader gives up.
 */
const implicitTypes: ImplicitType[] | undefined = (() => {
  const compiled = (jsYaml.DEFAULT_SCHEMA as unknown as { compiledImplicit?: unknown }).compiledImplicit;
  if (!Array.isArray(compiled) || compiled.length !== IMPLICIT_TAGS.length) return undefined;
  const types = compiled as ImplicitType[];
  const usable = types.every((type, i) => type !== null && typeof type === 'object' && type.tag === IMPLICIT_TAGS[i]
    && typeof type.resolve === 'function' && typeof type.construct === 'function');
  return usable ? types : undefined;
})();

const TAB = 0x09, LF = 0x0a, CR = 0x0d, SPACE = 0x20, HASH = 0x23, QUOTE = 0x27, DOUBLE_QUOTE = 0x22, COMMA = 0x2c;
const DASH = 0x2d, DOT = 0x2e, COLON = 0x3a, QUESTION = 0x3f, BACKSLASH = 0x5c, PLUS = 0x2b;
const OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, PIPE = 0x7c, GREATER = 0x3e;
const BANG = 0x21, AMP = 0x26, STAR = 0x2a, PERCENT = 0x25, AT = 0x40, BACKTICK = 0x60;

/**
 * Characters js-yaml refuses in scalars, and surrogates, which are refused unless paired: one character class, which
 * scans a 4 MB text several times faster than js-yaml's pattern with its lookahead.
 */
const SUSPECT = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/g;

/** Whether the text holds a character js-yaml refuses in scalars: such a text, anywhere, is left to js-yaml. */
function hasNonPrintable(text: string): boolean {
  SUSPECT.lastIndex = 0;
  for (let match = SUSPECT.exec(text); match; match = SUSPECT.exec(text)) {
    const c = text.charCodeAt(match.index);
    const next = text.charCodeAt(match.index + 1);
    if (c < 0xd800 || c > 0xdbff || next < 0xdc00 || next > 0xdfff) return true;
    SUSPECT.lastIndex = match.index + 2;
  }
  return false;
}

function isDigit(c: number): boolean { return c >= 0x30 && c <= 0x39; }
function isWhiteSpace(c: number): boolean { return c === SPACE || c === TAB; }
function isWsOrEol(c: number): boolean { return c === SPACE || c === TAB || c === LF || c === CR; }
function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET || c === OPEN_BRACE || c === CLOSE_BRACE;
}

/**
 * Whether a plain scalar may resolve to something other than a string (cheaply rules out most). Of the words, only
 * null's and bool's are typed (`null`, `Null`, `NULL`, `true`, `True`, `TRUE`, `false`, `False`, `FALSE`): 4 or 5
 * letters, so keys such as `name`, `type` or `format` are not even tried.
 */
function mayBeTyped(scalar: string): boolean {
  const c = scalar.charCodeAt(0);
  if (c === 0x6e || c === 0x4e /* n N */ || c === 0x74 || c === 0x54 /* t T */ || c === 0x66 || c === 0x46 /* f F */) {
    return scalar.length === 4 || scalar.length === 5;
  }
  return (c >= 0x30 && c <= 0x39) || c === 0x7e /* ~ */ || c === PLUS || c === DASH || c === DOT || c === 0x3c /* < */;
}

/** js-yaml's one-character escapes in double-quoted scalars, by character code. */
const SIMPLE_ESCAPES: (string | undefined)[] = [];
for (const [c, s] of [['0', '\x00'], ['a', '\x07'], ['b', '\x08'], ['t', '\t'], ['\t', '\t'], ['n', '\n'], ['v', '\x0b'],
  ['f', '\x0c'], ['r', '\r'], ['e', '\x1b'], [' ', ' '], ['"', '"'], ['/', '/'], ['\\', '\\'], ['N', '\x85'],
  ['_', '\xa0'], ['L', '\u2028'], ['P', '\u2029']]) SIMPLE_ESCAPES[c.charCodeAt(0)] = s;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

// js-yaml's node contexts
const FLOW_IN = 1, FLOW_OUT = 2, BLOCK_IN = 3, BLOCK_OUT = 4;
const SCALAR = 1, MAPPING = 2, SEQUENCE = 3;

/**
 * Composing a node nests up to two calls per level (a would-be key inside its node), and the js-yaml path refuses
 * nesting deeper than MAX_DEPTH nodes: giving up at half of it leaves deep texts to that path and its error.
 */
const DEPTH_LIMIT = MAX_DEPTH / 2;

class Reader {
  private readonly input: string;
  /** The input is the text without its BOM: add this to an input offset for an offset of the text. */
  private readonly shift: number;
  private readonly textLength: number;
  /** js-yaml's `state.length`: the input's length, a line feed included. */
  private readonly length: number;
  /** Without them, a line ends at the next line feed, which indexOf finds far faster than a loop. */
  private readonly hasCarriageReturns: boolean;
  private position = 0;
  private line = 0;
  private lineStart = 0;
  /**
   * Where each line read so far starts, by line number (in the text's offsets): the text's line table, recorded at
   * each line break the reader passes. A plain scalar that steps back over line breaks sets `line` back, and the
   * breaks are recorded again when read again.
   */
  private readonly lineStarts: number[];
  private lineIndent = 0;
  private depth = 0;

  /** The node just composed: its value, kind and span (in the text's offsets). */
  private result: unknown = null;
  private kind = 0;
  private start = 0;
  private end = 0;
  /** Set by a collection reader once it recorded its span, for the composeNode that called it. */
  private recorded = false;
  /** Whether a `$ref` read so far names another file (does not start with `#`). */
  private externalRefs = false;

  readonly locations = new LocationTable();
  /**
   * Entries and items of the collections still open, recorded when their collection closes: a key and 4 offsets each
   * (an item's key is empty). The first `pendingCount` are pending; the arrays never shrink, which would reallocate them.
   */
  private readonly pendingKeys: string[] = [];
  private readonly pendingOffsets: number[] = [];
  private pendingCount = 0;

  constructor(private readonly text: string, private readonly types: ImplicitType[]) {
    this.shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let input = this.shift ? text.slice(1) : text;
    const last = input.charCodeAt(input.length - 1);
    if (last !== LF && last !== CR) input += '\n';
    this.length = input.length;
    // js-yaml ends its input with a NUL, which simplifies bounds checks (a NUL in the text has been refused already);
    // appending one would copy the whole text (8 MB for a 4 MB spec held as UTF-16): a read past the end gives NaN
    // instead, which every read turns into that 0 with `| 0`
    this.input = input;
    this.textLength = text.length;
    this.hasCarriageReturns = input.includes('\r');
    this.lineStarts = [this.shift];
  }

  /** The text's line table, once the whole text has been read. */
  lines(): LineIndex {
    const starts = this.lineStarts;
    starts.length = this.line + 1;
    // the line feed added to a text that does not end with a line break starts no line of the text
    if (starts[this.line] > this.textLength) starts.length--;
    return new LineIndex(this.text, { starts, returns: this.hasCarriageReturns });
  }

  read(): unknown {
    const input = this.input;
    while ((input.charCodeAt(this.position) | 0) === SPACE) { this.lineIndent++; this.position++; }
    // js-yaml reads no document at all from blank text: spaces, then the input's last line break
    if (this.position === this.length - 1) {
      this.readLineBreak((input.charCodeAt(this.position) | 0));
      return undefined;
    }
    this.skipSeparationSpace(true);
    const p = this.position;
    const c = (input.charCodeAt(p) | 0);
    // a directive, or a `---` (js-yaml takes any three dashes there as the document's start)
    if (this.lineIndent === 0 && (c === PERCENT || (c === DASH && (input.charCodeAt(p + 1) | 0) === DASH && (input.charCodeAt(p + 2) | 0) === DASH))) giveUp();
    this.composeNode(this.lineIndent - 1, BLOCK_OUT, false, true);
    const value = this.result;
    this.skipSeparationSpace(true);
    if (this.position === this.lineStart && this.atDocumentMarker(this.position)) giveUp();
    if (this.position < this.length - 1) giveUp();
    this.locations.externalRefs = this.externalRefs;
    return value;
  }

  private skipSeparationSpace(allowComments: boolean): number {
    const input = this.input;
    let pos = this.position;
    let lineBreaks = 0;
    let c = (input.charCodeAt(pos) | 0);
    while (c !== 0) {
      while (c === SPACE) c = (input.charCodeAt(++pos) | 0);
      // a tab here can be indentation, which js-yaml refuses in block collections
      if (c === TAB) giveUp();
      if (allowComments && c === HASH) c = (input.charCodeAt((pos = this.lineEnd(pos))) | 0);
      if (c === LF || c === CR) {
        pos += c === CR && (input.charCodeAt(pos + 1) | 0) === LF ? 2 : 1;
        this.lineStarts[++this.line] = pos + this.shift;
        this.lineStart = pos;
        lineBreaks++;
        let indent = 0;
        c = (input.charCodeAt(pos) | 0);
        while (c === SPACE) { indent++; c = (input.charCodeAt(++pos) | 0); }
        this.lineIndent = indent;
      } else break;
    }
    this.position = pos;
    return lineBreaks;
  }

  /** Where the line holding `pos` ends: its line break (the input always ends with one). */
  private lineEnd(pos: number): number {
    const input = this.input;
    if (!this.hasCarriageReturns) return input.indexOf('\n', pos);
    let c = (input.charCodeAt(pos) | 0);
    while (c !== LF && c !== CR && c !== 0) c = (input.charCodeAt(++pos) | 0);
    return pos;
  }

  private readLineBreak(c: number): void {
    this.position++;
    if (c === CR && (this.input.charCodeAt(this.position) | 0) === LF) this.position++;
    this.lineStarts[++this.line] = this.position + this.shift;
    this.lineStart = this.position;
  }

  /** `---` or `...` followed by a blank, at `p`. */
  private atDocumentMarker(p: number): boolean {
    const input = this.input;
    const c = (input.charCodeAt(p) | 0);
    if ((c === DASH || c === DOT) && (input.charCodeAt(p + 1) | 0) === c && (input.charCodeAt(p + 2) | 0) === c) {
      const next = (input.charCodeAt(p + 3) | 0);
      return next === 0 || isWsOrEol(next);
    }
    return false;
  }

  /** Where the text before `end` (an input offset) stops being blank, from `start` (a text offset). */
  private trimmedEnd(end: number, start: number): number {
    const text = this.text;
    end = Math.min(end + this.shift, this.textLength);
    while (end > start && isWsOrEol(text.charCodeAt(end - 1))) end--;
    return end;
  }

  /**
   * js-yaml's composeNode without properties or aliases. Leaves the node in `result`/`kind` and its span in
   * `start`/`end`: an empty node's span is empty, where composing began.
   */
  private composeNode(parentIndent: number, context: number, allowToSeek: boolean, allowCompact: boolean): boolean {
    if (++this.depth > DEPTH_LIMIT) giveUp();
    const input = this.input;
    const open = this.position;
    let indentStatus = 1;
    let atNewLine = false;
    let hasContent = false;
    this.result = null;
    this.kind = 0;
    const allowBlockStyles = context === BLOCK_OUT || context === BLOCK_IN;
    let allowBlockCollections = allowBlockStyles;
    if (allowToSeek && this.skipSeparationSpace(true)) {
      atNewLine = true;
      indentStatus = this.lineIndent > parentIndent ? 1 : this.lineIndent === parentIndent ? 0 : -1;
    }
    const contentStart = this.position;
    const c = (input.charCodeAt(contentStart) | 0);
    if (indentStatus === 1 && (c === BANG || c === AMP)) giveUp();
    if (allowBlockCollections) allowBlockCollections = atNewLine || allowCompact;
    if (indentStatus === 1 || context === BLOCK_OUT) {
      const flowIndent = context === FLOW_IN || context === FLOW_OUT ? parentIndent : parentIndent + 1;
      const blockIndent = contentStart - this.lineStart;
      if (indentStatus === 1) {
        if ((allowBlockCollections && (this.readBlockSequence(blockIndent) || this.readBlockMapping(blockIndent, flowIndent)))
          || this.readFlowCollection(flowIndent)) {
          hasContent = true;
        } else if ((allowBlockStyles && this.readBlockScalar(flowIndent)) || this.readQuotedScalar()) {
          hasContent = true;
          this.kind = SCALAR;
        } else if (c === STAR) {
          giveUp();
        } else if (this.readPlainScalar(flowIndent, context === FLOW_IN)) {
          hasContent = true;
          this.kind = SCALAR;
          this.result = this.typed(this.result as string);
        }
      } else if (indentStatus === 0) {
        hasContent = allowBlockCollections && this.readBlockSequence(blockIndent);
      }
    }
    if (hasContent) {
      // a collection records its own span; a scalar, or a collection read as a would-be key, ends where the reader stopped
      if (this.kind === SCALAR || !this.recorded) this.end = this.trimmedEnd(this.position, contentStart + this.shift);
      this.start = contentStart + this.shift;
    } else {
      this.start = this.end = open + this.shift;
    }
    this.recorded = false;
    this.depth--;
    return hasContent;
  }

  private typed(scalar: string): unknown {
    if (!mayBeTyped(scalar)) return scalar;
    const types = this.types;
    for (let i = 0; i < types.length; i++) {
      const type = types[i];
      if (type.resolve(scalar)) {
        if (type.tag === MERGE_TAG) giveUp();
        return type.construct(scalar);
      }
    }
    return scalar;
  }

  private readPlainScalar(nodeIndent: number, withinFlowCollection: boolean): boolean {
    const input = this.input;
    let c = (input.charCodeAt(this.position) | 0);
    if (isWsOrEol(c) || isFlowIndicator(c) || c === HASH || c === AMP || c === STAR || c === BANG || c === PIPE
      || c === GREATER || c === QUOTE || c === DOUBLE_QUOTE || c === PERCENT || c === AT || c === BACKTICK) return false;
    if (c === QUESTION || c === DASH) {
      const following = (input.charCodeAt(this.position + 1) | 0);
      if (isWsOrEol(following) || (withinFlowCollection && isFlowIndicator(following))) return false;
    }
    // the position is kept in a local while the loop runs over the scalar's characters, and stored when it stops
    let pos = this.position;
    let lineStart = this.lineStart;
    let result = '';
    let captureStart = pos;
    let captureEnd = pos;
    let pending = false;
    let lineBefore = 0;
    while (c !== 0) {
      if (c === COLON) {
        const following = (input.charCodeAt(pos + 1) | 0);
        if (isWsOrEol(following) || (withinFlowCollection && isFlowIndicator(following))) break;
      } else if (c === HASH) {
        if (isWsOrEol((input.charCodeAt(pos - 1) | 0))) break;
      } else if ((pos === lineStart && this.atDocumentMarker(pos)) || (withinFlowCollection && isFlowIndicator(c))) {
        break;
      } else if (c === LF || c === CR) {
        const line = this.line, lineIndent = this.lineIndent;
        lineBefore = line;
        this.position = pos;
        this.skipSeparationSpace(false);
        if (this.lineIndent >= nodeIndent) {
          pending = true;
          pos = this.position;
          lineStart = this.lineStart;
          c = (input.charCodeAt(pos) | 0);
          continue;
        }
        pos = captureEnd;
        this.line = line;
        this.lineStart = lineStart;
        this.lineIndent = lineIndent;
        break;
      }
      if (pending) {
        result += input.slice(captureStart, captureEnd);
        const count = this.line - lineBefore;
        result += count === 1 ? ' ' : '\n'.repeat(count - 1);
        captureStart = captureEnd = pos;
        pending = false;
      }
      if (c !== SPACE && c !== TAB) captureEnd = pos + 1;
      c = (input.charCodeAt(++pos) | 0);
    }
    this.position = pos;
    if (captureStart < captureEnd) result += input.slice(captureStart, captureEnd);
    if (result === '') return false;
    this.result = result;
    return true;
  }

  /** Single- or double-quoted. */
  private readQuotedScalar(): boolean {
    const input = this.input;
    const quote = (input.charCodeAt(this.position) | 0);
    if (quote !== QUOTE && quote !== DOUBLE_QUOTE) return false;
    let result = '';
    let captureStart = ++this.position;
    let captureEnd = captureStart;
    let c: number;
    while ((c = (input.charCodeAt(this.position) | 0)) !== 0) {
      if (c === quote) {
        result += input.slice(captureStart, this.position);
        this.position++;
        if (quote === QUOTE && (input.charCodeAt(this.position) | 0) === QUOTE) {
          captureStart = this.position++;
          captureEnd = this.position;
          continue;
        }
        this.result = result;
        return true;
      } else if (c === BACKSLASH && quote === DOUBLE_QUOTE) {
        result += input.slice(captureStart, this.position);
        c = (input.charCodeAt(++this.position) | 0);
        if (c === LF || c === CR) {
          this.skipSeparationSpace(false);
        } else if (c < 256 && SIMPLE_ESCAPES[c] !== undefined) {
          result += SIMPLE_ESCAPES[c];
          this.position++;
        } else {
          const digits = c === 0x78 ? 2 : c === 0x75 ? 4 : c === 0x55 ? 8 : giveUp();
          let code = 0;
          for (let n = 0; n < digits; n++) {
            const digit = hexValue((input.charCodeAt(++this.position) | 0));
            if (digit < 0) giveUp();
            code = code * 16 + digit;
          }
          // js-yaml builds the code with 32-bit shifts and makes no check: leave anything past Unicode to it
          if (code > 0x10ffff) giveUp();
          result += String.fromCodePoint(code);
          this.position++;
        }
        captureStart = captureEnd = this.position;
      } else if (c === LF || c === CR) {
        result += input.slice(captureStart, captureEnd);
        const count = this.skipSeparationSpace(false);
        result += count === 1 ? ' ' : '\n'.repeat(count - 1);
        captureStart = captureEnd = this.position;
      } else if (this.position === this.lineStart && this.atDocumentMarker(this.position)) {
        giveUp();
      } else {
        // ordinary characters, the bulk of the scalar, up to the next one that needs a look (none starts a line)
        let pos = this.position;
        do {
          pos++;
          if (c !== SPACE && c !== TAB) captureEnd = pos;
          c = (input.charCodeAt(pos) | 0);
        } while (c !== quote && c !== BACKSLASH && c !== LF && c !== CR && c !== 0);
        this.position = pos;
      }
    }
    return giveUp();
  }

  private readBlockScalar(nodeIndent: number): boolean {
    const input = this.input;
    let c = (input.charCodeAt(this.position) | 0);
    if (c !== PIPE && c !== GREATER) return false;
    const folding = c === GREATER;
    let chomping = 0; // 0 clip, 1 keep, -1 strip
    let chompingSet = false;
    let detectedIndent = false;
    let textIndent = nodeIndent;
    let emptyLines = 0;
    let didReadContent = false;
    let atMoreIndented = false;
    let result = '';
    while (c !== 0) {
      c = (input.charCodeAt(++this.position) | 0);
      if (c === PLUS || c === DASH) {
        if (chompingSet) giveUp();
        chompingSet = true;
        chomping = c === PLUS ? 1 : -1;
      } else if (c >= 0x30 && c <= 0x39) {
        if (c === 0x30 || detectedIndent) giveUp();
        textIndent = nodeIndent + (c - 0x30) - 1;
        detectedIndent = true;
      } else break;
    }
    if (isWhiteSpace(c)) {
      do c = (input.charCodeAt(++this.position) | 0); while (isWhiteSpace(c));
      if (c === HASH) c = (input.charCodeAt((this.position = this.lineEnd(this.position))) | 0);
    }
    while (c !== 0) {
      // js-yaml throws here unless a line break follows the header
      if (c !== LF && c !== CR) giveUp();
      this.readLineBreak(c);
      let pos = this.position;
      let indent = 0;
      c = (input.charCodeAt(pos) | 0);
      while ((!detectedIndent || indent < textIndent) && c === SPACE) {
        indent++;
        c = (input.charCodeAt(++pos) | 0);
      }
      this.position = pos;
      this.lineIndent = indent;
      if (!detectedIndent && this.lineIndent > textIndent) textIndent = this.lineIndent;
      if (c === LF || c === CR) { emptyLines++; continue; }
      if (!detectedIndent && textIndent === 0) giveUp();
      if (this.lineIndent < textIndent) {
        if (chomping === 1) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === 0 && didReadContent) result += '\n';
        break;
      }
      if (folding) {
        if (isWhiteSpace(c)) {
          atMoreIndented = true;
          result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
        } else if (atMoreIndented) {
          atMoreIndented = false;
          result += '\n'.repeat(emptyLines + 1);
        } else if (emptyLines === 0) {
          if (didReadContent) result += ' ';
        } else {
          result += '\n'.repeat(emptyLines);
        }
      } else {
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      }
      didReadContent = true;
      detectedIndent = true;
      emptyLines = 0;
      const captureStart = this.position;
      this.position = this.lineEnd(captureStart);
      c = (input.charCodeAt(this.position) | 0);
      result += input.slice(captureStart, this.position);
    }
    this.result = result;
    return true;
  }

  private readFlowCollection(nodeIndent: number): boolean {
    const input = this.input;
    const open = (input.charCodeAt(this.position) | 0);
    let terminator: number;
    if (open === OPEN_BRACKET) terminator = CLOSE_BRACKET;
    else if (open === OPEN_BRACE) terminator = CLOSE_BRACE;
    else return false;
    const isMapping = open === OPEN_BRACE;
    const start = this.position + this.shift;
    const result: unknown = isMapping ? {} : [];
    const first = this.pendingCount;
    let readNext = true;
    this.position++;
    for (;;) {
      this.skipSeparationSpace(true);
      let c = (input.charCodeAt(this.position) | 0);
      if (c === 0) giveUp();
      if (c === terminator) {
        this.position++;
        const end = this.position + this.shift;
        this.record(result as object, start, end, first);
        this.kind = isMapping ? MAPPING : SEQUENCE;
        this.result = result;
        this.start = start;
        this.end = end;
        this.recorded = true;
        return true;
      }
      if (!readNext || c === COMMA || c === QUESTION) giveUp();
      const line = this.line;
      const hasKey = this.composeNode(nodeIndent, FLOW_IN, false, true);
      const keyValue = this.result;
      const keyKind = this.kind;
      const keyStart = this.start;
      const keyEnd = this.end;
      this.skipSeparationSpace(true);
      c = (input.charCodeAt(this.position) | 0);
      if (this.line === line && c === COLON) {
        // a pair: in a mapping, a key and its value; `[key: value]` in a sequence is left to js-yaml
        if (!isMapping || !hasKey || keyKind !== SCALAR) giveUp();
        this.position++;
        this.skipSeparationSpace(true);
        const hasValue = this.composeNode(nodeIndent, FLOW_IN, false, true);
        this.storeEntry(result as Record<string, unknown>, String(keyValue), keyStart, keyEnd, hasValue);
      } else {
        // an entry without a value, in a mapping, or an empty item, is left to js-yaml
        if (isMapping || !hasKey) giveUp();
        (result as unknown[]).push(keyValue);
        this.addPending('', keyStart, keyStart, keyStart, keyEnd);
      }
      this.skipSeparationSpace(true);
      c = (input.charCodeAt(this.position) | 0);
      if (c === COMMA) {
        readNext = true;
        this.position++;
      } else {
        readNext = false;
      }
    }
  }

  /**
   * Stores the value just composed under `key`, and records the entry: a value that is empty (null) is shown at
   * its key.
   */
  private storeEntry(mapping: Record<string, unknown>, key: string, keyStart: number, keyEnd: number, hasValue: boolean): void {
    if (key === '__proto__' || Object.prototype.hasOwnProperty.call(mapping, key)) giveUp();
    if (isDigit(key.charCodeAt(0))) keepIndexKeysSparse(mapping);
    mapping[key] = this.result;
    if (key === '$ref' && typeof this.result === 'string' && this.result.charCodeAt(0) !== HASH) this.externalRefs = true;
    if (hasValue) this.addPending(key, keyStart, keyEnd, this.start, this.end);
    else this.addPending(key, keyStart, keyEnd, keyStart, keyEnd);
  }

  private addPending(key: string, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const n = this.pendingCount++;
    const o = 4 * n;
    const offsets = this.pendingOffsets;
    this.pendingKeys[n] = key;
    offsets[o] = keyStart;
    offsets[o + 1] = keyEnd;
    offsets[o + 2] = valueStart;
    offsets[o + 3] = valueEnd;
  }

  /** Records a collection and the entries or items it left pending from `first`. */
  private record(container: object, start: number, end: number, first: number): void {
    const locations = this.locations;
    const keys = this.pendingKeys;
    const offsets = this.pendingOffsets;
    const firstEntry = locations.entryCount;
    for (let i = first, o = 4 * first; i < this.pendingCount; i++, o += 4) {
      locations.addEntry(keys[i], offsets[o], offsets[o + 1], offsets[o + 2], offsets[o + 3]);
    }
    this.pendingCount = first;
    locations.add(container, start, end, firstEntry);
  }

  private readBlockSequence(nodeIndent: number): boolean {
    const input = this.input;
    const result: unknown[] = [];
    const start = this.position + this.shift;
    const first = this.pendingCount;
    let end = start;
    let c = (input.charCodeAt(this.position) | 0);
    while (c !== 0) {
      if (c !== DASH || !isWsOrEol((input.charCodeAt(this.position + 1) | 0))) break;
      const dash = this.position + this.shift;
      this.position++;
      if (this.skipSeparationSpace(true) && this.lineIndent <= nodeIndent) {
        // a `-` with nothing after it: a null item, shown at its dash
        result.push(null);
        this.addPending('', dash, dash, dash, (end = dash + 1));
        c = (input.charCodeAt(this.position) | 0);
        continue;
      }
      const line = this.line;
      if (!this.composeNode(nodeIndent, BLOCK_IN, false, true)) giveUp();
      result.push(this.result);
      this.addPending('', this.start, this.start, this.start, (end = this.end));
      this.skipSeparationSpace(true);
      c = (input.charCodeAt(this.position) | 0);
      if ((this.line === line || this.lineIndent > nodeIndent) && c !== 0) giveUp();
      if (this.lineIndent < nodeIndent) break;
    }
    if (result.length === 0) return false;
    this.record(result, start, end, first);
    this.kind = SEQUENCE;
    this.result = result;
    this.start = start;
    this.end = end;
    this.recorded = true;
    return true;
  }

  private readBlockMapping(nodeIndent: number, flowIndent: number): boolean {
    const input = this.input;
    const result: Record<string, unknown> = {};
    const start = this.position + this.shift;
    const first = this.pendingCount;
    let detected = false;
    let end = start;
    let c = (input.charCodeAt(this.position) | 0);
    while (c !== 0) {
      const following = (input.charCodeAt(this.position + 1) | 0);
      const line = this.line;
      if ((c === QUESTION || c === COLON) && isWsOrEol(following)) giveUp();
      if (!this.composeNode(flowIndent, FLOW_OUT, false, true)) {
        // js-yaml ends the mapping here; what follows is then an error or another structure: leave it to js-yaml
        if (detected) giveUp();
        return false;
      }
      if (this.line !== line) {
        if (detected) giveUp();
        return true; // a multi-line scalar or flow collection, not a key: the node is this one
      }
      c = (input.charCodeAt(this.position) | 0);
      while (isWhiteSpace(c)) c = (input.charCodeAt(++this.position) | 0);
      if (c !== COLON) {
        if (detected) giveUp();
        return true; // not a key: the node is this one
      }
      if (this.kind !== SCALAR) giveUp();
      c = (input.charCodeAt(++this.position) | 0);
      if (!isWsOrEol(c)) giveUp();
      detected = true;
      const key = String(this.result);
      const keyStart = this.start;
      const keyEnd = this.end;
      const hasValue = this.composeNode(nodeIndent, BLOCK_OUT, true, false);
      // the mapping ends after its last key, or after its last value (even an empty one, where it was looked for)
      end = Math.max(end, keyEnd, this.end);
      this.storeEntry(result, key, keyStart, keyEnd, hasValue);
      this.skipSeparationSpace(true);
      c = (input.charCodeAt(this.position) | 0);
      if ((this.line === line || this.lineIndent > nodeIndent) && c !== 0) giveUp();
      if (this.lineIndent < nodeIndent) break;
    }
    if (!detected) return false;
    this.record(result, start, end, first);
    this.kind = MAPPING;
    this.result = result;
    this.start = start;
    this.end = end;
    this.recorded = true;
    return true;
  }
}

/**
 * Reads `text` as the YAML of an API description, with the value and locations parseYaml's js-yaml path gives, or
 * returns undefined when the text is outside what this reader handles (parseYaml then uses js-yaml).
 *
 * Any other exception also returns undefined: the reader has no effect outside the objects it builds and drops, so
 * falling back to js-yaml is always safe and gives the answer the reader should have given. `onUnexpected` lets tests
 * see such an exception, which is a bug.
 */
export function readYaml(text: string, onUnexpected?: (error: unknown) => void): ParsedText | undefined {
  if (!implicitTypes || text.length === 0 || hasNonPrintable(text)) return undefined;
  try {
    const reader = new Reader(text, implicitTypes);
    const value = reader.read();
    return { value, locations: reader.locations, lines: reader.lines() };
  } catch (error) {
    if (error !== GIVE_UP) onUnexpected?.(error);
    return undefined;
  }
}

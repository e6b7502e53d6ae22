import { keepIndexKeysSparse, LocationTable, MAX_DEPTH, type ParsedText } from './source';

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, HASH = 0x23;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** The characters a string may hold without an escape (RFC 8259: not a quote, a backslash or a control character). */
const PLAIN_CHARS = /[^"\\\u0000-\u001f]*/y;

/**
 * A strict JSON parser (RFC 8259, plus a leading BOM and an error on duplicate keys) that records the span of every key
 * and value as it builds the value. Written by hand because JSON.parse gives no positions and a YAML parser is
 * several times slower on JSON.
 */
class JsonParser {
  readonly locations = new LocationTable();
  private pos: number;
  private depth = 0;
  /** Whether a `$ref` read so far names another file (does not start with `#`). */
  private externalRefs = false;
  /**
   * What the open containers hold so far, innermost last: per object entry its key, value, key start, key end,
   * value start and value end; per array item its value, start and end.
   */
  private readonly pending: unknown[] = [];

  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** Where parsing stands: where it stopped, after an error. */
  get position(): number { return this.pos; }

  parse(): ParsedText {
    const value = this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`Unexpected ${this.describe()} after the JSON value`);
    this.locations.externalRefs = this.externalRefs;
    return { value, locations: this.locations };
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(message, Math.min(at, this.text.length));
  }

  private describe(): string {
    return this.pos >= this.text.length ? 'end of file' : `'${this.text[this.pos]}'`;
  }

  private skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++; else break;
    }
    this.pos = pos;
  }

  private value(): unknown {
    this.skipSpace();
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++this.depth > MAX_DEPTH) this.fail(`Nesting deeper than ${MAX_DEPTH} levels`);
      const container = c === OPEN_BRACE ? this.object() : this.array();
      this.depth--;
      return container;
    }
    if (c === QUOTE) return this.string();
    if (c === 0x74 && text.startsWith('true', this.pos)) { this.pos += 4; return true; }
    if (c === 0x66 && text.startsWith('false', this.pos)) { this.pos += 5; return false; }
    if (c === 0x6e && text.startsWith('null', this.pos)) { this.pos += 4; return null; }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0) { this.pos += m[0].length; return Number(m[0]); }
    return this.fail(`Unexpected ${this.describe()}, expected a value`);
  }

  private string(): string {
    const text = this.text;
    const start = this.pos;
    PLAIN_CHARS.lastIndex = start + 1;
    PLAIN_CHARS.test(text);
    let pos = PLAIN_CHARS.lastIndex;
    if (text.charCodeAt(pos) === QUOTE) {
      this.pos = pos + 1;
      return text.slice(start + 1, pos);
    }
    // escapes: find the closing quote, then let JSON.parse decode (and validate) them
    for (;;) {
      if (pos >= text.length) this.fail('Unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === QUOTE) break;
      if (c === BACKSLASH) pos += 2;
      else if (c < 0x20) this.fail('Control character in string', pos);
      else pos++;
    }
    this.pos = pos + 1;
    try { return JSON.parse(text.slice(start, pos + 1)) as string; } catch { return this.fail('Invalid escape in string', start); }
  }

  /** Objects and arrays are built when they close, from the values pending on the stack, with their locations. */
  private object(): object {
    const text = this.text;
    const start = this.pos++;
    const first = this.pending.length;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === CLOSE_BRACE) this.pos++;
    else {
      for (;;) {
        this.skipSpace();
        const keyStart = this.pos;
        if (text.charCodeAt(keyStart) !== QUOTE) this.fail(`Unexpected ${this.describe()}, expected a property name`);
        const key = this.string();
        const keyEnd = this.pos;
        this.skipSpace();
        if (text.charCodeAt(this.pos) !== COLON) this.fail(`Unexpected ${this.describe()}, expected ':'`);
        this.pos++;
        this.skipSpace();
        const valueStart = this.pos;
        this.pending.push(key, this.value(), keyStart, keyEnd, valueStart, this.pos);
        this.skipSpace();
        const c = text.charCodeAt(this.pos);
        if (c === COMMA) { this.pos++; continue; }
        if (c === CLOSE_BRACE) { this.pos++; break; }
        this.fail(`Unexpected ${this.describe()}, expected ',' or '}'`);
      }
    }
    const pending = this.pending;
    const locations = this.locations;
    const firstEntry = locations.entryCount;
    const result: Record<string, unknown> = {};
    for (let i = first; i < pending.length; i += 6) {
      const key = pending[i] as string;
      const keyStart = pending[i + 2] as number;
      if (Object.prototype.hasOwnProperty.call(result, key)) this.fail(`Duplicate key '${key}'`, keyStart);
      const lead = key.charCodeAt(0);
      if (lead >= 0x30 && lead <= 0x39) keepIndexKeysSparse(result);
      // defineProperty keeps "__proto__" an ordinary key, as JSON.parse does
      if (key === '$ref' && typeof pending[i + 1] === 'string' && (pending[i + 1] as string).charCodeAt(0) !== HASH) this.externalRefs = true;
      if (key === '__proto__') Object.defineProperty(result, key, { value: pending[i + 1], enumerable: true, writable: true, configurable: true });
      else result[key] = pending[i + 1];
      locations.addEntry(key, keyStart, pending[i + 3] as number, pending[i + 4] as number, pending[i + 5] as number);
    }
    pending.length = first;
    locations.add(result, start, this.pos, firstEntry);
    return result;
  }

  private array(): unknown[] {
    const text = this.text;
    const start = this.pos++;
    const first = this.pending.length;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === CLOSE_BRACKET) this.pos++;
    else {
      for (;;) {
        this.skipSpace();
        const itemStart = this.pos;
        this.pending.push(this.value(), itemStart, this.pos);
        this.skipSpace();
        const c = text.charCodeAt(this.pos);
        if (c === COMMA) { this.pos++; continue; }
        if (c === CLOSE_BRACKET) { this.pos++; break; }
        this.fail(`Unexpected ${this.describe()}, expected ',' or ']'`);
      }
    }
    const pending = this.pending;
    const locations = this.locations;
    const firstItem = locations.entryCount;
    const result: unknown[] = [];
    for (let i = first; i < pending.length; i += 3) {
      result.push(pending[i]);
      locations.addItem(pending[i + 1] as number, pending[i + 2] as number);
    }
    pending.length = first;
    locations.add(result, start, this.pos, firstItem);
    return result;
  }
}

/** Parses JSON text and records where every key and value stands; a JsonSyntaxError says where the text is wrong. */
export function parseJson(text: string): ParsedText {
  const parser = new JsonParser(text);
  try {
    return parser.parse();
  } catch (error) {
    // a caller already deep in the stack may overflow before MAX_DEPTH
    if (error instanceof RangeError) throw new JsonSyntaxError('Nesting too deep', parser.position);
    throw error;
  }
}

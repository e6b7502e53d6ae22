import type { EntryLoc, LocationMap, ParsedText, Span } from './source';

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

/**
 * A strict JSON parser (RFC 8259) that records the span of every key and value as it builds the value.
 * Written by hand because JSON.parse gives no positions and a general YAML parser is several times slower on JSON.
 */
export function parseJson(text: string): ParsedText {
  const locations: LocationMap = new WeakMap();
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const len = text.length;

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(message, Math.min(at, len));
  };
  const skip = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++; else return;
    }
  };
  const describe = (c: number) => (pos >= len ? 'end of file' : `'${String.fromCharCode(c)}'`);

  const parseString = (): string => {
    const start = ++pos; // after the opening quote
    let escaped = false;
    for (;;) {
      if (pos >= len) fail('Unterminated string', start - 1);
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c === 0x5c) { escaped = true; pos += 2; continue; }
      if (c < 0x20) fail('Control character in string');
      pos++;
    }
    pos++;
    if (!escaped) return text.slice(start, pos - 1);
    try { return JSON.parse(text.slice(start - 1, pos)) as string; } catch { return fail('Invalid escape in string', start - 1); }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const parseValue = (depth: number): unknown => {
    if (depth > 10_000) fail('Nesting too deep');
    skip();
    const c = text.charCodeAt(pos);
    if (c === 0x7b) return parseObject(depth);
    if (c === 0x5b) return parseArray(depth);
    if (c === 0x22) return parseString();
    if (c === 0x74 && text.startsWith('true', pos)) { pos += 4; return true; }
    if (c === 0x66 && text.startsWith('false', pos)) { pos += 5; return false; }
    if (c === 0x6e && text.startsWith('null', pos)) { pos += 4; return null; }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0) { pos += m[0].length; return Number(m[0]); }
    return fail(`Unexpected ${describe(c)}, expected a value`);
  };

  const parseObject = (depth: number): object => {
    const start = pos++;
    const result: Record<string, unknown> = {};
    const entries = new Map<string, EntryLoc>();
    skip();
    if (text.charCodeAt(pos) === 0x7d) { pos++; }
    else {
      for (;;) {
        skip();
        if (text.charCodeAt(pos) !== 0x22) fail(`Unexpected ${describe(text.charCodeAt(pos))}, expected a property name`);
        const keyStart = pos;
        const key = parseString();
        const keySpan: Span = { start: keyStart, end: pos };
        skip();
        if (text.charCodeAt(pos) !== 0x3a) fail(`Unexpected ${describe(text.charCodeAt(pos))}, expected ':'`);
        pos++;
        skip();
        const valueStart = pos;
        const value = parseValue(depth + 1);
        if (entries.has(key)) fail(`Duplicate key '${key}'`, keyStart);
        // defineProperty keeps "__proto__" an ordinary key, as JSON.parse does
        if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
        else result[key] = value;
        entries.set(key, { key: keySpan, value: { start: valueStart, end: pos } });
        skip();
        const c = text.charCodeAt(pos);
        if (c === 0x2c) { pos++; continue; }
        if (c === 0x7d) { pos++; break; }
        fail(`Unexpected ${describe(c)}, expected ',' or '}'`);
      }
    }
    locations.set(result, { span: { start, end: pos }, entries });
    return result;
  };

  const parseArray = (depth: number): unknown[] => {
    const start = pos++;
    const result: unknown[] = [];
    const items: Span[] = [];
    skip();
    if (text.charCodeAt(pos) === 0x5d) { pos++; }
    else {
      for (;;) {
        skip();
        const itemStart = pos;
        result.push(parseValue(depth + 1));
        items.push({ start: itemStart, end: pos });
        skip();
        const c = text.charCodeAt(pos);
        if (c === 0x2c) { pos++; continue; }
        if (c === 0x5d) { pos++; break; }
        fail(`Unexpected ${describe(c)}, expected ',' or ']'`);
      }
    }
    locations.set(result, { span: { start, end: pos }, items });
    return result;
  };

  const value = parseValue(0);
  skip();
  if (pos < len) fail(`Unexpected ${describe(text.charCodeAt(pos))} after the JSON value`);
  return { value, locations };
}

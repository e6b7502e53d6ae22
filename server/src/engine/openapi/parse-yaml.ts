import * as jsYaml from 'js-yaml';
import type { ContainerLoc, EntryLoc, LocationMap, ParsedText, Span } from './source';

/** A node as js-yaml composes it, seen through its loader's `listener` (open/close events around every node). */
interface Frame { open: number; children: Closed[] }
interface Closed { span: Span; result: unknown; alias: boolean }

export class YamlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, HASH = 0x23, BANG = 0x21, AMP = 0x26, STAR = 0x2a, COLON = 0x3a;

function isBlank(c: number): boolean { return c === SPACE || c === TAB || c === LF || c === CR; }

/** From where js-yaml opened a node, skip separation space, comments, tags and anchors to reach its first character. */
function skipToContent(text: string, pos: number, limit: number): number {
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (isBlank(c)) { pos++; continue; }
    if (c === HASH) { const nl = text.indexOf('\n', pos); pos = nl === -1 ? limit : nl + 1; continue; }
    if (c === BANG || c === AMP) {
      // a tag or an anchor property: it ends at the next blank
      let p = pos + 1;
      while (p < limit && !isBlank(text.charCodeAt(p))) p++;
      if (p >= limit) return pos;
      pos = p;
      continue;
    }
    return pos;
  }
  return Math.min(pos, limit);
}

function trimEnd(text: string, end: number, start: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

function aliasEnd(text: string, start: number, limit: number): number {
  let p = start + 1;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (isBlank(c) || c === 0x2c || c === 0x5d || c === 0x7d) break;
    p++;
  }
  return p;
}

function followedByColon(text: string, pos: number): boolean {
  let c = text.charCodeAt(pos);
  while (c === SPACE || c === TAB) c = text.charCodeAt(++pos);
  return c === COLON;
}

/**
 * Parses one YAML document with js-yaml and records the span of every key and value.
 * js-yaml reports where each node opens (before its leading space) and closes; keys are told from values
 * by the ':' that follows them, since a key without a value composes no value node.
 */
export function parseYaml(text: string): ParsedText {
  // js-yaml drops a leading BOM; keep offsets aligned with the original text
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const locations: LocationMap = new WeakMap();
  const stack: Frame[] = [{ open: 0, children: [] }];
  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }) => {
    if (event === 'open') { stack.push({ open: state.position + bom, children: [] }); return; }
    const frame = stack.pop()!;
    const closeAt = Math.min(state.position + bom, text.length);
    const start = skipToContent(text, frame.open, closeAt);
    const result = state.result;
    const alias = text.charCodeAt(start) === STAR;
    const children = frame.children;
    let end = alias ? aliasEnd(text, start, closeAt) : trimEnd(text, closeAt, start);
    if (result !== null && typeof result === 'object' && !alias && children.length > 0) {
      const first = text.charCodeAt(start);
      // a block collection ends with its last child; a flow collection with its closing bracket
      if (first !== 0x7b && first !== 0x5b) end = children[children.length - 1].span.end;
      if (!locations.has(result)) locations.set(result, describeContainer(text, result, { start, end }, children));
    } else if (result !== null && typeof result === 'object' && !alias && !locations.has(result)) {
      locations.set(result, Array.isArray(result) ? { span: { start, end }, items: [] } : { span: { start, end }, entries: new Map() });
    }
    stack[stack.length - 1].children.push({ span: { start, end }, result, alias });
  };
  let value: unknown;
  try {
    value = jsYaml.load(bom ? text.slice(1) : text, { listener: listener as never, json: false });
  } catch (error) {
    const e = error as { mark?: { position?: number }; reason?: string; message?: string };
    throw new YamlSyntaxError(e.reason ?? e.message ?? String(error), (e.mark?.position ?? 0) + bom);
  }
  return { value, locations };
}

function describeContainer(text: string, result: object, span: Span, children: Closed[]): ContainerLoc {
  if (Array.isArray(result)) {
    // every item composes one node, in order
    return { span, items: children.length === result.length ? children.map((c) => c.span) : [] };
  }
  const entries = new Map<string, EntryLoc>();
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (!followedByColon(text, child.span.end)) continue;
    const next = children[i + 1];
    const hasValue = next !== undefined && !followedByColon(text, next.span.end);
    const key = String(child.result);
    // a key without a value (null) is shown at the key
    const value = hasValue && next.span.end > next.span.start ? next.span : child.span;
    if (!entries.has(key)) entries.set(key, { key: child.span, value });
    if (hasValue) i++;
  }
  return { span, entries };
}

import * as jsYaml from 'js-yaml';
import { LocationTable, MAX_DEPTH, type ParsedText } from './source';
import { readYaml } from './yaml-reader';

export class YamlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message); }
}

/** What js-yaml's loader state shows the `listener` option when a node opens or closes. */
interface LoaderState { position: number; result: unknown; kind: string | null }

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, HASH = 0x23, BANG = 0x21, AMP = 0x26, STAR = 0x2a, COLON = 0x3a;
const COMMA = 0x2c, OPEN_BRACE = 0x7b, OPEN_BRACKET = 0x5b, CLOSE_BRACE = 0x7d, CLOSE_BRACKET = 0x5d;

function isBlank(c: number): boolean { return c === SPACE || c === TAB || c === LF || c === CR; }

/** Skips spaces, line breaks and comments from `pos`, not past `limit`. */
function skipSpace(text: string, pos: number, limit: number): number {
  while (pos < limit) {
    const c = text.charCodeAt(pos);
    if (isBlank(c)) pos++;
    else if (c === HASH) {
      while (pos < limit && text.charCodeAt(pos) !== LF && text.charCodeAt(pos) !== CR) pos++;
    } else break;
  }
  return pos;
}

/** The end of the token at `pos` (a tag or an anchor property): the next blank. */
function tokenEnd(text: string, pos: number, limit: number): number {
  while (pos < limit && !isBlank(text.charCodeAt(pos))) pos++;
  return pos;
}

function trimEnd(text: string, end: number, start: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

/** An alias name ends at a blank or a flow indicator (js-yaml skips the space after it before closing the node). */
function aliasEnd(text: string, start: number, limit: number): number {
  let p = start + 1;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (isBlank(c) || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) break;
    p++;
  }
  return p;
}

/** Whether a ':' value indicator follows `pos` (after space and comments): then the next node is the value of a key ending at `pos`. */
function colonFollows(text: string, pos: number): boolean {
  return text.charCodeAt(skipSpace(text, pos, text.length)) === COLON;
}

/**
 * Nodes that js-yaml has closed while their parent is still open, as parallel columns: a 4 MB spec has about 200,000
 * nodes, and one object per node would cost more than the parse itself.
 */
class ClosedNodes {
  /** Where the node's text begins, properties (tag, anchor) included. */
  from: number[] = [];
  /** Its span: the content without properties; the properties when there is no content; empty after a key without value. */
  start: number[] = [];
  end: number[] = [];
  result: unknown[] = [];
  length = 0;

  push(from: number, start: number, end: number, result: unknown): void {
    const i = this.length++;
    this.from[i] = from;
    this.start[i] = start;
    this.end[i] = end;
    this.result[i] = result;
  }
}

/**
 * Builds the LocationMap from js-yaml's `listener` events. js-yaml opens a node before the space that precedes it
 * and closes it after its content (sometimes after the space and comments that follow), so spans are recovered from
 * the text. The children of a node are the nodes that closed while it was open, in source order: for a mapping,
 * each key followed by its value when a ':' follows the key.
 */
class YamlLocator {
  readonly locations = new LocationTable();
  /** Raw open positions of the nodes still open, innermost last. */
  private readonly opens: number[] = [];
  /** For each open node, where its children begin in `closed`. */
  private readonly firstChild: number[] = [];
  private readonly closed = new ClosedNodes();
  private documents = 0;
  /** Where a second document begins: js-yaml reads every document before it refuses more than one. */
  secondDocument?: number;

  constructor(private readonly text: string, private readonly shift: number) {}

  /** Where the innermost node still open begins (an unterminated string or bracket when the input ends early). */
  innermost(): number {
    return this.opens.length > 0 ? skipSpace(this.text, this.opens[this.opens.length - 1], this.text.length) : 0;
  }

  open(position: number): void {
    const at = position + this.shift;
    if (this.opens.length >= MAX_DEPTH) throw new YamlSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, at);
    if (this.opens.length === 0 && ++this.documents === 2) this.secondDocument = at;
    this.opens.push(at);
    this.firstChild.push(this.closed.length);
  }

  close(state: LoaderState): void {
    const text = this.text;
    const closed = this.closed;
    const open = this.opens.pop()!;
    const first = this.firstChild.pop()!;
    const closeAt = Math.min(state.position + this.shift, text.length);
    const result = state.result;
    const from = skipSpace(text, open, closeAt);
    let content = from;
    let propertiesEnd = from;
    let c = text.charCodeAt(content);
    while (content < closeAt && (c === BANG || c === AMP)) {
      propertiesEnd = tokenEnd(text, content, closeAt);
      content = skipSpace(text, propertiesEnd, closeAt);
      c = text.charCodeAt(content);
    }
    let start = content;
    let end: number;
    if (content >= closeAt) {
      // no content: show the properties (`!!str`, `&a`), or else an empty span where js-yaml looked for the node
      if (propertiesEnd > from) { start = from; end = propertiesEnd; } else start = end = open;
    } else if (c === STAR) {
      end = aliasEnd(text, content, closeAt);
      this.locations.aliases = true;
    } else if ((state.kind === 'mapping' || state.kind === 'sequence') && !this.closedAgain(result, first)) {
      // a flow collection ends with its closing bracket; a block collection with its last entry
      const flowEnd = c === OPEN_BRACE || c === OPEN_BRACKET ? trimEnd(text, closeAt, content) : undefined;
      end = Array.isArray(result)
        ? this.recordSequence(result, first, start, flowEnd)
        : this.recordMapping(result as Record<string, unknown>, first, start, flowEnd);
    } else {
      end = trimEnd(text, closeAt, content);
    }
    // the children of a scalar are dropped: js-yaml 4.3 composes, then discards, a would-be key inside a tagged scalar
    closed.length = first;
    closed.push(from, start, end, result);
  }

  /**
   * Whether a collection closes a second time: js-yaml reads a flow collection in block context as a would-be key,
   * and when no ':' follows, the enclosing node closes with the same result. Its own location stands.
   */
  private closedAgain(result: unknown, first: number): boolean {
    return this.closed.length - first === 1 && this.closed.result[first] === result && this.locations.has(result as object);
  }

  /**
   * Records a mapping from its children, each key followed by its value when a ':' follows the key; the sources of
   * merge keys (`<<`) are kept as merged mappings. Returns where the mapping ends.
   */
  private recordMapping(mapping: Record<string, unknown>, first: number, start: number, flowEnd?: number): number {
    const closed = this.closed;
    const locations = this.locations;
    const firstEntry = locations.entryCount;
    let end = start;
    let merged: object[] | undefined;
    for (let i = first; i < closed.length; i++) {
      const keyStart = closed.start[i];
      const keyEnd = closed.end[i];
      const hasValue = i + 1 < closed.length && colonFollows(this.text, keyEnd);
      // js-yaml closes an empty node where it looked for a key that is not there (the end of a block mapping)
      if (!hasValue && keyStart === keyEnd && closed.result[i] === null) continue;
      const key = String(closed.result[i]);
      // a key without a value (null) is shown at the key
      let valueStart = keyStart;
      let valueEnd = keyEnd;
      if (hasValue) {
        i++;
        // an empty value's span is empty, after the ':'
        end = Math.max(end, closed.end[i]);
        if (closed.start[i] !== closed.end[i]) { valueStart = closed.start[i]; valueEnd = closed.end[i]; }
        if (key === '<<' && !Object.prototype.hasOwnProperty.call(mapping, '<<')) {
          // as in js-yaml, keys written in the mapping win over merged ones, and earlier sources over later ones
          const sources = closed.result[i];
          for (const source of Array.isArray(sources) ? sources : [sources]) {
            if (locations.has(source as object)) (merged ??= []).push(source as object);
          }
        }
      }
      locations.addEntry(key, keyStart, keyEnd, valueStart, valueEnd);
      end = Math.max(end, keyEnd, valueEnd);
    }
    end = flowEnd ?? end;
    locations.add(mapping, start, end, firstEntry, merged);
    return end;
  }

  /** Records a sequence from its children; returns where it ends. */
  private recordSequence(sequence: unknown[], first: number, start: number, flowEnd?: number): number {
    const closed = this.closed;
    const locations = this.locations;
    if (flowEnd !== undefined) {
      const items: number[] = [];
      for (let i = first; i < closed.length; i++) {
        if (i + 1 < closed.length && colonFollows(this.text, closed.end[i])) {
          // `[key: value]`: a single-pair mapping, which js-yaml creates without a node of its own
          const value = closed.start[i + 1] === closed.end[i + 1] ? i : i + 1;
          const item = sequence[items.length / 2];
          const firstEntry = locations.entryCount;
          locations.addEntry(String(closed.result[i]), closed.start[i], closed.end[i], closed.start[value], closed.end[value]);
          if (item !== null && typeof item === 'object') locations.add(item, closed.start[i], closed.end[i + 1], firstEntry);
          items.push(closed.start[i], closed.end[i + 1]);
          i++;
        } else {
          items.push(closed.start[i], closed.end[i]);
        }
      }
      const firstItem = locations.entryCount;
      for (let k = 0; k < items.length; k += 2) locations.addItem(items[k], items[k + 1]);
      locations.add(sequence, start, flowEnd, firstItem);
      return flowEnd;
    }
    const firstItem = locations.entryCount;
    let end = start;
    if (closed.length - first === sequence.length) {
      for (let i = first; i < closed.length; i++) locations.addItem(closed.start[i], (end = closed.end[i]));
    } else {
      end = this.recordItemsWithEmpties(first, start, sequence.length);
    }
    locations.add(sequence, start, end, firstItem);
    return end;
  }

  /**
   * js-yaml composes no node for a `-` entry with nothing after it (a null item): find each `-` in the text,
   * and show such an item at its dash. Returns where the last item ends.
   */
  private recordItemsWithEmpties(first: number, start: number, count: number): number {
    const closed = this.closed;
    const text = this.text;
    let child = first;
    let dash = start;
    let end = start;
    for (let n = 0; n < count; n++) {
      const next = skipSpace(text, dash + 1, text.length);
      if (child < closed.length && next === closed.from[child]) {
        this.locations.addItem(closed.start[child], (end = closed.end[child]));
        dash = skipSpace(text, end, text.length);
        child++;
      } else {
        this.locations.addItem(dash, (end = dash + 1));
        dash = next;
      }
    }
    return end;
  }
}

/**
 * Parses one YAML document and records the span of every key and value: with the one-pass reader for the YAML that
 * API descriptions are written in, and with js-yaml for the rest (and for every error).
 */
export function parseYaml(text: string): ParsedText {
  return readYaml(text) ?? parseYamlWithJsYaml(text);
}

/**
 * Parses one YAML document with js-yaml and records the span of every key and value.
 * A leading BOM is skipped by js-yaml; offsets stay those of `text`.
 */
export function parseYamlWithJsYaml(text: string): ParsedText {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const locator = new YamlLocator(text, bom);
  const options = {
    listener(event: 'open' | 'close', state: LoaderState) {
      if (event === 'open') locator.open(state.position);
      else locator.close(state);
    },
    // js-yaml 4.3 limits nesting to 100 levels by default; the locator enforces its own limit
    maxDepth: MAX_DEPTH + 1,
  };
  let value: unknown;
  try {
    value = jsYaml.load(bom ? text.slice(1) : text, options as jsYaml.LoadOptions);
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw error;
    if (error instanceof RangeError) throw new YamlSyntaxError('nesting too deep', locator.innermost());
    const e = error as { mark?: { position?: number }; reason?: string; message?: string };
    const reason = e.reason ?? e.message ?? String(error);
    // js-yaml reports an unterminated string or bracket at the end of the file; where it starts is more useful
    const unterminated = reason.startsWith('unexpected end of the stream within');
    const offset = unterminated ? locator.innermost() : e.mark ? Math.min((e.mark.position ?? 0) + bom, text.length) : locator.secondDocument ?? 0;
    throw new YamlSyntaxError(reason, offset);
  }
  return { value, locations: locator.locations };
}

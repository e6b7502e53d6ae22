/**
 * Where the positions of an older text stand in a newer one. The texts are compared once: they differ in one region
 * (between their common prefix and common suffix). A position before the region keeps its line and character; one
 * after it moves by the change in length. A position inside the region, at its edges, or separated from it by blanks
 * only has no safe counterpart: a token ending or starting there may have grown into the changed text.
 */
import type { LineIndex } from './spec/source';
import type { Position, Range } from './types';

/** Where two texts differ: from `start` to `oldEnd` in the old text, replaced by up to `newEnd` in the new one. */
export interface ChangedRegion { start: number; oldEnd: number; newEnd: number }

/** Characters compared at once before comparing one by one: string equality is much faster than a loop. */
const CHUNK = 4096;

export function changedRegion(oldText: string, newText: string): ChangedRegion {
  const shorter = Math.min(oldText.length, newText.length);
  let start = 0;
  while (start + CHUNK <= shorter && oldText.substring(start, start + CHUNK) === newText.substring(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd - CHUNK >= start && newEnd - CHUNK >= start && oldText.substring(oldEnd - CHUNK, oldEnd) === newText.substring(newEnd - CHUNK, newEnd)) {
    oldEnd -= CHUNK;
    newEnd -= CHUNK;
  }
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) { oldEnd--; newEnd--; }
  return { start, oldEnd, newEnd };
}

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

export class TextShift {
  /** Positions before this one stay as they are. */
  private readonly firstPosition: Position;
  /** Old offsets up to this one (included) have no counterpart; later ones move by `delta`. */
  private readonly last: number;
  private readonly delta: number;
  /** Lines after the line of `last` move by `lineDelta`, their characters unchanged. */
  private readonly lastLine: number;
  private readonly lineDelta: number;

  constructor(oldText: string, newText: string, private readonly oldLines: LineIndex, private readonly newLines: LineIndex, region = changedRegion(oldText, newText)) {
    // the same change may have been made earlier when the text before it ends as the changed parts end ("re" typed
    // before "responses" reads as "questBody ... re" typed inside it): positions from the earliest such place on may move
    let first = region.start;
    for (let oldEnd = region.oldEnd, newEnd = region.newEnd; first > 0 && oldText.charCodeAt(first - 1) === oldText.charCodeAt(oldEnd - 1)
      && newText.charCodeAt(first - 1) === newText.charCodeAt(newEnd - 1); oldEnd--, newEnd--) first--;
    let last = region.oldEnd;
    while (first > 0 && isBlank(oldText.charCodeAt(first - 1))) first--;
    while (last < oldText.length && isBlank(oldText.charCodeAt(last))) last++;
    this.firstPosition = oldText === newText ? { line: Infinity, character: 0 } : oldLines.position(first);
    this.last = last;
    this.delta = region.newEnd - region.oldEnd;
    this.lastLine = oldLines.position(last).line;
    this.lineDelta = newLines.lineCount() - oldLines.lineCount();
  }

  /** The position in the new text (the same object when it did not move), or undefined when the change may have moved it. */
  position(position: Position): Position | undefined {
    if (before(position, this.firstPosition)) return position;
    if (position.line > this.lastLine) return this.lineDelta === 0 ? position : { line: position.line + this.lineDelta, character: position.character };
    const offset = this.oldLines.offset(position);
    if (offset <= this.last) return undefined;
    const moved = this.newLines.position(offset + this.delta);
    return moved.line === position.line && moved.character === position.character ? position : moved;
  }

  /** The range in the new text (the same object when it did not move), or undefined when it touches the change. */
  range(range: Range): Range | undefined {
    const start = this.position(range.start);
    const end = start && this.position(range.end);
    if (!start || !end) return undefined;
    return start === range.start && end === range.end ? range : { start, end };
  }
}

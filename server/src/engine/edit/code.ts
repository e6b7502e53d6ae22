/**
 * Text edits on route code for suggestions: add a property to an object literal written in the code, write text
 * after an expression, replace an expression. Positions come from the code frontend's facts; the text keeps the
 * surrounding code as it is.
 */
import type { Position, Range, TextEdit } from '../types';

/** Adds `key: value` to an object literal at its insertion point (after its last property, or inside `{}`). */
export function addProperty(file: string, slot: { at: Position; comma: boolean }, property: string): TextEdit {
  return { file, range: { start: slot.at, end: slot.at }, newText: slot.comma ? `, ${property}` : ` ${property} ` };
}

/** Writes `text` right after the expression at `range` (a chained call: `.select('-password')`). */
export function appendAfter(file: string, range: Range, text: string): TextEdit {
  return { file, range: { start: range.end, end: range.end }, newText: text };
}

/** Writes `text` at a position (inside the parentheses of a call without arguments). */
export function insertAt(file: string, at: Position, text: string): TextEdit {
  return { file, range: { start: at, end: at }, newText: text };
}

/** Replaces the expression at `range` with `text`. */
export function replaceExpression(file: string, range: Range, text: string): TextEdit {
  return { file, range, newText: text };
}

/** Where a JSON pointer (a finding's anchor) lands in a file's text, or the nearest place it still reaches. */
import type { Range } from '../types';
import { parseJson } from './parse-json';
import { parseYaml } from './parse-yaml';
import { LineIndex, entryOf, type ParsedText } from './source';

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * The key the pointer names in `text` (JSON for a `.json` file, else YAML), or the deepest key on its way that the
 * text still has: a finding fixed since the text its pointer was made from shows where it was. The file's start when
 * nothing of it is left, or the text does not parse.
 */
export function nearestPlace(text: string, file: string, pointer: string): Range {
  let parsed: ParsedText;
  try { parsed = file.toLowerCase().endsWith('.json') ? parseJson(text) : parseYaml(text); } catch { return TOP; }
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = parsed.value;
  let place: Range = TOP;
  const lines = parsed.lines ?? new LineIndex(text);
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') break;
    const loc = parsed.locations.get(node);
    const span = loc?.items ? loc.items[Number(segment)] : loc && entryOf(loc, segment)?.key;
    if (!span) break;
    place = lines.range(span);
    node = (node as Record<string, unknown>)[segment];
  }
  return place;
}

/** Hover: what the findings at a position mean, from the last analyses, moved to the current text. */
import type { Hover } from 'vscode-languageserver/node';
import type { Position, Range } from '../../engine';
import { hoverFor } from '../convert';
import type { OpenDocuments } from '../open-documents';
import type { SentFinding } from '../protocol';
import type { UnitAnalysis } from '../results';

export const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/** The findings of `analyses` in `file` at `position` (each once), explained. */
export function hoverAt(file: string, position: Position, analyses: UnitAnalysis[], open: OpenDocuments): Hover | undefined {
  const shown: SentFinding[] = [];
  const seen = new Set<string>();
  for (const analysis of analyses) {
    const findings = analysis.findingsIn(file);
    const shift = findings.length > 0 ? analysis.shift(file, open) : undefined;
    if (!shift) continue;
    for (const f of findings) {
      const range = shift.range(f.range);
      const key = `${f.ruleId}|${f.range.start.line}:${f.range.start.character}|${f.message}`;
      if (range && contains(range, position) && !seen.has(key)) { seen.add(key); shown.push(f); }
    }
  }
  return hoverFor(shown);
}

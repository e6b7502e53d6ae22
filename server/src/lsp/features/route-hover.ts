/** Hover on a route registration: its full path and the chain in effect, from the last analyses of its app. */
import type { Hover } from 'vscode-languageserver/node';
import * as path from 'node:path';
import type { Position, Route } from '../../engine';
import { routeHoverFor } from '../convert';
import type { OpenDocuments } from '../open-documents';
import type { UnitAnalysis } from '../results';
import { contains } from './hover';

/** The routes registered in `file` at `position` (each once), as the analyses of the units reading it found them. */
export function routeHoverAt(file: string, position: Position, analyses: UnitAnalysis[], open: OpenDocuments): Hover | undefined {
  const shown: Route[] = [];
  const seen = new Set<string>();
  for (const analysis of analyses) {
    const routes = (analysis.result.routes ?? []).filter((route) => path.resolve(analysis.root, route.file) === file);
    const shift = routes.length > 0 ? analysis.shift(file, open) : undefined;
    if (!shift) continue;
    for (const route of routes) {
      const range = shift.range(route.range);
      const key = `${route.key}|${route.range.start.line}:${route.range.start.character}`;
      if (range && contains(range, position) && !seen.has(key)) { seen.add(key); shown.push(route); }
    }
  }
  return routeHoverFor(shown);
}

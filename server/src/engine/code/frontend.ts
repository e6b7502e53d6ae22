/**
 * The code frontend: route facts read from the candidates' TypeScript and JavaScript (every code file among them, and
 * the project files they import), grouped by app, with the suppressions written above routes. This module and the
 * rest of `engine/code/` are the only ones that load TypeScript: bundled apart (`dist/code-frontend.js`), they are
 * loaded only when a review has route code to read.
 *
 * Suppressing one finding: `// api-sentinel-ignore <rule-id>: <reason>` on a line of its own directly above the line
 * it is reported on: where the route is registered, or the expression inside the code its handler runs (several such
 * comment lines may stack).
 */
import type { Frontend, Suppressions } from '../frontend';
import type { FileReader, Finding, Fix, Suppression } from '../types';
import { SUPPRESSION_PLACEHOLDER } from '../spec/suppression';
import { codeCandidates, hasCodeCandidates } from './files';
import { analyzeRoutes, DEFAULT_MAX_CODE_FILE_SIZE } from './index';
import { groupApps, packageFolders, type CodePart } from './part';

export const codeFrontend: Frontend<CodePart> = {
  need: 'code',
  claims: hasCodeCandidates,
  async load(request) {
    const root = request.root.replace(/\\/g, '/').replace(/(.)\/+$/, '$1');
    // the texts read, so that suppressions are found and written without reading a file twice
    const texts = new Map<string, string>();
    const reader: FileReader = {
      async read(path, limits) {
        const text = await request.reader.read(path, limits);
        if (typeof text === 'string') texts.set(path.replace(/\\/g, '/'), text);
        return text;
      },
    };
    const { config } = request;
    const analysis = await analyzeRoutes({
      root, files: codeCandidates(request), reader, cancel: request.cancel, cache: request.cache,
      options: { authMiddleware: config.authMiddleware, rateLimiters: config.rateLimiters, maxFileSize: Math.min(config.maxFileSize, DEFAULT_MAX_CODE_FILE_SIZE) },
    });
    // findings sit at routes and inside the code their handlers run (services, helpers): any file read may hold one
    const routeTexts = new Map<string, string>();
    for (const file of analysis.inputs) {
      const text = texts.get(`${root === '/' ? '' : root}/${file}`);
      if (text !== undefined) routeTexts.set(file, text);
    }
    const packages = packageFolders(root, request.files);
    return {
      routes: analysis.routes, apps: groupApps(analysis.routes, packages), packages,
      problems: analysis.problems, inputs: analysis.inputs, suppressions: commentSuppressions(routeTexts), texts: routeTexts,
    };
  },
};

/** `// api-sentinel-ignore rule-id: reason` (the reason may be missing). */
const IGNORE_COMMENT = /^\/\/\s*api-sentinel-ignore\s+([A-Za-z0-9-]+)\s*(?::(.*))?$/;

/** Suppressions written as comments above routes in the files that hold them (by path relative to the root). */
function commentSuppressions(texts: ReadonlyMap<string, string>): Suppressions {
  const split = new Map<string, string[]>();
  const linesOf = (file: string): string[] | undefined => {
    let lines = split.get(file);
    const text = texts.get(file);
    if (!lines && text !== undefined) split.set(file, (lines = text.split(/\r?\n/)));
    return lines;
  };
  const find = (finding: Finding): Suppression | undefined => {
    const lines = linesOf(finding.file);
    if (!lines) return undefined;
    for (let line = finding.range.start.line - 1; line >= 0; line--) {
      const text = lines[line];
      const indent = text.length - text.trimStart().length;
      const comment = text.trim();
      if (!comment.startsWith('//')) break;
      const ignore = IGNORE_COMMENT.exec(comment);
      if (ignore && ignore[1] === finding.ruleId) {
        return {
          kind: 'inSource', justification: (ignore[2] ?? '').trim(),
          location: { file: finding.file, range: { start: { line, character: indent }, end: { line, character: indent + comment.length } } },
        };
      }
    }
    return undefined;
  };
  const fix = (finding: Finding): Fix | undefined => {
    const text = texts.get(finding.file);
    const lines = linesOf(finding.file);
    if (text === undefined || !lines || find(finding)) return undefined;
    const line = finding.range.start.line;
    const indent = /^[ \t]*/.exec(lines[line] ?? '')![0];
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return {
      title: `Suppress ${finding.ruleId} here (give the reason)`, kind: 'suggestion',
      edits: [{ file: finding.file, range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}// api-sentinel-ignore ${finding.ruleId}: ${SUPPRESSION_PLACEHOLDER}${eol}` }],
    };
  };
  return { find, fix };
}

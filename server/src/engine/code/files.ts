/**
 * Which files route analysis reads. Free of TypeScript, so that the engine, the CLI and discovery can tell route code
 * from other files without loading the compiler (the code frontend's bundle is loaded only when there is code to read).
 */
import { isIncluded, type ResolvedConfig } from '../config';
import { extname, inFolder, relativeTo } from './posix';

/** Source extensions, in the order an import without an extension is probed. */
export const CODE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

/** Folders whose files are never read (installed packages). */
export const NEVER_READ: ReadonlySet<string> = new Set(['node_modules']);

/** Folders that hold build output, test coverage reports or framework caches, not the sources routes are written in. */
export const BUILD_OUTPUT: ReadonlySet<string> = new Set(['dist', 'build', '.next', 'coverage']);

function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
}

/** Whether a file has a code extension: it is the code frontend's to read, never an OpenAPI document. */
export function hasCodeExtension(path: string): boolean {
  return CODE_EXTENSIONS.includes(extname(fileName(path)));
}

/** Names of code that is not written by hand: type declarations, minified bundles, generated files. */
const NOT_SOURCE = /\.d\.[mc]?ts$|\.min\.[mc]?js$|\.(?:generated|gen)\.[mc]?[jt]sx?$/;

/**
 * Whether a file is route code by its name: a code extension, and not a type declaration (`.d.ts`), a minified bundle
 * (`.min.js`) or a generated file (`.generated.ts`, `.gen.ts`).
 */
export function isCodeFile(path: string): boolean {
  const name = fileName(path);
  return hasCodeExtension(name) && !NOT_SOURCE.test(name);
}

/** A request's candidates, as `codeCandidates` reads them. */
interface CandidateRequest { root: string; files: readonly string[]; explicit: ReadonlySet<string>; config: ResolvedConfig }

/**
 * The code files among a request's candidates: route code outside installed packages and build output, included by
 * the configuration's globs. A file the user named is kept wherever it is, so that the analysis says why it skips
 * one in `dist/`.
 */
export function codeCandidates(request: CandidateRequest): string[] {
  return request.files.filter(isCandidateOf(request));
}

/** Whether a request has a code file among its candidates: the first one found answers. */
export function hasCodeCandidates(request: CandidateRequest): boolean {
  return request.files.some(isCandidateOf(request));
}

function isCandidateOf(request: CandidateRequest): (file: string) => boolean {
  const root = request.root.replace(/\\/g, '/');
  return (file) => {
    if (request.explicit.has(file)) return hasCodeExtension(file);
    const path = file.replace(/\\/g, '/');
    return isCodeFile(path) && !inFolder(root, path, NEVER_READ) && !inFolder(root, path, BUILD_OUTPUT)
      && isIncluded(relativeTo(root, path), request.config);
  };
}

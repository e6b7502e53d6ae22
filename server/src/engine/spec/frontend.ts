/** The spec frontend: the OpenAPI documents among the candidates, every file their `$ref`s reach, the operation model. */
import { isIncluded } from '../config';
import { hasCodeExtension } from '../code/files';
import type { Frontend, FrontendPart } from '../frontend';
import { FileSet } from './load';
import { buildDocument, detectVersion, type ApiDocument } from './model';
import { looksLikeOpenApi } from './sniff';

export interface SpecPart extends FrontendPart {
  /** Every file read, parsed once; refs resolve through it. */
  files: FileSet;
  documents: ApiDocument[];
}

export const specFrontend: Frontend<SpecPart> = {
  need: 'spec',
  async load(request) {
    const { config } = request;
    const files = new FileSet({ root: request.root, allowRemoteRefs: config.allowRemoteRefs, maxFileSize: config.maxFileSize, cache: request.cache }, request.reader);
    const documents: ApiDocument[] = [];
    for (const path of request.files) {
      if (request.cancel?.cancelled) break;
      // route code is the code frontend's
      if (hasCodeExtension(path)) continue;
      const named = request.explicit.has(path);
      if (!named && !isIncluded(files.relative(path), config)) continue;
      const text = await files.read(path);
      if (typeof text !== 'string') { files.unreadable(path, text); continue; }
      if (!looksLikeOpenApi(text)) {
        if (named) notOpenApi(files, path, text);
        continue;
      }
      const file = await files.load(path, undefined, text);
      if (!file) continue;
      const version = detectVersion(file.value);
      if (!version) { if (named) notOpenApi(files, path, text, file.value); continue; }
      await files.loadReferenced(file);
      documents.push(buildDocument(files, file, version));
    }
    return { files, documents, problems: files.problems, inputs: files.all().map((f) => f.relPath) };
  },
};

/** An empty spec part, for analyses whose checks need no spec. */
export function noSpec(request: { root: string }): SpecPart {
  const files = new FileSet({ root: request.root }, { read: () => undefined });
  return { files, documents: [], problems: files.problems, inputs: [] };
}

function notOpenApi(files: FileSet, path: string, text: string, value?: unknown): void {
  const shape = Array.isArray(value) ? 'a list' : value !== null && typeof value === 'object' ? undefined : value === undefined ? undefined : `a ${typeof value}`;
  if (shape) files.problem(path, 'not-openapi', 'info', `File skipped: its top level is ${shape}, not an OpenAPI document (a mapping with 'openapi' or 'swagger')`);
  else if (text.includes('\0')) files.problem(path, 'file-binary', 'error', 'File skipped: it holds binary data (NUL bytes), not YAML or JSON text');
  else if (text.trim() === '') files.problem(path, 'file-empty', 'warning', 'File skipped: it is empty');
  else files.problem(path, 'not-openapi', 'info', "File skipped: it is not an OpenAPI document (no top-level 'openapi' or 'swagger' field)");
}

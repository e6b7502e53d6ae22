/**
 * The candidate files a comparison of specs with code reads, decided from names alone (nothing is read): the code
 * files, and the other candidates that may hold a document paired with them (the pairing rule of `index.ts`): with
 * `apis` configured, the documents it names; otherwise those in a package that holds code, or outside every package.
 * A caller that reviews the other documents apart (the CLI's thread pool) loses no pair.
 */
import type { ResolvedConfig } from '../config';
import { codeCandidates } from '../code/files';
import { packageFolders, packageOf } from '../code/part';
import { relativeTo } from '../code/posix';

export function correlationCandidates(request: { root: string; files: readonly string[]; explicit: ReadonlySet<string>; config: ResolvedConfig }): string[] {
  const code = new Set(codeCandidates(request));
  if (code.size === 0) return [];
  const root = request.root.replace(/\\/g, '/');
  const relative = (file: string) => relativeTo(root, file.replace(/\\/g, '/'));
  const packages = packageFolders(root, request.files);
  const withCode = new Set([...code].map((file) => packageOf(relative(file), packages)));
  const configured = request.config.apis && new Set(request.config.apis.map((api) => api.spec));
  return request.files.filter((file) => {
    if (code.has(file)) return true;
    const path = relative(file);
    if (configured) return configured.has(path);
    const own = packageOf(path, packages);
    return own === '' || withCode.has(own);
  });
}

import * as path from 'node:path';

export function isUrl(location: string): boolean { return /^https?:\/\//i.test(location); }

/** A file's path as the engine reports it: relative to the project root with forward slashes (URLs as they are). */
export function relativePath(root: string, location: string): string {
  if (isUrl(location)) return location;
  return path.relative(root, location).split(path.sep).join('/') || path.basename(location);
}

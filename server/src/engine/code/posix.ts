/** File path helpers for absolute '/'-separated paths (the engine does not use node:path). */

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function extname(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

/** Removes `.`, `..` and empty segments. A leading drive (`C:`) or root is kept. */
function normalize(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  const head = segments[0] === '' || /^[A-Za-z]:$/.test(segments[0]) ? segments.shift()! : undefined;
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return head !== undefined ? `${head}/${out.join('/')}` : out.join('/');
}

/** `relative` against the directory `base`, or `relative` itself when it is absolute. */
export function resolvePath(base: string, relative: string): string {
  return normalize(relative.startsWith('/') || /^[A-Za-z]:\//.test(relative) ? relative : `${base}/${relative}`);
}

/** The path relative to `root`, or the path itself when it is not inside the root. */
export function relativeTo(root: string, path: string): string {
  // asked for every file and import of an analysis: no prefix string made
  if (!path.startsWith(root)) return path;
  if (root.endsWith('/')) return path.slice(root.length);
  return path.charCodeAt(root.length) === SLASH ? path.slice(root.length + 1) : path;
}

const SLASH = 47;

/** True when `path` lies inside `root` in a folder with one of these names (`node_modules`, `dist`, ...). */
export function inFolder(root: string, path: string, names: ReadonlySet<string>): string | undefined {
  const relative = relativeTo(root, path);
  // asked for every file and import probed: the folders are walked, not split into an array
  for (let start = 0, end = relative.indexOf('/'); end !== -1; start = end + 1, end = relative.indexOf('/', start)) {
    const folder = relative.slice(start, end);
    if (names.has(folder)) return folder;
  }
  return undefined;
}

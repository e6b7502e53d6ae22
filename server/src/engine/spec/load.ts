import * as path from 'node:path';
import { isReadFailure, type FileReader, type Problem, type ReadFailure } from '../types';
import { parseJson, JsonSyntaxError } from './parse-json';
import { parseYaml, YamlSyntaxError } from './parse-yaml';
import { SourceFile, LineIndex, type ParsedText } from './source';
import { isLiteralKey } from './literal';
import { derivedOnce } from '../reads';

export interface LoadOptions {
  /** Absolute project root: refs resolving outside it are refused, and paths are reported relative to it. */
  root: string;
  /** Fetch `http(s)://` refs through the reader. Off by default: nothing leaves the machine. */
  allowRemoteRefs?: boolean;
  /** Files larger than this many bytes are not parsed. */
  maxFileSize?: number;
  /** Parses to reuse across analyses. */
  cache?: ParseCache;
}

/** Keys whose string values are documentation for people. */
export const PROSE_KEYS = ['description', 'summary', 'title'] as const;
export type ProseKey = (typeof PROSE_KEYS)[number];

export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;
/** At most this many files are read by one analysis (documents and every file their refs reach). */
export const MAX_FILES_READ = 10_000;
/** At most this much text is read by one analysis, in bytes of UTF-16 code units' worth of characters. */
export const MAX_TEXT_READ = 512 * 1024 * 1024;

/**
 * Parsed files kept between analyses (the language server's), keyed by path and reused while the text is the same,
 * so an edit re-parses only the file that changed.
 */
export class ParseCache {
  private readonly entries = new Map<string, { text: string; parsed: ParsedText }>();
  get(absPath: string, text: string): ParsedText | undefined {
    const entry = this.entries.get(absPath);
    return entry && entry.text === text ? entry.parsed : undefined;
  }
  set(absPath: string, text: string, parsed: ParsedText): void { this.entries.set(absPath, { text, parsed }); }

  private readonly derivations = new Map<string, { text: string; value: unknown }>();
  /**
   * What another frontend makes of a text (the code frontend's parse of a file), made once per text: `key` names the
   * file and what is made of it.
   */
  derive<T>(key: string, text: string, make: () => T): T {
    const kept = this.derivations.get(key);
    if (kept && kept.text === text) return kept.value as T;
    const value = make();
    this.derivations.set(key, { text, value });
    return value;
  }
}

/** A value inside a parsed file: `parent[key]`, or the file's root when there is no parent. */
export interface SpecNode {
  file: SourceFile;
  value: unknown;
  parent?: object;
  key?: string | number;
  /** JSON path from the file's root. */
  path: (string | number)[];
}

export function isRemote(ref: string): boolean { return /^https?:\/\//i.test(ref); }

export function toPosix(p: string): string { return p.split(path.sep).join('/'); }

/**
 * Every file of one analysis, parsed once: the documents named by the caller and every file their `$ref`s reach.
 * Loading is the only asynchronous step; once loaded, refs resolve synchronously for the checks.
 */
export class FileSet {
  readonly problems: Problem[] = [];
  private readonly files = new Map<string, SourceFile | null>();
  private readonly reportedRefs = new Set<string>();
  private filesRead = 0;
  private textRead = 0;
  private limitReported = false;

  constructor(readonly options: LoadOptions, private readonly reader: FileReader) {}

  private get maxFileSize(): number { return this.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE; }

  /**
   * The text of a file through the reader, within the analysis's limits (a file's size, the number of files and the
   * total text one analysis reads): a file past a limit is not read, and the limit is reported once.
   */
  async read(absPath: string): Promise<string | ReadFailure> {
    if (this.filesRead >= MAX_FILES_READ || this.textRead >= MAX_TEXT_READ) {
      if (!this.limitReported) {
        this.limitReported = true;
        const limit = this.filesRead >= MAX_FILES_READ ? `${MAX_FILES_READ} files` : `${MAX_TEXT_READ / 1024 / 1024} MB of text`;
        this.problem(absPath, 'limit-exceeded', 'error', `The review stopped reading files here: one analysis reads at most ${limit}`);
      }
      return { code: 'file-unreadable', reason: 'the analysis read limit was reached' };
    }
    let result;
    try { result = await this.reader.read(absPath, { maxBytes: this.maxFileSize }); } catch (error) {
      return { code: 'file-unreadable', reason: firstLine(String((error as Error).message ?? error)) };
    }
    if (result === undefined) return { code: 'file-missing', reason: 'no such file' };
    if (isReadFailure(result)) return result;
    this.filesRead++;
    this.textRead += result.length;
    return result;
  }

  relative(absPath: string): string {
    return isRemote(absPath) ? absPath : toPosix(path.relative(this.options.root, absPath)) || path.basename(absPath);
  }

  get(absPath: string): SourceFile | undefined { return this.files.get(absPath) ?? undefined; }

  /** Every file parsed so far: the documents and the files their refs reached. */
  all(): SourceFile[] { return [...this.files.values()].filter((f): f is SourceFile => f !== null); }

  /**
   * Reads and parses one file (once); records a problem and returns undefined when it cannot.
   * `onUnread` replaces the generic problem when the file cannot be read (a $ref reports it at the ref).
   */
  async load(absPath: string, onUnread?: (failure: ReadFailure) => void, knownText?: string): Promise<SourceFile | undefined> {
    if (this.files.has(absPath)) return this.files.get(absPath) ?? undefined;
    this.files.set(absPath, null);
    const text = knownText ?? await this.read(absPath);
    if (typeof text !== 'string') {
      if (text.code === 'file-too-large') this.tooLarge(absPath, text.size);
      else if (onUnread) onUnread(text);
      else this.unreadable(absPath, text);
      return undefined;
    }
    const parsed = this.parse(absPath, text);
    if (!parsed) return undefined;
    const file = new SourceFile(absPath, this.relative(absPath), text, parsed.value, parsed.locations, parsed.lines);
    this.files.set(absPath, file);
    return file;
  }

  /** A file that could not be read, said once for the file. */
  unreadable(absPath: string, failure: ReadFailure): void {
    if (failure.code === 'file-too-large') this.tooLarge(absPath, failure.size);
    else if (failure.code === 'file-outside-root' || failure.code === 'file-not-regular') this.problem(absPath, failure.code, 'warning', `File not read: ${failure.reason}`);
    else this.problem(absPath, 'file-unreadable', 'error', failure.code === 'file-missing' ? 'Cannot read the file' : `Cannot read the file: ${failure.reason}`);
  }

  private tooLarge(absPath: string, size: number | undefined): void {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    const max = this.maxFileSize;
    const measured = size !== undefined ? `${mb(size)} MB exceeds` : 'it exceeds';
    this.problem(absPath, 'file-too-large', 'warning', `File skipped: ${measured} the ${mb(max)} MB limit (maxFileSizeMB in .api-sentinel.yaml)`);
  }

  private parse(absPath: string, text: string): ParsedText | undefined {
    if (text.length > this.maxFileSize) {
      this.tooLarge(absPath, text.length);
      return undefined;
    }
    if (text.includes('\0')) {
      this.problem(absPath, 'file-binary', 'error', 'File skipped: it holds binary data (NUL bytes), not YAML or JSON text');
      return undefined;
    }
    const cached = this.options.cache?.get(absPath, text);
    if (cached) return cached;
    const parsed = this.parseText(absPath, text);
    if (parsed) this.options.cache?.set(absPath, text, parsed);
    return parsed;
  }

  private parseText(absPath: string, text: string): ParsedText | undefined {
    const first = /\S/.exec(text)?.[0];
    const json = absPath.toLowerCase().endsWith('.json') || first === '{' || first === '[';
    try {
      if (json) {
        try { return parseJson(text); } catch (error) {
          // YAML is a superset of most JSON-looking text; only a .json file must be strict JSON
          if (absPath.toLowerCase().endsWith('.json')) throw error;
        }
      }
      return parseYaml(text);
    } catch (error) {
      if (error instanceof JsonSyntaxError || error instanceof YamlSyntaxError) {
        const at = new LineIndex(text).position(error.offset);
        const kind = error instanceof JsonSyntaxError ? 'JSON' : 'YAML';
        this.problems.push({
          file: this.relative(absPath), severity: 'error', code: 'parse-error',
          range: { start: at, end: at }, message: `Invalid ${kind}: ${firstLine(error.message)}`,
        });
      } else {
        this.problem(absPath, 'parse-error', 'error', `Cannot parse the file: ${firstLine(String(error))}`);
      }
      return undefined;
    }
  }

  problem(absPath: string, code: string, severity: Problem['severity'], message: string, node?: { file: SourceFile; parent?: object; key?: string | number }): void {
    const range = node?.parent ? node.file.rangeOf(node.parent, node.key, 'value') : undefined;
    this.problems.push({ file: node ? node.file.relPath : this.relative(absPath), severity, code, message, ...(range ? { range } : {}) });
  }

  /**
   * Loads every file reachable through `$ref`s from `file`, breadth first.
   * Refs that leave the project root, or point at remote URLs without opt-in, are reported and not followed.
   */
  async loadReferenced(file: SourceFile): Promise<void> {
    const queue: SourceFile[] = [file];
    const seen = new Set<string>([file.path]);
    while (queue.length > 0) {
      const current = queue.shift()!;
      // where each object of the file is, found in one walk when a ref of the file is first reported, not per ref:
      // a file of thousands of refs was walked thousands of times
      let paths: Map<object, (string | number)[]> | undefined;
      // a file whose refs all start with `#` has no other file to load, nor a ref to report
      const refs = current.locations.externalRefs === false ? [] : collectRefs(current.value, current.locations.aliases !== false);
      if (refs.every((ref) => ref.value.startsWith('#'))) current.locations.externalRefs = false;
      for (const ref of refs) {
        const target = this.refTarget(current, ref.value, ref);
        if (!target || seen.has(target)) continue;
        seen.add(target);
        const loaded = await this.load(target, (failure) => {
          paths ??= objectPaths(current);
          this.reportUnreadRef({ file: current, value: ref.parent, path: paths.get(ref.parent) ?? [] }, ref.value, target, failure);
        });
        if (loaded) queue.push(loaded);
      }
    }
  }

  /** The absolute file a ref string points into, or undefined (with a problem recorded once) when it may not be followed. */
  private refTarget(from: SourceFile, ref: string, where: RefSite): string | undefined {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    if (filePart === '') return undefined;
    const reportKey = `${from.path}\0${ref}`;
    const report = (code: string, severity: Problem['severity'], message: string) => {
      if (this.reportedRefs.has(reportKey)) return;
      this.reportedRefs.add(reportKey);
      this.problem(from.path, code, severity, message, { file: from, parent: where.parent, key: '$ref' });
    };
    if (isRemote(filePart) || isRemote(from.path)) {
      const url = isRemote(filePart) ? filePart : new URL(filePart, from.path).href;
      if (!this.options.allowRemoteRefs) {
        report('ref-remote', 'info', `Remote $ref '${ref}' was not fetched (remote refs are off; enable allowRemoteRefs to follow it)`);
        return undefined;
      }
      return url;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart) && !/^[a-z]:[\\/]/i.test(filePart)) {
      report('ref-unsupported', 'warning', `$ref '${ref}' uses a scheme that is not supported`);
      return undefined;
    }
    const target = path.resolve(path.dirname(from.path), decodeURIComponent(filePart));
    const rel = path.relative(this.options.root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      report('ref-outside-root', 'error', `$ref '${ref}' resolves outside the project root and was not followed`);
      return undefined;
    }
    return target;
  }

  /**
   * Follows `$ref`s from `node` until a value that is not a reference. Problems (missing target, cycle of refs)
   * are recorded once and give undefined.
   */
  deref(node: SpecNode): SpecNode | undefined {
    const first = node.value;
    // the common case: not a reference
    if (first === null || typeof first !== 'object' || typeof (first as Record<string, unknown>).$ref !== 'string') return node;
    // the next most common: one reference to a value that is not one (a kept resolution, no cycle to watch for)
    const target = this.resolveRef(node.file, (first as Record<string, unknown>).$ref as string, node);
    if (!target) return undefined;
    const value = target.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as Record<string, unknown>).$ref !== 'string') return target;
    let current = node;
    const visited = new Set<string>();
    for (;;) {
      const value = current.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return current;
      const ref = (value as Record<string, unknown>).$ref;
      if (typeof ref !== 'string') return current;
      const id = `${current.file.path}\0${ref}`;
      if (visited.has(id)) {
        this.reportRef(current, 'ref-cycle', 'error', `$ref '${ref}' is part of a cycle of references that never reaches a value`);
        return undefined;
      }
      visited.add(id);
      const next = this.resolveRef(current.file, ref, current);
      if (!next) return undefined;
      current = next;
    }
  }

  /**
   * Documentation read by the checks and fixes of this analysis: object -> keys. An edit of documentation nothing read
   * cannot change a finding, so the previous result may be reused with its ranges moved (`engine/session.ts`).
   */
  readonly proseReads = new Map<object, Set<string>>();

  /** A documentation string (`description`, `summary`, `title`) of a spec object, recorded as read. */
  readProse(node: SpecNode, key: ProseKey): string | undefined {
    const value = node.value;
    if (value === null || typeof value !== 'object') return undefined;
    let keys = this.proseReads.get(value);
    if (!keys) this.proseReads.set(value, (keys = new Set()));
    keys.add(key);
    const text = (value as Record<string, unknown>)[key];
    return typeof text === 'string' ? text : undefined;
  }

  private readonly resolved = new Map<SourceFile, Map<string, { value: SpecNode | undefined; use(): void }>>();

  /**
   * Resolves one ref string written in `from` (without following further refs); successful resolutions are kept
   * (with what they read of watched objects, `reads.ts`).
   */
  resolveRef(from: SourceFile, ref: string, site?: SpecNode): SpecNode | undefined {
    let known = this.resolved.get(from);
    if (!known) this.resolved.set(from, (known = new Map()));
    const cached = known.get(ref);
    if (cached) {
      cached.use();
      return cached.value;
    }
    const node = derivedOnce(() => this.resolveRefOnce(from, ref, site));
    if (node.value) known.set(ref, node);
    return node.value;
  }

  private resolveRefOnce(from: SourceFile, ref: string, site?: SpecNode): SpecNode | undefined {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    let file: SourceFile | undefined = from;
    if (filePart !== '') {
      const target = this.refTarget(from, ref, { parent: site?.value as object });
      if (!target) return undefined;
      file = this.files.get(target) ?? undefined;
      if (!file) {
        if (site && this.files.has(target)) return undefined; // unreadable or unparsable: already reported
        if (site) this.reportRef(site, 'ref-missing', 'error', `$ref '${ref}': the file ${this.relative(target)} was not found`);
        return undefined;
      }
    }
    const segments = parsePointer(pointer);
    if (!segments) {
      if (site) this.reportRef(site, 'ref-missing', 'error', `$ref '${ref}' has an invalid JSON pointer`);
      return undefined;
    }
    let value: unknown = file.value;
    let parent: object | undefined;
    let key: string | number | undefined;
    const at: (string | number)[] = [];
    for (const segment of segments) {
      if (value === null || typeof value !== 'object') { value = undefined; break; }
      parent = value;
      key = Array.isArray(value) ? Number(segment) : segment;
      at.push(key);
      value = Object.prototype.hasOwnProperty.call(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
      if (value === undefined) break;
    }
    if (value === undefined) {
      if (site) this.reportRef(site, 'ref-missing', 'error', `$ref '${ref}' points at nothing: '${pointer}' does not exist in ${file.relPath}`);
      return undefined;
    }
    return { file, value, parent, key, path: at };
  }

  /** A $ref whose file could not be read: missing, refused (outside the root through a link, not a regular file) or failing. */
  private reportUnreadRef(site: SpecNode, ref: string, target: string, failure: ReadFailure): void {
    const file = this.relative(target);
    if (failure.code === 'file-missing') this.reportRef(site, 'ref-missing', 'error', `$ref '${ref}': the file ${file} was not found`);
    else if (failure.code === 'file-outside-root') this.reportRef(site, 'ref-outside-root', 'error', `$ref '${ref}' was not followed: ${file} is a symbolic link to a location outside the project root`);
    else if (failure.code === 'file-not-regular') this.reportRef(site, 'ref-not-regular', 'error', `$ref '${ref}' was not followed: ${file} ${failure.reason.replace(/^it /, '')}`);
    else {
      this.reportRef(site, 'ref-missing', 'error', `$ref '${ref}': the file ${file} could not be read`);
      this.unreadable(target, failure);
    }
  }

  private reportRef(site: SpecNode, code: string, severity: Problem['severity'], message: string): void {
    const key = `${code}\0${site.file.path}\0${site.path.join('/')}`;
    if (this.reportedRefs.has(key)) return;
    this.reportedRefs.add(key);
    const obj = site.value as object;
    this.problems.push({ file: site.file.relPath, severity, code, message, range: site.file.rangeOf(obj, '$ref', 'value') });
  }
}

interface RefSite { parent?: object }

/** The JSON path of an object inside a file (only needed to report a problem, or where a path is rarely asked). */
export function locate(file: SourceFile, target: object): (string | number)[] {
  return objectPaths(file).get(target) ?? [];
}

/** The JSON path of every object inside a file (only needed to report a problem); a shared object at the first found. */
function objectPaths(file: SourceFile): Map<object, (string | number)[]> {
  const paths = new Map<object, (string | number)[]>();
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: file.value, path: [] }];
  while (stack.length > 0) {
    const { value, path: at } = stack.pop()!;
    if (value === null || typeof value !== 'object' || paths.has(value)) continue;
    paths.set(value, at);
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...at, Array.isArray(value) ? Number(k) : k] });
  }
  return paths;
}

function firstLine(message: string): string { return message.split('\n')[0].trim(); }

/** RFC 6901 JSON pointer segments, or undefined when malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '' ) return [];
  if (!pointer.startsWith('/')) return undefined;
  try {
    return pointer.slice(1).split('/').map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch { return undefined; }
}

/**
 * Every `$ref` string in a value, skipping literal data: examples (`example`, the `value` of Example Objects, 3.1
 * `examples` arrays), `default`/`enum`/`const` values and extensions. Each shared object (`aliases`: the value may
 * hold some) is walked once.
 */
export function collectRefs(root: unknown, aliases: boolean): { value: string; parent: object }[] {
  const refs: { value: string; parent: object }[] = [];
  const seen = new Set<object>();
  // parallel stacks (values and their roles: 0 any object, 1 a map of Example Objects, 2 an Example Object) keep
  // this walk over every value of a 4 MB document free of per-node allocations
  const values: unknown[] = [root];
  const roles: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const role = roles.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (aliases) {
      if (seen.has(value)) continue;
      seen.add(value);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) { values.push(value[i]); roles.push(0); }
      continue;
    }
    const obj = value as Record<string, unknown>;
    for (const key in obj) {
      const child = obj[key];
      if (key === '$ref' && typeof child === 'string') { refs.push({ value: child, parent: obj }); continue; }
      if (child === null || typeof child !== 'object') continue;
      if (role === 1) { values.push(child); roles.push(2); continue; }
      if (key === 'examples') { if (!Array.isArray(child)) { values.push(child); roles.push(1); } continue; }
      if (isLiteralKey(key) || (role === 2 && key === 'value')) continue;
      values.push(child);
      roles.push(0);
    }
  }
  return refs;
}

/**
 * The module graph: every code file reached from the entry files, parsed once with `ts.createSourceFile`, with its
 * imports, exports and calls. Files come through the reader, breadth first from the entries like `$ref`s do; bare
 * package imports are recorded, never read (no `node_modules` is needed); `tsconfig.json`/`jsconfig.json` `paths` and
 * `baseUrl` are honoured. Broken, huge, generated and minified files become problems, never a crash or a hang.
 */
import ts = require('typescript');
import { isReadFailure, type CancellationSignal, type FileReader, type Problem, type Range, type ReadResult } from '../types';
import type { Derivations } from '../frontend';
import type { Location } from './model';
import { BUILD_OUTPUT, CODE_EXTENSIONS, NEVER_READ } from './files';
import { dirname, extname, inFolder, relativeTo, resolvePath } from './posix';
import { sameItems } from '../lists';

/** TypeScript sources import their siblings by the name of the compiled file (`./users.js` for `users.ts`). */
const SOURCE_TWINS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
/** Imports of these are data or styles, not code. */
const ASSET_EXTENSIONS = new Set(['.json', '.css', '.scss', '.sass', '.less', '.svg', '.png', '.jpg', '.jpeg', '.gif', '.webp', '.html', '.md', '.txt', '.graphql', '.gql', '.wasm', '.node', '.yaml', '.yml']);
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

export const DEFAULT_MAX_CODE_FILE_SIZE = 2 * 1024 * 1024;
/** At most this many code files are read by one analysis. */
const MAX_CODE_FILES = 10_000;

/** What an import specifier names. */
export type ModuleRef =
  | { kind: 'file'; path: string }
  | { kind: 'package'; specifier: string }
  | { kind: 'asset'; specifier: string }
  /** A relative or aliased import that matches no file. */
  | { kind: 'missing'; specifier: string };

/** A local name bound by an import: `default`, an export name, `*` (a namespace) or `module` (`require`'s value). */
export interface ImportBinding { specifier: string; name: string; site: ts.Node }

export type ExportBinding =
  /** A declaration, an expression, or an identifier to look up in the module's scope. */
  | { kind: 'local'; node: ts.Node }
  | { kind: 'reexport'; specifier: string; name: string; site: ts.Node };

export interface Module {
  /** Absolute, with '/'. */
  path: string;
  relPath: string;
  source: ts.SourceFile;
  /** Keyed by the binding's declaration: ImportClause, ImportSpecifier, NamespaceImport, ImportEqualsDeclaration. */
  imports: Map<ts.Node, ImportBinding>;
  /** `require('x')` and `import('x')` calls, with their specifier; undefined when the path is computed. */
  requires: Map<ts.CallExpression, string | undefined>;
  exports: Map<string, ExportBinding>;
  starExports: { specifier: string; site: ts.Node }[];
  /** `export = value` or `module.exports = value` (the last one). */
  exportAssignment?: ts.Expression;
  /** Every call expression, in source order. */
  calls: ts.CallExpression[];
  /** Every static specifier in source order: the order in which the module evaluates its dependencies. */
  dependencies: string[];
  /** Where each specifier of this module leads. */
  refs: Map<string, ModuleRef>;
}

export interface LoadRequest {
  /** Absolute project root with '/': files are reported relative to it, and `tsconfig.json` is searched up to it. */
  root: string;
  /** Entry files (absolute). */
  files: readonly string[];
  reader: FileReader;
  maxFileSize?: number;
  cancel?: CancellationSignal;
  /** Parses kept between analyses. */
  cache?: Derivations;
}

interface PathConfig {
  /** Absolute `baseUrl`: non-relative imports are tried below it. */
  baseUrl?: string;
  paths?: { entries: [pattern: string, targets: string[]][]; base: string };
}

export function locate(module: Module, node: ts.Node): Location {
  return { file: module.relPath, range: rangeOf(module.source, node.getStart(module.source), node.getEnd()) };
}

function rangeOf(source: ts.SourceFile, start: number, end: number): Range {
  return { start: source.getLineAndCharacterOfPosition(start), end: source.getLineAndCharacterOfPosition(end) };
}

function scriptKind(path: string): ts.ScriptKind {
  switch (extname(path).toLowerCase()) {
    case '.tsx': return ts.ScriptKind.TSX;
    case '.jsx': return ts.ScriptKind.JSX;
    case '.js': case '.mjs': case '.cjs': return ts.ScriptKind.JS;
    default: return ts.ScriptKind.TS;
  }
}

export async function loadModules(request: LoadRequest): Promise<ModuleGraph> {
  const graph = new ModuleGraph(request);
  await graph.load();
  return graph;
}

export class ModuleGraph {
  /** Every parsed module, in the order loaded. */
  readonly modules = new Map<string, Module>();
  /** Project files reached but not analysed, with the reason (for the evidence of what they define). */
  readonly skipped = new Map<string, string>();
  readonly problems: Problem[] = [];
  /** Every file the analysis used, relative to the root: modules and the config files that shaped resolution. */
  readonly inputs: string[] = [];
  /** Position of each module in evaluation order: a module runs after the modules it imports. */
  readonly evaluationOrder = new Map<Module, number>();
  readonly root: string;
  private readonly maxFileSize: number;
  private readonly texts = new Map<string, Promise<ReadResult>>();
  /** What each read gave, in the order read: a later load of the same entries compares it (`loadAgain`). */
  private readonly reads = new Map<string, ReadResult>();
  private readonly configs = new Map<string, Promise<PathConfig | undefined>>();
  private readonly resolutions = new Map<string, Promise<ModuleRef>>();
  private readonly files = new Map<string, Promise<string | 'asset' | undefined>>();
  private filesRead = 0;

  constructor(private readonly request: LoadRequest) {
    this.root = request.root.replace(/\/+$/, '') || '/';
    this.maxFileSize = request.maxFileSize ?? DEFAULT_MAX_CODE_FILE_SIZE;
  }

  relative(path: string): string { return relativeTo(this.root, path); }

  /**
   * Loads the entry files and every project file they import, breadth first; each file once. With a parse cache (an
   * editor's session), the last load of the same entries is taken again when it still holds (`loadAgain`).
   */
  async load(): Promise<void> {
    const entries = [...new Set(this.request.files.map((f) => resolvePath('/', f)))];
    const { cache } = this.request;
    const kept = cache && KEPT_LOADS.get(cache)?.find((load) => load.root === this.root && load.maxFileSize === this.maxFileSize && sameItems(load.entries, entries));
    if (!kept || !(await this.loadAgain(kept))) {
      await this.loadAll(entries);
      this.orderEvaluation(entries);
    }
    if (cache && !this.request.cancel?.cancelled) {
      keepLoad(cache, kept, {
        root: this.root, maxFileSize: this.maxFileSize, entries, reads: this.reads, modules: this.modules, skipped: this.skipped,
        problems: this.problems, inputs: this.inputs, filesRead: this.filesRead, evaluationOrder: this.evaluationOrder,
      });
    }
  }

  /**
   * The kept load again, when every file it read reads the same but for modules whose new text loads as cleanly and
   * imports the same specifiers: their imports then resolve as before, since every path tried then reads as it did,
   * so the graph is the kept one with those modules parsed again, in the same evaluation order. An edit of a route
   * file re-resolves no import of the hundreds of others. False when anything else changed: the caller then loads the
   * whole graph.
   */
  private async loadAgain(kept: KeptLoad): Promise<boolean> {
    const edited = new Map<string, Module>();
    for (const [path, before] of kept.reads) {
      const now = await this.read(path);
      if (sameRead(before, now)) continue;
      const was = kept.modules.get(path);
      if (!was || typeof now !== 'string' || kept.problems.some((p) => p.file === was.relPath)) return false;
      const parsed = this.parse(path, now);
      if (!('module' in parsed) || parsed.error || !sameItems(parsed.module.dependencies, was.dependencies)) return false;
      edited.set(path, resolved(parsed.module, was.refs));
    }
    if (this.request.cancel?.cancelled) return false;
    for (const [path, module] of kept.modules) this.modules.set(path, edited.get(path) ?? module);
    for (const [module, index] of kept.evaluationOrder) this.evaluationOrder.set(edited.get(module.path) ?? module, index);
    for (const [path, reason] of kept.skipped) this.skipped.set(path, reason);
    this.problems.push(...kept.problems);
    this.inputs.push(...kept.inputs);
    this.filesRead = kept.filesRead;
    return true;
  }

  private async loadAll(entries: readonly string[]): Promise<void> {
    const queue = entries.map((path) => ({ path, entry: true }));
    const seen = new Set(entries);
    for (let i = 0; i < queue.length && !this.request.cancel?.cancelled; i++) {
      const module = await this.loadFile(queue[i].path, queue[i].entry);
      if (!module) continue;
      this.modules.set(module.path, module);
      for (const ref of module.refs.values()) {
        if (ref.kind === 'file' && !seen.has(ref.path)) {
          seen.add(ref.path);
          queue.push({ path: ref.path, entry: false });
        }
      }
    }
  }

  /** The text of a file through the reader, read once; failures of the reader itself become `file-unreadable`. */
  private read(path: string): Promise<ReadResult> {
    let text = this.texts.get(path);
    if (!text) {
      text = (async (): Promise<ReadResult> => {
        let read: ReadResult;
        try { read = await this.request.reader.read(path, { maxBytes: this.maxFileSize }); } catch (error) {
          read = { code: 'file-unreadable', reason: String((error as Error)?.message ?? error).split('\n')[0] };
        }
        this.reads.set(path, read);
        return read;
      })();
      this.texts.set(path, text);
    }
    return text;
  }

  private problem(path: string, code: string, severity: Problem['severity'], message: string, range?: Range): void {
    this.problems.push({ file: this.relative(path), severity, code, message, ...(range ? { range } : {}) });
  }

  private skip(path: string, reason: string, severity: Problem['severity'] = 'info'): undefined {
    this.skipped.set(path, reason);
    this.problem(path, 'code-file-skipped', severity, `File skipped: ${reason}`);
    return undefined;
  }

  private async loadFile(path: string, entry: boolean): Promise<Module | undefined> {
    if (inFolder(this.root, path, NEVER_READ)) {
      this.skipped.set(path, 'it is in node_modules');
      return undefined;
    }
    const output = inFolder(this.root, path, BUILD_OUTPUT);
    if (output) return this.skip(path, `${output}/ holds build output, not source code`);
    if (this.filesRead >= MAX_CODE_FILES) {
      if (this.filesRead++ === MAX_CODE_FILES) this.problem(path, 'code-limit-exceeded', 'warning', `Route analysis stopped reading files here: it reads at most ${MAX_CODE_FILES} code files`);
      this.skipped.set(path, `the analysis read limit of ${MAX_CODE_FILES} files was reached`);
      return undefined;
    }
    const text = await this.read(path);
    if (text === undefined || isReadFailure(text)) {
      if (text?.code === 'file-too-large') return this.skip(path, this.tooLarge(text.size), 'warning');
      this.skipped.set(path, text ? text.reason : 'it does not exist');
      if (entry || text) {
        this.problem(path, 'code-file-unreadable', entry && !text ? 'error' : 'warning', text ? `Cannot read the file: ${text.reason}` : 'Cannot read the file');
      }
      return undefined;
    }
    this.filesRead++;
    const parsed = this.parse(path, text);
    if ('unwritten' in parsed) return this.skip(path, parsed.unwritten, parsed.severity);
    if ('unparsable' in parsed) {
      this.skipped.set(path, parsed.unparsable);
      this.problem(path, 'code-parse-error', 'error', `Cannot parse the file: ${parsed.unparsable}`);
      return undefined;
    }
    // the parser recovers: the routes of the rest of the file are still read
    if (parsed.error) this.problem(path, 'code-parse-error', 'error', `Cannot parse the file: ${parsed.error.message}`, parsed.error.range);
    const refs = new Map<string, ModuleRef>();
    for (const specifier of parsed.module.dependencies) refs.set(specifier, await this.resolve(specifier, dirname(path)));
    this.inputs.push(parsed.module.relPath);
    return resolved(parsed.module, refs);
  }

  /** A file's text as a module (its parse kept while the text is unchanged), or why it is not hand-written source. */
  private parse(path: string, text: string): ParsedModule | { unwritten: string; severity: Problem['severity'] } {
    if (text.length > this.maxFileSize) return { unwritten: this.tooLarge(text.length), severity: 'warning' };
    if (text.includes('\0')) return { unwritten: 'it holds binary data (NUL bytes), not source code', severity: 'warning' };
    const unwritten = generatedOrMinified(text);
    if (unwritten) return { unwritten, severity: 'info' };
    const relPath = this.relative(path);
    // an unchanged file is not parsed again: its scan is kept; its imports are resolved by a load not taken again
    const make = () => parseModule(path, text, relPath);
    return this.request.cache ? this.request.cache.derive(`code-module\0${path}\0${relPath}`, text, make) : make();
  }

  private tooLarge(size: number | undefined): string {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    return `${size !== undefined ? `${mb(size)} MB exceeds` : 'it exceeds'} the ${mb(this.maxFileSize)} MB limit for code files`;
  }

  /** Where an import specifier written in `dir` leads; resolved once per directory and specifier. */
  resolve(specifier: string, dir: string): Promise<ModuleRef> {
    const key = `${dir}\n${specifier}`;
    let ref = this.resolutions.get(key);
    if (!ref) {
      ref = this.resolveUncached(specifier, dir);
      this.resolutions.set(key, ref);
    }
    return ref;
  }

  private async resolveUncached(specifier: string, dir: string): Promise<ModuleRef> {
    const found = (path: string | 'asset' | undefined): ModuleRef | undefined =>
      path === 'asset' ? { kind: 'asset', specifier } : path ? { kind: 'file', path } : undefined;
    if (/^\.\.?(\/|$)/.test(specifier) || specifier.startsWith('/')) {
      return found(await this.resolveFile(resolvePath(dir, specifier))) ?? { kind: 'missing', specifier };
    }
    if (specifier.startsWith('node:')) return { kind: 'package', specifier };
    const config = await this.configFor(dir);
    const alias = config?.paths && matchPaths(config.paths.entries, specifier);
    if (alias) {
      for (const target of alias.targets) {
        const ref = found(await this.resolveFile(resolvePath(config!.paths!.base, target)));
        if (ref) return ref;
      }
      // a catch-all `*` alias also stands for packages; a specific one that matches nothing is a broken import
      if (alias.pattern !== '*') return { kind: 'missing', specifier };
    }
    if (config?.baseUrl) {
      const ref = found(await this.resolveFile(resolvePath(config.baseUrl, specifier)));
      if (ref) return ref;
    }
    return { kind: 'package', specifier };
  }

  /**
   * The code file a path names, once per path: imports written in many folders name the same file, and every package
   * import is tried below `baseUrl` first.
   */
  private resolveFile(candidate: string): Promise<string | 'asset' | undefined> {
    let file = this.files.get(candidate);
    if (!file) this.files.set(candidate, (file = this.findFile(candidate)));
    return file;
  }

  /** The code file a path names, trying the extensions and `/index.*`; 'asset' for data and style files. */
  private async findFile(candidate: string): Promise<string | 'asset' | undefined> {
    const ext = extname(candidate).toLowerCase();
    // a load not taken again resolves every import of every file: each path is made only when it is tried
    if (CODE_EXTENSIONS.includes(ext)) {
      const stem = candidate.slice(0, -ext.length);
      for (const twin of SOURCE_TWINS[ext] ?? []) if (await this.exists(stem + twin)) return stem + twin;
      if (await this.exists(candidate)) return candidate;
    } else if (ASSET_EXTENSIONS.has(ext)) return 'asset';
    for (const e of CODE_EXTENSIONS) if (await this.exists(candidate + e)) return candidate + e;
    for (const e of CODE_EXTENSIONS) if (await this.exists(`${candidate}/index${e}`)) return `${candidate}/index${e}`;
    return undefined;
  }

  private async exists(path: string): Promise<boolean> {
    if (inFolder(this.root, path, NEVER_READ)) return false;
    const text = await this.read(path);
    return typeof text === 'string' || (text !== undefined && text.code !== 'file-missing' && text.code !== 'file-not-regular');
  }

  /** The `tsconfig.json` (or `jsconfig.json`) nearest to `dir`, searched up to the root. */
  private configFor(dir: string): Promise<PathConfig | undefined> {
    let config = this.configs.get(dir);
    if (!config) {
      config = (async () => {
        for (const name of CONFIG_NAMES) {
          const path = `${dir === '/' ? '' : dir}/${name}`;
          const text = await this.read(path);
          if (typeof text === 'string') return this.parseConfig(path, text, 0);
        }
        const parent = dirname(dir);
        return dir === this.root || parent === dir || !dir.startsWith(this.root) ? undefined : this.configFor(parent);
      })();
      this.configs.set(dir, config);
    }
    return config;
  }

  /** `compilerOptions.baseUrl` and `paths`, merged over the configs it `extends` (relative ones; packages are not read). */
  private async parseConfig(path: string, text: string, depth: number): Promise<PathConfig | undefined> {
    this.inputs.push(this.relative(path));
    const { config, error } = ts.parseConfigFileTextToJson(path, text);
    if (error) {
      // what the lenient parser recovered is still used
      const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JSON);
      const at = error.start !== undefined ? rangeOf(source, error.start, error.start + (error.length ?? 0)) : undefined;
      this.problem(path, 'code-config-error', 'warning', `Invalid ${path.slice(path.lastIndexOf('/') + 1)}: ${ts.flattenDiagnosticMessageText(error.messageText, ' ')}`, at);
    }
    if (typeof config !== 'object' || config === null) return undefined;
    const dir = dirname(path);
    let inherited: PathConfig | undefined;
    const bases = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
    for (const base of bases) {
      if (typeof base !== 'string' || !/^\.\.?\//.test(base) || depth >= 8) continue;
      const basePath = resolvePath(dir, base.endsWith('.json') ? base : `${base}.json`);
      const baseText = await this.read(basePath);
      if (typeof baseText !== 'string') continue;
      const parsed = await this.parseConfig(basePath, baseText, depth + 1);
      inherited = { baseUrl: parsed?.baseUrl ?? inherited?.baseUrl, paths: parsed?.paths ?? inherited?.paths };
    }
    const options = typeof config.compilerOptions === 'object' && config.compilerOptions !== null ? config.compilerOptions : {};
    const baseUrl = typeof options.baseUrl === 'string' ? resolvePath(dir, options.baseUrl) : inherited?.baseUrl;
    let paths = inherited?.paths;
    if (typeof options.paths === 'object' && options.paths !== null) {
      const entries = Object.entries(options.paths as Record<string, unknown>)
        .map(([pattern, targets]): [string, string[]] => [pattern, Array.isArray(targets) ? targets.filter((t): t is string => typeof t === 'string') : []]);
      paths = { entries, base: baseUrl ?? dir };
    } else if (paths && typeof options.baseUrl === 'string') {
      paths = { entries: paths.entries, base: baseUrl! };
    }
    return { baseUrl, paths };
  }

  /** Evaluation order: depth first from the entries, each module after the modules it imports (cycles cut). */
  private orderEvaluation(entries: string[]): void {
    const starts = [...entries.map((p) => this.modules.get(p)), ...this.modules.values()].filter((m): m is Module => m !== undefined);
    const visiting = new Set<Module>();
    for (const start of starts) {
      if (this.evaluationOrder.has(start)) continue;
      const stack: { module: Module; next: number }[] = [{ module: start, next: 0 }];
      visiting.add(start);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const specifier = top.module.dependencies[top.next++];
        if (specifier === undefined) {
          stack.pop();
          visiting.delete(top.module);
          this.evaluationOrder.set(top.module, this.evaluationOrder.size);
          continue;
        }
        const ref = top.module.refs.get(specifier);
        const dependency = ref?.kind === 'file' ? this.modules.get(ref.path) : undefined;
        if (dependency && !this.evaluationOrder.has(dependency) && !visiting.has(dependency)) {
          visiting.add(dependency);
          stack.push({ module: dependency, next: 0 });
        }
      }
    }
  }
}

/** The module last made from each kept parse, its imports resolved: taken again while they resolve the same. */
const RESOLVED = new WeakMap<Module, Module>();

/** A parsed module with its imports resolved to `refs`: the one made last from this parse when they lead where they led then. */
function resolved(parsed: Module, refs: Map<string, ModuleRef>): Module {
  const last = RESOLVED.get(parsed);
  if (last && sameRefs(last.refs, refs)) return last;
  const module: Module = { ...parsed, refs };
  RESOLVED.set(parsed, module);
  return module;
}

/** A load, kept for the next load of the same entries with the same parse cache: what it read and what it made. */
interface KeptLoad {
  root: string;
  maxFileSize: number;
  entries: readonly string[];
  reads: ReadonlyMap<string, ReadResult>;
  modules: ReadonlyMap<string, Module>;
  skipped: ReadonlyMap<string, string>;
  problems: readonly Problem[];
  inputs: readonly string[];
  filesRead: number;
  evaluationOrder: ReadonlyMap<Module, number>;
}

/** The last loads of each parse cache (an editor's session), the latest last: one per analysis unit of route code. */
const KEPT_LOADS = new WeakMap<Derivations, KeptLoad[]>();
/** Loads kept per parse cache: a workspace has a few units of route code. */
const MAX_KEPT_LOADS = 8;

/** Keeps `load` in place of `replaced` (the load of the same entries it was made from, if any). */
function keepLoad(cache: Derivations, replaced: KeptLoad | undefined, load: KeptLoad): void {
  let loads = KEPT_LOADS.get(cache);
  if (!loads) KEPT_LOADS.set(cache, (loads = []));
  if (replaced) loads.splice(loads.indexOf(replaced), 1);
  loads.push(load);
  if (loads.length > MAX_KEPT_LOADS) loads.shift();
}

/** Whether two reads of a path gave the same: the same text, or the same failure. */
function sameRead(a: ReadResult, b: ReadResult): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return a.code === b.code && a.reason === b.reason && a.size === b.size;
}

function sameRefs(a: ReadonlyMap<string, ModuleRef>, b: ReadonlyMap<string, ModuleRef>): boolean {
  if (a.size !== b.size) return false;
  for (const [specifier, ref] of a) {
    const other = b.get(specifier);
    if (other?.kind !== ref.kind || (ref.kind === 'file' ? ref.path !== (other as typeof ref).path : ref.specifier !== (other as typeof ref).specifier)) return false;
  }
  return true;
}

/** A parsed file: its module (imports not resolved yet) and its first syntax error; or why it cannot be parsed at all. */
type ParsedModule = { module: Module; error?: { message: string; range: Range } } | { unparsable: string };

function parseModule(path: string, text: string, relPath: string): ParsedModule {
  let source: ts.SourceFile;
  try {
    // JSDoc comments are left unparsed: nothing the analysis reads is written in them. Parents are set by `scan`, in
    // the one walk it makes over the tree anyway.
    source = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(path));
  } catch (error) {
    // the parser recurses: hostile nesting exhausts the stack
    return { unparsable: error instanceof RangeError ? 'it is nested too deeply' : String((error as Error)?.message ?? error).split('\n')[0] };
  }
  const first = ((source as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [])[0];
  const error = first && { message: ts.flattenDiagnosticMessageText(first.messageText, ' '), range: rangeOf(source, first.start, first.start + first.length) };
  return { module: scan(source, relPath), ...(error ? { error } : {}) };
}

/** The `paths` entry with the longest prefix that matches, as TypeScript picks it. */
function matchPaths(entries: [string, string[]][], specifier: string): { pattern: string; targets: string[] } | undefined {
  let best: { pattern: string; targets: string[]; length: number } | undefined;
  for (const [pattern, targets] of entries) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) return { pattern, targets };
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (specifier.length < prefix.length + suffix.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
    if (best && best.length >= prefix.length) continue;
    const matched = specifier.slice(prefix.length, specifier.length - suffix.length);
    best = { pattern, targets: targets.map((t) => t.replace('*', matched)), length: prefix.length };
  }
  return best;
}

/**
 * Why a file is not hand-written source: a `@generated` marker in its head, a source map comment (compiled output),
 * or minified text (very long lines).
 */
function generatedOrMinified(text: string): string | undefined {
  const head = text.slice(0, 2048);
  if (head.includes('@generated') && /^[ \t]*(?:\/\/|\/\*|\*)[^\n]*@generated\b/m.test(head)) return 'it is marked @generated';
  const tail = text.slice(-1024);
  if (tail.includes('sourceMappingURL=') && /\/\/[#@] sourceMappingURL=/.test(tail)) return 'it is compiled output (it ends with a source map comment)';
  let lines = 0;
  let longest = 0;
  for (let start = 0; start <= text.length; lines++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    longest = Math.max(longest, end - start);
    start = end + 1;
  }
  return longest > 2000 && text.length / lines > 200 ? `it is minified (a line of ${longest} characters)` : undefined;
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

const isModuleExports = (node: ts.Node): boolean =>
  ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'module' && node.name.text === 'exports';

/**
 * One pass over the whole tree in source order, which also links every node to its parent (files are parsed without
 * them). Iterative: generated code can nest deeper than the stack allows. `note` is told of calls and assignments
 * only; the walk itself is kept this small because it runs for every node of every file.
 */
function walk(source: ts.SourceFile, note: (node: ts.Node) => void): void {
  const stack: ts.Node[] = [source];
  walking.stack = stack;
  while (stack.length > 0) {
    const parent = stack.pop()!;
    walking.parent = parent;
    if (parent.kind === ts.SyntaxKind.CallExpression || parent.kind === ts.SyntaxKind.BinaryExpression) note(parent);
    // the children were pushed first to last: reversed, the first is visited next
    const from = stack.length;
    ts.forEachChild(parent, adopt);
    for (let i = from, j = stack.length - 1; i < j; i++, j--) {
      const child = stack[i];
      stack[i] = stack[j];
      stack[j] = child;
    }
  }
}

/**
 * What `walk` works on. One walk runs at a time (it never yields), so one callback serves every file: TypeScript's
 * child visitors, compiled for that callback, stay valid from one file to the next.
 */
const walking: { stack: ts.Node[]; parent?: ts.Node } = { stack: [] };

function adopt(child: ts.Node): void {
  (child as { parent?: ts.Node }).parent = walking.parent;
  walking.stack.push(child);
}

/** Imports, exports and calls of one parsed file; links each of its nodes to its parent (parsed without them). */
function scan(source: ts.SourceFile, relPath: string): Module {
  const module: Module = {
    path: source.fileName, relPath, source, imports: new Map(), requires: new Map(), exports: new Map(), starExports: [],
    calls: [], dependencies: [], refs: new Map(),
  };
  const dependencies = new Set<string>();
  const depend = (literal: ts.Expression) => {
    const specifier = ts.isStringLiteralLike(literal) ? literal.text : undefined;
    if (specifier !== undefined) dependencies.add(specifier);
    return specifier;
  };
  const exportNames = (name: ts.BindingName, declaration: ts.Node) => {
    if (ts.isIdentifier(name)) module.exports.set(name.text, { kind: 'local', node: declaration });
    else for (const element of name.elements) if (ts.isBindingElement(element)) exportNames(element.name, element);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = depend(statement.moduleSpecifier);
      const clause = statement.importClause;
      if (specifier === undefined || !clause || clause.isTypeOnly) continue;
      const site = statement.moduleSpecifier;
      if (clause.name) module.imports.set(clause, { specifier, name: 'default', site });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) module.imports.set(bindings, { specifier, name: '*', site });
      else if (bindings) {
        for (const element of bindings.elements) {
          if (!element.isTypeOnly) module.imports.set(element, { specifier, name: (element.propertyName ?? element.name).text, site });
        }
      }
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = depend(statement.moduleReference.expression);
      if (specifier !== undefined && !statement.isTypeOnly) module.imports.set(statement, { specifier, name: 'module', site: statement.moduleReference.expression });
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      const specifier = statement.moduleSpecifier ? depend(statement.moduleSpecifier) : undefined;
      const clause = statement.exportClause;
      if (statement.moduleSpecifier) {
        if (specifier === undefined) continue;
        const site = statement.moduleSpecifier;
        if (!clause) module.starExports.push({ specifier, site });
        else if (ts.isNamespaceExport(clause)) module.exports.set(clause.name.text, { kind: 'reexport', specifier, name: '*', site });
        else for (const element of clause.elements) {
          if (!element.isTypeOnly) module.exports.set(element.name.text, { kind: 'reexport', specifier, name: (element.propertyName ?? element.name).text, site });
        }
      } else if (clause && ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          if (!element.isTypeOnly) module.exports.set(element.name.text, { kind: 'local', node: element.propertyName ?? element.name });
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) module.exportAssignment = statement.expression;
      else module.exports.set('default', { kind: 'local', node: statement.expression });
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) exportNames(declaration.name, declaration);
      } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
        const name = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : statement.name?.text;
        if (name) module.exports.set(name, { kind: 'local', node: statement });
      }
    }
  }
  walk(source, (node) => {
    if (node.kind === ts.SyntaxKind.CallExpression) {
      const call = node as ts.CallExpression;
      module.calls.push(call);
      const callee = call.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require' && call.arguments.length === 1) || callee.kind === ts.SyntaxKind.ImportKeyword) {
        module.requires.set(call, call.arguments[0] ? depend(call.arguments[0]) : undefined);
      }
    } else if (node.kind === ts.SyntaxKind.BinaryExpression && (node as ts.BinaryExpression).operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left: target, right } = node as ts.BinaryExpression;
      if (isModuleExports(target)) module.exportAssignment = right;
      else if (ts.isPropertyAccessExpression(target) && (isModuleExports(target.expression) || (ts.isIdentifier(target.expression) && target.expression.text === 'exports'))) {
        module.exports.set(target.name.text, { kind: 'local', node: right });
      }
    }
  });
  module.dependencies = [...dependencies];
  return module;
}

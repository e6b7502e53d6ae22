import type { Problem, Range, Severity } from './types';
import { SEVERITIES } from './types';
import { parseYaml, YamlSyntaxError } from './spec/parse-yaml';
import { LineIndex, SourceFile } from './spec/source';
import { globProblem, matchesGlob } from './glob';
import { DEFAULT_MAX_FILE_SIZE } from './spec/load';

export const CONFIG_FILE = '.api-sentinel.yaml';

/** `.api-sentinel.yaml`, as written by the user (every key optional). */
export interface Config {
  /** Severity per rule id, or 'off'. */
  rules?: Record<string, Severity | 'off'>;
  /** Extra property names treated as sensitive data in responses. */
  sensitiveFields?: string[];
  /** Path patterns (globs over the spec path, optionally prefixed by a method: `GET /status/**`) that are public by intent. */
  publicPaths?: string[];
  /** Globs (relative to the project root) of files to review; everything when absent. */
  include?: string[];
  /** Globs of files never reviewed. */
  exclude?: string[];
  /** Follow `http(s)://` refs. Off: nothing leaves the machine. */
  allowRemoteRefs?: boolean;
  /** Files larger than this many megabytes are skipped with a problem. */
  maxFileSizeMB?: number;
  /** Names of the project's own auth middleware, guards and hooks: route analysis trusts them to check the caller. */
  authMiddleware?: string[];
  /** Names of the project's own rate limiters: route analysis trusts them to limit the request rate. */
  rateLimiters?: string[];
  /**
   * Route path patterns left out of the spec on purpose (`/internal/**`, `GET /debug/*`): routes there are not
   * shadow routes.
   */
  internalPaths?: string[];
  /** Which spec documents which code: when given, only these pairs are compared (no automatic pairing). */
  apis?: ApiConfig[];
}

/** One API of `apis`: a spec document and the folder of the code that implements it. */
export interface ApiConfig {
  /** The OpenAPI document, relative to the project root. */
  spec: string;
  /** The folder of the code that serves it, relative to the project root ('' for the root). */
  code: string;
  /**
   * The path prefix the code serves the spec's paths under (`/api/v1`), in place of the base path of the spec's
   * `servers` (2.0 `basePath`); `/` when the code serves them as written.
   */
  basePath?: string;
  /** Where the entry is written in the configuration, for problems about it. */
  at?: { file: string; range: Range };
}

export interface ResolvedConfig {
  rules: Map<string, Severity | 'off'>;
  sensitiveFields: string[];
  publicPaths: string[];
  include: string[];
  exclude: string[];
  allowRemoteRefs: boolean;
  maxFileSize: number;
  authMiddleware: string[];
  rateLimiters: string[];
  internalPaths: string[];
  /** Undefined when the configuration pairs nothing: specs and code are then paired automatically. */
  apis?: ApiConfig[];
}

/** Folders never searched for documents. */
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', '**/.hg/**', '**/.svn/**'];

export function resolveConfig(config: Config = {}): ResolvedConfig {
  return {
    rules: new Map(Object.entries(config.rules ?? {})),
    sensitiveFields: config.sensitiveFields ?? [],
    publicPaths: config.publicPaths ?? [],
    include: config.include ?? [],
    exclude: [...DEFAULT_EXCLUDE, ...(config.exclude ?? [])],
    allowRemoteRefs: config.allowRemoteRefs ?? false,
    maxFileSize: config.maxFileSizeMB !== undefined ? config.maxFileSizeMB * 1024 * 1024 : DEFAULT_MAX_FILE_SIZE,
    authMiddleware: config.authMiddleware ?? [],
    rateLimiters: config.rateLimiters ?? [],
    internalPaths: config.internalPaths ?? [],
    ...(config.apis ? { apis: config.apis } : {}),
  };
}

/** Whether a file (path relative to the root) is reviewed under include/exclude. */
export function isIncluded(relPath: string, config: ResolvedConfig): boolean {
  // discovery, then each frontend and the review, ask about every file: each is matched once per configuration
  let answers = includedAnswers.get(config);
  if (!answers) includedAnswers.set(config, (answers = new Map()));
  let answer = answers.get(relPath);
  if (answer === undefined) {
    answer = !config.exclude.some((g) => matchesGlob(relPath, g)) && (config.include.length === 0 || config.include.some((g) => matchesGlob(relPath, g)));
    answers.set(relPath, answer);
  }
  return answer;
}

const includedAnswers = new WeakMap<ResolvedConfig, Map<string, boolean>>();

/** Whether `METHOD path` matches a public path pattern (`/health`, `/public/**`, `GET /status/*`). */
export function isPublicPath(method: string, path: string, config: ResolvedConfig): boolean {
  return matchesPathPatterns(method, path, config.publicPaths, publicAnswers, config);
}

/** Whether `METHOD path` matches an internal path pattern: a route left out of the spec on purpose. */
export function isInternalPath(method: string, path: string, config: ResolvedConfig): boolean {
  return matchesPathPatterns(method, path, config.internalPaths, internalAnswers, config);
}

function matchesPathPatterns(
  method: string, path: string, patterns: readonly string[], known: WeakMap<ResolvedConfig, Map<string, boolean>>, config: ResolvedConfig,
): boolean {
  if (patterns.length === 0) return false;
  // several checks ask about every operation: each (method, path) is matched against the patterns once per configuration
  let answers = known.get(config);
  if (!answers) known.set(config, (answers = new Map()));
  const key = `${method.toLowerCase()} ${path}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = patterns.some((pattern) => {
      const publicPath = parsePublicPath(pattern);
      if (publicPath.method !== undefined && publicPath.method.toLowerCase() !== method.toLowerCase()) return false;
      return matchesGlob(path, publicPath.glob);
    });
    answers.set(key, answer);
  }
  return answer;
}

const publicAnswers = new WeakMap<ResolvedConfig, Map<string, boolean>>();
const internalAnswers = new WeakMap<ResolvedConfig, Map<string, boolean>>();

/**
 * A public path pattern starting with letters, white space and a glob names a method (`GET /status/*`); any other is
 * all glob (`offset`: where the glob starts in the pattern). Read character by character: no regular expression runs
 * over a user's pattern.
 */
function parsePublicPath(pattern: string): { method?: string; glob: string; offset: number } {
  const text = pattern.trim();
  const leading = pattern.length - pattern.trimStart().length;
  let letters = 0;
  while (letters < text.length && isAsciiLetter(text[letters])) letters++;
  const glob = text.slice(letters).trimStart();
  const spaced = glob.length < text.length - letters;
  if (letters > 0 && spaced && glob !== '') return { method: text.slice(0, letters), glob, offset: leading + text.length - glob.length };
  return { glob: text, offset: leading };
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** Most patterns in one list: each costs a match for every file or operation. */
export const MAX_PATTERNS = 1000;

const PATTERN_LIST_KEYS = ['publicPaths', 'internalPaths', 'include', 'exclude'] as const;
export type PatternListKey = (typeof PATTERN_LIST_KEYS)[number];
const isPatternListKey = (key: string): key is PatternListKey => (PATTERN_LIST_KEYS as readonly string[]).includes(key);

/**
 * The patterns of a list that can be used: the first MAX_PATTERNS, without those `globProblem` refuses. `report`
 * hears why each refused one (by index) and a longer list (no index) are left out.
 */
export function usablePatterns(key: PatternListKey, patterns: readonly string[], report: (message: string, index?: number) => void): string[] {
  if (patterns.length > MAX_PATTERNS) report(`'${key}' has ${patterns.length} patterns; only the first ${MAX_PATTERNS} are used`);
  let characters = 0;
  return patterns.slice(0, MAX_PATTERNS).filter((pattern, index) => {
    const { glob, offset } = key === 'publicPaths' || key === 'internalPaths' ? parsePublicPath(pattern) : { glob: pattern, offset: 0 };
    const problem = globProblem(glob, offset);
    if (problem !== undefined) report(`Invalid pattern in '${key}': ${problem}`, index);
    else if ((characters += glob.length) > MAX_PATTERN_CHARACTERS) {
      // matching costs the path's length times the patterns' total length: the total is bounded too
      if (characters - glob.length <= MAX_PATTERN_CHARACTERS) report(`'${key}' holds more than ${MAX_PATTERN_CHARACTERS} characters of patterns; this one and the ones after it are not used`, index);
      return false;
    }
    return problem === undefined;
  });
}

/** At most this many characters of patterns in one list. */
export const MAX_PATTERN_CHARACTERS = 10_000;

const STRING_LIST_KEYS = ['sensitiveFields', 'publicPaths', 'internalPaths', 'include', 'exclude', 'authMiddleware', 'rateLimiters'] as const;
/** Lists of names as written in the code: an empty one names nothing. */
const NAME_LIST_KEYS: readonly string[] = ['authMiddleware', 'rateLimiters'];

/**
 * Parses and validates `.api-sentinel.yaml`. Invalid entries are reported as problems at their place and ignored,
 * so one typo never disables the review.
 */
export function parseConfig(text: string, relPath: string, knownRules: ReadonlySet<string>): { config: Config; problems: Problem[] } {
  const problems: Problem[] = [];
  let parsed;
  try { parsed = parseYaml(text); } catch (error) {
    const e = error as YamlSyntaxError;
    const at = new LineIndex(text).position(e.offset ?? 0);
    problems.push({ file: relPath, severity: 'error', code: 'config-invalid', range: { start: at, end: at }, message: `Invalid YAML in the configuration: ${e.message.split('\n')[0]}` });
    return { config: {}, problems };
  }
  const file = new SourceFile(relPath, relPath, text, parsed.value, parsed.locations);
  const config: Config = {};
  const value = parsed.value;
  if (value === null || value === undefined) return { config, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ file: relPath, severity: 'error', code: 'config-invalid', message: 'The configuration must be a mapping' });
    return { config, problems };
  }
  const raw = value as Record<string, unknown>;
  const bad = (container: object, key: string | number, message: string) =>
    problems.push({ file: relPath, severity: 'error', code: 'config-invalid', range: file.rangeOf(container, key), message });
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'rules') {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) { bad(raw, key, "'rules' must map rule ids to a severity or 'off'"); continue; }
      config.rules = {};
      for (const [rule, level] of Object.entries(v)) {
        if (!knownRules.has(rule)) bad(v, rule, `Unknown rule '${rule}'`);
        else if (level !== 'off' && !SEVERITIES.includes(level as Severity)) bad(v, rule, `Rule '${rule}': '${String(level)}' is not one of error, warning, info, hint, off`);
        else config.rules[rule] = level as Severity | 'off';
      }
    } else if ((STRING_LIST_KEYS as readonly string[]).includes(key)) {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) bad(raw, key, `'${key}' must be a list of strings`);
      else if (NAME_LIST_KEYS.includes(key)) {
        v.forEach((name: string, index) => { if (name.trim() === '') bad(v, index, `'${key}' lists an empty name`); });
        config[key as 'authMiddleware' | 'rateLimiters'] = v.filter((name: string) => name.trim() !== '');
      } else if (isPatternListKey(key)) config[key] = usablePatterns(key, v, (message, index) => bad(index === undefined ? raw : v, index ?? key, message));
      else config[key as (typeof STRING_LIST_KEYS)[number]] = v as string[];
    } else if (key === 'allowRemoteRefs') {
      if (typeof v !== 'boolean') bad(raw, key, "'allowRemoteRefs' must be true or false");
      else config.allowRemoteRefs = v;
    } else if (key === 'apis') {
      if (!Array.isArray(v)) { bad(raw, key, "'apis' must be a list of { spec, code, basePath }"); continue; }
      config.apis = v.flatMap((entry: unknown, index) => {
        const api = parseApi(entry, (container, at, message) => bad(container ?? v, container ? at : index, message));
        return api ? [{ ...api, at: { file: relPath, range: file.rangeOf(v, index, 'value') } }] : [];
      });
    } else if (key === 'maxFileSizeMB') {
      if (typeof v !== 'number' || !(v > 0)) bad(raw, key, "'maxFileSizeMB' must be a positive number");
      else config.maxFileSizeMB = v;
    } else {
      bad(raw, key, `Unknown setting '${key}'`);
    }
  }
  return { config, problems };
}

/** A project path as the configuration writes it (`./services/api/`), as the engine compares them (`services/api`). */
function projectPath(path: string): string {
  return path.trim().replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/**
 * One entry of `apis`, or undefined when it cannot be used (each mistake reported at its key, or at the entry when
 * `container` is undefined).
 */
function parseApi(entry: unknown, bad: (container: object | undefined, key: string, message: string) => void): Omit<ApiConfig, 'at'> | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    bad(undefined, '', "Each entry of 'apis' must be a mapping with 'spec' and 'code'");
    return undefined;
  }
  const fields = entry as Record<string, unknown>;
  let usable = true;
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'spec' && key !== 'code' && key !== 'basePath') { bad(fields, key, `Unknown key '${key}' in an entry of 'apis' (spec, code, basePath)`); usable = false; }
    else if (typeof value !== 'string' || (key === 'spec' && projectPath(value) === '')) { bad(fields, key, `'${key}' must be ${key === 'spec' ? "the path of an OpenAPI document" : key === 'code' ? "the folder of the code ('.' for the root)" : "a path such as '/api/v1'"}`); usable = false; }
    else if (key === 'basePath' && !value.startsWith('/')) { bad(fields, key, `'basePath' must start with '/' ('${value}')`); usable = false; }
  }
  for (const key of ['spec', 'code'] as const) {
    if (fields[key] === undefined) { bad(undefined, '', `An entry of 'apis' needs '${key}'`); usable = false; }
  }
  if (!usable) return undefined;
  const basePath = fields.basePath as string | undefined;
  return { spec: projectPath(fields.spec as string), code: projectPath(fields.code as string), ...(basePath !== undefined ? { basePath } : {}) };
}

import { SEVERITIES, type Severity } from '../engine';
import { CliError } from './errors';

/** The formats a user picks with `--format`. */
export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
/** What a review writes: a report in one of FORMATS, or a baseline file (`baseline create`). */
export type Format = (typeof FORMATS)[number] | 'baseline';

export const FAIL_LEVELS = ['error', 'warning', 'info', 'never'] as const;
export type FailLevel = (typeof FAIL_LEVELS)[number];

export interface ReviewOptions {
  paths: string[];
  format: Format;
  output?: string;
  failOn: FailLevel;
  config?: string;
  /** `--diff <git-ref>`: only what the working tree adds to the merge base of HEAD and the ref. */
  diff?: string;
  /** `--baseline FILE`: only findings that the baseline does not hold. */
  baseline?: string;
  /** `--min-severity`: the least severe findings and problems the text report lists (the summary counts all). */
  minSeverity?: Severity;
}

/** The formats of the route table (`api-sentinel routes`). */
export const ROUTE_FORMATS = ['text', 'json', 'openapi'] as const;
export type RouteFormat = (typeof ROUTE_FORMATS)[number];

export interface RoutesOptions {
  paths: string[];
  format: RouteFormat;
  output?: string;
  config?: string;
}

/** `baseline create` is a review written as a baseline file, so it is a `review` command too. */
export type Command =
  | { name: 'help' } | { name: 'version' } | { name: 'review'; options: ReviewOptions } | { name: 'routes'; options: RoutesOptions } | { name: 'lsp' };

const HELP_HINT = "Run 'api-sentinel --help' for usage.";

function usageError(message: string): CliError { return new CliError(message, HELP_HINT); }

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`${option} '${value}' is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

type ValueOption = 'format' | 'output' | 'failOn' | 'config' | 'diff' | 'baseline' | 'minSeverity';

/** Options that take a value, by every name they answer to. */
const VALUE_OPTIONS: Record<string, ValueOption> = {
  '--format': 'format', '-f': 'format',
  '--output': 'output', '-o': 'output',
  '--fail-on': 'failOn',
  '--config': 'config', '-c': 'config',
  '--diff': 'diff',
  '--baseline': 'baseline',
  '--min-severity': 'minSeverity',
};

/** The options `baseline create` and `routes` take; `review` takes them all. */
const BASELINE_CREATE_OPTIONS: readonly ValueOption[] = ['output', 'config'];
const ROUTES_OPTIONS: readonly ValueOption[] = ['format', 'output', 'config'];

/** Parses `api-sentinel <command> [options] [paths...]`. Throws a CliError on usage errors. */
export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw usageError('missing command: try api-sentinel review [paths...]');
  if (command === 'help' || command === '--help' || command === '-h') return { name: 'help' };
  if (command === '--version' || command === '-v') return { name: 'version' };
  if (command === 'lsp') {
    // the transport options (--stdio, --node-ipc, --socket=N) are read by the language server's connection
    const transport = rest.find((a) => /^--(stdio|node-ipc|socket=\d+|pipe=.+)$/.test(a));
    if (!transport) throw usageError("'lsp' needs a transport: --stdio, --node-ipc, --socket=<port> or --pipe=<name>");
    return { name: 'lsp' };
  }
  if (command === 'baseline') {
    const [subcommand, ...args] = rest;
    if (subcommand === '--help' || subcommand === '-h') return { name: 'help' };
    if (subcommand !== 'create') {
      throw usageError(subcommand === undefined ? "'baseline' needs a subcommand: baseline create [paths...] --output <file>" : `unknown subcommand 'baseline ${subcommand}': try 'baseline create'`);
    }
    const parsed = parseOptions(args, 'baseline create', BASELINE_CREATE_OPTIONS, FORMATS);
    return 'name' in parsed ? parsed : { name: 'review', options: { ...parsed, format: 'baseline', failOn: 'never' } };
  }
  if (command === 'routes') {
    const parsed = parseOptions(rest, 'routes', ROUTES_OPTIONS, ROUTE_FORMATS);
    return 'name' in parsed ? parsed : { name: 'routes', options: { ...parsed, format: parsed.format ?? 'text' } };
  }
  if (command !== 'review') throw usageError(`unknown command '${command}'`);
  const parsed = parseOptions(rest, 'review', Object.values(VALUE_OPTIONS), FORMATS);
  if ('name' in parsed) return parsed;
  if (parsed.diff !== undefined && parsed.baseline !== undefined) {
    throw usageError('--diff and --baseline do not combine: --diff already reports only what the branch adds');
  }
  return { name: 'review', options: { failOn: 'error', ...parsed, format: parsed.format ?? 'text' } };
}

/** What one command's arguments say: its paths (the current folder by default) and the values of its options. */
interface Parsed<F extends string> {
  paths: string[];
  format?: F;
  output?: string;
  failOn?: FailLevel;
  config?: string;
  diff?: string;
  baseline?: string;
  minSeverity?: Severity;
}

/** Parses a command's options and paths; `--help` and `--version` anywhere answer as commands of their own. */
function parseOptions<F extends string>(args: readonly string[], command: string, allowed: readonly ValueOption[], formats: readonly F[]): Parsed<F> | Command {
  const options: Parsed<F> = { paths: [] };
  let onlyPaths = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (onlyPaths || !arg.startsWith('-')) { options.paths.push(arg); continue; }
    if (arg === '--') { onlyPaths = true; continue; }
    if (arg === '--help' || arg === '-h') return { name: 'help' };
    if (arg === '--version' || arg === '-v') return { name: 'version' };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUE_OPTIONS[name];
    if (!key) throw usageError(`unknown option '${name}'`);
    if (!allowed.includes(key)) throw usageError(`option '${name}' does not apply to '${command}'`);
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw usageError(`option '${name}' needs a value`);
    if (key === 'format') options.format = oneOf(name, value, formats);
    else if (key === 'failOn') options.failOn = oneOf(name, value, FAIL_LEVELS);
    else if (key === 'minSeverity') options.minSeverity = oneOf(name, value, SEVERITIES);
    else if (key === 'diff' && value.startsWith('-')) throw usageError(`option '--diff' needs a git revision (a branch, tag or commit), not '${value}'`);
    else options[key] = value;
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

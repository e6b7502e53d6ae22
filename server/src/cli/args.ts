import { SEVERITIES, type Severity } from '../engine';
import { CliError } from './errors';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export const FAIL_LEVELS = ['error', 'warning', 'info', 'never'] as const;
export type FailLevel = (typeof FAIL_LEVELS)[number];

export interface ReviewOptions {
  paths: string[];
  format: Format;
  output?: string;
  failOn: FailLevel;
  config?: string;
  /** The least severe findings and problems the text report lists (the summary counts all). */
  minSeverity?: Severity;
}

export type Command = { name: 'help' } | { name: 'version' } | { name: 'review'; options: ReviewOptions } | { name: 'lsp' };

const HELP_HINT = "Run 'api-sentinel --help' for usage.";

function usageError(message: string): CliError { return new CliError(message, HELP_HINT); }

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`${option} '${value}' is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Options that take a value, by every name they answer to. */
const VALUE_OPTIONS: Record<string, 'format' | 'output' | 'failOn' | 'config' | 'minSeverity'> = {
  '--format': 'format', '-f': 'format',
  '--output': 'output', '-o': 'output',
  '--fail-on': 'failOn',
  '--config': 'config', '-c': 'config',
  '--min-severity': 'minSeverity',
};

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
  if (command !== 'review') throw usageError(`unknown command '${command}'`);

  const options: ReviewOptions = { paths: [], format: 'text', failOn: 'error' };
  let onlyPaths = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyPaths || !arg.startsWith('-')) { options.paths.push(arg); continue; }
    if (arg === '--') { onlyPaths = true; continue; }
    if (arg === '--help' || arg === '-h') return { name: 'help' };
    if (arg === '--version' || arg === '-v') return { name: 'version' };
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUE_OPTIONS[name];
    if (!key) throw usageError(`unknown option '${name}'`);
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw usageError(`option '${name}' needs a value`);
    if (key === 'format') options.format = oneOf(name, value, FORMATS);
    else if (key === 'failOn') options.failOn = oneOf(name, value, FAIL_LEVELS);
    else if (key === 'minSeverity') options.minSeverity = oneOf(name, value, SEVERITIES);
    else options[key] = value;
  }
  if (options.paths.length === 0) options.paths.push('.');
  return { name: 'review', options };
}

// Command-line options and corpus selection shared by the benchmarks.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Prints the usage (and an error, exiting 2) or exits 0 after printing it. */
export function usageExit(text, error) {
  if (error) { console.error(`bench: ${error}\n${text}`); process.exit(2); }
  console.log(text);
  process.exit(0);
}

/**
 * Parses `[--corpus DIR] [--flag] [--number N]... [name-filter...]`: `flags` name boolean options, `numbers` options
 * taking a positive integer, each mapped to its key in `defaults`.
 */
export function parseBenchArgs(argv, { usage, defaults, flags = {}, numbers = {} }) {
  const options = { ...defaults, filters: [] };
  const fail = (error) => usageExit(usage, error);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--corpus') options.corpus = path.resolve(value());
    else if (arg in flags) options[flags[arg]] = true;
    else if (arg in numbers) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) fail(`${arg} must be a positive integer`);
      options[numbers[arg]] = n;
    } else if (arg === '--help' || arg === '-h') usageExit(usage);
    else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else options.filters.push(arg);
  }
  return options;
}

/** The corpus specs matching the name filters, sorted. */
export function corpusSpecs(options, usage) {
  if (!existsSync(options.corpus)) usageExit(usage, `corpus folder not found: ${options.corpus}`);
  const specs = readdirSync(options.corpus)
    .filter((name) => /\.(json|ya?ml)$/i.test(name))
    .filter((name) => options.filters.length === 0 || options.filters.some((f) => name.includes(f)))
    .sort()
    .map((name) => {
      const file = path.join(options.corpus, name);
      return { name, file, bytes: statSync(file).size, json: /\.json$/i.test(name) };
    });
  if (specs.length === 0) usageExit(usage, `no spec in ${options.corpus} matches ${options.filters.join(', ') || 'anything'}`);
  return specs;
}

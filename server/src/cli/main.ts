/**
 * `api-sentinel`: the command line, as `entry.ts` runs it. Every error ends as one line on stderr and exit code 2,
 * never a stack trace.
 */
import * as path from 'node:path';
import { visible } from '../text/escape';
import { TOOL_VERSION } from './about';
import { parseArgs } from './args';
import { CliError } from './errors';
import { review } from './review';
import { routes } from './routes';
import { USAGE } from './usage';

/** Runs the command; `reviewed` is called once a review or a route listing has run (the work worth compiling). */
async function main(argv: string[], reviewed: () => void): Promise<number> {
  const command = parseArgs(argv);
  switch (command.name) {
    case 'help': process.stdout.write(USAGE); return 0;
    case 'version': process.stdout.write(`${TOOL_VERSION}\n`); return 0;
    case 'review': return review(command.options).then(after(reviewed));
    case 'routes': return routes(command.options).then(after(reviewed));
    case 'lsp': {
      // the language server is its own bundle beside this one (it starts on load): reviews never load it
      require(path.join(__dirname, 'server.js'));
      return new Promise<number>(() => { /* runs until the client says exit */ });
    }
  }
}

/** Passes a command's exit code on after calling `done`. */
const after = (done: () => void) => (code: number) => { done(); return code; };

/** Messages quote paths, options and configuration values as given: escaped (`visible`) like every other output. */
function fail(error: unknown): void {
  const message = visible(error instanceof Error ? error.message : String(error));
  const hint = error instanceof CliError && error.hint ? `\n${visible(error.hint)}` : '';
  process.stderr.write(`api-sentinel: ${error instanceof CliError ? message : `internal error: ${message}`}${hint}\n`);
  process.exitCode = 2;
}

// a reader of the output that goes away (`| head`) is not an error
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fail(error);
  process.exit(2);
});
process.on('uncaughtException', (error) => { fail(error); process.exit(2); });
process.on('unhandledRejection', (error) => { fail(error); process.exit(2); });

/** Runs the command line's arguments; `reviewed` as for `main`. */
export function run(argv: string[], reviewed: () => void): void {
  main(argv, reviewed).then(exitOnceWritten, fail);
}

/**
 * Ends the process with `code` once stdout and stderr have taken all that was written to them (a pipe on macOS takes
 * it asynchronously). Left to end by itself, Node would first take V8's heap apart page by page: after the review of a
 * 4 MB spec, 35–45 ms that no one waits for.
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const written = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

/** `api-sentinel`: the command line. Every error ends as one line on stderr and exit code 2, never a stack trace. */
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { visible } from '../text/escape';
import { TOOL_VERSION } from './about';
import { parseArgs } from './args';
import { CliError } from './errors';
import { review } from './review';
import { routes } from './routes';
import { USAGE } from './usage';

// Node 22.1 and later keep V8's compiled code on disk between runs (in the system's temporary folder; the
// NODE_DISABLE_COMPILE_CACHE variable turns it off), so the bundles loaded from here on (the code frontend with the
// TypeScript compiler, the review threads) are not compiled again by every review. Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  switch (command.name) {
    case 'help': process.stdout.write(USAGE); return 0;
    case 'version': process.stdout.write(`${TOOL_VERSION}\n`); return 0;
    case 'review': return review(command.options);
    case 'routes': return routes(command.options);
    case 'lsp': {
      // the language server is its own bundle beside this one (it starts on load): reviews never load it
      require(path.join(__dirname, 'server.js'));
      return new Promise<number>(() => { /* runs until the client says exit */ });
    }
  }
}

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

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, fail);

/** The language server's entry: `node server.js --stdio` or `--node-ipc`. */
import { setV8Flags } from '../workspace/code-cache';
import { serverFlags } from '../workspace/compiler-flags';
import { startLanguageServer } from './start';

// before the analysis worker starts: V8's flags are the process's, its thread's code is compiled under them too
setV8Flags(serverFlags(process.versions.v8));
startLanguageServer();

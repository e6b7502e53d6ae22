/** The language server's entry: `node server.js --stdio` or `--node-ipc`. */
import { startLanguageServer } from './start';

startLanguageServer();

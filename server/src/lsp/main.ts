/** The language server's entry: `node server.js --stdio` or `--node-ipc` (the transport comes from argv). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

/** Starts the language server on the transport named in argv (`--stdio`, `--node-ipc`, `--socket=N`). */
export function startLanguageServer(): void {
  startServer(createConnection(ProposedFeatures.all));
}

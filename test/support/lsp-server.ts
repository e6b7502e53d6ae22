/**
 * The language server from its sources, for tests that need ServerOptions: the options come as JSON in
 * API_SENTINEL_SERVER_OPTIONS; the workers are the bundles `npm run build` writes, unless the options name others.
 */
import { join } from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from '../../server/src/lsp/server';

const DIST = join(__dirname, '..', '..', 'dist');
const options = JSON.parse(process.env.API_SENTINEL_SERVER_OPTIONS ?? '{}') as ServerOptions;
startServer(createConnection(ProposedFeatures.all), {
  workerScript: join(DIST, 'analysis-worker.js'),
  spectralWorkerScript: join(DIST, 'spectral-runner.js'),
  ...options,
});

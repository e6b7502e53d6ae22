// The analysis worker, except that its thread dies (as on running out of memory) when a job reads a document whose
// name starts with "crash". Everything else is the real worker (dist/analysis-worker.js).
const { parentPort } = require('node:worker_threads');
const path = require('node:path');

parentPort.on('message', (message) => {
  if (message.type === 'analyze' && message.files.some((file) => path.basename(file).startsWith('crash'))) process.exit(70);
});
require(path.join(__dirname, '..', '..', 'dist', 'analysis-worker.js'));

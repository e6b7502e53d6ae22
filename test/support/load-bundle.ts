// Loads a test bundle through the code cache in a process of its own, writes the cache entry, and prints what it saw.
// (V8 also keeps compiled scripts in memory: a second load in one process would say nothing about the cache on disk.)
//   node --import tsx test/support/load-bundle.ts BUNDLE CACHE-FOLDER [V8-FLAGS]
import { loadBundle, setV8Flags } from '../../server/src/workspace/code-cache';

const [file, cacheDir, flags] = process.argv.slice(2);
// flags set while running, as the CLI sets them
if (flags) setV8Flags(flags.split(' '));
const loaded = loadBundle(file!, cacheDir);
const exports = loaded.exports as { answer(): number; base: string; self: boolean };
loaded.keep();
process.stdout.write(JSON.stringify({ fromCache: loaded.fromCache, answer: exports.answer(), base: exports.base, self: exports.self }));

// The floor: a cold process that only reads one spec and parses it, with js-yaml `load` or, with --json-parse, JSON.parse.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [file, mode] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const value = mode === '--json-parse' ? JSON.parse(text) : yaml.load(text);
// Touch the result so the parse cannot be skipped.
process.stdout.write(`${Object.keys(value).length}\n`);

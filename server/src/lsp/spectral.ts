/**
 * The Spectral worker: runs a workspace's own Spectral ruleset (`.spectral.yaml|yml|json`) through
 * @stoplight/spectral-core in a worker thread of its own, so users can keep their other OpenAPI rules without a
 * second extension, and a slow or endless ruleset never holds up the analysis. Only in trusted workspaces (a ruleset
 * can hold JavaScript functions), and never over the network: `extends` of a URL fails.
 */
import * as fs from 'node:fs';
import { DEFAULT_MAX_FILE_SIZE } from '../engine';
import { readTextFile } from '../workspace/files';
import { parentPort } from 'node:worker_threads';
import * as path from 'node:path';
import { Document, Ruleset, Spectral } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { bundleRuleset } from '@stoplight/spectral-ruleset-bundler';
import { builtins } from '@stoplight/spectral-ruleset-bundler/plugins/builtins';
import { commonjs } from '@stoplight/spectral-ruleset-bundler/plugins/commonjs';
import { stdin } from '@stoplight/spectral-ruleset-bundler/plugins/stdin';
import { node } from '@stoplight/spectral-ruleset-bundler/presets/node';
import { isBasicRuleset, migrateRuleset } from '@stoplight/spectral-ruleset-migrator';
import { createRequire } from 'node:module';
import type { FromSpectral, SpectralDiagnostic, ToSpectral } from './protocol';

const offline = { fs, fetch: () => Promise.reject(new Error('remote rulesets are not fetched')) };

const loaded = new Map<string, { mtime: number; ruleset: Ruleset }>();

/** Loads a YAML/JSON ruleset as the Spectral CLI does: migrate to JS, bundle, evaluate. Cached until the file changes. */
export async function loadRuleset(rulesetPath: string): Promise<Ruleset> {
  const mtime = fs.statSync(rulesetPath).mtimeMs;
  const cached = loaded.get(rulesetPath);
  if (cached && cached.mtime === mtime) return cached.ruleset;
  let entry = rulesetPath;
  const plugins = [builtins(), commonjs(), ...node(offline as never)];
  if (await isBasicRuleset(rulesetPath)) {
    const migrated = await migrateRuleset(rulesetPath, { format: 'esm', fs: fs as never });
    entry = path.join(path.dirname(rulesetPath), '.spectral.js');
    plugins.unshift(stdin(migrated, entry));
  }
  const code = await bundleRuleset(entry, { target: 'node', format: 'commonjs', plugins });
  const module: { exports?: unknown } = {};
  const req = createRequire(entry);
  Function('module, require', code)(module, req);
  const ruleset = new Ruleset(module.exports as never, { severity: 'recommended', source: rulesetPath });
  loaded.set(rulesetPath, { mtime, ruleset });
  return ruleset;
}

/** Spectral's findings for `files` under the ruleset; an error message instead when the ruleset cannot load. */
export async function runSpectral(
  rulesetPath: string,
  files: string[],
  reader: { read(path: string): Promise<string | undefined> },
): Promise<{ diagnostics: SpectralDiagnostic[]; error?: string }> {
  let ruleset: Ruleset;
  try { ruleset = await loadRuleset(rulesetPath); } catch (error) {
    return { diagnostics: [], error: `Cannot load ${path.basename(rulesetPath)}: ${String((error as Error).message ?? error).split('\n')[0]}` };
  }
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  const diagnostics: SpectralDiagnostic[] = [];
  for (const file of files) {
    const text = await reader.read(file);
    if (text === undefined) continue;
    const parser = file.toLowerCase().endsWith('.json') ? Parsers.Json : Parsers.Yaml;
    try {
      const results = await spectral.run(new Document(text, parser as never, file));
      for (const r of results) {
        diagnostics.push({ path: r.source ?? file, code: String(r.code), message: r.message, severity: r.severity as 0 | 1 | 2 | 3, range: r.range });
      }
    } catch (error) {
      return { diagnostics, error: `Spectral failed on ${path.basename(file)}: ${String((error as Error).message ?? error).split('\n')[0]}` };
    }
  }
  return { diagnostics };
}

parentPort?.on('message', async (message: ToSpectral) => {
  const given = new Map(message.files.map((f) => [f.path, f.text]));
  const reader = {
    async read(file: string): Promise<string | undefined> {
      const text = given.get(file);
      if (text !== undefined) return text;
      const read = readTextFile(file, message.root, DEFAULT_MAX_FILE_SIZE);
      return typeof read === 'string' ? read : undefined;
    },
  };
  const { diagnostics, error } = await runSpectral(message.rulesetPath, message.files.map((f) => f.path), reader);
  const answer: FromSpectral = { type: 'spectral-result', id: message.id, diagnostics, error };
  parentPort!.postMessage(answer);
});

/** Configuration of one workspace folder: `.api-sentinel.yaml`, overlaid by the editor's `apiSentinel.*` settings. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECK_IDS, CONFIG_FILE, parseConfig, usablePatterns, type Config, type Problem, type Severity } from '../engine';

/** The editor settings (`apiSentinel.*`), as the client sends them. */
export interface EditorSettings {
  enable?: boolean;
  rules?: Record<string, Severity | 'off'>;
  sensitiveFields?: string[];
  publicPaths?: string[];
  allowRemoteRefs?: boolean;
  spectral?: { enable?: boolean };
}

export interface FolderSettings { enabled: boolean; spectral: boolean; config: Config; problems: Problem[] }

export function readFolderConfig(folder: string): { config: Config; problems: Problem[] } {
  const file = path.join(folder, CONFIG_FILE);
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return { config: {}, problems: [] }; }
  return parseConfig(text, CONFIG_FILE, CHECK_IDS);
}

/**
 * Settings overlay the file: severities per rule win, lists add up, booleans replace. Public paths are checked as in
 * the file; those left out are logged (the language server routes the console to the client's log).
 */
export function mergeSettings(file: Config, editor: EditorSettings | undefined, log: (message: string) => void = (message) => console.warn(message)): Config {
  if (!editor) return file;
  const rules = Object.fromEntries(Object.entries(editor.rules ?? {}).filter(([id]) => CHECK_IDS.has(id)));
  return {
    ...file,
    rules: { ...(file.rules ?? {}), ...rules },
    sensitiveFields: [...(file.sensitiveFields ?? []), ...(editor.sensitiveFields ?? [])],
    publicPaths: [...(file.publicPaths ?? []), ...editorPublicPaths(editor.publicPaths, log)],
    allowRemoteRefs: editor.allowRemoteRefs ?? file.allowRemoteRefs,
  };
}

/** `apiSentinel.publicPaths` as the client sent it (any JSON a user wrote), without what cannot be used. */
function editorPublicPaths(value: unknown, log: (message: string) => void): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((pattern) => typeof pattern !== 'string')) {
    log('apiSentinel.publicPaths must be a list of strings; it is ignored');
    return [];
  }
  return usablePatterns('publicPaths', value, (message, index) => log(`apiSentinel.publicPaths${index === undefined ? '' : `[${index}]`}: ${message}`));
}

/** Configuration of one workspace folder: `.api-sentinel.yaml`, overlaid by the editor's `apiSentinel.*` settings. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECK_IDS } from '../engine/checks';
import { CONFIG_FILE, parseConfig, type Config } from '../engine/config';
import type { Problem, Severity } from '../engine/types';

/** The editor settings (`apiSentinel.*`), as the client sends them. */
export interface EditorSettings {
  enable?: boolean;
  rules?: Record<string, Severity | 'off'>;
  sensitiveFields?: string[];
  publicPaths?: string[];
  allowRemoteRefs?: boolean;
  spectral?: { enable?: boolean };
}

export interface FolderSettings { enabled: boolean; spectral: boolean; config: Config }

/** The folder's configuration file. */
export const configFileOf = (folder: string) => path.join(folder, CONFIG_FILE);

/** The folder's `.api-sentinel.yaml`, from `openText` (its open buffer) when given, else from disk; problems at their place. */
export function readFolderConfig(folder: string, openText?: string): { config: Config; problems: Problem[] } {
  let text = openText;
  if (text === undefined) {
    try { text = fs.readFileSync(configFileOf(folder), 'utf8'); } catch { return { config: {}, problems: [] }; }
  }
  return parseConfig(text, CONFIG_FILE, CHECK_IDS);
}

/** Settings overlay the file: severities per rule win, lists add up, booleans replace. */
export function mergeSettings(file: Config, editor: EditorSettings | undefined): Config {
  if (!editor) return file;
  const rules = Object.fromEntries(Object.entries(editor.rules ?? {}).filter(([id]) => CHECK_IDS.has(id)));
  return {
    ...file,
    rules: { ...(file.rules ?? {}), ...rules },
    sensitiveFields: [...(file.sensitiveFields ?? []), ...(editor.sensitiveFields ?? [])],
    publicPaths: [...(file.publicPaths ?? []), ...(editor.publicPaths ?? [])],
    allowRemoteRefs: editor.allowRemoteRefs ?? file.allowRemoteRefs,
  };
}

/** Settings per folder, read once until forgotten (the configuration changed). */
export class FolderSettingsCache {
  private readonly folders = new Map<string, Promise<FolderSettings>>();

  constructor(private readonly load: (folder: string) => Promise<FolderSettings>) {}

  of(folder: string): Promise<FolderSettings> {
    let settings = this.folders.get(folder);
    if (!settings) this.folders.set(folder, (settings = this.load(folder)));
    return settings;
  }

  /** Forgets one folder's settings, or every folder's. */
  forget(folder?: string): void {
    if (folder === undefined) this.folders.clear(); else this.folders.delete(folder);
  }
}

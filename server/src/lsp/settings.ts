/** Configuration of one workspace folder: `.api-sentinel.yaml`, overlaid by the editor's `apiSentinel.*` settings. */
import * as path from 'node:path';
import { CHECK_IDS, CONFIG_FILE, parseConfig, usablePatterns, type Config, type Problem, type Severity } from '../engine';
import { MAX_CONFIG_BYTES, readTextFile } from '../workspace/files';

/**
 * Which files show findings: only open ones; every file an API with an open file reaches (the default); or every
 * file any OpenAPI document of the folder reaches.
 */
export type DiagnosticsScope = 'openFiles' | 'api' | 'workspace';
const SCOPES: readonly DiagnosticsScope[] = ['openFiles', 'api', 'workspace'];

/** The editor settings (`apiSentinel.*`), as the client sends them. */
export interface EditorSettings {
  enable?: boolean;
  diagnosticsScope?: DiagnosticsScope;
  rules?: Record<string, Severity | 'off'>;
  sensitiveFields?: string[];
  publicPaths?: string[];
  internalPaths?: string[];
  authMiddleware?: string[];
  rateLimiters?: string[];
  allowRemoteRefs?: boolean;
  spectral?: { enable?: boolean };
}

export interface FolderSettings { enabled: boolean; spectral: boolean; scope: DiagnosticsScope; config: Config }

/** `apiSentinel.diagnosticsScope` as the client sent it; the default for anything else. */
export function scopeOf(editor: EditorSettings | undefined): DiagnosticsScope {
  return SCOPES.find((scope) => scope === editor?.diagnosticsScope) ?? 'api';
}

/** The folder's configuration file. */
export const configFileOf = (folder: string) => path.join(folder, CONFIG_FILE);

/** The folder's `.api-sentinel.yaml`, from `openText` (its open buffer) when given, else from disk; problems at their place. */
export function readFolderConfig(folder: string, openText?: string): { config: Config; problems: Problem[] } {
  const text = openText ?? readTextFile(configFileOf(folder), folder, MAX_CONFIG_BYTES);
  if (typeof text !== 'string') {
    // a missing file is no configuration; one that may not be read (a link out of the folder, a device) is a problem
    if (text === undefined || text.code === 'file-missing') return { config: {}, problems: [] };
    return { config: {}, problems: [{ file: CONFIG_FILE, severity: 'error', code: 'config-invalid', message: `The configuration was not read: ${text.reason}` }] };
  }
  return parseConfig(text, CONFIG_FILE, CHECK_IDS);
}

/**
 * Settings overlay the file: severities per rule win, lists add up, booleans replace. Lists are checked as in the
 * file; what is left out is logged (the language server routes the console to the client's log).
 */
export function mergeSettings(file: Config, editor: EditorSettings | undefined, log: (message: string) => void = (message) => console.warn(message)): Config {
  if (!editor) return file;
  const rules = Object.fromEntries(Object.entries(editor.rules ?? {}).filter(([id]) => CHECK_IDS.has(id)));
  return {
    ...file,
    rules: { ...(file.rules ?? {}), ...rules },
    sensitiveFields: [...(file.sensitiveFields ?? []), ...editorStrings('sensitiveFields', editor.sensitiveFields, log)],
    publicPaths: [...(file.publicPaths ?? []), ...editorPatterns('publicPaths', editor.publicPaths, log)],
    internalPaths: [...(file.internalPaths ?? []), ...editorPatterns('internalPaths', editor.internalPaths, log)],
    authMiddleware: [...(file.authMiddleware ?? []), ...editorNames('authMiddleware', editor.authMiddleware, log)],
    rateLimiters: [...(file.rateLimiters ?? []), ...editorNames('rateLimiters', editor.rateLimiters, log)],
    allowRemoteRefs: editor.allowRemoteRefs ?? file.allowRemoteRefs,
  };
}

type EditorListKey = 'sensitiveFields' | 'publicPaths' | 'internalPaths' | 'authMiddleware' | 'rateLimiters';

/** A list setting as the client sent it (any JSON a user wrote): a list of strings, or nothing. */
function editorStrings(key: EditorListKey, value: unknown, log: (message: string) => void): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    log(`apiSentinel.${key} must be a list of strings; it is ignored`);
    return [];
  }
  return value;
}

/** Path patterns, without those that cannot be used. */
function editorPatterns(key: 'publicPaths' | 'internalPaths', value: unknown, log: (message: string) => void): string[] {
  return usablePatterns(key, editorStrings(key, value, log), (message, index) => log(`apiSentinel.${key}${index === undefined ? '' : `[${index}]`}: ${message}`));
}

/** Names of the project's own middleware, without empty ones. */
function editorNames(key: 'authMiddleware' | 'rateLimiters', value: unknown, log: (message: string) => void): string[] {
  return editorStrings(key, value, log).filter((name, index) => {
    if (name.trim() === '') log(`apiSentinel.${key}[${index}] is empty; it is ignored`);
    return name.trim() !== '';
  });
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

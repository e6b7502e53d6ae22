import { readFileSync } from 'node:fs';
import type { AnalyzeRequest } from '../engine';
import { ioReason } from './errors';
import { isUrl } from './paths';

type ReviewReader = AnalyzeRequest['reader'];

export const REMOTE_TIMEOUT_MS = 10_000;

export interface ReaderOptions {
  /** Fetch http(s) locations; when off, the engine never asks for them. */
  allowRemote: boolean;
  /** Told of every location read, for the progress indicator. */
  onRead?(location: string): void;
}

/**
 * The engine's reader: files from disk as UTF-8, and remote $ref targets over HTTP(S) when the configuration allows them.
 * The engine only learns that a location could not be read; why is kept in `failures` for the report.
 */
export class CliReader implements ReviewReader {
  /** Why a location could not be read, by absolute path or URL. */
  readonly failures = new Map<string, string>();

  constructor(private readonly options: ReaderOptions) {}

  read(location: string): string | undefined | Promise<string | undefined> {
    this.options.onRead?.(location);
    if (isUrl(location)) return this.options.allowRemote ? this.fetch(location) : undefined;
    try { return readFileSync(location, 'utf8'); } catch (error) {
      this.failures.set(location, ioReason(error));
      return undefined;
    }
  }

  private async fetch(url: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS) });
      if (response.ok) return await response.text();
      this.failures.set(url, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
      this.failures.set(url, name === 'TimeoutError' ? `no answer within ${REMOTE_TIMEOUT_MS / 1000} s` : cause?.code ?? cause?.message ?? String(error));
    }
    return undefined;
  }
}

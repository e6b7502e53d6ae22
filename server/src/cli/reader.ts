import type { FileReader, ReadResult } from '../engine';
import { readTextFile } from '../workspace/files';
import { isUrl } from '../workspace/paths';

export const REMOTE_TIMEOUT_MS = 10_000;

export interface ReaderOptions {
  /** Absolute project root: nothing outside it is read, symbolic links included. */
  root: string;
  /** Fetch http(s) locations; when off, the engine never asks for them. */
  allowRemote: boolean;
  /** Told of every location read, for the progress indicator. */
  onRead?(location: string): void;
}

/**
 * The engine's reader: files from disk as UTF-8 through the safe access layer, and remote $ref targets over HTTP(S)
 * when the configuration allows them. Why a location could not be read goes back to the engine with the failure.
 */
export class CliReader implements FileReader {
  constructor(private readonly options: ReaderOptions) {}

  read(location: string, limits: { maxBytes: number }): ReadResult | Promise<ReadResult> {
    this.options.onRead?.(location);
    if (isUrl(location)) return this.options.allowRemote ? this.fetch(location, limits.maxBytes) : undefined;
    return readTextFile(location, this.options.root, limits.maxBytes);
  }

  private async fetch(url: string, maxBytes: number): Promise<ReadResult> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS) });
      if (!response.ok) return { code: 'file-unreadable', reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
      return await readBody(response, maxBytes);
    } catch (error) {
      const name = (error as Error | undefined)?.name;
      const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
      return { code: 'file-unreadable', reason: name === 'TimeoutError' ? `no answer within ${REMOTE_TIMEOUT_MS / 1000} s` : cause?.code ?? cause?.message ?? String(error) };
    }
  }
}

/** A response body as text, read no further than one byte past the limit, whatever the server announces. */
async function readBody(response: Response, maxBytes: number): Promise<ReadResult> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      return { code: 'file-too-large', reason: `it holds more than ${maxBytes} bytes` };
    }
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

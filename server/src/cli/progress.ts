/** Where progress is drawn: a terminal's stderr (only `isTTY` streams show anything). */
export interface ProgressStream { isTTY?: boolean; write(text: string): unknown }

export interface ProgressOptions {
  /** Nothing is drawn before this many milliseconds: short runs stay quiet. */
  delayMs?: number;
  now?: () => number;
}

const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[K';

/**
 * "Reviewing 3/120 files..." on one rewritten stderr line, for long runs on a terminal only; cleared by `done()`.
 * Driven by the reader (one tick per candidate file read), so it needs no timer while the engine works synchronously.
 */
export class Progress {
  private readonly seen = new Set<string>();
  private readonly started: number;
  private readonly now: () => number;
  private readonly delayMs: number;
  private drawnAt = -Infinity;
  private shown = false;

  constructor(private readonly stream: ProgressStream, private readonly candidates: ReadonlySet<string>, options: ProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    this.delayMs = options.delayMs ?? 500;
    this.started = this.now();
  }

  /** A location was read: counts it when it is one of the candidate files. */
  fileRead(location: string): void {
    if (!this.stream.isTTY || !this.candidates.has(location) || this.seen.has(location)) return;
    this.seen.add(location);
    const time = this.now();
    const last = this.seen.size === this.candidates.size;
    if (time - this.started < this.delayMs || (time - this.drawnAt < REDRAW_MS && !last)) return;
    this.drawnAt = time;
    this.shown = true;
    // counts only: file names come from the checkout and would have to be escaped (`visible`)
    const count = `${this.seen.size}/${this.candidates.size} files`;
    this.stream.write(`${CLEAR_LINE}${last ? `Reviewed ${count}, running checks...` : `Reviewing ${count}...`}`);
  }

  done(): void {
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = false;
  }
}

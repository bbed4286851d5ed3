// The progress of a `handwire migrate` upload on stderr (README "handwire migrate"): on a terminal
// one bar redrawn in place at most ten times a second; elsewhere (a log, a CI job) a plain line
// every few seconds, since carriage returns and escape codes only make a mess of a file.

/** What the progress display reads on each tick: it pulls, so the upload pays nothing per row. */
export interface ProgressSource {
  /** Rows handed to the upload so far. */
  rows(): number;
  /** Bytes of the file read so far. */
  bytes(): number;
}

/** Where the progress goes: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** The file's size in bytes; undefined when unknown (standard input). */
  totalBytes: number | undefined;
  /** Time between two renders. 100 ms on a terminal, 5 s otherwise. */
  intervalMs?: number;
  now?: () => number;
}

/** One moment of an upload, as rendered. */
export interface ProgressState {
  rows: number;
  bytes: number;
  totalBytes: number | undefined;
  elapsedMs: number;
}

// Short enough that the whole line fits 80 columns: a wrapped line cannot be redrawn with \r.
const BAR_WIDTH = 20;
const count = new Intl.NumberFormat('en-US');

/** Rows per second over the whole upload so far (steadier than the last tick's rate). */
export function rowsPerSecond(state: ProgressState): number {
  return state.elapsedMs <= 0 ? 0 : Math.round((state.rows * 1000) / state.elapsedMs);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function fraction(state: ProgressState): number | undefined {
  if (state.totalBytes === undefined || state.totalBytes === 0) return undefined;
  return Math.min(1, state.bytes / state.totalBytes);
}

/** The terminal bar: `[########············]  42%  420,000 rows  105,000 rows/s  21.0/50.0 MB`. */
export function formatBar(state: ProgressState): string {
  const done = fraction(state);
  const rate = `${count.format(rowsPerSecond(state))} rows/s`;
  const rows = `${count.format(state.rows)} rows`;
  if (done === undefined) return `${rows}  ${rate}  ${megabytes(state.bytes)} read`;
  const filled = Math.round(done * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(done * 100)}%`.padStart(4);
  return `${bar} ${percent}  ${rows}  ${rate}  ${(state.bytes / 1e6).toFixed(1)}/${megabytes(state.totalBytes!)}`;
}

/** The plain line: `migrate: 420,000 rows sent, 42% of 50.0 MB read, 105,000 rows/s`. */
export function formatLine(state: ProgressState): string {
  const done = fraction(state);
  const read =
    done === undefined
      ? `${megabytes(state.bytes)} read`
      : `${Math.floor(done * 100)}% of ${megabytes(state.totalBytes!)} read`;
  return `migrate: ${count.format(state.rows)} rows sent, ${read}, ${count.format(rowsPerSecond(state))} rows/s`;
}

export class UploadProgress {
  private timer: NodeJS.Timeout | undefined;
  private readonly tty: boolean;
  private readonly now: () => number;
  private startedAt = 0;

  constructor(
    private readonly source: ProgressSource,
    private readonly stream: ProgressStream,
    private readonly options: ProgressOptions,
  ) {
    this.tty = stream.isTTY === true;
    this.now = options.now ?? Date.now;
  }

  /** Starts rendering every interval until `stop()`. */
  start(): void {
    this.startedAt = this.now();
    const interval = this.options.intervalMs ?? (this.tty ? 100 : 5000);
    this.timer = setInterval(() => this.render(), interval);
    // The upload, not the display, decides when the process is done.
    this.timer.unref();
  }

  /** Stops rendering; on a terminal, draws the bar once more as it ended and moves to a new line. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.stream.write(`\r${formatBar(this.state())}\x1b[K\n`);
  }

  private state(): ProgressState {
    return {
      rows: this.source.rows(),
      bytes: this.source.bytes(),
      totalBytes: this.options.totalBytes,
      elapsedMs: this.now() - this.startedAt,
    };
  }

  private render(): void {
    // \r returns to the start of the line and \x1b[K clears what a longer previous bar left.
    if (this.tty) this.stream.write(`\r${formatBar(this.state())}\x1b[K`);
    else this.stream.write(`${formatLine(this.state())}\n`);
  }
}

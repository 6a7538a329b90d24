/**
 * Progress on stderr for long reads: only when stderr is a terminal, only after the read
 * has taken about a second, redrawn at most four times a second, erased when done.
 * Shows bytes and rows done, the rate and the time left (when the total size is known).
 */
import type { Progress } from './types.js';

interface Sink {
  readonly isTTY?: boolean;
  write(s: string): boolean;
}

export class ProgressDisplay {
  private readonly files = new Map<string, Progress>();
  private readonly started: number;
  /** When the current read began (its rate's start), and whether it is over (stage() was called). */
  private readStarted: number;
  private staged = false;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly sink: Sink,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.readStarted = this.started;
  }

  /**
   * A new read begins: its files, bytes and rate start afresh. `report --trades` reads the
   * quotes twice (its pass, then classify's own read): the second read's line went back from
   * 97 MB to 16 MB of the same total, at a rate counted from the start of the process.
   */
  readBegins(): void {
    this.files.clear();
    this.readStarted = this.now();
    this.staged = false;
  }

  /** For `ReadOptions.onProgress`: record a file's progress and redraw if due. */
  readonly update = (p: Progress): void => {
    // A read's last update may come after stage(): it would draw the read line over "computing".
    if (!this.enabled || this.staged) return;
    this.files.set(p.file, p);
    const t = this.now();
    // A second from the read's start: a second read drew its first line before every file had reported (a partial total).
    if (t - this.readStarted < 1000 || t - this.lastDraw < 250) return;
    this.lastDraw = t;
    this.sink.write(`\r\x1b[2K${this.line(t)}`);
    this.drawn = true;
  };

  /**
   * Once the read is complete: says what the run does now (`computing the tables`), where the
   * read line was shown or the run has taken a second, so a long computation after the read does
   * not sit under a finished read's "1 s left". Erased by done(), as the read line.
   */
  stage(label: string): void {
    this.staged = true;
    if (!this.enabled || (!this.drawn && this.now() - this.started < 1000)) return;
    this.sink.write(`\r\x1b[2Kleadlag: ${label}…`);
    this.drawn = true;
  }

  /** Erases the progress line (call before printing anything else on stderr). */
  done(): void {
    if (this.drawn) this.sink.write('\r\x1b[2K');
    this.drawn = false;
  }

  private line(t: number): string {
    let bytes = 0;
    let rows = 0;
    let total = 0;
    let totalKnown = true;
    for (const p of this.files.values()) {
      bytes += p.bytesRead;
      rows += p.rows;
      if (p.bytesTotal === undefined) totalKnown = false;
      else total += p.bytesTotal;
    }
    const seconds = Math.max(1e-3, (t - this.readStarted) / 1000);
    const rate = bytes / seconds;
    const parts = [`leadlag: read ${mb(bytes)}${totalKnown ? ` of ${mb(total)}` : ''}`, `${(rows / 1e6).toFixed(2)} M rows`, `${mb(rate)}/s`];
    if (totalKnown && rate > 0 && total > bytes) parts.push(`${Math.ceil((total - bytes) / rate)} s left`);
    return parts.join(', ');
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Progress only where a person is watching: stderr is a terminal and `--quiet` was not given. */
export function progressFor(stderr: Sink, quiet: boolean): ProgressDisplay {
  return new ProgressDisplay(stderr, stderr.isTTY === true && !quiet);
}

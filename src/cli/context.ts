/**
 * What a command needs from the process, passed in so commands never touch `process`
 * directly: where to write, the environment, and the progress display.
 */
import { batched, makeStyle, outputChunks, wantColour, WRITE_CHARS, type Output } from '../io/output.js';
import { progressFor, type ProgressDisplay } from '../io/progress.js';
import type { CommonOptions } from './options.js';
import type { ReadReport } from '../io/types.js';
import { likelyBadLine, likelyBadLineNote, readNotes } from '../io/validate.js';
import { escapeControl, StdoutError } from '../errors.js';

export interface Streams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

/** EPIPE: the reader went away (`| head`); the entry point exits quietly with 0. */
function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

export class Context {
  readonly progress: ProgressDisplay;

  constructor(
    readonly io: Streams,
    readonly common: CommonOptions,
  ) {
    this.progress = progressFor(io.stderr, common.quiet === true);
  }

  /** Messages already warned: analyses that share one read (report) would repeat the input warnings. */
  private readonly warned = new Set<string>();

  /** A warning on stderr (suppressed by --quiet), erasing the progress line first; each message once. */
  warn(message: string): void {
    if (this.common.quiet || this.warned.has(message)) return;
    this.warned.add(message);
    this.progress.done();
    this.io.stderr.write(`leadlag: warning: ${escapeControl(message)}\n`);
  }

  /** Reports rows a reader skipped, so nothing is dropped silently; and rows --sort moved far. */
  reportSkipped(r: ReadReport): void {
    for (const note of readNotes(r)) this.warn(note);
    for (const s of r.skipped) {
      const more = s.count > s.firstLines.length ? ', …' : '';
      const rows = s.count === 1 ? 'row' : 'rows';
      const lines = s.firstLines.length === 1 ? 'line' : 'lines';
      this.warn(`${r.file}: skipped ${s.count} ${rows} (${s.kind}): ${lines} ${s.firstLines.join(', ')}${more}`);
      const bad = likelyBadLine(s);
      if (bad !== undefined) this.warn(`${r.file}: ${likelyBadLineNote(bad)}`);
    }
  }

  /**
   * Writes `text` on stdout once it is handed to the system. A closed pipe rejects with EPIPE
   * (the entry point exits quietly); any other failure with a StdoutError (exit 74).
   */
  writeStdout(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.io.stdout.write(text, (err) => (err ? reject(isClosedPipe(err) ? err : StdoutError.from(err)) : resolve()));
    });
  }

  /** Prints the command's result on stdout in the chosen format. */
  async emit(out: Output): Promise<void> {
    this.progress.done();
    const colour = this.common.format === 'table' && wantColour({ flag: this.common.color, env: this.io.env, isTTY: this.io.stdout.isTTY === true });
    // Written as it is made: a document or table of many windows is not held whole (outputChunks).
    for await (const text of batched(outputChunks(out, this.common.format, await makeStyle(colour)), WRITE_CHARS)) await this.writeStdout(text);
  }
}

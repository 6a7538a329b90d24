/**
 * A one-shot stream (stdin) that can be read from the start a second time, for as long
 * as the caller has not committed to its first reading: `inspect -` sniffs the header as
 * quotes and, when it is a trade file, reads it again as trades.
 *
 * Memory: the chunks read before `commit()` (a header decision needs the first read
 * or two, about 1–2 MiB); after it, chunks pass through without being kept.
 */
import { Readable } from 'node:stream';

export class Rewindable {
  private readonly it: AsyncIterator<Buffer | string>;
  /** Chunks from stream position `base` on, not yet released. */
  private kept: Buffer[] = [];
  private base = 0;
  private recording = true;
  private done = false;
  private inflight: Promise<void> | undefined;
  /** Which stream is current (earlier ones are abandoned) and how many chunks it has taken. */
  private generation = 0;
  private handed = 0;

  constructor(source: Readable) {
    this.it = source[Symbol.asyncIterator]();
  }

  /**
   * A stream of the source from its first byte. A stream made earlier is abandoned: it
   * ends, and what it had pulled is replayed to the new one.
   * @throws Error after commit() (the start is gone).
   */
  stream(): Readable {
    if (!this.recording) throw new Error('Rewindable: cannot rewind after commit()');
    const g = ++this.generation;
    this.handed = 0;
    return Readable.from(this.chunks(g), { objectMode: false });
  }

  /** The current stream is the one that will be read to the end: stop keeping what it has taken. */
  commit(): void {
    this.recording = false;
    this.release();
  }

  private async *chunks(g: number): AsyncGenerator<Buffer> {
    for (let i = 0; ; i++) {
      const c = await this.chunk(g, i);
      if (c === null) return;
      yield c;
    }
  }

  /**
   * Chunk number i of the source for stream `g`, or null at the end (or when g is
   * abandoned). Pulls are one at a time, and every chunk pulled lands in `kept`, so an
   * abandoned stream with a read in flight cannot take a chunk from the current one.
   */
  private async chunk(g: number, i: number): Promise<Buffer | null> {
    for (;;) {
      if (g !== this.generation) return null;
      const k = i - this.base;
      if (k < this.kept.length) {
        const c = this.kept[k]!;
        this.handed = i + 1;
        if (!this.recording) this.release();
        return c;
      }
      if (this.done) return null;
      this.inflight ??= this.pull();
      await this.inflight;
    }
  }

  /** Drops the chunks the current stream has taken (after commit()). */
  private release(): void {
    while (this.base < this.handed && this.kept.length > 0) {
      this.kept.shift();
      this.base++;
    }
  }

  private async pull(): Promise<void> {
    try {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else this.kept.push(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    } finally {
      this.inflight = undefined;
    }
  }
}

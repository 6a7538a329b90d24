/**
 * Batch builders: fill preallocated typed arrays and hand them on when full.
 *
 * Every batch owns one buffer (all its columns are views into it), so a worker can hand a
 * batch over without a copy. The buffer is fresh, and the consumer may keep the batch as long
 * as it likes; or, with lent batches (ReadOptions.lend), one the consumer has finished with,
 * filled again: a reader worker's shared slot (worker.ts) or a buffer sent back. Views are cut
 * to the batch's length.
 */
import type { TickBatch, TradeBatch } from '../core/types.js';

/**
 * A buffer of `bytes` that a consumer has finished with, to fill again instead of a fresh one
 * (a worker's shared batch slot, or a buffer sent back); undefined when none is waiting. (A
 * fresh buffer's pages cost the reader its first write to each of them: 0.25 of 1.74 s over
 * the bench hour's larger file.)
 */
export type ReturnedBuffers = (bytes: number) => ArrayBufferLike | undefined;

function bufferOf(bytes: number, returned: ReturnedBuffers | undefined): ArrayBufferLike {
  return returned?.(bytes) ?? new ArrayBuffer(bytes);
}

/**
 * The quote batch of n rows in a buffer that QuoteBatcher filled for `capacity` rows: t, price,
 * bid, ask, each `capacity` doubles (bid and ask are price's view when priceOnly).
 */
export function quoteBatchIn(buffer: ArrayBufferLike, capacity: number, n: number, priceOnly: boolean): TickBatch {
  const price = new Float64Array(buffer, capacity * 8, n);
  return {
    length: n,
    t: new Float64Array(buffer, 0, n),
    price,
    bid: priceOnly ? price : new Float64Array(buffer, capacity * 16, n),
    ask: priceOnly ? price : new Float64Array(buffer, capacity * 24, n),
  };
}

/** The trade batch of n rows in a buffer that TradeBatcher filled for `capacity` rows: t, price, qty (doubles), side (bytes). */
export function tradeBatchIn(buffer: ArrayBufferLike, capacity: number, n: number): TradeBatch {
  return {
    length: n,
    t: new Float64Array(buffer, 0, n),
    price: new Float64Array(buffer, capacity * 8, n),
    qty: new Float64Array(buffer, capacity * 16, n),
    side: new Int8Array(buffer, capacity * 24, n),
  };
}

export class QuoteBatcher {
  readonly out: TickBatch[] = [];
  private t!: Float64Array;
  private price!: Float64Array;
  private bid!: Float64Array;
  private ask!: Float64Array;
  private n = 0;
  private buffer!: ArrayBufferLike;

  /** priceOnly: bid, ask and price share one array (bid = ask = price). */
  constructor(
    private readonly capacity: number,
    private readonly priceOnly: boolean,
    private readonly returned?: ReturnedBuffers,
  ) {
    this.alloc();
  }

  private alloc(): void {
    const cap = this.capacity;
    this.buffer = bufferOf(cap * 8 * (this.priceOnly ? 2 : 4), this.returned);
    this.t = new Float64Array(this.buffer, 0, cap);
    this.price = new Float64Array(this.buffer, cap * 8, cap);
    this.bid = this.priceOnly ? this.price : new Float64Array(this.buffer, cap * 16, cap);
    this.ask = this.priceOnly ? this.price : new Float64Array(this.buffer, cap * 24, cap);
    this.n = 0;
  }

  add(t: number, bid: number, ask: number, price: number): void {
    const i = this.n;
    this.t[i] = t;
    this.price[i] = price;
    if (!this.priceOnly) {
      this.bid[i] = bid;
      this.ask[i] = ask;
    }
    if (++this.n === this.capacity) this.flush();
  }

  /** Hands on the rows gathered so far (nothing when empty). */
  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.out.push(quoteBatchIn(this.buffer, this.capacity, n, this.priceOnly));
    this.alloc();
  }
}

export class TradeBatcher {
  readonly out: TradeBatch[] = [];
  private t!: Float64Array;
  private price!: Float64Array;
  private qty!: Float64Array;
  private side!: Int8Array;
  private n = 0;
  private buffer!: ArrayBufferLike;

  constructor(
    private readonly capacity: number,
    private readonly returned?: ReturnedBuffers,
  ) {
    this.alloc();
  }

  private alloc(): void {
    const cap = this.capacity;
    this.buffer = bufferOf(cap * 25, this.returned);
    this.t = new Float64Array(this.buffer, 0, cap);
    this.price = new Float64Array(this.buffer, cap * 8, cap);
    this.qty = new Float64Array(this.buffer, cap * 16, cap);
    this.side = new Int8Array(this.buffer, cap * 24, cap);
    this.n = 0;
  }

  add(t: number, price: number, qty: number, side: number): void {
    const i = this.n;
    this.t[i] = t;
    this.price[i] = price;
    this.qty[i] = qty;
    this.side[i] = side;
    if (++this.n === this.capacity) this.flush();
  }

  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.out.push(tradeBatchIn(this.buffer, this.capacity, n));
    this.alloc();
  }
}

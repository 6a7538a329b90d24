/**
 * A first-in first-out queue of ticks (time µs, value, and up to four derived numbers) addressed
 * by absolute index: the i-th tick ever pushed keeps index i after older ticks are dropped.
 * Streaming kernels that look a bounded distance back and ahead (a window, a lattice of lags)
 * keep their positions as absolute indices and drop what no position can reach any more.
 *
 * Storage is one typed array per column; dropped ticks are reclaimed by sliding the live ones to
 * the front once they are at most half the capacity, so push and drop are O(1) amortized and
 * memory is about twice the most ticks ever live at once.
 */
/** A column type: Float64Array by default, Int32Array for small integers read in hot loops. */
export type Column = Float64Array | Int32Array;
type ColumnType = Float64ArrayConstructor | Int32ArrayConstructor;

export class TickQueue {
  /** Columns, physical order: tick i lives at slot i − base. Read directly in hot loops. */
  cols: Column[];
  private readonly types: readonly ColumnType[];
  /** Absolute index of physical slot 0. */
  base = 0;
  private live = 0; // physical slot of the first live tick
  private size = 0; // physical slots in use

  /** @param extra types of the columns after time and value (at most four). */
  constructor(extra: readonly ColumnType[] = [], capacity = 1024) {
    this.types = [Float64Array, Float64Array, ...extra];
    this.cols = this.types.map((T) => new T(Math.max(16, capacity)));
  }

  /** Times (column 0). Re-read after a push: a push may replace the arrays. */
  get t(): Float64Array {
    return this.cols[0] as Float64Array;
  }

  /** Values (column 1). */
  get x(): Float64Array {
    return this.cols[1] as Float64Array;
  }

  /** Absolute index of the first live tick. */
  get start(): number {
    return this.base + this.live;
  }

  /** Absolute index one past the last tick pushed. */
  get end(): number {
    return this.base + this.size;
  }

  /** Appends one tick; c2 … c5 go to columns 2 … 5 when the queue has them. */
  push(t: number, x: number, c2 = 0, c3 = 0, c4 = 0, c5 = 0): void {
    if (this.size === this.cols[0]!.length) this.makeRoom();
    const cols = this.cols;
    const k = this.size++;
    cols[0]![k] = t;
    cols[1]![k] = x;
    if (cols.length > 2) {
      cols[2]![k] = c2;
      if (cols.length > 3) cols[3]![k] = c3;
      if (cols.length > 4) cols[4]![k] = c4;
      if (cols.length > 5) cols[5]![k] = c5;
    }
  }

  /**
   * Makes room for `count` more ticks and returns the physical slot the first goes to; the caller
   * writes the columns at slots slot … slot + count − 1 (re-read `cols` first), then calls
   * {@link commit}. For hot loops that write typed columns directly instead of calling push.
   */
  reserve(count: number): number {
    while (this.size + count > this.cols[0]!.length) this.makeRoom(count);
    return this.size;
  }

  /** Counts `count` ticks written after {@link reserve} as pushed. */
  commit(count: number): void {
    this.size += count;
  }

  /** Drops every tick with absolute index below `index` (a no-op for ticks already dropped). */
  dropBefore(index: number): void {
    const slot = Math.min(this.size, index - this.base);
    if (slot > this.live) this.live = slot;
  }

  /** Drops every tick with absolute index `index` or above (used to cut the span's end). */
  truncate(index: number): void {
    const slot = Math.max(this.live, index - this.base);
    if (slot < this.size) this.size = slot;
  }

  /** Reclaims dropped slots, or doubles the arrays when most slots (with `extra` more) are live. */
  private makeRoom(extra = 1): void {
    const liveCount = this.size - this.live;
    const capacity = this.cols[0]!.length;
    this.cols = this.cols.map((col, c) => {
      if (liveCount + extra <= capacity >> 1) return col.copyWithin(0, this.live, this.size);
      const grown = new this.types[c]!(Math.max(capacity * 2, liveCount + extra));
      grown.set(col.subarray(this.live, this.size));
      return grown;
    });
    this.base += this.live;
    this.size = liveCount;
    this.live = 0;
  }
}

/**
 * A first-in first-out queue of ticks (time µs, value) addressed by absolute index: the i-th tick
 * ever pushed keeps index i after older ticks are dropped. Streaming kernels that look a bounded
 * distance back and ahead (a window, a lattice of lags) keep their positions as absolute indices
 * and drop what no position can reach any more.
 *
 * Storage is one pair of typed arrays; dropped ticks are reclaimed by sliding the live ones to the
 * front once they are at most half the capacity, so push and drop are O(1) amortized and memory
 * is about twice the most ticks ever live at once.
 */
export class TickQueue {
  /** Times, physical order: tick i lives at t[i − base]. Read directly in hot loops. */
  t: Float64Array;
  /** Values, same layout as `t`. */
  x: Float64Array;
  /** Absolute index of physical slot 0. */
  base = 0;
  private live = 0; // physical slot of the first live tick
  private size = 0; // physical slots in use

  constructor(capacity = 1024) {
    this.t = new Float64Array(Math.max(16, capacity));
    this.x = new Float64Array(Math.max(16, capacity));
  }

  /** Absolute index of the first live tick. */
  get start(): number {
    return this.base + this.live;
  }

  /** Absolute index one past the last tick pushed. */
  get end(): number {
    return this.base + this.size;
  }

  /** Time of the last tick pushed, NaN when none is live. */
  get lastTime(): number {
    return this.size > this.live ? this.t[this.size - 1]! : NaN;
  }

  /** Appends one tick. */
  push(t: number, x: number): void {
    if (this.size === this.t.length) this.makeRoom();
    this.t[this.size] = t;
    this.x[this.size] = x;
    this.size++;
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

  /** Reclaims dropped slots, or doubles the arrays when most slots are live. */
  private makeRoom(): void {
    const liveCount = this.size - this.live;
    if (liveCount <= this.t.length >> 1) {
      this.t.copyWithin(0, this.live, this.size);
      this.x.copyWithin(0, this.live, this.size);
    } else {
      const t = new Float64Array(this.t.length * 2);
      const x = new Float64Array(this.t.length * 2);
      t.set(this.t.subarray(this.live, this.size));
      x.set(this.x.subarray(this.live, this.size));
      this.t = t;
      this.x = x;
    }
    this.base += this.live;
    this.size = liveCount;
    this.live = 0;
  }
}

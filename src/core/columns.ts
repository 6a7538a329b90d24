/**
 * A growable FIFO table of Float64 columns: the ring buffers of the streaming feature engine.
 */

/**
 * A growable FIFO table of k Float64 columns, column 0 non-decreasing (time). Rows
 * [head, end) are live; dropping from the front moves `head`, and the live rows are moved
 * to the start when the dead prefix outgrows them, so push and shift are amortized O(1).
 */
export class Columns {
  #cols: Float64Array[];
  #head = 0;
  #end = 0;

  constructor(readonly k: number) {
    this.#cols = Array.from({ length: k }, () => new Float64Array(64));
  }

  get length(): number {
    return this.#end - this.#head;
  }

  /** Value of column c at live row i (0-based from the front). */
  get(i: number, c: number): number {
    return this.#cols[c]![this.#head + i]!;
  }

  /** Drops the first n live rows. */
  shift(n: number): void {
    this.#head += n;
    if (this.#head === this.#end) {
      this.#head = 0;
      this.#end = 0;
    }
  }

  /** Index of the last live row with column 0 ≤ x, or −1. Binary search, O(log n). */
  lastAtOrBefore(x: number): number {
    const t = this.#cols[0]!;
    let lo = this.#head;
    let hi = this.#end; // first index with t > x lies in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 - this.#head;
  }

  /** A copy of column c's live rows. */
  column(c: number): Float64Array {
    return this.#cols[c]!.slice(this.#head, this.#end);
  }

  push1(a: number): void {
    const at = this.#slot();
    this.#cols[0]![at] = a;
  }

  push2(a: number, b: number): void {
    const at = this.#slot();
    this.#cols[0]![at] = a;
    this.#cols[1]![at] = b;
  }

  push4(a: number, b: number, c: number, d: number): void {
    const at = this.#slot();
    const cols = this.#cols;
    cols[0]![at] = a;
    cols[1]![at] = b;
    cols[2]![at] = c;
    cols[3]![at] = d;
  }

  push6(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const at = this.#slot();
    const cols = this.#cols;
    cols[0]![at] = a;
    cols[1]![at] = b;
    cols[2]![at] = c;
    cols[3]![at] = d;
    cols[4]![at] = e;
    cols[5]![at] = f;
  }

  /** Appends one row of k values. */
  pushRow(values: ArrayLike<number>): void {
    const at = this.#slot();
    for (let c = 0; c < this.k; c++) this.#cols[c]![at] = values[c]!;
  }

  /** Index for one more row: compacts or grows when full. */
  #slot(): number {
    if (this.#end === this.#cols[0]!.length) {
      const live = this.length;
      if (this.#head >= live) {
        for (const col of this.#cols) col.copyWithin(0, this.#head, this.#end);
      } else {
        this.#cols = this.#cols.map((col) => {
          const grown = new Float64Array(col.length * 2);
          grown.set(col.subarray(this.#head, this.#end));
          return grown;
        });
      }
      this.#head = 0;
      this.#end = live;
    }
    return this.#end++;
  }
}

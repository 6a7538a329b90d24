/**
 * One market's recent non-zero grid returns for the lagged correlator (xcorr.ts): push index j,
 * value r[j] and, per cell set the correlator files under, the cell of j. Zero returns are not
 * kept: a lagged product or a shifted sum only ever needs the non-zero ones.
 *
 * Entries arrive in increasing j and leave from the front ({@link dropBefore}); the arrays grow
 * by doubling and are compacted instead when the front has moved far. Memory: the entries kept
 * (the correlator keeps those within 2·max|τ| of the newest), 8 × (2 + cell sets) bytes each.
 */
export class ReturnLog {
  /** Push index of entry p (increasing), at positions head … tail − 1. */
  idx: Float64Array = new Float64Array(64);
  val: Float64Array = new Float64Array(64);
  /** cells[s][p]: the cell of entry p in cell set s. */
  cells: Float64Array[];
  head = 0;
  tail = 0;

  constructor(cellSets: number) {
    this.cells = Array.from({ length: cellSets }, () => new Float64Array(64));
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** Appends r[j] = x ≠ 0 with its cell in each cell set (`cells[s]`). */
  push(j: number, x: number, cells: Float64Array): void {
    if (this.tail === this.idx.length) this.makeRoom();
    const p = this.tail++;
    this.idx[p] = j;
    this.val[p] = x;
    for (let s = 0; s < this.cells.length; s++) this.cells[s]![p] = cells[s]!;
  }

  /** Drops the entries with index < j. */
  dropBefore(j: number): void {
    while (this.head < this.tail && this.idx[this.head]! < j) this.head++;
  }

  /** The first position p ≥ head with idx[p] ≥ j (tail when none); O(log size). */
  lowerBound(j: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idx[mid]! < j) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Compacts in place when at least half the arrays are free, else doubles them. */
  private makeRoom(): void {
    const { head, tail } = this;
    if (2 * (tail - head) <= this.idx.length) {
      for (const a of [this.idx, this.val, ...this.cells]) a.copyWithin(0, head, tail);
    } else {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(2 * a.length);
        b.set(a.subarray(head, tail));
        return b;
      };
      this.idx = grow(this.idx);
      this.val = grow(this.val);
      this.cells = this.cells.map(grow);
    }
    this.head = 0;
    this.tail = tail - head;
  }
}

/**
 * One market's recent non-zero grid returns for the lagged correlator (xcorr.ts): push index j,
 * value r[j] and, per cell set the correlator files under, the cell of j. Zero returns are not
 * kept: a lagged product or a shifted sum only ever needs the non-zero ones.
 *
 * Entries arrive in increasing j and leave from the front ({@link dropBefore}); the arrays grow
 * by doubling and are compacted instead when the front has moved far. Memory: the entries kept
 * (the correlator keeps those within 2·max|τ| of the newest), 8 × (2 + cell sets) bytes each.
 *
 * With an arena (pair-arena.ts) `idx` and `val` live in the pair kernel's memory, at byte
 * addresses {@link idxAt} and {@link valAt}, so that the kernel reads them where they are; they
 * are then views, made again whenever the arena grows (re-read them after anything that may
 * allocate in the arena).
 */
import type { PairArena } from './pair-arena.js';

export class ReturnLog {
  /** Push index of entry p (increasing), at positions head … tail − 1. */
  idx: Float64Array;
  val: Float64Array;
  /** cells[s][p]: the cell of entry p in cell set s. */
  cells: Float64Array[];
  head = 0;
  tail = 0;
  /** Byte addresses of idx and val in the arena (NaN without one). */
  idxAt = NaN;
  valAt = NaN;
  /** Entries idx and val hold (their views' length, which a stale view no longer tells). */
  private capacity = 64;

  constructor(
    cellSets: number,
    private readonly arena?: PairArena,
  ) {
    this.cells = Array.from({ length: cellSets }, () => new Float64Array(64));
    if (arena === undefined) {
      this.idx = new Float64Array(64);
      this.val = new Float64Array(64);
    } else {
      this.idxAt = arena.alloc(64);
      this.valAt = arena.alloc(64);
      arena.own(() => this.makeViews());
      this.idx = arena.view(this.idxAt, this.capacity);
      this.val = arena.view(this.valAt, this.capacity);
    }
  }

  /** idx and val as views of the arena's current memory. */
  private makeViews(): void {
    this.idx = this.arena!.view(this.idxAt, this.capacity);
    this.val = this.arena!.view(this.valAt, this.capacity);
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
      if (this.arena === undefined) {
        this.idx = grow(this.idx);
        this.val = grow(this.val);
      } else {
        this.growInArena(2 * this.capacity);
      }
      this.cells = this.cells.map(grow);
    }
    this.head = 0;
    this.tail = tail - head;
  }

  /** Moves entries head … tail − 1 of idx and val to new arena blocks of `capacity` at the front. */
  private growInArena(capacity: number): void {
    const arena = this.arena!;
    const old = this.capacity;
    // Both blocks first: an allocation may move the memory, and the views are made anew after it.
    const idxAt = arena.alloc(capacity);
    const valAt = arena.alloc(capacity);
    const f64 = arena.f64;
    f64.copyWithin(idxAt / 8, this.idxAt / 8 + this.head, this.idxAt / 8 + this.tail);
    f64.copyWithin(valAt / 8, this.valAt / 8 + this.head, this.valAt / 8 + this.tail);
    arena.free(this.idxAt, old);
    arena.free(this.valAt, old);
    this.idxAt = idxAt;
    this.valAt = valAt;
    this.capacity = capacity;
    this.makeViews();
  }
}

/**
 * Lagged cross-correlation of two markets' grid log-returns (docs/definitions.md §4, Table 2), streaming.
 *
 * Two pieces:
 * - {@link GridAligner} (align.ts) turns two tick streams into aligned LOCF grid log-returns
 *   (r_A[n], r_B[n]) in memory independent of the data length;
 * - {@link LagCorrelator} files, for every requested lag τ, the sums of the pairs
 *   (r_A[n], r_B[n + τ]) (positive τ: A leads B) per time cell (xcorr-cells.ts), and folds the
 *   cells into the Pearson correlation with its count N and 95 % Fisher interval; memory grows
 *   with the cells (8 640 a day at the default 10 s), not with ticks or grid points.
 * {@link xcorrFromArrays} wires them together for whole arrays.
 */
import { GridAligner, gridCeil, type GridSpan, type ReturnSink } from './align.js';
import { fixedCells, type TimeCells } from './cells.js';
import { PairArena } from './pair-arena.js';
import { cellRow, DEFAULT_CELL_US, foldRows, LagCellTable, PAIR_ABS, PAIR_MAX, PAIR_NEFF, PAIR_SXY, recordPair, tableOfRow, type XcorrParts } from './xcorr-cells.js';
import { ReturnLog } from './xcorr-log.js';
import { shiftPlan, SideSums } from './xcorr-sides.js';

export { fisherInterval } from './xcorr-cells.js';

/** One row of Table 2. `r`, `ciLow`, `ciHigh` are null where the value is not defined (printed n/a). */
export interface LagResult {
  /** τ in grid steps; positive: A leads B (r_A[n] is paired with r_B[n + τ]). */
  readonly lag: number;
  /** Pearson correlation in [−1, 1]; null when N < 2 or either side of the pairs has zero variance. */
  readonly r: number | null;
  /** Number of pairs N(τ) = max(0, M − |τ|) for M returns. */
  readonly n: number;
  /** 95 % Fisher interval tanh(atanh(r) ∓ 1.96/√(N − 3)); null when r is null or N ≤ 3. */
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** Pairs in which both returns are non-zero (the pairs that carry any co-movement). */
  readonly nEffective: number;
  /** max_n |r_A[n]·r_B[n+τ]| / Σ_n |r_A[n]·r_B[n+τ]|; null when no pair has both returns non-zero. */
  readonly topStepShare: number | null;
  /** β = cov(r_A[n], r_B[n+τ]) / var(r_A[n]): B's move per unit move of A; null where r is. */
  readonly beta: number | null;
  /** R² = r²; null where r is. */
  readonly r2: number | null;
}

export interface XcorrResult extends GridSpan {
  /** One entry per requested lag, in the order given. */
  readonly lags: LagResult[];
}

// ---------------------------------------------------------------------------------------------
// Numerics.
//
// Table 2 is one left fold, in time order and from a zero row, of per-cell rows of plain sums
// (N, Σx, Σx², Σy, Σy², Σxy, …; xcorr-cells.ts), the cells being fixed stretches of the absolute
// clock (the bootstrap blocks, --block, default 10 s, cut at --start/--end). Within a cell the
// products are added in push order, and the sides Σx, Σx², Σy, Σy² come from the cell's market
// sums and the returns within max|τ| of its edges, in one fixed order (xcorr-sides.ts).
// Why this shape: a state over a range of whole cells holds exactly the rows one run over all
// the data holds for those cells, so merged states fold the same rows in the same order and
// print the same bits (docs/scale.md); the bootstrap resamples the same rows.
// Why raw sums and not Welford: a (0, 0) pair would still move Welford's means, so every grid
// point would cost work for every lag, and most grid points are flat (LOCF); with raw sums a
// zero contributes nothing, so only non-zero returns cost anything.
// Accuracy: each field's error is at most (terms in its cell + cells + 2)·u of its Σ|·|
// (u = 2⁻⁵³): a cell of 10 s on a 1 ms grid holds ≤ 10⁴ returns and a day 8 640 cells, and in
// practice the errors are random and grow like the square root of that. The final cancellation
// Σx² − (Σx)²/N loses ≈ ε·(1 + mean²/variance), and grid log-returns are centred near 0 (over a
// day mean²/variance ≲ 1e-7 at 1 ms). Measured on a generated day of 86.4 M grid points (8 %
// non-zero, a drift, 11 lags): |r − compensated two-pass r| ≤ 3e-15. The tests check r to 1e-12
// against a compensated two-pass over 10⁶ sparse returns, with and without a drift, and against
// a dense double loop (core-xcorr-dense.test.ts). A side whose variance is within the rounding
// bound of zero (an exactly constant series) is n/a: see lagStats (xcorr-cells.ts).
// ---------------------------------------------------------------------------------------------

/**
 * The shortest run of partners the pair kernel takes: a call into WebAssembly costs about as
 * much as a few pairs in JavaScript, and at a few lags most runs hold one or two partners.
 */
const KERNEL_MIN_RUN = 8;

/**
 * Streaming Pearson correlation of r_A[n] with r_B[n + τ] for a fixed set of lags τ (grid steps).
 *
 * Feed it the aligned returns (r_A[n], r_B[n]) for n = n0+1, n0+2, … in order. It files, per
 * time cell and lag, the sums of the pairs (r_A[n], r_B[n + τ]) whose A index n lies in the cell
 * (xcorr-cells.ts), and {@link result} folds the cells into Table 2; after M pushes lag τ has
 * N = max(0, M − |τ|) pairs, exactly the pairs of docs/definitions.md §4.
 *
 * Only non-zero returns cost anything, and a lag costs nothing per return. Each market's recent
 * non-zero returns are kept as (index, value) (xcorr-log.ts); a new non-zero return is paired
 * with the other market's non-zero returns within reach, a lookup over the distance giving the
 * lag (or none), so the products cost one step per pair of non-zero returns at a requested lag.
 * Runs of partners at lags in order go to a WebAssembly kernel (pair-arena.ts), which keeps
 * both logs and the pair pages in its memory; the same operations, so the same bits.
 * The sides Σx, Σx², Σy, Σy² of each lag come per cell from one sum per market and cell plus the
 * returns near the cell's edges (xcorr-sides.ts).
 *
 * Cost: per non-zero return O(1 + non-zero returns of the other market at a requested lag's
 * distance); per cell O(#lags + non-zero returns within max|τ| of its edges); zero returns are
 * a counter. Memory O(non-zero returns within 2·max|τ| + cells · #lags), or with `onFinal` only
 * the cells still open (max|τ| / cell length + 2 of them) instead of every cell. Numerics: see above.
 */
export class LagCorrelator implements ReturnSink {
  readonly lags: readonly number[];
  private readonly h: number;
  /** slot[H + τ]: the index of lag τ in `lags`, −1 when τ is not requested (|τ| ≤ H). */
  private readonly slot: Int32Array;
  /** Distances a new B return reaches back to A's (τ ≥ 0) and a new A return to B's (|τ|, τ < 0); min > max when none. */
  private readonly leadFrom: number;
  private readonly leadTo: number;
  private readonly lagFrom: number;
  private readonly lagTo: number;
  /**
   * When the lags at the distances leadFrom … leadTo (τ ≥ 0) are all requested and filed in
   * order (a range such as -1000..1000), lag index k = leadK0 + d, and likewise k = lagK0 − d for
   * τ = −d < 0: the pair loops then take k by arithmetic instead of a lookup (NaN: use the slots).
   */
  private readonly leadK0: number;
  private readonly lagK0: number;
  private readonly logA: ReturnLog;
  private readonly logB: ReturnLog;
  /** A's non-zero returns at indices ≤ max u (τ = −u < 0): the ones without a partner at some lag. */
  private readonly headA = new ReturnLog(0);
  private m = 0;
  /** Grid index of push 0 (push j is r[n0 + j]); set by begin(). */
  private n0 = 0;
  private readonly gridUs: number;
  private readonly tables: LagCellTable[];
  private readonly sides: SideSums[];
  /** The earliest push index at which some cell set has a boundary to take (SideSums.nextAt). */
  private nextAt = Infinity;
  /** [first, later] lag indices of a lag asked for twice: pairs are filed under the first and copied. */
  private readonly repeats: [number, number][] = [];
  /** Scratch: the cells of the current push in each cell set. */
  private readonly here: Float64Array;
  /** Where the final cells of set 0 go (then dropped); undefined: they are kept. */
  private readonly onFinal?: (parts: XcorrParts) => void;
  /** The pair kernel's memory, holding logA, logB and the tables' pair pages; undefined: the JavaScript loop. */
  private readonly arena: PairArena | undefined;

  /**
   * @param lags integer lags in grid steps (any order; results come back in this order).
   *   Memory and result() grow with max|τ| (parseLags caps it at 100 000).
   * @param options.cells time cells to file each lag's sums under, one table each, read back
   *   with {@link parts}: `cells[0]` are the cells Table 2 is folded over (the bootstrap blocks;
   *   by default {@link DEFAULT_CELL_US}), further ones serve `--by` windows. `gridUs` (G, µs)
   *   places push j at time (n0 + j)·G.
   * @param options.onFinal takes the cells of `cells[0]` one by one, in time order, as
   *   {@link XcorrParts} of one cell each, as soon as no later return can change them
   *   (xcorr-sides.ts, "When a cell is final"); they are then forgotten, so memory holds only the
   *   cells still open, and {@link parts}(0) returns only the cells not yet handed over. For a
   *   caller that needs their fold and nothing else (Table 2 without the bootstrap).
   * @param options.maxTableDoubles the most numbers a cell table may hold (MAX_TABLE_DOUBLES; tests pass less).
   * @param options.kernel false: pair in JavaScript, as where WebAssembly cannot run (tests hold
   *   the kernel to this); 'tight': the kernel, its memory grown a page at a time (tests).
   * @throws RangeError for a lag that is not an integer in [−(2^31 − 1), 2^31 − 1].
   */
  constructor(
    lags: readonly number[],
    options: {
      readonly gridUs?: number;
      readonly cells?: readonly TimeCells[];
      readonly onFinal?: (parts: XcorrParts) => void;
      readonly maxTableDoubles?: number;
      readonly kernel?: boolean | 'tight';
    } = {},
  ) {
    for (const lag of lags) {
      if (!Number.isInteger(lag) || Math.abs(lag) > 0x7fffffff) throw new RangeError(`lag ${lag} is not a 32-bit integer`);
    }
    this.lags = [...lags];
    const plan = shiftPlan(this.lags);
    const h = (this.h = plan.h);
    this.slot = new Int32Array(2 * h + 1).fill(-1);
    this.lags.forEach((lag, k) => {
      if (this.slot[h + lag] === -1) this.slot[h + lag] = k;
      else this.repeats.push([this.slot[h + lag]!, k]);
    });
    const lead = this.lags.filter((l) => l >= 0);
    const lagged = this.lags.filter((l) => l < 0).map((l) => -l);
    [this.leadFrom, this.leadTo] = lead.length === 0 ? [1, 0] : [Math.min(...lead), Math.max(...lead)];
    [this.lagFrom, this.lagTo] = lagged.length === 0 ? [1, 0] : [Math.min(...lagged), Math.max(...lagged)];
    this.leadK0 = slotRunBase(this.slot, h, this.leadFrom, this.leadTo, 1);
    this.lagK0 = slotRunBase(this.slot, h, this.lagFrom, this.lagTo, -1);
    this.gridUs = options.gridUs ?? 1;
    if (!(this.gridUs > 0)) throw new RangeError(`grid step ${this.gridUs} µs is not positive`);
    const cells = options.cells === undefined || options.cells.length === 0 ? [fixedCells(DEFAULT_CELL_US)] : options.cells;
    this.arena = options.kernel === false ? undefined : PairArena.create({ tight: options.kernel === 'tight' });
    this.tables = cells.map((c) => new LagCellTable(c, this.lags.length, options.maxTableDoubles, this.arena));
    this.onFinal = options.onFinal;
    const handOver = this.onFinal === undefined ? undefined : (cell: number) => this.handOver(cell);
    this.sides = this.tables.map((t, i) => new SideSums(t, plan, (cell) => gridCeil(t.cells.startUs(cell), this.gridUs) - this.n0, i === 0 ? handOver : undefined));
    this.logA = new ReturnLog(cells.length, this.arena);
    this.logB = new ReturnLog(cells.length, this.arena);
    this.here = new Float64Array(cells.length);
  }

  /** The grid index n0 of the point before the first return (GridAligner calls this once). */
  begin(n0: number): void {
    if (this.m > 0) throw new RangeError('LagCorrelator.begin: called after the first push');
    this.n0 = n0;
  }

  /** Number of return pairs pushed so far (M). */
  get count(): number {
    return this.m;
  }

  /** Adds the returns of the next grid point: rA = r_A[n], rB = r_B[n]. Both must be finite. */
  push(rA: number, rB: number): void {
    if (this.m === 0) this.start();
    const j = ++this.m;
    if (rA !== 0 || rB !== 0) {
      const here = this.here;
      for (let t = 0; t < this.tables.length; t++) here[t] = this.tables[t]!.cells.cellOf((this.n0 + j) * this.gridUs);
      if (rA !== 0) this.arriveA(j, rA, here);
      if (rB !== 0) this.arriveB(j, rB, here);
    }
    if (j >= this.nextAt) this.advance();
  }

  /** Same as `count` (an integer ≥ 0) calls of push(0, 0); O(1) plus the cells it completes. */
  pushZeros(count: number): void {
    if (count <= 0) return;
    if (this.m === 0) this.start();
    this.m += count;
    if (this.m >= this.nextAt) this.advance();
  }

  /** Push 1 is about to come: the cells start at its cell. */
  private start(): void {
    for (let t = 0; t < this.tables.length; t++) {
      const cell = this.tables[t]!.cells.cellOf((this.n0 + 1) * this.gridUs);
      this.tables[t]!.start(cell);
      this.sides[t]!.start(cell);
    }
    this.nextAt = Math.min(...this.sides.map((s) => s.nextAt));
  }

  /** Takes the cell boundaries that push m completes and forgets returns no longer needed. */
  private advance(): void {
    for (const s of this.sides) s.advance(this.m, this.logB, this.headA);
    this.nextAt = Math.min(...this.sides.map((s) => s.nextAt));
  }

  /**
   * Hands the final cells of set 0 through `cell` to onFinal and forgets them. Their rows are
   * the ones {@link parts} would give at the end: their pairs and sides are complete, and N of a
   * final cell does not depend on the span's last push (xcorr-sides.ts).
   */
  private handOver(cell: number): void {
    const table = this.tables[0]!;
    const count = cell - table.firstCell + 1;
    if (count <= 0) return;
    for (const [from, to] of this.repeats) table.copyPairs(from, to, count);
    this.onFinal!(table.parts(this.lags, this.n0, this.m, (t) => gridCeil(t, this.gridUs), count));
    table.dropFirst(count);
    this.sides[0]!.dropBefore(cell + 1);
  }

  /**
   * r_A[j] = x ≠ 0: its cell sums, and its pairs with the earlier r_B[j − u] ≠ 0 at the
   * requested lags τ = −u < 0 (the pairs with later B returns are made when those arrive).
   * The pairs go to the cell of A index j in each cell set.
   */
  private arriveA(j: number, x: number, here: Float64Array): void {
    this.remember(this.logA, j, x, here);
    if (j <= this.lagTo) this.headA.push(j, x, here);
    // Every cell is reached before a view is taken: reaching a new cell may move the arena.
    // (The cell is reached even without partners: the table's size limit sees every cell.)
    for (let t = 0; t < this.tables.length; t++) {
      this.sides[t]!.addA(here[t]!, x);
      this.tables[t]!.pairsOf(here[t]!);
    }
    const { logB, slot, h, lagFrom, lagTo, lagK0 } = this;
    const { idx, val } = logB;
    // B's returns at the distances of the lags, oldest first: positions [lo, hi).
    const lo = logB.lowerBound(j - lagTo);
    let hi = logB.tail;
    while (hi > lo && j - idx[hi - 1]! < lagFrom) hi--;
    if (lo === hi) return;
    for (let t = 0; t < this.tables.length; t++) {
      const table = this.tables[t]!;
      const cell = here[t]!;
      const base = table.baseOf(cell);
      if (lagK0 === lagK0) {
        this.runPairs(table, cell, logB, lo, hi, x, base + 4 * lagK0, -4, j);
        continue;
      }
      const pairs = table.pairsOf(cell);
      for (let p = lo; p < hi; p++) {
        const k = slot[h - (j - idx[p]!)]!;
        if (k >= 0) recordPair(pairs, base + 4 * k, x * val[p]!);
      }
    }
  }

  /**
   * r_B[j] = y ≠ 0: its cell sums, and its pairs with r_A[j − τ] ≠ 0 at the requested τ ≥ 0,
   * each in the cell of its A index (every such cell is already in the table: cells follow time).
   */
  private arriveB(j: number, y: number, here: Float64Array): void {
    this.remember(this.logB, j, y, here);
    // Reaches B's cell (the newest) before a view is taken: every A partner's cell is then held
    // (cells follow time), and nothing below can move the arena.
    for (let t = 0; t < this.tables.length; t++) {
      this.sides[t]!.addB(here[t]!, y);
      this.tables[t]!.pairsOf(here[t]!);
    }
    const { logA, slot, h, leadFrom, leadTo, leadK0 } = this;
    const { idx, val } = logA;
    // A's returns at the distances of the lags, oldest first: positions [lo, hi).
    const lo = logA.lowerBound(j - leadTo);
    let hi = logA.tail;
    while (hi > lo && j - idx[hi - 1]! < leadFrom) hi--;
    if (lo === hi) return;
    for (let t = 0; t < this.tables.length; t++) {
      const table = this.tables[t]!;
      const cells = logA.cells[t]!;
      if (leadK0 === leadK0) {
        // The partners in order, cut where their cell changes (rarely: a cell is usually much
        // longer than the lags' reach), one run per cell.
        for (let p = lo; p < hi; ) {
          const cell = cells[p]!;
          const q = cellRunEnd(cells, p, hi);
          this.runPairs(table, cell, logA, p, q, y, table.baseOf(cell) + 4 * leadK0, 4, j);
          p = q;
        }
        continue;
      }
      let cell = NaN;
      let pairs = table.pairsOf(cells[lo]!);
      let base = 0;
      for (let p = lo; p < hi; p++) {
        const d = j - idx[p]!;
        const k = leadK0 === leadK0 ? leadK0 + d : slot[h + d]!;
        if (k < 0) continue;
        if (cells[p] !== cell) {
          cell = cells[p]!;
          pairs = table.pairsOf(cell);
          base = table.baseOf(cell);
        }
        recordPair(pairs, base + 4 * k, val[p]! * y);
      }
    }
  }

  /**
   * The pairs of z (push j) with the returns at positions [lo, hi) of `log`, all filed in
   * `cell` at lags in order ({@link addPairRun}'s layout: fields at o0 + step·(j − i)): in the
   * kernel when the run is long enough to pay for the call into WebAssembly, else in
   * JavaScript on the same memory (the same operations, so the same bits either way).
   */
  private runPairs(table: LagCellTable, cell: number, log: ReturnLog, lo: number, hi: number, z: number, o0: number, step: number, j: number): void {
    const arena = this.arena;
    if (arena !== undefined && hi - lo >= KERNEL_MIN_RUN) arena.run(table.pageAt(cell), log.idxAt, log.valAt, lo, hi, z, o0, step, j);
    else addPairRun(table.pairsOf(cell), log.idx, log.val, lo, hi, z, o0, step, j);
  }

  /**
   * Appends to a log, first dropping what no pairing (within H of push j) and no boundary yet
   * to take (from H before it) can need.
   */
  private remember(log: ReturnLog, j: number, x: number, here: Float64Array): void {
    if (log.tail === log.idx.length) {
      let keep = j - this.h;
      for (const s of this.sides) keep = Math.min(keep, s.nextStart - this.h);
      log.dropBefore(keep);
    }
    log.push(j, x, here);
  }

  /**
   * The parts of every lag per cell of `options.cells[index]` over the pushes so far
   * (non-destructive: the cells not yet final are finished into a copy, as if the span ended
   * here). Every additive part summed over the cells equals the whole span's sum to rounding,
   * and N and n_effective exactly. Cost O(cells · #lags + #lags · non-zero returns in the last H).
   */
  parts(index = 0): XcorrParts {
    return this.partsOf(index, false);
  }

  /**
   * {@link parts} once the run is over, without the copy: the open cells are finished in the
   * table itself, which is then released (a long lag range's table is the largest thing the
   * run holds). The same numbers as parts(index); the table takes no further push or parts.
   */
  finalParts(index = 0): XcorrParts {
    const parts = this.partsOf(index, true);
    this.tables[index]!.release();
    return parts;
  }

  private partsOf(index: number, inPlace: boolean): XcorrParts {
    const source = this.tables[index];
    if (source === undefined) throw new RangeError(`LagCorrelator.parts: no cells at index ${index}`);
    const m = this.m;
    if (m === 0) return { lags: [...this.lags], firstCell: 0, cells: 0, sums: new Float64Array(0) };
    const lastCell = source.cells.cellOf((this.n0 + m) * this.gridUs);
    const table = inPlace ? source.reach(lastCell) : source.copy(lastCell);
    this.sides[index]!.finishInto(table, m, lastCell, this.logA, this.logB, this.headA);
    for (const [from, to] of this.repeats) table.copyPairs(from, to);
    return table.parts(this.lags, this.n0, m, (t) => gridCeil(t, this.gridUs), Math.max(0, lastCell - table.firstCell + 1));
  }

  /**
   * Table 2 over the pushes so far: the left fold of the cells of `options.cells[0]` in time
   * order (non-destructive; O(cells · #lags + #lags · non-zero returns in the last H)).
   */
  result(): LagResult[] {
    if (this.onFinal !== undefined) throw new RangeError('LagCorrelator.result: the final cells were handed to onFinal; fold them there');
    const parts = this.parts(0);
    const rows = Array.from({ length: parts.cells }, (_, c) => cellRow(parts, c));
    return tableOfRow(foldRows(this.lags.length, rows), this.lags);
  }
}

/**
 * The pairs of one new return z at push j with the other market's returns at positions
 * [lo, hi) of its log, all filed in one cell and at lags in order: the pair with the return at
 * index i goes to the fields at o0 + step·(j − i) (step ±4: a lag's four fields). The fields of
 * {@link recordPair}, written here without the call: the correlator's hottest loop, and with
 * the call it ran 25–30 % slower (2 001 lags over an hour of sparse returns: 0.99 against 0.76 s).
 */
function addPairRun(pairs: Float64Array, idx: Float64Array, val: Float64Array, lo: number, hi: number, z: number, o0: number, step: number, j: number): void {
  // Offsets and distances are small integers (a table index, d ≤ max|τ|): int32 arithmetic.
  const start = o0 | 0;
  for (let p = lo; p < hi; p++) {
    const o = (start + step * ((j - idx[p]!) | 0)) | 0;
    const xy = val[p]! * z;
    const abs = Math.abs(xy);
    pairs[o + PAIR_NEFF]!++;
    pairs[o + PAIR_SXY]! += xy;
    pairs[o + PAIR_ABS]! += abs;
    if (abs > pairs[o + PAIR_MAX]!) pairs[o + PAIR_MAX] = abs;
  }
}

/**
 * The end of the run of equal cells from position p in [p, hi): the first q with cells[q] ≠
 * cells[p] (cells never decrease along a log), hi when there is none. O(log(hi − p)).
 */
function cellRunEnd(cells: Float64Array, p: number, hi: number): number {
  const cell = cells[p]!;
  if (cells[hi - 1] === cell) return hi;
  let lo = p + 1;
  let up = hi - 1; // cells[up] ≠ cell
  while (lo < up) {
    const mid = (lo + up) >>> 1;
    if (cells[mid] === cell) lo = mid + 1;
    else up = mid;
  }
  return lo;
}

/**
 * k0 when slot[h + sign·d] = k0 + sign·d for every distance d in [from, to] (every lag of that
 * side requested, filed in order), else NaN; NaN too when the side has no lags (from > to).
 */
function slotRunBase(slot: Int32Array, h: number, from: number, to: number, sign: 1 | -1): number {
  if (from > to) return NaN;
  const k0 = slot[h + sign * from]! - sign * from;
  for (let d = from; d <= to; d++) if (slot[h + sign * d] !== k0 + sign * d) return NaN;
  return k0;
}

/**
 * Table 2 for whole arrays: aligns (tA, pA) and (tB, pB) on the grid G and correlates at `lags`.
 * Returns undefined when the series do not overlap. Convenience for tests and small data; the
 * command streams through GridAligner and LagCorrelator instead.
 */
export function xcorrFromArrays(
  tA: Float64Array,
  pA: Float64Array,
  tB: Float64Array,
  pB: Float64Array,
  gridUs: number,
  lags: readonly number[],
): XcorrResult | undefined {
  const correlator = new LagCorrelator(lags);
  const aligner = new GridAligner(gridUs, correlator);
  aligner.pushA(tA, pA);
  aligner.endA();
  aligner.pushB(tB, pB);
  const span = aligner.finish();
  return span === undefined ? undefined : { ...span, lags: correlator.result() };
}

/**
 * Lagged cross-correlation of two markets' grid log-returns (docs/definitions.md §4, Table 2), streaming.
 *
 * Two pieces, both with memory independent of the data length:
 * - {@link GridAligner} (align.ts) turns two tick streams into aligned LOCF grid log-returns (r_A[n], r_B[n]);
 * - {@link LagCorrelator} accumulates, for every requested lag τ, the Pearson correlation of
 *   r_A[n] with r_B[n + τ] (positive τ: A leads B) with its count N and 95 % Fisher interval.
 * {@link xcorrFromArrays} wires them together for whole arrays.
 * Given time cells (blocks of the bootstrap, `--by` windows), the correlator also files every
 * lag's sums per cell (xcorr-cells.ts); see "Parts per cell" below.
 */
import { GridAligner, gridCeil, type GridSpan, type ReturnSink } from './align.js';
import type { TimeCells } from './cells.js';
import { LagCellTable, type XcorrParts } from './xcorr-cells.js';

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

/** z quantile of the 95 % two-sided interval, as written in docs/definitions.md §4. */
const Z95 = 1.96;

// ---------------------------------------------------------------------------------------------
// Numerics.
//
// Choice: plain (unshifted) sums Σx, Σx², Σy, Σy², Σxy, each kept as a running pair (sum,
// accumulated rounding errors) by Knuth's TwoSum, and r = Cxy / √(Vx·Vy) with
// Vx = Σx² − (Σx)²/N, Cxy = Σxy − ΣxΣy/N. Σxy is kept per lag; Σx, Σx² of each lag's range are
// assembled from per-market parts without any subtraction (see ReturnSeries).
// Why not Welford: a (0, 0) pair still moves Welford's means, so every grid point would cost work
// for every lag, and most grid points are flat (LOCF); with raw sums a zero contributes nothing,
// so only non-zero returns cost anything and flat runs cost a count.
// Why this is accurate: each compensated sum is within ~2 ulp of its exact value whatever N
// (the O(N·ε²) term is 1e-24 of Σ|x| at N = 8.6e7). The only loss is the final cancellation
// Σx² − (Σx)²/N, whose relative error is ≈ ε·(1 + mean²/variance). Grid log-returns are centred
// near 0: over a day with drift d and volatility σ, mean = d/N and variance ≈ σ²/N, so
// mean²/variance ≈ d²/(σ²N) ≲ 1e-7 at 1 ms; r keeps ~15 significant digits and shifting by a
// guess of the mean would gain nothing. Measured on 86.4 M grid points (8 % non-zero, 11 lags):
// |r − compensated two-pass r| ≤ 4e-16, while a two-pass with plain sums is itself off by up to
// 1.6e-10 there; the tests check 1e-12 against a compensated two-pass with a drift included.
// Exactly constant series (zero variance, r = n/a) are detected exactly by tracking where each
// return series changes value, not by testing a rounded variance against 0.
// ---------------------------------------------------------------------------------------------

/** acc[k] += x with the rounding error of that addition accumulated in acc[k + 1] (TwoSum). */
function addCompensated(acc: Float64Array, k: number, x: number): void {
  const s = acc[k]!;
  const t = s + x;
  const z = t - s;
  acc[k + 1]! += s - (t - z) + (x - z);
  acc[k] = t;
}

/** Σ and Σ² of a contiguous range of one market's returns. */
interface RangeSums {
  readonly sum: number;
  readonly sumSq: number;
  /** True when every return in the range is the same value (zero variance, exactly). */
  readonly constant: boolean;
}

/**
 * One market's returns r[1..M] as the correlator needs them: every lag uses either a prefix
 * r[1..b] or a suffix r[a..M] of them with b ≥ M − H and a ≤ H + 1 (H = max |τ|). So the series
 * is kept in three parts that every such range covers whole or takes from verbatim, and nothing
 * is ever subtracted: the head r[1..H] verbatim, the middle r[H+1..M−H] as compensated sums
 * (r[j − H] is added when r[j] arrives), and the tail r[M−H+1..M] verbatim in the ring.
 * Memory O(H); per push O(1).
 */
class ReturnSeries {
  /** r[1..H] (index j − 1). */
  readonly head: Float64Array;
  /** r[j] at slot j mod R, R = H + 1: the last R returns. */
  readonly ring: Float64Array;
  /** Σ r[j] and Σ r[j]² over H < j ≤ M − H: [sum, comp, sumSq, compSq]. */
  readonly middle = new Float64Array(4);
  /** First and last j ≥ 2 with r[j] ≠ r[j−1]; 0 while the series has been constant. */
  firstChange = 0;
  lastChange = 0;
  private previous = 0;

  constructor(private readonly h: number) {
    this.head = new Float64Array(h);
    this.ring = new Float64Array(h + 1);
  }

  /** Records r[j] = x (j = 1, 2, … in order) at ring slot `slot` = j mod R. */
  record(j: number, slot: number, x: number): void {
    const { h, ring } = this;
    ring[slot] = x;
    if (j <= h) this.head[j - 1] = x;
    if (j > 2 * h) {
      // r[j − H] leaves the tail for the middle; its slot is (j − H) mod R = (j + 1) mod R.
      const out = ring[slot === h ? 0 : slot + 1]!;
      if (out !== 0) {
        addCompensated(this.middle, 0, out);
        addCompensated(this.middle, 2, out * out);
      }
    }
    if (j > 1 && x !== this.previous) {
      if (this.firstChange === 0) this.firstChange = j;
      this.lastChange = j;
    }
    this.previous = x;
  }

  /** Sums over r[1..b], M − H ≤ b ≤ M, after M pushes. */
  prefix(b: number, m: number): RangeSums {
    const acc = Float64Array.from(this.middle);
    this.addHead(acc, 1, Math.min(b, this.h));
    this.addTail(acc, m, b);
    return finish(acc, this.firstChange === 0 || this.firstChange > b);
  }

  /** Sums over r[a..M], 1 ≤ a ≤ H + 1, after M pushes. */
  suffix(a: number, m: number): RangeSums {
    const acc = Float64Array.from(this.middle);
    this.addHead(acc, a, Math.min(m, this.h));
    this.addTail(acc, m, m);
    return finish(acc, this.lastChange <= a);
  }

  /** Adds r[from..to] from the head (to ≤ H). */
  private addHead(acc: Float64Array, from: number, to: number): void {
    for (let j = from; j <= to; j++) addSquare(acc, this.head[j - 1]!);
  }

  /** Adds the tail part of r[..to]: r[max(H, M − H) + 1 .. to] from the ring. */
  private addTail(acc: Float64Array, m: number, to: number): void {
    const size = this.h + 1;
    for (let j = Math.max(this.h, m - this.h) + 1; j <= to; j++) addSquare(acc, this.ring[j % size]!);
  }
}

/** acc[0..1] += x, acc[2..3] += x². */
function addSquare(acc: Float64Array, x: number): void {
  addCompensated(acc, 0, x);
  addCompensated(acc, 2, x * x);
}

function finish(acc: Float64Array, constant: boolean): RangeSums {
  return { sum: acc[0]! + acc[1]!, sumSq: acc[2]! + acc[3]!, constant };
}

/**
 * Streaming Pearson correlation of r_A[n] with r_B[n + τ] for a fixed set of lags τ (grid steps).
 *
 * Feed it the aligned returns (r_A[n], r_B[n]) for n = n0+1, n0+2, … in order; each call pairs
 * the new returns with the last max|τ| returns of the other market kept in ring buffers
 * (r_A[n−τ] with r_B[n] for τ ≥ 0, r_A[n] with r_B[n−|τ|] for τ < 0). After M pushes lag τ has
 * N = max(0, M − |τ|) pairs, exactly the pairs of docs/definitions.md §4.
 *
 * Cost: O(max|τ| + #lags) memory; per push O(1) plus O(#lags) only when a return is non-zero
 * (≈ 60 ns per point at 8 % non-zero returns and 11 lags);
 * after max|τ| + 1 consecutive (0, 0) pushes further zero pushes are a counter increment, so
 * {@link pushZeros} is O(min(count, max|τ|)). Numerics: see the comment above `addCompensated`.
 * Swapping the markets maps τ to −τ with bit-identical r (the computation is symmetric).
 */
export class LagCorrelator implements ReturnSink {
  readonly lags: readonly number[];
  private readonly h: number;
  private readonly ringSize: number;
  private readonly a: ReturnSeries;
  private readonly b: ReturnSeries;
  /** Indices into `lags` of the lags ≥ 0 and < 0, and their |τ|. */
  private readonly leadIdx: Int32Array;
  private readonly leadLag: Int32Array;
  private readonly lagIdx: Int32Array;
  private readonly lagLag: Int32Array;
  /** Σ x·y per lag: [sum, comp] at 2k. */
  private readonly cross: Float64Array;
  /** Per lag: pairs with both returns non-zero, Σ|xy| as [sum, comp] at 2k, and max |xy|. */
  private readonly effective: Float64Array;
  private readonly absCross: Float64Array;
  private readonly absMax: Float64Array;
  private m = 0;
  /** Consecutive (0, 0) pushes at the end, counted up to ringSize. */
  private zeroRun = 0;
  /** Grid index of push 0 (push j is r[n0 + j]); set by begin(). */
  private n0 = 0;
  private readonly gridUs: number;
  private readonly tables: LagCellTable[];

  /**
   * @param lags integer lags in grid steps (any order; results come back in this order).
   *   Memory and result() grow with max|τ| (parseLags caps it at 100 000).
   * @param options.cells time cells to file each lag's sums under (one table each, read back
   *   with {@link parts}); `gridUs` (G, µs) places push j at time (n0 + j)·G. Without cells the
   *   correlator does exactly what it did before: the cells cost nothing unless asked for.
   * @throws RangeError for a lag that is not an integer in [−(2^31 − 1), 2^31 − 1].
   */
  constructor(lags: readonly number[], options: { readonly gridUs?: number; readonly cells?: readonly TimeCells[] } = {}) {
    for (const lag of lags) {
      if (!Number.isInteger(lag) || Math.abs(lag) > 0x7fffffff) throw new RangeError(`lag ${lag} is not a 32-bit integer`);
    }
    this.lags = [...lags];
    this.h = lags.reduce((max, lag) => Math.max(max, Math.abs(lag)), 0);
    this.ringSize = this.h + 1;
    this.a = new ReturnSeries(this.h);
    this.b = new ReturnSeries(this.h);
    const lead = this.lags.map((lag, k) => [lag, k] as const).filter(([lag]) => lag >= 0);
    const lagged = this.lags.map((lag, k) => [lag, k] as const).filter(([lag]) => lag < 0);
    this.leadIdx = Int32Array.from(lead, ([, k]) => k);
    this.leadLag = Int32Array.from(lead, ([lag]) => lag);
    this.lagIdx = Int32Array.from(lagged, ([, k]) => k);
    this.lagLag = Int32Array.from(lagged, ([lag]) => -lag);
    this.cross = new Float64Array(2 * this.lags.length);
    this.effective = new Float64Array(this.lags.length);
    this.absCross = new Float64Array(2 * this.lags.length);
    this.absMax = new Float64Array(this.lags.length);
    this.gridUs = options.gridUs ?? 1;
    if (!(this.gridUs > 0)) throw new RangeError(`grid step ${this.gridUs} µs is not positive`);
    this.tables = (options.cells ?? []).map((cells) => new LagCellTable(cells, this.lags.length));
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
    if (rA === 0 && rB === 0) {
      // Every buffer already holds zeros and unchanged sums: nothing but the count moves.
      if (this.zeroRun >= this.ringSize) {
        this.m++;
        return;
      }
      this.zeroRun++;
    } else this.zeroRun = 0;
    const j = ++this.m;
    if (j === 1) for (const t of this.tables) t.start(this.cellOf(t, 1));
    const slot = j % this.ringSize;
    this.a.record(j, slot, rA);
    this.b.record(j, slot, rB);
    if (rB !== 0) this.crossLead(j, slot, rB);
    if (rA !== 0) this.crossLag(j, slot, rA);
    if (this.tables.length > 0 && j > this.h) this.fileLeaving(j - this.h, slot === this.h ? 0 : slot + 1);
  }

  /** The cell of table t that holds A index j (grid point (n0 + j)·G). */
  private cellOf(t: LagCellTable, j: number): number {
    return t.cells.cellOf((this.n0 + j) * this.gridUs);
  }

  /** Same as `count` (an integer ≥ 0) calls of push(0, 0); O(min(count, max|τ|)). */
  pushZeros(count: number): void {
    let left = count;
    while (left > 0 && this.zeroRun < this.ringSize) {
      this.push(0, 0);
      left--;
    }
    if (left > 0) this.m += left;
  }

  /**
   * τ ≥ 0: pairs r_A[j − τ] with the new r_B[j]. The pair exists for sure (its A index is ≥ 1
   * and its B index has arrived), so y is filed in its cell now.
   */
  private crossLead(j: number, slot: number, y: number): void {
    const { leadIdx, leadLag, cross, ringSize, tables } = this;
    const ringA = this.a.ring;
    for (let i = 0; i < leadIdx.length; i++) {
      const tau = leadLag[i]!;
      if (tau >= j) continue;
      const k = leadIdx[i]!;
      const s = slot - tau;
      const x = ringA[s < 0 ? s + ringSize : s]!;
      for (const t of tables) t.addY(k, this.cellOf(t, j - tau), y);
      if (x !== 0) {
        addCompensated(cross, 2 * k, x * y);
        this.addEffective(k, x * y);
        for (const t of tables) t.addPair(k, this.cellOf(t, j - tau), x, y);
      }
    }
  }

  /** τ < 0: pairs the new r_A[j] with r_B[j − |τ|] (a pair that exists for sure, as above). */
  private crossLag(j: number, slot: number, x: number): void {
    const { lagIdx, lagLag, cross, ringSize, tables } = this;
    const ringB = this.b.ring;
    for (let i = 0; i < lagIdx.length; i++) {
      const tau = lagLag[i]!;
      if (tau >= j) continue;
      const k = lagIdx[i]!;
      const s = slot - tau;
      const y = ringB[s < 0 ? s + ringSize : s]!;
      for (const t of tables) t.addX(k, this.cellOf(t, j), x);
      if (y !== 0) {
        addCompensated(cross, 2 * k, x * y);
        this.addEffective(k, x * y);
        for (const t of tables) t.addPair(k, this.cellOf(t, j), x, y);
      }
    }
  }

  private addEffective(k: number, xy: number): void {
    this.effective[k]!++;
    const abs = Math.abs(xy);
    addCompensated(this.absCross, 2 * k, abs);
    if (abs > this.absMax[k]!) this.absMax[k] = abs;
  }

  // -------------------------------------------------------------------------------------------
  // Parts per cell.
  //
  // A pair (r_A[n], r_B[n + τ]) is filed under the cell of n·G (docs/definitions.md §9, §11). Its
  // product is filed when the later of its two returns arrives (crossLead / crossLag), and so is
  // the value of that later return. The earlier return's value cannot be filed on arrival: for
  // τ > 0 whether r_A[n] has a partner depends on whether r_B[n + τ] will ever come (the span may
  // end first), and likewise r_B[n] for τ < 0. Rather than file it and take it back at the end
  // (a subtraction, which plain per-cell sums would not undo exactly), it is filed once it is
  // certain: when it leaves the last max|τ| + 1 returns (fileLeaving, H pushes later, by which
  // time every partner within H has arrived), and for the last H returns at the end from the
  // ring (fileTail). Only non-zero returns cost anything, as for the whole-span sums: a zero adds
  // nothing, and in a run of zero pushes the ring holds zeros only.
  // -------------------------------------------------------------------------------------------

  /** Files r_A[idx] for τ ≥ 0 and r_B[idx] for τ < 0, whose partners have all arrived (idx = j − H). */
  private fileLeaving(idx: number, ringSlot: number): void {
    const x = this.a.ring[ringSlot]!;
    const y = this.b.ring[ringSlot]!;
    if (x !== 0) this.fileA(this.tables, idx, x, Infinity);
    if (y !== 0) this.fileB(this.tables, idx, y, Infinity);
  }

  /** r_A[idx] = x for every lag τ ≥ 0 with idx + τ ≤ limit, in the cell of idx. */
  private fileA(tables: readonly LagCellTable[], idx: number, x: number, limit: number): void {
    const { leadIdx, leadLag } = this;
    for (const t of tables) {
      const cell = this.cellOf(t, idx);
      for (let i = 0; i < leadIdx.length; i++) if (idx + leadLag[i]! <= limit) t.addX(leadIdx[i]!, cell, x);
    }
  }

  /** r_B[idx] = y for every lag τ < 0 with idx + |τ| ≤ limit, in the cell of its partner idx + |τ|. */
  private fileB(tables: readonly LagCellTable[], idx: number, y: number, limit: number): void {
    const { lagIdx, lagLag } = this;
    for (const t of tables) {
      for (let i = 0; i < lagIdx.length; i++) {
        const partner = idx + lagLag[i]!;
        if (partner <= limit) t.addY(lagIdx[i]!, this.cellOf(t, partner), y);
      }
    }
  }

  /**
   * The parts of every lag per cell of `options.cells[index]` over the pushes so far
   * (non-destructive: the last H returns are filed into a copy). Every additive part summed over
   * the cells equals the whole span's sum to rounding, and N and n_effective exactly.
   * Cost O(cells · #lags + H · #lags).
   */
  parts(index = 0): XcorrParts {
    const source = this.tables[index];
    if (source === undefined) throw new RangeError(`LagCorrelator.parts: no cells at index ${index}`);
    const m = this.m;
    if (m === 0) return { lags: [...this.lags], firstCell: 0, cells: 0, sums: new Float64Array(0) };
    const table = source.copy(this.cellOf(source, m));
    const size = this.ringSize;
    for (let idx = Math.max(1, m - this.h + 1); idx <= m; idx++) {
      const x = this.a.ring[idx % size]!;
      const y = this.b.ring[idx % size]!;
      if (x !== 0) this.fileA([table], idx, x, m);
      if (y !== 0) this.fileB([table], idx, y, m);
    }
    return table.parts(this.lags, this.n0, m, (t) => gridCeil(t, this.gridUs));
  }

  /** The correlation of every lag over the pushes so far (non-destructive; O(#lags · max|τ|)). */
  result(): LagResult[] {
    return this.lags.map((lag, k) => this.lagResult(lag, k));
  }

  private lagResult(lag: number, k: number): LagResult {
    const shift = Math.abs(lag);
    const n = Math.max(0, this.m - shift);
    const nEffective = this.effective[k]!;
    const absSum = this.absCross[2 * k]! + this.absCross[2 * k + 1]!;
    const topStepShare = absSum > 0 ? this.absMax[k]! / absSum : null;
    const none = { lag, r: null, n, ciLow: null, ciHigh: null, nEffective, topStepShare, beta: null, r2: null };
    if (n < 2) return none;
    // τ ≥ 0: x = r_A[1..M−τ], y = r_B[τ+1..M]; τ < 0: x = r_A[|τ|+1..M], y = r_B[1..M−|τ|].
    const x = lag >= 0 ? this.a.prefix(n, this.m) : this.a.suffix(shift + 1, this.m);
    const y = lag >= 0 ? this.b.suffix(shift + 1, this.m) : this.b.prefix(n, this.m);
    const sxy = this.cross[2 * k]! + this.cross[2 * k + 1]!;
    const fit = x.constant || y.constant ? null : pearson(n, x, y, sxy);
    if (fit === null) return none;
    const ci = fisherInterval(fit.r, n);
    return { ...none, r: fit.r, ciLow: ci === null ? null : ci[0], ciHigh: ci === null ? null : ci[1], beta: fit.beta, r2: fit.r * fit.r };
  }
}

/**
 * Pearson r and β = cov / var(x) from raw sums; null when a variance rounds to ≤ 0. r is written
 * symmetrically in x and y (products commute) so that swapping the markets gives the same bits
 * (β is not symmetric by definition). r is clamped to [−1, 1] against the last rounding.
 */
function pearson(n: number, x: RangeSums, y: RangeSums, sxy: number): { r: number; beta: number } | null {
  const vx = x.sumSq - (x.sum * x.sum) / n;
  const vy = y.sumSq - (y.sum * y.sum) / n;
  if (!(vx > 0) || !(vy > 0)) return null;
  const c = sxy - (x.sum * y.sum) / n;
  const r = c / (Math.sqrt(vx) * Math.sqrt(vy));
  return { r: Math.max(-1, Math.min(1, r)), beta: c / vx };
}

/**
 * 95 % Fisher interval tanh(atanh(r) ± 1.96/√(N − 3)); null for N ≤ 3 (the standard error is
 * undefined). For r = ±1 atanh is infinite and every finite shift leaves it there: the interval
 * is [r, r] (what tanh(±∞) gives), a perfect correlation carries no sampling spread under this model.
 */
export function fisherInterval(r: number, n: number): [number, number] | null {
  if (!(n > 3)) return null;
  if (r === 1 || r === -1) return [r, r];
  const z = Math.atanh(r);
  const half = Z95 / Math.sqrt(n - 3);
  return [Math.tanh(z - half), Math.tanh(z + half)];
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

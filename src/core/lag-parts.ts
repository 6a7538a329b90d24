/**
 * Table 2 (docs/definitions.md §4) as parts keyed by time cell (§11): the pair
 * (r_A[n], r_B[n + τ]) of every lag τ belongs to the cell holding n·G. Each part holds, per
 * lag, the pair count N and the sums Σx, Σy, Σx², Σy², Σxy (compensated), so a window's,
 * a range's, a regime's or the whole span's correlation is computed from the merge of its
 * cells exactly as from one run (counts exactly, sums to rounding).
 *
 * Streaming with memory O(max|τ| + #lags · #cells). Cost: O(#lags) per grid point within
 * max|τ| steps of a non-zero return; longer flat runs cost O(1).
 */
import type { ReturnSink } from './align.js';
import { CellParts, type PartKind, type TimeRange } from './parts.js';
import { fisherInterval, type LagResult } from './xcorr.js';

/**
 * Slots per lag: count, then (sum, compensation) for Σx, Σy, Σx², Σy², Σxy, then the pairs with
 * both returns non-zero, Σ|xy| and max |xy| (n_effective and top_step_share, docs/definitions.md §4).
 */
const SLOTS = 14;
const N = 0;
const SX = 1;
const SY = 3;
const SXX = 5;
const SYY = 7;
const SXY = 9;
const NEFF = 11;
const ABS = 12;
const MAX = 13;

/** A part: SLOTS numbers per lag, in the order of the lags given. */
export type LagSums = Float64Array;

export function lagSumsKind(lags: number): PartKind<LagSums> {
  return {
    empty: () => new Float64Array(lags * SLOTS),
    merge(into, from) {
      for (let l = 0; l < lags; l++) {
        const o = l * SLOTS;
        into[o + N]! += from[o + N]!;
        into[o + NEFF]! += from[o + NEFF]!;
        into[o + ABS]! += from[o + ABS]!;
        into[o + MAX] = Math.max(into[o + MAX]!, from[o + MAX]!);
        for (const k of [SX, SY, SXX, SYY, SXY]) {
          addCompensated(into, o + k, from[o + k]!);
          into[o + k + 1]! += from[o + k + 1]!;
        }
      }
    },
  };
}

/** acc[k] += x with the rounding error of that addition accumulated in acc[k + 1] (TwoSum). */
function addCompensated(acc: Float64Array, k: number, x: number): void {
  const s = acc[k]!;
  const t = s + x;
  const z = t - s;
  acc[k + 1]! += s - (t - z) + (x - z);
  acc[k] = t;
}

/**
 * A ReturnSink (align.ts) that accumulates lagged pair sums into cells of `size` µs, counting
 * only n·G in `range`. Call `seal(n1)` once the aligner has finished (n1 = last grid point) to
 * add the pair counts, then read `parts`.
 */
export class LagPartsSink implements ReturnSink {
  readonly parts: CellParts<LagSums>;
  private readonly h: number;
  private readonly ringA: Float64Array;
  private readonly ringB: Float64Array;
  /** Index of the next return to arrive; `first` is the first return's (n0 + 1). */
  private m = NaN;
  private first = NaN;
  /** Consecutive (0, 0) steps at the end, counted up to h + 1. */
  private quiet = 0;

  /**
   * @param lags τ in grid steps (positive: A leads).
   * @param gridUs G in µs.
   */
  constructor(
    readonly lags: readonly number[],
    readonly gridUs: number,
    size: number,
    range: TimeRange,
  ) {
    this.parts = new CellParts(lagSumsKind(lags.length), size, range);
    this.h = Math.max(0, ...lags.map((l) => Math.abs(l)));
    this.ringA = new Float64Array(this.h + 1);
    this.ringB = new Float64Array(this.h + 1);
  }

  begin(n0: number): void {
    this.first = n0 + 1;
    this.m = n0 + 1;
  }

  push(a: number, b: number): void {
    if (a === 0 && b === 0) {
      if (this.quiet > this.h) {
        this.m++;
        return;
      }
      this.quiet++;
    } else this.quiet = 0;
    const R = this.h + 1;
    const m = this.m;
    this.ringA[m % R] = a;
    this.ringB[m % R] = b;
    const lags = this.lags;
    const g = this.gridUs;
    // Every pair of this step is filed at an n in [m − H, m]; most steps lie inside one cell.
    const whole = this.oneCell(m);
    for (let l = 0; l < lags.length; l++) {
      const tau = lags[l]!;
      let n: number;
      let x: number;
      let y: number;
      if (tau >= 0) {
        n = m - tau;
        if (n < this.first) continue;
        x = this.ringA[n % R]!;
        y = b;
      } else {
        n = m;
        if (m + tau < this.first) continue;
        x = a;
        y = this.ringB[(m + tau) % R]!;
      }
      if (x === 0 && y === 0) continue;
      const part = whole ?? this.parts.at(n * g);
      if (part === undefined) continue;
      const o = l * SLOTS;
      if (x !== 0) {
        addCompensated(part, o + SX, x);
        addCompensated(part, o + SXX, x * x);
      }
      if (y !== 0) {
        addCompensated(part, o + SY, y);
        addCompensated(part, o + SYY, y * y);
        if (x !== 0) {
          const xy = x * y;
          addCompensated(part, o + SXY, xy);
          const abs = Math.abs(xy);
          part[o + NEFF]!++;
          part[o + ABS]! += abs;
          if (abs > part[o + MAX]!) part[o + MAX] = abs;
        }
      }
    }
    this.m = m + 1;
  }

  /** The part holding every n in [m − H, m] when one part does (inside the range), else undefined. */
  private oneCell(m: number): LagSums | undefined {
    const parts = this.parts;
    const g = this.gridUs;
    const lo = (m - this.h) * g;
    const hi = m * g;
    if (lo < parts.range.start || hi >= parts.range.end) return undefined;
    if (parts.keyOf(lo) !== parts.keyOf(hi)) return undefined;
    return parts.at(hi);
  }

  pushZeros(count: number): void {
    let k = 0;
    for (; k < count && this.quiet <= this.h; k++) this.push(0, 0);
    this.m += count - k;
  }

  /**
   * Adds every lag's pair count to each cell from n0 + 1 to n1 (creating cells that saw only
   * zeros): pairs exist for n with n and n + τ both in [n0 + 1, n1]. Call once, after the aligner
   * has finished; n1 is its last grid point. Nothing happens when no return arrived.
   */
  seal(n1: number): void {
    if (Number.isNaN(this.first) || n1 < this.first) return;
    const g = this.gridUs;
    const { parts } = this;
    const lo = Math.max(this.first * g, parts.range.start);
    const hi = Math.min(n1 * g + 1, parts.range.end);
    if (!(lo < hi)) return;
    for (let key = parts.keyOf(lo); key <= parts.keyOf(hi - 1); key++) {
      const edge = parts.edges(key);
      const cellStart = Math.max(edge.start, lo);
      const part = parts.at(cellStart)!;
      // Grid indices n with n·G in [cellStart, cellEnd).
      const nLo = Math.ceil(cellStart / g);
      const nHi = Math.ceil(Math.min(edge.end, hi) / g) - 1;
      this.lags.forEach((tau, l) => {
        const from = Math.max(nLo, this.first, this.first - tau);
        const to = Math.min(nHi, n1, n1 - tau);
        part[l * SLOTS + N]! += Math.max(0, to - from + 1);
      });
    }
  }
}

/**
 * Table 2 rows of one part (a cell or a merge of cells), by the formulas of the whole span
 * (xcorr.ts): Pearson r, β = cov / var(x), R² = r², n_effective, top_step_share and the 95 %
 * Fisher interval. r, β, R² are null when N < 2 or a side has no variance (all its returns 0).
 */
export function lagResultsOf(part: LagSums, lags: readonly number[]): LagResult[] {
  return lags.map((lag, l) => {
    const o = l * SLOTS;
    const n = part[o + N]!;
    const v = (k: number) => part[o + k]! + part[o + k + 1]!;
    const sx = v(SX);
    const sy = v(SY);
    const vx = v(SXX) - (sx * sx) / n;
    const vy = v(SYY) - (sy * sy) / n;
    const cxy = v(SXY) - (sx * sy) / n;
    const nEffective = part[o + NEFF]!;
    const topStepShare = part[o + ABS]! > 0 ? part[o + MAX]! / part[o + ABS]! : null;
    if (!(n >= 2 && vx > 0 && vy > 0)) return { lag, r: null, n, ciLow: null, ciHigh: null, nEffective, topStepShare, beta: null, r2: null };
    const r = Math.max(-1, Math.min(1, cxy / (Math.sqrt(vx) * Math.sqrt(vy))));
    const ci = fisherInterval(r, n);
    return { lag, r, n, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, nEffective, topStepShare, beta: cxy / vx, r2: r * r };
  });
}

/**
 * The block bootstrap over time (docs/definitions.md §9): the one resampling method behind every
 * interval that is not a plain count.
 *
 * The span is cut into blocks of length L on the absolute clock (block b holds [b·L, (b+1)·L)).
 * An analysis records each statistic's additive parts per block; a replicate draws as many
 * blocks as the span has, with replacement, and recomputes the statistic from the sums of the
 * drawn blocks' parts exactly as the statistic itself is computed from all blocks. Drawing is
 * done once per run ({@link drawBlockCounts}) so that every statistic of one run uses the same
 * replicates (their intervals are then jointly consistent) and the result depends only on the seed.
 */
import type { Random } from './random.js';
import { quantileSorted } from './quantile.js';

/** Index of the block holding time t (µs): ⌊t / L⌋ on the absolute clock. */
export function blockOf(tUs: number, blockUs: number): number {
  return Math.floor(tUs / blockUs);
}

/** The blocks a span [startUs, endUs] touches: first index and count (≥ 1). */
export function blockRange(startUs: number, endUs: number, blockUs: number): { readonly first: number; readonly count: number } {
  const first = blockOf(startUs, blockUs);
  return { first, count: blockOf(endUs, blockUs) - first + 1 };
}

/**
 * R replicates of `nBlocks` block draws with replacement, as counts: row r (a subarray of
 * length nBlocks starting at r·nBlocks) says how often each block was drawn in replicate r;
 * every row sums to nBlocks. Counts rather than index lists, so that a replicate's sums are
 * Σ_b count[b]·part[b]. Memory R·nBlocks·4 bytes (a day of 10 s blocks, R = 1000: 35 MB).
 *
 * @throws RangeError unless nBlocks ≥ 1 and replicates ≥ 0 are integers.
 */
export function drawBlockCounts(nBlocks: number, replicates: number, rng: Random): Uint32Array {
  if (!Number.isInteger(nBlocks) || nBlocks < 1) throw new RangeError(`drawBlockCounts: nBlocks must be an integer ≥ 1, got ${nBlocks}`);
  if (!Number.isInteger(replicates) || replicates < 0) throw new RangeError(`drawBlockCounts: replicates must be an integer ≥ 0, got ${replicates}`);
  const counts = new Uint32Array(replicates * nBlocks);
  for (let r = 0; r < replicates; r++) {
    const row = r * nBlocks;
    for (let k = 0; k < nBlocks; k++) counts[row + rng.int(nBlocks)]!++;
  }
  return counts;
}

/**
 * Replicate sums of per-block parts. `parts` holds nBlocks rows of `width` numbers (row b at
 * b·width); the result holds R rows of `width` numbers, row r = Σ_b counts[r][b]·parts[b], the
 * blocks added in order. Four replicates share each pass over a block's row (one load of a part
 * for four sums); a block drawn 0 times adds exact zeros (parts are finite), so the sums are those of adding only
 * the drawn blocks. Cost O(R·nBlocks·width).
 */
export function replicateSums(parts: Float64Array, width: number, counts: Uint32Array, nBlocks: number): Float64Array {
  if (parts.length !== nBlocks * width) throw new RangeError(`replicateSums: parts has ${parts.length} numbers, expected ${nBlocks}·${width}`);
  const replicates = counts.length / nBlocks;
  const out = new Float64Array(replicates * width);
  let r = 0;
  for (; r + 4 <= replicates; r += 4) {
    const d0 = r * width;
    const [d1, d2, d3] = [d0 + width, d0 + 2 * width, d0 + 3 * width];
    for (let b = 0; b < nBlocks; b++) {
      const c0 = counts[r * nBlocks + b]!;
      const c1 = counts[(r + 1) * nBlocks + b]!;
      const c2 = counts[(r + 2) * nBlocks + b]!;
      const c3 = counts[(r + 3) * nBlocks + b]!;
      if ((c0 | c1 | c2 | c3) === 0) continue;
      const src = b * width;
      for (let k = 0; k < width; k++) {
        const v = parts[src + k]!;
        out[d0 + k]! += c0 * v;
        out[d1 + k]! += c1 * v;
        out[d2 + k]! += c2 * v;
        out[d3 + k]! += c3 * v;
      }
    }
  }
  for (; r < replicates; r++) {
    const row = r * nBlocks;
    const dst = r * width;
    for (let b = 0; b < nBlocks; b++) {
      const c = counts[row + b]!;
      if (c === 0) continue;
      const src = b * width;
      for (let k = 0; k < width; k++) out[dst + k]! += c * parts[src + k]!;
    }
  }
  return out;
}

/** A two-sided 95 % percentile interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * 2.5 % and 97.5 % points (type 7, interpolated) of the finite replicate values; null when
 * fewer than two replicates are finite (a statistic undefined in most resamples has no interval).
 */
export function percentileInterval(values: Float64Array): Interval | null {
  const sorted = finiteSorted(values);
  if (sorted.length < 2) return null;
  return { low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
}

/**
 * 2.5 % and 97.5 % points by Hyndman & Fan type 1 (the inverse of the empirical distribution,
 * no interpolation), so the ends are values that occurred — for a lag, lattice lags. Null as
 * {@link percentileInterval}.
 */
export function percentileIntervalType1(values: Float64Array): Interval | null {
  const sorted = finiteSorted(values);
  if (sorted.length < 2) return null;
  return { low: quantileType1Sorted(sorted, 0.025), high: quantileType1Sorted(sorted, 0.975) };
}

/** Type 1 quantile of sorted values: x[⌈n·q⌉ − 1] (x[0] at q = 0). NaN when empty. O(1). */
export function quantileType1Sorted(sorted: Float64Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  return sorted[Math.max(0, Math.ceil(n * q) - 1)]!;
}

function finiteSorted(values: Float64Array): Float64Array {
  let n = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out[n++] = values[i]!;
  return out.subarray(0, n).sort();
}

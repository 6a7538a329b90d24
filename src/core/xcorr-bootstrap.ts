/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { percentileInterval, replicateSums, type Interval } from './bootstrap.js';
import { lagStats, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';

/** The additive fields a replicate needs per lag: N, Σx, Σx², Σy, Σy², Σxy (offsets in a part row). */
const NEEDED = [0, 2, 3, 4, 5, 6] as const;

export interface XcorrBootstrap {
  /** R, the number of replicates. */
  readonly replicates: number;
  /** r of lag k in replicate i at k·R + i; NaN where r is undefined in that replicate. */
  readonly r: Float64Array;
  /** Per lag (in the parts' order), the 95 % percentile interval of r; null when fewer than two replicates define r. */
  readonly intervals: readonly (Interval | null)[];
}

/**
 * Replicates of every lag's r from block draws `counts` (drawBlockCounts(parts.cells, R, rng):
 * one row of parts.cells counts per replicate), the cells of `parts` being the blocks.
 * Cost O(R · blocks · lags) time, O(blocks · lags + R · lags) memory.
 */
export function bootstrapXcorr(parts: XcorrParts, counts: Uint32Array): XcorrBootstrap {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = blocks === 0 ? 0 : counts.length / blocks;
  const width = lags * NEEDED.length;
  const compact = new Float64Array(blocks * width);
  for (let c = 0; c < blocks; c++) {
    for (let k = 0; k < lags; k++) {
      const src = (c * lags + k) * PART_WIDTH;
      const dst = c * width + k * NEEDED.length;
      for (let f = 0; f < NEEDED.length; f++) compact[dst + f] = parts.sums[src + NEEDED[f]!]!;
    }
  }
  const sums = blocks === 0 ? new Float64Array(0) : replicateSums(compact, width, counts, blocks);
  const r = new Float64Array(lags * replicates);
  for (let i = 0; i < replicates; i++) {
    for (let k = 0; k < lags; k++) {
      const o = i * width + k * NEEDED.length;
      const stats = lagStats({ n: sums[o]!, sx: sums[o + 1]!, sxx: sums[o + 2]!, sy: sums[o + 3]!, syy: sums[o + 4]!, sxy: sums[o + 5]!, nEffective: 0, absSum: 0, absMax: 0 });
      r[k * replicates + i] = stats.r ?? NaN;
    }
  }
  const intervals = parts.lags.map((_, k) => percentileInterval(r.subarray(k * replicates, (k + 1) * replicates)));
  return { replicates, r, intervals };
}

/**
 * Replicates of Σ_{k ∈ lagIndices} r_k (NaN in a replicate where any of those r is undefined),
 * for the interval of a summed correlation.
 */
export function summedReplicates(boot: XcorrBootstrap, lagIndices: readonly number[], sign: readonly number[] = lagIndices.map(() => 1)): Float64Array {
  const { replicates: n, r } = boot;
  const out = new Float64Array(n);
  lagIndices.forEach((k, i) => {
    for (let j = 0; j < n; j++) out[j]! += sign[i]! * r[k * n + j]!;
  });
  return out;
}

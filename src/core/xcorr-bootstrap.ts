/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { percentileInterval, replicateSums, type Interval } from './bootstrap.js';
import { lagStats, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';

/** Fields of a part row a replicate needs: N, Σx, Σx² (nearly the same for every lag) and Σy, Σy², Σxy. */
const N = 0;
const SX = 2;
const SXX = 3;
const PER_LAG = [4, 5, 6] as const;
/** Lags per pass over the blocks: bounds the replicate sums held at once to R × 3 × LAG_CHUNK numbers. */
const LAG_CHUNK = 64;

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
 *
 * A replicate's sums are Σ_b count_b · part_b. N, Σx and Σx² of a block are one number for every
 * lag except in the blocks at the span's ends (the sides of the pairs are x = r_A[n] itself, the
 * lag only trims the ends, xcorr-sides.ts), so they are summed once over the blocks where all
 * lags agree and then, per lag, over the others; Σy, Σy², Σxy per lag, LAG_CHUNK lags at a time.
 * The order of the additions is fixed by the blocks, so the same blocks give the same bits.
 * Cost O(R · blocks · (3·lags + 3)) time, O(blocks · lags + R · lags) memory.
 */
export function bootstrapXcorr(parts: XcorrParts, counts: Uint32Array): XcorrBootstrap {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = blocks === 0 ? 0 : counts.length / blocks;
  const r = new Float64Array(lags * replicates);
  if (replicates > 0 && lags > 0) {
    const xSide = [N, SX, SXX].map((f) => new SharedField(parts, f, counts, replicates));
    for (let k0 = 0; k0 < lags; k0 += LAG_CHUNK) {
      const k1 = Math.min(lags, k0 + LAG_CHUNK);
      const width = (k1 - k0) * PER_LAG.length;
      const compact = new Float64Array(blocks * width);
      for (let c = 0; c < blocks; c++) {
        for (let k = k0; k < k1; k++) {
          const src = (c * lags + k) * PART_WIDTH;
          const dst = c * width + (k - k0) * PER_LAG.length;
          for (let f = 0; f < PER_LAG.length; f++) compact[dst + f] = parts.sums[src + PER_LAG[f]!]!;
        }
      }
      const sums = replicateSums(compact, width, counts, blocks);
      for (let i = 0; i < replicates; i++) {
        for (let k = k0; k < k1; k++) {
          const o = i * width + (k - k0) * PER_LAG.length;
          const [n, sx, sxx] = [xSide[0]!.at(i, k), xSide[1]!.at(i, k), xSide[2]!.at(i, k)];
          const stats = lagStats({ n, sx, sxx, sy: sums[o]!, syy: sums[o + 1]!, sxy: sums[o + 2]!, nEffective: 0, absSum: 0, absMax: 0 });
          r[k * replicates + i] = stats.r ?? NaN;
        }
      }
    }
  }
  const intervals = parts.lags.map((_, k) => percentileInterval(r.subarray(k * replicates, (k + 1) * replicates)));
  return { replicates, r, intervals };
}

/**
 * One field of every lag's replicate sums where the blocks mostly hold one value for all lags:
 * the sum over those blocks once per replicate, then per lag the blocks where the lags differ.
 */
class SharedField {
  /** Per replicate: Σ count_b · value_b over the blocks where every lag holds the same value. */
  private readonly common: Float64Array;
  /** The blocks where the lags differ, in order. */
  private readonly odd: number[] = [];
  private readonly blocks: number;

  constructor(
    private readonly parts: XcorrParts,
    private readonly field: number,
    private readonly counts: Uint32Array,
    replicates: number,
  ) {
    const lags = parts.lags.length;
    const blocks = (this.blocks = parts.cells);
    const same = new Uint8Array(blocks);
    for (let b = 0; b < blocks; b++) {
      const first = parts.sums[b * lags * PART_WIDTH + field]!;
      let k = 1;
      while (k < lags && parts.sums[(b * lags + k) * PART_WIDTH + field] === first) k++;
      same[b] = k === lags ? 1 : 0;
      if (k < lags) this.odd.push(b);
    }
    this.common = new Float64Array(replicates);
    for (let i = 0; i < replicates; i++) {
      let acc = 0;
      for (let b = 0; b < blocks; b++) {
        const c = counts[i * blocks + b]!;
        if (c !== 0 && same[b] === 1) acc += c * parts.sums[b * lags * PART_WIDTH + field]!;
      }
      this.common[i] = acc;
    }
  }

  /** Replicate i's sum of the field for lag k. */
  at(i: number, k: number): number {
    let acc = this.common[i]!;
    const { parts, field, counts, blocks } = this;
    const lags = parts.lags.length;
    for (const b of this.odd) {
      const c = counts[i * blocks + b]!;
      if (c !== 0) acc += c * parts.sums[(b * lags + k) * PART_WIDTH + field]!;
    }
    return acc;
  }
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

/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { percentileInterval, replicateSums, type Interval } from './bootstrap.js';
import { correlationOfSums, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';

/** Fields of a part row a replicate needs: N, Σx, Σx² (nearly the same for every lag) and Σy, Σy², Σxy. */
const X_SIDE = [0, 2, 3] as const;
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
  const x = xSideOf(parts, counts);
  const R = x.replicates;
  const r = new Float64Array(lags * R);
  // One LAG_CHUNK of lags at a time: only that chunk's y side is copied out of the parts.
  for (let k0 = 0; k0 < lags; k0 += LAG_CHUNK) {
    const k1 = Math.min(lags, k0 + LAG_CHUNK);
    replicateSlice(bootSlice(parts, counts, k0, k1, x), counts, r.subarray(k0 * R, k1 * R));
  }
  return { replicates: R, r, intervals: intervalsOf(r, R) };
}

/**
 * The x side of a bootstrap, the same for every lag but in the blocks at the span's ends: per
 * field N, Σx, Σx², its sum over the blocks where every lag holds one value (once per
 * replicate) and the list of the other ("odd") blocks. Computed once and shared by the slices.
 */
export interface XSide {
  readonly replicates: number;
  /** Field f of replicate i at f·R + i. */
  readonly common: Float64Array;
  /** Per field: the odd blocks, in order. */
  readonly odd: readonly Int32Array[];
}

/** The x side of a bootstrap over `parts` with block draws `counts`. O(blocks · lags + R · blocks). */
export function xSideOf(parts: XcorrParts, counts: Uint32Array): XSide {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const replicates = blocks === 0 ? 0 : counts.length / blocks;
  const common = new Float64Array(X_SIDE.length * replicates);
  const odd = X_SIDE.map((f, fi) => {
    const same = new Uint8Array(blocks);
    const oddBlocks: number[] = [];
    for (let b = 0; b < blocks; b++) {
      const first = parts.sums[b * lags * PART_WIDTH + f]!;
      let k = 1;
      while (k < lags && parts.sums[(b * lags + k) * PART_WIDTH + f] === first) k++;
      same[b] = k === lags ? 1 : 0;
      if (k < lags) oddBlocks.push(b);
    }
    for (let i = 0; i < replicates; i++) {
      let acc = 0;
      for (let b = 0; b < blocks; b++) {
        const c = counts[i * blocks + b]!;
        if (c !== 0 && same[b] === 1) acc += c * parts.sums[b * lags * PART_WIDTH + f]!;
      }
      common[fi * replicates + i] = acc;
    }
    return Int32Array.from(oddBlocks);
  });
  return { replicates, common, odd };
}

/**
 * What the replicates of lags k0 … k1 − 1 need, copied out of the parts so that the slice can be
 * computed on another thread (the parts of a long lag range are the run's largest array):
 * per chunk of LAG_CHUNK lags, each block's Σy, Σy², Σxy of those lags; the x side (xSideOf);
 * and the x values of the slice's lags in the odd blocks.
 */
export interface BootSlice {
  readonly k0: number;
  readonly k1: number;
  readonly blocks: number;
  readonly replicates: number;
  /** Chunk c (lags k0 + c·LAG_CHUNK …): blocks rows of (its lags × 3) numbers, chunk after chunk. */
  readonly y: Float64Array;
  /** N, Σx, Σx² summed over the blocks where every lag agrees: field f of replicate i at f·R + i. */
  readonly xCommon: Float64Array;
  /** Per x field (N, Σx, Σx²): the blocks where the lags' values differ, in order. */
  readonly odd: readonly Int32Array[];
  /** Per x field: its value in odd block o for lag k0 + k at o·(k1 − k0) + k. */
  readonly xOdd: readonly Float64Array[];
}

/** The slice of lags [k0, k1) of a bootstrap over `parts` with block draws `counts` and its x side. O(blocks · (k1 − k0)). */
export function bootSlice(parts: XcorrParts, counts: Uint32Array, k0: number, k1: number, x: XSide = xSideOf(parts, counts)): BootSlice {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const n = k1 - k0;
  const y = new Float64Array(blocks * n * PER_LAG.length);
  let o = 0;
  for (let c0 = k0; c0 < k1; c0 += LAG_CHUNK) {
    const c1 = Math.min(k1, c0 + LAG_CHUNK);
    for (let b = 0; b < blocks; b++) {
      for (let k = c0; k < c1; k++) {
        const src = (b * lags + k) * PART_WIDTH;
        for (let f = 0; f < PER_LAG.length; f++) y[o++] = parts.sums[src + PER_LAG[f]!]!;
      }
    }
  }
  const xOdd = X_SIDE.map((f, fi) => {
    const oddBlocks = x.odd[fi]!;
    const values = new Float64Array(oddBlocks.length * n);
    oddBlocks.forEach((b, oi) => {
      for (let k = k0; k < k1; k++) values[oi * n + (k - k0)] = parts.sums[(b * lags + k) * PART_WIDTH + f]!;
    });
    return values;
  });
  return { k0, k1, blocks, replicates: x.replicates, y, xCommon: x.common, odd: x.odd, xOdd };
}

/**
 * Every replicate's r for the slice's lags: lag k0 + k of replicate i at k·R + i (NaN where r is
 * undefined), in `out` when given (the slice's part of the whole bootstrap's array). The sums
 * are Σ_b count_b · part_b in block order (replicateSums), the x side the common sum plus the
 * odd blocks in order: the same additions whichever thread runs the slice and however the lags
 * are sliced. Cost O(R · blocks · 3 · (k1 − k0)).
 */
export function replicateSlice(slice: BootSlice, counts: Uint32Array, out?: Float64Array): Float64Array {
  const { k0, k1, blocks, replicates, y } = slice;
  const n = k1 - k0;
  if (out !== undefined && out.length !== n * replicates) throw new RangeError(`replicateSlice: out holds ${out.length} numbers, expected ${n}·${replicates}`);
  const r = out ?? new Float64Array(n * replicates);
  if (replicates === 0 || n === 0) return r;
  let o = 0;
  // One array for every chunk's sums: each chunk overwrites what it reads.
  const scratch = new Float64Array(replicates * Math.min(n, LAG_CHUNK) * PER_LAG.length);
  for (let c0 = 0; c0 < n; c0 += LAG_CHUNK) {
    const c1 = Math.min(n, c0 + LAG_CHUNK);
    const width = (c1 - c0) * PER_LAG.length;
    const sums = replicateSums(y.subarray(o, o + blocks * width), width, counts, blocks, scratch);
    o += blocks * width;
    for (let k = c0; k < c1; k++) {
      const at = (k - c0) * PER_LAG.length;
      for (let i = 0; i < replicates; i++) {
        const y0 = i * width + at;
        const n = xSum(slice, counts, 0, i, k);
        const sx = xSum(slice, counts, 1, i, k);
        const sxx = xSum(slice, counts, 2, i, k);
        r[k * replicates + i] = correlationOfSums(n, sx, sxx, sums[y0]!, sums[y0 + 1]!, sums[y0 + 2]!);
      }
    }
  }
  return r;
}

/**
 * x field fi (N, Σx, Σx²) of replicate i for lag k0 + k of a slice: the common sum, then the
 * odd blocks in order.
 */
function xSum(slice: BootSlice, counts: Uint32Array, fi: number, i: number, k: number): number {
  const { replicates, blocks } = slice;
  let acc = slice.xCommon[fi * replicates + i]!;
  const oddBlocks = slice.odd[fi]!;
  const values = slice.xOdd[fi]!;
  const n = slice.k1 - slice.k0;
  for (let oi = 0; oi < oddBlocks.length; oi++) {
    const c = counts[i * blocks + oddBlocks[oi]!]!;
    if (c !== 0) acc += c * values[oi * n + k]!;
  }
  return acc;
}

/** Per lag of `r` (lag k's R replicates at k·R), the 95 % percentile interval of its replicates. */
export function intervalsOf(r: Float64Array, replicates: number): (Interval | null)[] {
  const lags = replicates === 0 ? 0 : r.length / replicates;
  return Array.from({ length: lags }, (_, k) => percentileInterval(r.subarray(k * replicates, (k + 1) * replicates)));
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

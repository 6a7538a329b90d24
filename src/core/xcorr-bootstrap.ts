/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { countChunks, percentileInterval, replicateSums, type BlockDrawPlan, type Interval } from './bootstrap.js';
import { correlationOfSums, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';

/** Fields of a part row a replicate needs: N, Σx, Σx² (nearly the same for every lag) and Σy, Σy², Σxy. */
const X_SIDE = [0, 2, 3] as const;
const PER_LAG = [4, 5, 6] as const;
/** Lags per pass over the blocks: bounds the replicate sums held at once to R × 3 × LAG_CHUNK numbers. */
const LAG_CHUNK = 64;
/**
 * The most numbers of y side one slice of bootstrapXcorr copies out of the parts (32 MiB): few
 * slices, since each slice draws the replicates again.
 */
const SLICE_DOUBLES = 1 << 22;

export interface XcorrBootstrap {
  /** R, the number of replicates. */
  readonly replicates: number;
  /** r of lag k in replicate i at k·R + i; NaN where r is undefined in that replicate. */
  readonly r: Float64Array;
  /** Per lag (in the parts' order), the 95 % percentile interval of r; null when fewer than two replicates define r. */
  readonly intervals: readonly (Interval | null)[];
}

/** R of a bootstrap with these draws: none without blocks. */
export function replicatesOf(plan: BlockDrawPlan): number {
  return plan.blocks === 0 ? 0 : plan.replicates;
}

/**
 * Replicates of every lag's r from the block draws of `plan` (its blocks are the cells of
 * `parts`; drawBlockCounts(parts.cells, R, new Random(seed)), taken a chunk of replicates at a
 * time, so memory does not grow with R · blocks).
 *
 * A replicate's sums are Σ_b count_b · part_b. N, Σx and Σx² of a block are one number for every
 * lag except in the blocks at the span's ends (the sides of the pairs are x = r_A[n] itself, the
 * lag only trims the ends, xcorr-sides.ts), so they are summed once over the blocks where all
 * lags agree and then, per lag, over the others; Σy, Σy², Σxy per lag, LAG_CHUNK lags at a time.
 * The order of the additions is fixed by the blocks, so the same blocks give the same bits.
 * Cost O(R · blocks · (3·lags + 3)) time, O(blocks · lags + R · lags) memory, plus one chunk of
 * draws (at most CHUNK_COUNTS counts) and the blocks' x side (blocks × 3).
 */
export function bootstrapXcorr(parts: XcorrParts, plan: BlockDrawPlan): XcorrBootstrap {
  const lags = parts.lags.length;
  const x = xSideOf(parts);
  const R = replicatesOf(plan);
  const r = new Float64Array(lags * R);
  // Slices of lags whose y side fits in SLICE_DOUBLES (an hour of 10 s blocks: every lag at once).
  const perSlice = Math.max(LAG_CHUNK, Math.floor(SLICE_DOUBLES / (Math.max(1, parts.cells) * PER_LAG.length)));
  for (let k0 = 0; k0 < lags; k0 += perSlice) {
    const k1 = Math.min(lags, k0 + perSlice);
    replicateSlice(bootSlice(parts, k0, k1, x), plan, r.subarray(k0 * R, k1 * R));
  }
  return { replicates: R, r, intervals: intervalsOf(r, R) };
}

/**
 * The x side of a bootstrap, the same for every lag but in the blocks at the span's ends: per
 * block, N, Σx, Σx² where every lag holds one value (0 in the other, "odd", blocks), and per
 * field the list of the odd blocks. Computed once and shared by the slices.
 */
export interface XSide {
  /** Block b's field f at b·3 + f; 0 where the block is odd for that field. */
  readonly common: Float64Array;
  /** Per field: the odd blocks, in order. */
  readonly odd: readonly Int32Array[];
}

/** The x side of a bootstrap over `parts`. O(blocks · lags). */
export function xSideOf(parts: XcorrParts): XSide {
  const lags = parts.lags.length;
  const blocks = parts.cells;
  const common = new Float64Array(blocks * X_SIDE.length);
  const odd = X_SIDE.map((f, fi) => {
    const oddBlocks: number[] = [];
    for (let b = 0; b < blocks; b++) {
      const first = parts.sums[b * lags * PART_WIDTH + f]!;
      let k = 1;
      while (k < lags && parts.sums[(b * lags + k) * PART_WIDTH + f] === first) k++;
      if (k < lags) oddBlocks.push(b);
      else common[b * X_SIDE.length + fi] = first;
    }
    return Int32Array.from(oddBlocks);
  });
  return { common, odd };
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
  /** Chunk c (lags k0 + c·LAG_CHUNK …): blocks rows of (its lags × 3) numbers, chunk after chunk. */
  readonly y: Float64Array;
  /** N, Σx, Σx² of each block where every lag agrees (XSide.common). */
  readonly xCommon: Float64Array;
  /** Per x field (N, Σx, Σx²): the blocks where the lags' values differ, in order. */
  readonly odd: readonly Int32Array[];
  /** Per x field: its value in odd block o for lag k0 + k at o·(k1 − k0) + k. */
  readonly xOdd: readonly Float64Array[];
}

/** The slice of lags [k0, k1) of a bootstrap over `parts`, with its x side. O(blocks · (k1 − k0)). */
export function bootSlice(parts: XcorrParts, k0: number, k1: number, x: XSide = xSideOf(parts)): BootSlice {
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
  return { k0, k1, blocks, y, xCommon: x.common, odd: x.odd, xOdd };
}

/**
 * Every replicate's r for the slice's lags: lag k0 + k of replicate i at k·R + i (NaN where r is
 * undefined), in `out` when given (the slice's part of the whole bootstrap's array). The draws
 * come a chunk of replicates at a time (countChunks). The sums are Σ_b count_b · part_b in block
 * order (replicateSums); the x side is the sum over the blocks where every lag agrees (the odd
 * ones adding an exact 0) plus the odd blocks in order, the same value as adding only the
 * agreeing blocks: the same additions whichever thread runs the slice, however the lags are
 * sliced and the replicates chunked. Cost O(R · blocks · 3 · (k1 − k0 + 1)).
 */
export function replicateSlice(slice: BootSlice, plan: BlockDrawPlan, out?: Float64Array): Float64Array {
  const { k0, k1, blocks, y } = slice;
  const replicates = replicatesOf(plan);
  const n = k1 - k0;
  if (plan.blocks !== blocks) throw new RangeError(`replicateSlice: draws of ${plan.blocks} blocks for a slice of ${blocks}`);
  if (out !== undefined && out.length !== n * replicates) throw new RangeError(`replicateSlice: out holds ${out.length} numbers, expected ${n}·${replicates}`);
  const r = out ?? new Float64Array(n * replicates);
  if (replicates === 0 || n === 0) return r;
  // One array each for every chunk's sums: each chunk overwrites what it reads.
  let scratch: Float64Array | undefined;
  let xScratch: Float64Array | undefined;
  for (const { first, rows, counts } of countChunks(plan)) {
    scratch ??= new Float64Array(rows * Math.min(n, LAG_CHUNK) * PER_LAG.length);
    xScratch ??= new Float64Array(rows * X_SIDE.length);
    const xSums = replicateSums(slice.xCommon, X_SIDE.length, counts, blocks, xScratch);
    let o = 0;
    for (let c0 = 0; c0 < n; c0 += LAG_CHUNK) {
      const c1 = Math.min(n, c0 + LAG_CHUNK);
      const width = (c1 - c0) * PER_LAG.length;
      const sums = replicateSums(y.subarray(o, o + blocks * width), width, counts, blocks, scratch);
      o += blocks * width;
      for (let k = c0; k < c1; k++) {
        const at = (k - c0) * PER_LAG.length;
        for (let i = 0; i < rows; i++) {
          const y0 = i * width + at;
          const sn = xSum(slice, counts, xSums, 0, i, k);
          const sx = xSum(slice, counts, xSums, 1, i, k);
          const sxx = xSum(slice, counts, xSums, 2, i, k);
          r[k * replicates + first + i] = correlationOfSums(sn, sx, sxx, sums[y0]!, sums[y0 + 1]!, sums[y0 + 2]!);
        }
      }
    }
  }
  return r;
}

/**
 * x field fi (N, Σx, Σx²) of row i of a chunk for lag k0 + k of a slice: the agreeing blocks'
 * sum, then the odd blocks in order.
 */
function xSum(slice: BootSlice, counts: Uint32Array, xSums: Float64Array, fi: number, i: number, k: number): number {
  const { blocks } = slice;
  let acc = xSums[i * X_SIDE.length + fi]!;
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

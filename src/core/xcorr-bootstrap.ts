/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { countChunks, holdCounts, percentileInterval, replicateSums, type BlockDrawPlan, type Interval } from './bootstrap.js';
import { correlationOfSums, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';
import { quantileSorted } from './quantile.js';

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

/** R of a bootstrap with these draws: none without blocks. */
export function replicatesOf(plan: BlockDrawPlan): number {
  return plan.blocks === 0 ? 0 : plan.replicates;
}

/**
 * Replicates of every lag's r from the block draws of `plan` (its blocks are the cells of
 * `parts`; drawBlockCounts(parts.cells, R, new Random(seed)), taken a chunk of replicates at a
 * time, so memory does not grow with R · blocks), in `out` when given (lags × R numbers, each
 * overwritten: a caller bootstrapping many parts in turn reuses one array).
 *
 * A replicate's sums are Σ_b count_b · part_b. N, Σx and Σx² of a block are one number for every
 * lag except in the blocks at the span's ends (the sides of the pairs are x = r_A[n] itself, the
 * lag only trims the ends, xcorr-sides.ts), so they are summed once over the blocks where all
 * lags agree and then, per lag, over the others; Σy, Σy², Σxy per lag, LAG_CHUNK lags at a time.
 * The order of the additions is fixed by the blocks, so the same blocks give the same bits.
 * Cost O(R · blocks · (3·lags + 3)) time; memory R · lags numbers for the replicates, plus one
 * chunk of draws (at most CHUNK_COUNTS counts, held again in the kernel's memory: holdCounts),
 * one chunk of lags' y side (blocks × 3·LAG_CHUNK), the blocks' x side (blocks × 3) and its
 * values in the odd blocks (3 × odd blocks × lags).
 */
export function bootstrapXcorr(parts: XcorrParts, plan: BlockDrawPlan, out?: Float64Array): XcorrBootstrap {
  const lags = parts.lags.length;
  const R = replicatesOf(plan);
  const r = replicateParts(parts, 0, lags, plan, out ?? new Float64Array(lags * R));
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
      const row = b * lags * PART_WIDTH + f;
      if (sameForEveryLag(parts.sums, row, lags)) common[b * X_SIDE.length + fi] = parts.sums[row]!;
      else oddBlocks.push(b);
    }
    return Int32Array.from(oddBlocks);
  });
  return { common, odd };
}

/**
 * Whether the field at `at` holds one value in all `lags` rows from there (PART_WIDTH apart). A
 * function of its own, called per block, so that it is optimised: xSideOf runs once, and its
 * loop over blocks × lags ran unoptimised (40 ms for 451 lags over the bench hour).
 */
function sameForEveryLag(sums: Float64Array, at: number, lags: number): boolean {
  const first = sums[at]!;
  for (let k = 1, o = at + PART_WIDTH; k < lags; k++, o += PART_WIDTH) if (sums[o] !== first) return false;
  return true;
}

/**
 * What the replicates of lags k0 … k1 − 1 need besides the blocks' y side: the x side (xSideOf)
 * and the x values of the slice's lags in the odd blocks.
 */
export interface SliceX {
  readonly k0: number;
  readonly k1: number;
  readonly blocks: number;
  /** N, Σx, Σx² of each block where every lag agrees (XSide.common). */
  readonly xCommon: Float64Array;
  /** Per x field (N, Σx, Σx²): the blocks where the lags' values differ, in order. */
  readonly odd: readonly Int32Array[];
  /** Per x field: its value in odd block o for lag k0 + k at o·(k1 − k0) + k. */
  readonly xOdd: readonly Float64Array[];
}

/**
 * A slice of lags copied out of the parts so that it can be computed on another thread (the
 * parts of a long lag range are the run's largest array): its x side and, per chunk of
 * LAG_CHUNK lags, each block's Σy, Σy², Σxy of those lags.
 */
export interface BootSlice extends SliceX {
  /** Chunk c (lags k0 + c·LAG_CHUNK …): blocks rows of (its lags × 3) numbers, chunk after chunk. */
  readonly y: Float64Array;
}

/** The x side of lags [k0, k1) of a bootstrap over `parts`. O(odd blocks · (k1 − k0)). */
export function sliceX(parts: XcorrParts, k0: number, k1: number, x: XSide = xSideOf(parts)): SliceX {
  const lags = parts.lags.length;
  const n = k1 - k0;
  const xOdd = X_SIDE.map((f, fi) => {
    const oddBlocks = x.odd[fi]!;
    const values = new Float64Array(oddBlocks.length * n);
    oddBlocks.forEach((b, oi) => {
      for (let k = k0; k < k1; k++) values[oi * n + (k - k0)] = parts.sums[(b * lags + k) * PART_WIDTH + f]!;
    });
    return values;
  });
  return { k0, k1, blocks: parts.cells, xCommon: x.common, odd: x.odd, xOdd };
}

/** The slice of lags [k0, k1) of a bootstrap over `parts`, its y side copied. O(blocks · (k1 − k0)). */
export function bootSlice(parts: XcorrParts, k0: number, k1: number, x: XSide = xSideOf(parts)): BootSlice {
  const y = new Float64Array(parts.cells * (k1 - k0) * PER_LAG.length);
  let o = 0;
  for (let c0 = k0; c0 < k1; c0 += LAG_CHUNK) {
    const c1 = Math.min(k1, c0 + LAG_CHUNK);
    o += gatherY(parts, c0, c1, y.subarray(o)).length;
  }
  return { ...sliceX(parts, k0, k1, x), y };
}

/**
 * Each block's Σy, Σy², Σxy of lags [c0, c1) of the parts (blocks rows of (c1 − c0)·3 numbers)
 * into the start of `into`; returns that part of it.
 */
function gatherY(parts: XcorrParts, c0: number, c1: number, into: Float64Array): Float64Array {
  const lags = parts.lags.length;
  const width = (c1 - c0) * PER_LAG.length;
  for (let b = 0; b < parts.cells; b++) copyYSide(parts.sums, (b * lags + c0) * PART_WIDTH, c1 - c0, into, b * width);
  return into.subarray(0, parts.cells * width);
}

/**
 * Σy, Σy², Σxy of `count` consecutive part rows from offset `src` of `sums` into `y` from `o`.
 * A function of its own: it runs once per process, and a call made per block is optimised
 * after a few blocks, where one loop over the whole slice ran unoptimised.
 */
function copyYSide(sums: Float64Array, src: number, count: number, y: Float64Array, o: number): void {
  for (let k = 0; k < count; k++, src += PART_WIDTH, o += 3) {
    y[o] = sums[src + PER_LAG[0]]!;
    y[o + 1] = sums[src + PER_LAG[1]]!;
    y[o + 2] = sums[src + PER_LAG[2]]!;
  }
}

/**
 * Every replicate's r for the slice's lags: lag k0 + k of replicate i at k·R + i (NaN where r is
 * undefined), in `out` when given (the slice's part of the whole bootstrap's array). See
 * {@link replicateLags}.
 */
export function replicateSlice(slice: BootSlice, plan: BlockDrawPlan, out?: Float64Array): Float64Array {
  const { blocks, y } = slice;
  // The chunks before c0 are whole: LAG_CHUNK lags each.
  return replicateLags(slice, plan, out, (c0, c1) => y.subarray(blocks * c0 * PER_LAG.length, blocks * c1 * PER_LAG.length));
}

/**
 * replicateSlice of lags [k0, k1) straight from the parts: each chunk's y side is gathered into
 * one reused array when it is needed, rather than the whole slice copied first (fresh memory
 * costs more than the copying on a machine where a page costs microseconds).
 */
export function replicateParts(parts: XcorrParts, k0: number, k1: number, plan: BlockDrawPlan, out?: Float64Array, x: XSide = xSideOf(parts)): Float64Array {
  let scratch: Float64Array | undefined;
  return replicateLags(sliceX(parts, k0, k1, x), plan, out, (c0, c1) => {
    scratch ??= new Float64Array(parts.cells * Math.min(k1 - k0, LAG_CHUNK) * PER_LAG.length);
    return gatherY(parts, k0 + c0, k0 + c1, scratch);
  });
}

/**
 * The replicates of a slice whose chunks' y sides come from `yChunk(c0, c1)` (lags k0 + c0 …
 * k0 + c1 − 1, chunk after chunk, each read before the next is asked for). The draws come a
 * chunk of replicates at a time (countChunks), each chunk's counts held for all the lags
 * (holdCounts). The sums are Σ_b count_b · part_b in block order (replicateSums); the x side is
 * the sum over the blocks where every lag agrees (the odd ones adding an exact 0) plus the odd
 * blocks in order, the same value as adding only the agreeing blocks: the same additions
 * whichever thread runs the slice, however the lags are sliced and the replicates chunked.
 * Cost O(R · blocks · 3 · (k1 − k0 + 1)).
 */
function replicateLags(slice: SliceX, plan: BlockDrawPlan, out: Float64Array | undefined, yChunk: (c0: number, c1: number) => Float64Array): Float64Array {
  const { k0, k1, blocks } = slice;
  const replicates = replicatesOf(plan);
  const n = k1 - k0;
  if (plan.blocks !== blocks) throw new RangeError(`replicateSlice: draws of ${plan.blocks} blocks for a slice of ${blocks}`);
  if (out !== undefined && out.length !== n * replicates) throw new RangeError(`replicateSlice: out holds ${out.length} numbers, expected ${n}·${replicates}`);
  const r = out ?? new Float64Array(n * replicates);
  if (replicates === 0 || n === 0) return r;
  // One array each for every chunk's sums: each chunk overwrites what it reads.
  let scratch: Float64Array | undefined;
  let xScratch: Float64Array | undefined;
  let xRows: Float64Array | undefined;
  for (const { first, rows, counts } of countChunks(plan)) {
    scratch ??= new Float64Array(rows * Math.min(n, LAG_CHUNK) * PER_LAG.length);
    xScratch ??= new Float64Array(rows * X_SIDE.length);
    xRows ??= new Float64Array(Math.min(n, LAG_CHUNK) * X_SIDE.length);
    const held = holdCounts(counts, blocks);
    const xSums = replicateSums(slice.xCommon, X_SIDE.length, counts, blocks, xScratch, held);
    for (let c0 = 0; c0 < n; c0 += LAG_CHUNK) {
      const c1 = Math.min(n, c0 + LAG_CHUNK);
      const width = (c1 - c0) * PER_LAG.length;
      const sums = replicateSums(yChunk(c0, c1), width, counts, blocks, scratch, held);
      for (let i = 0; i < rows; i++) {
        xSumsOfRow(slice, counts, xSums, i, c0, c1, xRows);
        correlateRow(xRows, sums, i * width, c1 - c0, r, c0 * replicates + first + i, replicates);
      }
    }
  }
  return r;
}

/**
 * N, Σx, Σx² of row i of a chunk of replicates for lags k0 + c0 … k0 + c1 − 1 of a slice, lag
 * by lag into `into` (three numbers per lag): the agreeing blocks' sum, then the odd blocks in
 * order.
 */
function xSumsOfRow(slice: SliceX, counts: Uint32Array, xSums: Float64Array, i: number, c0: number, c1: number, into: Float64Array): void {
  const { blocks } = slice;
  const n = slice.k1 - slice.k0;
  for (let fi = 0; fi < X_SIDE.length; fi++) {
    const base = xSums[i * X_SIDE.length + fi]!;
    const oddBlocks = slice.odd[fi]!;
    const values = slice.xOdd[fi]!;
    for (let k = c0; k < c1; k++) {
      let acc = base;
      for (let oi = 0; oi < oddBlocks.length; oi++) {
        const c = counts[i * blocks + oddBlocks[oi]!]!;
        if (c !== 0) acc += c * values[oi * n + k]!;
      }
      into[(k - c0) * X_SIDE.length + fi] = acc;
    }
  }
}

/**
 * r of `count` lags of one replicate into r[at], r[at + R], …: the x side from `xRows` (three
 * numbers per lag) and Σy, Σy², Σxy from `sums` at `from` (three per lag).
 */
function correlateRow(xRows: Float64Array, sums: Float64Array, from: number, count: number, r: Float64Array, at: number, replicates: number): void {
  for (let k = 0; k < count; k++, at += replicates) {
    const x = 3 * k;
    const y = from + 3 * k;
    r[at] = correlationOfSums(xRows[x]!, xRows[x + 1]!, xRows[x + 2]!, sums[y]!, sums[y + 1]!, sums[y + 2]!);
  }
}

/** Per lag of `r` (lag k's R replicates at k·R), the 95 % percentile interval of its replicates. */
export function intervalsOf(r: Float64Array, replicates: number): (Interval | null)[] {
  const lags = replicates === 0 ? 0 : r.length / replicates;
  // One array for every lag's finite values (a new one per lag was 8 KB of fresh memory each).
  const scratch = new Float64Array(replicates);
  return Array.from({ length: lags }, (_, k) => percentileInterval(r.subarray(k * replicates, (k + 1) * replicates), scratch));
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

/**
 * A band over many lags at once (docs/definitions.md §4, "The best of many lags"). The best lag
 * is the largest |r| of many, and a 95 % interval of that lag alone ignores the choice: on two
 * independent random walks, over 201 lags, the best lag's own interval left out 0 in 12 runs of
 * 12. Per replicate i, D_i = max_k |r*_ki − r̂_k| over the covered lags where r*_ki is finite;
 * h is the 95 % point (type 7) of the finite D_i. Then r̂_k ± h holds every covered lag's
 * replicate at once in 95 % of the replicates.
 *
 * One half-width for every lag, not one per lag's own spread (a sup-t band, r̂_k ± q·s_k): with
 * s_k estimated from a few dozen blocks, the largest of 201 |r̂_k|/s_k lands on lags whose s_k
 * came out small, and on independent walks that band still called 20 % of runs correlated at
 * 20 blocks, 47 % at 8 (a simulation with normal blocks: 12–47 % from 80 down to 10 blocks,
 * against 1–4 % for this band). A lag of wider spread than the rest widens the band at every
 * lag: conservative, never the other way.
 */
export interface SimultaneousBand {
  /** h: the band's half-width, in r. */
  readonly halfWidth: number;
  /** The lags it covers. */
  readonly lags: number;
}

/**
 * The band of the replicates `r` (lag k of replicate i at k·R + i, NaN where undefined) around
 * the point estimates `centre` (null where undefined), over the lags `covered` admits that have
 * an estimate and at least two finite replicates. Null when no lag qualifies or fewer than two
 * replicates have a finite value at one (a replicate with none is left out). Cost O(R · lags).
 */
export function simultaneousBand(r: Float64Array, replicates: number, centre: readonly (number | null)[], covered: (k: number) => boolean): SimultaneousBand | null {
  const d = new Float64Array(replicates).fill(NaN);
  let count = 0;
  centre.forEach((c, k) => {
    if (c === null || !covered(k)) return;
    const own = r.subarray(k * replicates, (k + 1) * replicates);
    if (finiteCount(own) < 2) return;
    count++;
    for (let i = 0; i < replicates; i++) {
      const x = own[i]!;
      if (Number.isNaN(x)) continue;
      const gap = Math.abs(x - c);
      // A replicate's first finite lag sets D_i (NaN until then).
      if (!(gap <= d[i]!)) d[i] = gap;
    }
  });
  const finite = d.filter((x) => !Number.isNaN(x)).sort();
  if (count === 0 || finite.length < 2) return null;
  return { halfWidth: quantileSorted(finite, 0.95), lags: count };
}

function finiteCount(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  return n;
}

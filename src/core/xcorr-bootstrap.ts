/**
 * Block-bootstrap intervals for Table 2 (docs/definitions.md §4, §9): every replicate recomputes
 * each lag's r from the resampled blocks' parts (xcorr-cells.ts) by the same formula as the
 * whole span, and the interval is the 2.5 % and 97.5 % points (type 7) of the replicates.
 */
import { countChunks, holdCounts, percentileInterval, replicateSums, type BlockDrawPlan, type Interval } from './bootstrap.js';
import { correlationOfSums, PART_WIDTH, type XcorrParts } from './xcorr-cells.js';
import { influence, influenceConstants, influenceSpread, INFLUENCE_WIDTH } from './xcorr-influence.js';

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
  /**
   * s*_ki, replicate i's own standard error of lag k's r: the spread of the influences ψ_b of the
   * blocks it drew (xcorr-influence.ts), at k·R + i; NaN where the span's r is undefined.
   */
  readonly spread: Float64Array;
  /** ŝ_k, the span's standard error of lag k's r from its blocks' influences; NaN where r is undefined. */
  readonly ownSpread: Float64Array;
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
 * Each replicate's own standard error of each r (s*, for the band over the lags: xcorr-band.ts)
 * comes in the same pass: Σ count·ψ from the replicate's sums, Σ count·ψ² summed like a fourth
 * field (xcorr-influence.ts).
 * Cost O(R · blocks · (4·lags + 3)) time; memory 2 · R · lags numbers for the replicates, plus
 * one chunk of draws (at most CHUNK_COUNTS counts, held again in the kernel's memory:
 * holdCounts), one chunk of lags' y side, x side and ψ² (blocks × 7·LAG_CHUNK), the blocks' x
 * side (blocks × 3) and its values in the odd blocks (3 × odd blocks × lags).
 */
export function bootstrapXcorr(parts: XcorrParts, plan: BlockDrawPlan): XcorrBootstrap {
  const lags = parts.lags.length;
  const R = replicatesOf(plan);
  const out = replicateParts(parts, 0, lags, plan);
  return { replicates: R, r: out.r, spread: out.spread, ownSpread: out.own, intervals: intervalsOf(out.r, R) };
}

/** A slice's replicates: r and s* of lag k0 + k in replicate i at k·R + i, ŝ of lag k0 + k at k. */
export interface SliceReplicates {
  readonly r: Float64Array;
  readonly spread: Float64Array;
  readonly own: Float64Array;
}

/** Arrays for the replicates of `lags` lags × R (NaN until written). */
export function sliceReplicates(lags: number, replicates: number): SliceReplicates {
  return { r: new Float64Array(lags * replicates), spread: new Float64Array(lags * replicates).fill(NaN), own: new Float64Array(lags).fill(NaN) };
}

/** Lags [k0, k1) of `whole` (the replicates of every lag), as the arrays of a slice. */
export function subSlice(whole: SliceReplicates, k0: number, k1: number, replicates: number): SliceReplicates {
  return { r: whole.r.subarray(k0 * replicates, k1 * replicates), spread: whole.spread.subarray(k0 * replicates, k1 * replicates), own: whole.own.subarray(k0, k1) };
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
 * Every replicate's r and s* for the slice's lags, lag k0 + k of replicate i at k·R + i (NaN
 * where undefined), and each lag's ŝ, in `out` when given (the slice's part of the whole
 * bootstrap's arrays: subSlice). See {@link replicateLags}.
 */
export function replicateSlice(slice: BootSlice, plan: BlockDrawPlan, out?: SliceReplicates): SliceReplicates {
  const { blocks, y } = slice;
  // The chunks before c0 are whole: LAG_CHUNK lags each.
  return replicateLags(slice, plan, out, (c0, c1) => y.subarray(blocks * c0 * PER_LAG.length, blocks * c1 * PER_LAG.length));
}

/**
 * replicateSlice of lags [k0, k1) straight from the parts: each chunk's y side is gathered into
 * one reused array when it is needed, rather than the whole slice copied first (fresh memory
 * costs more than the copying on a machine where a page costs microseconds).
 */
export function replicateParts(parts: XcorrParts, k0: number, k1: number, plan: BlockDrawPlan, out?: SliceReplicates, x: XSide = xSideOf(parts)): SliceReplicates {
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
 * Each chunk of lags also gives every block's ψ² (from the span's constants of each lag, taken
 * with the first chunk of replicates along with ŝ) and its replicate sums, and each replicate's
 * s* (spreadRow). Cost O(R · blocks · 4 · (k1 − k0 + 1)).
 */
function replicateLags(slice: SliceX, plan: BlockDrawPlan, out: SliceReplicates | undefined, yChunk: (c0: number, c1: number) => Float64Array): SliceReplicates {
  const { k0, k1, blocks } = slice;
  const replicates = replicatesOf(plan);
  const n = k1 - k0;
  if (plan.blocks !== blocks) throw new RangeError(`replicateSlice: draws of ${plan.blocks} blocks for a slice of ${blocks}`);
  if (out !== undefined && (out.r.length !== n * replicates || out.spread.length !== n * replicates || out.own.length !== n)) {
    throw new RangeError(`replicateSlice: out holds ${out.r.length} numbers, expected ${n}·${replicates}`);
  }
  const result = out ?? sliceReplicates(n, replicates);
  if (replicates === 0 || n === 0) return result;
  const { r, spread, own } = result;
  // One array each for every chunk's sums: each chunk overwrites what it reads.
  let scratch: Float64Array | undefined;
  let psiScratch: Float64Array | undefined;
  let xScratch: Float64Array | undefined;
  let xRows: Float64Array | undefined;
  const chunkLags = Math.min(n, LAG_CHUNK);
  const xBlocks = new Float64Array(blocks * chunkLags * X_SIDE.length);
  const psi2 = new Float64Array(blocks * chunkLags);
  const constants = new Float64Array(n * INFLUENCE_WIDTH);
  for (const { first, rows, counts } of countChunks(plan)) {
    scratch ??= new Float64Array(rows * chunkLags * PER_LAG.length);
    psiScratch ??= new Float64Array(rows * chunkLags);
    xScratch ??= new Float64Array(rows * X_SIDE.length);
    xRows ??= new Float64Array(chunkLags * X_SIDE.length);
    const held = holdCounts(counts, blocks);
    const xSums = replicateSums(slice.xCommon, X_SIDE.length, counts, blocks, xScratch, held);
    for (let c0 = 0; c0 < n; c0 += LAG_CHUNK) {
      const c1 = Math.min(n, c0 + LAG_CHUNK);
      const m = c1 - c0;
      const width = m * PER_LAG.length;
      const y = yChunk(c0, c1);
      const xb = blockXSide(slice, c0, c1, xBlocks);
      // The span's constants and ŝ once, from the first chunk of replicates; ψ² again for every chunk.
      if (first === 0) spanInfluence(xb, y, blocks, m, constants.subarray(c0 * INFLUENCE_WIDTH, c1 * INFLUENCE_WIDTH), own.subarray(c0, c1));
      const psi = blockPsi2(xb, y, blocks, m, constants.subarray(c0 * INFLUENCE_WIDTH, c1 * INFLUENCE_WIDTH), psi2.subarray(0, blocks * m));
      const sums = replicateSums(y, width, counts, blocks, scratch, held);
      const psiSums = replicateSums(psi, m, counts, blocks, psiScratch, held);
      for (let i = 0; i < rows; i++) {
        xSumsOfRow(slice, counts, xSums, i, c0, c1, xRows);
        const at = c0 * replicates + first + i;
        correlateRow(xRows, sums, i * width, m, r, at, replicates);
        spreadRow(xRows, sums, i * width, psiSums, i * m, m, constants.subarray(c0 * INFLUENCE_WIDTH), blocks, spread, at, replicates);
      }
    }
  }
  return result;
}

/**
 * N, Σx, Σx² of lags k0 + c0 … k0 + c1 − 1 of every block (blocks rows of (c1 − c0)·3 numbers,
 * the layout of the y side) into the start of `into`: the agreeing value, then the odd blocks'.
 */
function blockXSide(slice: SliceX, c0: number, c1: number, into: Float64Array): Float64Array {
  const { blocks } = slice;
  const m = c1 - c0;
  const n = slice.k1 - slice.k0;
  const w = X_SIDE.length;
  for (let b = 0; b < blocks; b++) {
    for (let k = 0; k < m; k++) for (let f = 0; f < w; f++) into[(b * m + k) * w + f] = slice.xCommon[b * w + f]!;
  }
  for (let f = 0; f < w; f++) {
    const oddBlocks = slice.odd[f]!;
    const values = slice.xOdd[f]!;
    for (let oi = 0; oi < oddBlocks.length; oi++) {
      const b = oddBlocks[oi]!;
      for (let k = 0; k < m; k++) into[(b * m + k) * w + f] = values[oi * n + c0 + k]!;
    }
  }
  return into.subarray(0, blocks * m * w);
}

/**
 * The span's ψ constants of `m` lags (INFLUENCE_WIDTH each, into `constants`) from the blocks'
 * x and y sides summed, and ŝ of each (into `own`; NaN where r is undefined, or with one block).
 */
function spanInfluence(xb: Float64Array, y: Float64Array, blocks: number, m: number, constants: Float64Array, own: Float64Array): void {
  for (let k = 0; k < m; k++) {
    let n = 0;
    let sx = 0;
    let sxx = 0;
    let sy = 0;
    let syy = 0;
    let sxy = 0;
    for (let b = 0, o = 3 * k; b < blocks; b++, o += 3 * m) {
      n += xb[o]!;
      sx += xb[o + 1]!;
      sxx += xb[o + 2]!;
      sy += y[o]!;
      syy += y[o + 1]!;
      sxy += y[o + 2]!;
    }
    const c = k * INFLUENCE_WIDTH;
    if (!influenceConstants(n, sx, sxx, sy, syy, sxy, constants, c) || blocks < 2) continue;
    let s = 0;
    let s2 = 0;
    for (let b = 0, o = 3 * k; b < blocks; b++, o += 3 * m) {
      const psi = influence(constants, c, xb[o]!, xb[o + 1]!, xb[o + 2]!, y[o]!, y[o + 1]!, y[o + 2]!);
      s += psi;
      s2 += psi * psi;
    }
    own[k] = influenceSpread(s, s2, blocks);
  }
}

/** Each block's ψ² for `m` lags (blocks rows of m numbers; 0 where r is undefined, so that the sums stay finite). */
function blockPsi2(xb: Float64Array, y: Float64Array, blocks: number, m: number, constants: Float64Array, into: Float64Array): Float64Array {
  for (let k = 0; k < m; k++) {
    const c = k * INFLUENCE_WIDTH;
    const defined = !Number.isNaN(constants[c]!);
    for (let b = 0, o = 3 * k; b < blocks; b++, o += 3 * m) {
      const psi = defined ? influence(constants, c, xb[o]!, xb[o + 1]!, xb[o + 2]!, y[o]!, y[o + 1]!, y[o + 2]!) : 0;
      into[b * m + k] = psi * psi;
    }
  }
  return into;
}

/**
 * s* of `count` lags of one replicate into spread[at], spread[at + R], …: Σ count·ψ from the
 * replicate's own sums (ψ is linear in them), Σ count·ψ² from `psiSums` at `psiFrom`.
 */
function spreadRow(xRows: Float64Array, sums: Float64Array, from: number, psiSums: Float64Array, psiFrom: number, count: number, constants: Float64Array, blocks: number, spread: Float64Array, at: number, replicates: number): void {
  for (let k = 0; k < count; k++, at += replicates) {
    const c = k * INFLUENCE_WIDTH;
    if (Number.isNaN(constants[c]!)) {
      spread[at] = NaN;
      continue;
    }
    const x = 3 * k;
    const y = from + 3 * k;
    const sumPsi = influence(constants, c, xRows[x]!, xRows[x + 1]!, xRows[x + 2]!, sums[y]!, sums[y + 1]!, sums[y + 2]!);
    spread[at] = influenceSpread(sumPsi, psiSums[psiFrom + k]!, blocks);
  }
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

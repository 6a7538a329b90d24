/**
 * The block bootstrap over time (docs/definitions.md §9): the one resampling method behind every
 * interval that is not a plain count.
 *
 * The span is cut into blocks of length L on the absolute clock (block b holds [b·L, (b+1)·L)).
 * An analysis records each statistic's additive parts per block; a replicate draws as many
 * blocks as the span has, with replacement, and recomputes the statistic from the sums of the
 * drawn blocks' parts exactly as the statistic itself is computed from all blocks. Every
 * statistic of one run uses the same replicates, those of {@link drawBlockCounts} from the seed
 * (their intervals are then jointly consistent, and the result depends only on the seed): drawn
 * whole, or again where they are used, a row or a chunk at a time ({@link countChunks}).
 */
import { Random } from './random.js';
import { quantileByRank, rankReader, tailsOf } from './quantile.js';
import { loadCounts, replicateSumsSimd, type LoadedCounts } from './replicate-sums-simd.js';

/** Multiply-adds from which replicateSums hands the work to the SIMD kernel (below, the copies in and out cost more than they save). */
const SIMD_FROM = 1 << 16;

/**
 * Most blocks a bootstrap draws over: each replicate draws one per block, into a row of 64 MiB
 * at this size (a month of 10 s blocks is 259 200, of 1 s blocks 2.6 M), and a block's index
 * must stay a 32-bit integer. The commands refuse a --block that cuts the span finer.
 */
export const MAX_BOOTSTRAP_BLOCKS = 2 ** 24;

/**
 * Fewest blocks holding data (values, or returns that are not all zero) a bootstrap interval is
 * given over. Resampling one such block draws it in every replicate (the others add nothing):
 * each replicate is the statistic itself, and its interval [x, x] would read as certainty.
 * Below this there is no interval (n/a): the delay medians (median-bootstrap.ts), xcorr
 * (xcorr-cells.ts cellsWithCoMoves), hy (hyparts.ts blocksWithContrast) and classify's AP
 * (evaluation.ts) count their own kind of data.
 */
export const MIN_INTERVAL_BLOCKS = 2;

/** Index of the block holding time t (µs): ⌊t / L⌋ on the absolute clock. */
export function blockOf(tUs: number, blockUs: number): number {
  return Math.floor(tUs / blockUs);
}

/**
 * The number of distinct blocks of `blockUs` (on the absolute clock) that hold one of the times:
 * the units a claim's evidence lies in (pair's led pairs, classify's test triggers).
 */
export function blocksHolding(times: readonly Iterable<number>[], blockUs: number): number {
  const blocks = new Set<number>();
  for (const list of times) for (const t of list) blocks.add(blockOf(t, blockUs));
  return blocks.size;
}

/**
 * The first finite end of [start, end) (µs) that is not a block edge — not a multiple of L on
 * the absolute clock — and which end it is; undefined when both are edges (or open). A state's
 * range must be whole blocks (xcorr and hy --state, docs/scale.md), and `plan` refuses jobs
 * whose ranges are not, by the same rule.
 */
export function offBlockEdge(range: { readonly start: number; readonly end: number }, blockUs: number): { readonly end: 'start' | 'end'; readonly t: number } | undefined {
  for (const [end, t] of [['start', range.start], ['end', range.end]] as const) {
    if (Number.isFinite(t) && t % blockUs !== 0) return { end, t };
  }
  return undefined;
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
  return drawCountsInto(new Uint32Array(replicates * nBlocks), nBlocks, rng);
}

/**
 * The next counts.length / nBlocks replicates of block draws from `rng` into `counts` (rows of
 * nBlocks), as drawBlockCounts draws them: a caller that takes its replicates a chunk of rows
 * at a time draws the same counts in the same order, with memory for one chunk only (all of R
 * = 1000 over a month of 10 s blocks would be a gigabyte). Each row is cleared just before its
 * draws, while it is in cache.
 *
 * @throws RangeError unless nBlocks ≥ 1 is an integer that divides counts.length (a short last
 * row would silently draw from fewer blocks).
 */
export function drawCountsInto(counts: Uint32Array, nBlocks: number, rng: Random): Uint32Array {
  if (!Number.isInteger(nBlocks) || nBlocks < 1 || counts.length % nBlocks !== 0) {
    throw new RangeError(`drawCountsInto: ${counts.length} counts are not rows of nBlocks = ${nBlocks} ≥ 1`);
  }
  for (let at = 0; at < counts.length; at += nBlocks) {
    const row = counts.subarray(at, at + nBlocks);
    row.fill(0);
    rng.tally(row);
  }
  return counts;
}

/**
 * A bootstrap's block draws described rather than held: R rows of `blocks` counts, those of
 * drawBlockCounts(blocks, R, new Random(seed)). Taken a chunk of rows at a time
 * ({@link countChunks}) they cost the same memory whatever the span: held whole, R = 1000 over a
 * month of 10 s blocks is a gigabyte of counts. Another thread draws them again from the plan
 * rather than receive them.
 */
export interface BlockDrawPlan {
  readonly blocks: number;
  readonly replicates: number;
  readonly seed: number;
  /** The most counts a chunk holds ({@link CHUNK_COUNTS}; smaller in tests, to reach many chunks). */
  readonly chunkCounts?: number;
}

/**
 * Counts a chunk holds at most: 16 MiB of them. Each chunk is one pass over the blocks' parts,
 * so a chunk should hold many replicates: an hour of 10 s blocks is one chunk of every replicate.
 */
export const CHUNK_COUNTS = 1 << 22;

/** Rows [first, first + rows) of a plan's draws: row i's counts at (i − first)·blocks. */
export interface CountChunk {
  readonly first: number;
  readonly rows: number;
  readonly counts: Uint32Array;
}

/**
 * A plan's rows in order, as many per chunk as fit in its chunk size (at least one). One array is
 * drawn again in place for every chunk: a chunk is valid until the next is asked for.
 * @throws RangeError (at the first chunk asked for) unless blocks and replicates are integers ≥ 0.
 */
export function* countChunks(plan: BlockDrawPlan): Generator<CountChunk> {
  const { blocks, replicates } = plan;
  // A fractional count would otherwise give rows of a fraction of the blocks, silently.
  if (!Number.isInteger(blocks) || blocks < 0 || !Number.isInteger(replicates) || replicates < 0) {
    throw new RangeError(`countChunks: blocks and replicates must be integers ≥ 0, got ${blocks} and ${replicates}`);
  }
  if (blocks === 0 || replicates === 0) return;
  const perChunk = Math.max(1, Math.min(replicates, Math.floor((plan.chunkCounts ?? CHUNK_COUNTS) / blocks)));
  const rng = new Random(plan.seed);
  const buffer = new Uint32Array(perChunk * blocks);
  for (let first = 0; first < replicates; first += perChunk) {
    const rows = Math.min(perChunk, replicates - first);
    yield { first, rows, counts: drawCountsInto(buffer.subarray(0, rows * blocks), blocks, rng) };
  }
}

/**
 * Replicate sums of per-block parts. `parts` holds nBlocks rows of `width` numbers (row b at
 * b·width); the result (`out` when given) holds R rows of `width` numbers, row r =
 * Σ_b counts[r][b]·parts[b], each sum taken from 0 with the blocks added in order. Cost
 * O(R·nBlocks·width).
 *
 * The products and the order of additions of every sum are fixed, so any arrangement of the
 * loops gives the same bits; this one keeps the sums in registers: four replicates by two
 * columns at a time, the blocks innermost, so that each loaded part serves four products and
 * nothing is stored until a sum is complete (about 1.5 times the speed of adding into the
 * result row by row). Large sums go to the same loop on 128-bit SIMD (replicate-sums-simd.ts,
 * about 2.5 times faster again, the same bits). A block drawn 0 times adds 0·part, an exact
 * zero (parts are finite), which leaves every sum as it was: the sums equal those of adding
 * only the drawn blocks.
 */
export function replicateSums(parts: Float64Array, width: number, counts: Uint32Array, nBlocks: number, out?: Float64Array, held?: HeldCounts): Float64Array {
  if (parts.length !== nBlocks * width) throw new RangeError(`replicateSums: parts has ${parts.length} numbers, expected ${nBlocks}·${width}`);
  const target = resultArray(counts.length / nBlocks, width, out);
  if (counts.length * width >= SIMD_FROM && replicateSumsSimd(parts, width, counts, nBlocks, target, undefined, held)) return target;
  return replicateSumsScalar(parts, width, counts, nBlocks, target);
}

/** Counts prepared for several {@link replicateSums} over them ({@link holdCounts}). */
export type HeldCounts = LoadedCounts;

/**
 * `counts` prepared once for the replicateSums of table after table over them (a bootstrap of
 * many statistics): held as doubles in the SIMD kernel's memory, where converting them for
 * every table cost as much as the kernel's work on a table of a few lags. Pass the result to
 * each replicateSums of this array, unchanged; it is valid until the thread holds other counts
 * or sums without a handle (a stale one, or one passed with another array, is ignored: the sums
 * then copy the counts in, as without it). Undefined where there is no kernel or the counts are
 * too many to hold.
 */
export function holdCounts(counts: Uint32Array, nBlocks: number): HeldCounts | undefined {
  return loadCounts(counts, nBlocks);
}

/**
 * `out` (whose first R·width numbers are all overwritten) or a new array of that length. A
 * caller that takes many replicate sums in turn passes one array: a fresh array of megabytes
 * costs its zeroing and a page fault per 4 KiB at first touch, a third of the SIMD kernel's time.
 */
function resultArray(replicates: number, width: number, out?: Float64Array): Float64Array {
  if (out === undefined) return new Float64Array(replicates * width);
  if (out.length < replicates * width) throw new RangeError(`replicateSums: out holds ${out.length} numbers, expected ${replicates}·${width}`);
  return out;
}

/** {@link replicateSums} in plain JavaScript: the reference for the SIMD kernel (replicate-sums-simd.ts), and its stand-in. */
export function replicateSumsScalar(parts: Float64Array, width: number, counts: Uint32Array, nBlocks: number, out?: Float64Array): Float64Array {
  const replicates = counts.length / nBlocks;
  out = resultArray(replicates, width, out);
  // The counts of four replicates as doubles, one row each (no conversion in the inner loop).
  const c = new Float64Array(4 * nBlocks);
  for (let r = 0; r < replicates; r += 4) {
    const group = Math.min(4, replicates - r);
    c.fill(0);
    for (let i = 0; i < group * nBlocks; i++) c[i] = counts[r * nBlocks + i]!;
    sumFourReplicates(parts, width, nBlocks, c, out, r * width, group);
  }
  return out;
}

/**
 * Rows r … r + group − 1 of {@link replicateSums} (group ≤ 4; `c` holds their counts as doubles,
 * zero rows beyond the group), written to `out` from offset d0.
 */
function sumFourReplicates(parts: Float64Array, width: number, nBlocks: number, c: Float64Array, out: Float64Array, d0: number, group: number): void {
  const q1 = nBlocks;
  const q2 = 2 * nBlocks;
  const q3 = 3 * nBlocks;
  let k = 0;
  for (; k + 2 <= width; k += 2) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let b = 0, src = k; b < nBlocks; b++, src += width) {
      const v = parts[src]!;
      const w = parts[src + 1]!;
      const c0 = c[b]!;
      const c1 = c[q1 + b]!;
      const c2 = c[q2 + b]!;
      const c3 = c[q3 + b]!;
      a0 += c0 * v;
      a1 += c1 * v;
      a2 += c2 * v;
      a3 += c3 * v;
      b0 += c0 * w;
      b1 += c1 * w;
      b2 += c2 * w;
      b3 += c3 * w;
    }
    storeColumn(out, d0 + k, width, group, a0, a1, a2, a3);
    storeColumn(out, d0 + k + 1, width, group, b0, b1, b2, b3);
  }
  if (k < width) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let b = 0, src = k; b < nBlocks; b++, src += width) {
      const v = parts[src]!;
      a0 += c[b]! * v;
      a1 += c[q1 + b]! * v;
      a2 += c[q2 + b]! * v;
      a3 += c[q3 + b]! * v;
    }
    storeColumn(out, d0 + k, width, group, a0, a1, a2, a3);
  }
}

/** Writes column sums of up to four replicates (rows `width` apart) from offset o. */
function storeColumn(out: Float64Array, o: number, width: number, group: number, s0: number, s1: number, s2: number, s3: number): void {
  out[o] = s0;
  if (group > 1) out[o + width] = s1;
  if (group > 2) out[o + 2 * width] = s2;
  if (group > 3) out[o + 3 * width] = s3;
}

/** A two-sided 95 % percentile interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * 2.5 % and 97.5 % points (type 7, interpolated) of the finite replicate values; null when
 * fewer than two replicates are finite (a statistic undefined in most resamples has no interval).
 * `scratch` (at least values.length numbers, overwritten) saves a new array for the values
 * selected in: a caller taking the intervals of many lags passes one.
 */
export function percentileInterval(values: Float64Array, scratch?: Float64Array): Interval | null {
  const finite = finiteValues(values, scratch);
  if (finite.length < 2) return null;
  // Up to four ranks of the finite values (the same numbers as quantileSorted of the sorted
  // copy), two near each end: selected among the tail that holds the rank, else among all.
  const n = finite.length;
  const tails = tailsOf(finite, Math.ceil(0.025 * n) + 2);
  const whole = rankReader(finite);
  const low = tails === undefined ? whole : rankReader(tails.low);
  const high = tails === undefined ? whole : rankReader(tails.high);
  const at = (i: number): number => {
    if (tails === undefined) return whole(i);
    if (i < tails.low.length) return low(i);
    const j = i - (n - tails.high.length);
    return j >= 0 ? high(j) : whole(i);
  };
  return { low: quantileByRank(finite.length, 0.025, at), high: quantileByRank(finite.length, 0.975, at) };
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
  return finiteValues(values).sort();
}

/** The finite values, at the start of `into` when it is long enough, else in a new array. */
function finiteValues(values: Float64Array, into?: Float64Array): Float64Array {
  let n = 0;
  const out = into !== undefined && into.length >= values.length ? into : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out[n++] = values[i]!;
  return out.subarray(0, n);
}

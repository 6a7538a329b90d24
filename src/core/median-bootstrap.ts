/**
 * Block-bootstrap interval of a median (docs/definitions.md §9) — for `pair`'s leader→follower
 * delays. A median is not a sum of per-block parts, so a replicate is not a weighted sum: it is
 * the median of the multiset in which each value appears as often as its block was drawn.
 */
import { blockOf, MIN_INTERVAL_BLOCKS, percentileInterval, type Interval } from './bootstrap.js';
import { ascendingOrder } from './order.js';
import { Role, type PairResult } from './pairing.js';
import type { JumpList } from './jumplist.js';

/**
 * One median per replicate. Value i belongs to block blockOf(times[i]) − firstBlock; a replicate
 * is a row of nBlocks draw counts (see drawBlockCounts) and holds value i as often as its block
 * was drawn; its median is the type 7 median of that multiset (the statistic itself is the type
 * 7 median of all values, i.e. every count 1). NaN for a replicate that drew no block holding a
 * value. Rows come one at a time, so memory stays O(n + nBlocks) however many replicates.
 *
 * Cost: O(n + nBlocks) once (a radix sort), then per replicate O(nBlocks) and a walk from the
 * middle of the values to the replicate's middle.
 *
 * @throws RangeError when values and times differ in length or a time falls outside the blocks.
 */
export function replicateMedians(values: Float64Array, times: Float64Array, blockUs: number, firstBlock: number, nBlocks: number, rows: Iterable<Uint32Array>): Float64Array {
  return replicateMediansOf([blocked(values, times, blockUs, firstBlock, nBlocks)], nBlocks, rows)[0]!;
}

/**
 * A statistic's values in order, each with the index of its block among the span's; the blocks
 * that hold values, with how many each holds and how many of those lie before the pivot (the
 * middle position of the sorted values). From these a replicate's total weight, and its weight
 * before the pivot, cost O(blocks with values), not O(values): a month of pairs is millions.
 */
interface Blocked {
  readonly sorted: Float64Array;
  readonly block: Int32Array;
  readonly held: Int32Array;
  readonly heldCount: Float64Array;
  readonly heldBelow: Float64Array;
  /** ⌊values / 2⌋: where a replicate's walk to its middle starts. */
  readonly pivot: number;
}

function blocked(values: Float64Array, times: Float64Array, blockUs: number, firstBlock: number, nBlocks: number): Blocked {
  if (values.length !== times.length) throw new RangeError(`replicateMedians: ${values.length} values but ${times.length} times`);
  // Ties may come in any order: equal values are one value to the median.
  const order = ascendingOrder(values);
  // Plain loops: TypedArray.from with a mapping function took 0.5 s for 1.5 million values.
  const sorted = new Float64Array(order.length);
  const block = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const b = blockOf(times[i]!, blockUs) - firstBlock;
    if (!(b >= 0 && b < nBlocks)) throw new RangeError(`replicateMedians: a time lies outside the ${nBlocks} blocks`);
    sorted[k] = values[i]!;
    block[k] = b;
  }
  const pivot = Math.floor(sorted.length / 2);
  return { sorted, block, pivot, ...heldBlocks(block, nBlocks, pivot) };
}

/** The blocks that hold values (in block order), with how many values each holds and how many of those lie before `pivot`. */
function heldBlocks(block: Int32Array, nBlocks: number, pivot: number): Pick<Blocked, 'held' | 'heldCount' | 'heldBelow'> {
  // Per block: its count of values, then (once the held blocks are listed) its place among them.
  const perBlock = new Uint32Array(nBlocks);
  for (let i = 0; i < block.length; i++) perBlock[block[i]!]!++;
  let count = 0;
  for (let b = 0; b < nBlocks; b++) if (perBlock[b]! > 0) count++;
  const held = new Int32Array(count);
  const heldCount = new Float64Array(count);
  for (let b = 0, j = 0; b < nBlocks; b++) {
    if (perBlock[b]! === 0) continue;
    held[j] = b;
    heldCount[j] = perBlock[b]!;
    perBlock[b] = j++;
  }
  const heldBelow = new Float64Array(count);
  for (let i = 0; i < pivot; i++) heldBelow[perBlock[block[i]!]!]!++;
  return { held, heldCount, heldBelow };
}

/**
 * Each statistic's replicate medians from one pass over the rows: each row serves every
 * statistic before the next is asked for (rows may be one array drawn again in place).
 */
function replicateMediansOf(stats: readonly Blocked[], nBlocks: number, rows: Iterable<Uint32Array>): Float64Array[] {
  const out = stats.map(() => [] as number[]);
  for (const row of rows) {
    if (row.length !== nBlocks) throw new RangeError(`replicateMedians: a row of ${row.length} counts for ${nBlocks} blocks`);
    for (let k = 0; k < stats.length; k++) out[k]!.push(weightedMedian(stats[k]!, row));
  }
  return out.map((medians) => Float64Array.from(medians));
}

/** The rows of a drawBlockCounts matrix (R rows of nBlocks counts), as views. */
export function* rowsOf(counts: Uint32Array, nBlocks: number): Generator<Uint32Array> {
  for (let at = 0; at < counts.length; at += nBlocks) yield counts.subarray(at, at + nBlocks);
}

/**
 * Type 7 median of sorted values where value i appears weight[block[i]] times; NaN when none
 * does. The total and the weight before the pivot are sums over the blocks holding values of
 * weight × their count (exact integer sums, so the same as adding every value's weight); the
 * middle is then found by walking from the pivot, where a replicate's middle lies close to
 * (within about √blocks values on average), instead of from the smallest value.
 */
function weightedMedian({ sorted, block, held, heldCount, heldBelow, pivot }: Blocked, weight: Uint32Array): number {
  let total = 0;
  let before = 0;
  for (let j = 0; j < held.length; j++) {
    const w = weight[held[j]!]!;
    total += w * heldCount[j]!;
    before += w * heldBelow[j]!;
  }
  if (total === 0) return NaN;
  // Ranks (0-based) of the two middle elements; equal when the total is odd.
  const h = (total - 1) / 2;
  const loRank = Math.floor(h);
  const hiRank = Math.ceil(h);
  const iLo = firstAbove(block, weight, loRank, pivot, before);
  const lo = sorted[iLo]!;
  if (hiRank === loRank) return lo;
  const iHi = firstAbove(block, weight, hiRank, iLo, walked);
  return lo + (h - loRank) * (sorted[iHi]! - lo);
}

/** The weight before the index firstAbove last returned. */
let walked = 0;

/**
 * The first index i whose running weight (the weight of values 0 … i) exceeds `rank`, walking
 * from index `from`, before which the weight is `before`; sets {@link walked} to the weight
 * before i. The rank must be below the total weight.
 */
function firstAbove(block: Int32Array, weight: Uint32Array, rank: number, from: number, before: number): number {
  let i = from;
  let seen = before;
  if (seen > rank) {
    // The middle lies before `from`: step back while the weight before i still exceeds the rank.
    do {
      i--;
      seen -= weight[block[i]!]!;
    } while (seen > rank && i > 0);
  } else {
    for (;;) {
      // Unreachable past the end while the rank is below the total: a guard, not a hang, if not.
      if (i >= block.length) throw new RangeError(`replicateMedians: rank ${rank} lies beyond the total weight ${seen}`);
      const w = weight[block[i]!]!;
      if (seen + w > rank) break;
      seen += w;
      i++;
    }
  }
  walked = seen;
  return i;
}

/**
 * The 95 % block-bootstrap interval of the median of `values` (type 7 points). Null when the
 * values lie in fewer than two blocks: resampling one block shows no spread between blocks, and
 * its interval would read as certainty (one pair gives [d, d]).
 */
export function medianInterval(values: Float64Array, times: Float64Array, blockUs: number, firstBlock: number, nBlocks: number, rows: Iterable<Uint32Array>): Interval | null {
  return medianIntervals([{ values, times }], blockUs, firstBlock, nBlocks, rows)[0]!;
}

/** Values and the times that place them in blocks (a direction's delays and their leaders' times). */
export interface TimedValues {
  readonly values: Float64Array;
  readonly times: Float64Array;
}

/**
 * {@link medianInterval} of each set from one pass over the rows, so the same intervals as
 * one call per set given the same draws. The rows are drawn once, not once per set: on a long
 * span drawing is most of the cost (a month of 10 s blocks is 259 200 draws a replicate).
 */
export function medianIntervals(sets: readonly TimedValues[], blockUs: number, firstBlock: number, nBlocks: number, rows: Iterable<Uint32Array>): (Interval | null)[] {
  const spread = sets.map(({ times }) => new Set(Array.from(times, (t) => blockOf(t, blockUs))).size >= MIN_INTERVAL_BLOCKS);
  const stats = sets.filter((_, k) => spread[k]).map(({ values, times }) => blocked(values, times, blockUs, firstBlock, nBlocks));
  const medians = stats.length === 0 ? [] : replicateMediansOf(stats, nBlocks, rows);
  let next = 0;
  return spread.map((has) => (has ? percentileInterval(medians[next++]!) : null));
}

/**
 * The times of the leading jumps of the pairs in which market X leads, in the order of the
 * delays (`delaysAB` for A, `delaysBA` for B): the jumps of X whose role is `leads`.
 */
export function leaderTimes(list: JumpList, start: number, roles: Int8Array): Float64Array {
  const times = list.times();
  let n = 0;
  for (let i = 0; i < roles.length; i++) if (roles[i] === Role.leads) n++;
  const out = new Float64Array(n);
  for (let i = 0, k = 0; i < roles.length; i++) if (roles[i] === Role.leads) out[k++] = times[start + i]!;
  return out;
}

/** Leader times of both directions of a pairing: [A leads B, B leads A]. */
export function pairLeaderTimes(r: PairResult, a: JumpList, b: JumpList): readonly [Float64Array, Float64Array] {
  return [leaderTimes(a, r.aStart, r.roleA), leaderTimes(b, r.bStart, r.roleB)];
}

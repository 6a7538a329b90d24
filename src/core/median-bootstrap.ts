/**
 * Block-bootstrap interval of a median (docs/definitions.md §9) — for `pair`'s leader→follower
 * delays. A median is not a sum of per-block parts, so a replicate is not a weighted sum: it is
 * the median of the multiset in which each value appears as often as its block was drawn.
 */
import { blockOf, percentileInterval, type Interval } from './bootstrap.js';
import { Role, type PairResult } from './pairing.js';
import type { JumpList } from './jumplist.js';

/**
 * One median per replicate. Value i belongs to block blockOf(times[i]) − firstBlock; a replicate
 * is a row of nBlocks draw counts (see drawBlockCounts) and holds value i as often as its block
 * was drawn; its median is the type 7 median of that multiset (the statistic itself is the type
 * 7 median of all values, i.e. every count 1). NaN for a replicate that drew no block holding a
 * value. Rows come one at a time, so memory stays O(n + nBlocks) however many replicates.
 *
 * Cost: O(n log n) once to sort, then O(R·(n + nBlocks)).
 *
 * @throws RangeError when values and times differ in length or a time falls outside the blocks.
 */
export function replicateMedians(values: Float64Array, times: Float64Array, blockUs: number, firstBlock: number, nBlocks: number, rows: Iterable<Uint32Array>): Float64Array {
  return replicateMediansOf([blocked(values, times, blockUs, firstBlock, nBlocks)], nBlocks, rows)[0]!;
}

/**
 * A statistic's values in order, each with the index of its block among the span's, and the
 * blocks that hold values with how many each (a replicate's total weight from these: O(blocks
 * with values), not O(values); a month of pairs is millions of values).
 */
interface Blocked {
  readonly sorted: Float64Array;
  readonly block: Int32Array;
  readonly held: Int32Array;
  readonly heldCount: Float64Array;
}

function blocked(values: Float64Array, times: Float64Array, blockUs: number, firstBlock: number, nBlocks: number): Blocked {
  if (values.length !== times.length) throw new RangeError(`replicateMedians: ${values.length} values but ${times.length} times`);
  const order = Array.from(values.keys()).sort((i, j) => values[i]! - values[j]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const block = Int32Array.from(order, (i) => blockOf(times[i]!, blockUs) - firstBlock);
  for (const b of block) if (b < 0 || b >= nBlocks) throw new RangeError(`replicateMedians: a time lies outside the ${nBlocks} blocks`);
  const perBlock = new Map<number, number>();
  for (const b of block) perBlock.set(b, (perBlock.get(b) ?? 0) + 1);
  return { sorted, block, held: Int32Array.from(perBlock.keys()), heldCount: Float64Array.from(perBlock.values()) };
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
 * does. The total is Σ over the blocks holding values of weight × their count (an exact integer
 * sum, so the same as adding every value's weight); the scan stops at the middle.
 */
function weightedMedian({ sorted, block, held, heldCount }: Blocked, weight: Uint32Array): number {
  let total = 0;
  for (let j = 0; j < held.length; j++) total += weight[held[j]!]! * heldCount[j]!;
  if (total === 0) return NaN;
  // Ranks (0-based) of the two middle elements; equal when the total is odd.
  const h = (total - 1) / 2;
  const loRank = Math.floor(h);
  const hiRank = Math.ceil(h);
  let lo = NaN;
  let seen = 0;
  for (let i = 0; i < sorted.length; i++) {
    seen += weight[block[i]!]!;
    if (Number.isNaN(lo) && seen > loRank) lo = sorted[i]!;
    if (seen > hiRank) return lo + (h - loRank) * (sorted[i]! - lo);
  }
  return NaN; // unreachable: seen reaches total > hiRank
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
  const spread = sets.map(({ times }) => new Set(Array.from(times, (t) => blockOf(t, blockUs))).size >= 2);
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

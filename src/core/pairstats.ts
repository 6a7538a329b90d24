/**
 * Everything `pair` reports for one feed, beyond Table 1's counts: the leader test (§3), the
 * chance baseline (§10) and the leader→follower delays with their block-bootstrap intervals (§9).
 */
import { blockRange, blocksHolding, drawCountsInto, type Interval } from './bootstrap.js';
import { binomialTwoSidedHalf } from './binomial.js';
import { chanceOfCounts, chancePairs, type ChancePairs } from './chance.js';
import { pairedOf, type PairCounts } from './pair-parts.js';
import type { JumpList } from './jumplist.js';
import { medianIntervals, pairLeaderTimes, type TimedValues } from './median-bootstrap.js';
import { pairSortedJumps, type PairResult } from './pairing.js';
import { quantile } from './quantile.js';
import { Random } from './random.js';
import type { Span } from './types.js';

/** The block draws of one run, shared by every interval of that run (docs/definitions.md §9). */
export interface BlockDraws {
  readonly blockUs: number;
  /** Index of the span's first block and the number of blocks it touches. */
  readonly first: number;
  readonly nBlocks: number;
  /**
   * The R replicates' rows of nBlocks draw counts, drawn afresh from the seed on each
   * iteration: every statistic sees the same draws (those of drawBlockCounts(nBlocks, R, new
   * Random(seed)), bootstrap.ts) while only one row is held at a time — a week of 10 s blocks
   * with R = 1000 would otherwise hold 240 MB. Each row is one array drawn again in place, so a
   * row is valid until the next is asked for (a fresh megabyte for each replicate of a month
   * cost more than its draws).
   */
  rows(): Iterable<Uint32Array>;
}

/** R replicates of block draws over the span's blocks of `blockUs`, seeded by `seed`. */
export function drawSpanBlocks(span: Span, blockUs: number, replicates: number, seed: number): BlockDraws {
  const { first, count } = blockRange(span.start, span.end, blockUs);
  return {
    blockUs,
    first,
    nBlocks: count,
    *rows() {
      const rng = new Random(seed);
      const row = new Uint32Array(count);
      // One replicate at a time consumes the generator exactly as drawing all R at once would.
      for (let r = 0; r < replicates; r++) yield drawCountsInto(row, count, rng);
    },
  };
}

/** Delays (µs) of the pairs one market leads. */
export interface DelayStats {
  readonly n: number;
  /** Type 7 median and 90th percentile; NaN without pairs. */
  readonly median: number;
  readonly p90: number;
  /** 95 % block-bootstrap interval of the median (pairs resampled by their leader's block); null when off or n/a. */
  readonly medianCi: Interval | null;
}

/** Table 1's counts and delays (a PairResult without the per-jump roles). */
export type PairTable = Omit<PairResult, 'aStart' | 'roleA' | 'bStart' | 'roleB'>;

export interface PairStats {
  readonly table: PairTable;
  /** Two-sided exact binomial test of aLeadsB against bLeadsA (simultaneous pairs left out). */
  readonly leaderPValue: number;
  readonly chance: ChancePairs;
  /** paired − chance mean. */
  readonly excessPairs: number;
  /** [A leads B, B leads A]. */
  readonly delays: readonly [DelayStats, DelayStats];
  /**
   * How many blocks of the bootstrap's length (`blockUs`) hold the leader of a led pair (either
   * way); null where not counted. The sign test takes the led pairs as independent; pairs close in
   * time are not, and the verdict withholds a lead whose led pairs lie in few blocks (core/verdict.ts).
   */
  readonly ledBlocks: { readonly count: number; readonly blockUs: number } | null;
}

/**
 * Pairs A's and B's jumps over the span (§3) and adds the leader test, the chance pairs of B
 * shifted by ±1…±10 × `nullStepUs` (§10) and, when `draws` is given, the bootstrap interval of
 * each direction's median delay.
 *
 * Cost: 21 pairings, O(21·(n_A + n_B)), plus O(R·(pairs + blocks)) for the intervals.
 */
export function pairStats(a: JumpList, b: JumpList, span: Span, pairWindowUs: number, nullStepUs: number, draws?: BlockDraws): PairStats {
  const table = pairSortedJumps(a, b, span, pairWindowUs);
  const chance = chancePairs(a, b, span, pairWindowUs, nullStepUs);
  const [leadersA, leadersB] = pairLeaderTimes(table, a, b);
  const [ab, ba] = delayStats([{ values: table.delaysAB, times: leadersA }, { values: table.delaysBA, times: leadersB }], draws);
  return {
    table,
    leaderPValue: binomialTwoSidedHalf(table.aLeadsB, table.bLeadsA),
    chance,
    excessPairs: table.paired - chance.mean,
    delays: [ab!, ba!],
    ledBlocks: null,
  };
}

/**
 * Each direction's delay summary: count, type 7 median and p90, and the bootstrap interval of
 * the median when `draws` is given (every interval from one pass over the draws).
 */
function delayStats(delays: readonly TimedValues[], draws: BlockDraws | undefined): DelayStats[] {
  const cis = draws === undefined ? delays.map(() => null) : medianIntervals(delays, draws.blockUs, draws.first, draws.nBlocks, draws.rows());
  return delays.map(({ values }, k) => ({ n: values.length, median: quantile(values, 0.5), p90: quantile(values, 0.9), medianCi: cis[k]! }));
}

/**
 * The same statistics from a time part's counts (pair-parts.ts; docs/definitions.md §11): the
 * table, the leader test, the chance baseline of the chance pairs whose leader lies in the part
 * and the delays of the pairs it leads, with their bootstrap intervals (each delay in the block
 * of its leader's time; `draws` must cover those blocks). Over the whole data read these are
 * exactly {@link pairStats}'s numbers. One PairStats per feed's counts, every feed's intervals
 * from one pass over the draws (the same intervals as a call per feed).
 * Cost O(pairs) plus O(R·(pairs + blocks)) for the intervals.
 */
export function pairStatsOfCounts(feeds: readonly PairCounts[], nullStepUs: number, draws?: BlockDraws, blockUs?: number): PairStats[] {
  const tables = feeds.map(tableOfCounts);
  const delays = delayStats(
    feeds.flatMap((c, k) => [
      { values: tables[k]!.delaysAB, times: Float64Array.from(c.leadersAB) },
      { values: tables[k]!.delaysBA, times: Float64Array.from(c.leadersBA) },
    ]),
    draws,
  );
  return feeds.map((c, k) => {
    const chance = chanceOfCounts(c.chance, nullStepUs);
    return {
      table: tables[k]!,
      leaderPValue: binomialTwoSidedHalf(c.aLeadsB, c.bLeadsA),
      chance,
      excessPairs: tables[k]!.paired - chance.mean,
      delays: [delays[2 * k]!, delays[2 * k + 1]!],
      ledBlocks: blockUs === undefined ? null : { count: blocksHolding([c.leadersAB, c.leadersBA], blockUs), blockUs },
    };
  });
}

function tableOfCounts(c: PairCounts): PairTable {
  const paired = pairedOf(c);
  return {
    totalA: c.totalA,
    totalB: c.totalB,
    paired,
    aLeadsB: c.aLeadsB,
    bLeadsA: c.bLeadsA,
    simultaneous: c.simultaneous,
    noiseA: c.noiseA,
    noiseB: c.noiseB,
    noise: c.noiseA + c.noiseB,
    delaysAB: Float64Array.from(c.delaysAB),
    delaysBA: Float64Array.from(c.delaysBA),
  };
}

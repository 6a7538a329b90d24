/**
 * `pair --by DUR|vol` (docs/time.md): Table 1 per window and per volatility regime, each the
 * merge of its cells' parts, the compact per-window summary and the stability summary.
 */
import type { PairParts, JumpFeed } from '../core/pair-analysis.js';
import { pairedOf, type PairCounts } from '../core/pair-parts.js';
import { quantile } from '../core/quantile.js';
import { binomialTwoSidedHalf } from '../core/binomial.js';
import { MIN_LED_BLOCKS, pairVerdict } from '../core/verdict.js';
import { blocksHolding } from '../core/bootstrap.js';
import { chanceOfCounts } from '../core/chance.js';
import { stabilityOf, type WindowPoint } from '../core/stability.js';
import type { GridReturns, Regime } from '../core/volatility.js';
import type { Span } from '../core/types.js';
import { fixed, isoMicros, type Cell, type Style } from '../io/output.js';
import { byJson, humanBy, REGIMES, windowsOf, type WindowedSummary } from './windows.js';

/** Table 1 of each feed in the order shown. */
export type FeedCounts = readonly { readonly feed: JumpFeed; readonly counts: PairCounts }[];

export type PairBy = WindowedSummary<FeedCounts> & {
  /** The chance pairs' shift step (--null-step): a window's call weighs its pairs against them. */
  readonly nullStepUs: number;
  /** The bootstrap's block length (--block): a window's call counts the blocks its led pairs lie in. */
  readonly blockUs: number;
};

/** Windows (and regimes) of every feed; the summary follows the first feed. */
export function pairBy(parts: PairParts, feeds: readonly JumpFeed[], span: Span, meter: GridReturns | undefined, nullStepUs: number, blockUs: number): PairBy {
  const per = feeds.map((feed) => windowsOf(parts.feeds[feed], span, meter));
  const first = per[0]!;
  const windows = first.windows.map((w, i) => ({ ...w, part: feeds.map((feed, f) => ({ feed, counts: per[f]!.windows[i]!.part })) }));
  const regimes = first.regimes === undefined ? undefined : (Object.fromEntries(REGIMES.map((r) => [r, { nWindows: first.regimes![r].nWindows, part: feeds.map((feed, f) => ({ feed, counts: per[f]!.regimes![r].part })) }])) as unknown as Record<Regime, { nWindows: number; part: FeedCounts }>);
  const stability = stabilityOf(windows.map((w) => pointOf(w.start, w.end, w.part[0]!.counts, nullStepUs, blockUs)));
  return { windows, regimes, q25: first.q25, q75: first.q75, stability, nullStepUs, blockUs };
}

/**
 * A window's summary, by pair's own call on it (core/verdict.ts pairVerdict on its counts): the
 * leader where the window's sign test finds one (p < 0.05 over at least 6 led pairs) and its
 * pairs clear the chance baseline, neither where it is tested and that fails, and no call (null:
 * left out of the shares) where the verdict is untested or the led pairs lie in fewer than
 * MIN_LED_BLOCKS blocks, whatever the p. The verdict withholds only a lead there (a p ≥ 0.05 is
 * no lead whatever the blocks), but a share of windows that let such a window count as neither
 * and never as a leader would lean to neither (a review's 50 % that flipped to 100 % with the
 * first window's p). The lag is the
 * median delay of the leader's pairs (negative when B leads); the share of led pairs A led is
 * trended in every window, each weighted by its led pairs.
 */
export function pointOf(start: number, end: number, c: PairCounts, nullStepUs: number, blockUs: number): WindowPoint {
  const led = c.aLeadsB + c.bLeadsA;
  const chance = chanceOfCounts(c.chance, nullStepUs);
  const ledBlocks = { count: ledBlocksOf(c, blockUs), blockUs };
  const v = pairVerdict({ names: ['a', 'b'], aLeadsB: c.aLeadsB, bLeadsA: c.bLeadsA, paired: pairedOf(c), pValue: binomialTwoSidedHalf(c.aLeadsB, c.bLeadsA), chanceMean: chance.mean, chanceMax: chance.max, ledBlocks });
  const called = v.kind !== 'untested' && v.kind !== 'no-pairs' && ledBlocks.count >= MIN_LED_BLOCKS;
  const leader = !called ? null : v.kind !== 'lead' ? 0 : v.leader === 'a' ? 1 : -1;
  const lagUs = leader === 1 ? median(c.delaysAB) : leader === -1 ? -median(c.delaysBA) : null;
  // Weighted by its led pairs: a share of 2 pairs is 0, ½ or 1 (docs/time.md).
  return { start, end, lagUs, leader, values: { share_a_leads: led === 0 ? null : c.aLeadsB / led }, weight: led };
}

/** The blocks of `blockUs` holding the leader of one of the window's led pairs (either way). */
export function ledBlocksOf(c: PairCounts, blockUs: number): number {
  return blocksHolding([c.leadersAB, c.leadersBA], blockUs);
}

function median(v: readonly number[]): number {
  return quantile(Float64Array.from(v), 0.5);
}

/** The trends of pair's stability lines, by key, as the lines name them. */
export function pairTrends([a]: readonly [string, string]): Record<string, string> {
  return { lag_us: 'the lag (µs)', share_a_leads: `${a}'s share of led pairs` };
}

/** JSON members `windows`, `regimes` and `stability`; `table` turns counts into the metrics object. */
export function pairByJson(by: PairBy, names: readonly [string, string], table: (feed: JumpFeed, c: PairCounts) => Record<string, number>): Record<string, unknown> {
  const feedsJson = (fc: FeedCounts) => Object.fromEntries(fc.map(({ feed, counts }) => [feed, table(feed, counts)]));
  return byJson(by, names, feedsJson);
}

/** The compact per-window table (first feed), the regimes' rows and the stability lines. */
export function humanPairBy(by: PairBy, names: readonly [string, string], style: Style): string {
  const [a, b] = names;
  const feed = by.windows[0]?.part[0]?.feed ?? 'native';
  return humanBy(by, names, style, {
    title: `Per window (${feed === 'native' ? 'native ticks' : 'LOCF grid'}; lag = median delay of the leading market's pairs, negative when ${b} leads)`,
    head: ['window', `${a} jumps`, `${b} jumps`, 'pairs', `${a} leads`, `${b} leads`, 'simult.', `${a} share`, 'lag'],
    row: (label, fc) => {
      const c = fc[0]!.counts;
      const led = c.aLeadsB + c.bLeadsA;
      const p = pointOf(0, 0, c, by.nullStepUs, by.blockUs);
      return [label, c.totalA, c.totalB, pairedOf(c), c.aLeadsB, c.bLeadsA, c.simultaneous, led === 0 ? 'n/a' : fixed(c.aLeadsB / led, 2), p.lagUs === null ? 'n/a' : `${fixed(p.lagUs / 1000, 3)} ms`];
    },
    trends: pairTrends(names),
  });
}

/** A window's machine rows: one per metric, its value in each feed (`metrics` gives a feed's, in one order). */
export function metricRows(fc: FeedCounts, metrics: (c: PairCounts) => ReadonlyArray<readonly [string, number]>): Cell[][] {
  const per = fc.map(({ counts }) => metrics(counts));
  return per[0]!.map(([name], i) => [name, ...per.map((m) => m[i]![1])]);
}

export { isoMicros };

/**
 * Several analyses fed from one read of the two markets (`leadlag report`): each pass sees
 * exactly the ticks its own command would read — the batches cut to its own range plus margin
 * (views, no copy) — so its numbers equal that command's, while the files are parsed once.
 */
import type { Context } from './context.js';
import type { ReaderCliOptions } from './options.js';
import { readRangeOf, readTwoMarkets, type ReadPlan, type TwoMarketConsumer, type TwoMarketPass } from './inputs.js';
import { sliceTicks } from './pump.js';
import type { TickBatch } from '../core/types.js';
import type { ReadReport } from '../io/types.js';

/** The plan that reads what every pass needs: their shared range, the widest margin. */
export function unionPlan(plans: readonly ReadPlan[]): ReadPlan {
  const first = plans[0]!;
  if (plans.some((p) => p.range.start !== first.range.start || p.range.end !== first.range.end)) throw new Error('passes of one read must share their range');
  return { range: first.range, margin: Math.max(...plans.map((p) => p.margin)) };
}

/** A consumer that hands each batch to every pass, cut to that pass's read range. */
export function fanOut(passes: readonly TwoMarketPass<unknown>[]): TwoMarketConsumer {
  const cut = passes.map((p) => {
    const { from, to } = readRangeOf(p.plan);
    return (b: TickBatch) => (Number.isFinite(from) || Number.isFinite(to) ? cutBatch(b, from, to) : b);
  });
  const each = (f: (c: TwoMarketConsumer, b: TickBatch) => void) => (b: TickBatch) => {
    passes.forEach((p, i) => {
      const mine = cut[i]!(b);
      if (mine.length > 0) f(p.consumer, mine);
    });
  };
  return {
    pushA: each((c, b) => c.pushA(b)),
    pushB: each((c, b) => c.pushB(b)),
    endA: () => passes.forEach((p) => p.consumer.endA?.()),
    endB: () => passes.forEach((p) => p.consumer.endB?.()),
  };
}

/** Rows from ≤ t < to of a time-ordered batch, as views. */
function cutBatch(b: TickBatch, from: number, to: number): TickBatch {
  let i = 0;
  let j = b.length;
  while (i < j && b.t[i]! < from) i++;
  while (j > i && b.t[j - 1]! >= to) j--;
  return sliceTicks(b, i, j);
}

/**
 * Reads the two markets once and feeds every pass; returns the readers' reports (each pass
 * then finishes with them).
 */
export function readOnceForAll(args: readonly [string, string], o: ReaderCliOptions, ctx: Context, passes: readonly TwoMarketPass<unknown>[]): Promise<[ReadReport, ReadReport]> {
  return readTwoMarkets(args, o, ctx, unionPlan(passes.map((p) => p.plan)), fanOut(passes));
}

/**
 * `inspect`'s per-pair facts: one pass over two quote files as the analyses read them (with
 * --skip-bad-rows, so a bad row never stops it), the lagging market's batch first, into the
 * kernels — the overlap, grid moves (xcorr's effective sample), jumps at θ (pair's raw
 * material) — then plain-words judgements and the clock alignment from the per-file scans.
 */
import type { Context } from './context.js';
import { openQuoteFiles } from './inputs.js';
import { analysisParamsOf, type InputSlot, type JumpCliOptions, type ReaderCliOptions } from './options.js';
import { pumpLagging } from './pump.js';
import { GridAligner } from '../core/align.js';
import { alignment, assessHy, assessPair, assessXcorr, type Alignment, type Assessment, type ClockKind } from '../core/assess.js';
import { chancePairs } from '../core/chance.js';
import { DEFAULT_NULL_STEP_US } from './options.js';
import { HyState } from '../core/hy.js';
import { hyEstimate } from '../core/hystats.js';
import { makeLattice } from '../core/lattice.js';
import { MarketJumps } from '../core/market.js';
import { MoveCounter, type MoveSummary } from '../core/moves.js';
import { pairSortedJumps, spanOf } from '../core/pairing.js';
import type { AnalysisParams, Span, TickBatch } from '../core/types.js';
import type { FileQuality } from '../io/inspect-scan.js';

/** What inspect found about two quote files together. Counts are over the overlap. */
export interface PairInspection {
  readonly files: readonly [string, string];
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  /** The analysis span [max of first ticks, min of last ticks]; null when the files do not overlap. */
  readonly span: Span | null;
  /** Grid steps of the span (docs/definitions.md §4), zero-return steps per market, steps where both move. */
  readonly moves: MoveSummary;
  /** Jumps of each market in the span at θ (docs/definitions.md §2), native and grid feed. */
  readonly jumps: { readonly native: readonly [number, number]; readonly locf: readonly [number, number] };
  /** θ in ticks of each market (FileQuality: θ · typical price / tick). */
  readonly thresholdTicks: readonly [number, number];
  readonly clocks: readonly [ClockKind, ClockKind];
  readonly alignment: Alignment;
  /** Native-feed pairs of the shifted copies (docs/definitions.md §10, ±1…±10 s): mean and largest. */
  readonly chancePairs: { readonly mean: number; readonly max: number } | null;
  /** HY nonextant shares of each market's ticks in the span (docs/definitions.md §8). */
  readonly nonextantShares: readonly [number | null, number | null];
  /** One judgement per estimator (pair, xcorr, hy), in that order. */
  readonly assessments: readonly Assessment[];
}

/**
 * The kernels of the pass, fed collapsed ticks of both markets: jumps, grid moves, and an HY
 * state over the one lag 0 in one block, for the nonextant shares (the share does not depend on
 * the lattice). Each takes each market's ticks in time order and the two markets' batches
 * interleaved in any way, as in `pair`, `xcorr` and `hy`, so whole batches go in as they come.
 * (They went in as one merged time order, in slices between the other market's ticks: 7.4 M
 * slices of about 2 ticks over the bench hour, each four new array views and a call into every
 * kernel; the main thread took 5.5 s of CPU, 1.5 s with whole batches.)
 */
class PairScan {
  readonly a: MarketJumps;
  readonly b: MarketJumps;
  private readonly moves = new MoveCounter();
  private readonly aligner: GridAligner;
  private readonly hy = new HyState({ lattice: makeLattice(0, 0, 1), blockUs: Number.MAX_SAFE_INTEGER });

  constructor(private readonly params: AnalysisParams) {
    this.a = new MarketJumps(params);
    this.b = new MarketJumps(params);
    this.aligner = new GridAligner(params.gridUs, this.moves);
  }

  push(market: 0 | 1, t: TickBatch): void {
    if (market === 0) {
      this.a.push(t);
      this.aligner.pushA(t.t, t.price, t.length);
      this.hy.push(0, t.t, t.price, t.length);
    } else {
      this.b.push(t);
      this.aligner.pushB(t.t, t.price, t.length);
      this.hy.push(1, t.t, t.price, t.length);
    }
  }

  /** Market 0 or 1 has no more ticks: the other's later ticks need not be held. */
  end(market: 0 | 1): void {
    if (market === 0) this.aligner.endA();
    else this.aligner.endB();
    this.hy.end(market);
  }

  finish(): Pick<PairInspection, 'span' | 'moves' | 'jumps' | 'chancePairs' | 'nonextantShares'> {
    this.a.finish();
    this.b.finish();
    this.aligner.finish();
    const hy = hyEstimate(this.hy.finish());
    const nonextantShares = [hy.nonextantShareA, hy.nonextantShareB] as const;
    const span = spanOf(this.a, this.b) ?? null;
    if (span === null) return { span, moves: this.moves.summary(), jumps: { native: [0, 0], locf: [0, 0] }, chancePairs: null, nonextantShares };
    const D = this.params.pairWindowUs;
    const native = pairSortedJumps(this.a.native, this.b.native, span, D);
    const locf = pairSortedJumps(this.a.locf, this.b.locf, span, D);
    const chance = chancePairs(this.a.native, this.b.native, span, D, DEFAULT_NULL_STEP_US);
    return {
      span,
      moves: this.moves.summary(),
      jumps: { native: [native.totalA, native.totalB], locf: [locf.totalA, locf.totalB] },
      chancePairs: { mean: chance.mean, max: chance.max },
      nonextantShares,
    };
  }
}

/** θ in ticks of a file: θ times its typical price (the middle of its range) over its tick size. NaN when unknown. */
export function thresholdTicks(q: FileQuality, threshold: number): number {
  const price = (q.timeline.priceMin + q.timeline.priceMax) / 2;
  return (threshold * price) / q.tickSize.tick;
}

export type PairOptions = ReaderCliOptions & JumpCliOptions;

/**
 * Reads both quote files once more, as the analyses would, and judges the pair. `slots`: where
 * the two files sit among inspect's inputs, so per-input options (--time-col a,b,c) read each
 * as its own scan did.
 * @throws OpenError / DataError as the readers do (a file that scanned fine reads fine).
 */
export async function inspectPair(files: readonly [string, string], quality: readonly [FileQuality, FileQuality], o: PairOptions, ctx: Context, slots?: readonly [InputSlot, InputSlot]): Promise<PairInspection> {
  const params = analysisParamsOf(o);
  const scan = new PairScan(params);
  const sources = openQuoteFiles(files, { ...o, skipBadRows: true }, ctx, undefined, slots);
  await pumpLagging(
    sources,
    (market, batch) => scan.push(market as 0 | 1, batch),
    (market) => scan.end(market as 0 | 1),
  );
  const { span, moves, jumps, chancePairs, nonextantShares } = scan.finish();
  const names = o.names;
  const ticks = [thresholdTicks(quality[0], o.threshold), thresholdTicks(quality[1], o.threshold)] as const;
  const clocks = [quality[0].clock, quality[1].clock] as const;
  const median = (q: FileQuality) => q.clocks?.median ?? NaN;
  const evidence = { names, gridUs: params.gridUs, steps: moves.steps, bothMove: moves.bothMove, threshold: o.threshold, jumps: jumps.native, thresholdTicks: ticks, chancePairsMean: chancePairs?.mean ?? 0, nonextantShares, still: [moves.zeroA === moves.steps, moves.zeroB === moves.steps] as const };
  return {
    files,
    names,
    params,
    span,
    moves,
    jumps,
    thresholdTicks: ticks,
    chancePairs,
    nonextantShares,
    clocks,
    alignment: alignment({ names, clocks, medianLatency: [median(quality[0]), median(quality[1])], resolutionUs: params.gridUs }),
    assessments: span === null ? [] : [assessPair(evidence), assessXcorr(evidence), assessHy(evidence)],
  };
}

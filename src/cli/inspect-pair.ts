/**
 * `inspect`'s per-pair facts: one pass over two quote files as the analyses read them (with
 * --skip-bad-rows, so a bad row never stops it), in one time order, into the kernels — the
 * overlap, grid moves (xcorr's effective sample), jumps at θ (pair's raw material) — then
 * plain-words judgements and the clock alignment from the per-file scans.
 */
import type { Context } from './context.js';
import { openQuoteFiles } from './inputs.js';
import { analysisParamsOf, type InputSlot, type JumpCliOptions, type ReaderCliOptions } from './options.js';
import { pumpMerged, sliceTicks } from './pump.js';
import { GridAligner } from '../core/align.js';
import { alignment, assessPair, assessXcorr, type Alignment, type Assessment, type ClockKind } from '../core/assess.js';
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
  /** One judgement per estimator (pair, xcorr), in that order. */
  readonly assessments: readonly Assessment[];
}

/**
 * The kernels of the pass, fed collapsed ticks of both markets in one time order.
 * Two further facts plug in here once their kernels exist: the HY nonextant shares
 * (docs/definitions.md §8: a HyState fed in `push` as `hy.push(market, t.t, t.price, t.length)`,
 * its finished parts' nonextant counts over its tick counts) and the chance pairs implied by
 * the jump counts (§10: `chancePairs(a.native, b.native, span, D, step)` in `finish`).
 */
class PairScan {
  readonly a: MarketJumps;
  readonly b: MarketJumps;
  private readonly moves = new MoveCounter();
  private readonly aligner: GridAligner;

  constructor(private readonly params: AnalysisParams) {
    this.a = new MarketJumps(params);
    this.b = new MarketJumps(params);
    this.aligner = new GridAligner(params.gridUs, this.moves);
  }

  push(market: 0 | 1, t: TickBatch): void {
    if (market === 0) {
      this.a.push(t);
      this.aligner.pushA(t.t, t.price, t.length);
    } else {
      this.b.push(t);
      this.aligner.pushB(t.t, t.price, t.length);
    }
  }

  finish(): { span: Span | null; moves: MoveSummary; jumps: PairInspection['jumps'] } {
    this.a.finish();
    this.b.finish();
    this.aligner.finish();
    const span = spanOf(this.a, this.b) ?? null;
    if (span === null) return { span, moves: this.moves.summary(), jumps: { native: [0, 0], locf: [0, 0] } };
    const D = this.params.pairWindowUs;
    const native = pairSortedJumps(this.a.native, this.b.native, span, D);
    const locf = pairSortedJumps(this.a.locf, this.b.locf, span, D);
    return { span, moves: this.moves.summary(), jumps: { native: [native.totalA, native.totalB], locf: [locf.totalA, locf.totalB] } };
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
  await pumpMerged(sources, (market, batch, from, to) => scan.push(market as 0 | 1, sliceTicks(batch, from, to)));
  const { span, moves, jumps } = scan.finish();
  const names = o.names;
  const ticks = [thresholdTicks(quality[0], o.threshold), thresholdTicks(quality[1], o.threshold)] as const;
  const clocks = [quality[0].clock, quality[1].clock] as const;
  const median = (q: FileQuality) => q.clocks?.median ?? NaN;
  const evidence = { names, gridUs: params.gridUs, steps: moves.steps, bothMove: moves.bothMove, threshold: o.threshold, jumps: jumps.native, thresholdTicks: ticks };
  return {
    files,
    names,
    params,
    span,
    moves,
    jumps,
    thresholdTicks: ticks,
    clocks,
    alignment: alignment({ names, clocks, medianLatency: [median(quality[0]), median(quality[1])], resolutionUs: params.gridUs }),
    assessments: span === null ? [] : [assessPair(evidence), assessXcorr(evidence)],
  };
}

/**
 * `inspect`'s data-quality facts about a pair of quote files, measured in `report`'s one read
 * instead of inspect's own scans: how often each market moves on the grid and where both move
 * (xcorr's effective sample), each market's tick size (on its first TICK_SAMPLE ticks) and
 * price range (θ in ticks), and the estimators' judgements (core/assess.ts) with the jump
 * counts and chance pairs pair found and hy's nonextant shares. What needs the raw
 * rows (gaps, bad-row kinds, a file's second clock) stays with `leadlag inspect`.
 */
import { GridAligner } from '../core/align.js';
import { assessHy, assessPair, assessXcorr, type Assessment } from '../core/assess.js';
import { MoveCounter, type MoveSummary } from '../core/moves.js';
import { TickSize, type TickSummary } from '../core/ticksize.js';
import { ALL_TIME, type TimeRange } from '../core/parts.js';
import type { TickBatch } from '../core/types.js';
import type { ReadReport } from '../io/types.js';
import type { TwoMarketPass } from './inputs.js';

/** One market's facts. */
export interface MarketQuality {
  readonly file: string;
  readonly format: string;
  readonly timeColumn: string;
  readonly rows: number;
  readonly ticks: number;
  readonly skippedRows: number;
  readonly firstUs: number;
  readonly lastUs: number;
  readonly tick: TickSummary;
  readonly priceMin: number;
  readonly priceMax: number;
  /** θ times the middle of the price range over the tick size (inspect's θ in ticks); NaN when unknown. */
  readonly thresholdTicks: number;
}

/** The pair's facts, before the jump counts are known; moves are undefined when another pass measures them. */
export interface QualityScan {
  readonly markets: readonly [MarketQuality, MarketQuality];
  readonly moves?: MoveSummary;
}

export interface PairQuality {
  readonly markets: readonly [MarketQuality, MarketQuality];
  /** Grid steps, and steps where both markets move; zero-return counts only when measured here. */
  readonly moves: { readonly steps: number; readonly bothMove: number; readonly zeroA?: number; readonly zeroB?: number };
  readonly jumps: { readonly native: readonly [number, number]; readonly locf: readonly [number, number] };
  readonly assessments: readonly Assessment[];
}

/**
 * Ticks of each market the tick size is measured on. The tick is the smallest price increment,
 * which a market shows within its first minutes; measuring it on every one of tens of millions
 * of ticks would cost the one-pass report a tenth of its time for the same number.
 */
export const TICK_SAMPLE = 1 << 20;

class PriceFacts {
  readonly tick = new TickSize();
  private seen = 0;
  min = Infinity;
  max = -Infinity;

  push(b: TickBatch): void {
    const p = b.price;
    for (let i = 0; i < b.length; i++) {
      if (p[i]! < this.min) this.min = p[i]!;
      if (p[i]! > this.max) this.max = p[i]!;
    }
    const sampled = Math.max(0, Math.min(b.length, TICK_SAMPLE - this.seen));
    for (let i = 0; i < sampled; i++) this.tick.push(b.bid[i]!, b.ask[i]!, p[i]!);
    this.seen += sampled;
  }
}

/**
 * The quality scan as a pass over the analysed range (the whole files without --start/--end, as
 * inspect reads them). With `countMoves` false the grid moves are left to xcorr: its lag-0 N
 * and N_eff are inspect's steps and steps where both move (one aligner fewer in the read).
 */
export function qualityPass(gridUs: number, threshold: number, range: TimeRange = ALL_TIME, countMoves = true): TwoMarketPass<QualityScan> {
  const moves = countMoves ? new MoveCounter() : undefined;
  const aligner = moves === undefined ? undefined : new GridAligner(gridUs, moves);
  const prices = [new PriceFacts(), new PriceFacts()] as const;
  return {
    plan: { range, margin: 0 },
    consumer: {
      pushA: (b) => {
        prices[0].push(b);
        aligner?.pushA(b.t, b.price, b.length);
      },
      pushB: (b) => {
        prices[1].push(b);
        aligner?.pushB(b.t, b.price, b.length);
      },
      endA: () => aligner?.endA(),
      endB: () => aligner?.endB(),
    },
    finish: (reads) => {
      aligner?.finish();
      return { markets: [marketOf(reads[0], prices[0], threshold), marketOf(reads[1], prices[1], threshold)], moves: moves?.summary() };
    },
  };
}

function marketOf(r: ReadReport, p: PriceFacts, threshold: number): MarketQuality {
  const tick = p.tick.summary();
  return {
    file: r.file,
    format: r.format,
    timeColumn: r.timeColumn,
    rows: r.rows,
    ticks: r.records,
    skippedRows: r.skipped.reduce((s, k) => s + k.count, 0),
    firstUs: r.firstTime,
    lastUs: r.lastTime,
    tick,
    priceMin: p.min,
    priceMax: p.max,
    thresholdTicks: (threshold * (p.min + p.max)) / 2 / tick.tick,
  };
}

/** What the other analyses measured that inspect's judgements read. */
export interface AnalysedFacts {
  readonly moves: PairQuality['moves'];
  /** pair's Table 1 totals per feed. */
  readonly jumps: PairQuality['jumps'];
  /** pair's native-feed chance pairs (mean of the shifted copies). */
  readonly chancePairsMean: number;
  /** hy's nonextant shares (they concern U(0), whatever the lattice). */
  readonly nonextantShares: readonly [number | null, number | null];
  /** Per market, whether its price never changes in the span (hy's realised variance is 0). */
  readonly still?: readonly [boolean, boolean];
  /** xcorr's lag with the most steps where both move (report), for the xcorr judgement. */
  readonly bestCoMove?: { readonly lagUs: number; readonly steps: number; readonly bothMove: number };
}

/** The judgements of inspect (core/assess.ts) on these facts and what pair, xcorr and hy measured. */
export function judgeQuality(scan: QualityScan, f: AnalysedFacts, names: readonly [string, string], gridUs: number, threshold: number): PairQuality {
  const ticks = [scan.markets[0].thresholdTicks, scan.markets[1].thresholdTicks] as const;
  const evidence = { names, gridUs, steps: f.moves.steps, bothMove: f.moves.bothMove, threshold, jumps: f.jumps.native, thresholdTicks: ticks, chancePairsMean: f.chancePairsMean, nonextantShares: f.nonextantShares, still: stillOf(f), ...(f.bestCoMove === undefined ? {} : { bestCoMove: f.bestCoMove }) };
  return { markets: scan.markets, moves: f.moves, jumps: f.jumps, assessments: [assessPair(evidence), assessXcorr(evidence), assessHy(evidence)] };
}

/** Per market, whether it never moves: flat on the grid where the scan counted its zero returns (as inspect judges it), else by hy's realised variance. */
function stillOf(f: AnalysedFacts): readonly [boolean, boolean] | undefined {
  return f.moves.zeroA === undefined || f.moves.zeroB === undefined ? f.still : [f.moves.zeroA === f.moves.steps, f.moves.zeroB === f.moves.steps];
}

/**
 * `pair` as one state (docs/definitions.md §1–3, §11): consumes both markets' ticks in time
 * order, and finishes into Table 1's parts per time cell for each feed. The span's table, a
 * window's, a range's and a regime's are merges of these parts.
 */
import type { TimeRange } from './parts.js';
import type { CellParts } from './parts.js';
import { MarketJumps } from './market.js';
import { pairPartsByCell, type PairCounts } from './pair-parts.js';
import { pairSortedJumps, spanOf } from './pairing.js';
import type { AnalysisParams, Span, TickBatch } from './types.js';

export type JumpFeed = 'native' | 'locf';

export interface PairParts {
  /** The span of the data read (docs/definitions.md §1), before any range cut; pairing runs over it. */
  readonly dataSpan: Span;
  /** Per feed: Table 1's parts by cell, counting only times in the range. */
  readonly feeds: Readonly<Record<JumpFeed, CellParts<PairCounts>>>;
}

export class PairAnalysis {
  private readonly a: MarketJumps;
  private readonly b: MarketJumps;

  /**
   * @param cellUs cell length (Infinity: one cell).
   * @param range the times counted, [S, E).
   */
  constructor(
    private readonly params: AnalysisParams,
    private readonly cellUs: number,
    private readonly range: TimeRange,
  ) {
    this.a = new MarketJumps(params);
    this.b = new MarketJumps(params);
  }

  pushA(batch: TickBatch): void {
    this.a.push(batch);
  }

  pushB(batch: TickBatch): void {
    this.b.push(batch);
  }

  /** Jumps found so far of market A (for classify's triggers). */
  get marketA(): MarketJumps {
    return this.a;
  }

  get marketB(): MarketJumps {
    return this.b;
  }

  /** Pairs each feed over the data span and cuts the result into parts; undefined when the markets do not overlap. */
  finish(feeds: readonly JumpFeed[] = ['native', 'locf']): PairParts | undefined {
    this.a.finish();
    this.b.finish();
    const dataSpan = spanOf(this.a, this.b);
    if (dataSpan === undefined) return undefined;
    const out = {} as Record<JumpFeed, CellParts<PairCounts>>;
    for (const feed of feeds) {
      const r = pairSortedJumps(this.a[feed], this.b[feed], dataSpan, this.params.pairWindowUs);
      out[feed] = pairPartsByCell(r, this.a[feed], this.b[feed], this.cellUs, this.range);
    }
    return { dataSpan, feeds: out };
  }
}

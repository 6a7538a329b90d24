/**
 * `pair` as one state (docs/definitions.md §1–3, §11): consumes both markets' ticks in time
 * order, and finishes into Table 1's parts per time cell for each feed. The span's table, a
 * window's, a range's and a regime's are merges of these parts.
 */
import type { TimeRange } from './parts.js';
import type { CellParts } from './parts.js';
import { MarketJumps } from './market.js';
import { addChancePairs, pairPartsByCell, type PairCounts } from './pair-parts.js';
import { pairSortedJumps, spanOf } from './pairing.js';
import { chanceShifts, shiftedInSpan } from './chance.js';
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
   * @param nullStepUs the chance pairs' shift step (docs/definitions.md §10); undefined: no chance pairs.
   */
  constructor(
    private readonly params: AnalysisParams,
    private readonly cellUs: number,
    private readonly range: TimeRange,
    private readonly nullStepUs?: number,
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
      if (this.nullStepUs !== undefined) this.fileChancePairs(out[feed], feed, dataSpan);
    }
    return { dataSpan, feeds: out };
  }

  /**
   * Chance pairs (§10) by the time rules of §11: B's jumps in the data span shifted by each δ,
   * paired with A's over the data span, each chance pair filed under its leader's time. Under a
   * range the shifted copies are those of all the data read, so a range's chance pairs are those
   * the same window of a longer run holds (the reader's margin covers the largest shift).
   * Cost: 20 pairings, O(20·(n_A + n_B)).
   */
  private fileChancePairs(parts: CellParts<PairCounts>, feed: JumpFeed, dataSpan: Span): void {
    chanceShifts(this.nullStepUs!).forEach((delta, i) => {
      const shifted = shiftedInSpan(this.b[feed], dataSpan, delta);
      const r = pairSortedJumps(this.a[feed], shifted, dataSpan, this.params.pairWindowUs);
      addChancePairs(parts, r, this.a[feed], shifted, i);
    });
  }
}

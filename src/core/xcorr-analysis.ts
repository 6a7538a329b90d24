/**
 * `xcorr` as one state (docs/definitions.md §4, §11): consumes both markets' ticks in time
 * order through the grid aligner and finishes into Table 2. One implementation of the lagged
 * sums serves every cut: the streaming correlator (xcorr.ts) files them per time cell
 * (xcorr-cells.ts). Table 2 of every run — whole, ranged, windowed, or a state's range — is the
 * left fold in time order of the rows of the blocks (--block, L, on the absolute clock, cut at
 * the range's ends), and the bootstrap resamples those rows; `--by` windows and regimes are
 * merges of fine cells (xcorr-parts.ts). A run that reads no block row — no bootstrap, no
 * windows, no state — folds each block as soon as it is final and forgets it (`fold`), so its
 * memory holds the blocks still open, not the span; the fold is the same, bit for bit.
 */
import { GridAligner, type GridSpan } from './align.js';
import { ALL_TIME, type TimeRange } from './parts.js';
import { cutCells, fineCellLength, type TimeCells } from './cells.js';
import { RangeFold, rangeCells, XcorrKeyedParts, type RangeCells } from './xcorr-parts.js';
import { DEFAULT_CELL_US, foldRows, tableOfRow, type XcorrParts } from './xcorr-cells.js';
import { LagCorrelator, type LagResult } from './xcorr.js';
import type { TickBatch } from './types.js';

export interface XcorrState {
  readonly grid: GridSpan;
  /** Table 2 over the span (cut to the range): the left fold of `cells.rows`. */
  readonly lags: readonly LagResult[];
  /** The blocks of the span (cut to the range) in time order: what a state stores; undefined when folded as they came. */
  readonly cells?: RangeCells;
  /** The bootstrap blocks (the rows of `cells`); undefined without the bootstrap. */
  readonly blocks?: XcorrParts;
  /** The parts by window when the analysis has windows, else undefined. */
  readonly parts?: XcorrKeyedParts;
}

export class XcorrAnalysis {
  private readonly aligner: GridAligner;
  private readonly correlator: LagCorrelator;
  /** The blocks (table 0 of the correlator). */
  private readonly blockCells: TimeCells;
  /** The fine cells of the windows and the correlator's table holding them; undefined without windows. */
  private readonly fine?: { readonly cells: TimeCells; readonly index: number };
  /** The running fold of the final blocks, when they are not kept. */
  private readonly fold?: RangeFold;

  /**
   * @param cellUs window length in µs (Infinity: no windows).
   * @param range grid points counted, n·G in [S, E).
   * @param blockUs L, the block length in µs (> 0): Table 2 is folded over blocks of L whether
   *   or not the bootstrap runs, so that its bits do not depend on --bootstrap or --by.
   * @param bootstrap whether finish() returns the blocks for the bootstrap.
   * @param options.fold fold each block into Table 2 once final and drop it (no bootstrap, no
   *   windows; finish() then has no `cells`): memory O(open blocks · lags) instead of O(blocks · lags).
   * @param options.maxTableDoubles the correlator's cap on a cell table (tests pass a small one).
   * @throws RangeError for `fold` with the bootstrap or windows, which read the blocks.
   */
  constructor(
    private readonly lags: readonly number[],
    gridUs: number,
    private readonly cellUs = Infinity,
    private readonly range: TimeRange = ALL_TIME,
    private readonly blockUs = DEFAULT_CELL_US,
    private readonly bootstrap = true,
    options: { readonly fold?: boolean; readonly maxTableDoubles?: number } = {},
  ) {
    if (options.fold === true && (bootstrap || cellUs !== Infinity)) throw new RangeError('XcorrAnalysis: fold goes without the bootstrap and windows, which read the blocks');
    this.blockCells = cutCells(blockUs, range);
    const cells = [this.blockCells];
    if (cellUs !== Infinity) {
      // Windows that are whole blocks read the blocks; others need cells of the windows (and of
      // the blocks inside them, for their bootstrap).
      const fineUs = cellUs % blockUs === 0 ? blockUs : fineCellLength(bootstrap ? blockUs : 0, cellUs);
      this.fine = fineUs === blockUs ? { cells: this.blockCells, index: 0 } : { cells: cutCells(fineUs, range), index: 1 };
      if (this.fine.index === 1) cells.push(this.fine.cells);
    }
    const fold = options.fold === true ? new RangeFold(lags.length, this.blockCells, range, blockUs) : undefined;
    this.fold = fold;
    this.correlator = new LagCorrelator([...lags], { gridUs, cells, onFinal: fold === undefined ? undefined : (p) => fold.add(p), maxTableDoubles: options.maxTableDoubles });
    this.aligner = new GridAligner(gridUs, this.correlator);
  }

  pushA(b: TickBatch): void {
    this.aligner.pushA(b.t, b.price, b.length);
  }

  pushB(b: TickBatch): void {
    this.aligner.pushB(b.t, b.price, b.length);
  }

  endA(): void {
    this.aligner.endA();
  }

  endB(): void {
    this.aligner.endB();
  }

  /** Table 2, its blocks and the windows' parts; undefined when the markets do not overlap. */
  finish(): XcorrState | undefined {
    const grid = this.aligner.finish();
    if (grid === undefined) return undefined;
    if (this.fold !== undefined) return { grid, lags: tableOfRow(this.fold.result(this.correlator.finalParts(0)), this.lags) };
    // The run is over: the correlator's tables are read in place, once (finalParts).
    const all = this.correlator.finalParts(0);
    const fine = this.fine;
    const cells = rangeCells(all, this.blockCells, this.range, this.blockUs, fine?.index !== 0);
    const lags = tableOfRow(foldRows(this.lags.length, cells.rows), this.lags);
    const blocks = this.bootstrap ? cells.blocks : undefined;
    const fineParts = fine === undefined ? undefined : fine.index === 0 ? all : this.correlator.finalParts(fine.index);
    const parts = fine === undefined ? undefined : new XcorrKeyedParts(fineParts!, fine.cells, this.cellUs, this.range, this.bootstrap ? this.blockUs : 0);
    return { grid, lags, cells, blocks, parts };
  }
}

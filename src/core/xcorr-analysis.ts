/**
 * `xcorr` as one state (docs/definitions.md §4, §11): consumes both markets' ticks in time
 * order through the grid aligner and finishes into Table 2. One implementation of the lagged
 * sums serves every cut: the streaming correlator (xcorr.ts) files them per time cell
 * (xcorr-cells.ts). Uncut, the cells are the bootstrap blocks and Table 2 is the correlator's
 * own; cut by a range or windows, the cells are fine cells (xcorr-parts.ts) and the range's,
 * every window's and every regime's table and bootstrap blocks are merges of them.
 */
import { GridAligner, type GridSpan } from './align.js';
import { ALL_TIME, isCut, type TimeRange } from './parts.js';
import { cutCells, fineCellLength, fixedCells, type TimeCells } from './cells.js';
import { blockParts, tableOfRow, XcorrKeyedParts } from './xcorr-parts.js';
import type { XcorrParts } from './xcorr-cells.js';
import { LagCorrelator, type LagResult } from './xcorr.js';
import type { TickBatch } from './types.js';

export interface XcorrState {
  readonly grid: GridSpan;
  /** Table 2 over the span (cut to the range). */
  readonly lags: readonly LagResult[];
  /** The bootstrap blocks of the span (cut to the range), cells = blocks; undefined without blocks. */
  readonly blocks?: XcorrParts;
  /** The parts by window when the analysis was cut by time, else undefined. */
  readonly parts?: XcorrKeyedParts;
}

export class XcorrAnalysis {
  private readonly aligner: GridAligner;
  private readonly correlator: LagCorrelator;
  /** The cells the correlator files under (none when neither cut nor bootstrapped). */
  private readonly cells?: TimeCells;
  private readonly cut: boolean;

  /**
   * @param cellUs window length in µs (Infinity: no windows).
   * @param range grid points counted, n·G in [S, E).
   * @param blockUs bootstrap block length in µs (0: no bootstrap blocks).
   * @param keepParts cut into parts even without windows or a range.
   */
  constructor(
    private readonly lags: readonly number[],
    gridUs: number,
    private readonly cellUs = Infinity,
    private readonly range: TimeRange = ALL_TIME,
    private readonly blockUs = 0,
    /** Keep the range's parts even uncut (a state of all time: its parts are what merge reads). */
    keepParts = false,
  ) {
    this.cut = keepParts || isCut(cellUs, range);
    if (this.cut) this.cells = cutCells(fineCellLength(blockUs, cellUs), range);
    else if (blockUs > 0) this.cells = fixedCells(blockUs);
    this.correlator = new LagCorrelator([...lags], { gridUs, cells: this.cells === undefined ? [] : [this.cells] });
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

  /** Table 2 (and the parts when cut); undefined when the markets do not overlap. */
  finish(): XcorrState | undefined {
    const grid = this.aligner.finish();
    if (grid === undefined) return undefined;
    if (!this.cut) {
      // Uncut: the correlator's own sums (compensated over the whole span); its cells are the blocks.
      return { grid, lags: this.correlator.result(), blocks: this.cells === undefined ? undefined : this.correlator.parts(0) };
    }
    const parts = new XcorrKeyedParts(this.correlator.parts(0), this.cells!, this.cellUs, this.range, this.blockUs);
    const whole = parts.whole();
    return { grid, lags: tableOfRow(whole.row, this.lags), blocks: this.blockUs > 0 ? blockParts(this.lags, whole.blocks) : undefined, parts };
  }
}

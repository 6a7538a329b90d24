/**
 * `xcorr` as one state (docs/definitions.md §4, §11): consumes both markets' ticks in time
 * order through the grid aligner and finishes into Table 2. Cut by time (a range or cells),
 * it keeps the lagged sums per cell (lag-parts.ts) and every table is a merge of cells; over
 * the whole span, uncut, it keeps the streaming correlator's sums (xcorr.ts).
 */
import { GridAligner, type GridSpan } from './align.js';
import { ALL_TIME, type CellParts, type TimeRange } from './parts.js';
import type { TimeCells } from './cells.js';
import { LagPartsSink, lagResultsOf, type LagSums } from './lag-parts.js';
import { LagCorrelator, type LagResult } from './xcorr.js';
import type { TickBatch } from './types.js';

export interface XcorrState {
  readonly grid: GridSpan;
  /** Table 2 over the span (cut to the range). */
  readonly lags: readonly LagResult[];
  /** The parts by cell when the analysis was cut by time, else undefined. */
  readonly parts?: CellParts<LagSums>;
}

export class XcorrAnalysis {
  private readonly aligner: GridAligner;
  /** The streaming correlator over the whole span (uncut runs), with its bootstrap blocks. */
  readonly correlator?: LagCorrelator;
  private readonly sink?: LagPartsSink;

  /**
   * @param cellUs cell length in µs (Infinity: no cells).
   * @param range grid points counted, n·G in [S, E).
   * @param blocks bootstrap blocks of the uncut correlator (xcorr.ts); unused when cut.
   */
  constructor(
    private readonly lags: readonly number[],
    gridUs: number,
    cellUs = Infinity,
    range: TimeRange = ALL_TIME,
    blocks: readonly TimeCells[] = [],
  ) {
    if (isCut(cellUs, range)) this.sink = new LagPartsSink(lags, gridUs, cellUs, range);
    else this.correlator = new LagCorrelator([...lags], { gridUs, cells: blocks });
    this.aligner = new GridAligner(gridUs, (this.sink ?? this.correlator)!);
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
    if (this.correlator) return { grid, lags: this.correlator.result() };
    const sink = this.sink!;
    sink.seal(grid.n1);
    return { grid, lags: lagResultsOf(sink.parts.merged(), this.lags), parts: sink.parts };
  }
}

/** True when the analysis is cut by time (cells or a bounded range) and keeps parts per cell. */
export function isCut(cellUs: number, range: TimeRange): boolean {
  return cellUs !== Infinity || range.start !== ALL_TIME.start || range.end !== ALL_TIME.end;
}

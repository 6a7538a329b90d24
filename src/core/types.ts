/**
 * Column batches that flow from the I/O layer into the analysis kernels.
 *
 * Times are integer microseconds since the Unix epoch stored in a Float64Array
 * (exact up to 2^53 µs, i.e. the year 287396). Batches are views: a kernel reads
 * indices [0, length) and never mutates them. A batch is lent for the push that hands it over:
 * the commands' readers take its buffer back to fill again once the next batch is asked for
 * (ReadOptions.lend, src/io/types.ts), so a kernel copies whatever it keeps of it.
 */

/** Collapsed quote ticks of one market (docs/definitions.md §1): times strictly increasing within and across batches. */
export interface TickBatch {
  readonly length: number;
  /** µs since the epoch, integer-valued, strictly increasing. */
  readonly t: Float64Array;
  /** Mid = (bid + ask) / 2 for quote files, the price column otherwise. */
  readonly price: Float64Array;
  /** Best bid; equals `price` when the source has a price column only. */
  readonly bid: Float64Array;
  /** Best ask; equals `price` when the source has a price column only. */
  readonly ask: Float64Array;
}

/** Trades of one market in non-decreasing time order (several trades may share a time). */
export interface TradeBatch {
  readonly length: number;
  /** µs since the epoch, integer-valued, non-decreasing. */
  readonly t: Float64Array;
  readonly price: Float64Array;
  /** Traded quantity (base units), > 0. */
  readonly qty: Float64Array;
  /** Aggressor side from the file's own column: +1 buyer, −1 seller, 0 when the file has none. */
  readonly side: Int8Array;
}

/** Analysis parameters shared by every command (docs/definitions.md notation θ, W, D, G). */
export interface JumpParams {
  /** θ as a fraction (0.0007 = 0.07 %), > 0. */
  readonly threshold: number;
  /** W in µs, > 0. */
  readonly windowUs: number;
}

export interface AnalysisParams extends JumpParams {
  /** D in µs, ≥ 0. */
  readonly pairWindowUs: number;
  /** G in µs, integer > 0. */
  readonly gridUs: number;
}

/** The analysis span [T_start, T_end] in µs (docs/definitions.md §1). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Per-market streaming driver for `pair`: runs the docs/definitions.md §2 detector on both
 * feeds of one market as its tick batches arrive.
 */
import { LocfGrid } from './grid.js';
import { JumpDetector } from './jumps.js';
import { JumpList } from './jumplist.js';
import type { AnalysisParams, TickBatch } from './types.js';

/**
 * Jumps of one market on the native feed (the collapsed ticks) and on the LOCF
 * grid feed (grid points n·G from the first multiple ≥ the first tick to the last
 * multiple ≤ the last tick; a grid jump's time is its grid point).
 *
 * All jumps are kept, history included: restricting to the analysis span is
 * pairing's job, since the span depends on the other market.
 *
 * Cost: O(1) amortized per tick for each feed. The grid feed is driven by
 * constant runs (`LocfGrid.runs` + `JumpDetector.pushRun`), so an idle gap costs
 * O(1), not one step per grid point. Memory: the jumps plus the busiest
 * window.
 */
export class MarketJumps {
  /** Jumps of the native feed, in time order. */
  readonly native = new JumpList();
  /** Jumps of the grid (LOCF) feed, at grid times, in time order. */
  readonly locf = new JumpList();
  private first = NaN;
  private last = NaN;
  private count = 0;
  /** Price of the last tick pushed (valid once count > 0). */
  private lastPrice = NaN;
  /** Time of the last tick handed to the detectors. */
  private lastPushed = -Infinity;

  private readonly nativeDetector: JumpDetector;
  private readonly gridDetector: JumpDetector;
  private readonly grid: LocfGrid;
  private finished = false;

  /** @throws RangeError on invalid θ, W or G (see JumpDetector, LocfGrid). */
  constructor(params: AnalysisParams) {
    this.nativeDetector = new JumpDetector(params);
    this.gridDetector = new JumpDetector(params);
    // The grid's runs are taken from its fields (advance/close, then takeRun), not through a
    // callback: the times would be boxed at every call V8 does not inline.
    this.grid = LocfGrid.runs(params.gridUs, () => {});
  }

  /** The grid run the last advance or close made final, to the grid detector. */
  private takeRun(): void {
    const grid = this.grid;
    const sign = this.gridDetector.pushRun(grid.runFirst, grid.runLast, grid.runValue);
    if (sign !== 0) this.locf.push(grid.runFirst, sign);
  }

  /** Time (µs) of the first tick, NaN before any. */
  get firstTime(): number {
    return this.first;
  }

  /** Time (µs) of the last tick, NaN before any. */
  get lastTime(): number {
    return this.last;
  }

  /** Ticks pushed so far. */
  get ticks(): number {
    return this.count;
  }

  /**
   * Feeds a batch of collapsed ticks (times strictly increasing within and
   * across batches). The batch is read, never kept.
   *
   * @throws RangeError when times do not increase strictly, or after finish().
   */
  push(batch: TickBatch): void {
    if (this.finished) throw new RangeError('MarketJumps.push after finish()');
    const n = batch.length;
    if (n === 0) return;
    const t = batch.t;
    this.lastPushed = this.feed(t, batch.price, n);
    // feed's last distinct price is the batch's last price (prices are > 0 and finite).
    this.lastPrice = batch.price[n - 1]!;
    if (this.count === 0) this.first = t[0]!;
    this.last = t[n - 1]!;
    this.count += n;
  }

  /**
   * The batch's ticks to the detectors; returns the time of the last tick handed on. A tick
   * that repeats the previous tick's price is never a jump and changes no later decision on
   * either feed (JumpDetector.pushRun proves it; on the grid it only splits a constant run in
   * two), so it is skipped: most quote updates change a size, not the mid.
   *
   * The loop is a function of its own, whose fields are read on every call, the first included
   * (lastPrice NaN and last NaN, taken as −∞, before any tick), and nothing after the loop but
   * its return: V8 compiles the loop mid-batch, and code that had not run by then (a field
   * read only from the second call on, the fields' stores after the loop) had no type feedback
   * in the compiled code, which V8 kept and left there on every later batch, about 920 times
   * over the bench hour.
   */
  private feed(t: Float64Array, p: Float64Array, n: number): number {
    const detector = this.nativeDetector;
    const native = this.native;
    const grid = this.grid;
    let prev = this.lastPrice;
    const last = this.last;
    let before = last === last ? last : -Infinity;
    let pushed = this.lastPushed;
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      if (!(ti > before)) notIncreasing(ti, before);
      before = ti;
      const pi = p[i]!;
      if (pi !== prev) {
        prev = pi;
        pushed = ti;
        const sign = detector.push(ti, pi);
        if (sign !== 0) native.push(ti, sign);
        if (grid.advance(ti, pi)) this.takeRun();
      }
    }
    return pushed;
  }

  /**
   * Decides the grid points before the last tick now, even when that tick was skipped (it
   * repeats the price): it is pushed to the grid, which only splits a constant run and changes
   * no decision. For a consumer that needs each grid jump as soon as a later tick exists
   * (classify announces its triggers to the feature engine as they appear); otherwise a grid
   * jump waits for the next change of price, however late. O(1).
   */
  settle(): void {
    // A skipped last tick still extends the grid: its points up to that tick carry the price.
    if (this.count > 0 && this.last > this.lastPushed) {
      if (this.grid.advance(this.last, this.lastPrice)) this.takeRun();
      this.lastPushed = this.last;
    }
  }

  /** Flushes the last grid points. Call once after the last batch. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.settle();
    if (this.grid.close()) this.takeRun();
  }
}

function notIncreasing(t: number, before: number): never {
  throw new RangeError(`MarketJumps.push: time ${t} is not after the previous tick ${before}`);
}

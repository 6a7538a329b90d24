/**
 * Streaming last-observation-carried-forward onto the absolute grid g = n·G
 * (docs/definitions.md §2 grid feed, §4).
 *
 * For ticks t_0 < t_1 < … < t_last, the grid points are the multiples of G from
 * the first one ≥ t_0 to the last one ≤ t_last, and the value at g is the price
 * of the last tick with t ≤ g (a tick exactly on g sets g's value).
 */

/** Receives one grid point: g (µs, a multiple of G) and its value. */
export type PointSink = (g: number, v: number) => void;

/**
 * Receives the grid points gFirst, gFirst + G, …, gLast (µs, gFirst ≤ gLast),
 * all with value v. Consecutive runs are contiguous; two consecutive runs may
 * carry the same value (a tick that repeats the price starts a new run).
 */
export type RunSink = (gFirst: number, gLast: number, v: number) => void;

/**
 * LOCF grid builder. Push ticks in strictly increasing time, then `finish()`.
 *
 * A grid point is handed on as soon as it is final: the points before a tick
 * when that tick arrives, the last ones at `finish()`. Work per tick is O(1)
 * plus the points emitted; with a run sink (`LocfGrid.runs`) it is O(1) per
 * tick however long the gap, which matters at 86.4 M points per market-day.
 *
 * Times are integer µs (exact doubles); G must be an integer > 0 so every grid
 * point is computed exactly.
 */
export class LocfGrid {
  private readonly step: number;
  private emitRun: RunSink;
  private started = false;
  private lastT = -Infinity;
  private lastP = NaN;
  /**
   * The first grid point not yet emitted (set by the first tick). Grid points are µs times, not
   * small integers: the fields that hold them start as doubles, since a field that starts as a
   * small integer and later holds a double stores a fresh heap number at every write.
   */
  private nextG = NaN;
  /**
   * The run the last {@link advance} or {@link close} made final: grid points runFirst …
   * runLast (every G) with value runValue. For a caller that takes runs from these fields
   * instead of a callback: doubles handed to a call V8 does not inline are boxed (a heap
   * number each), which on the jump detectors' grid feed was most of the main thread's garbage.
   */
  runFirst = NaN;
  runLast = NaN;
  runValue = NaN;

  /**
   * Per-point interface: `emit(g, v)` is called once for every grid point in
   * increasing g.
   *
   * @throws RangeError when stepUs is not an integer > 0.
   */
  constructor(stepUs: number, emit: PointSink) {
    if (!(Number.isSafeInteger(stepUs) && stepUs > 0)) throw new RangeError(`grid step must be an integer number of µs > 0, got ${stepUs}`);
    this.step = stepUs;
    this.emitRun = (gFirst, gLast, v) => {
      for (let g = gFirst; g <= gLast; g += stepUs) emit(g, v);
    };
  }

  /** Run interface: the same points as the constructor's, delivered as constant runs. */
  static runs(stepUs: number, emitRun: RunSink): LocfGrid {
    const grid = new LocfGrid(stepUs, noop);
    grid.emitRun = emitRun;
    return grid;
  }

  /**
   * Feeds tick (t µs, price p) and emits the grid points before t, which no
   * later tick can change.
   *
   * @throws RangeError when t does not increase strictly.
   */
  push(t: number, p: number): void {
    if (this.advance(t, p)) this.emitRun(this.runFirst, this.runLast, this.runValue);
  }

  /** {@link push} without the callback: true when it made the run in runFirst … runValue final. */
  advance(t: number, p: number): boolean {
    if (!(t > this.lastT)) throw notAfter(t, this.lastT);
    let made = false;
    if (!this.started) {
      this.started = true;
      this.nextG = ceilMultiple(t, this.step);
    } else if (t > this.nextG) {
      // Points nextG … (the last multiple before t) are now final. The common case
      // t ≤ nextG (several ticks per grid step) has none and skips the division.
      const before = ceilMultiple(t, this.step) - this.step;
      made = this.setRun(this.nextG, before, this.lastP);
      this.nextG = before + this.step;
    }
    this.lastT = t;
    this.lastP = p;
    return made;
  }

  /** Emits the remaining grid points up to the last multiple ≤ the last tick. Idempotent. */
  finish(): void {
    if (this.close()) this.emitRun(this.runFirst, this.runLast, this.runValue);
  }

  /** {@link finish} without the callback: true when it made the run in runFirst … runValue final. */
  close(): boolean {
    if (!this.started) return false;
    const last = floorMultiple(this.lastT, this.step);
    if (last < this.nextG) return false;
    this.setRun(this.nextG, last, this.lastP);
    this.nextG = last + this.step;
    return true;
  }

  private setRun(first: number, last: number, value: number): true {
    this.runFirst = first;
    this.runLast = last;
    this.runValue = value;
    return true;
  }
}

function noop(): void {}

/** The error of a tick that does not follow the last one (built apart, so that advance stays small enough to inline). */
function notAfter(t: number, lastT: number): RangeError {
  return new RangeError(`LocfGrid.push: time ${t} is not after the previous tick ${lastT}`);
}

/** The largest multiple of step ≤ t, exact for integer t and step (|t| < 2^53). */
export function floorMultiple(t: number, step: number): number {
  let r = t % step;
  if (r < 0) r += step;
  return t - r;
}

/** The smallest multiple of step ≥ t, exact for integer t and step (|t| < 2^53). */
export function ceilMultiple(t: number, step: number): number {
  const f = floorMultiple(t, step);
  return f === t ? t : f + step;
}

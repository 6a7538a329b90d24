/**
 * Aligning two markets' tick streams on one LOCF grid (docs/definitions.md §4): the returns r_A[n], r_B[n] of
 * every grid point both markets have fixed, handed to a {@link ReturnSink} (the lagged
 * correlator of xcorr.ts), in memory independent of the data length.
 */

/** Where aligned returns go: one call per grid point n = n0+1, n0+2, … in order. */
export interface ReturnSink {
  /** Called once, before the first push, with n0 (the first grid point): push k is then r[n0 + k]. */
  begin?(n0: number): void;
  /** The returns of grid point n: rA = ln v_A[n] − ln v_A[n−1], rB likewise. */
  push(rA: number, rB: number): void;
  /** `count` consecutive grid points where both returns are exactly 0 (LOCF flat runs). */
  pushZeros(count: number): void;
}

/** The grid the returns were taken on (docs/definitions.md §4). Times in µs, grid indices n (grid point n·G). */
export interface GridSpan {
  /** T_start = max(first tick of A, first tick of B), µs. */
  readonly tStart: number;
  /** T_end = min(last tick of A, last tick of B), µs. */
  readonly tEnd: number;
  /** n0 = ceil(T_start / G): the first grid point. */
  readonly n0: number;
  /** n1 = floor(T_end / G): the last grid point (n1 < n0 when no grid point falls in the span). */
  readonly n1: number;
  /** Grid points n0..n1, i.e. max(0, n1 − n0 + 1). */
  readonly points: number;
  /** Log-returns per market, max(0, n1 − n0) (one per grid point after the first). */
  readonly returns: number;
}

/** Smallest integer n with n·G ≥ t. The division can round near a multiple; the products cannot (< 2^53). */
export function gridCeil(t: number, g: number): number {
  let n = Math.ceil(t / g);
  if ((n - 1) * g >= t) n--;
  else if (n * g < t) n++;
  return n;
}

/** Largest integer n with n·G ≤ t. */
function gridFloor(t: number, g: number): number {
  let n = Math.floor(t / g);
  if ((n + 1) * g <= t) n++;
  else if (n * g > t) n--;
  return n;
}

/**
 * Checks ticks [0, length) against the precondition the readers guarantee: times strictly
 * increasing, also after `last` (NaN before any tick), prices finite and > 0. A function of
 * its own, so that the loop V8 compiles mid-call has nothing after it: in append, the code
 * after this loop had no type feedback when the loop was compiled, and the compiled code,
 * which V8 kept, stopped there on most calls (inspect over the bench hour: up to 922 times).
 * @throws RangeError otherwise (a bug upstream, not bad input: readers reject that with file and line).
 */
function checkTicks(name: string, t: Float64Array, p: Float64Array, length: number, last: number): void {
  // A double from the start (the field is a boxed number): the loop's `previous` then stays
  // unboxed instead of boxing every tick's time.
  let previous = +last;
  for (let i = 0; i < length; i++) {
    const ti = t[i]!;
    if (!(ti > previous) && !(Number.isNaN(previous) && Number.isFinite(ti))) {
      throw new RangeError(`market ${name}: tick time ${ti} does not follow ${previous} (times must be strictly increasing)`);
    }
    const pi = p[i]!;
    if (!(pi > 0 && pi < Infinity)) throw new RangeError(`market ${name}: price ${pi} at time ${ti} is not a positive number`);
    previous = ti;
  }
}

/**
 * One market's ticks not yet consumed by the grid, and its LOCF value at the current grid point.
 * A FIFO of (t, price) in typed arrays, compacted on append; memory = ticks waiting for the other
 * market to catch up.
 */
class PendingTicks {
  private t = new Float64Array(1024);
  private p = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  /** First and last tick time ever appended (µs), NaN before the first. */
  first = NaN;
  last = NaN;
  /** Grid index at which the oldest pending tick takes effect, ceil(t/G); Infinity when none. */
  nextN = Infinity;
  /** ln of the LOCF value at the current grid point, and that value. */
  private logValue = NaN;
  private value = NaN;
  /** Ticks after this time are not stored (set when the other market has ended). */
  private limit = Infinity;
  /** No more ticks will come. */
  ended = false;

  constructor(
    private readonly name: string,
    private readonly g: number,
  ) {}

  get size(): number {
    return this.tail - this.head;
  }

  /**
   * Appends ticks [0, length) after checking the precondition the readers guarantee: times
   * strictly increasing (also across batches), prices finite and > 0.
   * @throws RangeError otherwise (a bug upstream, not bad input: readers reject that with file and line).
   */
  append(t: Float64Array, p: Float64Array, length: number): void {
    checkTicks(this.name, t, p, length, this.last);
    if (length === 0) return;
    if (Number.isNaN(this.first)) this.first = t[0]!;
    this.last = t[length - 1]!;
    let keep = length;
    while (keep > 0 && t[keep - 1]! > this.limit) keep--;
    if (keep === 0) return;
    this.reserve(keep);
    this.t.set(t.subarray(0, keep), this.tail);
    this.p.set(p.subarray(0, keep), this.tail);
    if (this.head === this.tail) this.nextN = gridCeil(t[0]!, this.g);
    this.tail += keep;
  }

  /**
   * The other market has ended at `time`: grid points after it are never emitted, so ticks
   * later than `time` need not be kept (they still count for `last`).
   */
  discardAfter(time: number): void {
    this.limit = time;
    while (this.tail > this.head && this.t[this.tail - 1]! > time) this.tail--;
    if (this.tail === this.head) this.nextN = Infinity;
  }

  private reserve(extra: number): void {
    if (this.tail + extra <= this.t.length) return;
    const size = this.tail - this.head;
    if (size + extra > this.t.length) {
      const capacity = Math.max(2 * this.t.length, size + extra);
      const t = new Float64Array(capacity);
      const p = new Float64Array(capacity);
      t.set(this.t.subarray(this.head, this.tail));
      p.set(this.p.subarray(this.head, this.tail));
      this.t = t;
      this.p = p;
    } else {
      this.t.copyWithin(0, this.head, this.tail);
      this.p.copyWithin(0, this.head, this.tail);
    }
    this.head = 0;
    this.tail = size;
  }

  /**
   * Moves the LOCF value to grid point n (consuming every pending tick with t ≤ n·G) and returns
   * the log-return ln v[n] − ln v[previous grid point]; 0 exactly when no tick moved the price
   * or no tick was pending. The first move that consumes a tick (no previous value) returns NaN.
   */
  moveTo(n: number): number {
    const limit = n * this.g;
    let i = this.head;
    while (i < this.tail && this.t[i]! <= limit) i++;
    if (i === this.head) return 0;
    const price = this.p[i - 1]!;
    this.head = i;
    // This store boxes a number per grid point (V8 boxes a conditional of a computed double and
    // the constant Infinity): about 40 MB of garbage per half hour of the bench data. Two stores,
    // one per branch, would not box; but then the main thread's young generation fills more
    // slowly, the readers' transferred batches wait longer for a collection, and xcorr's peak
    // memory rose by 50–80 MB (over 300 MB on .gz input). The commands' batches are now lent
    // (reused, in shared slots, never collected), and two stores measured no faster then
    // (docs/performance.md); not measured again since the slots.
    this.nextN = i < this.tail ? gridCeil(this.t[i]!, this.g) : Infinity;
    // Most ticks repeat the price (a size changed): the same value returns exactly 0, as
    // ln p − ln p does, without the log.
    if (price === this.value) return 0;
    this.value = price;
    const log = Math.log(price);
    const r = log - this.logValue;
    this.logValue = log;
    return r;
  }
}

/**
 * Turns two markets' tick streams into aligned grid log-returns (docs/definitions.md §4) for a {@link ReturnSink}.
 *
 * Grid points n·G (µs) for n0 = ceil(T_start/G) … n1 = floor(T_end/G); each market's value at
 * g is the price of its last tick with t ≤ g (ticks before T_start count as history); the sink
 * gets (r_A[n], r_B[n]) = (ln v_A[n] − ln v_A[n−1], …) for n = n0+1 … n1, runs where neither
 * value moves as one pushZeros call.
 *
 * Feed each market's ticks in order with pushA / pushB, interleaved in any way, call endA / endB
 * when a stream is exhausted, then finish(). Grid point n is emitted as soon as both markets
 * have a tick at or after n·G (its value can no longer change: times are strictly increasing),
 * so memory holds only the ticks of the market that is ahead beyond the last tick of the one
 * behind (before the other market's first tick is known: every tick so far). The caller
 * bounds it by reading the lagging stream first and by calling endA / endB; without them the
 * tail of the longer stream past the end of the shorter one is buffered until finish().
 * Per tick O(1) amortised; per grid point O(1) plus the sink's cost.
 */
export class GridAligner {
  private readonly a: PendingTicks;
  private readonly b: PendingTicks;
  /** Last grid index whose returns have been emitted (n0 once started). */
  private done = NaN;
  private finished = false;

  /**
   * @param gridUs G in µs, > 0 (an integer in practice; grid points are exact multiples of it).
   * @throws RangeError when gridUs is not a positive finite number.
   */
  constructor(
    readonly gridUs: number,
    private readonly sink: ReturnSink,
  ) {
    if (!(gridUs > 0 && gridUs < Infinity)) throw new RangeError(`grid step ${gridUs} µs is not a positive number`);
    this.a = new PendingTicks('A', gridUs);
    this.b = new PendingTicks('B', gridUs);
  }

  /** Ticks of market A: times (µs) strictly increasing within and across calls, prices > 0. */
  pushA(t: Float64Array, price: Float64Array, length: number = t.length): void {
    this.push(this.a, t, price, length);
  }

  /** Ticks of market B, as for pushA. */
  pushB(t: Float64Array, price: Float64Array, length: number = t.length): void {
    this.push(this.b, t, price, length);
  }

  /**
   * Market A has no more ticks. Optional (finish() implies it) but it keeps memory bounded when
   * the other stream goes on: B's ticks after A's last one can never reach the grid and are
   * dropped instead of buffered.
   */
  endA(): void {
    this.end(this.a, this.b);
  }

  /** Market B has no more ticks; see endA. */
  endB(): void {
    this.end(this.b, this.a);
  }

  private end(side: PendingTicks, other: PendingTicks): void {
    side.ended = true;
    other.discardAfter(Number.isNaN(side.last) ? -Infinity : side.last);
  }

  /** Ticks held while waiting for the other market (for diagnostics and memory tests). */
  get bufferedTicks(): number {
    return this.a.size + this.b.size;
  }

  /**
   * Ends both streams. By then every grid point up to n1 has been emitted (the last ticks fix
   * it). Returns the span, or undefined when the markets do not overlap (either is empty or
   * T_start > T_end). A span with no grid point has n1 < n0 and points 0.
   */
  finish(): GridSpan | undefined {
    this.finished = true;
    const { a, b } = this;
    if (Number.isNaN(a.first) || Number.isNaN(b.first)) return undefined;
    const start = Math.max(a.first, b.first);
    const end = Math.min(a.last, b.last);
    if (start > end) return undefined;
    const n0 = gridCeil(start, this.gridUs);
    const n1 = gridFloor(end, this.gridUs);
    const points = Math.max(0, n1 - n0 + 1);
    return { tStart: start, tEnd: end, n0, n1, points, returns: Math.max(0, points - 1) };
  }

  private push(side: PendingTicks, t: Float64Array, price: Float64Array, length: number): void {
    if (this.finished || side.ended) throw new RangeError('GridAligner: ticks pushed after the end of their stream');
    side.append(t, price, length);
    this.advance();
  }

  /** Emits every grid point both markets have fixed. */
  private advance(): void {
    const { a, b, gridUs: g } = this;
    if (Number.isNaN(a.first) || Number.isNaN(b.first)) return;
    const target = Math.min(gridFloor(a.last, g), gridFloor(b.last, g));
    if (Number.isNaN(this.done)) {
      // n0 is fixed once both first ticks are known. Absorbing the ticks up to n0·G now, before
      // the value there is final, keeps only the latest of them: a market that starts long
      // before the other does not pile up its history.
      const n0 = gridCeil(Math.max(a.first, b.first), g);
      a.moveTo(n0);
      b.moveTo(n0);
      if (target < n0) return;
      this.done = n0;
      this.sink.begin?.(n0);
    }
    this.done = this.emit(this.done, target);
  }

  /**
   * Emits grid points from + 1 … target; returns the last one emitted (from when target is not
   * past it). Grid points where neither value moved go to the sink as runs (pushZeros), also
   * when a tick fell in them but repeated the price: most do. The loop is a function of its own
   * with one call site for the zeros (before a return and at the end alike), so that nothing
   * after it needs type feedback: V8 compiles it mid-call, and code after the loop (the last
   * zeros, the store of `done`) had no feedback then; the compiled code, which V8 kept, stopped
   * there at the end of most calls (inspect over the bench hour: up to 917 times).
   */
  private emit(from: number, target: number): number {
    const { a, b } = this;
    let n = from;
    let zeros = 0;
    for (;;) {
      const more = n < target;
      let rA = 0;
      let rB = 0;
      if (more) {
        const next = Math.min(a.nextN, b.nextN);
        if (next > n + 1) {
          const stop = Math.min(next - 1, target);
          zeros += stop - n;
          n = stop;
          continue;
        }
        n++;
        rA = a.nextN === n ? a.moveTo(n) : 0;
        rB = b.nextN === n ? b.moveTo(n) : 0;
        if (rA === 0 && rB === 0) {
          zeros++;
          continue;
        }
      }
      if (zeros > 0) {
        this.sink.pushZeros(zeros);
        zeros = 0;
      }
      if (!more) return n;
      this.sink.push(rA, rB);
    }
  }
}

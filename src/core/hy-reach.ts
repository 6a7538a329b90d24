/**
 * Which ticks outside a range [S, E) the range's Hayashi–Yoshida blocks depend on
 * (docs/definitions.md §8, §11; docs/scale.md, `hy --state`). A state run reads [S − M, E + M)
 * and starts its span at its own first ticks, not at one run's: its in-range blocks are one
 * run's, number for number, when every tick they depend on was read and lies in its span.
 *
 * With θ_0 the first lag and θ_max the last, a block holds the intervals that end in it (each
 * market's square and tick, the nonextant mark of a tick, which needs the intervals on both
 * sides of it) and the cross terms of A's intervals ending in it, which need B's ticks from the
 * last one at or before t_i + θ_0 to the first one after t_{i+1} + θ_max (the increment of the
 * last in reach). So, when A has a tick in [S, E):
 *   before S: A's last tick a₀ < S, and B's last tick at or before a₀ + θ_0;
 *   after E:  A's first tick at or after E, and B's first tick after E + θ_max (a bound:
 *             the last A tick in the range is before E);
 * and when B has a tick in [S, E): B's last tick before S and its first tick at or after E.
 * A range with no tick of either market depends on nothing (its blocks are empty).
 *
 * Streaming: feed each market's times in order (batches of the two interleaved in any way);
 * memory is B's ticks before S + max(θ_0, 0), which the read margin bounds.
 */
import { Columns } from './columns.js';
import { lastLag, type Lattice } from './lattice.js';
import type { TimeRange } from './parts.js';
import type { Span } from './types.js';

/** One market's ticks as read: first, last and count (null when none). */
export interface MarketSeen {
  readonly first_us: number;
  readonly last_us: number;
  readonly ticks: number;
}

/** The ticks outside the range that its blocks depend on, and whether a run had them. */
export interface HyReachResult {
  /** The earliest tick before S the blocks depend on; null when none is needed or one was not read. */
  readonly from_us: number | null;
  /** The latest tick at or after E the blocks depend on; null when none is needed or one was not read. */
  readonly to_us: number | null;
  /** Every tick needed before S was read and lies in the run's span (vacuous when none is needed). */
  readonly start_read: boolean;
  /** Every tick needed at or after E was read and lies in the run's span. */
  readonly end_read: boolean;
}

class SeenTimes {
  first = NaN;
  last = NaN;
  ticks = 0;

  json(): MarketSeen | null {
    return this.ticks === 0 ? null : { first_us: this.first, last_us: this.last, ticks: this.ticks };
  }
}

export class HyReach {
  private readonly theta0: number;
  private readonly thetaMax: number;
  private readonly seenA = new SeenTimes();
  private readonly seenB = new SeenTimes();
  /** Last tick before S, whether one lies in [S, E), first at or after E: A, then B. */
  private lastBefore = [NaN, NaN];
  private inRange = [false, false];
  private firstAfter = [NaN, NaN];
  /** B's first tick after E + θ_max. */
  private firstBPastReach = NaN;
  /** B's ticks before S + max(θ_0, 0): the one at or before a₀ + θ_0 is among them. */
  private readonly earlyB = new Columns(1);

  constructor(
    private readonly range: TimeRange,
    lattice: Lattice,
  ) {
    this.theta0 = lattice.fromUs;
    this.thetaMax = lastLag(lattice);
  }

  /** Times of market 0 (A) or 1 (B), increasing within and across calls. O(length). */
  push(market: 0 | 1, t: Float64Array, length: number): void {
    if (length === 0) return;
    const { start, end } = this.range;
    const seen = market === 0 ? this.seenA : this.seenB;
    if (seen.ticks === 0) seen.first = t[0]!;
    seen.last = t[length - 1]!;
    seen.ticks += length;
    const earlyEnd = start + Math.max(this.theta0, 0);
    const reach = end + this.thetaMax;
    for (let k = 0; k < length; k++) {
      const x = t[k]!;
      if (market === 1) {
        if (x < earlyEnd) this.earlyB.push1(x);
        if (x > reach && Number.isNaN(this.firstBPastReach)) this.firstBPastReach = x;
      }
      if (x < start) this.lastBefore[market] = x;
      else if (x < end) this.inRange[market] = true;
      else if (Number.isNaN(this.firstAfter[market]!)) this.firstAfter[market] = x;
    }
  }

  /** Market 0's or 1's ticks as read. */
  seen(market: 0 | 1): MarketSeen | null {
    return (market === 0 ? this.seenA : this.seenB).json();
  }

  /** What the range depends on, given the span [T_start, T_end] of the run (undefined: the markets do not overlap in it). */
  result(span: Span | undefined): HyReachResult {
    const { start, end } = this.range;
    // NaN: a tick that was needed and not read.
    const before: number[] = [];
    const after: number[] = [];
    if (this.inRange[0]) {
      if (Number.isFinite(start)) {
        const a0 = this.lastBefore[0]!;
        const k = Number.isNaN(a0) ? -1 : this.earlyB.lastAtOrBefore(a0 + this.theta0);
        before.push(a0, k < 0 ? NaN : this.earlyB.get(k, 0));
      }
      if (Number.isFinite(end)) after.push(this.firstAfter[0]!, this.firstBPastReach);
    }
    if (this.inRange[1]) {
      if (Number.isFinite(start)) before.push(this.lastBefore[1]!);
      if (Number.isFinite(end)) after.push(this.firstAfter[1]!);
    }
    const fromUs = before.length === 0 || before.some(Number.isNaN) ? null : Math.min(...before);
    const toUs = after.length === 0 || after.some(Number.isNaN) ? null : Math.max(...after);
    return {
      from_us: fromUs,
      to_us: toUs,
      start_read: before.length === 0 || (fromUs !== null && span !== undefined && fromUs >= span.start),
      end_read: after.length === 0 || (toUs !== null && span !== undefined && toUs <= span.end),
    };
  }
}

/**
 * The price grid of one market (ticks: docs/definitions.md §1): the smallest price increment
 * seen, and how often the mid moves by at most that much. A threshold θ means different
 * things on a market whose every move is one tick and on one that moves in fractions of a
 * basis point. Streaming, no I/O.
 */

/** What a TickSize saw. */
export interface TickSummary {
  /** Smallest positive change of the bid, the ask (or the price) between consecutive rows; NaN when none. */
  readonly tick: number;
  /** Changes of the mid (or price) between consecutive rows. */
  readonly midChanges: number;
  /** Of those, changes of at most one tick (a one-tick move of one side shifts the mid by half a tick). */
  readonly oneTickChanges: number;
}

/** Relative tolerance when comparing a rounded move with the tick. */
const TOLERANCE = 1e-9;
/** At most this many distinct small moves are tracked (a market's price grid has a handful). */
const MAX_SMALL = 4096;

/**
 * |a − b| without the noise of binary fractions: rounded to 12 significant digits of the
 * price `ref` (a double difference of two prices near `ref` is off by about ref · 2⁻⁵², far
 * below that; any real tick is far above it).
 */
export function priceIncrement(a: number, b: number, ref: number): number {
  const digits = Math.min(100, Math.max(0, 12 - Math.floor(Math.log10(ref))));
  return Number(Math.abs(a - b).toFixed(digits));
}

/**
 * Feed the usable rows in file order: bid, ask and mid (price-only files and trades: the
 * price three times). The tick is the smallest change of a side; a mid change counts as one
 * tick when it is at most the final tick. Only the mid moves no larger than the smallest
 * increment so far can end up at most one tick (the increment never grows), so only those are
 * kept, by size. O(1) per row (a rounding per change); memory a few distinct move sizes.
 */
export class TickSize {
  private bid = NaN;
  private ask = NaN;
  private mid = NaN;
  private min = Infinity;
  private changes = 0;
  private readonly small = new Map<number, number>();

  push(bid: number, ask: number, mid: number): void {
    if (bid !== this.bid && this.bid === this.bid) this.side(bid, this.bid);
    if (ask !== this.ask && this.ask === this.ask) this.side(ask, this.ask);
    this.bid = bid;
    this.ask = ask;
    const prev = this.mid;
    this.mid = mid;
    if (mid === prev || prev !== prev) return;
    const move = priceIncrement(mid, prev, mid);
    if (move === 0) return;
    this.changes++;
    if (move > this.min * (1 + TOLERANCE)) return;
    const n = this.small.get(move);
    if (n !== undefined) this.small.set(move, n + 1);
    // Past MAX_SMALL sizes (no real price grid) a new size counts as more than one tick.
    else if (this.small.size < MAX_SMALL) this.small.set(move, 1);
  }

  private side(now: number, before: number): void {
    const d = priceIncrement(now, before, now);
    if (d > 0 && d < this.min) {
      this.min = d;
      // Moves above the new increment can no longer be one tick.
      for (const k of this.small.keys()) if (k > d * (1 + TOLERANCE)) this.small.delete(k);
    }
  }

  summary(): TickSummary {
    const tick = this.min < Infinity ? this.min : NaN;
    let one = 0;
    for (const [move, n] of this.small) if (move <= tick * (1 + TOLERANCE)) one += n;
    return { tick, midChanges: this.changes, oneTickChanges: one };
  }
}

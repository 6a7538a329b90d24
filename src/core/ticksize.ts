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

/** At most this many distinct small moves are tracked (a market's price grid has a handful). */
const MAX_SMALL = 4096;

/**
 * The unit price moves are counted in: 10⁻¹² of the price's decade (1e-8 for prices in the
 * tens of thousands). A double difference of two prices near p is off by about p · 2⁻⁵², far
 * below it; any real tick is far above it. So whole multiples of it are exact move sizes:
 * 60697.1 − 60697.0 (0.09999999999854481 in doubles) is 10 000 000 quanta.
 */
export function priceQuantum(price: number): number {
  return 10 ** (Math.floor(Math.log10(price)) - 12);
}

/**
 * Feed the usable rows in file order: bid, ask and mid (price-only files and trades: the
 * price three times). The tick is the smallest change of a side; a mid change counts as one
 * tick when it is at most the final tick. Moves are whole multiples of a quantum fixed by the
 * first price (see priceQuantum). Only the mid moves no larger than the smallest increment so
 * far can end up at most one tick (the increment never grows), so only those are kept, by size.
 * O(1) per row; memory a few distinct move sizes.
 */
export class TickSize {
  private bid = NaN;
  private ask = NaN;
  private mid = NaN;
  private quantum = NaN;
  /** Smallest side change so far, in quanta. */
  private min = Infinity;
  private changes = 0;
  private readonly small = new Map<number, number>();

  push(bid: number, ask: number, mid: number): void {
    if (this.quantum !== this.quantum) this.quantum = priceQuantum(mid);
    if (bid !== this.bid && this.bid === this.bid) this.side(bid, this.bid);
    if (ask !== this.ask && this.ask === this.ask) this.side(ask, this.ask);
    this.bid = bid;
    this.ask = ask;
    const prev = this.mid;
    this.mid = mid;
    if (mid === prev || prev !== prev) return;
    this.changes++;
    const move = this.quanta(mid, prev);
    if (move > this.min) return;
    const n = this.small.get(move);
    if (n !== undefined) this.small.set(move, n + 1);
    // Past MAX_SMALL sizes (no real price grid) a new size counts as more than one tick.
    else if (this.small.size < MAX_SMALL) this.small.set(move, 1);
  }

  private quanta(a: number, b: number): number {
    return Math.round(Math.abs(a - b) / this.quantum);
  }

  private side(now: number, before: number): void {
    const d = this.quanta(now, before);
    if (d > 0 && d < this.min) {
      this.min = d;
      // Moves above the new increment can no longer be one tick.
      for (const k of this.small.keys()) if (k > d) this.small.delete(k);
    }
  }

  summary(): TickSummary {
    const tick = this.min < Infinity ? Number((this.min * this.quantum).toPrecision(12)) : NaN;
    let one = 0;
    for (const [move, n] of this.small) if (move <= this.min) one += n;
    return { tick, midChanges: this.changes, oneTickChanges: one };
  }
}

/**
 * The two clocks of one feed (ticks: docs/definitions.md §1): the venue's time of an event
 * (exchange clock) and a later time stamped by whoever passed it on (receipt clock — Tardis's
 * `local_timestamp`, Binance's `event_time`). Their difference is the feed's latency; its
 * spread bounds the leads a file can resolve. Streaming, exact quantiles, no I/O.
 */
import { GapDistribution } from './quality.js';

/** Latencies from −1 s to +1 s are counted per µs (8 MB); others are listed (8 bytes each). */
const LATENCY_LOW_US = -1_000_000;
const LATENCY_RANGE_US = 2_000_000;

/** What a ClockCheck saw. Latencies in µs (receipt − exchange), NaN when there is none. */
export interface ClockSummary {
  /** Rows with both clocks readable. */
  readonly rows: number;
  /** Rows whose other clock is empty or unreadable (not in any statistic below). */
  readonly unreadable: number;
  /** Rows with equal stamps. */
  readonly equal: number;
  /** Whether equal stamps mean "no exchange time" and are left out of the latencies (see ClockCheck). */
  readonly equalIsMissing: boolean;
  /** Rows whose receipt time is earlier than their exchange time. */
  readonly negative: number;
  /** Latency quantiles (type 7) and maximum over the measured rows (see ClockCheck). */
  readonly median: number;
  readonly p1: number;
  readonly p99: number;
  readonly max: number;
  /** Rows earlier than the latest time before them, on each clock on its own. */
  readonly exchangeOutOfOrder: number;
  readonly receiptOutOfOrder: number;
}

/**
 * Latency and order of a feed's two clocks, one row at a time in file order. Equal stamps
 * are counted apart; when `equalIsMissing` (Tardis: the venue sent no exchange time and the
 * receipt time was copied) they are also left out of the distribution, since their "latency"
 * of 0 is not a measurement; otherwise (Binance's whole ms) 0 is a latency like any other.
 * Cost O(1) per row; memory as GapDistribution.
 */
export class ClockCheck {
  private readonly dist = new GapDistribution(LATENCY_RANGE_US, LATENCY_LOW_US);
  private rows = 0;
  private unreadable = 0;
  private equal = 0;
  private negative = 0;
  private max = -Infinity;
  private exchangeLatest = -Infinity;
  private receiptLatest = -Infinity;
  private exchangeBack = 0;
  private receiptBack = 0;

  constructor(private readonly equalIsMissing = true) {}

  /** One row's exchange and receipt times (µs; NaN when unreadable). */
  push(exchange: number, receipt: number): void {
    if (exchange !== exchange || receipt !== receipt) {
      this.unreadable++;
      return;
    }
    this.rows++;
    if (exchange < this.exchangeLatest) this.exchangeBack++;
    else this.exchangeLatest = exchange;
    if (receipt < this.receiptLatest) this.receiptBack++;
    else this.receiptLatest = receipt;
    const latency = receipt - exchange;
    if (latency === 0) {
      this.equal++;
      if (this.equalIsMissing) return;
    }
    if (latency < 0) this.negative++;
    if (latency > this.max) this.max = latency;
    this.dist.add(latency);
  }

  /** The statistics so far. O(histogram). */
  summary(): ClockSummary {
    return {
      rows: this.rows,
      unreadable: this.unreadable,
      equal: this.equal,
      equalIsMissing: this.equalIsMissing,
      negative: this.negative,
      median: this.dist.quantile(0.5),
      p1: this.dist.quantile(0.01),
      p99: this.dist.quantile(0.99),
      max: this.dist.count > 0 ? this.max : NaN,
      exchangeOutOfOrder: this.exchangeBack,
      receiptOutOfOrder: this.receiptBack,
    };
  }
}

/**
 * True when the latency's spread (p99 − p1) is at least half of `lagUs`, the longest lead
 * being studied (the pairing window D): leads shorter than the spread cannot be told apart
 * from the feed's own jitter. False when there is no distribution.
 */
export function latencySpreadMatters(c: ClockSummary, lagUs: number): boolean {
  return c.p99 - c.p1 >= lagUs / 2;
}

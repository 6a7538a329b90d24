/**
 * Data-quality statistics of one time series, streaming and in bounded memory: the
 * order, bursts, span and gaps of the rows a reader would keep (used by `leadlag inspect`).
 *
 * Times are µs since the epoch (integer-valued, as the readers produce them); prices
 * are mids or trade prices. No I/O here: the caller classifies rows and feeds the usable
 * ones in file order.
 */
import { quantileByRank } from './quantile.js';
/** Default upper bound (exclusive) of the exact per-µs gap histogram: 1 s. */
export const GAP_HISTOGRAM_US = 1_000_000;
/** Default long-gap thresholds: gaps strictly over 50 ms and over 1 s are counted. */
export const LONG_GAPS_US: readonly number[] = [50_000, 1_000_000];

/**
 * Exact order statistics in bounded memory, for values that are mostly whole µs in a known
 * range: a count per whole µs for values in [lowUs, lowUs + histogramUs), and an (unsorted
 * until queried) list of the others — values outside, and any that is not a whole number of µs.
 * Used for gaps (lowUs 0: positive) and clock latencies (which may be negative).
 *
 * Memory: 4 bytes × histogramUs (4 MB for 1 s) plus 8 bytes per listed value. With integer
 * times the gap list holds only gaps ≥ histogramUs, of which a series spanning S seconds
 * has at most S / (histogramUs / 10⁶). A bin counts up to 2³² − 1 values of one length.
 */
export class GapDistribution {
  private readonly bins: Uint32Array;
  private big = new Float64Array(64);
  private nBig = 0;
  /** Number of values added. */
  count = 0;

  constructor(
    readonly histogramUs = GAP_HISTOGRAM_US,
    readonly lowUs = 0,
  ) {
    if (!(Number.isInteger(histogramUs) && histogramUs >= 1)) throw new RangeError(`GapDistribution: histogramUs must be a whole number ≥ 1, got ${histogramUs}`);
    if (!Number.isInteger(lowUs)) throw new RangeError(`GapDistribution: lowUs must be a whole number, got ${lowUs}`);
    this.bins = new Uint32Array(histogramUs);
  }

  /** Adds one value (µs). O(1) amortised. */
  add(value: number): void {
    this.count++;
    const i = value - this.lowUs;
    if (i >= 0 && i < this.histogramUs && Number.isInteger(i)) {
      this.bins[i]!++;
      return;
    }
    if (this.nBig === this.big.length) {
      const bigger = new Float64Array(this.big.length * 2);
      bigger.set(this.big);
      this.big = bigger;
    }
    this.big[this.nBig++] = value;
  }

  /**
   * The k-th smallest value (0-based), NaN when k is out of range. Walks the histogram:
   * O(histogramUs + m log m) for m listed values; meant for a few queries at the end.
   */
  kth(k: number): number {
    if (!(k >= 0 && k < this.count)) return NaN;
    let seen = 0;
    const bins = this.bins;
    const low = this.lowUs;
    // Listed values below and inside the histogram's range interleave with the bins: merge them.
    const big = this.sortedBig();
    let j = 0;
    for (let i = 0; i < bins.length; i++) {
      const g = low + i;
      while (j < big.length && big[j]! < g) {
        if (seen === k) return big[j]!;
        seen++;
        j++;
      }
      const c = bins[i]!;
      if (k < seen + c) return g;
      seen += c;
    }
    return big[j + (k - seen)]!;
  }

  /**
   * The q-quantile by linear interpolation between closest ranks (Hyndman & Fan type 7,
   * as quantileSorted in quantile.ts): exactly the value quantileSorted gives on all the
   * values sorted. NaN when there are none.
   * @throws RangeError when q is not in [0, 1].
   */
  quantile(q: number): number {
    return quantileByRank(this.count, q, (i) => this.kth(i));
  }

  private sortedBig(): Float64Array {
    return this.big.slice(0, this.nBig).sort();
  }
}

export interface TimelineOptions {
  /** See GapDistribution (default 1 s). */
  readonly histogramUs?: number;
  /** Gaps strictly longer than each of these (µs) are counted (default 50 ms and 1 s). */
  readonly longGapsUs?: readonly number[];
}

/** What a Timeline saw; times in µs, NaN (prices, times, gap quantiles) when there was nothing to measure. */
export interface TimelineSummary {
  /** Rows kept: in time order (not earlier than any row before them). */
  readonly rows: number;
  /** Rows left out because their time is earlier than the latest time before them. */
  readonly outOfOrder: number;
  /** Distinct times among the kept rows (quote ticks after burst collapse). */
  readonly ticks: number;
  /** Kept rows sharing their time with the kept row before them (rows − ticks). */
  readonly sameTime: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Gaps between consecutive distinct times: ticks − 1 of them (0 when ticks ≤ 1). */
  readonly gaps: number;
  readonly gapMedian: number;
  readonly gapP99: number;
  /** Per threshold of TimelineOptions.longGapsUs: the threshold and how many gaps exceed it. */
  readonly longGaps: ReadonlyArray<{ readonly overUs: number; readonly count: number }>;
  /** The longest gap and the time it starts (the earlier of its two ticks; the first such gap on ties). */
  readonly longestGap: number;
  readonly longestGapStart: number;
  /** Lowest and highest price of the ticks (the last row of each burst, the state the analysis sees). */
  readonly priceMin: number;
  readonly priceMax: number;
}

/**
 * The streaming kernel behind `inspect`: rows in file order in, order / burst / gap /
 * price-range statistics out. A row whose time is earlier than the latest time so far is
 * counted out of order and otherwise ignored (the reader's rule: such a row is rejected,
 * or dropped with --skip-bad-rows), so every statistic describes the series the analysis
 * would see. O(1) per row; memory as GapDistribution.
 */
export class Timeline {
  private readonly dist: GapDistribution;
  private readonly over: number[];
  private readonly overCount: number[];
  private rows = 0;
  private outOfOrder = 0;
  private ticks = 0;
  private first = NaN;
  private last = -Infinity;
  /** Price of the latest row: the tick's state until a later time closes the burst. */
  private pending = NaN;
  private min = Infinity;
  private max = -Infinity;
  private longest = NaN;
  private longestStart = NaN;

  constructor(opts: TimelineOptions = {}) {
    this.dist = new GapDistribution(opts.histogramUs ?? GAP_HISTOGRAM_US);
    this.over = [...(opts.longGapsUs ?? LONG_GAPS_US)];
    this.overCount = this.over.map(() => 0);
  }

  /** Feeds one usable row; false when it is out of order (counted, otherwise ignored). */
  push(t: number, price: number): boolean {
    const last = this.last;
    if (t < last) {
      this.outOfOrder++;
      return false;
    }
    this.rows++;
    if (t === last) {
      this.pending = price;
      return true;
    }
    if (this.ticks === 0) this.first = t;
    else {
      this.closeTick();
      this.gap(t - last, last);
    }
    this.ticks++;
    this.last = t;
    this.pending = price;
    return true;
  }

  private closeTick(): void {
    const p = this.pending;
    if (p < this.min) this.min = p;
    if (p > this.max) this.max = p;
  }

  private gap(g: number, start: number): void {
    this.dist.add(g);
    const over = this.over;
    for (let i = 0; i < over.length; i++) if (g > over[i]!) this.overCount[i]!++;
    if (!(g <= this.longest)) {
      this.longest = g;
      this.longestStart = start;
    }
  }

  /** The statistics so far (the latest burst included); does not change the state. O(histogram). */
  summary(): TimelineSummary {
    const empty = this.ticks === 0;
    const p = this.pending;
    return {
      rows: this.rows,
      outOfOrder: this.outOfOrder,
      ticks: this.ticks,
      sameTime: this.rows - this.ticks,
      firstTime: this.first,
      lastTime: empty ? NaN : this.last,
      gaps: this.dist.count,
      gapMedian: this.dist.quantile(0.5),
      gapP99: this.dist.quantile(0.99),
      longGaps: this.over.map((overUs, i) => ({ overUs, count: this.overCount[i]! })),
      longestGap: this.longest,
      longestGapStart: this.longestStart,
      priceMin: empty ? NaN : Math.min(this.min, p),
      priceMax: empty ? NaN : Math.max(this.max, p),
    };
  }
}

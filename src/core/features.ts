/**
 * Streaming feature engine of `classify` (docs/definitions.md §5): the five spot-market features at each
 * trigger time, computed from spot quotes and spot trades as they stream past.
 */
import type { TickBatch, TradeBatch } from './types.js';

/** Column names in the order of the feature matrix (and of `--dump-features`). */
export const FEATURE_NAMES = ['ret_3ms', 'vol_20ms', 'spread_bps', 'net_signed_volume', 'trade_count'] as const;

export interface FeatureParams {
  /** W in µs (> 0): the return look-back of ret_3ms. */
  readonly windowUs: number;
  /** G in µs (integer > 0): the step of vol_20ms. */
  readonly gridUs: number;
  /** Trade window in µs (> 0), docs/definitions.md §5: 20 ms = 20 000. */
  readonly tradeWindowUs: number;
  /** Number of G-steps in vol_20ms (integer ≥ 1), docs/definitions.md §5: 20. */
  readonly volSteps: number;
  /** 'quotes': side from the as-of quote (the default of docs/definitions.md §5); 'flag': the trade file's own aggressor side where a trade has one (else the quote rule). */
  readonly tradeSide: 'quotes' | 'flag';
}

/**
 * One row per trigger, in trigger (= time) order. A trigger with no quote pushed at all has
 * NaN ret, vol and spread (cannot happen for spot jumps, which sit at or after a quote).
 */
export interface FeatureTable {
  readonly length: number;
  /** Trigger time, µs. */
  readonly t: Float64Array;
  /** ret_3ms: ln M(t) − ln M(t − W), a log-return. */
  readonly ret: Float64Array;
  /** vol_20ms: root of the summed squared G-step log-returns over the last volSteps steps. */
  readonly vol: Float64Array;
  /** spread_bps: (ask − bid) / mid · 10⁴ of the quote as of t; NaN when t precedes every quote. */
  readonly spread: Float64Array;
  /** net_signed_volume: Σ side · qty of trades in (t − tradeWindow, t], base units. */
  readonly nsv: Float64Array;
  /** trade_count: number of trades in (t − tradeWindow, t]. */
  readonly count: Float64Array;
}

/**
 * Computes, for each trigger time t (M(x) = mid of the last quote with time ≤ x, or the
 * first quote's mid for x before the first quote):
 *   ret    = ln M(t) − ln M(t − W)
 *   vol    = sqrt(Σ_{m=1..S} (ln M(t − (m−1)·G) − ln M(t − m·G))²), summed in order m = 1..S
 *   spread = (ask − bid) / mid · 10⁴ of the last quote at or before t
 *   nsv    = Σ side · qty, count = #trades, over trades with t − tradeWindow < t_trade ≤ t,
 *            summed in trade order
 * exactly as written (Math.log of each mid), so an independent implementation agrees to
 * rounding. Trade side ('quotes'): +1 if price ≥ ask, −1 if price ≤ bid, else 0, against the
 * last quote with t_quote ≤ t_trade (0 before the first quote).
 *
 * Push contract (checked, a violation throws Error):
 * - pushes arrive merged in time order: every quote is later than every trade pushed before
 *   it, every trade is at or after every quote pushed before it (quotes before trades at
 *   equal times); quotes strictly increasing, trades non-decreasing;
 * - triggers arrive in non-decreasing time order, at any moment — before or after the data
 *   at their time — but a trigger is never earlier than the quote preceding the first
 *   quote of the latest `pushQuotes` batch. In words: add the triggers revealed by a quote
 *   batch (native jumps at its ticks, grid jumps at grid points before its ticks) before
 *   the next `pushQuotes`. Before the first quote, a trigger is never earlier than the
 *   latest trade (triggers are spot jumps, hence at or after the first quote).
 *
 * A trigger at t is computed once data strictly later than t has been pushed (then nothing
 * at or before t can still arrive) or at `finish()`.
 *
 * Memory: the quote ring keeps the quotes from the last one at or before F − H, and the
 * trade ring the trades after F − tradeWindow, where H = max(W, S·G) and F = the earliest
 * time a trigger may still have (the earlier of the first pending trigger and the floor
 * above). So it
 * holds the ticks of one look-back horizon plus those of the latest quote batch and the
 * trades since: bounded by window sizes and the batch size, never by the length of the
 * files. The output grows by 6 doubles per trigger.
 */
export class FeatureEngine {
  readonly #p: FeatureParams;
  readonly #horizonUs: number;
  readonly #quotes = new Columns(4); // t, mid, bid, ask
  readonly #trades = new Columns(2); // t, side · qty
  readonly #out = new Columns(6); // t, ret, vol, spread, nsv, count
  /** Triggers not yet computed, FIFO. */
  readonly #pending = new Columns(1);

  #firstMid = NaN;
  /** State of the latest quote pushed, for trade sides. */
  #lastBid = NaN;
  #lastAsk = NaN;
  #lastQuoteT = -Infinity;
  #lastTradeT = -Infinity;
  #lastTriggerT = -Infinity;
  /** Earliest time a trigger may still be announced at (see the class comment). */
  #floor = -Infinity;
  #finished = false;

  /** @throws RangeError on a parameter out of range. */
  constructor(params: FeatureParams) {
    const { windowUs, gridUs, tradeWindowUs, volSteps, tradeSide } = params;
    if (!(windowUs > 0 && Number.isFinite(windowUs))) throw new RangeError(`windowUs must be > 0, got ${windowUs}`);
    if (!(Number.isInteger(gridUs) && gridUs > 0)) throw new RangeError(`gridUs must be an integer > 0, got ${gridUs}`);
    if (!(tradeWindowUs > 0 && Number.isFinite(tradeWindowUs))) {
      throw new RangeError(`tradeWindowUs must be > 0, got ${tradeWindowUs}`);
    }
    if (!(Number.isInteger(volSteps) && volSteps >= 1)) throw new RangeError(`volSteps must be an integer ≥ 1, got ${volSteps}`);
    if (tradeSide !== 'quotes' && tradeSide !== 'flag') throw new RangeError(`tradeSide must be 'quotes' or 'flag'`);
    this.#p = params;
    this.#horizonUs = Math.max(windowUs, volSteps * gridUs);
  }

  /** Appends collapsed spot quote ticks (price = mid). O(batch) plus the triggers it completes. */
  pushQuotes(batch: TickBatch): void {
    this.#assertOpen();
    if (batch.length === 0) return;
    // Triggers revealed by this batch are no earlier than the quote before its first tick.
    this.#floor = Math.max(this.#floor, this.#lastQuoteT);
    const q = this.#quotes;
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      if (!(t > this.#lastQuoteT && t > this.#lastTradeT)) {
        throw new Error(
          `quote at ${t} µs is not after the previous quote (${this.#lastQuoteT}) and trade (${this.#lastTradeT}); pushes must be merged in time order`,
        );
      }
      const mid = batch.price[i]!;
      q.push4(t, mid, batch.bid[i]!, batch.ask[i]!);
      if (Number.isNaN(this.#firstMid)) this.#firstMid = mid;
      this.#lastQuoteT = t;
      this.#lastBid = batch.bid[i]!;
      this.#lastAsk = batch.ask[i]!;
    }
    this.#advance();
  }

  /** Appends spot trades, signing each against the latest quote. O(batch) plus completed triggers. */
  pushTrades(batch: TradeBatch): void {
    this.#assertOpen();
    const byFlag = this.#p.tradeSide === 'flag';
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      if (!(t >= this.#lastTradeT && t >= this.#lastQuoteT)) {
        throw new Error(
          `trade at ${t} µs is before the previous quote (${this.#lastQuoteT}) or trade (${this.#lastTradeT}); pushes must be merged in time order`,
        );
      }
      const price = batch.price[i]!;
      // The merge order makes the latest quote the backward as-of match (exact time included).
      // 'flag' uses the file's aggressor where the trade has one (docs/definitions.md §5), the quote rule otherwise.
      const flag = byFlag ? batch.side[i]! : 0;
      const side = flag !== 0 ? flag : quoteSide(price, this.#lastBid, this.#lastAsk);
      this.#trades.push2(t, side * batch.qty[i]!);
      this.#lastTradeT = t;
    }
    if (batch.length === 0) return;
    // Before the first quote every trigger (a spot jump) is later than every trade so far.
    if (this.#lastQuoteT === -Infinity) this.#floor = this.#lastTradeT;
    this.#advance();
  }

  /**
   * Announces a trigger at t µs (a spot jump time). Computed at once if later data has
   * already been pushed, else when it arrives.
   * @throws Error when t is earlier than the previous trigger or than the retention floor.
   */
  addTrigger(t: number): void {
    this.#assertOpen();
    if (!(t >= this.#lastTriggerT)) throw new Error(`trigger at ${t} µs is earlier than the previous one (${this.#lastTriggerT})`);
    if (t < this.#floor) {
      throw new Error(`trigger at ${t} µs announced after its look-back data was released (floor ${this.#floor} µs)`);
    }
    this.#lastTriggerT = t;
    this.#pending.push1(t);
    this.#advance();
  }

  /** No more data: computes every pending trigger with all data pushed. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#drain(Infinity);
  }

  /** The computed rows (copies), in trigger order. Complete after `finish()`. */
  rows(): FeatureTable {
    const o = this.#out;
    return {
      length: o.length,
      t: o.column(0),
      ret: o.column(1),
      vol: o.column(2),
      spread: o.column(3),
      nsv: o.column(4),
      count: o.column(5),
    };
  }

  /** Rows held in the quote and trade rings now (a memory diagnostic; see the class comment). */
  retained(): { readonly quotes: number; readonly trades: number } {
    return { quotes: this.#quotes.length, trades: this.#trades.length };
  }

  #assertOpen(): void {
    if (this.#finished) throw new Error('FeatureEngine: push after finish()');
  }

  /** Computes what the data so far completes, then releases what no trigger can need. */
  #advance(): void {
    this.#drain(Math.max(this.#lastQuoteT, this.#lastTradeT));
    const earliest = this.#pending.length > 0 ? this.#pending.get(0, 0) : Infinity;
    this.#trim(Math.min(earliest, this.#floor));
  }

  /** Computes pending triggers with t < watermark (all data at or before t is in). */
  #drain(watermark: number): void {
    const pending = this.#pending;
    while (pending.length > 0 && pending.get(0, 0) < watermark) {
      this.#compute(pending.get(0, 0));
      pending.shift(1);
    }
  }

  /** Drops quotes and trades that no trigger at or after `from` µs can read. */
  #trim(from: number): void {
    if (from === -Infinity) return;
    // Keep the quote as of from − H: it is M(x) for the earliest x still needed.
    const keepQuote = this.#quotes.lastAtOrBefore(from - this.#horizonUs);
    if (keepQuote > 0) this.#quotes.shift(keepQuote);
    const keepTrade = this.#trades.lastAtOrBefore(from - this.#p.tradeWindowUs) + 1;
    if (keepTrade > 0) this.#trades.shift(keepTrade);
  }

  #compute(t: number): void {
    const { windowUs, gridUs, volSteps, tradeWindowUs } = this.#p;
    const logMidNow = Math.log(this.#midAsOf(t));
    const ret = logMidNow - Math.log(this.#midAsOf(t - windowUs));
    let sum = 0;
    let newer = logMidNow;
    for (let m = 1; m <= volSteps; m++) {
      const older = Math.log(this.#midAsOf(t - m * gridUs));
      const d = newer - older;
      sum += d * d;
      newer = older;
    }
    const spread = this.#spreadAsOf(t);
    const tr = this.#trades;
    let nsv = 0;
    let count = 0;
    for (let i = tr.lastAtOrBefore(t - tradeWindowUs) + 1; i < tr.length && tr.get(i, 0) <= t; i++) {
      nsv += tr.get(i, 1);
      count++;
    }
    this.#out.push6(t, ret, Math.sqrt(sum), spread, nsv, count);
  }

  /** M(x); NaN when no quote has been pushed. O(log ring). */
  #midAsOf(x: number): number {
    const i = this.#quotes.lastAtOrBefore(x);
    return i < 0 ? this.#firstMid : this.#quotes.get(i, 1);
  }

  /** Spread in bps of the quote as of t; NaN when there is none (t before the first quote). */
  #spreadAsOf(t: number): number {
    const q = this.#quotes;
    const i = q.lastAtOrBefore(t);
    if (i < 0) return NaN;
    return ((q.get(i, 3) - q.get(i, 2)) / q.get(i, 1)) * 1e4;
  }
}

/** +1 at or through the ask, −1 at or through the bid, else 0 (also 0 with no quote yet: NaN bid/ask). */
function quoteSide(price: number, bid: number, ask: number): number {
  if (price >= ask) return 1;
  if (price <= bid) return -1;
  return 0;
}

/**
 * A growable FIFO table of k Float64 columns, column 0 non-decreasing (time). Rows
 * [head, end) are live; dropping from the front moves `head`, and the live rows are moved
 * to the start when the dead prefix outgrows them, so push and shift are amortized O(1).
 */
class Columns {
  #cols: Float64Array[];
  #head = 0;
  #end = 0;

  constructor(readonly k: number) {
    this.#cols = Array.from({ length: k }, () => new Float64Array(64));
  }

  get length(): number {
    return this.#end - this.#head;
  }

  /** Value of column c at live row i (0-based from the front). */
  get(i: number, c: number): number {
    return this.#cols[c]![this.#head + i]!;
  }

  /** Drops the first n live rows. */
  shift(n: number): void {
    this.#head += n;
    if (this.#head === this.#end) {
      this.#head = 0;
      this.#end = 0;
    }
  }

  /** Index of the last live row with column 0 ≤ x, or −1. Binary search, O(log n). */
  lastAtOrBefore(x: number): number {
    const t = this.#cols[0]!;
    let lo = this.#head;
    let hi = this.#end; // first index with t > x lies in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1 - this.#head;
  }

  /** A copy of column c's live rows. */
  column(c: number): Float64Array {
    return this.#cols[c]!.slice(this.#head, this.#end);
  }

  push1(a: number): void {
    const at = this.#slot();
    this.#cols[0]![at] = a;
  }

  push2(a: number, b: number): void {
    const at = this.#slot();
    this.#cols[0]![at] = a;
    this.#cols[1]![at] = b;
  }

  push4(a: number, b: number, c: number, d: number): void {
    const at = this.#slot();
    const cols = this.#cols;
    cols[0]![at] = a;
    cols[1]![at] = b;
    cols[2]![at] = c;
    cols[3]![at] = d;
  }

  push6(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const at = this.#slot();
    const cols = this.#cols;
    cols[0]![at] = a;
    cols[1]![at] = b;
    cols[2]![at] = c;
    cols[3]![at] = d;
    cols[4]![at] = e;
    cols[5]![at] = f;
  }

  /** Index for one more row: compacts or grows when full. */
  #slot(): number {
    if (this.#end === this.#cols[0]!.length) {
      const live = this.length;
      if (this.#head >= live) {
        for (const col of this.#cols) col.copyWithin(0, this.#head, this.#end);
      } else {
        this.#cols = this.#cols.map((col) => {
          const grown = new Float64Array(col.length * 2);
          grown.set(col.subarray(this.#head, this.#end));
          return grown;
        });
      }
      this.#head = 0;
      this.#end = live;
    }
    return this.#end++;
  }
}

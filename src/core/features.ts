/**
 * Streaming feature engine of `classify` (docs/definitions.md §5, docs/classify.md): the five
 * spot-market features at each trigger time, computed from spot quotes and spot trades as
 * they stream past, and with `extended` fourteen more from both markets.
 */
import { Columns } from './columns.js';
import { roundSum } from './decimal.js';
import type { TickBatch, TradeBatch } from './types.js';

/** The default feature set's names with the default W = 3 ms and 20·G = 20 ms. */
export const FEATURE_NAMES = ['ret_3ms', 'vol_20ms', 'spread_bps', 'net_signed_volume', 'trade_count'] as const;

/** `base`: the five spot features of §5. `extended`: those plus both markets' state (docs/classify.md). */
export type FeatureSet = 'base' | 'extended';

/** One second in µs: the look-back of the basis change, the 1 s trade window and jumps_1s. */
const SECOND_US = 1_000_000;
/** The middle trade window of the extended set. */
const TRADES_100MS_US = 100_000;
const DAY_US = 86_400_000_000;

/** A duration as it appears in a feature name: whole ms as `3ms`, else µs as `500us`. */
export function durationLabel(us: number): string {
  return us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`;
}

/**
 * Column names of a feature set, in the order of the feature matrix and of `--dump-features`.
 * The look-backs follow the options: `ret_<W>`, `vol_<S·G>` (the defaults give `ret_3ms`,
 * `vol_20ms`). When W = S·G the perp's two returns coincide and only `perp_ret_<W>` is kept.
 */
export function featureNames(set: FeatureSet, p: Pick<FeatureParams, 'windowUs' | 'gridUs' | 'volSteps'>): string[] {
  const w = durationLabel(p.windowUs);
  const v = durationLabel(p.volSteps * p.gridUs);
  const base = [`ret_${w}`, `vol_${v}`, 'spread_bps', 'net_signed_volume', 'trade_count'];
  if (set === 'base') return base;
  const perpReturns = w === v ? [`perp_ret_${w}`] : [`perp_ret_${w}`, `perp_ret_${v}`];
  return [
    ...base,
    'jump_bps',
    'jump_sign',
    ...perpReturns,
    'perp_spread_bps',
    'perp_age_ms',
    'basis_bps',
    'basis_change_1s_bps',
    'net_signed_volume_100ms',
    'trade_count_100ms',
    'net_signed_volume_1s',
    'trade_count_1s',
    'jumps_1s',
    'seconds_of_day',
  ];
}

export interface FeatureParams {
  /** W in µs (> 0): the return look-back of ret_3ms. */
  readonly windowUs: number;
  /** G in µs (integer > 0): the step of vol_20ms. */
  readonly gridUs: number;
  /** Trade window in µs (> 0), §5: 20 ms = 20 000. */
  readonly tradeWindowUs: number;
  /** Number of G-steps in vol_20ms (integer ≥ 1), §5: 20. */
  readonly volSteps: number;
  /** 'quotes': side from the as-of quote (§5 default); 'flag': the trade file's own aggressor side where a trade has one (else the quote rule). */
  readonly tradeSide: 'quotes' | 'flag';
  /** 'base' (default) or 'extended': the latter also needs `pushPerpQuotes` and trigger signs. */
  readonly set?: FeatureSet;
}

/**
 * How far back from a trigger at t its features read (µs): the quotes as of t − quotesUs (M(x),
 * and with the extended set P(x)), the trades in (t − tradesUs, t] — each signed by the spot
 * quote as of its own time — and the earlier triggers in (t − triggersUs, t) (jumps_1s; 0
 * without the extended set). So two runs that hold the same quotes from the one as of
 * t − max(quotesUs, tradesUs) on, the same trades and the same triggers over those look-backs
 * compute the same row (a state's merge relies on it, docs/scale.md).
 */
export function featureLookBack(p: Pick<FeatureParams, 'windowUs' | 'gridUs' | 'tradeWindowUs' | 'volSteps' | 'set'>): { readonly quotesUs: number; readonly tradesUs: number; readonly triggersUs: number } {
  const extended = p.set === 'extended';
  const base = Math.max(p.windowUs, p.volSteps * p.gridUs);
  return {
    quotesUs: extended ? Math.max(base, SECOND_US) : base,
    tradesUs: extended ? Math.max(p.tradeWindowUs, SECOND_US) : p.tradeWindowUs,
    triggersUs: extended ? SECOND_US : 0,
  };
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
  /** Every feature column in {@link featureNames} order (the five above first). */
  readonly columns: readonly Float64Array[];
}

/** How far beyond the quote a trade's price may lie before it is counted far (FeatureEngine.farTrades): 5 % below the bid or above the ask. */
export const FAR_TRADE = 0.05;

/** A trade priced far from the quote at its time, and that quote. */
export interface FarTrade {
  readonly t: number;
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
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
 *
 * Extended set: H becomes max(W, S·G, 1 s) and the trade window 1 s; perp quotes (pushed
 * with `pushPerpQuotes` in the same merged order, after spot data of the same instant) are
 * kept like spot quotes, and the trigger times of the last second for jumps_1s. The output
 * grows by 20 doubles per trigger.
 */
export class FeatureEngine {
  readonly #p: FeatureParams;
  readonly #extended: boolean;
  readonly #horizonUs: number;
  /** Longest trade window: the trade ring keeps this much. */
  readonly #tradeHorizonUs: number;
  readonly #quotes = new Columns(4); // t, mid, bid, ask
  readonly #trades = new Columns(2); // t, side · qty
  readonly #out: Columns; // t, then the features in featureNames order
  /** Triggers not yet computed (t, sign), FIFO. */
  readonly #pending = new Columns(2);
  /** Extended set: perp quotes (t, mid, bid, ask) and the computed triggers of the last second (t). */
  readonly #perp = new Columns(4);
  readonly #recentJumps = new Columns(1);
  #firstPerpMid = NaN;
  #lastPerpT = -Infinity;
  /** W = S·G: the perp's two returns coincide and one column is kept (see featureNames). */
  readonly #oneReturn: boolean;

  #firstMid = NaN;
  /** State of the latest quote pushed, for trade sides. */
  #lastBid = NaN;
  #lastAsk = NaN;
  /** Trades with a quote before them, those priced far from it (farTrades), and the first of those. */
  #tradesChecked = 0;
  #tradesFar = 0;
  #firstFar: FarTrade | null = null;
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
    this.#extended = params.set === 'extended';
    this.#oneReturn = durationLabel(windowUs) === durationLabel(volSteps * gridUs);
    const lookBack = featureLookBack(params);
    this.#horizonUs = lookBack.quotesUs;
    this.#tradeHorizonUs = lookBack.tradesUs;
    this.#out = new Columns(1 + featureNames(this.#extended ? 'extended' : 'base', params).length);
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
      if (!(t > this.#lastQuoteT && t > this.#lastTradeT && t > this.#lastPerpT)) {
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

  /** Counts a trade priced more than FAR_TRADE below the latest quote's bid or above its ask (farTrades). */
  #checkNear(t: number, price: number): void {
    this.#tradesChecked++;
    if (price >= this.#lastBid * (1 - FAR_TRADE) && price <= this.#lastAsk * (1 + FAR_TRADE)) return;
    this.#tradesFar++;
    this.#firstFar ??= { t, price, bid: this.#lastBid, ask: this.#lastAsk };
  }

  /**
   * Trades priced more than 5 % below the bid or above the ask of the quote at their time, of
   * those with a quote before them: trades of another instrument (another coin, another quote
   * currency) than the spot quotes', whose side by the quote rule and whose volume say nothing
   * of these quotes.
   */
  farTrades(): { readonly far: number; readonly checked: number; readonly first: FarTrade | null } {
    return { far: this.#tradesFar, checked: this.#tradesChecked, first: this.#firstFar };
  }

  /** Appends spot trades, signing each against the latest quote. O(batch) plus completed triggers. */
  pushTrades(batch: TradeBatch): void {
    this.#assertOpen();
    const byFlag = this.#p.tradeSide === 'flag';
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      if (!(t >= this.#lastTradeT && t >= this.#lastQuoteT && t > this.#lastPerpT)) {
        throw new Error(
          `trade at ${t} µs is before the previous quote (${this.#lastQuoteT}) or trade (${this.#lastTradeT}); pushes must be merged in time order`,
        );
      }
      const price = batch.price[i]!;
      // The merge order makes the latest quote the backward as-of match (exact time included).
      // 'flag' uses the file's aggressor where the trade has one (§5), the quote rule otherwise.
      const flag = byFlag ? batch.side[i]! : 0;
      const side = flag !== 0 ? flag : quoteSide(price, this.#lastBid, this.#lastAsk);
      if (this.#lastBid === this.#lastBid) this.#checkNear(t, price);
      this.#trades.push2(t, side * batch.qty[i]!);
      this.#lastTradeT = t;
    }
    if (batch.length === 0) return;
    // Before the first quote every trigger (a spot jump) is later than every trade so far.
    if (this.#lastQuoteT === -Infinity) this.#floor = this.#lastTradeT;
    this.#advance();
  }

  /**
   * Extended set only: appends collapsed perp quote ticks (price = mid). They join the same
   * merged time order, after the spot quotes and trades of the same instant (a perp tick at
   * exactly t is part of the trigger's past). O(batch) plus the triggers it completes.
   */
  pushPerpQuotes(batch: TickBatch): void {
    this.#assertOpen();
    if (!this.#extended) throw new Error('pushPerpQuotes needs the extended feature set');
    const q = this.#perp;
    for (let i = 0; i < batch.length; i++) {
      const t = batch.t[i]!;
      if (!(t > this.#lastPerpT && t >= this.#lastQuoteT && t >= this.#lastTradeT)) {
        throw new Error(`perp quote at ${t} µs is before the previous perp quote (${this.#lastPerpT}) or spot data; pushes must be merged in time order`);
      }
      q.push4(t, batch.price[i]!, batch.bid[i]!, batch.ask[i]!);
      if (Number.isNaN(this.#firstPerpMid)) this.#firstPerpMid = batch.price[i]!;
      this.#lastPerpT = t;
    }
    if (batch.length > 0) this.#advance();
  }

  /**
   * Announces a trigger at t µs (a spot jump time) with the jump's sign (+1 up, −1 down;
   * only the extended set reads it). Computed at once if later data has already been
   * pushed, else when it arrives.
   * @throws Error when t is earlier than the previous trigger or than the retention floor.
   */
  addTrigger(t: number, sign = 1): void {
    this.#assertOpen();
    if (!(t >= this.#lastTriggerT)) throw new Error(`trigger at ${t} µs is earlier than the previous one (${this.#lastTriggerT})`);
    if (t < this.#floor) {
      throw new Error(`trigger at ${t} µs announced after its look-back data was released (floor ${this.#floor} µs)`);
    }
    this.#lastTriggerT = t;
    this.#pending.push2(t, sign);
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
    const columns = Array.from({ length: o.k - 1 }, (_, c) => o.column(c + 1));
    return {
      length: o.length,
      t: o.column(0),
      ret: columns[0]!,
      vol: columns[1]!,
      spread: columns[2]!,
      nsv: columns[3]!,
      count: columns[4]!,
      columns,
    };
  }

  /** Rows held in the quote and trade rings now (a memory diagnostic; see the class comment). */
  retained(): { readonly quotes: number; readonly trades: number; readonly perpQuotes: number } {
    return { quotes: this.#quotes.length, trades: this.#trades.length, perpQuotes: this.#perp.length };
  }

  #assertOpen(): void {
    if (this.#finished) throw new Error('FeatureEngine: push after finish()');
  }

  /** Computes what the data so far completes, then releases what no trigger can need. */
  #advance(): void {
    this.#drain(Math.max(this.#lastQuoteT, this.#lastTradeT, this.#lastPerpT));
    const earliest = this.#pending.length > 0 ? this.#pending.get(0, 0) : Infinity;
    this.#trim(Math.min(earliest, this.#floor));
  }

  /** Computes pending triggers with t < watermark (all data at or before t is in). */
  #drain(watermark: number): void {
    const pending = this.#pending;
    while (pending.length > 0 && pending.get(0, 0) < watermark) {
      this.#compute(pending.get(0, 0), pending.get(0, 1));
      pending.shift(1);
    }
  }

  /** Drops quotes and trades that no trigger at or after `from` µs can read. */
  #trim(from: number): void {
    if (from === -Infinity) return;
    // Keep the quote as of from − H: it is M(x) for the earliest x still needed.
    const keepQuote = this.#quotes.lastAtOrBefore(from - this.#horizonUs);
    if (keepQuote > 0) this.#quotes.shift(keepQuote);
    const keepTrade = this.#trades.lastAtOrBefore(from - this.#tradeHorizonUs) + 1;
    if (keepTrade > 0) this.#trades.shift(keepTrade);
    if (!this.#extended) return;
    const keepPerp = this.#perp.lastAtOrBefore(from - this.#horizonUs);
    if (keepPerp > 0) this.#perp.shift(keepPerp);
    // jumps_1s counts earlier triggers in (t − 1 s, t) for triggers at or after `from`.
    const keepJumps = this.#recentJumps.lastAtOrBefore(from - SECOND_US) + 1;
    if (keepJumps > 0) this.#recentJumps.shift(keepJumps);
  }

  #compute(t: number, sign: number): void {
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
    const spread = spreadAsOf(this.#quotes, t);
    const [nsv, count] = this.#tradesIn(t, tradeWindowUs);
    if (!this.#extended) {
      this.#out.push6(t, ret, Math.sqrt(sum), spread, nsv, count);
      return;
    }
    this.#out.pushRow([t, ret, Math.sqrt(sum), spread, nsv, count, ...this.#extendedAt(t, sign, logMidNow)]);
    this.#recentJumps.push1(t);
  }

  /**
   * The extended features at t, in featureNames order after the five base ones. Every value
   * reads only data at or before t (the perturbation test in test/core-features.test.ts).
   * O(log ring + ticks in W + trades in 1 s + jumps in 1 s).
   */
  #extendedAt(t: number, sign: number, logMidNow: number): number[] {
    const { windowUs, gridUs, volSteps } = this.#p;
    const logPerpNow = Math.log(this.#perpMidAsOf(t));
    const perpRet = (lookBack: number) => logPerpNow - Math.log(this.#perpMidAsOf(t - lookBack));
    const perpReturns = this.#oneReturn ? [perpRet(windowUs)] : [perpRet(windowUs), perpRet(volSteps * gridUs)];
    const lastPerp = this.#perp.lastAtOrBefore(t);
    const perpAgeMs = lastPerp < 0 ? NaN : (t - this.#perp.get(lastPerp, 0)) / 1000;
    const basis = (logPerpNow - logMidNow) * 1e4;
    const basisSecondAgo = (Math.log(this.#perpMidAsOf(t - SECOND_US)) - Math.log(this.#midAsOf(t - SECOND_US))) * 1e4;
    const [nsv100, count100] = this.#tradesIn(t, TRADES_100MS_US);
    const [nsv1s, count1s] = this.#tradesIn(t, SECOND_US);
    return [
      this.#jumpBps(t, sign, logMidNow),
      sign,
      ...perpReturns,
      spreadAsOf(this.#perp, t),
      perpAgeMs,
      basis,
      basis - basisSecondAgo,
      nsv100,
      count100,
      nsv1s,
      count1s,
      this.#jumpsBefore(t),
      (((t % DAY_US) + DAY_US) % DAY_US) / 1e6,
    ];
  }

  /**
   * jump_bps: 10⁴ · (ln M(t) − ln min) for an up jump, 10⁴ · (ln max − ln M(t)) for a down
   * one, min and max of M(x) over x in [t − W, t) — the move that made the jump, measured
   * against the whole window (without the detector's reset, so never smaller than its move
   * on the native feed).
   */
  #jumpBps(t: number, sign: number, logMidNow: number): number {
    const q = this.#quotes;
    let lo = this.#midAsOf(t - this.#p.windowUs);
    let hi = lo;
    for (let i = q.lastAtOrBefore(t - this.#p.windowUs) + 1; i < q.length && q.get(i, 0) < t; i++) {
      lo = Math.min(lo, q.get(i, 1));
      hi = Math.max(hi, q.get(i, 1));
    }
    return sign > 0 ? (logMidNow - Math.log(lo)) * 1e4 : (Math.log(hi) - logMidNow) * 1e4;
  }

  /** Earlier triggers in (t − 1 s, t). */
  #jumpsBefore(t: number): number {
    const j = this.#recentJumps;
    return j.lastAtOrBefore(t) - j.lastAtOrBefore(t - SECOND_US);
  }

  /** [Σ side · qty, count] of trades in (t − window, t], summed in trade order. */
  #tradesIn(t: number, windowUs: number): [number, number] {
    const tr = this.#trades;
    let nsv = 0;
    let absSum = 0;
    let count = 0;
    for (let i = tr.lastAtOrBefore(t - windowUs) + 1; i < tr.length && tr.get(i, 0) <= t; i++) {
      nsv += tr.get(i, 1);
      absSum += Math.abs(tr.get(i, 1));
      count++;
    }
    // Buys and sells cancel: keep only the digits the summation error leaves exact.
    return [roundSum(nsv, absSum, count), count];
  }

  /** M(x); NaN when no quote has been pushed. O(log ring). */
  #midAsOf(x: number): number {
    const i = this.#quotes.lastAtOrBefore(x);
    return i < 0 ? this.#firstMid : this.#quotes.get(i, 1);
  }

  /** P(x), the perp's M(x): its first mid before its first quote; NaN when none has been pushed. */
  #perpMidAsOf(x: number): number {
    const i = this.#perp.lastAtOrBefore(x);
    return i < 0 ? this.#firstPerpMid : this.#perp.get(i, 1);
  }
}

/** Spread in bps of the quote as of t in a (t, mid, bid, ask) ring; NaN when there is none (t before the first quote). */
function spreadAsOf(q: Columns, t: number): number {
  const i = q.lastAtOrBefore(t);
  if (i < 0) return NaN;
  return ((q.get(i, 3) - q.get(i, 2)) / q.get(i, 1)) * 1e4;
}

/** +1 at or through the ask, −1 at or through the bid, else 0 (also 0 with no quote yet: NaN bid/ask). */
function quoteSide(price: number, bid: number, ask: number): number {
  if (price >= ask) return 1;
  if (price <= bid) return -1;
  return 0;
}

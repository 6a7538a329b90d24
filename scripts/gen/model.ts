/**
 * What the synthetic markets look like and the buffers that hold their rows: the shape
 * parameters (`Shape` and its two presets), the generator options, the fixed
 * price constants, the event kinds, and the reusable typed-array row buffers
 * for quotes and trades.
 */

// ─────────────────────────────── parameters ────────────────────────────────

/** How busy the synthetic markets are. Rates are per second of data. */
export interface Shape {
  /** Jump events per second (all kinds). */
  readonly eventsPerSecond: number;
  /** Probabilities of [lead, perp-lead, simultaneous, spot-noise, perp-noise]; sum 1. */
  readonly eventMix: readonly [number, number, number, number, number];
  /** Idle gaps (50–100 ms, no updates at all) per second. */
  readonly idleGapsPerSecond: number;
  /** Random busy stretches (5–30 ms) per second, besides the ones around events. */
  readonly busyStretchesPerSecond: number;
  /** Spot quote updates per second outside busy stretches. */
  readonly spotNormalRate: number;
  /** Spot quote updates per second inside busy stretches. */
  readonly spotBusyRate: number;
  /** Perp rate = spot rate × this. */
  readonly perpRateFactor: number;
  /** Probability that an update is written as a burst of 2–4 rows at one timestamp. */
  readonly burstProbability: number;
  /** Spot trades per second outside the order flow around events. */
  readonly tradesPerSecond: number;
  /**
   * Volatility of the shared diffusion, USD per √s. Keep it low when quotes are
   * sparse: the detector compares with the last quote before t − W however old.
   */
  readonly diffusionUsdPerSqrtSecond: number;
  /**
   * Sticky quotes (0: none). When > 0, a market re-quotes the shared diffusion (and the
   * perp's basis) only once it has moved more than this many USD from the level on its
   * book, keeps its spread until a redraw (`spreadRedrawProbability` per update), and its
   * burst rows mostly repeat the book with new sizes. Most updates then change a size and
   * not the mid, as in real books: in the Binance BTCUSDT sample of docs/performance.md,
   * 90 % (spot) and 97 % (USD-M perp) of quote rows keep the mid. The jump events' steps
   * still move the mid at once.
   */
  readonly quoteBandUsd?: number;
  /** Probability that a sticky quote redraws its spread at an update (with quoteBandUsd > 0). */
  readonly spreadRedrawProbability?: number;
}

/** A quiet market: ~1.7 events/s carry most of the activity. Small files (the bundled fixtures). */
export const FIXTURE_SHAPE: Shape = {
  eventsPerSecond: 1.8,
  eventMix: [0.4, 0.12, 0.1, 0.28, 0.1],
  idleGapsPerSecond: 1.5,
  busyStretchesPerSecond: 0.6,
  spotNormalRate: 3,
  spotBusyRate: 220,
  perpRateFactor: 1.6,
  burstProbability: 0.06,
  tradesPerSecond: 3,
  diffusionUsdPerSqrtSecond: 3,
};

/**
 * A busy market like BTCUSDT on a lively day: about 1 800 spot and 2 900 perp
 * quote rows and 42 spot trades per second (≈ 17 M quote rows, 1.4 GB of
 * Tardis CSV and 150 000 trades per hour).
 */
export const BENCH_SHAPE: Shape = {
  eventsPerSecond: 1,
  eventMix: [0.42, 0.12, 0.1, 0.24, 0.12],
  idleGapsPerSecond: 1.5,
  busyStretchesPerSecond: 3,
  spotNormalRate: 1530,
  spotBusyRate: 6000,
  perpRateFactor: 1.6,
  burstProbability: 0.05,
  tradesPerSecond: 44,
  diffusionUsdPerSqrtSecond: 10,
  quoteBandUsd: 0.75,
  spreadRedrawProbability: 0.01,
};

export interface GenOptions {
  readonly seed: number;
  /** Length of the data in seconds (> 0). */
  readonly seconds: number;
  /** First instant, µs since the epoch (default 2024-08-08 12:00:00 UTC). */
  readonly startUs?: number;
  readonly shape?: Shape;
}

export const DEFAULT_START_US = Date.UTC(2024, 7, 8, 12, 0, 0) * 1000;

/** Reference price (USD), jump threshold the events are sized against, and the tick. */
export const BASE_PRICE = 60000;
export const THETA = 0.0007;
export const GRID_US = 100;
export const CHUNK_US = 1_000_000;
/** Lookback kept from the previous chunk for the perp's lagged view of the diffusion (µs). */
export const MARGIN_US = 5000;

export const EVENT_KINDS = ['lead', 'perp-lead', 'simultaneous', 'spot-noise', 'perp-noise'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

// ─────────────────────────────── row buffers ───────────────────────────────

/** Quote rows of one chunk, one market, in file order (struct of typed arrays, reused). */
export class QuoteRows {
  length = 0;
  t = new Float64Array(1024);
  /** Prices in cents (tick 0.01). */
  bid = new Int32Array(1024);
  ask = new Int32Array(1024);
  /** Sizes in thousandths of a coin. */
  bidQty = new Int32Array(1024);
  askQty = new Int32Array(1024);

  push(t: number, bid: number, ask: number, bidQty: number, askQty: number): void {
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.bid[i] = bid;
    this.ask[i] = ask;
    this.bidQty[i] = bidQty;
    this.askQty[i] = askQty;
  }

  private grow(): void {
    const n = this.t.length * 2;
    this.t = growF64(this.t, n);
    this.bid = growI32(this.bid, n);
    this.ask = growI32(this.ask, n);
    this.bidQty = growI32(this.bidQty, n);
    this.askQty = growI32(this.askQty, n);
  }
}

/** Trade rows of one chunk in file order. */
export class TradeRows {
  length = 0;
  t = new Float64Array(256);
  /** Price in cents. */
  price = new Int32Array(256);
  /** Quantity = qtyUnits / 10^qtyDecimals coins. */
  qtyUnits = new Float64Array(256);
  qtyDecimals = new Uint8Array(256);
  /** Aggressor: +1 buyer, −1 seller. */
  side = new Int8Array(256);

  push(t: number, price: number, qtyUnits: number, qtyDecimals: number, side: number): void {
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.price[i] = price;
    this.qtyUnits[i] = qtyUnits;
    this.qtyDecimals[i] = qtyDecimals;
    this.side[i] = side;
  }

  private grow(): void {
    const n = this.t.length * 2;
    this.t = growF64(this.t, n);
    this.price = growI32(this.price, n);
    this.qtyUnits = growF64(this.qtyUnits, n);
    const d = new Uint8Array(n);
    d.set(this.qtyDecimals);
    this.qtyDecimals = d;
    const s = new Int8Array(n);
    s.set(this.side);
    this.side = s;
  }
}

function growF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

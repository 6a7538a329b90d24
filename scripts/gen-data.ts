/**
 * Deterministic synthetic market data for two markets of one asset: a spot
 * market A and a perpetual B that follows spot a few milliseconds late.
 *
 * What the data contains, and why (each feature exercises a part of the
 * analysis — see /work/shared/SPEC.md):
 *
 * - A latent price made of a slow diffusion (an Ornstein–Uhlenbeck walk around
 *   60 000 on a 100 µs grid) that both markets see, the perp 2–4 ms late
 *   (a smoothly varying lag), so the lagged cross-correlation peaks at a few ms.
 * - Jump events, each a move of 1.3–2.2 θ (θ = 0.07 %) within at most 1.5 ms,
 *   so that every event makes exactly one jump at the default θ and W = 3 ms:
 *     lead        spot moves, the perp follows 2–4 ms later     (spot leads perp)
 *     perp-lead   the perp moves, spot follows 1–4 ms later     (perp leads spot)
 *     simultaneous both move at the same microsecond            (simultaneous)
 *     spot-noise  spot moves alone and drifts back over ~0.1–0.3 s (noise spot jump)
 *     perp-noise  the perp moves alone and drifts back            (noise perp jump)
 *   The drift back is made of steps ≤ 2.5 USD at least 6 ms apart, so it never
 *   makes a jump itself. Events are at least 40 ms apart.
 * - Order flow: before a lead event spot trades pile up on the side of the coming
 *   move (the classifier's signal); before a spot-noise event there are fewer
 *   trades, on either side.
 * - Activity: idle gaps of 50–100 ms with no quote or trade at all (never while a
 *   noise move is drifting back, which would turn the drift into a jump), busy
 *   stretches with sub-millisecond updates around every event and at random,
 *   bursts (several rows at one timestamp; the last row is the state), and a
 *   perp that updates about 1.6 times as often as spot.
 * - Quotes on a 0.01 tick with a spread of 1–3 ticks, never crossed; trades at
 *   the bid or the ask, occasionally inside the spread, with 3–8 decimal sizes.
 *
 * Everything is a pure function of the seed and the parameters: the same call
 * writes the same bytes. The tick content never depends on the output format:
 * each writer draws its own cosmetic randomness (latencies, how many fractional
 * digits an ISO time shows) from its own stream.
 *
 * Library: `generate` (rows to writers), `writeDataset`, `ensureBenchData`.
 * CLI: `node dist/scripts/gen-data.js --out DIR [--seconds N] [--seed S]
 *       [--format tardis|exchange|binance|generic] [--preset bench|fixture]`
 * and `node dist/scripts/gen-data.js --bench [--minutes 60] [--out bench-data]`.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

// ─────────────────────────────── randomness ────────────────────────────────

/**
 * xoshiro128** (Blackman & Vigna), 32-bit state words, seeded by splitmix32 from
 * (seed, stream) so independent parts of the generator draw from independent
 * streams and adding a draw in one part never shifts another.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(seed: number, stream = 0) {
    let x = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    // Mix the high bits of seeds above 2^32 too.
    x = (x ^ Math.floor(seed / 4294967296)) | 0;
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.uniform());
  }

  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Standard normal (Box–Muller, the second value cached). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Poisson with a small mean (Knuth's product method; cost O(mean)). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Stream numbers: one per independent part of the generator.
const STREAM = {
  schedule: 1,
  diffusion: 2,
  activity: 3,
  spot: 4,
  perp: 5,
  trades: 6,
  formatSpot: 11,
  formatPerp: 12,
  formatTrades: 13,
} as const;

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
const BASE_PRICE = 60000;
const THETA = 0.0007;
const GRID_US = 100;
const CHUNK_US = 1_000_000;
/** Lookback kept from the previous chunk for the perp's lagged view of the diffusion (µs). */
const MARGIN_US = 5000;

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

// ─────────────────────────────── the schedule ──────────────────────────────

/** A price step of one market at an exact µs; `forced` steps get a quote update at that instant. */
interface Step {
  readonly t: number;
  readonly delta: number;
  readonly forced: boolean;
}

interface Window {
  readonly start: number;
  readonly end: number;
}

interface PlannedTrade {
  readonly t: number;
  readonly side: number;
  /** Size multiplier (order flow before a real move is larger). */
  readonly scale: number;
}

/**
 * Plans events and idle gaps ahead of the chunk being written, so that effects
 * placed before an event (order flow, the busy stretch) never land in a chunk
 * already written. Cost O(events); memory bounded by the look-ahead.
 */
class Scheduler {
  readonly spotSteps: Step[] = [];
  readonly perpSteps: Step[] = [];
  readonly busy: Window[] = [];
  readonly idle: Window[] = [];
  readonly trades: PlannedTrade[] = [];
  readonly counts = new Map<EventKind, number>(EVENT_KINDS.map((k) => [k, 0]));
  private cursor: number;
  /** Time of the next occurrence (event or idle gap), already drawn. */
  private next = NaN;
  /** No event may start its pre-window before this. */
  private freeAt: number;
  /** Last revert step of a noise move: no idle gap before this. */
  private revertEnd = 0;
  /** Sum of the permanent moves (USD), pulled back towards 0 by the sign choice. */
  private level = 0;
  private readonly rng: Rng;

  constructor(
    seed: number,
    start: number,
    private readonly end: number,
    private readonly shape: Shape,
  ) {
    this.rng = new Rng(seed, STREAM.schedule);
    this.cursor = start + 100_000;
    this.freeAt = this.cursor;
    // Both markets quote within the first and the last millisecond, so the
    // analysis span covers every event however sparse the quotes are.
    for (const steps of [this.spotSteps, this.perpSteps]) {
      steps.push({ t: start + this.rng.int(0, 999), delta: 0, forced: true });
      steps.push({ t: end - 1 - this.rng.int(0, 999), delta: 0, forced: true });
    }
  }

  /** Plans everything up to `until` (µs). */
  planUntil(until: number): void {
    const { eventsPerSecond, idleGapsPerSecond } = this.shape;
    const rate = eventsPerSecond + idleGapsPerSecond;
    if (rate <= 0) return;
    const limit = Math.min(until, this.end - 50_000);
    if (Number.isNaN(this.next)) this.next = this.cursor + this.rng.exp(1e6 / rate);
    while (this.next < limit) {
      this.cursor = this.next;
      if (this.rng.chance(idleGapsPerSecond / rate)) this.planIdle();
      else this.planEvent();
      this.next = this.cursor + this.rng.exp(1e6 / rate);
    }
  }

  private planIdle(): void {
    const start = Math.floor(Math.max(this.cursor, this.freeAt, this.revertEnd));
    const end = start + Math.floor(this.rng.between(50_000, 100_000));
    if (end >= this.end - 50_000) return;
    this.idle.push({ start, end });
    this.freeAt = end + 5000;
    this.cursor = Math.max(this.cursor, end);
  }

  private planEvent(): void {
    const rng = this.rng;
    const t = Math.floor(Math.max(this.cursor, this.freeAt + 25_000));
    if (t >= this.end - 50_000) return;
    const kind = pickKind(rng, this.shape.eventMix);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const price = BASE_PRICE + this.level;
    // Lean against the accumulated permanent moves so the price stays near 60 000.
    const pUp = 0.5 - Math.max(-0.35, Math.min(0.35, (this.level / (BASE_PRICE * 0.004)) * 0.25));
    const sign = rng.chance(pUp) ? 1 : -1;
    const relative = rng.between(1.3, 2.2);
    const size = price * THETA * relative;
    // Some moves come in two steps within 0.3–1.5 ms: still one jump at W = 3 ms,
    // because the second step stays below 0.8 θ (the detector resets after a jump).
    const twoStep = rng.chance(0.4);
    const split = twoStep ? rng.between(Math.max(0.3, 1 - 0.8 / relative), 0.7) : 1;
    const gap = twoStep ? Math.floor(rng.between(300, 1500)) : 0;
    const first = round2(sign * size * split);
    const second = round2(sign * size) - first;
    const lag = Math.max(2000, Math.min(4000, Math.round(perpLagUs(t) + rng.between(-300, 300))));
    const move = (steps: Step[], at: number, jitter: number): void => {
      steps.push({ t: at, delta: first, forced: true });
      if (twoStep) steps.push({ t: at + gap + jitter, delta: second, forced: true });
    };
    let spotMoveAt = t;
    switch (kind) {
      case 'lead':
        move(this.spotSteps, t, 0);
        move(this.perpSteps, t + lag, rng.int(-100, 100));
        this.level += first + second;
        this.orderFlow(t, sign, rng.poisson(3), 0.8, 3);
        break;
      case 'perp-lead': {
        const follow = Math.floor(rng.between(1000, 4000));
        move(this.perpSteps, t, 0);
        move(this.spotSteps, t + follow, rng.int(-100, 100));
        spotMoveAt = t + follow;
        this.level += first + second;
        // Arbitrageurs hit spot between the perp's move and spot's.
        for (let k = rng.poisson(1); k > 0; k--) {
          this.trades.push({ t: t + Math.floor(rng.between(100, follow)), side: sign, scale: 2 });
        }
        break;
      }
      case 'simultaneous':
        this.spotSteps.push({ t, delta: first + second, forced: true });
        this.perpSteps.push({ t, delta: first + second, forced: true });
        this.level += first + second;
        this.orderFlow(t, sign, rng.poisson(1.2), 0.6, 1.5);
        break;
      case 'spot-noise':
        move(this.spotSteps, t, 0);
        this.revert(this.spotSteps, t + gap, -(first + second));
        this.orderFlow(t, sign, rng.poisson(1), 0.5, 1);
        break;
      case 'perp-noise':
        move(this.perpSteps, t, 0);
        this.revert(this.perpSteps, t + gap, -(first + second));
        break;
    }
    this.busy.push({ start: t - 10_000, end: spotMoveAt + 12_000 });
    this.freeAt = t + 15_000;
    this.cursor = Math.max(this.cursor, t);
  }

  /** Planned spot trades in the 20 ms before `t`: `count` trades, on `sign`'s side with probability `pSide`. */
  private orderFlow(t: number, sign: number, count: number, pSide: number, scale: number): void {
    for (let k = 0; k < count; k++) {
      const side = this.rng.chance(pSide) ? sign : -sign;
      this.trades.push({ t: t - Math.floor(this.rng.between(200, 18_000)), side, scale });
    }
  }

  /**
   * Drifts a noise move back in steps of at most θ/2 of the price, 10–40 ms
   * apart, starting 20–60 ms after `from`. Each step gets an update at its
   * instant, so however sparse the quotes are, the detector (W = 3 ms) never
   * sees two steps in one window, and no step is large enough to be a jump.
   */
  private revert(steps: Step[], from: number, total: number): void {
    const n = Math.ceil(Math.abs(total) / (0.5 * THETA * (BASE_PRICE + this.level)));
    let t = from + Math.floor(this.rng.between(20_000, 60_000));
    let done = 0;
    for (let k = 1; k <= n; k++) {
      const target = round2((total * k) / n);
      steps.push({ t, delta: target - done, forced: true });
      done = target;
      t += Math.floor(this.rng.between(10_000, 40_000));
    }
    this.revertEnd = Math.max(this.revertEnd, t);
  }
}

function pickKind(rng: Rng, mix: Shape['eventMix']): EventKind {
  let u = rng.uniform();
  for (let i = 0; i < EVENT_KINDS.length - 1; i++) {
    u -= mix[i] ?? 0;
    if (u < 0) return EVENT_KINDS[i] ?? 'lead';
  }
  return EVENT_KINDS[EVENT_KINDS.length - 1] ?? 'perp-noise';
}

/** The windows overlapping [t0, t1); those ending by t1 leave the list. */
function windowsIn(list: Window[], t0: number, t1: number): Window[] {
  const inside = list.filter((w) => w.start < t1 && w.end > t0);
  const kept = list.filter((w) => w.end > t1);
  list.length = 0;
  list.push(...kept);
  return inside;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The perp's delay behind the latent price, µs: a smooth wander within 2.1–3.9 ms. */
function perpLagUs(t: number): number {
  const s = t / 1e6;
  return 3000 + 600 * Math.sin((2 * Math.PI * s) / 7.3) + 300 * Math.sin((2 * Math.PI * s) / 1.1 + 1);
}

/** Removes and returns the items with `t` (or `start`) before `until`, sorted by time (stable). */
function takeBefore<T>(list: T[], until: number, time: (x: T) => number): T[] {
  const taken: T[] = [];
  let w = 0;
  for (const x of list) {
    if (time(x) < until) taken.push(x);
    else list[w++] = x;
  }
  list.length = w;
  return taken.sort((a, b) => time(a) - time(b));
}

// ─────────────────────────────── the generator ─────────────────────────────

export interface RowSink<R> {
  write(rows: R): void;
}

export interface GenSinks {
  readonly spotQuotes: ReadonlyArray<RowSink<QuoteRows>>;
  readonly perpQuotes: ReadonlyArray<RowSink<QuoteRows>>;
  readonly spotTrades: ReadonlyArray<RowSink<TradeRows>>;
}

export interface GenSummary {
  readonly spotRows: number;
  readonly perpRows: number;
  readonly trades: number;
  /** Events placed, by kind (the ground truth behind Table 1). */
  readonly events: Readonly<Record<EventKind, number>>;
  readonly idleGaps: number;
  readonly startUs: number;
  readonly endUs: number;
}

/**
 * Generates `seconds` of both markets chunk by chunk (1 s each) and hands each
 * chunk's rows to every sink. Memory is bounded by one chunk.
 */
export function generate(options: GenOptions, sinks: GenSinks): GenSummary {
  const shape = options.shape ?? BENCH_SHAPE;
  const start = options.startUs ?? DEFAULT_START_US;
  if (!(options.seconds > 0)) throw new RangeError('seconds must be > 0');
  const end = start + Math.round(options.seconds * 1e6);
  const seed = options.seed;
  const schedule = new Scheduler(seed, start, end, shape);
  const latent = new LatentPrice(seed, start, shape.diffusionUsdPerSqrtSecond);
  const activity = new Rng(seed, STREAM.activity);
  const spot = new QuoteMarket(new Rng(seed, STREAM.spot), false);
  const perp = new QuoteMarket(new Rng(seed, STREAM.perp), true);
  const trader = new TradeMaker(new Rng(seed, STREAM.trades), shape.tradesPerSecond);
  const spotRows = new QuoteRows();
  const perpRows = new QuoteRows();
  const tradeRows = new TradeRows();
  let nSpot = 0;
  let nPerp = 0;
  let nTrades = 0;
  let idleGaps = 0;

  for (let t0 = start; t0 < end; t0 += CHUNK_US) {
    const t1 = Math.min(end, t0 + CHUNK_US);
    schedule.planUntil(t1 + CHUNK_US);
    latent.advance(t0, t1);
    const idle = windowsIn(schedule.idle, t0, t1);
    idleGaps += idle.filter((w) => w.start >= t0).length;
    const busy = windowsIn(schedule.busy, t0, t1);
    addRandomBusy(activity, busy, t0, t1, shape.busyStretchesPerSecond);
    const segments = rateSegments(t0, t1, idle, busy);
    const spotSteps = takeBefore(schedule.spotSteps, t1, (s) => s.t);
    const perpSteps = takeBefore(schedule.perpSteps, t1, (s) => s.t);
    const planned = takeBefore(schedule.trades, t1, (p) => p.t);

    spotRows.length = 0;
    perpRows.length = 0;
    tradeRows.length = 0;
    const spotTimes = updateTimes(activity, segments, shape.spotNormalRate, shape.spotBusyRate, spotSteps);
    const perpTimes = updateTimes(
      activity,
      segments,
      shape.spotNormalRate * shape.perpRateFactor,
      shape.spotBusyRate * shape.perpRateFactor,
      perpSteps,
    );
    spot.quote(spotTimes, spotSteps, latent, shape.burstProbability, spotRows);
    perp.quote(perpTimes, perpSteps, latent, shape.burstProbability, perpRows);
    trader.trade(t0, t1, idle, planned, spotRows, tradeRows);

    for (const s of sinks.spotQuotes) s.write(spotRows);
    for (const s of sinks.perpQuotes) s.write(perpRows);
    for (const s of sinks.spotTrades) s.write(tradeRows);
    nSpot += spotRows.length;
    nPerp += perpRows.length;
    nTrades += tradeRows.length;
  }
  const events = Object.fromEntries(EVENT_KINDS.map((k) => [k, schedule.counts.get(k) ?? 0])) as Record<
    EventKind,
    number
  >;
  return { spotRows: nSpot, perpRows: nPerp, trades: nTrades, events, idleGaps, startUs: start, endUs: end };
}

/**
 * The latent price on a 100 µs grid for one chunk plus a 5 ms lookback:
 * `diffusion` (shared, OU around 0 with volatility σ USD/√s, mean reversion 0.0022/s)
 * and `basis` (the perp's own premium, OU around +4 USD with a ~1.5 USD spread,
 * time scale 1 s). Cost O(grid points).
 */
class LatentPrice {
  private readonly rng: Rng;
  private readonly points = (CHUNK_US + MARGIN_US) / GRID_US;
  readonly diffusion = new Float64Array(this.points);
  readonly basis = new Float64Array(this.points);
  /** Time of index 0 (µs). */
  origin = 0;
  private d = 0;
  private b = 4;

  constructor(
    seed: number,
    start: number,
    private readonly sigma: number,
  ) {
    this.rng = new Rng(seed, STREAM.diffusion);
    this.origin = start - MARGIN_US;
    this.diffusion.fill(0);
    this.basis.fill(4);
  }

  /** Fills the grid for [t0, t1), keeping the last 5 ms of the previous chunk in front. */
  advance(t0: number, t1: number): void {
    const keep = MARGIN_US / GRID_US;
    const prevPoints = (t0 - this.origin) / GRID_US;
    if (t0 - MARGIN_US !== this.origin) {
      this.diffusion.copyWithin(0, prevPoints - keep, prevPoints);
      this.basis.copyWithin(0, prevPoints - keep, prevPoints);
    }
    this.origin = t0 - MARGIN_US;
    const n = Math.ceil((t1 - t0) / GRID_US);
    const dt = GRID_US / 1e6;
    const sd = this.sigma * Math.sqrt(dt);
    const sb = 2.1 * Math.sqrt(dt);
    for (let i = keep; i < keep + n; i++) {
      this.d += -0.0022 * this.d * dt + sd * this.rng.normal();
      this.b += -(this.b - 4) * dt + sb * this.rng.normal();
      this.diffusion[i] = this.d;
      this.basis[i] = this.b;
    }
  }

  /** Diffusion at µs `t` (≥ origin): the grid point at or before it. */
  at(t: number): number {
    return this.diffusion[Math.floor((t - this.origin) / GRID_US)] ?? this.d;
  }

  basisAt(t: number): number {
    return this.basis[Math.floor((t - this.origin) / GRID_US)] ?? this.b;
  }
}

/** Random busy stretches (5–30 ms) inside [t0, t1), added to `busy`. */
function addRandomBusy(rng: Rng, busy: Window[], t0: number, t1: number, perSecond: number): void {
  const n = rng.poisson((perSecond * (t1 - t0)) / 1e6);
  for (let k = 0; k < n; k++) {
    const start = Math.floor(rng.between(t0, t1));
    busy.push({ start, end: start + Math.floor(rng.between(5000, 30_000)) });
  }
}

/** Activity levels: 0 idle, 1 normal, 2 busy. */
interface Segment {
  readonly start: number;
  readonly end: number;
  readonly level: 0 | 1 | 2;
}

/** Cuts [t0, t1) into pieces of constant activity; idle wins over busy. Cost O(windows²), a handful per chunk. */
function rateSegments(t0: number, t1: number, idle: readonly Window[], busy: readonly Window[]): Segment[] {
  const cuts = [t0, t1];
  for (const w of [...idle, ...busy]) {
    if (w.start > t0 && w.start < t1) cuts.push(w.start);
    if (w.end > t0 && w.end < t1) cuts.push(w.end);
  }
  cuts.sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i] ?? t0;
    const b = cuts[i + 1] ?? t1;
    if (b <= a) continue;
    const inside = (w: Window): boolean => w.start <= a && a < w.end;
    const level = idle.some(inside) ? 0 : busy.some(inside) ? 2 : 1;
    segments.push({ start: a, end: b, level });
  }
  return segments;
}

/**
 * Quote update instants (integer µs, sorted; repeats allowed): a Poisson
 * process at the segment's rate, plus one update at every forced step.
 */
function updateTimes(
  rng: Rng,
  segments: readonly Segment[],
  normalRate: number,
  busyRate: number,
  steps: readonly Step[],
): Float64Array {
  const out: number[] = [];
  for (const seg of segments) {
    const rate = seg.level === 2 ? busyRate : seg.level === 1 ? normalRate : 0;
    if (rate <= 0) continue;
    const mean = 1e6 / rate;
    for (let t = seg.start + rng.exp(mean); t < seg.end; t += rng.exp(mean)) out.push(Math.floor(t));
  }
  for (const s of steps) if (s.forced) out.push(s.t);
  return Float64Array.from(out).sort();
}

/** Turns update instants into quote rows for one market. */
class QuoteMarket {
  /** Cumulative steps (USD) applied so far. */
  private offset = 0;
  private bidQty = 1000;
  private askQty = 1000;
  private lastBid = 0;
  private lastAsk = 0;

  constructor(
    private readonly rng: Rng,
    private readonly isPerp: boolean,
  ) {}

  quote(times: Float64Array, steps: readonly Step[], latent: LatentPrice, burstP: number, rows: QuoteRows): void {
    const rng = this.rng;
    let s = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] ?? 0;
      while (s < steps.length && (steps[s]?.t ?? Infinity) <= t) this.offset += steps[s++]?.delta ?? 0;
      let mid = BASE_PRICE + this.offset;
      if (this.isPerp) mid += latent.at(t - perpLagUs(t)) + latent.basisAt(t) + 0.006 * rng.normal();
      else mid += latent.at(t);
      const spread = spreadTicks(rng);
      const bid = Math.round(mid * 100 - spread / 2);
      const ask = bid + spread;
      if (rng.chance(0.5)) this.bidQty = sizeUnits(rng);
      else this.askQty = sizeUnits(rng);
      if (this.lastBid > 0 && rng.chance(burstP)) this.burstPrefix(t, bid, ask, rows);
      rows.push(t, bid, ask, this.bidQty, this.askQty);
      this.lastBid = bid;
      this.lastAsk = ask;
    }
    // Steps after the chunk's last update still count from the next update on.
    while (s < steps.length) this.offset += steps[s++]?.delta ?? 0;
  }

  /** 1–3 rows at `t` before the state row: the previous quote with new sizes, or a nearby level. */
  private burstPrefix(t: number, bid: number, ask: number, rows: QuoteRows): void {
    const rng = this.rng;
    for (let k = rng.int(1, 3); k > 0; k--) {
      if (rng.chance(0.5)) {
        rows.push(t, this.lastBid, this.lastAsk, sizeUnits(rng), sizeUnits(rng));
      } else {
        const shift = rng.int(-2, 2);
        rows.push(t, bid + shift, ask + shift, sizeUnits(rng), sizeUnits(rng));
      }
    }
  }
}

function spreadTicks(rng: Rng): number {
  const u = rng.uniform();
  return u < 0.7 ? 1 : u < 0.9 ? 2 : 3;
}

/** Book size in thousandths of a coin: log-normal around 0.8, at least 0.001. */
function sizeUnits(rng: Rng): number {
  return 1 + Math.floor(Math.exp(Math.log(800) + 1.2 * rng.normal()));
}

/** Spot trades: background Poisson flow (none in idle gaps) plus the planned order flow. */
class TradeMaker {
  private lastBid = 0;
  private lastAsk = 0;

  constructor(
    private readonly rng: Rng,
    private readonly perSecond: number,
  ) {}

  trade(t0: number, t1: number, idle: readonly Window[], planned: readonly PlannedTrade[], spot: QuoteRows, out: TradeRows): void {
    const rng = this.rng;
    const times: number[] = [];
    const sides: number[] = [];
    const scales: number[] = [];
    if (this.perSecond > 0) {
      const mean = 1e6 / this.perSecond;
      for (let t = t0 + rng.exp(mean); t < t1; t += rng.exp(mean)) {
        if (idle.some((w) => w.start <= t && t < w.end)) continue;
        times.push(Math.floor(t));
        sides.push(rng.chance(0.5) ? 1 : -1);
        scales.push(1);
      }
    }
    for (const p of planned) {
      times.push(p.t);
      sides.push(p.side);
      scales.push(p.scale);
    }
    const order = times.map((_, i) => i).sort((a, b) => (times[a] ?? 0) - (times[b] ?? 0) || a - b);
    let q = 0;
    for (const i of order) {
      const t = times[i] ?? 0;
      // Backward as-of join on the spot quotes, exact times included (the last row at t is the state).
      while (q < spot.length && (spot.t[q] ?? Infinity) <= t) {
        this.lastBid = spot.bid[q] ?? 0;
        this.lastAsk = spot.ask[q] ?? 0;
        q++;
      }
      if (this.lastBid === 0) continue; // no quote yet
      const side = sides[i] ?? 1;
      let price = side > 0 ? this.lastAsk : this.lastBid;
      if (this.lastAsk - this.lastBid >= 2 && rng.chance(0.05)) price = rng.int(this.lastBid + 1, this.lastAsk - 1);
      const decimals = rng.int(3, 8);
      const qty = Math.min(9.99, Math.exp(Math.log(0.004 * (scales[i] ?? 1)) + 1.4 * rng.normal()));
      const units = Math.max(1, Math.round(qty * 10 ** decimals));
      out.push(t, price, units, decimals, side);
    }
  }
}

// ─────────────────────────────── byte output ───────────────────────────────

/** Where a writer's bytes go: a file descriptor, or memory (fixtures and tests). */
export interface ByteSink {
  put(bytes: Uint8Array): void;
  close(): void;
}

export class FileSink implements ByteSink {
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  put(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
  close(): void {
    closeSync(this.fd);
  }
}

export class MemorySink implements ByteSink {
  private readonly parts: Buffer[] = [];
  put(bytes: Uint8Array): void {
    this.parts.push(Buffer.from(bytes));
  }
  close(): void {}
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const BUFFER_BYTES = 1 << 22;

/**
 * ASCII writer into a 4 MB buffer, flushed to the sink when nearly full: lines
 * are built byte by byte (no per-row strings), one write call per 4 MB.
 */
export class LineWriter {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private pos = 0;
  private readonly scratch = new Uint8Array(24);

  constructor(private readonly sink: ByteSink) {}

  /** Call once per row: makes room for a line of up to 1 KB. */
  reserve(): void {
    if (this.pos > BUFFER_BYTES - 1024) this.flush();
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer < 2^53 in decimal. */
  uint(n: number): void {
    if (n >= 1e9) {
      const hi = Math.floor(n / 1e9);
      this.uint(hi);
      this.padded(n - hi * 1e9, 9);
      return;
    }
    let v = n | 0;
    let k = 0;
    do {
      this.scratch[k++] = 48 + (v % 10);
      v = (v / 10) | 0;
    } while (v > 0);
    while (k > 0) this.buf[this.pos++] = this.scratch[--k] ?? 48;
  }

  /** `v` (< 10^width, non-negative) with leading zeros to `width` digits. */
  padded(v: number, width: number): void {
    let x = v;
    for (let i = width - 1; i >= 0; i--) {
      const q = Math.floor(x / 10);
      this.buf[this.pos + i] = 48 + (x - q * 10);
      x = q;
    }
    this.pos += width;
  }

  /** `units / 10^decimals` with exactly `decimals` fractional digits. */
  fixed(units: number, decimals: number): void {
    const scale = 10 ** decimals;
    const whole = Math.floor(units / scale);
    this.uint(whole);
    if (decimals > 0) {
      this.byte(46);
      this.padded(units - whole * scale, decimals);
    }
  }

  flush(): void {
    if (this.pos > 0) this.sink.put(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  close(): void {
    this.flush();
    this.sink.close();
  }
}

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const COMMA = 44;
const NEWLINE = 10;

/** `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`, µs precision; trailing zeros of the fraction dropped when `trim`. */
export class IsoTimeWriter {
  private day = NaN;
  private dayPrefix = ascii('');
  private readonly suffix = ascii('+00:00');

  write(w: LineWriter, tUs: number, trim: boolean): void {
    const sec = Math.floor(tUs / 1e6);
    const frac = tUs - sec * 1e6;
    const day = Math.floor(sec / 86400);
    if (day !== this.day) {
      this.day = day;
      this.dayPrefix = ascii(new Date(day * 86400e3).toISOString().slice(0, 10) + ' ');
    }
    w.bytes(this.dayPrefix);
    const s = sec - day * 86400;
    w.padded(Math.floor(s / 3600), 2);
    w.byte(58);
    w.padded(Math.floor((s % 3600) / 60), 2);
    w.byte(58);
    w.padded(s % 60, 2);
    if (!trim) {
      w.byte(46);
      w.padded(frac, 6);
    } else if (frac > 0) {
      let digits = 6;
      let f = frac;
      while (f % 10 === 0) {
        f /= 10;
        digits--;
      }
      w.byte(46);
      w.padded(f, digits);
    }
    w.bytes(this.suffix);
  }
}

// ─────────────────────────────── CSV formats ───────────────────────────────

export const QUOTE_FORMATS = ['tardis', 'exchange', 'binance', 'generic'] as const;
export type QuoteFormat = (typeof QUOTE_FORMATS)[number];
export const TRADE_FORMATS = ['tardis', 'exchange', 'binance'] as const;
export type TradeFormat = (typeof TRADE_FORMATS)[number];
export type Market = 'spot' | 'perp';

/** Header line of each format (without the newline). */
export const QUOTE_HEADERS: Readonly<Record<QuoteFormat, string>> = {
  tardis: 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount',
  exchange: 'time,symbol,bid_price,ask_price',
  binance: 'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time',
  generic: 'ts_us,bid,ask',
};

export const TRADE_HEADERS: Readonly<Record<TradeFormat, string>> = {
  tardis: 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
  exchange: 'time,symbol,price,quantity,is_market_maker',
  binance: 'id,price,qty,quote_qty,time,is_buyer_maker',
};

/**
 * Quote CSV writer. Times: Tardis µs (local = exchange + 0.2–2 ms, never
 * decreasing), exchange ISO with µs (trailing fractional zeros dropped on about
 * half the rows), Binance ms (rows within one ms become a burst), generic µs.
 * The exchange layout writes spot prices with 8 decimals, as Binance spot
 * exports do; the value is the same.
 */
export class QuoteCsvWriter implements RowSink<QuoteRows> {
  private readonly w: LineWriter;
  private readonly rng: Rng;
  private readonly iso = new IsoTimeWriter();
  private readonly prefix: Uint8Array;
  private readonly spot: boolean;
  private local = 0;
  private updateId: number;

  constructor(
    private readonly format: QuoteFormat,
    market: Market,
    sink: ByteSink,
    seed: number,
  ) {
    this.w = new LineWriter(sink);
    this.rng = new Rng(seed, market === 'spot' ? STREAM.formatSpot : STREAM.formatPerp);
    this.prefix = ascii(
      format === 'tardis'
        ? `${market === 'spot' ? 'binance' : 'binance-futures'},BTCUSDT,`
        : format === 'exchange'
          ? ',BTCUSDT,'
          : '',
    );
    this.updateId = market === 'spot' ? 48_123_456_789 : 5_012_345_678_901;
    this.w.bytes(ascii(QUOTE_HEADERS[format] + '\n'));
    this.spot = market === 'spot';
  }

  write(rows: QuoteRows): void {
    const w = this.w;
    for (let i = 0; i < rows.length; i++) {
      w.reserve();
      const t = rows.t[i] ?? 0;
      const bid = rows.bid[i] ?? 0;
      const ask = rows.ask[i] ?? 0;
      switch (this.format) {
        case 'tardis':
          w.bytes(this.prefix);
          w.uint(t);
          w.byte(COMMA);
          this.local = Math.max(this.local, t + 200 + Math.floor(this.rng.exp(400)));
          w.uint(this.local);
          w.byte(COMMA);
          w.fixed(rows.askQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.fixed(ask, 2);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(rows.bidQty[i] ?? 0, 3);
          break;
        case 'exchange':
          this.iso.write(w, t, this.rng.chance(0.5));
          w.bytes(this.prefix);
          this.price(bid);
          w.byte(COMMA);
          this.price(ask);
          break;
        case 'binance': {
          const ms = Math.floor(t / 1000);
          this.updateId += 1 + (this.rng.chance(0.2) ? this.rng.int(1, 5) : 0);
          this.local = Math.max(this.local, ms + this.rng.int(0, 2));
          w.uint(this.updateId);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(rows.bidQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.fixed(ask, 2);
          w.byte(COMMA);
          w.fixed(rows.askQty[i] ?? 0, 3);
          w.byte(COMMA);
          w.uint(ms);
          w.byte(COMMA);
          w.uint(this.local);
          break;
        }
        case 'generic':
          w.uint(t);
          w.byte(COMMA);
          w.fixed(bid, 2);
          w.byte(COMMA);
          w.fixed(ask, 2);
          break;
      }
      w.byte(NEWLINE);
    }
  }

  private price(cents: number): void {
    this.w.fixed(cents, 2);
    if (this.spot) this.w.bytes(SIX_ZEROS);
  }

  close(): void {
    this.w.close();
  }
}

const SIX_ZEROS = ascii('000000');
const TRUE = ascii('true');
const FALSE = ascii('false');
const BUY = ascii('buy');
const SELL = ascii('sell');

/**
 * Spot trade CSV writer. Tardis: µs, `side` = aggressor; exchange: ISO µs,
 * 8-decimal price and quantity, `is_market_maker` true when the buyer was the
 * maker (a sell aggressor); Binance: ms, `is_buyer_maker` likewise,
 * `quote_qty` = price × qty exactly.
 */
export class TradeCsvWriter implements RowSink<TradeRows> {
  private readonly w: LineWriter;
  private readonly rng: Rng;
  private readonly iso = new IsoTimeWriter();
  private readonly prefix: Uint8Array;
  private local = 0;
  private id = 3_712_345_678;

  constructor(
    private readonly format: TradeFormat,
    sink: ByteSink,
    seed: number,
  ) {
    this.w = new LineWriter(sink);
    this.rng = new Rng(seed, STREAM.formatTrades);
    this.prefix = ascii(format === 'tardis' ? 'binance,BTCUSDT,' : ',BTCUSDT,');
    this.w.bytes(ascii(TRADE_HEADERS[format] + '\n'));
  }

  write(rows: TradeRows): void {
    const w = this.w;
    for (let i = 0; i < rows.length; i++) {
      w.reserve();
      const t = rows.t[i] ?? 0;
      const price = rows.price[i] ?? 0;
      const units = rows.qtyUnits[i] ?? 0;
      const decimals = rows.qtyDecimals[i] ?? 0;
      const buyer = (rows.side[i] ?? 0) > 0;
      this.id += 1;
      switch (this.format) {
        case 'tardis':
          w.bytes(this.prefix);
          w.uint(t);
          w.byte(COMMA);
          this.local = Math.max(this.local, t + 200 + Math.floor(this.rng.exp(400)));
          w.uint(this.local);
          w.byte(COMMA);
          w.uint(this.id);
          w.byte(COMMA);
          w.bytes(buyer ? BUY : SELL);
          w.byte(COMMA);
          w.fixed(price, 2);
          w.byte(COMMA);
          w.fixed(units, decimals);
          break;
        case 'exchange':
          this.iso.write(w, t, this.rng.chance(0.5));
          w.bytes(this.prefix);
          w.fixed(price, 2);
          w.bytes(SIX_ZEROS);
          w.byte(COMMA);
          w.fixed(units * 10 ** (8 - decimals), 8);
          w.byte(COMMA);
          w.bytes(buyer ? FALSE : TRUE);
          break;
        case 'binance':
          w.uint(this.id);
          w.byte(COMMA);
          w.fixed(price, 2);
          w.byte(COMMA);
          w.fixed(units, decimals);
          w.byte(COMMA);
          // cents × units < 7e6 × 1e9 < 2^53: exact.
          w.fixed(price * units, decimals + 2);
          w.byte(COMMA);
          w.uint(Math.floor(t / 1000));
          w.byte(COMMA);
          w.bytes(buyer ? FALSE : TRUE);
          break;
      }
      w.byte(NEWLINE);
    }
  }

  close(): void {
    this.w.close();
  }
}

// ─────────────────────────────── data sets ─────────────────────────────────

export const FILE_NAMES = {
  spotQuotes: 'spot_quotes.csv',
  perpQuotes: 'perp_quotes.csv',
  spotTrades: 'spot_trades.csv',
} as const;

export interface DatasetOptions extends GenOptions {
  readonly format: QuoteFormat;
  /** Default: the quote format's family; Tardis for `generic` (µs times survive). */
  readonly tradeFormat?: TradeFormat;
  /** Gzip the files (`.csv.gz`). */
  readonly gzip?: boolean;
}

export function defaultTradeFormat(format: QuoteFormat): TradeFormat {
  return format === 'generic' ? 'tardis' : format;
}

/**
 * Writes spot_quotes.csv, perp_quotes.csv and spot_trades.csv into `dir`
 * (created if needed). Files are written under a temporary name and renamed
 * at the end, so an interrupted run never leaves a complete-looking file.
 */
export function writeDataset(dir: string, options: DatasetOptions): GenSummary {
  mkdirSync(dir, { recursive: true });
  const tradeFormat = options.tradeFormat ?? defaultTradeFormat(options.format);
  const ext = options.gzip ? '.gz' : '';
  const paths = [FILE_NAMES.spotQuotes, FILE_NAMES.perpQuotes, FILE_NAMES.spotTrades].map((n) => join(dir, n + ext));
  const sinks: ByteSink[] = paths.map((p) => (options.gzip ? new GzipFileSink(`${p}.partial`) : new FileSink(`${p}.partial`)));
  const spot = new QuoteCsvWriter(options.format, 'spot', sinks[0] as ByteSink, options.seed);
  const perp = new QuoteCsvWriter(options.format, 'perp', sinks[1] as ByteSink, options.seed);
  const trades = new TradeCsvWriter(tradeFormat, sinks[2] as ByteSink, options.seed);
  const summary = generate(options, { spotQuotes: [spot], perpQuotes: [perp], spotTrades: [trades] });
  spot.close();
  perp.close();
  trades.close();
  for (const p of paths) renameSync(`${p}.partial`, p);
  return summary;
}

/**
 * Gzip file output that streams: each 4 MB flush becomes one gzip member
 * (RFC 1952 allows several; gunzip and node:zlib read them as one stream).
 */
class GzipFileSink extends FileSink {
  override put(bytes: Uint8Array): void {
    super.put(gzipSync(bytes));
  }
}

export const BENCH_SEED = 20240808;

export interface BenchOptions {
  /** Length in minutes (default 60; 30 is the half-size variant). */
  readonly minutes?: number;
  readonly seed?: number;
  /** Regenerate even when the three files exist. */
  readonly force?: boolean;
}

export interface BenchResult {
  readonly dir: string;
  /** False when the files were already there. */
  readonly generated: boolean;
  readonly summary?: GenSummary;
  readonly seconds?: number;
}

/**
 * The benchmark data set: `minutes` of both markets in Tardis CSV (≈ 17 M quote
 * rows, 1.4 GB and ≈ 150 000 trades per hour), written into `dir` only if
 * spot_quotes.csv, perp_quotes.csv and spot_trades.csv are not all there.
 * Deterministic (seed 20240808 unless given).
 */
export function ensureBenchData(dir: string, options: BenchOptions = {}): BenchResult {
  const minutes = options.minutes ?? 60;
  if (!(minutes > 0)) throw new RangeError('minutes must be > 0');
  const present = Object.values(FILE_NAMES).every((n) => existsSync(join(dir, n)));
  if (present && !options.force) return { dir, generated: false };
  const started = process.hrtime.bigint();
  const summary = writeDataset(dir, {
    format: 'tardis',
    seed: options.seed ?? BENCH_SEED,
    seconds: minutes * 60,
    shape: BENCH_SHAPE,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { dir, generated: true, summary, seconds };
}

// ─────────────────────────────── CLI ───────────────────────────────────────

const USAGE = `usage:
  node dist/scripts/gen-data.js --out DIR [--seconds 60] [--seed 1]
      [--format tardis|exchange|binance|generic] [--trade-format tardis|exchange|binance]
      [--preset bench|fixture] [--gzip]
  node dist/scripts/gen-data.js --bench [--out bench-data] [--minutes 60] [--seed 20240808] [--force]

Writes DIR/spot_quotes.csv, DIR/perp_quotes.csv and DIR/spot_trades.csv (.csv.gz with --gzip).
--preset bench: a busy market (~4 700 quote rows/s); fixture: a quiet one (~60 rows/s).
--bench: the 1-hour benchmark data set in Tardis format (~1.4 GB), only if absent.`;

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        seconds: { type: 'string', default: '60' },
        seed: { type: 'string' },
        format: { type: 'string', default: 'tardis' },
        'trade-format': { type: 'string' },
        preset: { type: 'string', default: 'bench' },
        gzip: { type: 'boolean', default: false },
        bench: { type: 'boolean', default: false },
        minutes: { type: 'string', default: '60' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const fail = (msg: string): number => {
    process.stderr.write(`gen-data: ${msg}\n${USAGE}\n`);
    return 2;
  };
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) return fail('--seed must be an integer ≥ 0');

  if (args.bench) {
    const minutes = Number(args.minutes);
    if (!(minutes > 0)) return fail('--minutes must be a number > 0');
    const dir = resolve(args.out ?? 'bench-data');
    process.stderr.write(`gen-data: bench data (${minutes} min) in ${dir}\n`);
    const r = ensureBenchData(dir, { minutes, ...(seed === undefined ? {} : { seed }), force: args.force });
    if (!r.generated) process.stderr.write('gen-data: already present, nothing to do (--force regenerates)\n');
    else process.stderr.write(`gen-data: ${describe(r.summary)} in ${r.seconds?.toFixed(1)} s\n`);
    return 0;
  }

  if (args.out === undefined) return fail('--out DIR is required');
  const seconds = Number(args.seconds);
  if (!(seconds > 0)) return fail('--seconds must be a number > 0');
  const format = args.format as QuoteFormat;
  if (!QUOTE_FORMATS.includes(format)) return fail(`--format must be one of ${QUOTE_FORMATS.join(', ')}`);
  const tradeFormat = (args['trade-format'] ?? defaultTradeFormat(format)) as TradeFormat;
  if (!TRADE_FORMATS.includes(tradeFormat)) return fail(`--trade-format must be one of ${TRADE_FORMATS.join(', ')}`);
  if (args.preset !== 'bench' && args.preset !== 'fixture') return fail('--preset must be bench or fixture');
  const started = process.hrtime.bigint();
  const summary = writeDataset(resolve(args.out), {
    format,
    tradeFormat,
    seed: seed ?? 1,
    seconds,
    shape: args.preset === 'bench' ? BENCH_SHAPE : FIXTURE_SHAPE,
    gzip: args.gzip,
  });
  const took = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(`gen-data: ${describe(summary)} in ${took.toFixed(1)} s\n`);
  return 0;
}

function describe(s: GenSummary | undefined): string {
  if (s === undefined) return '';
  const events = EVENT_KINDS.map((k) => `${k} ${s.events[k]}`).join(', ');
  return `${s.spotRows} spot + ${s.perpRows} perp quote rows, ${s.trades} trades; events: ${events}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}

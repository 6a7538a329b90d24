/**
 * The generator proper: `generate` walks the data chunk by chunk (1 s), draws
 * the latent price, the activity (idle, normal, busy) and the update instants,
 * turns them into quote rows for each market and spot trades, and hands each
 * chunk's rows to the sinks.
 */
import {
  BASE_PRICE,
  BENCH_SHAPE,
  CHUNK_US,
  DEFAULT_START_US,
  EVENT_KINDS,
  GRID_US,
  MARGIN_US,
  QuoteRows,
  TradeRows,
  type EventKind,
  type GenOptions,
} from './model.js';
import { Rng, STREAM } from './rng.js';
import { Scheduler, perpLagUs, takeBefore, windowsIn, type PlannedTrade, type Step, type Window } from './schedule.js';

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
  const sticky: Sticky = { band: shape.quoteBandUsd ?? 0, spreadRedraw: shape.spreadRedrawProbability ?? 1 };
  const spot = new QuoteMarket(new Rng(seed, STREAM.spot), false, sticky);
  const perp = new QuoteMarket(new Rng(seed, STREAM.perp), true, sticky);
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

/** Sticky quotes (Shape.quoteBandUsd): band 0 quotes the latent price at every update. */
interface Sticky {
  readonly band: number;
  readonly spreadRedraw: number;
}

/** Turns update instants into quote rows for one market. */
class QuoteMarket {
  /** Cumulative steps (USD) applied so far. */
  private offset = 0;
  private bidQty = 1000;
  private askQty = 1000;
  private lastBid = 0;
  private lastAsk = 0;
  /** Sticky quotes: the latent level on the book (NaN before the first update) and the spread. */
  private booked = NaN;
  private spread = 0;

  constructor(
    private readonly rng: Rng,
    private readonly isPerp: boolean,
    private readonly sticky: Sticky,
  ) {}

  quote(times: Float64Array, steps: readonly Step[], latent: LatentPrice, burstP: number, rows: QuoteRows): void {
    const rng = this.rng;
    let s = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] ?? 0;
      while (s < steps.length && (steps[s]?.t ?? Infinity) <= t) this.offset += steps[s++]?.delta ?? 0;
      const mid = BASE_PRICE + this.offset + this.latentLevel(t, latent);
      const spread = this.spreadNow();
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

  /** The latent part of the mid: the current latent price, or with sticky quotes the level on the book. */
  private latentLevel(t: number, latent: LatentPrice): number {
    const rng = this.rng;
    const now = this.isPerp ? latent.at(t - perpLagUs(t)) + latent.basisAt(t) + 0.006 * rng.normal() : latent.at(t);
    if (this.sticky.band <= 0) return now;
    if (!(Math.abs(now - this.booked) <= this.sticky.band)) this.booked = now;
    return this.booked;
  }

  private spreadNow(): number {
    if (this.sticky.band <= 0) return spreadTicks(this.rng);
    if (this.spread === 0 || this.rng.chance(this.sticky.spreadRedraw)) this.spread = spreadTicks(this.rng);
    return this.spread;
  }

  /** 1–3 rows at `t` before the state row: the previous quote with new sizes, or a nearby level. */
  private burstPrefix(t: number, bid: number, ask: number, rows: QuoteRows): void {
    const rng = this.rng;
    const repeatP = this.sticky.band > 0 ? 0.9 : 0.5;
    for (let k = rng.int(1, 3); k > 0; k--) {
      if (rng.chance(repeatP)) {
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

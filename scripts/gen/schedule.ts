/**
 * The event schedule of the synthetic data: the `Scheduler` that plans jump
 * events (price steps of each market, order flow) and idle gaps ahead of the
 * chunk being written, and the small helpers the generator uses to take each
 * chunk's share of the plan.
 */
import { BASE_PRICE, EVENT_KINDS, THETA, type EventKind, type Shape } from './model.js';
import { Rng, STREAM } from './rng.js';

/** A price step of one market at an exact µs; `forced` steps get a quote update at that instant. */
export interface Step {
  readonly t: number;
  readonly delta: number;
  readonly forced: boolean;
}

export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface PlannedTrade {
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
export class Scheduler {
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
export function windowsIn(list: Window[], t0: number, t1: number): Window[] {
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
export function perpLagUs(t: number): number {
  const s = t / 1e6;
  return 3000 + 600 * Math.sin((2 * Math.PI * s) / 7.3) + 300 * Math.sin((2 * Math.PI * s) / 1.1 + 1);
}

/** Removes and returns the items with `t` (or `start`) before `until`, sorted by time (stable). */
export function takeBefore<T>(list: T[], until: number, time: (x: T) => number): T[] {
  const taken: T[] = [];
  let w = 0;
  for (const x of list) {
    if (time(x) < until) taken.push(x);
    else list[w++] = x;
  }
  list.length = w;
  return taken.sort((a, b) => time(a) - time(b));
}

/**
 * Volatility regimes (docs/definitions.md §11, docs/time.md): each window is classified by the
 * realised volatility of market A's 1-second log-returns on the LOCF grid (§2) inside it.
 */
import { quantile } from './quantile.js';
import type { TimeRange } from './parts.js';
import type { Span, TickBatch } from './types.js';

export type Regime = 'low' | 'mid' | 'high';
export const REGIMES: readonly Regime[] = ['low', 'mid', 'high'];

/**
 * A's LOCF log-returns on a grid of `stepUs` (1 s): the return at grid point k·step is
 * ln v[k] − ln v[k − 1], v[k] the price of the last tick at or before k·step, for every grid
 * point after the first one at or after A's first tick. Keeps one number per grid step (8 bytes
 * a second: 0.7 MB a day), because which returns fall in the span is known only at the end.
 */
export class GridReturns {
  private r = new Float64Array(1024);
  private n = 0;
  /** Grid index of r[0]; the last grid index whose value is fixed. */
  private k0 = NaN;
  private lastK = NaN;
  private current = NaN;
  private valueAtLast = NaN;

  constructor(readonly stepUs = 1_000_000) {}

  /** A's ticks, times strictly increasing across calls. */
  push(b: TickBatch): void {
    for (let i = 0; i < b.length; i++) this.tick(b.t[i]!, b.price[i]!);
  }

  private tick(t: number, price: number): void {
    const below = Math.ceil(t / this.stepUs) - 1; // the last grid point strictly before t
    if (Number.isNaN(this.lastK)) this.lastK = below;
    else this.advance(below);
    this.current = Math.log(price);
  }

  /** Fixes grid points lastK+1 … k at the current value. */
  private advance(k: number): void {
    for (let j = this.lastK + 1; j <= k; j++) {
      if (Number.isNaN(this.valueAtLast)) {
        this.k0 = j + 1; // the first return is at the grid point after the first value
      } else this.append(this.current - this.valueAtLast);
      this.valueAtLast = this.current;
    }
    if (k > this.lastK) this.lastK = k;
  }

  private append(x: number): void {
    if (this.n === this.r.length) {
      const next = new Float64Array(this.r.length * 2);
      next.set(this.r);
      this.r = next;
    }
    this.r[this.n++] = x;
  }

  /**
   * Mean squared return per cell of `cellUs`, over the returns at grid points in the span
   * (inclusive) and in `range`: cell key → { sumSq, n }.
   */
  byCell(span: Span, range: TimeRange, cellUs: number): Map<number, { sumSq: number; n: number }> {
    this.advance(Math.floor(span.end / this.stepUs));
    const out = new Map<number, { sumSq: number; n: number }>();
    const lo = Math.max(span.start, range.start);
    const hi = Math.min(span.end + 1, range.end);
    for (let i = 0; i < this.n; i++) {
      const g = (this.k0 + i) * this.stepUs;
      if (g < lo || g >= hi) continue;
      const key = Math.floor(g / cellUs);
      let c = out.get(key);
      if (c === undefined) out.set(key, (c = { sumSq: 0, n: 0 }));
      c.sumSq += this.r[i]! * this.r[i]!;
      c.n++;
    }
    return out;
  }
}

/**
 * The regime of each window from its volatility (here the root mean squared 1-second return,
 * so that a window the span covers only in part is not made to look quiet): low below the 25th
 * percentile of the windows (type 7), high above the 75th, mid otherwise.
 */
export function regimesOf(vols: ReadonlyMap<number, number>): { regime: Map<number, Regime>; q25: number; q75: number } {
  const values = Float64Array.from(vols.values());
  const q25 = quantile(values, 0.25);
  const q75 = quantile(values, 0.75);
  const regime = new Map<number, Regime>();
  for (const [k, v] of vols) regime.set(k, v < q25 ? 'low' : v > q75 ? 'high' : 'mid');
  return { regime, q25, q75 };
}

/** Root mean squared return per window, from GridReturns.byCell. */
export function rmsByCell(cells: ReadonlyMap<number, { sumSq: number; n: number }>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, c] of cells) if (c.n > 0) out.set(k, Math.sqrt(c.sumSq / c.n));
  return out;
}

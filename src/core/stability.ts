/**
 * The stability summary under `--by` (docs/time.md): does the lead hold across windows, and is
 * it decaying? From one point per window: the spread of the lag across windows, the share of
 * windows each market leads, and OLS trends per day of the windows' statistics.
 */
import { quantile } from './quantile.js';
import { Random } from './random.js';

/** One window's summary statistics; null where the window has none. */
export interface WindowPoint {
  readonly start: number;
  readonly end: number;
  /** The window's lag in µs (positive: A leads). */
  readonly lagUs: number | null;
  /** Which market leads in the window by its command's tests: 1 A, −1 B, 0 neither, null no call (docs/time.md). */
  readonly leader: 1 | -1 | 0 | null;
  /** Further statistics to trend, by name (e.g. r2, spot_share). */
  readonly values: Readonly<Record<string, number | null>>;
}

/** An OLS line y = a + slope · x over the windows, x the window's midpoint in days. */
export interface Trend {
  /** Change per day, in the statistic's unit. */
  readonly slopePerDay: number;
  /** Standard error of the slope: √(Σe² / (k − 2) / Σ(x − x̄)²). */
  readonly se: number;
  /**
   * slope / |mean(y)|: the relative change per day ("R² falls 4 % per day"), with the slope's
   * sign whatever the mean's (a lag of mean −1 ms growing by 0.1 ms a day grows 10 %); null when
   * mean(y) is 0.
   */
  readonly relativePerDay: number | null;
  /** Mean of the statistic over the windows in the fit. */
  readonly mean: number;
  /** Windows in the fit (those where the statistic is defined). */
  readonly n: number;
  /** Two-sided p of "no trend" by permuting the windows' values (trendPermutationP). */
  readonly pValue: number;
}

export interface Stability {
  readonly windows: number;
  /** Each window's call on who leads, in order (WindowPoint.leader): what the shares count. */
  readonly calls: readonly (1 | -1 | 0 | null)[];
  /** Spread of the lag over the windows where it is defined (µs); null when none is. */
  /** sd: the sample sd (n − 1), null for a single window. */
  readonly lag: { readonly min: number; readonly p25: number; readonly median: number; readonly p75: number; readonly max: number; readonly sd: number | null; readonly n: number } | null;
  /** Share of the windows with a defined leader in which A leads, B leads, neither. */
  readonly leads: { readonly a: number; readonly b: number; readonly neither: number; readonly n: number };
  /** OLS trend per day of the lag and of each named statistic; null with fewer than 3 windows defining it or all at one time. */
  readonly trends: Readonly<Record<string, Trend | null>>;
}

const DAY_US = 86_400e6;

/**
 * The summary of a list of windows. The trend's x is each window's midpoint in days after
 * the first window's start, so slopes read "per day" whatever the window length.
 */
export function stabilityOf(points: readonly WindowPoint[]): Stability {
  const lags = points.map((p) => p.lagUs).filter((v): v is number => v !== null);
  const lagArr = Float64Array.from(lags);
  const leaders = points.map((p) => p.leader).filter((v): v is 1 | -1 | 0 => v !== null);
  const share = (want: number) => (leaders.length === 0 ? 0 : leaders.filter((l) => l === want).length / leaders.length);
  const origin = points.length > 0 ? points[0]!.start : 0;
  const x = points.map((p) => ((p.start + p.end) / 2 - origin) / DAY_US);
  const trendOf = (get: (p: WindowPoint) => number | null) => {
    const xs: number[] = [];
    const ys: number[] = [];
    points.forEach((p, i) => {
      const y = get(p);
      if (y !== null && Number.isFinite(y)) {
        xs.push(x[i]!);
        ys.push(y);
      }
    });
    return olsTrend(xs, ys);
  };
  const names = new Set(points.flatMap((p) => Object.keys(p.values)));
  const trends: Record<string, Trend | null> = { lag_us: trendOf((p) => p.lagUs) };
  for (const name of names) trends[name] = trendOf((p) => p.values[name] ?? null);
  return {
    windows: points.length,
    calls: points.map((p) => p.leader),
    lag:
      lags.length === 0
        ? null
        : {
            min: Math.min(...lags),
            p25: quantile(lagArr, 0.25),
            median: quantile(lagArr, 0.5),
            p75: quantile(lagArr, 0.75),
            max: Math.max(...lags),
            sd: sampleSd(lags),
            n: lags.length,
          },
    leads: { a: share(1), b: share(-1), neither: share(0), n: leaders.length },
    trends,
  };
}

/**
 * Ordinary least squares of y on x: the slope, its standard error and slope / mean(y).
 * Null with fewer than 3 points (no residual degree of freedom) or when every x is equal.
 */
export function olsTrend(x: readonly number[], y: readonly number[]): Trend | null {
  const k = x.length;
  if (k < 3) return null;
  const mx = x.reduce((a, b) => a + b, 0) / k;
  const my = y.reduce((a, b) => a + b, 0) / k;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < k; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < k; i++) sse += (y[i]! - my - slope * (x[i]! - mx)) ** 2;
  return { slopePerDay: slope, se: Math.sqrt(sse / (k - 2) / sxx), relativePerDay: my === 0 ? null : slope / Math.abs(my), mean: my, n: k, pValue: trendPermutationP(x, y) };
}

/** Up to this many windows every order is tried (8! = 40 320); beyond, orders are drawn. */
export const EXACT_TREND_WINDOWS = 8;
/** Orders drawn beyond EXACT_TREND_WINDOWS, fewer (at least MIN_TREND_PERMUTATIONS) where windows × orders would pass TREND_WORK. */
export const TREND_PERMUTATIONS = 9_999;
const MIN_TREND_PERMUTATIONS = 999;
const TREND_WORK = 5e7;
/** The draws' own seed: a trend's p is the same in every run, whatever --seed. */
const TREND_SEED = 20_240_808;

/**
 * Two-sided p of "no trend": the share of orders of the values over the windows whose slope is
 * at least as steep, |Σ(x − x̄)·y_π| ≥ |Σ(x − x̄)·y|. Under no trend and windows that could be
 * exchanged, every order is as likely, so the level holds whatever the values' distribution:
 * Student's t over the residuals did not (4 windows of 14, 18, 14 and 2 led pairs at one constant
 * share rejected 8–9 % of the time at 5 %). Every order is tried up to 8 windows (p = count / k!,
 * at least 2/k! since the reversed order of evenly spaced windows is as steep: 4 windows cannot
 * show a trend); beyond, TREND_PERMUTATIONS orders are drawn from a fixed seed and
 * p = (1 + count) / (R + 1). Slopes equal but for rounding count as equal.
 */
export function trendPermutationP(x: readonly number[], y: readonly number[]): number {
  const k = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / k;
  const xc = Float64Array.from(x, (v) => v - mx);
  const ys = Float64Array.from(y);
  const steepness = (order: Float64Array) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += xc[i]! * order[i]!;
    return Math.abs(s);
  };
  let scale = 0;
  let top = 0;
  for (let i = 0; i < k; i++) {
    scale += Math.abs(xc[i]!);
    top = Math.max(top, Math.abs(ys[i]!));
  }
  // A sum of k products in another order differs by at most about k·ε of Σ|terms|.
  const least = steepness(ys) - 8 * k * Number.EPSILON * scale * top;
  if (k <= EXACT_TREND_WINDOWS) {
    let count = 0;
    let orders = 0;
    eachOrder(ys, (order) => {
      orders++;
      if (steepness(order) >= least) count++;
    });
    return count / orders;
  }
  const draws = Math.max(MIN_TREND_PERMUTATIONS, Math.min(TREND_PERMUTATIONS, Math.floor(TREND_WORK / k)));
  const random = new Random(TREND_SEED);
  const order = Float64Array.from(ys);
  let count = 0;
  for (let r = 0; r < draws; r++) {
    // Fisher–Yates from the last order: each shuffle is uniform whatever it starts from.
    for (let i = k - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    if (steepness(order) >= least) count++;
  }
  return (1 + count) / (draws + 1);
}

/** Calls `visit` with every order of `values` (Heap's algorithm, in place: k! orders, the first the given one). */
function eachOrder(values: Float64Array, visit: (order: Float64Array) => void): void {
  const k = values.length;
  const c = new Int32Array(k);
  visit(values);
  let i = 1;
  while (i < k) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      const t = values[j]!;
      values[j] = values[i]!;
      values[i] = t;
      visit(values);
      c[i]!++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/** The sample sd (divisor n − 1); null for fewer than two values, where it is undefined (not 0). */
function sampleSd(v: readonly number[]): number | null {
  if (v.length < 2) return null;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

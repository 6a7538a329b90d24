/**
 * The stability summary under `--by` (docs/time.md): does the lead hold across windows, and is
 * it decaying? From one point per window: the spread of the lag across windows, the share of
 * windows each market leads, and weighted least-squares trends per day of the windows' statistics.
 */
import { quantile } from './quantile.js';

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
  /**
   * The count the window's statistics rest on, its weight in the trends (docs/time.md): led pairs
   * (pair), co-moving grid steps at the best lag (xcorr), the scarcer market's ticks (hy). A
   * window too light beside the others stays out of them (trendWindows).
   */
  readonly weight: number;
}

/** A weighted least-squares line y = a + slope · x over the windows, x the window's midpoint in days (trendLine). */
export interface Trend {
  /** Change per day, in the statistic's unit. */
  readonly slopePerDay: number;
  /**
   * Standard error of the slope, the sandwich (HC3) one: √(Σ w²(x − x̄)²e² / (1 − h)²) / Σw(x − x̄)²,
   * x̄ the weighted mean, h the leverage (trendLine); null where a window fixes the slope alone
   * (leverage 1: its residual says nothing of the noise).
   */
  readonly se: number | null;
  /**
   * The degrees of freedom of the t the slope is tested with: k − 2, or fewer where a few
   * windows carry the fit (Bell and McCaffrey's, trendLine); null with `se`.
   */
  readonly df: number | null;
  /**
   * slope / |mean(y)|: the relative change per day ("R² falls 4 % per day"), with the slope's
   * sign whatever the mean's (a lag of mean −1 ms growing by 0.1 ms a day grows 10 %); null when
   * mean(y) is 0.
   */
  readonly relativePerDay: number | null;
  /** Weighted mean of the statistic over the windows in the fit. */
  readonly mean: number;
  /** Windows in the fit (trendWindows). */
  readonly n: number;
  /** Windows where the statistic is defined but too light for the fit (trendWindows). */
  readonly leftOut: number;
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
  /** Weighted least-squares trend per day of the lag and of each named statistic; null with fewer than 3 windows in the fit (trendWindows) or all at one time. */
  readonly trends: Readonly<Record<string, Trend | null>>;
}

const DAY_US = 86_400e6;

/**
 * The least weight of a window in a trend, with a quarter of the weighted median (trendWindows):
 * a share of 1 or 2 led pairs is 0, ½ or 1 whatever the truth, and a share of 3 beside hundreds,
 * near 0 or 1, is far from the normal the t-test assumes (docs/time.md).
 */
export const MIN_TREND_WEIGHT = 3;

/**
 * The weighted median of positive weights: the least weight w such that the windows weighing at
 * most w hold half the total weight or more. It is a heavy window's weight whenever the heavy
 * windows hold most of the weight, however many light ones there are.
 */
export function weightedMedian(weights: readonly number[]): number {
  const sorted = Float64Array.from(weights).sort();
  let total = 0;
  for (const w of sorted) total += w;
  let below = 0;
  for (const w of sorted) {
    below += w;
    if (below >= total / 2) return w;
  }
  return Number.NaN;
}

/**
 * The windows a trend is fitted over: those where the value is defined and that weigh at least
 * MIN_TREND_WEIGHT and a quarter of the weighted median of those windows' weights; `leftOut`
 * counts the defined ones that do not. Light windows beside heavy ones, weighted or not, made the
 * t-test reject far above its level at one constant share (windows of 3, 3, 100, 100, 100 led
 * pairs at 0.97: 11 %; 3, 3, 3, 1 000, 1 000, 1 000 at 0.99: 28 %). A quarter of the plain
 * median left nothing out where light windows are half or more (3, 3, 3, 3, 1 000, 1 000, 1 000:
 * 31 %); the weighted median is set by the heavy ones (docs/time.md has the levels).
 */
export function trendWindows(ys: readonly (number | null)[], weights: readonly number[]): { readonly keep: boolean[]; readonly leftOut: number } {
  const defined = ys.map((y) => y !== null && Number.isFinite(y));
  const usable = weights.map((w, i) => defined[i]! && Number.isFinite(w) && w > 0);
  const least = Math.max(MIN_TREND_WEIGHT, weightedMedian(weights.filter((_, i) => usable[i])) / 4 || 0);
  // A defined value without a usable weight (NaN, infinite, 0) is out, and counted.
  const keep = usable.map((u, i) => u && weights[i]! >= least);
  return { keep, leftOut: defined.filter((d, i) => d && !keep[i]).length };
}

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
  const trendOf = (get: (p: WindowPoint) => number | null): Trend | null => {
    const values = points.map(get);
    const { keep, leftOut } = trendWindows(values, points.map((p) => p.weight));
    const line = trendLine(
      x.filter((_, i) => keep[i]),
      values.filter((_, i) => keep[i]) as number[],
      points.filter((_, i) => keep[i]).map((p) => p.weight),
    );
    return line === null ? null : { ...line, leftOut };
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
 * Weighted least squares of y on x, each point weighted by w (the count its value rests on):
 * the slope, its standard error, the degrees of freedom to test it with, and slope / weighted
 * mean(y); with equal weights, ordinary least squares. Why weights: a window of 2 led pairs has a
 * share of 0, ½ or 1, one of 30 a share near the truth; equally weighted, such windows (cut short
 * at the span's ends, or in quiet hours) made trends out of noise (docs/time.md).
 *
 * The standard error is the sandwich (HC3) one, Σ w²(x − x̄)² e² / (1 − h)² / Sxx² under the
 * root, h the window's leverage: it does not take the weights for the windows' true precisions.
 * The model's own, √(Σw·e² / (k − 2) / Sxx), does, and where the value truly moves from window
 * to window beyond its count's noise (a lead-lag share does, day to day) the heavy windows are
 * not that precise: over 30 windows of uneven size it rejected 16 % at 5 % with no trend.
 *
 * The degrees of freedom are k − 2, or Bell and McCaffrey's where fewer: (tr K)² / tr K² for
 * K = D(I − H)D, D = diag(aᵢ / √(1 − hᵢ)), aᵢ = √wᵢ(xᵢ − x̄) / Sxx the window's part in the slope
 * and H the hat matrix of the weighted fit. Where a few heavy windows carry the fit, their HC3
 * terms are a few noisy numbers, not k − 2 degrees of freedom' worth: with k − 2, layouts such as
 * 390, 100 × 6, 390 rejected 8-10 % at 5 %. H has rank 2 (its columns √w / √W and
 * √w(x − x̄) / √Sxx), so tr K² = Σpᵢ² − 2Σpᵢ²hᵢ + ‖UᵀPU‖², pᵢ = aᵢ² / (1 − hᵢ): O(k), not O(k²).
 *
 * Null with fewer than 3 windows of positive weight (no residual degree of freedom) or when
 * every x is equal. The weights are scaled by the largest first (the fit does not depend on
 * their scale; squares of 10¹⁵⁰ would overflow).
 */
export function trendLine(x: readonly number[], y: readonly number[], weights: readonly number[]): Trend | null {
  const at = weights.flatMap((w, i) => (w > 0 && Number.isFinite(w) ? [i] : []));
  const k = at.length;
  if (k < 3) return null;
  const top = Math.max(...at.map((i) => weights[i]!));
  const w = at.map((i) => weights[i]! / top);
  const xs = at.map((i) => x[i]!);
  const ys = at.map((i) => y[i]!);
  let sw = 0;
  let swx = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    sw += w[i]!;
    swx += w[i]! * xs[i]!;
    swy += w[i]! * ys[i]!;
  }
  const mx = swx / sw;
  const my = swy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < k; i++) {
    sxx += w[i]! * (xs[i]! - mx) ** 2;
    sxy += w[i]! * (xs[i]! - mx) * (ys[i]! - my);
  }
  if (!(sxx > 0)) return null;
  // Equal values (a lag of 2 ms in every window) lie on a flat line: slope 0 and se 0 exactly,
  // not the rounding of the sums (which printed "+2.4e-25 per day ± 0" or "0 ± 9.08e-9").
  // Its mean is the values' one value (the weighted sum's rounding gave 1999.9999999999998 for 2000).
  if (flat(ys)) return { slopePerDay: 0, relativePerDay: ys[0] === 0 ? null : 0, mean: ys[0]!, n: k, leftOut: 0, se: 0, df: k - 2 };
  const slope = sxy / sxx;
  const line = { slopePerDay: slope, relativePerDay: my === 0 ? null : slope / Math.abs(my), mean: my, n: k, leftOut: 0 };
  let meat = 0;
  // Bell and McCaffrey's sums: tr K = Σa², Σp², Σp²h and UᵀPU (2 × 2).
  let trK = 0;
  let pp = 0;
  let pph = 0;
  let u11 = 0;
  let u12 = 0;
  let u22 = 0;
  for (let i = 0; i < k; i++) {
    const dx = xs[i]! - mx;
    const e = ys[i]! - my - slope * dx;
    const h = w[i]! / sw + (w[i]! * dx * dx) / sxx;
    // Leverage 1: the window fixes the slope alone, and no residual measures the noise.
    if (!(1 - h > 1e-9)) return { ...line, se: null, df: null };
    meat += (w[i]! * dx * e) ** 2 / (1 - h) ** 2;
    const a2 = (w[i]! * dx * dx) / (sxx * sxx);
    const p = a2 / (1 - h);
    trK += a2;
    pp += p * p;
    pph += p * p * h;
    u11 += (p * w[i]!) / sw;
    u12 += (p * w[i]! * dx) / Math.sqrt(sw * sxx);
    u22 += (p * w[i]! * dx * dx) / sxx;
  }
  const trK2 = pp - 2 * pph + u11 * u11 + 2 * u12 * u12 + u22 * u22;
  const df = trK2 > 0 ? Math.min(k - 2, (trK * trK) / trK2) : k - 2;
  const se = Math.sqrt(meat) / sxx;
  // Residuals 0 to rounding (windows exactly on a line): the standard error is 0, not 1e-16.
  return { ...line, se: se <= 1e-9 * Math.abs(slope) ? 0 : se, df };
}

/**
 * Whether the values are one number to rounding: their range within 1e-12 of their size (0.3
 * beside 0.1 + 0.2). Measured on the range, not on residuals against the size, so values near
 * 1e12 that differ by hundreds are not flat.
 */
function flat(ys: readonly number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const y of ys) {
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  return hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi));
}

/** The sample sd (divisor n − 1); null for fewer than two values, where it is undefined (not 0). */
function sampleSd(v: readonly number[]): number | null {
  if (v.length < 2) return null;
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

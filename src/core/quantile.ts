/**
 * Sample quantiles by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of numpy `percentile` and pandas `quantile`).
 */

/**
 * The q-quantile of values already sorted ascending: with h = (n − 1)·q,
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). NaN for an empty array. O(1).
 *
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 * @throws RangeError when q is not in [0, 1].
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const frac = h - lo;
  const x = sorted[lo]!;
  // frac is 0 at q = 1 (lo = n − 1), so the upper neighbour is never read out of range.
  return frac === 0 ? x : x + frac * (sorted[lo + 1]! - x);
}

/**
 * The q-quantile of unsorted values (no NaN), via a sorted copy; the input is
 * not modified. NaN for an empty array. O(n log n) time, O(n) memory.
 *
 * @throws RangeError when q is not in [0, 1].
 */
export function quantile(values: Float64Array, q: number): number {
  return quantileSorted(values.slice().sort(), q);
}

/**
 * Sample quantiles by linear interpolation between closest ranks (Hyndman & Fan
 * type 7, the default of numpy `percentile` and pandas `quantile`).
 */

/**
 * The q-quantile of values already sorted ascending: with h = (n − 1)·q,
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). NaN for an empty array. O(1).
 *
 * When q is a short decimal k/10^d (0.5, 0.9, 0.99 …) h is taken as the exact fraction
 * (n − 1)·k/10^d, so no rounding of h leaks into the result; on integer data (µs) the result is
 * then the double nearest the exact decimal (4000.6, not 4000.6000000000004).
 *
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 * @throws RangeError when q is not in [0, 1].
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  return quantileByRank(sorted.length, q, (i) => sorted[i]!);
}

/**
 * {@link quantileSorted} for n values reached by rank through `at(i)` (the i-th smallest,
 * 0-based), for distributions that are not held as one sorted array. Reads at most two ranks.
 *
 * @throws RangeError when q is not in [0, 1].
 */
export function quantileByRank(n: number, q: number, at: (i: number) => number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  if (n === 0) return NaN;
  const decimal = shortDecimal(q);
  if (decimal !== undefined && Number.isSafeInteger((n - 1) * decimal.k)) {
    const scale = 10 ** decimal.d;
    const num = (n - 1) * decimal.k;
    const lo = Math.floor(num / scale);
    const rem = num - lo * scale;
    const x = at(lo);
    if (rem === 0) return x;
    const y = at(lo + 1);
    // One rounding (the division) when the numerator is an exact integer; the plain formula otherwise.
    const top = x * scale + (y - x) * rem;
    return Number.isSafeInteger(top) ? top / scale : x + ((y - x) * rem) / scale;
  }
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const frac = h - lo;
  const x = at(lo);
  // frac is 0 at q = 1 (lo = n − 1), so the upper neighbour is never read out of range.
  return frac === 0 ? x : x + frac * (at(lo + 1) - x);
}

/** q as k/10^d with d ≤ 6 when q is exactly the double of such a decimal, else undefined. */
function shortDecimal(q: number): { k: number; d: number } | undefined {
  for (let d = 0; d <= 6; d++) {
    const k = Math.round(q * 10 ** d);
    if (Number(`${k}e-${d}`) === q) return { k, d };
  }
  return undefined;
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

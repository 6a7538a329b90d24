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

/**
 * The k-th smallest of `values` (0-based), in the order TypedArray sort gives (−0 before +0):
 * what `Float64Array.from(values).sort()[k]` is, without sorting. The values must not be NaN;
 * they are reordered (partitioned around k): afterwards none before position k is above
 * values[k] and none after it below. So a later rank k′ > k can be selected with from = k + 1,
 * looking only at the values after k. Expected O(n − from): quickselect with a median-of-three
 * pivot, falling back to sorting the part still open if the partitions stop shrinking.
 *
 * Why: an interval of R bootstrap replicates needs four ranks, and xcorr asks for one per lag
 * (2 001 lags × R = 1 000: sorting took 0.13 s, this a fraction of it).
 */
export function selectRank(values: Float64Array, k: number, from = 0): number {
  const n = values.length;
  if (!(Number.isInteger(k) && k >= from && k < n)) throw new RangeError(`selectRank: rank ${k} is not in [${from}, ${n})`);
  let lo = from;
  let hi = n - 1;
  // A partition that keeps over 3/4 of the part is a bad pivot; after more than 8 of them the rest is sorted.
  let bad = 0;
  while (hi > lo) {
    if (bad > 8) {
      values.subarray(lo, hi + 1).sort();
      break;
    }
    const [i, j] = partition(values, lo, hi);
    // values[lo … j] ≤ pivot, values[j + 1 … i − 1] = pivot, values[i … hi] ≥ pivot.
    const before = hi - lo;
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
    if (4 * (hi - lo) > 3 * before) bad++;
  }
  const x = values[k]!;
  return x === 0 ? signedZeroAt(values, k) : x;
}

/**
 * Hoare partition of values[lo … hi] around the median of its ends and middle. Returns [i, j]:
 * values[lo … j] ≤ p, values[j + 1 … i − 1] = p, values[i … hi] ≥ p, with j < i.
 */
function partition(a: Float64Array, lo: number, hi: number): [number, number] {
  const mid = lo + ((hi - lo) >> 1);
  const x = a[lo]!;
  const y = a[mid]!;
  const z = a[hi]!;
  const p = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
  let i = lo;
  let j = hi;
  while (i <= j) {
    while (a[i]! < p) i++;
    while (a[j]! > p) j--;
    if (i <= j) {
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
      i++;
      j--;
    }
  }
  return [i, j];
}

/**
 * The comparisons above take −0 and +0 as equal; sorted, the −0s come first. So the zero at
 * rank k is −0 when k falls among the negative zeros, which follow the values below zero.
 */
function signedZeroAt(values: Float64Array, k: number): number {
  let below = 0;
  let negativeZeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) below++;
    else if (v === 0 && Object.is(v, -0)) negativeZeros++;
  }
  return k >= below && k < below + negativeZeros ? -0 : 0;
}

/**
 * Ranks of `values` (no NaN; reordered) by {@link selectRank}, asked for in increasing order
 * (each selection then looks only beyond the last; a lower rank starts again from 0).
 */
export function rankReader(values: Float64Array): (i: number) => number {
  let from = 0;
  return (i) => {
    const x = selectRank(values, i, i >= from ? from : 0);
    from = i + 1;
    return x;
  };
}

/**
 * The smallest and the largest values of `values` (no NaN), in no order: `low` holds every
 * value at or below a low cut, `high` every value at or above a high cut (and above the low
 * cut), so the i-th smallest of all n is the i-th smallest of `low` for i < low.length and the
 * (i − (n − high.length))-th smallest of `high` for i ≥ n − high.length: every value left out
 * lies strictly between the cuts, and a tail holds all the zeros or none, so signed zeros rank
 * in a tail as in the whole ({@link selectRank}). The cuts are order statistics of an even
 * sample of the values, placed so that each tail holds `tail` values or more but for a chance
 * of a few in a thousand per tail on values in random order; a tail may hold fewer (ties, an
 * unlucky sample), and then the caller selects that rank among all the values.
 *
 * Why: a 95 % interval of R replicates reads four ranks, two near each end, and `xcorr --by`
 * takes one per window, lag and replicate set (60 000 for 30 windows of 2 001 lags). Selecting
 * each among all n values touched them about four times over; this touches them once, then
 * selects among tails of about a tenth of n.
 *
 * Undefined when n is too small for a sample to help (select instead) or a tail is longer than
 * a quarter of the values (many equal values). O(n); `values` is not modified; the tails are
 * views of an array the next call reuses.
 */
export function tailsOf(values: Float64Array, tail: number): { readonly low: Float64Array; readonly high: Float64Array } | undefined {
  const n = values.length;
  if (n < MIN_TAILS_N || 8 * tail > n) return undefined;
  const sample = TAIL_SCRATCH.sample;
  for (let s = 0; s < TAIL_SAMPLE; s++) sample[s] = values[Math.floor((s * n) / TAIL_SAMPLE)]!;
  // Sample rank k leaves about (k + 1)/(S + 1) of the values at or below it: twice the tail's
  // share plus two ranks makes a tail shorter than `tail` rare (that needs k + 1 of the S
  // sampled values among the `tail` smallest, where about 2 are expected).
  const k = Math.min(TAIL_SAMPLE >> 2, Math.ceil((2 * TAIL_SAMPLE * tail) / n) + 2);
  const lowCut = selectRank(sample, k);
  const highCut = selectRank(sample, TAIL_SAMPLE - 1 - k, k + 1);
  const cap = n >> 2;
  const buf = TAIL_SCRATCH.tails.length >= 2 * cap ? TAIL_SCRATCH.tails : (TAIL_SCRATCH.tails = new Float64Array(2 * cap));
  let nl = 0;
  let nh = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x <= lowCut) {
      if (nl < cap) buf[nl] = x;
      nl++;
    } else if (x >= highCut) {
      if (nh < cap) buf[cap + nh] = x;
      nh++;
    }
  }
  // A tail longer than its room (many values tied at a cut; cuts that meet put every value in
  // one tail or the other, so one is over n/2): no tail is known whole.
  if (nl > cap || nh > cap) return undefined;
  return { low: buf.subarray(0, nl), high: buf.subarray(cap, cap + nh) };
}

/** Sample size of tailsOf's cuts, and the fewest values it takes (below, selection is as cheap). */
const TAIL_SAMPLE = 64;
const MIN_TAILS_N = 256;
/** tailsOf's arrays, reused from call to call. */
const TAIL_SCRATCH = { sample: new Float64Array(TAIL_SAMPLE), tails: new Float64Array(0) };

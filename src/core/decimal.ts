/**
 * Decimals without float noise. Numbers in machine formats: `4000.6`, not `4000.6000000000004`
 * (docs/pair.md, "Numbers in csv, tsv and json").
 */

/** How far (relative) a shorter decimal may lie from the computed double: about two units in the last place. */
const NOISE = 2 ** -51;

/** Longest decimal (significant digits) taken for noise-free: inputs are prices and quantities of ≤ 12 digits. */
const MAX_DIGITS = 12;

/**
 * The double to print for x: x itself when it is an integer (µs times and counts print exactly)
 * or not finite; otherwise the shortest decimal of at most 12 significant digits whose double
 * lies within about two units in the last place of x, or x unchanged when none does.
 * Arithmetic on decimal inputs (an interpolated quantile of µs, a sum of quantities) leaves its
 * result a unit or two away from the short decimal it stands for; a value with 16–17 real
 * digits (a correlation, a log-return) is left alone, since a 12-digit decimal lies that close
 * to it only by a coincidence of about 1 in 10⁴. Cost: at most five `toPrecision` calls.
 *
 * @example machineNumber(4000.6000000000004) // 4000.6
 * @example machineNumber(0.1 + 0.2) // 0.3
 */
export function machineNumber(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const tolerance = Math.abs(x) * NOISE;
  const fits = (p: number): boolean => Math.abs(Number(x.toPrecision(p)) - x) <= tolerance;
  if (!fits(MAX_DIGITS)) return x;
  // Fitting is monotone in the digits (a p-digit decimal is also a (p+1)-digit one): bisect.
  let lo = 1;
  let hi = MAX_DIGITS;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return Number(x.toPrecision(lo));
}

/**
 * A floating-point sum of n decimal inputs, rounded to the digits its error bound leaves exact:
 * recursive summation is off by at most (n − 1)·u·Σ|x| (u = 2⁻⁵³) and each input carries u·|x|
 * from its decimal text, so digits below 2n·u·Σ|x| are noise. Rounds to the first power of ten
 * at or above that bound: a buy of 5.2 and a sell of 5.19689413 give 0.00310587, not
 * 0.0031058700000000175. Exact sums of short decimals are unchanged.
 *
 * @param sum the computed sum; absSum Σ|x|; n the number of terms.
 */
export function roundSum(sum: number, absSum: number, n: number): number {
  const bound = 2 * n * 2 ** -53 * absSum;
  if (sum === 0 || !(bound > 0) || !Number.isFinite(sum)) return sum;
  const k = Math.ceil(Math.log10(bound));
  if (k >= 0) return Math.round(sum / 10 ** k) * 10 ** k;
  return Number(sum.toFixed(Math.min(100, -k)));
}

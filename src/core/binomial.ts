/**
 * The exact binomial sign test behind `leader_p_value` (docs/definitions.md §3): is "A led k
 * pairs, B led m" more lopsided than a fair coin would make it?
 */

/** Counts up to which the tail is summed in integers: 2ⁿ and the tail stay below the largest double. */
const EXACT_N = 1000;

/**
 * 2·Σ_{i ≤ j} C(n, i) / 2ⁿ with the sum in integers: one rounding (the sum's to a double), and a
 * division by a power of two, which is exact. So a p-value that is a short dyadic fraction prints
 * as itself (0.03515625, not 0.03515625000000003). O(j) big-integer steps, n ≤ {@link EXACT_N}.
 */
function exactTail(n: number, j: number): number {
  let c = 1n;
  let sum = 1n;
  const bn = BigInt(n);
  for (let i = 1n; i <= BigInt(j); i++) {
    c = (c * (bn - i + 1n)) / i;
    sum += c;
  }
  return Math.min(1, (2 * Number(sum)) / 2 ** n);
}

/**
 * Two-sided exact binomial test of k successes against m failures with p = ½:
 * P(X ≤ min(k, m)) + P(X ≥ max(k, m)) for X ~ Binomial(k + m, ½), i.e. 2·P(X ≤ min(k, m))
 * capped at 1 (the distribution is symmetric, so this is also R's `binom.test(k, k + m)$p.value`,
 * which sums every outcome no more likely than the one observed). 1 when k = m = 0.
 *
 * Up to 1000 pairs the tail is summed in integers (exactTail). Beyond, exact for any counts to a
 * few units in the last place: the largest tail term C(n, j)/2ⁿ (j = min(k, m)) is built in log space
 * as Σ log((n − j + i)/i) − n·log 2, and the tail is summed relative to it with the ratio
 * P(X = i − 1)/P(X = i) = i/(n − i + 1) ≤ 1, so nothing overflows; terms below 1e−17 of the
 * sum are left out (they cannot change a double). A tail below the smallest double is 0.
 *
 * Cost O(min(k, m)) time, O(1) memory.
 *
 * @example binomialTwoSidedHalf(12, 3) // 2·(1 + 15 + 105 + 455)/2¹⁵ = 0.03515625
 * @throws RangeError unless k and m are integers ≥ 0.
 */
export function binomialTwoSidedHalf(k: number, m: number): number {
  if (!Number.isSafeInteger(k) || !Number.isSafeInteger(m) || k < 0 || m < 0) {
    throw new RangeError(`binomial test: counts must be whole numbers ≥ 0, got ${k} and ${m}`);
  }
  const n = k + m;
  const j = Math.min(k, m);
  // j = n/2 exactly: the lower tail already holds more than half the mass.
  if (2 * j >= n) return 1;
  if (n <= EXACT_N) return exactTail(n, j);
  let logTop = -n * Math.LN2;
  for (let i = 1; i <= j; i++) logTop += Math.log((n - j + i) / i);
  // Σ_{i ≤ j} P(X = i) / P(X = j), from i = j down: each term is the previous one times i/(n − i + 1).
  let relative = 1;
  let term = 1;
  for (let i = j; i >= 1; i--) {
    term *= i / (n - i + 1);
    relative += term;
    if (term < 1e-17 * relative) break;
  }
  return Math.min(1, 2 * Math.exp(logTop + Math.log(relative)));
}

/**
 * What Table 2's summary line says (docs/definitions.md §4): the best lag and the summed
 * correlation of each side.
 */

/**
 * The lag with the largest |r| (a negative relation is a relation); ties go to the smaller |τ|,
 * then to the positive lag. Undefined when every r is n/a.
 */
export function bestLag<T extends { readonly lag: number; readonly r: number | null }>(lags: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const l of lags) {
    if (l.r === null) continue;
    if (best === undefined || better(l, best)) best = l;
  }
  return best;
}

function better(a: { lag: number; r: number | null }, b: { lag: number; r: number | null }): boolean {
  const ra = Math.abs(a.r!);
  const rb = Math.abs(b.r!);
  if (ra !== rb) return ra > rb;
  if (Math.abs(a.lag) !== Math.abs(b.lag)) return Math.abs(a.lag) < Math.abs(b.lag);
  return a.lag > b.lag;
}

/**
 * The summed correlation of each side: S₊ = Σ r(τ) over the requested τ > 0 and S₋ = Σ r(τ) over
 * the requested τ < 0. A lead spread over several grid steps (the grid cuts a 2.5 ms delay into
 * parts of the 2 ms and 3 ms lags) shows whole in the sum where each r alone is diluted.
 * `difference` = S₊ − S₋ compares the sides only when the requested non-zero lags are mirror
 * images (τ requested exactly when −τ is), so that both sums cover the same delays.
 * A sum is null when its side has no lag or any of its r is n/a.
 */
export interface SummedCorrelation {
  /** Indices (into the lags) of the positive and negative lags. */
  readonly positiveIdx: readonly number[];
  readonly negativeIdx: readonly number[];
  readonly positive: number | null;
  readonly negative: number | null;
  readonly difference: number | null;
}

export function summedCorrelation(lags: readonly { readonly lag: number; readonly r: number | null }[]): SummedCorrelation {
  const positiveIdx: number[] = [];
  const negativeIdx: number[] = [];
  lags.forEach((l, k) => {
    if (l.lag > 0) positiveIdx.push(k);
    else if (l.lag < 0) negativeIdx.push(k);
  });
  const sum = (idx: number[]): number | null => (idx.length === 0 || idx.some((k) => lags[k]!.r === null) ? null : idx.reduce((s, k) => s + lags[k]!.r!, 0));
  const positive = sum(positiveIdx);
  const negative = sum(negativeIdx);
  const difference = mirroredLags(lags.map((l) => l.lag)) && positive !== null && negative !== null ? positive - negative : null;
  return { positiveIdx, negativeIdx, positive, negative, difference };
}

/** Whether the lags are each other's mirror, every τ > 0 with −τ and at least one: what S₊ − S₋ needs (summedCorrelation). */
export function mirroredLags(lags: readonly number[]): boolean {
  const pos = new Set(lags.filter((l) => l > 0));
  const neg = new Set(lags.filter((l) => l < 0).map((l) => -l));
  return pos.size > 0 && pos.size === neg.size && [...pos].every((t) => neg.has(t));
}

/**
 * Whether a lag is one a call could rest on: an r, MIN_CO_MOVES steps where both markets move,
 * and not one step's co-movement (SINGLE_STEP_SHARE). The band over the lags (xcorr-render.ts
 * bestBand) and the spread of the best lag across --by windows count such lags only.
 */
export function callableLag(l: { readonly r: number | null; readonly nEffective: number; readonly topStepShare: number | null }): boolean {
  return l.r !== null && l.nEffective >= MIN_CO_MOVES && l.topStepShare !== null && l.topStepShare <= SINGLE_STEP_SHARE;
}

/** Above this top_step_share at the best lag one grid step makes the correlation (§4): a warning, and the verdict calls it one event. */
export const SINGLE_STEP_SHARE = 0.5;

/**
 * Fewest grid steps where both markets move (n_effective) at the best lag for xcorr to call a
 * correlation or a lead: r at a lag is made of those steps' products alone, and an interval
 * over the few blocks holding them says little (classify asks as many triggers of each class).
 * A market that barely moves gave r ≈ −9·10⁻⁶ from 4 such steps, "clear of 0".
 */
export const MIN_CO_MOVES = 10;

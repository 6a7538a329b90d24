/**
 * The lattice of lags of `leadlag hy` (docs/definitions.md §8): θ_k = θ_from + k·step, whole µs.
 */

/** Lattice lags θ_k = fromUs + k·stepUs, k = 0 … count − 1, all whole µs. */
export interface Lattice {
  readonly fromUs: number;
  readonly stepUs: number;
  readonly count: number;
}

/** Largest lattice step, 2^31 − 1 µs (about 36 min): the sweep compares remainders by the step as 32-bit integers. */
export const MAX_LATTICE_STEP_US = 2 ** 31 - 1;

/** Most lags in one lattice. */
export const MAX_LATTICE_LAGS = 1_000_001;

/**
 * The lattice θ_from + k·step for k = 0, 1, … while θ ≤ θ_to (§8).
 * @throws RangeError for non-integer µs, step ≤ 0, θ_from > θ_to or more than {@link MAX_LATTICE_LAGS} lags.
 */
export function makeLattice(fromUs: number, toUs: number, stepUs: number): Lattice {
  if (![fromUs, toUs, stepUs].every(Number.isSafeInteger)) throw new RangeError('lattice lags and step must be whole µs');
  if (stepUs <= 0 || stepUs > MAX_LATTICE_STEP_US) throw new RangeError(`the lattice step must be greater than 0 and at most ${MAX_LATTICE_STEP_US} µs, got ${stepUs} µs`);
  if (fromUs > toUs) throw new RangeError(`the lag range is reversed: ${fromUs} µs > ${toUs} µs`);
  const count = Math.floor((toUs - fromUs) / stepUs) + 1;
  if (count > MAX_LATTICE_LAGS) throw new RangeError(`the lattice has ${count} lags, more than ${MAX_LATTICE_LAGS}`);
  return { fromUs, stepUs, count };
}

/** θ_k in µs. */
export function lagAt(lattice: Lattice, k: number): number {
  return lattice.fromUs + k * lattice.stepUs;
}

/** The lattice's last lag, θ_{count−1} in µs. */
export function lastLag(lattice: Lattice): number {
  return lagAt(lattice, lattice.count - 1);
}

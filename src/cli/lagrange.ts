/**
 * The `--lags` range of `leadlag hy` (docs/definitions.md §8): two signed durations, `-10ms..10ms`,
 * `-1s..1s`, `0..500ms`, `-2.5ms..-1ms`. Each end is a whole number of µs (no unit means ms, as
 * for every duration); the lattice itself (with `--step`) is checked by makeLattice.
 */
import { UsageError } from '../errors.js';
import { makeLattice, MAX_LATTICE_LAGS, MAX_LATTICE_STEP_US, type Lattice } from '../core/lattice.js';
import { parseDuration } from './options.js';

export interface LagRange {
  readonly fromUs: number;
  readonly toUs: number;
}

/** @throws UsageError for a malformed or reversed range. */
export function parseLagRange(text: string): LagRange {
  const parts = text.split('..');
  if (parts.length !== 2) throw new UsageError(`--lags must be a range of durations like -10ms..10ms, got ${JSON.stringify(text)}`);
  const [fromUs, toUs] = parts.map(signedDuration) as [number, number];
  if (fromUs > toUs) throw new UsageError(`--lags ${JSON.stringify(text)} is reversed: the first lag must not exceed the second (write ${parts[1]!.trim()}..${parts[0]!.trim()})`);
  return { fromUs, toUs };
}

function signedDuration(text: string): number {
  const s = text.trim();
  const negative = s.startsWith('-');
  const us = parseDuration(negative || s.startsWith('+') ? s.slice(1) : s, '--lags', true);
  return negative && us !== 0 ? -us : us;
}

/**
 * The lattice of a range and a step, or a usage error saying what is too big, or what the step
 * would leave off the lattice: the last lag of --lags (the lattice would end short of it, one side
 * narrower than the other), or 0 where the range holds it (the test's "0 included" would be false,
 * and θ̂ could not be 0).
 */
export function latticeOf(range: LagRange, stepUs: number): Lattice {
  if (stepUs > MAX_LATTICE_STEP_US) throw new UsageError(`--step must be at most ${MAX_LATTICE_STEP_US}us (about 36 min), got ${stepUs}us`);
  const width = range.toUs - range.fromUs;
  const holdsZero = range.fromUs <= 0 && range.toUs >= 0;
  if (width % stepUs !== 0 || (holdsZero && range.fromUs % stepUs !== 0)) {
    const what = width % stepUs !== 0 ? `the last lag, ${range.toUs}us` : '0';
    const fits = largestDivisorAtMost(gcd(width, holdsZero ? Math.abs(range.fromUs) : 0), stepUs);
    throw new UsageError(`--step ${stepUs}us does not reach ${what} from the first lag, ${range.fromUs}us: both ends of --lags, and 0 when it lies between them, must be a whole number of steps apart; use --step ${fits}us, or move the ends`);
  }
  const count = Math.floor((range.toUs - range.fromUs) / stepUs) + 1;
  if (count > MAX_LATTICE_LAGS) {
    throw new UsageError(`--lags ${range.fromUs}us..${range.toUs}us with --step ${stepUs}us makes ${count} lags, more than ${MAX_LATTICE_LAGS}: use a larger --step or a narrower --lags`);
  }
  return makeLattice(range.fromUs, range.toUs, stepUs);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The largest divisor of n (> 0; 0: any step fits, so `most` itself) that is at most `most`. */
function largestDivisorAtMost(n: number, most: number): number {
  if (n === 0) return most;
  let best = 1;
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    if (d <= most) best = Math.max(best, d);
    if (n / d <= most) best = Math.max(best, n / d);
  }
  return best;
}

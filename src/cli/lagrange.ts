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
 * and θ̂ could not be 0). `lagsOption` names the range's option in messages (report's
 * --hy-lags, whose step is --hy-step).
 */
export function latticeOf(range: LagRange, stepUs: number, lagsOption = '--lags'): Lattice {
  const stepOption = stepOptionOf(lagsOption);
  if (stepUs > MAX_LATTICE_STEP_US) throw new UsageError(`${stepOption} must be at most ${MAX_LATTICE_STEP_US}us (about 36 min), got ${stepUs}us`);
  const width = range.toUs - range.fromUs;
  const holdsZero = range.fromUs <= 0 && range.toUs >= 0;
  if (width % stepUs !== 0 || (holdsZero && range.fromUs % stepUs !== 0)) {
    const what = width % stepUs !== 0 ? `the last lag, ${range.toUs}us` : '0';
    const fits = fittingStep(width, gcd(width, holdsZero ? Math.abs(range.fromUs) : 0), stepUs);
    const advice = fits === undefined ? 'move the ends' : `use ${stepOption} ${fits}us, or move the ends`;
    throw new UsageError(`${stepOption} ${stepUs}us does not reach ${what} from the first lag, ${range.fromUs}us: both ends of ${lagsOption}, and 0 when it lies between them, must be a whole number of steps apart; ${advice}`);
  }
  const count = Math.floor((range.toUs - range.fromUs) / stepUs) + 1;
  if (count > MAX_LATTICE_LAGS) {
    throw new UsageError(`${lagsOption} ${range.fromUs}us..${range.toUs}us with ${stepOption} ${stepUs}us makes ${count} lags, more than ${MAX_LATTICE_LAGS}: use a larger ${stepOption} or a narrower ${lagsOption}`);
  }
  return makeLattice(range.fromUs, range.toUs, stepUs);
}

/** The lattice step's option beside a lag range's: report's --hy-lags go with --hy-step, hy's --lags with --step. */
export function stepOptionOf(lagsOption: string): string {
  return lagsOption === '--hy-lags' ? '--hy-step' : '--step';
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * A step that fits (a divisor of `n`, the gcd of the distances that must be whole steps; any step
 * when n is 0) and keeps the lags within MAX_LATTICE_LAGS: the largest up to `near`, else the
 * smallest above it; undefined when none does.
 */
function fittingStep(width: number, n: number, near: number): number | undefined {
  const fitsLags = (d: number) => width / d + 1 <= MAX_LATTICE_LAGS && d <= MAX_LATTICE_STEP_US;
  if (n === 0) return fitsLags(near) ? near : undefined;
  const divisors: number[] = [];
  for (let d = 1; d * d <= n; d++) if (n % d === 0) divisors.push(d, n / d);
  const ok = divisors.filter(fitsLags).sort((x, y) => x - y);
  return ok.filter((d) => d <= near).at(-1) ?? ok.find((d) => d > near);
}

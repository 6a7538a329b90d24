/**
 * The `--lags` syntax of `leadlag xcorr` (docs/definitions.md §4): which grid-step lags τ to correlate.
 */
import { UsageError } from '../errors.js';

/** Largest |τ| accepted, in grid steps (100 s at G = 1 ms); the correlator keeps O(max |τ|) memory. */
export const MAX_ABS_LAG = 100_000;

/**
 * Most lags in one run: every non-zero return updates every lag, so the cost is O(lags) per grid
 * step; 10 001 covers ±5 s at G = 1 ms and keeps a day's run within minutes.
 */
export const MAX_LAGS = 10_001;

const INTEGER = /^[+-]?\d+$/;
const RANGE = /^([+-]?\d+)\s*\.\.\s*([+-]?\d+)$/;
const SYNTAX = 'expected a range like -5..5, a list like 1,2,5 or a single integer';

/**
 * Parses a lag specification into sorted, unique integer lags (grid steps; positive τ = A leads B).
 *
 * Accepted forms, with optional spaces around items:
 * - a single integer: `3`, `-2`;
 * - an inclusive range `lo..hi` with lo ≤ hi: `1..5`, `-5..5`, `-5..-1`;
 * - a comma-separated list of integers or ranges: `1,2,5`, `-2,0,3`, `-5..-1,1..5`.
 *
 * @throws UsageError for empty input or an empty list item, a non-integer (`1.5`, `abc`), a reversed
 *   range (`5..1`), |τ| > {@link MAX_ABS_LAG}, or more than {@link MAX_LAGS} lags.
 * @example parseLags('5,-1..1,5') // → [-1, 0, 1, 5]
 * Cost: O(k log k) for k lags.
 */
export function parseLags(text: string): number[] {
  const spec = text.trim();
  if (spec === '') throw new UsageError(`--lags is empty: ${SYNTAX}`);
  const lags = new Set<number>();
  for (const rawItem of spec.split(',')) {
    const item = rawItem.trim();
    if (item === '') throw new UsageError(`--lags "${text}" has an empty list item: ${SYNTAX}`);
    for (const lag of parseItem(item, text)) lags.add(lag);
    if (lags.size > MAX_LAGS) throw new UsageError(`--lags "${text}" asks for more than ${MAX_LAGS} lags; correlate fewer lags per run`);
  }
  return [...lags].sort((x, y) => x - y);
}

/** One list item: a single integer or a range, expanded. */
function parseItem(item: string, text: string): number[] {
  if (INTEGER.test(item)) return [toLag(item, text)];
  const range = RANGE.exec(item);
  if (range === null) {
    // A duration (hy's --lags are durations): say how xcorr's steps read, rather than only "not an integer".
    const unit = /^[+-]?\d+(?:\.\d+)?\s*(ms|us|µs|s)$/.exec(item.split('..')[0]!.trim())?.[1];
    const steps = unit === undefined ? '' : `: xcorr's lags count grid steps of --grid (1 ms by default), not durations; at --grid 1ms, ±5 ms is -5..5`;
    throw new UsageError(`--lags "${text}": "${item}" is not an integer lag or a range${steps}; ${SYNTAX}`);
  }
  const lo = toLag(range[1]!, text);
  const hi = toLag(range[2]!, text);
  if (lo > hi) throw new UsageError(`--lags "${text}": the range ${item} is reversed; write ${hi}..${lo}`);
  const out: number[] = [];
  for (let lag = lo; lag <= hi; lag++) out.push(lag);
  return out;
}

/** A validated integer lag; `-0` becomes 0 so that results compare and print as 0. */
function toLag(digits: string, text: string): number {
  const value = Number(digits);
  if (!(Math.abs(value) <= MAX_ABS_LAG)) {
    throw new UsageError(`--lags "${text}": lag ${digits} is out of range; |lag| must be at most ${MAX_ABS_LAG}`);
  }
  return value === 0 ? 0 : value;
}

/** Shared by the tests of several files per market, ranges and windows. */
import { readFileSync } from 'node:fs';
import type { PairOptions } from '../src/cli/commands/pair.js';
import type { XcorrOptions } from '../src/cli/commands/xcorr.js';

export const PAIR: PairOptions = { format: 'json', quiet: true, clock: 'exchange', threshold: 0.0007, jumpWindow: 3000, pairWindow: 5000, grid: 1000, names: ['spot', 'perp'], feed: 'both', nullStep: 1_000_000, bootstrap: 50, block: 10_000_000, seed: 42 };
export const XCORR: XcorrOptions = { format: 'json', quiet: true, clock: 'exchange', lags: [-3, -2, -1, 0, 1, 2, 3], grid: 1000, names: ['spot', 'perp'], bootstrap: 50, block: 10_000_000, seed: 42 };

/**
 * Splits a Tardis CSV at the given data-row fractions into files that each carry the header;
 * a cut moves past rows sharing a timestamp (column 3) so that a burst stays in one file.
 */
export function splitCsv(path: string, cuts: number[]): string[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const time = (i: number) => rows[i]!.split(',')[2];
  const bounds = [0, ...cuts.map((c) => {
    let k = Math.floor(c * rows.length);
    while (k < rows.length && time(k) === time(k - 1)) k++;
    return k;
  }), rows.length];
  const parts: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) parts.push(`${header}\n${rows.slice(bounds[i], bounds[i + 1]).join('\n')}\n`);
  return parts;
}


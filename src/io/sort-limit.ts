/**
 * The row limit of `--sort` and its one message (readers, `inspect` and `--help` say the same).
 * Kept apart from validate.ts so that the options' help text does not load the row rules.
 */
import { DataError } from '../errors.js';

/**
 * `--sort` holds every usable row of a file in memory (quotes 24 bytes a row, trades 25, plus
 * 4 for the sort order, and up to twice that while a column grows): it stops at this many rows
 * per file (about 0.3 GB held, 0.6 GB at the peak) instead of exhausting memory.
 */
export const MAX_SORT_ROWS = 10_000_000;

/**
 * A whole number with commas between groups of three digits: `10,000,000`. Written out
 * because `toLocaleString('en-US')` starts ICU, which costs ~18 ms of every start-up.
 */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** The one message for a file past the --sort row limit (readers and inspect). */
export function sortLimitError(file: string, line: number, max: number): DataError {
  return new DataError(
    file,
    line,
    `--sort holds every row in memory and stops at ${groupDigits(max)} rows a file; ` +
      'sort the file by time beforehand (e.g. GNU sort on the time column) and drop --sort',
  );
}

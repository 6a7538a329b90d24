/**
 * Time cells: the keys under which an analysis files its additive parts (docs/definitions.md §9,
 * §11). A cell is a half-open stretch of the absolute clock; consecutive cells tile time. The
 * bootstrap's blocks are cells of fixed length (--block), and `--by` windows are cells too, so a
 * state keyed by cells serves both: a block's parts resample, a window's parts make its table.
 */
import { blockOf } from './bootstrap.js';

export interface TimeCells {
  /** The cell holding time t (µs); non-decreasing in t. */
  cellOf(tUs: number): number;
  /** The first time (µs) of cell c: cellOf(startUs(c)) = c and cellOf(startUs(c) − 1) < c. */
  startUs(cell: number): number;
}

/**
 * Cells of `lengthUs` µs on the absolute clock: cell b = [b·L, (b+1)·L), the blocks of §9 (and
 * the windows of `--by DUR`).
 * @throws RangeError unless lengthUs is a positive integer.
 */
export function fixedCells(lengthUs: number): TimeCells {
  if (!Number.isInteger(lengthUs) || lengthUs <= 0) throw new RangeError(`cell length must be a positive whole number of µs, got ${lengthUs}`);
  return { cellOf: (t) => blockOf(t, lengthUs), startUs: (cell) => cell * lengthUs };
}

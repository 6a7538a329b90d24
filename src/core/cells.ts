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

/**
 * Cells of `lengthUs` µs (Infinity: one cell) further cut at the finite ends S and E of
 * `range`, so that no cell straddles an end of the range: a cell then lies wholly inside or
 * wholly outside [S, E), and a range, a window or a block is a set of whole cells. The index is
 * ⌊t / L⌋ + [t ≥ S] + [t ≥ E], non-decreasing in t; when S or E is itself a multiple of L one
 * index is skipped (an empty cell, harmless to every sum). O(1) per cellOf, startUs.
 * @throws RangeError unless lengthUs is a positive integer or Infinity.
 */
export function cutCells(lengthUs: number, range: { readonly start: number; readonly end: number }): TimeCells {
  if (lengthUs !== Infinity && (!Number.isInteger(lengthUs) || lengthUs <= 0)) throw new RangeError(`cell length must be a positive whole number of µs, got ${lengthUs}`);
  const ends = [range.start, range.end].filter((t) => Number.isFinite(t));
  // No finite end: plain cells of L (cellOf runs per lag of every non-zero return; keep it lean).
  if (ends.length === 0 && lengthUs !== Infinity) return fixedCells(lengthUs);
  const base = (t: number) => (lengthUs === Infinity ? 0 : blockOf(t, lengthUs));
  const cellOf = (t: number) => {
    let c = base(t);
    for (const e of ends) if (t >= e) c++;
    return c;
  };
  // The first time of cell c is an edge: a multiple of L with index c − 2 … c (the ends add at
  // most 2), or S, or E; it is the smallest such edge whose cell is at least c.
  const startUs = (cell: number) => {
    const candidates = lengthUs === Infinity ? [-Infinity, ...ends] : [cell - 2, cell - 1, cell].map((k) => k * lengthUs).concat(ends);
    let best = Infinity;
    for (const t of candidates) if (cellOf(t) >= cell && t < best) best = t;
    return best;
  };
  return { cellOf, startUs };
}

/** Greatest common divisor of two positive integers (the common cell of blocks and windows). */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The fine cell length for blocks of `blockUs` (0: no bootstrap) and windows of `windowUs`
 * (Infinity: no windows): their greatest common divisor, so both are whole numbers of cells.
 */
export function fineCellLength(blockUs: number, windowUs: number): number {
  if (blockUs <= 0) return windowUs;
  if (windowUs === Infinity) return blockUs;
  return gcd(blockUs, windowUs);
}

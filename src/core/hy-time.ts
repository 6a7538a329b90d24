/**
 * hy's parts cut by time (docs/definitions.md §8, §9, §11): HyState files its additive parts
 * under fine cells ({@link cutCells}: the common length of the bootstrap blocks and the `--by`
 * windows, cut at the range's ends), and this file regroups them into the range, the windows
 * and the regimes, each a list of block rows that {@link toHyParts} turns back into the
 * `HyParts` hyEstimate and hyInference read. A window's numbers are then computed exactly as the
 * whole span's are, from its blocks alone. {@link HyFold} sums the same blocks as they finish,
 * for a run that needs only the whole range's sums.
 */
import type { TimeCells } from './cells.js';
import type { HyParts } from './hyparts.js';
import type { Lattice } from './lattice.js';
import type { KeyedParts, PartKind, TimeRange } from './parts.js';
import type { Span } from './types.js';

/**
 * A time part of hy: one row per bootstrap block it holds, in time order, each
 * [U(θ_0) … U(θ_{K−1}), rv_a, rv_b, n_a, n_b, nonextant_a, nonextant_b]. Parts merge by
 * concatenating their rows (a block that a window edge cuts is a block of each window).
 */
export interface HyPart {
  readonly rows: Float64Array[];
}

export const HY_PART: PartKind<HyPart> = {
  empty: () => ({ rows: [] }),
  merge(into, from) {
    into.rows.push(...from.rows);
  },
};

/** The HyParts of a part (blocks numbered 0 … rows − 1) over `span`. */
export function toHyParts(part: HyPart, lattice: Lattice, blockUs: number, span: Span): HyParts {
  const K = lattice.count;
  const n = part.rows.length;
  const u = new Float64Array(n * K);
  const col = (c: number) => Float64Array.from(part.rows, (r) => r[K + c]!);
  part.rows.forEach((r, b) => u.set(r.subarray(0, K), b * K));
  return { lattice, blockUs, firstBlock: 0, nBlocks: n, u, rvA: col(0), rvB: col(1), nA: col(2), nB: col(3), nonextantA: col(4), nonextantB: col(5), span };
}

/**
 * The fine cells of a HyState run regrouped into windows of `size` µs (Infinity: one window,
 * the range), each the rows of its blocks of `blockUs` (a very large blockUs: one block per
 * window). Only cells inside `range` count. O(cells · lags) to build.
 */
export class HyKeyedParts implements KeyedParts<HyPart> {
  private readonly windows = new Map<number, HyPart>();
  /** The range's own blocks (not cut by windows), in time order. */
  readonly wholeRows: Float64Array[];
  /** The index ⌊t / blockUs⌋ of each of wholeRows (a state files its rows under them). */
  readonly wholeKeys: number[];

  constructor(
    fine: HyParts,
    fineCells: TimeCells,
    readonly size: number,
    readonly range: TimeRange,
    blockUs: number,
  ) {
    const K = fine.lattice.count;
    const width = K + 6;
    const whole = new Map<number, Float64Array>();
    const perWindow = new Map<number, Map<number, Float64Array>>();
    for (let c = 0; c < fine.nBlocks; c++) {
      const start = fineCells.startUs(fine.firstBlock + c);
      const b = blockKeyOf(start, range, blockUs);
      if (b === undefined) continue;
      const row = new Float64Array(width);
      row.set(fine.u.subarray(c * K, (c + 1) * K));
      [fine.rvA, fine.rvB, fine.nA, fine.nB, fine.nonextantA, fine.nonextantB].forEach((col, i) => (row[K + i] = col[c]!));
      const w = this.keyOf(start);
      if (!perWindow.has(w)) perWindow.set(w, new Map());
      addRow(perWindow.get(w)!, b, row);
      addRow(whole, b, row);
    }
    for (const [w, blocks] of perWindow) this.windows.set(w, { rows: [...blocks.values()] });
    this.wholeRows = [...whole.values()];
    this.wholeKeys = [...whole.keys()];
  }

  keyOf(t: number): number {
    return this.size === Infinity ? 0 : Math.floor(t / this.size);
  }

  edges(key: number): TimeRange {
    if (this.size === Infinity) return this.range;
    return { start: Math.max(key * this.size, this.range.start), end: Math.min((key + 1) * this.size, this.range.end) };
  }

  partOf(key: number): HyPart {
    return this.windows.get(key) ?? HY_PART.empty();
  }

  merged(parts: Iterable<HyPart> = this.windows.values()): HyPart {
    const out = HY_PART.empty();
    for (const p of parts) HY_PART.merge(out, p);
    return out;
  }

  /** The range as one part, with its own (uncut) blocks. */
  whole(): HyPart {
    return { rows: this.wholeRows };
  }
}

/** The block ⌊start / blockUs⌋ of a cell that starts at `start` inside `range`; undefined outside it. */
function blockKeyOf(start: number, range: TimeRange, blockUs: number): number | undefined {
  return start >= range.start && start < range.end ? Math.floor(start / blockUs) : undefined;
}

/**
 * The whole range's sums of hy's parts, taken while the cells arrive in time order, so that
 * they need not be kept: the cells of one block summed as {@link HyKeyedParts} sums them (its
 * whole rows), and each block's row added into the total when the next block begins, as
 * hyEstimate adds the blocks' rows (totalU, from zero, in time order) — the same additions in
 * the same order, so the total is theirs bit for bit. Memory: two rows of count + 6 numbers.
 */
export class HyFold {
  private readonly total: Float64Array;
  /** The block being summed: at most one entry. */
  private readonly open = new Map<number, Float64Array>();

  /** @param startUs the first time of a cell (of the cells the state files under). */
  constructor(
    private readonly lattice: Lattice,
    private readonly blockUs: number,
    private readonly startUs: (cell: number) => number,
    private readonly range: TimeRange,
  ) {
    this.total = new Float64Array(lattice.count + 6);
  }

  /** Cell `cell`'s row [U(θ_0) … U(θ_{K−1}), rv_a, rv_b, n_a, n_b, nonextant_a, nonextant_b], after every cell added before. */
  add(cell: number, row: Float64Array): void {
    const key = blockKeyOf(this.startUs(cell), this.range, this.blockUs);
    if (key === undefined) return;
    if (!this.open.has(key)) this.close();
    addRow(this.open, key, row);
  }

  /** The total as the HyParts of one block over `span` (none when the markets do not overlap). Closes the fold. */
  parts(span: Span | undefined): HyParts {
    this.close();
    return toHyParts({ rows: span === undefined ? [] : [this.total] }, this.lattice, this.blockUs, span!);
  }

  private close(): void {
    for (const row of this.open.values()) for (let i = 0; i < row.length; i++) this.total[i]! += row[i]!;
    this.open.clear();
  }
}

function addRow(map: Map<number, Float64Array>, key: number, row: Float64Array): void {
  const acc = map.get(key);
  if (acc === undefined) map.set(key, row.slice());
  else for (let i = 0; i < row.length; i++) acc[i]! += row[i]!;
}

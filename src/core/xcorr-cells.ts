/**
 * The per-cell parts of Table 2 (docs/definitions.md §4, §9, §11): for every time cell and lag
 * τ, the additive sums of the pairs (r_A[n], r_B[n + τ]) whose grid point n·G lies in the cell.
 * A replicate of the block bootstrap, a `--by` window and a merged regime all compute their
 * table from sums of these parts exactly as the whole span's table is computed from its sums.
 *
 * {@link LagCellTable} is filled by {@link LagCorrelator} (xcorr.ts) while it streams; this file
 * owns the layout, the sums and the statistics of summed parts. Memory: cells × lags × 8
 * doubles, independent of the number of ticks or grid points.
 */
import type { TimeCells } from './cells.js';
import type { PairArena } from './pair-arena.js';
import type { LagResult } from './xcorr.js';

/** z quantile of the 95 % two-sided interval, as written in docs/definitions.md §4. */
const Z95 = 1.96;

/**
 * The cells a bare {@link LagCorrelator} (xcorr.ts) folds Table 2 over: 10 s, the default
 * bootstrap block (--block), so that its table is the command's with the default options.
 */
export const DEFAULT_CELL_US = 10_000_000;

/** Fields of one (cell, lag) in {@link XcorrParts.sums}, in this order. */
export const PART_FIELDS = ['n', 'n_effective', 'sx', 'sxx', 'sy', 'syy', 'sxy', 'abs_sum', 'abs_max'] as const;
export const PART_WIDTH = PART_FIELDS.length;
const N = 0;
const NEFF = 1;
const SX = 2;
const SXX = 3;
const SY = 4;
const SYY = 5;
const SXY = 6;
const ABS = 7;
const MAX = 8;

/**
 * The parts of an xcorr run: row (c, k) at (c·lags.length + k)·PART_WIDTH holds, for lag
 * lags[k] and the pairs whose A index n has n·G in cell firstCell + c: N, n_effective, Σx, Σx²,
 * Σy, Σy², Σxy, Σ|xy| (all additive over cells) and max |xy| (combined by max).
 */
export interface XcorrParts {
  readonly lags: readonly number[];
  readonly firstCell: number;
  readonly cells: number;
  readonly sums: Float64Array;
}

/**
 * Whether a block's row (lags × PART_WIDTH, the layout of one cell of {@link XcorrParts.sums})
 * holds a co-movement at some lag (n_effective > 0: both returns of a pair non-zero). Σxy, the
 * numerator of every r, comes from such blocks alone; one of them among blocks without any makes
 * every replicate's r nearly the statistic's own (core/bootstrap.ts MIN_INTERVAL_BLOCKS).
 */
export function rowHasCoMoves(row: Float64Array): boolean {
  for (let o = 0; o < row.length; o += PART_WIDTH) if (row[o + NEFF]! > 0) return true;
  return false;
}

/** The cells of `parts` that hold a co-movement ({@link rowHasCoMoves}). */
export function cellsWithCoMoves(parts: XcorrParts): number {
  const width = parts.lags.length * PART_WIDTH;
  let n = 0;
  for (let c = 0; c < parts.cells; c++) if (rowHasCoMoves(parts.sums.subarray(c * width, (c + 1) * width))) n++;
  return n;
}

/**
 * Most numbers a cell table may hold (256 MiB): a day of 10 s blocks at 101 lags needs 7.9 M;
 * a table that outgrows this means blocks that are far too short or far too many lags. A table
 * whose final cells are folded and dropped as the returns stream (LagCorrelator's `onFinal`)
 * holds only the cells still open, whatever the span.
 */
export const MAX_TABLE_DOUBLES = 2 ** 25;

/** Thrown when a cell table would outgrow {@link MAX_TABLE_DOUBLES} (the command turns it into a usage error). */
export class CellTableTooLarge extends RangeError {
  override readonly name = 'CellTableTooLarge';
}

/** The sums of one lag over some cells (the whole span, a window, or a bootstrap replicate). */
export interface LagSums {
  readonly n: number;
  readonly nEffective: number;
  readonly sx: number;
  readonly sxx: number;
  readonly sy: number;
  readonly syy: number;
  readonly sxy: number;
  readonly absSum: number;
  readonly absMax: number;
}

/** Pair fields of a lag in a cell of {@link LagCellTable}: lag k's field f at 4·k + f from the cell's start. */
export const PAIR_NEFF = 0;
export const PAIR_SXY = 1;
export const PAIR_ABS = 2;
export const PAIR_MAX = 3;

/**
 * One pair of non-zero returns with product xy, for the lag whose four fields (PAIR_*) start at
 * offset o of a cell table's page: the count, Σxy, Σ|xy| and max |xy|. The correlator's loop
 * over one return's run of partners writes the same fields inline (addPairRun, xcorr.ts, where
 * the call cost 25–30 %); every other pair goes through here.
 */
export function recordPair(pairs: Float64Array, o: number, xy: number): void {
  const abs = Math.abs(xy);
  pairs[o + PAIR_NEFF]!++;
  pairs[o + PAIR_SXY]! += xy;
  pairs[o + PAIR_ABS]! += abs;
  if (abs > pairs[o + PAIR_MAX]!) pairs[o + PAIR_MAX] = abs;
}

/** Numbers per page of a cell table (64 KiB): a cell that wide has a page of its own, narrower cells share one. */
const PAGE_DOUBLES = 8192;

/**
 * The recording side of the parts: per (cell, lag) the sums of the pairs' products, added as
 * the pairs arrive (the correlator writes a cell's page directly, see {@link pairsOf}), and the
 * sides Σx, Σx², Σy, Σy², written once per cell (xcorr-sides.ts). Cells live in pages of about
 * 64 KiB, made as cells are reached (a cell of 2 001 lags fills one; a cell of 11 lags shares
 * one with 185 others): nothing is copied as the table grows and no memory is touched beyond
 * the pages. (One array grown by doubling copied itself and touched about twice its final size,
 * and on a machine where a fresh page costs microseconds that was a tenth of `xcorr --lags
 * -1000..1000`; one array per cell cost an object per cell, which doubled the memory of a few
 * lags over millions of tiny blocks.) A cell's pair fields are laid out lag by lag, the four
 * fields of a lag together, so that a pair updates one cache line and the correlator's run over
 * one return's partners (lag after lag) walks memory in order.
 * N per cell is not recorded: it is arithmetic on the cell's grid indices and is filled in by
 * {@link LagCellTable.parts}, which returns the rows in the PART_FIELDS layout. Cells leave
 * from the front ({@link dropFirst}) once read, when the caller folds them as they become final.
 * With an arena (pair-arena.ts) the pair pages live in the pair kernel's memory, at the byte
 * addresses {@link pageAt} gives, and are views made again whenever the arena grows: a page
 * from {@link pairsOf} is stale after the next call that may reach a new cell.
 */
export class LagCellTable {
  /** Page i holds cells pageStart + i·perPage …; cell c's pair field f of lag k at baseOf(c) + 4·k + f. */
  private pairPages: Float64Array[] = [];
  /** With an arena: the byte address of pairPages[i]. */
  private pairAt: number[] = [];
  /** The same layout: Σx, Σx², Σy, Σy² of lag k at baseOf(c) + 4·k. */
  private sidePages: Float64Array[] = [];
  /** The cell at the start of page 0. */
  private pageStart = NaN;
  /** Cells held: firstCell … firstCell + reached − 1. */
  private reached = 0;
  private released = false;
  private readonly cellWidth: number;
  private readonly perPage: number;
  /** The first cell held: the cell of the first return pair (set by start), later the first not dropped. */
  firstCell = NaN;

  /**
   * @param maxDoubles the most numbers the table may hold ({@link MAX_TABLE_DOUBLES}; smaller in tests).
   * @param arena where the pair pages live, for the pair kernel (none: in JavaScript arrays).
   */
  constructor(
    readonly cells: TimeCells,
    readonly lagCount: number,
    private readonly maxDoubles = MAX_TABLE_DOUBLES,
    private readonly arena?: PairArena,
  ) {
    this.cellWidth = lagCount * 4;
    this.perPage = Math.max(1, Math.floor(PAGE_DOUBLES / this.cellWidth));
    arena?.own(() => {
      this.pairPages = this.pairAt.map((at) => arena.view(at, this.pageDoubles));
    });
  }

  private get pageDoubles(): number {
    return this.perPage * this.cellWidth;
  }

  /**
   * The byte address of `cell`'s page in the arena (the table has an arena). @throws RangeError
   * for a cell not held: the kernel would write wherever the address pointed, where pairsOf throws.
   */
  pageAt(cell: number): number {
    const c = cell - this.firstCell;
    if (!(c >= 0 && c < this.reached)) throw new RangeError(`LagCellTable: cell ${cell} is not held (cells ${this.firstCell} … ${this.firstCell + this.reached - 1})`);
    return this.pairAt[this.pageOf(cell)]!;
  }

  start(firstCell: number): void {
    this.firstCell = firstCell;
    this.pageStart = firstCell;
  }

  /**
   * The page holding `cell`'s pair fields (lag k's four at baseOf(cell) + 4·k), reaching the
   * cell first if it is new. @throws RangeError for a cell already dropped (a caller's bug).
   */
  pairsOf(cell: number): Float64Array {
    if (this.released) throw new RangeError('LagCellTable: used after release');
    const c = cell - this.firstCell;
    if (c >= this.reached) this.grow(c + 1);
    else if (c < 0) throw new RangeError(`LagCellTable: cell ${cell} was dropped (the first held is ${this.firstCell})`);
    return this.pairPages[this.pageOf(cell)]!;
  }

  /** The index of `cell`'s page (in pairPages and sidePages). */
  private pageOf(cell: number): number {
    return ((cell - this.pageStart) / this.perPage) | 0;
  }

  /** Where `cell`'s fields start in its page ({@link pairsOf}; the same in the sides' page). */
  baseOf(cell: number): number {
    return ((cell - this.pageStart) % this.perPage) * this.cellWidth;
  }

  /** Reaches cells up to `cells` held cells, making the pages they need. */
  private grow(cells: number): void {
    const width = this.lagCount * PART_WIDTH;
    if (cells * width > this.maxDoubles) {
      throw new CellTableTooLarge(`${cells} time cells × ${this.lagCount} lags exceed the ${+((this.maxDoubles * 8) / 2 ** 20).toPrecision(3)} MiB kept for per-cell parts`);
    }
    const pages = Math.floor((this.firstCell + cells - 1 - this.pageStart) / this.perPage) + 1;
    while (this.pairPages.length < pages) {
      if (this.arena === undefined) {
        this.pairPages.push(new Float64Array(this.pageDoubles));
      } else {
        // alloc may move the memory: the views of the other pages are made again, then this one's.
        const at = this.arena.alloc(this.pageDoubles);
        this.pairAt.push(at);
        this.pairPages.push(this.arena.view(at, this.pageDoubles));
      }
      this.sidePages.push(new Float64Array(this.pageDoubles));
    }
    this.reached = cells;
  }

  /** A pair with both returns non-zero, at lag k of `cell` (the correlator writes its pages directly). */
  addPair(k: number, cell: number, x: number, y: number): void {
    recordPair(this.pairsOf(cell), this.baseOf(cell) + 4 * k, x * y);
  }

  /** The page holding `cell`'s sides (held, at baseOf(cell)). */
  private sidesOf(cell: number): Float64Array {
    return this.sidePages[this.pageOf(cell)]!;
  }

  /** The sides of lag k in a cell (xcorr-sides.ts): Σx, Σx², Σy, Σy², written once. */
  setSides(k: number, cell: number, sx: number, sxx: number, sy: number, syy: number): void {
    this.pairsOf(cell);
    const sides = this.sidesOf(cell);
    const o = this.baseOf(cell) + 4 * k;
    sides[o] = sx;
    sides[o + 1] = sxx;
    sides[o + 2] = sy;
    sides[o + 3] = syy;
  }

  /** Copies lag `from`'s pair fields (n_effective, Σxy, Σ|xy|, max |xy|) to lag `to` in the first `cells` cells (all by default): a lag asked for twice. */
  copyPairs(from: number, to: number, cells = this.reached): void {
    for (let c = 0; c < Math.min(cells, this.reached); c++) {
      const cell = this.firstCell + c;
      const pairs = this.pairsOf(cell);
      const o = this.baseOf(cell);
      for (let f = 0; f < 4; f++) pairs[o + 4 * to + f] = pairs[o + 4 * from + f]!;
    }
  }

  /** This table, grown to hold cells firstCell … lastCell (for finishing in place). */
  reach(lastCell: number): LagCellTable {
    if (lastCell >= this.firstCell) this.pairsOf(lastCell);
    return this;
  }

  /** Frees the arrays of a table that is read for the last time (LagCorrelator.finalParts). */
  release(): void {
    for (const at of this.pairAt) this.arena!.free(at, this.pageDoubles);
    this.pairAt = [];
    this.pairPages = [];
    this.sidePages = [];
    this.reached = 0;
    this.released = true;
  }

  /** A copy of the table covering cells firstCell … lastCell (for finishing without mutating). */
  copy(lastCell: number): LagCellTable {
    if (this.released) throw new RangeError('LagCellTable: used after release');
    const out = new LagCellTable(this.cells, this.lagCount, this.maxDoubles);
    out.firstCell = this.firstCell;
    out.pageStart = this.pageStart;
    out.grow(Math.max(0, lastCell - this.firstCell + 1));
    // The same pages in the same places: copied whole (the cells before firstCell in the first page are never read).
    for (let i = 0; i < Math.min(out.pairPages.length, this.pairPages.length); i++) {
      out.pairPages[i]!.set(this.pairPages[i]!);
      out.sidePages[i]!.set(this.sidePages[i]!);
    }
    return out;
  }

  /**
   * The finished parts after m pushes, in the PART_FIELDS layout, with N of every (cell, lag)
   * counted: lag τ pairs the A indices j = 1 … m − τ (τ ≥ 0) or 1 − τ … m (τ < 0), index j is
   * grid point n0 + j, and `firstGridOf(t)` is the first grid index at or after t. Of the first
   * `count` cells held (all by default).
   */
  parts(lags: readonly number[], n0: number, m: number, firstGridOf: (tUs: number) => number, count = this.reached): XcorrParts {
    const cells = Math.min(count, this.reached);
    const lagCount = this.lagCount;
    const sums = new Float64Array(cells * lagCount * PART_WIDTH);
    for (let c = 0; c < cells; c++) {
      const cell = this.firstCell + c;
      const pairs = this.pairsOf(cell);
      const sides = this.sidesOf(cell);
      const base = this.baseOf(cell);
      // A indices j of cell c: first grid index at or after the cell's start, minus n0.
      const jFrom = Math.max(1, firstGridOf(this.cells.startUs(this.firstCell + c)) - n0);
      const jTo = Math.min(m, firstGridOf(this.cells.startUs(this.firstCell + c + 1)) - n0 - 1);
      cellParts(lags, m, jFrom, jTo, pairs, sides, base, sums, c * lagCount * PART_WIDTH);
    }
    return { lags: [...lags], firstCell: this.firstCell, cells, sums };
  }

  /** Forgets the first `count` cells held (read and folded by the caller); the next becomes firstCell. O(cells held). */
  dropFirst(count: number): void {
    const n = Math.min(count, this.reached);
    if (n <= 0) return;
    this.firstCell += n;
    this.reached -= n;
    // Pages whose every cell is gone leave; a page still holding a kept cell stays whole.
    while (this.pairPages.length > 0 && this.pageStart + this.perPage <= this.firstCell) {
      this.pairPages.shift();
      if (this.arena !== undefined) this.arena.free(this.pairAt.shift()!, this.pageDoubles);
      this.sidePages.shift();
      this.pageStart += this.perPage;
    }
  }
}

/**
 * One cell's rows of the parts (every lag, PART_FIELDS layout) into `sums` from `o`: N of the A
 * indices jFrom … jTo that lag τ pairs (1 … m − τ, or 1 − τ … m), the pair fields from `pairs`
 * and the sides from `sides` (lag k's four at base + 4·k in each). A function of its own, called
 * per cell: LagCellTable.parts runs once, and its loop over cells × lags ran unoptimised.
 */
function cellParts(lags: readonly number[], m: number, jFrom: number, jTo: number, pairs: Float64Array, sides: Float64Array, base: number, sums: Float64Array, o: number): void {
  for (let k = 0, p = base; k < lags.length; k++, p += 4, o += PART_WIDTH) {
    const lag = lags[k]!;
    const lo = lag >= 0 ? 1 : 1 - lag;
    const hi = lag >= 0 ? m - lag : m;
    sums[o + N] = Math.max(0, Math.min(hi, jTo) - Math.max(lo, jFrom) + 1);
    sums[o + NEFF] = pairs[p + PAIR_NEFF]!;
    sums[o + SXY] = pairs[p + PAIR_SXY]!;
    sums[o + ABS] = pairs[p + PAIR_ABS]!;
    sums[o + MAX] = pairs[p + PAIR_MAX]!;
    sums[o + SX] = sides[p]!;
    sums[o + SXX] = sides[p + 1]!;
    sums[o + SY] = sides[p + 2]!;
    sums[o + SYY] = sides[p + 3]!;
  }
}

/**
 * One cell's row of {@link XcorrParts} as a mergeable state: `empty()` is a zero row of
 * lags × PART_WIDTH numbers and `merge(into, from)` adds every field except max |xy|, which it
 * maximises. This is the `{empty, merge}` shape of a time part (docs/definitions.md §11), so the
 * rows can be kept in any cell map, and a window, a regime or the whole span is their merge.
 */
export function xcorrPartKind(lagCount: number): { empty(): Float64Array; merge(into: Float64Array, from: Float64Array): void } {
  return {
    empty: () => new Float64Array(lagCount * PART_WIDTH),
    merge(into, from) {
      for (let o = 0; o < lagCount * PART_WIDTH; o += PART_WIDTH) {
        for (let f = 0; f < MAX; f++) into[o + f]! += from[o + f]!;
        if (from[o + MAX]! > into[o + MAX]!) into[o + MAX] = from[o + MAX]!;
      }
    },
  };
}

/** Row c (cell firstCell + c) of the parts: lags × PART_WIDTH numbers, a view (no copy). */
export function cellRow(parts: XcorrParts, c: number): Float64Array {
  const width = parts.lags.length * PART_WIDTH;
  return parts.sums.subarray(c * width, (c + 1) * width);
}

/** The merge of cells [from, to) of the parts (all cells by default): one row, every lag. O(cells · lags). */
export function mergeCells(parts: XcorrParts, from = 0, to = parts.cells): Float64Array {
  const kind = xcorrPartKind(parts.lags.length);
  const acc = kind.empty();
  for (let c = from; c < to; c++) kind.merge(acc, cellRow(parts, c));
  return acc;
}

/**
 * The left fold of `rows` in the order given, from a zero row: ((0 + row₀) + row₁) + … field by
 * field (max |xy| by max). This one fold makes Table 2 of every run and of merged states
 * (docs/scale.md): the same rows in the same order give the same bits. O(rows · lags).
 */
export function foldRows(lagCount: number, rows: Iterable<Float64Array>): Float64Array {
  const kind = xcorrPartKind(lagCount);
  const acc = kind.empty();
  for (const row of rows) kind.merge(acc, row);
  return acc;
}

/** The sums of lag k over cells [from, to) of the parts (all cells by default). */
export function sumCells(parts: XcorrParts, k: number, from = 0, to = parts.cells): LagSums {
  return lagSums(mergeCells(parts, from, to), k * PART_WIDTH);
}

/** Reads the LagSums stored at offset o of an array laid out as PART_FIELDS. */
export function lagSums(a: Float64Array, o: number): LagSums {
  return { n: a[o + N]!, nEffective: a[o + NEFF]!, sx: a[o + SX]!, sxx: a[o + SXX]!, sy: a[o + SY]!, syy: a[o + SYY]!, sxy: a[o + SXY]!, absSum: a[o + ABS]!, absMax: a[o + MAX]! };
}

/** The statistics Table 2 derives from a lag's sums; null where not defined. */
export interface LagStats {
  /** Pearson r, null when N < 2 or a side's variance is zero (see {@link lagStats}). */
  readonly r: number | null;
  /** β = cov / var(r_A), null where r is. */
  readonly beta: number | null;
  /** max |xy| / Σ|xy|, null when no pair has both returns non-zero. */
  readonly topStepShare: number | null;
}

/**
 * r, β and top_step_share from sums (the one formula of every table: the span, a window, a
 * regime, a bootstrap replicate): centred sums Vx = Σx² − (Σx)²/N, Vy likewise,
 * C = Σxy − ΣxΣy/N; r = C / (√Vx·√Vy), β = C / Vx, r clamped to [−1, 1] against the last
 * rounding. r is written symmetrically in x and y.
 *
 * Zero variance. Vx comes from rounded sums, so a side that is exactly constant (every return
 * the same non-zero value) leaves a few ulps of Σx² instead of 0. Whatever order the N terms
 * are added in, |error of Σx²| ≤ (N − 1)u·Σx² and |error of (Σx)²/N| ≤ (2N + 1)u·(Σ|x|)²/N ≤
 * (2N + 1)u·Σx² (u = ε/2, Cauchy–Schwarz), so |error of Vx| < 2N·ε·Σx². A Vx not above that
 * bound cannot be told from zero and counts as zero: r is n/a. Real returns are nowhere near it
 * (it needs |mean| > std/√(2Nε), 5 000 standard deviations at N = 8.6e7).
 */
export function lagStats(s: LagSums): LagStats {
  const topStepShare = s.absSum > 0 ? s.absMax / s.absSum : null;
  const r = correlationOfSums(s.n, s.sx, s.sxx, s.sy, s.syy, s.sxy);
  if (Number.isNaN(r)) return { r: null, beta: null, topStepShare };
  const c = s.sxy - (s.sx * s.sy) / s.n;
  return { r, beta: c / (s.sxx - (s.sx * s.sx) / s.n), topStepShare };
}

/**
 * r of {@link lagStats} from the sums alone, NaN where it is n/a: the bootstrap computes one
 * per lag and replicate (2·10⁶ for 2 001 lags at R = 1 000) and needs no object for it.
 */
export function correlationOfSums(n: number, sx: number, sxx: number, sy: number, syy: number, sxy: number): number {
  if (!(n >= 2)) return NaN;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  const noise = 2 * n * Number.EPSILON;
  if (!(vx > noise * sxx) || !(vy > noise * syy)) return NaN;
  const c = sxy - (sx * sy) / n;
  return Math.max(-1, Math.min(1, c / (Math.sqrt(vx) * Math.sqrt(vy))));
}

/**
 * 95 % Fisher interval tanh(atanh(r) ± 1.96/√(N − 3)); null for N ≤ 3 (the standard error is
 * undefined). For r = ±1 atanh is infinite and every finite shift leaves it there: the interval
 * is [r, r] (what tanh(±∞) gives), a perfect correlation carries no sampling spread under this model.
 */
export function fisherInterval(r: number, n: number): [number, number] | null {
  if (!(n > 3)) return null;
  if (r === 1 || r === -1) return [r, r];
  const z = Math.atanh(r);
  const half = Z95 / Math.sqrt(n - 3);
  return [Math.tanh(z - half), Math.tanh(z + half)];
}

/**
 * Table 2 of a row of sums (docs/definitions.md §4) by {@link lagStats}, with the 95 % Fisher
 * interval: r, β, R² null where N < 2 or a side has no variance.
 */
export function tableOfRow(row: Float64Array, lags: readonly number[]): LagResult[] {
  return lags.map((lag, k) => {
    const s = lagSums(row, k * PART_WIDTH);
    const st = lagStats(s);
    const ci = st.r === null ? null : fisherInterval(st.r, s.n);
    return { lag, r: st.r, n: s.n, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, nEffective: s.nEffective, topStepShare: st.topStepShare, beta: st.beta, r2: st.r === null ? null : st.r * st.r };
  });
}

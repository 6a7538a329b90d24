/**
 * Each lag's Σx, Σx², Σy, Σy² per cell (the "sides" of the pairs, docs/definitions.md §4) from
 * one sum per market and cell, not one per lag: the pairs of lag τ whose A index n lies in cell
 * [s, e] have x = r_A[n] over the cell itself and y = r_B[n + τ] over the cell shifted by τ. So
 *
 * - x: the cell's ΣA (and ΣA²), less the returns that have no partner: for τ ≥ 0 those within
 *   τ of the span's last return M (only at the end, in LagCorrelator.parts), for τ = −u < 0 the
 *   first u returns of the span;
 * - y for τ > 0: (ΣB − F_s(τ)) + F_{e+1}(τ), F_b(d) = r_B[b] + … + r_B[b + d − 1], the sum of
 *   the d returns from boundary b on; y for τ = −u < 0: (ΣB − G_{e+1}(u)) + G_s(u),
 *   G_b(u) = r_B[b − u] + … + r_B[b − 1]. Returns past the last one count 0.
 *
 * F and G are cumulative sums of B's non-zero returns in index order, taken once per cell
 * boundary at the requested shifts; ΣA, ΣB accumulate in push order. Every number of a cell
 * depends only on the returns within max|τ| of the cell, added in one fixed order, which is what
 * makes a state's cells equal to one run's (docs/scale.md). Cost per cell O(#lags + non-zero
 * returns within max|τ| of its edges); nothing per return beyond the two market sums.
 *
 * When a cell is final. Its sides are written when the boundary after it is taken, at the push
 * m = e + max|τ| (e: the cell's last A index): then every B return y = r_B[n + τ] of its pairs
 * has arrived (n + τ ≤ e + max|τ|), so every product of its pairs is filed too (a product is
 * filed when the later of its two returns arrives), and its N no longer depends on where the
 * span ends (m − τ ≥ e). From then on no later return changes the cell: {@link SideSums}'s
 * `onFinal` says so, and a caller that needs only the fold of the cells may read it and drop it.
 */
import type { LagCellTable } from './xcorr-cells.js';
import type { ReturnLog } from './xcorr-log.js';

/** The lags as the side sums need them. */
export interface ShiftPlan {
  readonly lags: readonly number[];
  /** max |τ|. */
  readonly h: number;
  /** The distinct τ > 0 and the distinct u = −τ for τ < 0, ascending. */
  readonly leadShifts: Int32Array;
  readonly lagShifts: Int32Array;
  /** For lag k: its position in leadShifts (τ > 0) or lagShifts (τ < 0); −1 for τ = 0. */
  readonly pos: Int32Array;
}

export function shiftPlan(lags: readonly number[]): ShiftPlan {
  const leadShifts = Int32Array.from(new Set(lags.filter((l) => l > 0))).sort();
  const lagShifts = Int32Array.from(new Set(lags.filter((l) => l < 0).map((l) => -l))).sort();
  const pos = Int32Array.from(lags, (l) => (l > 0 ? leadShifts.indexOf(l) : l < 0 ? lagShifts.indexOf(-l) : -1));
  return { lags, h: lags.reduce((m, l) => Math.max(m, Math.abs(l)), 0), leadShifts, lagShifts, pos };
}

/** B's sums next to a boundary b: F_b at leadShifts and G_b at lagShifts, of values and squares. */
interface Edge {
  readonly fv: Float64Array;
  readonly fq: Float64Array;
  readonly gv: Float64Array;
  readonly gq: Float64Array;
}

/** F_b(d) and G_b(u) of {@link Edge} from B's log (returns not in it count 0). */
function edgeAt(log: ReturnLog, b: number, plan: ShiftPlan): Edge {
  const { leadShifts, lagShifts } = plan;
  const edge = { fv: new Float64Array(leadShifts.length), fq: new Float64Array(leadShifts.length), gv: new Float64Array(lagShifts.length), gq: new Float64Array(lagShifts.length) };
  const { idx, val } = log;
  const first = log.lowerBound(b);
  let p = first;
  let v = 0;
  let q = 0;
  for (let i = 0; i < leadShifts.length; i++) {
    const last = b + leadShifts[i]! - 1;
    for (; p < log.tail && idx[p]! <= last; p++) {
      const x = val[p]!;
      v += x;
      q += x * x;
    }
    edge.fv[i] = v;
    edge.fq[i] = q;
  }
  p = first - 1;
  v = 0;
  q = 0;
  for (let i = 0; i < lagShifts.length; i++) {
    const from = b - lagShifts[i]!;
    for (; p >= log.head && idx[p]! >= from; p--) {
      const x = val[p]!;
      v += x;
      q += x * x;
    }
    edge.gv[i] = v;
    edge.gq[i] = q;
  }
  return edge;
}

/** Σ r and Σ r² over the log's entries with index in [from, to], in index order. */
function rangeSum(log: ReturnLog, from: number, to: number): [number, number] {
  let v = 0;
  let q = 0;
  for (let p = log.lowerBound(from); p < log.tail && log.idx[p]! <= to; p++) {
    const x = log.val[p]!;
    v += x;
    q += x * x;
  }
  return [v, q];
}

/**
 * The side sums of one cell set: market sums per cell while the returns stream, and each cell's
 * per-lag sides written into its table once every return within max|τ| of it has arrived.
 */
export class SideSums {
  /** ΣA, ΣA², ΣB, ΣB² of cell firstCell + c at 4c. */
  private sums = new Float64Array(64);
  private firstCell = NaN;
  /** The cell whose start boundary is taken next, its first push index and when it can be (start + H − 1). */
  private nextCell = NaN;
  nextStart = Infinity;
  nextAt = Infinity;
  /** The cell whose start edge is known but which is not final yet. */
  private open: { readonly cell: number; readonly edge: Edge } | undefined;

  /**
   * @param startIndex the first push index of a cell (its boundary; ≤ 1 for the first cell).
   * @param onFinal called with each cell, in time order, once its sides are written and no later
   *   return can change it (see the file's comment); it may drop the cell ({@link dropBefore}).
   */
  constructor(
    private readonly table: LagCellTable,
    private readonly plan: ShiftPlan,
    private readonly startIndex: (cell: number) => number,
    private readonly onFinal?: (cell: number) => void,
  ) {}

  /** The cells start at `firstCell` (the cell of push 1). */
  start(firstCell: number): void {
    this.firstCell = firstCell;
    this.schedule(firstCell);
  }

  /** The first A index of a cell: its first push index, or 1 for the cell of push 1. */
  private first(cell: number): number {
    return Math.max(1, this.startIndex(cell));
  }

  private schedule(cell: number): void {
    this.nextCell = cell;
    this.nextStart = this.first(cell);
    this.nextAt = this.nextStart + this.plan.h - 1;
  }

  private slot(cell: number): number {
    const o = 4 * (cell - this.firstCell);
    if (o >= this.sums.length) {
      const next = new Float64Array(Math.max(2 * this.sums.length, o + 4));
      next.set(this.sums);
      this.sums = next;
    }
    return o;
  }

  addA(cell: number, x: number): void {
    const o = this.slot(cell);
    this.sums[o]! += x;
    this.sums[o + 1]! += x * x;
  }

  addB(cell: number, y: number): void {
    const o = this.slot(cell);
    this.sums[o + 2]! += y;
    this.sums[o + 3]! += y * y;
  }

  /** Takes every boundary whose H returns have arrived by push m, finishing the cell before it. */
  advance(m: number, logB: ReturnLog, headA: ReturnLog): void {
    while (m >= this.nextAt) {
      const cell = this.nextCell;
      const edge = edgeAt(logB, this.nextStart, this.plan);
      const done = this.open;
      if (done !== undefined) this.finish(this.table, done.cell, done.edge, edge, this.nextStart - 1, Infinity, undefined, headA);
      this.open = { cell, edge };
      this.schedule(cell + 1);
      // One cell at a time: a long run of zero returns then holds one cell, not all it crosses.
      if (done !== undefined) this.onFinal?.(done.cell);
    }
  }

  /** Forgets the market sums of the cells before `cell` (final and read); O(cells held). */
  dropBefore(cell: number): void {
    const o = Math.min(4 * (cell - this.firstCell), this.sums.length);
    if (!(o > 0)) return;
    this.sums.copyWithin(0, o);
    this.sums.fill(0, this.sums.length - o);
    this.firstCell = cell;
  }

  /**
   * Writes the sides of every cell not yet final, through the cell of push m, into `into` (a
   * copy of the table) as they are if the span ends at push m: returns past m count 0, and an
   * A return within τ of m has no partner at lag τ ≥ 0. Non-destructive.
   */
  finishInto(into: LagCellTable, m: number, lastCell: number, logA: ReturnLog, logB: ReturnLog, headA: ReturnLog): void {
    let cell = this.open?.cell ?? this.nextCell;
    let start = this.open?.edge ?? edgeAt(logB, this.first(cell), this.plan);
    for (; cell <= lastCell; cell++) {
      // The pairs end with A index m: the last cell ends there (a pair needs its A return).
      const next = Math.min(this.first(cell + 1), m + 1);
      const end = edgeAt(logB, next, this.plan);
      this.finish(into, cell, start, end, next - 1, m, logA, headA);
      start = end;
    }
  }

  /**
   * The sides of cell `cell` (last push index e) from its edges. `m` is the span's last push
   * when it may end within max|τ| of the cell (then `logA` holds A's returns there), else Infinity.
   */
  private finish(into: LagCellTable, cell: number, start: Edge, end: Edge, e: number, m: number, logA: ReturnLog | undefined, headA: ReturnLog): void {
    const { lags, pos } = this.plan;
    const s = this.first(cell);
    const o = this.slot(cell);
    const sums = this.sums;
    const [sa, qa, sb, qb] = [sums[o]!, sums[o + 1]!, sums[o + 2]!, sums[o + 3]!];
    for (let k = 0; k < lags.length; k++) {
      const lag = lags[k]!;
      const i = pos[k]!;
      let sx = sa;
      let sxx = qa;
      let sy: number;
      let syy: number;
      if (lag >= 0) {
        sy = lag === 0 ? sb : sb - start.fv[i]! + end.fv[i]!;
        syy = lag === 0 ? qb : qb - start.fq[i]! + end.fq[i]!;
        if (e + lag > m) {
          // A's returns after m − τ have no partner at this lag.
          const [v, q] = rangeSum(logA!, Math.max(s, m - lag + 1), e);
          sx = sa - v;
          sxx = qa - q;
        }
      } else {
        sy = sb - end.gv[i]! + start.gv[i]!;
        syy = qb - end.gq[i]! + start.gq[i]!;
        if (s <= -lag) {
          // A's first u returns have no partner at lag −u.
          const [v, q] = rangeSum(headA, Math.max(s, 1), Math.min(e, -lag));
          sx = sa - v;
          sxx = qa - q;
        }
      }
      into.setSides(k, cell, sx, sxx, sy, syy);
    }
  }
}

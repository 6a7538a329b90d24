/**
 * The Hayashi–Yoshida lead-lag contrast on native ticks (docs/definitions.md §8), streamed, with
 * its additive parts kept per bootstrap block (§9).
 *
 * For a lag θ, U(θ) = Σ_i Σ_j ΔA_i·ΔB_j·[I_i and J_j − θ overlap], with I_i = (t_i, t_{i+1}) and
 * J_j = (s_j, s_{j+1}) open intervals. A pair of intervals overlaps exactly for the lags
 * s_j − t_{i+1} < θ < s_{j+1} − t_i, so each A interval meets only the B intervals within the
 * lattice's reach. One sweep over A's ticks (see `sweep`) adds, for each B tick within
 * [t_i + θ_from, t_i + θ_to], one number to a difference array over the lattice; every U(θ) is
 * then a prefix sum. The cost is O(n + m + P), P the number of such (A tick, B tick) pairs: it
 * grows with the width of the lattice, never with its number of lags.
 *
 * Blocks (§9, §11): every part goes to the block of the time that ends it. An A interval and its
 * square ΔA_i² go by t_{i+1}; a B interval and ΔB_j² by s_{j+1}; the cross term ΔA_i·ΔB_j of a
 * pair goes with its A interval, by t_{i+1} (as the grid returns of §4 go by A's time). A tick
 * (for n_a, n_b and the nonextant counts) goes by its own time.
 *
 * Without the bootstrap and windows nothing reads a block's parts but the whole-span sums, so
 * the state can fold each block into a running total as soon as no later tick can file
 * anything in it (`fold`): memory then holds the blocks still open, not the span.
 */
import { blockOf } from './bootstrap.js';
import type { TimeCells } from './cells.js';
import { HyFold } from './hy-time.js';
import type { HyParts } from './hyparts.js';
import type { Lattice } from './lattice.js';
import type { TimeRange } from './parts.js';
import { TickQueue } from './tickqueue.js';
import type { Span } from './types.js';

export interface HyOptions {
  readonly lattice: Lattice;
  /** Bootstrap block length L_b in µs (§9), > 0. */
  readonly blockUs: number;
  /** 'log' (default): pushed numbers are prices and the values are ln price; 'raw': they are the values. */
  readonly values?: 'log' | 'raw';
  /**
   * true (default): only the ticks in the analysis span [T_start, T_end] (§1); false: every tick
   * pushed (hand-worked examples on whole series).
   */
  readonly clipToOverlap?: boolean;
  /**
   * The time cells the parts are filed under instead of blocks of `blockUs` (hy-time.ts: fine
   * cells of a range and windows, regrouped into blocks after the run). HyParts.firstBlock and
   * nBlocks then count cells.
   */
  readonly cells?: TimeCells;
  /**
   * Fold the blocks (or cells) whose start lies in this range into one running total, each as
   * soon as no later tick can file a part in it, and forget them ({@link HyFold}: the sums
   * hyEstimate makes from the blocks' parts, bit for bit). finish() then returns that total as
   * a single block. For runs that read no block: no bootstrap, no windows, no state.
   */
  readonly fold?: TimeRange;
  /** The most numbers the parts may hold ({@link MAX_PART_DOUBLES}; tests pass less). */
  readonly maxPartDoubles?: number;
}

/**
 * Most numbers kept for the per-block difference rows (256 MiB; the parts handed back by finish
 * take as much again): a day of 10 s blocks with 2 001 lags needs 17 M.
 */
export const MAX_PART_DOUBLES = 2 ** 25;

/** Thrown when the per-block parts would outgrow {@link MAX_PART_DOUBLES} (the command turns it into a usage error). */
export class HyPartsTooLarge extends RangeError {
  override readonly name = 'HyPartsTooLarge';
}

/** Columns of the per-block scalar parts. */
const RV_A = 0;
const RV_B = 1;
const N_A = 2;
const N_B = 3;
const NE_A = 4;
const NE_B = 5;
const SCALARS = 6;

/** Columns of B's tick queue after time and ln price: the increment to the next tick, and the next move's index (see HyState.q). */
const B_STEP = 2;
const B_NEXT_MOVE = 3;

/** One market's walk over its own intervals (increments, ticks, nonextant ticks). */
interface Walk {
  /** Next interval (i, i + 1) to account, absolute index. */
  i: number;
  /** First tick of the other market at or after tick i. */
  q: number;
  /** Other market's ticks strictly inside the previous interval; −1 before the first. */
  prevOpen: number;
  /** The first tick of the span has been counted. */
  started: boolean;
}

/**
 * Streaming state of `leadlag hy`. Feed each market's ticks in time order with {@link push}
 * (batches of the two markets interleaved in any way), call {@link end} when a market is
 * exhausted (or just {@link finish}), then {@link finish} once.
 *
 * Memory: the per-block parts (8·(count + 7) bytes per block of the span, at most
 * {@link MAX_PART_DOUBLES} numbers; with `fold`, per block still open, and none for a block
 * without a part) plus the ticks still buffered. A tick is buffered until every
 * lag of the lattice has seen it and both markets are known to extend past it: about the ticks
 * within the lattice's width of the slower market's latest tick, plus however far one feed runs
 * ahead of the other (a batch with pumpLagging), plus, while one market is silent, the other's
 * ticks since its last one. Never the whole series.
 */
export class HyState {
  private readonly lattice: Lattice;
  private readonly blockUs: number;
  private readonly cellOf: (t: number) => number;
  /** Start (µs) of a block or cell: the inverse of cellOf at its edges. */
  private readonly startOf: (block: number) => number;
  private readonly log: boolean;
  private readonly clip: boolean;
  /**
   * A: time, ln price. B: time, ln price, the increment to the next tick (0 until that tick
   * arrives, and for B's last tick), and the absolute index of the first tick at or after it whose
   * increment is not 0 (−1 while none is known) — see sweep.
   */
  private readonly q = [new TickQueue(), new TickQueue([Float64Array, Float64Array])] as const;
  /** The first B tick whose next-move index (column B_NEXT_MOVE) is not written yet. */
  private bNextFrom = 0;
  private readonly seen = [NaN, NaN];
  private readonly first = [NaN, NaN];
  private readonly ended = [false, false];
  private begun = false;
  private settled = false;
  private tStart = -Infinity;
  private tEnd = Infinity;
  private firstBlock = 0;
  /** One past the last block of the parts (through the span's end once settled). */
  private endBlock = 0;
  /**
   * rows[b − rowBase]: block b's difference row over the lattice (count + 1 numbers, see sweep)
   * followed by its SCALARS, allocated when a part first goes to the block (an empty block has
   * none). Without `fold` rowBase is firstBlock; with it, the first block not yet folded.
   */
  private rows: (Float64Array | undefined)[] = [];
  private rowBase = 0;
  /** Rows allocated (the cap counts them with `fold`). */
  private rowCount = 0;
  /** The last row looked up (the sweep asks for the same block tick after tick). */
  private lastBlock = NaN;
  private lastRow: Float64Array = new Float64Array(0);
  private readonly scalar0: number;
  private readonly maxDoubles: number;
  private readonly fold: HyFold | undefined;
  private readonly walks: [Walk, Walk] = [newWalk(), newWalk()];
  /** Next A tick of the sweep; A's increment into it (0 before the first tick of the span). */
  private iTick = 0;
  private prevDA = 0;
  /** First B tick at or after t_i + θ_0 for the next A tick; first B tick ready for it; first B tick of the span. */
  private jC = 0;
  private jReady = 0;
  private bFirst = 0;
  /** Y⁻(t_{i−1} + θ_0) of the last A tick swept: the start of the next A interval's level (see sweep). */
  private prevYMinus = NaN;
  private finished: HyParts | undefined;

  /** @throws RangeError when blockUs is not > 0. */
  constructor(opts: HyOptions) {
    if (!(opts.blockUs > 0)) throw new RangeError(`block length must be > 0 µs, got ${opts.blockUs}`);
    this.lattice = opts.lattice;
    this.blockUs = opts.blockUs;
    const cells = opts.cells;
    this.cellOf = cells === undefined ? (t) => blockOf(t, opts.blockUs) : (t) => cells.cellOf(t);
    this.log = (opts.values ?? 'log') === 'log';
    this.clip = opts.clipToOverlap ?? true;
    this.scalar0 = this.lattice.count + 1;
    this.maxDoubles = opts.maxPartDoubles ?? MAX_PART_DOUBLES;
    const startUs = cells === undefined ? (b: number) => b * opts.blockUs : (c: number) => cells.startUs(c);
    this.startOf = startUs;
    this.fold = opts.fold === undefined ? undefined : new HyFold(this.lattice, opts.blockUs, startUs, opts.fold);
  }

  /**
   * Feeds `length` ticks of market 0 (A) or 1 (B): times strictly increasing within and across
   * calls, prices > 0 (values when 'raw'). The arrays are read, never kept.
   * @throws RangeError when a time does not increase, or after finish().
   */
  push(market: 0 | 1, t: Float64Array, price: Float64Array, length: number): void {
    if (this.finished) throw new RangeError('HyState.push after finish()');
    if (this.settled || length === 0) return;
    const q = this.q[market];
    let last = this.seen[market]!;
    for (let k = 0; k < length; k++) {
      if (!(t[k]! > last) && !Number.isNaN(last)) throw new RangeError(`HyState: times must increase strictly, got ${t[k]} after ${last}`);
      last = t[k]!;
    }
    // Before the span starts nothing is known to be history yet; after, earlier ticks are skipped.
    const from = this.begun && this.clip ? firstAtOrAfter(t, length, this.tStart) : 0;
    // Most quote ticks repeat the last price (a size changed): the log is taken once per price.
    let lastPrice = NaN;
    let lastX = NaN;
    if (from < length) {
      // The columns are written directly (TickQueue.reserve): typed stores, no call per tick.
      const slot0 = q.reserve(length - from);
      const [qt, qx] = q.cols as [Float64Array, Float64Array];
      if (market === 0) {
        for (let k = from; k < length; k++) {
          const pk = price[k]!;
          if (pk !== lastPrice) {
            lastPrice = pk;
            lastX = this.log ? Math.log(pk) : pk;
          }
          qt[slot0 + k - from] = t[k]!;
          qx[slot0 + k - from] = lastX;
        }
        q.commit(length - from);
      } else {
        const [, , qd, qn] = q.cols as [Float64Array, Float64Array, Float64Array, Float64Array];
        for (let k = from; k < length; k++) {
          const tk = t[k]!;
          const pk = price[k]!;
          if (pk !== lastPrice) {
            lastPrice = pk;
            lastX = this.log ? Math.log(pk) : pk;
          }
          const s = slot0 + k - from;
          // B's previous tick (if still live) gets its increment now that this one is known.
          if (s > 0 && q.end > q.start) {
            const d = lastX - qx[s - 1]!;
            qd[s - 1] = d;
            if (d !== 0) this.markMove(q, q.base + s - 1);
          }
          qt[s] = tk;
          qx[s] = lastX;
          qd[s] = 0;
          qn[s] = -1;
          q.commit(1);
        }
      }
    }
    if (Number.isNaN(this.first[market]!)) this.first[market] = t[0]!;
    this.seen[market] = last;
    this.advance();
  }

  /**
   * B tick `move` (absolute index) has a non-zero increment: it is the next move of every live
   * tick from bNextFrom up to it (their increments are all 0). Each tick is written once.
   */
  private markMove(b: TickQueue, move: number): void {
    const next = b.cols[B_NEXT_MOVE]!;
    for (let k = Math.max(this.bNextFrom, b.start); k <= move; k++) next[k - b.base] = move;
    this.bNextFrom = move + 1;
  }

  /** Market 0 or 1 has no more ticks. */
  end(market: 0 | 1): void {
    this.ended[market] = true;
    this.advance();
  }

  /** Accounts every remaining tick and returns the parts. Idempotent. */
  finish(): HyParts {
    if (this.finished) return this.finished;
    this.ended[0] = this.ended[1] = true;
    this.advance();
    if (!this.settled) this.settle();
    this.finished = this.fold === undefined ? this.parts() : this.foldedParts();
    return this.finished;
  }

  /** Does all the accounting the ticks seen so far allow, then drops what no position needs. */
  private advance(): void {
    if (!this.begun) {
      if (Number.isNaN(this.first[0]!) || Number.isNaN(this.first[1]!)) {
        if (this.ended[0] && this.ended[1]) this.settle();
        return;
      }
      this.begin();
    }
    if (!this.settled && this.spanEndKnown()) this.settle();
    this.walk(0);
    this.walk(1);
    this.sweep();
    const [a, b] = this.q;
    a.dropBefore(Math.min(this.iTick, this.walks[0].i, this.walks[1].q));
    b.dropBefore(Math.min(Math.max(this.jC - 1, this.bFirst), this.walks[1].i, this.walks[0].q));
    if (this.fold !== undefined) this.foldBefore(this.cellOf(this.frontier()));
  }

  /**
   * The earliest time a part can still be filed at: every part goes to the block of a tick that
   * a walk or the sweep has yet to account — the walks' next interval starts at their tick i
   * (the nonextant mark of t_i, the square by t_{i+1}), the sweep's at A's tick iTick — or of a
   * tick still to come, later than the market's last seen. Infinity once nothing is left.
   */
  private frontier(): number {
    const next = (m: 0 | 1, i: number) => {
      const q = this.q[m];
      if (i < q.end) return q.t[i - q.base]!;
      return this.settled || this.ended[m] ? Infinity : this.seen[m]!;
    };
    return Math.min(next(0, this.walks[0].i), next(1, this.walks[1].i), next(0, this.iTick));
  }

  /**
   * Folds the blocks before `block` in time order and forgets them. A block without a row is
   * empty: its zeros would change no sum (a sum that starts at +0 is never −0), so it is skipped.
   */
  private foldBefore(block: number): void {
    if (!this.begun || !(block > this.rowBase)) return;
    const n = Math.min(this.rows.length, block - this.rowBase);
    for (let c = 0; c < n; c++) {
      const row = this.rows[c];
      if (row !== undefined) this.fold!.add(this.rowBase + c, this.blockParts(row));
    }
    this.rows.splice(0, n);
    this.rowCount = this.rows.reduce((k, r) => k + (r === undefined ? 0 : 1), 0);
    // No part goes before `block` any more: the rows start there (Infinity: nothing goes anywhere).
    this.rowBase = Number.isFinite(block) ? block : this.rowBase + n;
    if (this.lastBlock < this.rowBase) this.lastBlock = NaN;
  }

  /** A block's row of parts [U(θ_0) … U(θ_{K−1}), rv_a, rv_b, n_a, n_b, nonextant_a, nonextant_b]. */
  private blockParts(row: Float64Array): Float64Array {
    const K = this.lattice.count;
    const out = new Float64Array(K + SCALARS);
    uOf(row, K, out, 0);
    out.set(row.subarray(this.scalar0, this.scalar0 + SCALARS), K);
    return out;
  }

  /** Both markets have ticks: fix T_start and drop earlier ticks (history has no part in §8). */
  private begin(): void {
    this.begun = true;
    this.tStart = this.clip ? Math.max(this.first[0]!, this.first[1]!) : Math.min(this.first[0]!, this.first[1]!);
    this.firstBlock = this.rowBase = this.endBlock = this.cellOf(this.tStart);
    for (const q of this.q) {
      let i = q.start;
      while (i < q.end && q.t[i - q.base]! < this.tStart) i++;
      q.dropBefore(i);
    }
    this.walks[0].i = this.q[0].start;
    this.walks[0].q = this.q[1].start;
    this.walks[1].i = this.q[1].start;
    this.walks[1].q = this.q[0].start;
    this.iTick = this.q[0].start;
    this.jC = this.jReady = this.bFirst = this.q[1].start;
  }

  /** With clipping, T_end = min(last A, last B) is known once one market has ended and the other has reached its end. */
  private spanEndKnown(): boolean {
    const [ea, eb] = this.ended;
    if (ea && eb) return true;
    if (!this.clip) return false;
    return (eb && this.seen[0]! >= this.seen[1]!) || (ea && this.seen[1]! >= this.seen[0]!);
  }

  /** Cuts the buffers at T_end; from now on every tick left is known to be in the span. */
  private settle(): void {
    this.settled = true;
    if (this.clip) this.tEnd = Math.min(this.seen[0]!, this.seen[1]!);
    if (!this.begun) return;
    for (const q of this.q) {
      let end = q.end;
      while (end > q.start && q.t[end - 1 - q.base]! > this.tEnd) end--;
      q.truncate(end);
    }
    const b = this.q[1];
    if (b.end > b.start) b.cols[B_STEP]![b.end - 1 - b.base] = 0; // B's last tick in the span has no increment
    this.reach(this.cellOf(this.spanOrUndefined()?.end ?? this.tStart));
  }

  private spanOrUndefined(): Span | undefined {
    if (!this.begun) return undefined;
    if (this.clip) return this.tStart <= this.tEnd ? { start: this.tStart, end: this.tEnd } : undefined;
    return { start: this.tStart, end: Math.max(this.seen[0]!, this.seen[1]!) };
  }

  /**
   * One market's own intervals (squares, ticks, nonextant ticks). Interval (i, i + 1) is
   * accounted once the other market has a tick at or after t_{i+1} (or everything is known):
   * then both extend past it, and the other's ticks inside it are all seen.
   */
  private walk(market: 0 | 1): void {
    const w = this.walks[market];
    const p = this.q[market];
    const o = this.q[1 - market]!;
    const all = this.settled;
    const pt = p.t;
    const px = p.x;
    const pb = p.base;
    const ot = o.t;
    const ob = o.base;
    const oEnd = o.end;
    const rvCol = market === 0 ? RV_A : RV_B;
    const nCol = market === 0 ? N_A : N_B;
    const neCol = market === 0 ? NE_A : NE_B;
    let { i, q } = w;
    if (!w.started) {
      if (i >= p.end) return;
      const t0 = pt[i - pb]!;
      while (q < oEnd && ot[q - ob]! < t0) q++;
      if (q === oEnd && !all) return;
      w.started = true;
      w.q = q;
      this.rowOf(t0)[this.scalar0 + nCol]! += 1;
    }
    // The square and the count of an interval go to the block of its end. Most intervals end
    // in the block of the one before, so the block's two sums are carried in locals and
    // written back when the block changes: the same additions in the same order.
    const s0 = this.scalar0;
    let row: Float64Array | undefined;
    let rowFrom = Infinity;
    let rowTo = -Infinity;
    let rv = 0;
    let n = 0;
    let prevOpen = w.prevOpen;
    const pEnd = p.end;
    while (i + 1 < pEnd) {
      const t0 = pt[i - pb]!;
      const t1 = pt[i + 1 - pb]!;
      let r = q;
      while (r < oEnd && ot[r - ob]! < t1) r++;
      if (r === oEnd && !all) break;
      const eq = q < oEnd && ot[q - ob] === t0 ? 1 : 0;
      const open = r - q - eq;
      const d = px[i + 1 - pb]! - px[i - pb]!;
      if (!(t1 >= rowFrom && t1 < rowTo)) {
        if (row !== undefined) {
          row[s0 + rvCol] = rv;
          row[s0 + nCol] = n;
        }
        const block = this.cellOf(t1);
        row = this.rowOf(t1);
        rowFrom = this.startOf(block);
        rowTo = this.startOf(block + 1);
        rv = row[s0 + rvCol]!;
        n = row[s0 + nCol]!;
      }
      rv += d * d;
      n += 1;
      if (prevOpen === 0 && eq === 0 && open === 0) this.rowOf(t0)[s0 + neCol]! += 1;
      prevOpen = open;
      q = r;
      i++;
    }
    w.prevOpen = prevOpen;
    if (row !== undefined) {
      row[s0 + rvCol] = rv;
      row[s0 + nCol] = n;
    }
    w.i = i;
    w.q = q;
  }

  /**
   * The cross terms, swept by A's ticks. With Y⁺(x) = B's log price at its first tick ≥ x and
   * Y⁻(x) at its last tick ≤ x (clamped to B's first and last ticks), the inner sum of §8 over B
   * for the A interval (t_i, t_{i+1}) is Y⁺(t_{i+1} + θ) − Y⁻(t_i + θ), so
   *   U(θ) = Σ_i ΔA_{i−1}·Y⁺(t_i + θ) − ΔA_i·Y⁻(t_i + θ)    (ΔA_{−1} = ΔA_n = 0).
   * Across the lattice, Y⁺(t_i + θ) steps by ΔB_j at the first θ_k > s_j − t_i and Y⁻(t_i + θ) by
   * ΔB_{j−1} at the first θ_k ≥ s_j − t_i: one difference-array entry per B tick within
   * [t_i + θ_0, t_i + θ_max], on top of the levels at θ_0 (entry 0). Both roles of a tick usually
   * share a block (ΔA_{i−1} is the A interval ending at t_i, ΔA_i the one ending at t_{i+1});
   * they are written separately where they do not. The levels at θ_0 of one A interval are
   * written together, as ΔA_{i−1}·(Y⁺(t_i + θ_0) − Y⁻(t_{i−1} + θ_0)) when its end t_i is swept
   * (Σ_i ΔA_{i−1}·Y⁺(t_i + θ_0) − ΔA_i·Y⁻(t_i + θ_0) regrouped by interval): entry 0 then sums
   * B's moves, not levels far larger than them, and a block's row depends on no tick outside
   * its intervals' reach — so a run that starts elsewhere (a state's, docs/scale.md) writes
   * the same numbers in the same order.
   *
   * A tick waits until B has a tick at or after max(t_i + θ_max + 1, t_{i+1}) that A has also
   * reached: then every B tick it meets has its successor known and in the span.
   */
  private sweep(): void {
    const [a, b] = this.q;
    const { fromUs, stepUs, count } = this.lattice;
    const thetaMax = fromUs + (count - 1) * stepUs;
    const all = this.settled;
    const seenA = this.seen[0]!;
    const at = a.t;
    const ax = a.x;
    const ab = a.base;
    const aEnd = a.end;
    const [bt, bx, bd, bn] = b.cols as [Float64Array, Float64Array, Float64Array, Float64Array];
    const bb = b.base;
    const bEnd = b.end;
    if (bEnd === this.bFirst) return; // no B tick in the span yet (or ever): nothing meets A
    const pFirst = this.bFirst - bb;
    const pEnd = bEnd - bb;
    const last = count - 1;
    let i = this.iTick;
    let jC = this.jC;
    let jReady = this.jReady;
    let wPlus = this.prevDA;
    let prevYMinus = this.prevYMinus;
    while (i < aEnd) {
      if (wPlus === 0) {
        // A ticks with ΔA_{i−1} = ΔA_i = 0 (A repeated its price) write nothing: go to the first
        // tick whose own increment is not 0, or to A's last tick (its increment is not known
        // yet). The B positions are found from that tick's time as they would have been.
        while (i + 1 < aEnd && ax[i + 1 - ab]! - ax[i - ab]! === 0) i++;
      }
      const ti = at[i - ab]!;
      const hasNext = i + 1 < aEnd;
      if (!all) {
        if (!hasNext) break;
        const y = Math.max(ti + thetaMax + 1, at[i + 1 - ab]!);
        while (jReady < bEnd && bt[jReady - bb]! < y) jReady++;
        if (jReady === bEnd || (this.clip && bt[jReady - bb]! > seenA)) break;
      }
      const c = ti + fromUs;
      while (jC < bEnd && bt[jC - bb]! < c) jC++;
      const wMinus = hasNext ? ax[i + 1 - ab]! - ax[i - ab]! : 0;
      if (wPlus !== 0 || wMinus !== 0) {
        // The difference rows of the blocks of t_i (ΔA_{i−1}'s terms) and t_{i+1} (ΔA_i's).
        const plus = this.rowOf(ti);
        const minus = hasNext ? this.rowOf(at[i + 1 - ab]!) : plus;
        let p = jC - bb;
        // levels at θ_0: Y⁺(c) = first tick ≥ c (else B's last); Y⁻(c) = last tick ≤ c (else B's first)
        const yPlus = p < pEnd ? bx[p]! : bx[pEnd - 1]!;
        const yMinus = p < pEnd && bt[p] === c ? bx[p]! : p > pFirst ? bx[p - 1]! : bx[pFirst]!;
        // wPlus ≠ 0 only after a tick with wMinus ≠ 0, which set prevYMinus
        if (wPlus !== 0) plus[0]! += wPlus * (yPlus - prevYMinus);
        prevYMinus = yMinus;
        // With s = Q·h + R (0 ≤ R < h) and c = Q_c·h + R_c: the first θ_k ≥ s − t_i is
        // k = Q − Q_c + [R > R_c] and the first θ_k > s − t_i is Q − Q_c + [R ≥ R_c]. Q and R of
        // a B tick are taken here, for the ticks the sweep visits (most it jumps over).
        const cq = Math.floor(c / stepUs);
        const cr = c - cq * stepUs;
        let dPrev = p > pFirst ? bd[p - 1]! : 0; // ΔB before B's first tick is 0
        const same = plus === minus;
        for (; p < pEnd; p++) {
          const d = bd[p]!;
          if (d === 0 && dPrev === 0) {
            // Ticks that repeat B's price add exact zeros (and no entry is ever −0, which
            // adding +0 would change): go to B's next move, whose own previous increment is 0.
            const move = bn[p]! - bb;
            if (move > p) {
              p = move - 1;
              continue;
            }
          }
          const s = bt[p]!;
          const q = Math.floor(s / stepUs);
          const r = s - q * stepUs;
          const k = q - cq;
          const kMinus = k + ((cr - r) >>> 31); // + [r > cr] without a branch: |cr − r| < step < 2^31
          if (kMinus > last) break;
          const up = wPlus * d;
          const down = wMinus * dPrev;
          dPrev = d;
          if (r !== cr && same) {
            plus[kMinus]! += up - down;
          } else {
            const kPlus = r >= cr ? k + 1 : k;
            if (kMinus >= 1) minus[kMinus]! -= down;
            if (kPlus <= last) plus[kPlus]! += up;
          }
        }
      }
      wPlus = wMinus;
      i++;
    }
    this.iTick = i;
    this.prevDA = wPlus;
    this.prevYMinus = prevYMinus;
    this.jC = jC;
    this.jReady = jReady;
  }

  /** The row of the block holding time t (allocated on first use). */
  private rowOf(t: number): Float64Array {
    const block = this.cellOf(t);
    if (block === this.lastBlock) return this.lastRow;
    const c = block - this.rowBase;
    // A part for a block already folded would be lost: frontier() is wrong if this happens.
    if (!(c >= 0)) throw new RangeError(`HyState: a part at ${t} µs for block ${block}, before the open blocks (from ${this.rowBase})`);
    this.reach(block);
    let row = this.rows[c];
    if (row === undefined) {
      this.rowCount++;
      this.checkSize(this.rowCount);
      row = this.rows[c] = new Float64Array(this.scalar0 + SCALARS);
    }
    this.lastBlock = block;
    this.lastRow = row;
    return row;
  }

  /** The parts run through `block`; without `fold` they are kept for every block from the first. */
  private reach(block: number): void {
    if (block < this.endBlock) return;
    this.endBlock = block + 1;
    if (this.fold === undefined) this.checkSize(this.endBlock - this.firstBlock);
  }

  /** Refuses to keep parts for more than `blocks` blocks beyond the cap (finish's HyParts take count per block too). */
  private checkSize(blocks: number): void {
    if (blocks * (this.lattice.count + 1) > this.maxDoubles) {
      throw new HyPartsTooLarge(`${blocks} blocks × ${this.lattice.count} lags exceed the ${+((this.maxDoubles * 8) / 2 ** 20).toPrecision(3)} MiB kept for per-block parts`);
    }
  }

  /** The parts: difference rows turned into U_b(θ) by prefix sums, empty blocks as zeros. */
  private parts(): HyParts {
    const span = this.spanOrUndefined();
    const K = this.lattice.count;
    const nBlocks = span === undefined ? 0 : this.endBlock - this.firstBlock;
    const u = new Float64Array(nBlocks * K);
    const cols = Array.from({ length: SCALARS }, () => new Float64Array(nBlocks));
    for (let b = 0; b < nBlocks; b++) {
      const row = this.rows[b];
      if (row === undefined) continue;
      uOf(row, K, u, b * K);
      for (let c = 0; c < SCALARS; c++) cols[c]![b] = row[this.scalar0 + c]!;
    }
    return { lattice: this.lattice, blockUs: this.blockUs, firstBlock: this.firstBlock, nBlocks, u, rvA: cols[RV_A]!, rvB: cols[RV_B]!, nA: cols[N_A]!, nB: cols[N_B]!, nonextantA: cols[NE_A]!, nonextantB: cols[NE_B]!, span };
  }

  /** With `fold`: the rest of the blocks folded, and the total as one block. */
  private foldedParts(): HyParts {
    this.foldBefore(Infinity);
    return this.fold!.parts(this.spanOrUndefined());
  }
}

/** U_b(θ_0 … θ_{K−1}) of a block from its difference row: prefix sums, into `out` from `at`. */
function uOf(diff: Float64Array, K: number, out: Float64Array, at: number): void {
  let acc = 0;
  for (let k = 0; k < K; k++) {
    acc += diff[k]!;
    out[at + k] = acc;
  }
}

function newWalk(): Walk {
  return { i: 0, q: 0, prevOpen: -1, started: false };
}

function firstAtOrAfter(t: Float64Array, length: number, x: number): number {
  let k = 0;
  while (k < length && t[k]! < x) k++;
  return k;
}

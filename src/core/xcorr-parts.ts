/**
 * xcorr's parts cut by time (docs/definitions.md §4, §9, §11): the one per-cell table of lagged
 * sums that the streaming correlator fills (xcorr-cells.ts, {@link LagCellTable}) regrouped by
 * what a run asks for — the range (`--start/--end`), the `--by` windows, the regimes and the
 * bootstrap blocks inside each of them.
 *
 * The correlator files its sums under cells ({@link cutCells}, cut at the range's ends): the
 * blocks (--block, L), whose rows in time order make the range's Table 2 and its bootstrap
 * ({@link rangeCells}), and for `--by` windows fine cells of the common length of L and the
 * window, so that every block and every window is a set of whole fine cells. A window's part is
 * then its merged row and the rows of the blocks inside it (its bootstrap), and a regime is the
 * merge of its windows.
 */
import type { KeyedParts, PartKind, TimeRange } from './parts.js';
import { cellRow, PART_FIELDS, PART_WIDTH, xcorrPartKind, type XcorrParts } from './xcorr-cells.js';
import type { TimeCells } from './cells.js';

export { tableOfRow } from './xcorr-cells.js';

/**
 * A time part of xcorr: `row` holds every lag's sums (PART_FIELDS, xcorr-cells.ts) over the
 * part, `blocks` the rows of the bootstrap blocks it holds, in time order (empty without the
 * bootstrap). A block cut by a window edge is a block of each window.
 */
export interface XcorrPart {
  readonly row: Float64Array;
  readonly blocks: readonly Float64Array[];
}

/** `empty`/`merge` of {@link XcorrPart}: rows merge as xcorrPartKind, block lists concatenate. */
export function xcorrTimeKind(lagCount: number): PartKind<XcorrPart> {
  const rows = xcorrPartKind(lagCount);
  return {
    empty: () => ({ row: rows.empty(), blocks: [] }),
    merge(into, from) {
      rows.merge(into.row, from.row);
      (into.blocks as Float64Array[]).push(...from.blocks);
    },
  };
}

/**
 * The correlator's fine cells regrouped into windows of `windowUs` (Infinity: one window, the
 * range), each an {@link XcorrPart} with its blocks of `blockUs` (0: none). Only cells inside
 * `range` count. Cost O(cells · lags) to build.
 */
export class XcorrKeyedParts implements KeyedParts<XcorrPart> {
  readonly kind: PartKind<XcorrPart>;
  private readonly windows = new Map<number, XcorrPart>();

  constructor(
    readonly fine: XcorrParts,
    fineCells: TimeCells,
    readonly size: number,
    readonly range: TimeRange,
    readonly blockUs: number,
  ) {
    const lagCount = fine.lags.length;
    this.kind = xcorrTimeKind(lagCount);
    const rows = xcorrPartKind(lagCount);
    // Per window: its blocks by block key (insertion follows time, so values() are in order).
    const windowBlocks = new Map<number, Map<number, Float64Array>>();
    for (let c = 0; c < fine.cells; c++) {
      const start = fineCells.startUs(fine.firstCell + c);
      if (!(start >= range.start && start < range.end)) continue;
      const row = cellRow(fine, c);
      const w = this.keyOf(start);
      let part = this.windows.get(w);
      if (part === undefined) {
        part = this.kind.empty();
        this.windows.set(w, part);
        windowBlocks.set(w, new Map());
      }
      rows.merge(part.row, row);
      if (blockUs > 0) {
        const b = Math.floor(start / blockUs);
        addTo(windowBlocks.get(w)!, b, row, rows);
      }
    }
    for (const [w, blocks] of windowBlocks) (this.windows.get(w)!.blocks as Float64Array[]).push(...blocks.values());
  }

  keyOf(t: number): number {
    return this.size === Infinity ? 0 : Math.floor(t / this.size);
  }

  edges(key: number): TimeRange {
    if (this.size === Infinity) return this.range;
    return { start: Math.max(key * this.size, this.range.start), end: Math.min((key + 1) * this.size, this.range.end) };
  }

  /** Window `key`'s part (a fresh empty one where nothing fell in it). */
  partOf(key: number): XcorrPart {
    return this.windows.get(key) ?? this.kind.empty();
  }

  merged(parts: Iterable<XcorrPart> = this.windows.values()): XcorrPart {
    const out = this.kind.empty();
    for (const p of parts) this.kind.merge(out, p);
    return out;
  }
}

function addTo(map: Map<number, Float64Array>, key: number, row: Float64Array, rows: PartKind<Float64Array>): void {
  let acc = map.get(key);
  if (acc === undefined) {
    acc = rows.empty();
    map.set(key, acc);
  }
  rows.merge(acc, row);
}

/**
 * The cells of a range in time order: each cell of `parts` (filed under `cells`, blocks of
 * `blockUs` cut at the range's ends) whose start lies in `range`, under its block's index
 * ⌊start / blockUs⌋. Cells with one index are summed: a cut that falls on a block edge leaves
 * an empty cell there (cutCells), which adds exact zeros. The left fold of `rows` is the range's
 * Table 2 and `rows` are its bootstrap blocks; a state stores them (docs/scale.md).
 */
export interface RangeCells {
  readonly keys: readonly number[];
  /** Row i of key i: a view of {@link blocks}' sums. */
  readonly rows: readonly Float64Array[];
  /** The rows as the parts the bootstrap reads (cells = the keys' blocks, in order), one array. */
  readonly blocks: XcorrParts;
}

export function rangeCells(parts: XcorrParts, cells: TimeCells, range: TimeRange, blockUs: number, reuse = false): RangeCells {
  const kind = xcorrPartKind(parts.lags.length);
  const width = parts.lags.length * PART_WIDTH;
  const rowOf = new Map<number, number>();
  const cellKeys: (number | undefined)[] = [];
  for (let c = 0; c < parts.cells; c++) {
    const key = blockKeyOf(cells, parts.firstCell + c, range, blockUs);
    cellKeys.push(key);
    if (key !== undefined && !rowOf.has(key)) rowOf.set(key, rowOf.size);
  }
  if (reuse && rowOf.size === parts.cells) return ownRows(parts, [...rowOf.keys()]);
  // The rows live in one array (zeros, then each cell merged in: the additions addTo makes to an
  // empty row), so that the bootstrap reads them where they are instead of a copy.
  const sums = new Float64Array(rowOf.size * width);
  const rows = Array.from({ length: rowOf.size }, (_, i) => sums.subarray(i * width, (i + 1) * width));
  cellKeys.forEach((key, c) => {
    if (key !== undefined) kind.merge(rows[rowOf.get(key)!]!, cellRow(parts, c));
  });
  return { keys: [...rowOf.keys()], rows, blocks: { lags: [...parts.lags], firstCell: 0, cells: rows.length, sums } };
}

/**
 * rangeCells when every cell is a block of its own (the usual case: cells are the blocks) and the
 * caller gives up `parts`: the rows are the parts' own rows, turned in place into what merging
 * each into a zero row gives (0 + x for the sums, which only turns −0 into +0; max(0, x) for
 * max |xy|) — the same bits without a second array as large as the parts.
 */
const MAX_FIELD = PART_FIELDS.indexOf('abs_max');

function ownRows(parts: XcorrParts, keys: number[]): RangeCells {
  const s = parts.sums;
  for (let o = 0; o < s.length; o += PART_WIDTH) {
    for (let f = 0; f < MAX_FIELD; f++) s[o + f] = 0 + s[o + f]!;
    s[o + MAX_FIELD] = s[o + MAX_FIELD]! > 0 ? s[o + MAX_FIELD]! : 0;
  }
  const rows = keys.map((_, c) => cellRow(parts, c));
  return { keys, rows, blocks: { lags: [...parts.lags], firstCell: 0, cells: rows.length, sums: s } };
}

/** The block index ⌊start / blockUs⌋ of a cell whose start lies in `range`; undefined for a cell outside it. */
function blockKeyOf(cells: TimeCells, cell: number, range: TimeRange, blockUs: number): number | undefined {
  const start = cells.startUs(cell);
  return start >= range.start && start < range.end ? Math.floor(start / blockUs) : undefined;
}

/**
 * The left fold of a range's block rows ({@link rangeCells}, then foldRows) taken while the
 * cells arrive in time order, so that the cells need not be kept: each block's row is summed
 * from a zero row over its cells, and folded into the total when the next block begins — the
 * very additions rangeCells and foldRows make, in the same order, so the total is theirs bit for
 * bit. Memory: two rows. (Table 2 without the bootstrap, LagCorrelator's onFinal.)
 */
export class RangeFold {
  private readonly kind: PartKind<Float64Array>;
  private readonly total: Float64Array;
  /** The block being summed: at most one entry. */
  private readonly open = new Map<number, Float64Array>();

  constructor(
    private readonly lagCount: number,
    private readonly cells: TimeCells,
    private readonly range: TimeRange,
    private readonly blockUs: number,
  ) {
    this.kind = xcorrPartKind(lagCount);
    this.total = this.kind.empty();
  }

  /** Adds the cells of `parts`, which follow every cell added before. */
  add(parts: XcorrParts): void {
    for (let c = 0; c < parts.cells; c++) {
      const key = blockKeyOf(this.cells, parts.firstCell + c, this.range, this.blockUs);
      if (key === undefined) continue;
      if (!this.open.has(key)) this.close();
      addTo(this.open, key, cellRow(parts, c), this.kind);
    }
  }

  /** The fold of every cell added and then of `rest` (cells after them), without changing this fold. */
  result(rest?: XcorrParts): Float64Array {
    const copy = new RangeFold(this.lagCount, this.cells, this.range, this.blockUs);
    copy.total.set(this.total);
    for (const [key, row] of this.open) copy.open.set(key, row.slice());
    if (rest !== undefined) copy.add(rest);
    copy.close();
    return copy.total;
  }

  private close(): void {
    for (const row of this.open.values()) this.kind.merge(this.total, row);
    this.open.clear();
  }
}

/** Blocks as the parts the bootstrap reads (cells = blocks, in the order given). */
export function blockParts(lags: readonly number[], blocks: readonly Float64Array[]): XcorrParts {
  const width = lags.length * PART_WIDTH;
  const sums = new Float64Array(blocks.length * width);
  blocks.forEach((b, i) => sums.set(b, i * width));
  return { lags: [...lags], firstCell: 0, cells: blocks.length, sums };
}

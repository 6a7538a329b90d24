/**
 * Time cells: the one way an analysis is cut by time (docs/definitions.md §11, docs/time.md).
 *
 * A cell is [k·size, (k + 1)·size) on the absolute clock (µs since the epoch), k an integer;
 * every count and sum of an analysis belongs to the one cell holding its time (a jump by its
 * time, a pair by its leader's, a grid return pair by n·G). An analysis keeps one part per cell
 * and each part is a mergeable state (`empty`, `merge`): windows (`--by`), the range
 * (`--start/--end`), volatility regimes and bootstrap blocks are then all merges of parts, and
 * the whole is the merge of every part.
 */

/** Times counted, µs: [start, end). Infinite ends mean unbounded. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

export const ALL_TIME: TimeRange = { start: -Infinity, end: Infinity };

/** How a part's state is made and combined. `merge` adds `from` into `into`. */
export interface PartKind<S> {
  empty(): S;
  merge(into: S, from: S): void;
}

/**
 * What windows and regimes need from an analysis's parts: cells of one length on the absolute
 * clock, each holding a mergeable state. `CellParts` is one; an analysis that keeps its parts
 * in its own layout (per bootstrap block, say) plugs into `--by` by presenting them this way,
 * with cells of the window length (a window is then the merge of its blocks).
 */
export interface KeyedParts<S> {
  readonly size: number;
  readonly range: TimeRange;
  keyOf(t: number): number;
  edges(key: number): TimeRange;
  partOf(key: number): S;
  merged(parts?: Iterable<S>): S;
}

/**
 * Parts keyed by cell. Cells of size Infinity are one cell (the whole span). Only times in
 * `range` are counted: `cellAt` returns undefined outside it.
 */
export class CellParts<S> implements KeyedParts<S> {
  private readonly parts = new Map<number, S>();
  private lastKey = NaN;
  private lastPart: S | undefined;

  /**
   * @param size cell length in µs (> 0; Infinity for a single cell).
   * @throws RangeError when size is not positive.
   */
  constructor(
    readonly kind: PartKind<S>,
    readonly size: number,
    readonly range: TimeRange = ALL_TIME,
  ) {
    if (!(size > 0)) throw new RangeError(`cell size must be > 0 µs, got ${size}`);
  }

  /** Index k of the cell holding time t (µs). */
  keyOf(t: number): number {
    return this.size === Infinity ? 0 : Math.floor(t / this.size);
  }

  /** The part holding time t, created empty on first use; undefined when t is outside the range. */
  at(t: number): S | undefined {
    if (!(t >= this.range.start && t < this.range.end)) return undefined;
    const k = this.keyOf(t);
    if (k === this.lastKey) return this.lastPart;
    let p = this.parts.get(k);
    if (p === undefined) {
      p = this.kind.empty();
      this.parts.set(k, p);
    }
    this.lastKey = k;
    this.lastPart = p;
    return p;
  }

  /**
   * Merges `part` into cell `key` (a part of another run, read back from a state): the cell is
   * created empty on first use. Parts of one cell from several runs merge in the order given.
   */
  absorb(key: number, part: S): void {
    let p = this.parts.get(key);
    if (p === undefined) {
      p = this.kind.empty();
      this.parts.set(key, p);
    }
    this.kind.merge(p, part);
    this.lastKey = NaN;
  }

  /** The cells that received anything, in time order, with their edges clipped to the range. */
  cells(): { key: number; start: number; end: number; part: S }[] {
    return [...this.parts.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([key, part]) => ({ key, ...this.edges(key), part }));
  }

  /** [start, end) of cell k, clipped to the range. */
  edges(key: number): TimeRange {
    if (this.size === Infinity) return this.range;
    return { start: Math.max(key * this.size, this.range.start), end: Math.min((key + 1) * this.size, this.range.end) };
  }

  /** The part of cell `key`, or a fresh empty state (not stored) when nothing fell in it. */
  partOf(key: number): S {
    return this.parts.get(key) ?? this.kind.empty();
  }

  /** A fresh state holding the merge of the given parts (all of them by default). */
  merged(parts: Iterable<S> = this.parts.values()): S {
    const out = this.kind.empty();
    for (const p of parts) this.kind.merge(out, p);
    return out;
  }
}

/** True when the analysis is cut by time (cells or a bounded range) and keeps parts per cell. */
export function isCut(cellUs: number, range: TimeRange): boolean {
  return cellUs !== Infinity || range.start !== ALL_TIME.start || range.end !== ALL_TIME.end;
}

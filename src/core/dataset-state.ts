/**
 * classify's labelled data set as a partial state for an owned range [S, E), and the exact
 * merge of such states (docs/scale.md, docs/definitions.md §5, §11). Pure: no I/O; the file
 * format lives in src/io/state-file.ts and src/cli/classify-state.ts.
 *
 * A row (a trigger in [S, E): its features, label and time) is one run's row when the state's
 * run made the same decisions near its cuts and read the same history:
 * - its label comes from spot's and perp's jumps (detection, §2) and the greedy pairing (§3)
 *   over the span of the data read: the end records and checks of `pair` states
 *   (src/core/pair-state.ts, src/core/pair-merge.ts), chance shifts included (the labels'
 *   chance pairs, §10), so m = max(W + D + 10·step, 1 s with jumps_1s) and the span's reach is
 *   D + 10·step (states written before the chance pairs: the real pairing only, reach D);
 * - its features read the quotes as of t − h, h = max(the quote and trade look-backs,
 *   featureLookBack), and with the extended set the triggers of the last second (within m):
 *   each state records its last tick of each market at or before E − h, and the merge checks
 *   that the next state read it.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import type { FeatureParams } from './features.js';
import { featureLookBack } from './features.js';
import { isoMicros } from './human-text.js';
import type { JumpList } from './jumplist.js';
import type { JumpFeed } from './pair-analysis.js';
import { mergePairShards, type PairShard } from './pair-merge.js';
import { jumpsIn, pairEdgeUs, pairsOf, type FamilyPart, type JumpRecord, type PairFeedState, type PairList } from './pair-state.js';
import { CHANCE_SHIFTS } from './chance.js';
import type { TimeRange } from './parts.js';
import type { Span } from './types.js';

/** The width m of the jump records at each end: pair's (the detector's window, the pairing window, the chance shifts), or the second of jumps_1s. */
export function datasetEdgeUs(p: { readonly windowUs: number; readonly pairWindowUs: number }, f: FeatureParams, nullStepUs: number): number {
  return Math.max(pairEdgeUs(p, nullStepUs), featureLookBack(f).triggersUs);
}

/** h: the quote history a row at t reads, back to the quote as of t − h. */
export function featureHistoryUs(f: FeatureParams): number {
  const l = featureLookBack(f);
  return Math.max(l.quotesUs, l.tradesUs);
}

/** What a state keeps of its two ends: the jumps within m, and the pairs with a leader within D before each end. */
export interface DatasetEnds {
  /** Spot (a) and perp (b) jumps of the feed in [S − m, S + m) and [E − m, E + m) (none at an infinite end). */
  readonly jumps: { readonly left: { a: JumpRecord; b: JumpRecord }; readonly right: { a: JumpRecord; b: JumpRecord } };
  /** The pairing of the data read (null when the markets do not overlap in it): its span and its pairs [tA, tB] with a leader in [S − D, S) and in [E − D, E). */
  readonly pairs: { readonly span: [number, number]; readonly left: PairList; readonly right: PairList } | null;
}

/** The end records of one state. `ds`: the span of the data read. O(jumps). */
export function datasetEnds(spot: JumpList, perp: JumpList, ds: Span | undefined, owned: TimeRange, edgeUs: number, pairWindowUs: number): DatasetEnds {
  const end = (t: number) => (Number.isFinite(t) ? { a: jumpsIn(spot, t - edgeUs, t + edgeUs), b: jumpsIn(perp, t - edgeUs, t + edgeUs) } : { a: { t: [], s: [] }, b: { t: [], s: [] } });
  const pairsBefore = (all: PairList, t: number) => {
    const out: PairList = [];
    for (let k = 0; k < all.length; k += 2) {
      const leader = Math.min(all[k]!, all[k + 1]!);
      if (leader >= t - pairWindowUs && leader < t) out.push(all[k]!, all[k + 1]!);
    }
    return out;
  };
  let pairs: DatasetEnds['pairs'] = null;
  if (ds !== undefined && ds.start <= ds.end) {
    const all = pairsOf(spot, perp, ds, pairWindowUs);
    pairs = { span: [ds.start, ds.end], left: pairsBefore(all, owned.start), right: pairsBefore(all, owned.end) };
  }
  return { jumps: { left: end(owned.start), right: end(owned.end) }, pairs };
}

/** A row of a state's body: [t, label, feature…]; a feature that is not a finite number or is −0 is a string or null (JSON has neither). */
export type EncodedRow = (number | string | null)[];

/** The rows of a data set as JSON-safe arrays that read back to the same doubles (NaN → null, ±Infinity and −0 → strings). O(rows · features). */
export function encodeRows(d: Dataset): EncodedRow[] {
  const f = d.names.length;
  const out: EncodedRow[] = [];
  for (let i = 0; i < d.labels.length; i++) {
    const row: EncodedRow = [d.t[i]!, d.labels[i]!];
    for (let c = 0; c < f; c++) row.push(encodeNumber(d.X[i * f + c]!));
    out.push(row);
  }
  return out;
}

function encodeNumber(x: number): number | string | null {
  if (Number.isNaN(x)) return null;
  if (!Number.isFinite(x) || Object.is(x, -0)) return String(Object.is(x, -0) ? '-0' : x);
  return x;
}

/**
 * The data set of encoded rows (the inverse of encodeRows).
 * @throws DataError naming `file` when a row is not [t, 0 or 1, one value per feature].
 */
export function decodeRows(names: readonly string[], rows: readonly EncodedRow[], file: string): Dataset {
  const f = names.length;
  const t = new Float64Array(rows.length);
  const labels = new Uint8Array(rows.length);
  const X = new Float64Array(rows.length * f);
  rows.forEach((row, i) => {
    const [time, label] = row;
    if (!Array.isArray(row) || row.length !== f + 2 || typeof time !== 'number' || (label !== 0 && label !== 1)) {
      throw new DataError(file, 2, `row ${i} of the state is not [t, label, ${f} features]`);
    }
    t[i] = time;
    labels[i] = label;
    for (let c = 0; c < f; c++) X[i * f + c] = decodeNumber(row[c + 2]!);
  });
  return { names, t, labels, X };
}

function decodeNumber(x: number | string | null): number {
  return x === null ? NaN : Number(x);
}

/**
 * A state's pairings with the chance shifts (pair's family, §10): per shift (shift 0 first, then
 * the 20 of familyShifts), the pairs with a leader in its range, and those with a leader within
 * D before each end (a cut's check). Absent from states written before the labels' chance pairs.
 */
export interface DatasetChance {
  readonly step_us: number;
  readonly paired: number[];
  readonly left: PairList[];
  readonly right: PairList[];
}

/** A state's DatasetChance of its pairing family; null without an overlap in the data read. */
export function datasetChance(family: FamilyPart | null, stepUs: number): DatasetChance | null {
  return family === null ? null : { step_us: stepUs, paired: [...family.paired], left: family.left, right: family.right };
}

/** What the merge needs of one state. */
export interface DatasetShard {
  /** The state's file, for messages. */
  readonly name: string;
  readonly owned: TimeRange;
  readonly edgeUs: number;
  readonly windowUs: number;
  readonly pairWindowUs: number;
  /** The span of the data it read. */
  readonly dataSpan: Span | null;
  /** Spot (a) and perp (b): first and last tick read (null: none). */
  readonly seen: { readonly a: { first: number; last: number } | null; readonly b: { first: number; last: number } | null };
  /** Spot (a) and perp (b): the last tick read at or before E − h, the next range's quote history (null: none). */
  readonly historyEnd: { readonly a: number | null; readonly b: number | null };
  readonly ends: DatasetEnds;
  /** Its pairings with the chance shifts; null when its markets do not overlap, undefined when it predates them. */
  readonly chance: DatasetChance | null | undefined;
  /** Its rows: the triggers in its range, in time order. */
  readonly rows: Dataset;
}

/**
 * Merges classify states (any order) into the data set of one run over all their ranges and
 * that run's span. `perpHistory`: the features read the perp's quotes too (the extended set).
 * `allowGaps` accepts missing ranges: the rows are then those of the ranges given.
 * @throws DataError naming the states for overlapping or (without allowGaps) missing ranges,
 *   spans that do not fit, cuts where the neighbours' jumps or pairs disagree (pair's checks),
 *   and cuts where the right state did not read the quote history its first rows need.
 */
export function mergeDatasetShards(input: readonly DatasetShard[], feed: JumpFeed, perpHistory: boolean, allowGaps: boolean): { dataset: Dataset; span: Span; pairedPerShift: number[] | undefined } {
  const shards = [...input].sort((x, y) => x.owned.start - y.owned.start);
  // The chance shifts' pairings are merged (and checked at each cut) only when every state has them.
  const withChance = shards.every((s) => s.chance !== undefined);
  const merged = mergePairShards(shards.map((s) => pairShardOf(s, feed, withChance)), [feed], Infinity, allowGaps);
  const span = merged.span;
  const markets: ['a' | 'b', string][] = perpHistory ? [['a', 'spot'], ['b', 'perp']] : [['a', 'spot']];
  for (const [m, name] of markets) {
    // The history a state's first rows need is the last tick before its cut by the look-back,
    // read by the latest state that read one: states that read nothing (hours past the data's
    // end, a quiet stretch) pass it on. A state without rows needs none (an hourly plan's
    // states past the data's end were refused, where one run and pair's merge agree).
    let carried: { readonly end: number; readonly from: DatasetShard } | null = null;
    for (let i = 0; i + 1 < shards.length; i++) {
      const [l, r] = [shards[i]!, shards[i + 1]!];
      if (l.owned.end !== r.owned.start) {
        carried = null;
        continue;
      }
      const own = l.historyEnd[m];
      if (own !== null) carried = { end: own, from: l };
      if (r.rows.labels.length > 0 && carried !== null) checkHistory(carried.from, carried.end, l.owned.end, r, m, name);
    }
  }
  return { dataset: concatRows(shards.map((s) => s.rows)), span, pairedPerShift: withChance ? merged.feeds[feed]!.paired : undefined };
}

/**
 * A state's end records as the pair merge reads them: one feed, no cells; the real pairing only
 * (reaching D past a cut), or with `chance` its whole family (reaching D + 10·step, as pair's).
 */
function pairShardOf(s: DatasetShard, feed: JumpFeed, chance: boolean): PairShard {
  const p = s.ends.pairs;
  const c = chance ? s.chance : null;
  const none = { delaysAB: [], leadersAB: [], delaysBA: [], leadersBA: [] };
  const oo = p === null ? null : c ? { span: p.span, paired: c.paired, left: c.left, right: c.right, ...none } : { span: p.span, paired: [0], left: [p.left], right: [p.right], ...none };
  const state: PairFeedState = { cells: [], jumps: s.ends.jumps, variants: { oo } };
  const reachUs = s.pairWindowUs + (c ? CHANCE_SHIFTS * c.step_us : 0);
  return { name: s.name, owned: s.owned, edgeUs: s.edgeUs, windowUs: s.windowUs, pairWindowUs: s.pairWindowUs, reachUs, dataSpan: s.dataSpan, seen: s.seen, feeds: { [feed]: state } };
}

/**
 * The right state's first rows read the market's quote as of S − h (S the `cut`): the last tick
 * at or before it, at `end`, read by `l` (the latest state before the cut that read one), must be
 * one the right state read. Where no state before the cut read one, the data holds none.
 */
function checkHistory(l: DatasetShard, end: number, cut: number, r: DatasetShard, m: 'a' | 'b', name: string): void {
  const first = r.seen[m]?.first ?? Infinity;
  if (first > end) {
    throw new DataError(`${l.name} and ${r.name}`, undefined, `at the cut ${isoMicros(cut)} the right state did not read the ${name} quote at ${isoMicros(end)}, the last before the cut by the features' look-back: the ${name} market is quiet for longer than the read margin there; cut elsewhere`);
  }
}

/** Data sets in time order, one after the other. O(rows · features). */
function concatRows(parts: readonly Dataset[]): Dataset {
  const names = parts[0]!.names;
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const t = new Float64Array(n);
  const labels = new Uint8Array(n);
  const X = new Float64Array(n * names.length);
  let at = 0;
  for (const p of parts) {
    t.set(p.t, at);
    labels.set(p.labels, at);
    X.set(p.X, at * names.length);
    at += p.labels.length;
  }
  return { names, t, labels, X };
}

/**
 * The exact merge of `pair` states (docs/definitions.md §11, docs/scale.md): the parts of
 * runs that own disjoint, adjacent ranges add up to one run over all of them, provided the
 * runs' decisions near each cut agree. Every check that fails is a DataError naming the states;
 * the merge never returns an approximation.
 */
import { DataError } from '../errors.js';
import { duration, isoMicros } from './human-text.js';
import { CellParts, type TimeRange } from './parts.js';
import { PAIR_COUNTS, type PairCounts } from './pair-parts.js';
import type { JumpFeed } from './pair-analysis.js';
import { openPairing, refillCellDelays, type FamilyPart, type JumpRecord, type PairFeedState, type PairList } from './pair-state.js';
import type { Span } from './types.js';

/** First and last tick time (µs) a run read of one market; null when it read none. */
export type Seen = { readonly first: number; readonly last: number } | null;

/** What the merge needs of one state. */
export interface PairShard {
  /** The state's file, for messages. */
  readonly name: string;
  readonly owned: TimeRange;
  /** The width m of its end records (µs). */
  readonly edgeUs: number;
  /** The detector's window W (µs). */
  readonly windowUs: number;
  readonly pairWindowUs: number;
  /** How far its pairings reach past its range (µs): m − W for pair (D + 10·step, the shifted copies); D for classify, whose end records are wider for jumps_1s. */
  readonly reachUs?: number;
  /** The span of the data it read; null when its markets did not overlap. */
  readonly dataSpan: Span | null;
  readonly seen: { readonly a: Seen; readonly b: Seen };
  readonly feeds: Partial<Record<JumpFeed, PairFeedState>>;
}

/** One feed merged: Table 1's parts by cell and the pairing family over the whole span. */
export interface MergedFeed {
  readonly cells: CellParts<PairCounts>;
  /** Per shift (shift 0 first, then the chance shifts): pairs over the span. */
  readonly paired: number[];
  readonly delaysAB: Float64Array;
  readonly leadersAB: Float64Array;
  readonly delaysBA: Float64Array;
  readonly leadersBA: Float64Array;
}

export interface MergedPair {
  /** The analysis span: the data's span cut to [first start, last end). */
  readonly span: Span;
  /** [first state's start, last state's end). */
  readonly range: TimeRange;
  readonly feeds: Partial<Record<JumpFeed, MergedFeed>>;
}

/**
 * Merges pair states (any order). `allowGaps` accepts missing ranges between states: the cut
 * checks then apply only between adjacent states, and the result counts the owned ranges.
 * @throws DataError for overlapping or (without allowGaps) missing ranges, spans that do not
 *   fit together, and cuts where the neighbours' jumps or pairs disagree.
 */
export function mergePairShards(input: readonly PairShard[], feeds: readonly JumpFeed[], cellUs: number, allowGaps: boolean): MergedPair {
  const shards = [...input].sort((x, y) => x.owned.start - y.owned.start);
  const adjacent = checkRanges(shards, allowGaps);
  const first = shards[0]!;
  const last = shards[shards.length - 1]!;
  const range = { start: first.owned.start, end: last.owned.end };
  const ds = globalDataSpan(shards);
  const span = { start: Math.max(ds.start, range.start), end: Math.min(ds.end, range.end - 1) };
  if (!(span.start <= span.end)) throw new DataError(names(shards), undefined, 'the two markets do not overlap in time within the states\' ranges');
  // One run pairs over the span of all the data it read, chance pairs included (§11): every state's open span.
  shards.forEach((s) => checkSpans(s, ds, span));
  for (let i = 0; i + 1 < shards.length; i++) {
    if (!adjacent[i] || afterTheData(shards.slice(i + 1))) continue;
    for (const feed of feeds) checkCut(shards[i]!, shards[i + 1]!, feed);
  }
  const out: Partial<Record<JumpFeed, MergedFeed>> = {};
  for (const feed of feeds) out[feed] = mergeFeed(shards, feed, cellUs, range);
  return { span, range, feeds: out };
}

/**
 * True when the states after a cut read no tick of one market at all: they read from the cut
 * minus their margin on, so that market's last tick lies before it, the one run's span ends
 * there, and nothing after the cut can change a decision the earlier states made (a state for a
 * range past the end of the data, e.g. the last hours of a planned day with no data).
 */
function afterTheData(later: readonly PairShard[]): boolean {
  return (['a', 'b'] as const).some((x) => later.every((s) => s.seen[x] == null));
}

/** Sorted states: overlap is refused; a gap is refused unless allowed. Returns, per neighbour pair, whether they touch. */
function checkRanges(shards: readonly PairShard[], allowGaps: boolean): boolean[] {
  const adjacent: boolean[] = [];
  for (let i = 0; i + 1 < shards.length; i++) {
    const l = shards[i]!;
    const r = shards[i + 1]!;
    if (l.owned.end > r.owned.start) {
      throw new DataError(`${l.name} and ${r.name}`, undefined, `the states' ranges overlap (${rangeText(l.owned)} and ${rangeText(r.owned)}); each time must be owned by one state`);
    }
    if (l.owned.end < r.owned.start && !allowGaps) {
      throw new DataError(`${l.name} and ${r.name}`, undefined, `no state owns ${rangeText({ start: l.owned.end, end: r.owned.start })} between them; pass its state, or --allow-gaps to merge the ranges given`);
    }
    adjacent.push(l.owned.end === r.owned.start);
  }
  return adjacent;
}

/** The span (§1) of all the data the states read: from the latest market's first tick to the earliest market's last. */
function globalDataSpan(shards: readonly PairShard[]): Span {
  const lo = (m: 'a' | 'b') => Math.min(...shards.map((s) => s.seen[m]?.first ?? Infinity));
  const hi = (m: 'a' | 'b') => Math.max(...shards.map((s) => s.seen[m]?.last ?? -Infinity));
  return { start: Math.max(lo('a'), lo('b')), end: Math.min(hi('a'), hi('b')) };
}

/**
 * A state computed its pairings over the span of the data it read. That equals the whole run's where it matters: an end is either the whole
 * run's end, or far enough from the state's range that no pairing near it depends on it.
 */
function checkSpans(s: PairShard, ds: Span, span: Span): void {
  const ownedHasSpan = span.start < s.owned.end && span.end >= s.owned.start;
  if (s.dataSpan === null) {
    if (ownedHasSpan) throw new DataError(s.name, undefined, `its two markets do not overlap in the data it read, yet the whole span ${spanText(span)} meets its range ${rangeText(s.owned)}; its input files are not those of its neighbours`);
    return;
  }
  const d = s.dataSpan;
  // The pairings near the range need every jump from S − D − 10·step on (the sources of the
  // shifted copies) and up to E + D + 10·step: m − W on either side. A later start is harmless
  // when it is B's first tick read (no source of a copy is missed) and before S − D (the pairs
  // with a leader near S are then in the span, and the cut's check compares them).
  const reach = s.reachUs ?? s.edgeUs - s.windowUs;
  const leftOk = (own: number, whole: number) => own === whole || own <= s.owned.start - reach || (own <= s.owned.start - s.pairWindowUs && own === s.seen.b?.first);
  const rightOk = (own: number, whole: number) => own === whole || own >= s.owned.end + reach;
  const problems: string[] = [];
  // Where the end lies: inside the range it owns (both markets quiet up to the margin's end), or in the margin.
  const where = (t: number) => (t > s.owned.start && t < s.owned.end ? `inside the range it owns (${rangeText(s.owned)})` : 'inside its margin');
  if (!leftOk(d.start, ds.start)) problems.push(`its data starts at ${instant(d.start)}, ${where(d.start)}, where the states together start at ${instant(ds.start)}`);
  if (!rightOk(d.end, ds.end)) problems.push(`its data ends at ${instant(d.end)}, ${where(d.end)}, where the states together end at ${instant(ds.end)}`);
  if (problems.length > 0) {
    throw new DataError(s.name, undefined, `${problems.join('; ')}: either a market is quiet there for longer than the pairings reach across a cut (${reach / 1e6} s), which the cut cannot bridge (cut where both markets trade: plan --offset moves a plan's cuts), or the states did not read the same data (pass every state of one run, made from the same files)`);
  }
}

/**
 * The cut S between two adjacent states: the two runs' jumps must agree on [c, S) with
 * c = max(S − m, the right run's first tick of the market), and the right run must hold a tick
 * of each market at or before S − W (unless the left run read none earlier either), so that
 * every window after the cut is one both runs have read (docs/scale.md); then their pairs with
 * a leader in [S − D, S) must be the same for every pairing.
 */
function checkCut(l: PairShard, r: PairShard, feed: JumpFeed): void {
  const cut = l.owned.end;
  const m = l.edgeUs;
  const w = l.windowUs;
  const at = `at the cut ${instant(cut)} (${feed} feed)`;
  const both = `${l.name} and ${r.name}`;
  const from = { a: cut - m, b: cut - m };
  for (const x of ['a', 'b'] as const) {
    const rf = r.seen[x]?.first ?? Infinity;
    const lf = l.seen[x]?.first ?? Infinity;
    if (rf > cut - w && lf < rf) throw new DataError(both, undefined, `${at}: the right run's first tick of market ${x.toUpperCase()} is after S − W (${instant(cut - w)}), so its detector has not settled; read more history (a wider margin) or cut elsewhere`);
    // Before its first tick the right run read nothing of this market, and neither did the left run within the margin.
    from[x] = Math.max(cut - m, Math.min(rf, cut));
  }
  const lf = l.feeds[feed];
  const rf = r.feeds[feed];
  if (lf === undefined || rf === undefined) throw new DataError(both, undefined, `one state holds no ${feed} feed`);
  for (const x of ['a', 'b'] as const) {
    const lj = clip(lf.jumps.right[x], from[x], cut);
    const rj = clip(rf.jumps.left[x], from[x], cut);
    if (!sameJumps(lj, rj)) {
      throw new DataError(both, undefined, `${at}: the jumps of market ${x.toUpperCase()} in the ${duration(cut - from[x])} before the cut disagree (${lj.t.length} vs ${rj.t.length} jumps, first difference at ${instant(firstDifference(lj, rj))}): the right run's detector had not settled; cut elsewhere`);
    }
  }
  const lp = openPairing(lf);
  const rp = openPairing(rf);
  const n = Math.max(lp?.left.length ?? 0, rp?.left.length ?? 0);
  for (let i = 0; i < n; i++) {
    const a = lp?.right[i] ?? [];
    const b = rp?.left[i] ?? [];
    if (!samePairs(a, b)) {
      const which = i === 0 ? 'pairs' : `chance pairs (shift ${i})`;
      throw new DataError(both, undefined, `${at}: the ${which} of the data read with a leader in the ${duration(l.pairWindowUs)} before the cut disagree (${a.length / 2} vs ${b.length / 2}): greedy pairing carried a different claim across the cut; cut elsewhere`);
    }
  }
}

function mergeFeed(shards: readonly PairShard[], feed: JumpFeed, cellUs: number, range: TimeRange): MergedFeed {
  const cells = new CellParts(PAIR_COUNTS, cellUs, range);
  const paired: number[] = [];
  const delaysAB: number[] = [];
  const leadersAB: number[] = [];
  const delaysBA: number[] = [];
  const leadersBA: number[] = [];
  shards.forEach((s) => {
    const f = s.feeds[feed];
    if (f === undefined) throw new DataError(s.name, undefined, `the state holds no ${feed} feed`);
    for (const c of refillCellDelays(f, cellUs)) cells.absorb(c.key, c.part);
    const d: FamilyPart | null = openPairing(f);
    if (d === null) return;
    d.paired.forEach((n, k) => (paired[k] = (paired[k] ?? 0) + n));
    // States come in time order and their leaders lie in their own ranges: concatenation keeps leader order.
    delaysAB.push(...d.delaysAB);
    leadersAB.push(...d.leadersAB);
    delaysBA.push(...d.delaysBA);
    leadersBA.push(...d.leadersBA);
  });
  return { cells, paired, delaysAB: Float64Array.from(delaysAB), leadersAB: Float64Array.from(leadersAB), delaysBA: Float64Array.from(delaysBA), leadersBA: Float64Array.from(leadersBA) };
}

function clip(j: JumpRecord, from: number, to: number): JumpRecord {
  const t: number[] = [];
  const s: number[] = [];
  j.t.forEach((x, i) => {
    if (x >= from && x < to) {
      t.push(x);
      s.push(j.s[i]!);
    }
  });
  return { t, s };
}

function sameJumps(x: JumpRecord, y: JumpRecord): boolean {
  return x.t.length === y.t.length && x.t.every((t, i) => t === y.t[i] && x.s[i] === y.s[i]);
}

function samePairs(x: PairList, y: PairList): boolean {
  if (x.length !== y.length) return false;
  // The same pairs, whatever order each walk listed them in.
  const key = (p: PairList) => {
    const out: string[] = [];
    for (let i = 0; i < p.length; i += 2) out.push(`${p[i]},${p[i + 1]}`);
    return out.sort().join(';');
  };
  return key(x) === key(y);
}

/** The time of the first jump the two lists do not share (a jump that differs only in sign counts). */
function firstDifference(x: JumpRecord, y: JumpRecord): number {
  for (let i = 0; i < Math.max(x.t.length, y.t.length); i++) {
    if (x.t[i] !== y.t[i] || x.s[i] !== y.s[i]) return Math.min(x.t[i] ?? Infinity, y.t[i] ?? Infinity);
  }
  return NaN;
}

/** An instant for a message; an open end of a range (±Infinity) is "…". */
function instant(us: number): string {
  return Number.isFinite(us) ? isoMicros(us) : '…';
}

/** A half-open owned range [S, E). */
function rangeText(r: TimeRange): string {
  return `[${instant(r.start)}, ${instant(r.end)})`;
}

/** A span (§1), which includes its end. */
function spanText(s: Span): string {
  return `[${instant(s.start)}, ${instant(s.end)}]`;
}

function names(shards: readonly PairShard[]): string {
  return shards.map((s) => s.name).join(', ');
}

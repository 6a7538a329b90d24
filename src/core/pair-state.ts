/**
 * `pair` as a partial state for an owned range [S, E) and the exact merge of such states
 * (docs/definitions.md §11, docs/scale.md). Pure: no I/O; the file format lives in
 * src/io/state-file.ts.
 *
 * What crosses a cut, and how a merge proves it agrees:
 * - Detection (§2): a run reads from S − M and starts fresh there. Two detectors over the same
 *   ticks that agree on the jumps over an interval of length ≥ W, both past their first tick,
 *   decide alike afterwards (with no jump in the last W both use lo = k; with a shared last
 *   jump, L is equal). Each state keeps its jumps in [S − m, S + m) and [E − m, E + m); the
 *   merge compares the left run's and the right run's jumps over [S − m, S), m ≥ W.
 * - Greedy pairing (§3): a decision at time t depends only on earlier decisions, and a leader
 *   before S − D claims nothing at or after S. So if both runs hold the same pairs with a leader
 *   in [S − D, S) (and the same jumps from S − D on), every pair with a leader at or after S is
 *   the same. Each state keeps those pairs at both ends, for every pairing it reports.
 * - Chance pairs (§10) pair A with B shifted by up to ±10·step, so the jumps must agree from
 *   S − D − 10·step on: m = 10·step + D + W, and the margin read is wider than m.
 * - The span (§1): one run pairs, chance pairs included, over the span of all the data it read;
 *   a state pairs over the span of the data it read, and the merge checks that each state's
 *   span ends are the whole run's or far enough from its range not to change its pairs.
 */
import { CHANCE_SHIFTS, shiftedInSpan } from './chance.js';
import type { JumpList } from './jumplist.js';
import type { CellParts, TimeRange } from './parts.js';
import { pairSortedJumps, Role } from './pairing.js';
import type { PairCounts } from './pair-parts.js';
import type { Span } from './types.js';

/** The pairings of one span: shift 0 (the real pairs), then the 20 chance shifts in the order of chancePairs. */
export function familyShifts(stepUs: number): number[] {
  const out = [0];
  for (let i = 0; i < CHANCE_SHIFTS; i++) out.push(-(CHANCE_SHIFTS - i) * stepUs);
  for (let i = 0; i < CHANCE_SHIFTS; i++) out.push((i + 1) * stepUs);
  return out;
}

/** Pairs as flat [tA, tB, tA, tB, …] in the order the walk made them. */
export type PairList = number[];

/** The pairings of one span (shift 0 and the chance shifts), cut to the owned range. */
export interface FamilyPart {
  /** The span paired, inclusive. */
  readonly span: readonly [number, number];
  /** Per shift: pairs whose leader lies in [S, E). */
  readonly paired: number[];
  /** Per shift: pairs whose leader lies in [S − D, S) and in [E − D, E). */
  readonly left: PairList[];
  readonly right: PairList[];
  /** Shift 0: delays (µs) and leader times of the pairs A leads / B leads with leader in [S, E), in leader order. */
  readonly delaysAB: number[];
  readonly leadersAB: number[];
  readonly delaysBA: number[];
  readonly leadersBA: number[];
}

/**
 * Every pairing of one span cut to the owned range. Cost: 21 pairings, O(21·(n_A + n_B)).
 */
export function familyPart(a: JumpList, b: JumpList, span: Span, pairWindowUs: number, stepUs: number, owned: TimeRange): FamilyPart {
  const out: FamilyPart = { span: [span.start, span.end], paired: [], left: [], right: [], delaysAB: [], leadersAB: [], delaysBA: [], leadersBA: [] };
  const inOwned = (t: number) => t >= owned.start && t < owned.end;
  const inLeft = (t: number) => t >= owned.start - pairWindowUs && t < owned.start;
  const inRight = (t: number) => t >= owned.end - pairWindowUs && t < owned.end;
  familyShifts(stepUs).forEach((shift, i) => {
    const bs = shift === 0 ? b : shiftedInSpan(b, span, shift);
    const pairs = pairsOf(a, bs, span, pairWindowUs);
    let n = 0;
    const left: PairList = [];
    const right: PairList = [];
    for (let k = 0; k < pairs.length; k += 2) {
      const tA = pairs[k]!;
      const tB = pairs[k + 1]!;
      const leader = Math.min(tA, tB);
      if (inOwned(leader)) {
        n++;
        if (i === 0 && tA < tB) {
          out.delaysAB.push(tB - tA);
          out.leadersAB.push(tA);
        } else if (i === 0 && tB < tA) {
          out.delaysBA.push(tA - tB);
          out.leadersBA.push(tB);
        }
      }
      if (inLeft(leader)) left.push(tA, tB);
      if (inRight(leader)) right.push(tA, tB);
    }
    out.paired.push(n);
    out.left.push(left);
    out.right.push(right);
  });
  return out;
}

/**
 * The pairs of a pairing as [tA, tB] (pairSortedJumps): A's leads and simultaneous pairs in A's
 * time order, then B's leads in B's, so each direction's delays keep the order pairStats gives them.
 */
export function pairsOf(a: JumpList, b: JumpList, span: Span, pairWindowUs: number): PairList {
  const r = pairSortedJumps(a, b, span, pairWindowUs);
  const out: PairList = [];
  for (let k = 0, d = 0; k < r.roleA.length; k++) {
    const role = r.roleA[k]!;
    const t = a.timeAt(r.aStart + k);
    if (role === Role.leads) out.push(t, t + r.delaysAB[d++]!);
    else if (role === Role.simultaneous) out.push(t, t);
  }
  for (let k = 0, d = 0; k < r.roleB.length; k++) {
    if (r.roleB[k] !== Role.leads) continue;
    const t = b.timeAt(r.bStart + k);
    out.push(t + r.delaysBA[d++]!, t);
  }
  return out;
}

/** Jumps as [times, signs]. */
export interface JumpRecord {
  readonly t: number[];
  readonly s: number[];
}

/** The jumps of `list` in [from, to). */
export function jumpsIn(list: JumpList, from: number, to: number): JumpRecord {
  const t: number[] = [];
  const s: number[] = [];
  const times = list.times();
  const signs = list.signs();
  for (let i = 0; i < times.length; i++) {
    if (times[i]! >= from && times[i]! < to) {
      t.push(times[i]!);
      s.push(signs[i]!);
    }
  }
  return { t, s };
}

/** One feed of a pair state. */
export interface PairFeedState {
  /** Table 1's parts by cell key (the open pairing over the data read). */
  readonly cells: ReadonlyArray<{ readonly key: number; readonly part: PairCounts }>;
  /** Jumps of each market in [S − m, S + m) and [E − m, E + m) (none at an infinite end). */
  readonly jumps: { readonly left: { a: JumpRecord; b: JumpRecord }; readonly right: { a: JumpRecord; b: JumpRecord } };
  /**
   * The pairings of the span of the data read (`oo`, null when the markets do not overlap in it).
   * Format version 1 also has the members `co`, `oc`, `cc`, always null: reserved, read and ignored.
   */
  readonly variants: { readonly oo: FamilyPart | null; readonly co?: null; readonly oc?: null; readonly cc?: null };
}

/** The width m of the records at each end: W + D + 10·step (docs/scale.md). */
export function pairEdgeUs(p: { windowUs: number; pairWindowUs: number }, nullStepUs: number): number {
  return p.windowUs + p.pairWindowUs + CHANCE_SHIFTS * nullStepUs;
}

/**
 * One feed's state: the cells of the open pairing, the jumps near both ends and the pairing
 * family of the span of the data read. `ds` is the span of the data read (undefined when the markets
 * do not overlap in it).
 */
export function pairFeedState(a: JumpList, b: JumpList, cells: CellParts<PairCounts> | undefined, ds: Span | undefined, owned: TimeRange, edgeUs: number, pairWindowUs: number, stepUs: number): PairFeedState {
  const end = (t: number) => (Number.isFinite(t) ? { a: jumpsIn(a, t - edgeUs, t + edgeUs), b: jumpsIn(b, t - edgeUs, t + edgeUs) } : { a: { t: [], s: [] }, b: { t: [], s: [] } });
  // One run pairs over the span of the data it read (chance pairs too).
  const open = ds === undefined || !(ds.start <= ds.end) ? null : familyPart(a, b, ds, pairWindowUs, stepUs, owned);
  return {
    // A cell's delays are the open pairing's, filed by leader: the merge refills them from there.
    cells: cells === undefined ? [] : cells.cells().map(({ key, part }) => ({ key, part: { ...part, delaysAB: [], delaysBA: [] } })),
    jumps: { left: end(owned.start), right: end(owned.end) },
    variants: { oo: open, co: null, oc: null, cc: null },
  };
}

/** Puts the open pairing's delays back into the cells of their leaders (the state stores them once). */
export function refillCellDelays(f: PairFeedState, cellUs: number): ReadonlyArray<{ readonly key: number; readonly part: PairCounts }> {
  const open = openPairing(f);
  const byKey = new Map(f.cells.map((c) => [c.key, { ...c.part, delaysAB: [] as number[], delaysBA: [] as number[] }]));
  if (open !== null) {
    const keyOf = (t: number) => (Number.isFinite(cellUs) ? Math.floor(t / cellUs) : 0);
    open.leadersAB.forEach((t, i) => byKey.get(keyOf(t))?.delaysAB.push(open.delaysAB[i]!));
    open.leadersBA.forEach((t, i) => byKey.get(keyOf(t))?.delaysBA.push(open.delaysBA[i]!));
  }
  return f.cells.map((c) => ({ key: c.key, part: byKey.get(c.key)! }));
}

/** The pairings of the data read (a version-1 state's reserved closed-span members are ignored). */
export function openPairing(f: PairFeedState): FamilyPart | null {
  const x = f.variants.oo;
  return x === undefined || typeof x !== 'object' ? null : x;
}

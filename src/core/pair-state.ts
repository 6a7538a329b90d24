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
 * - The span (§1): a shard does not know the global [T_start, T_end]. The delays and chance
 *   pairs of one run are computed over the span cut to the range, so a state computes them for
 *   each way its ends may lie: open (the data it read) or closed at S and/or E − 1 (the first or
 *   the last state). The merge picks the variant by the state's place and checks the spans.
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
  /**
   * Set when the delays and leaders above leave out the leaders in [from, to): there they are
   * the open variant's (checked when the state was written), so a state holds each pair's delay
   * about once however many variants it keeps.
   */
  partial?: { readonly from: number; readonly to: number };
}

/** Which ends of a state's span are closed at its range: open-open, closed-open, open-closed, closed-closed. */
export type Variant = 'oo' | 'co' | 'oc' | 'cc';
export const VARIANTS: readonly Variant[] = ['oo', 'co', 'oc', 'cc'];

/** The span of variant v for a state owning [S, E) whose data span is `ds`; undefined when empty. */
export function variantSpan(v: Variant, ds: Span, owned: TimeRange): Span | undefined {
  const start = v[0] === 'c' ? Math.max(owned.start, ds.start) : ds.start;
  const end = v[1] === 'c' ? Math.min(owned.end - 1, ds.end) : ds.end;
  return start <= end ? { start, end } : undefined;
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
function pairsOf(a: JumpList, b: JumpList, span: Span, pairWindowUs: number): PairList {
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
  /** The pairings of each variant's span; a string names the variant with the same span; null when the span is empty. */
  readonly variants: Readonly<Record<Variant, FamilyPart | Variant | null>>;
}

/** The width m of the records at each end: W + D + 10·step (docs/scale.md). */
export function pairEdgeUs(p: { windowUs: number; pairWindowUs: number }, nullStepUs: number): number {
  return p.windowUs + p.pairWindowUs + CHANCE_SHIFTS * nullStepUs;
}

/**
 * One feed's state: the cells of the open pairing, the jumps near both ends and the pairing
 * family of every variant span. `ds` is the span of the data read (undefined when the markets
 * do not overlap in it).
 */
export function pairFeedState(a: JumpList, b: JumpList, cells: CellParts<PairCounts> | undefined, ds: Span | undefined, owned: TimeRange, edgeUs: number, pairWindowUs: number, stepUs: number): PairFeedState {
  const end = (t: number) => (Number.isFinite(t) ? { a: jumpsIn(a, t - edgeUs, t + edgeUs), b: jumpsIn(b, t - edgeUs, t + edgeUs) } : { a: { t: [], s: [] }, b: { t: [], s: [] } });
  const variants = {} as Record<Variant, FamilyPart | Variant | null>;
  const seen: { v: Variant; span: Span }[] = [];
  let open: FamilyPart | undefined;
  for (const v of VARIANTS) {
    // One run pairs over the span of the data it read (chance pairs too): the open variant is the one used.
    const span = ds === undefined || v !== 'oo' ? undefined : variantSpan(v, ds, owned);
    if (span === undefined) {
      variants[v] = null;
      continue;
    }
    const same = seen.find((x) => x.span.start === span.start && x.span.end === span.end);
    if (same !== undefined) variants[v] = same.v;
    else {
      const part = familyPart(a, b, span, pairWindowUs, stepUs, owned);
      if (v === 'oo') open = part;
      else if (open !== undefined) leaveOutMiddle(part, open, owned.start + edgeUs, owned.end - edgeUs);
      variants[v] = part;
      seen.push({ v, span });
    }
  }
  return {
    // A cell's delays are the open pairing's, filed by leader: the merge refills them from there.
    cells: cells === undefined ? [] : cells.cells().map(({ key, part }) => ({ key, part: { ...part, delaysAB: [], delaysBA: [] } })),
    jumps: { left: end(owned.start), right: end(owned.end) },
    variants,
  };
}

/**
 * Drops from `part` the delays whose leaders lie in [from, to) when they equal the open
 * variant's there (a closed end changes the pairs near it only, unless a chain of claims runs
 * through the whole range; then the part keeps every delay).
 */
function leaveOutMiddle(part: FamilyPart, open: FamilyPart, from: number, to: number): void {
  if (!(from < to)) return;
  const inside = (leaders: number[], delays: number[]) => leaders.flatMap((t, i) => (t >= from && t < to ? [t, delays[i]!] : []));
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (!same(inside(part.leadersAB, part.delaysAB), inside(open.leadersAB, open.delaysAB))) return;
  if (!same(inside(part.leadersBA, part.delaysBA), inside(open.leadersBA, open.delaysBA))) return;
  for (const [l, d] of [[part.leadersAB, part.delaysAB], [part.leadersBA, part.delaysBA]] as const) {
    const keep = l.map((t) => t < from || t >= to);
    const kl = l.filter((_, i) => keep[i]);
    const kd = d.filter((_, i) => keep[i]);
    l.splice(0, l.length, ...kl);
    d.splice(0, d.length, ...kd);
  }
  part.partial = { from, to };
}

/** A variant's delays and leaders in leader order, the middle taken from the open variant when left out. */
export function variantDelays(part: FamilyPart, open: FamilyPart | null): { delaysAB: number[]; leadersAB: number[]; delaysBA: number[]; leadersBA: number[] } {
  const p = part.partial;
  if (p === undefined || open === null) return part;
  const join = (l: number[], d: number[], ol: number[], od: number[]) => {
    const pick = (ls: number[], ds: number[], keep: (t: number) => boolean) => ls.flatMap((t, i) => (keep(t) ? [[t, ds[i]!] as const] : []));
    const rows = [...pick(l, d, (t) => t < p.from), ...pick(ol, od, (t) => t >= p.from && t < p.to), ...pick(l, d, (t) => t >= p.to)];
    return { leaders: rows.map((r) => r[0]), delays: rows.map((r) => r[1]) };
  };
  const ab = join(part.leadersAB, part.delaysAB, open.leadersAB, open.delaysAB);
  const ba = join(part.leadersBA, part.delaysBA, open.leadersBA, open.delaysBA);
  return { delaysAB: ab.delays, leadersAB: ab.leaders, delaysBA: ba.delays, leadersBA: ba.leaders };
}

/** Puts the open pairing's delays back into the cells of their leaders (the state stores them once). */
export function refillCellDelays(f: PairFeedState, cellUs: number): ReadonlyArray<{ readonly key: number; readonly part: PairCounts }> {
  const open = resolveVariant(f, 'oo');
  const byKey = new Map(f.cells.map((c) => [c.key, { ...c.part, delaysAB: [] as number[], delaysBA: [] as number[] }]));
  if (open !== null) {
    const keyOf = (t: number) => (Number.isFinite(cellUs) ? Math.floor(t / cellUs) : 0);
    open.leadersAB.forEach((t, i) => byKey.get(keyOf(t))?.delaysAB.push(open.delaysAB[i]!));
    open.leadersBA.forEach((t, i) => byKey.get(keyOf(t))?.delaysBA.push(open.delaysBA[i]!));
  }
  return f.cells.map((c) => ({ key: c.key, part: byKey.get(c.key)! }));
}

/** A variant's pairings, following a name to the variant with the same span. */
export function resolveVariant(f: PairFeedState, v: Variant): FamilyPart | null {
  let x = f.variants[v];
  for (let i = 0; i < 4 && typeof x === 'string'; i++) x = f.variants[x];
  return typeof x === 'string' ? null : x;
}

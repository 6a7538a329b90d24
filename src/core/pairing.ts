/**
 * Jump pairing across two markets (docs/definitions.md §3, Table 1).
 */
import type { JumpList } from './jumplist.js';
import type { Span } from './types.js';

/** Role of a jump after pairing. */
export const Role = {
  /** In no pair. */
  noise: 0,
  /** Earlier jump of a pair (leads the other market). */
  leads: 1,
  /** Later jump of a pair (follows the other market). */
  follows: 2,
  /** In a pair whose two jumps have the same time. */
  simultaneous: 3,
} as const;
export type RoleCode = (typeof Role)[keyof typeof Role];

/** Table 1 for markets A and B, plus per-pair delays and per-jump roles. */
export interface PairResult {
  /** Jumps of A / B inside the span. */
  readonly totalA: number;
  readonly totalB: number;
  /** Number of pairs. */
  readonly paired: number;
  /** Pairs whose earlier jump is in A / in B. */
  readonly aLeadsB: number;
  readonly bLeadsA: number;
  /** Pairs with equal times. */
  readonly simultaneous: number;
  /** Jumps of A / B in no pair, and their sum. */
  readonly noiseA: number;
  readonly noiseB: number;
  readonly noise: number;
  /** Delays t_B − t_A (µs, > 0) of the pairs where A leads, in the leaders' time order. */
  readonly delaysAB: Float64Array;
  /** Delays t_A − t_B (µs, > 0) of the pairs where B leads, in the leaders' time order. */
  readonly delaysBA: Float64Array;
  /** Index in `a` of the first jump inside the span; roleA[i] is the role of a jump aStart + i. */
  readonly aStart: number;
  /** Role codes (see `Role`) of A's jumps inside the span, in time order (length totalA). */
  readonly roleA: Int8Array;
  /** Index in `b` of the first jump inside the span. */
  readonly bStart: number;
  /** Role codes of B's jumps inside the span, in time order (length totalB). */
  readonly roleB: Int8Array;
}

/** First and last tick time (µs) of a market; NaN when it has no ticks. */
export interface TimeRange {
  readonly firstTime: number;
  readonly lastTime: number;
}

/**
 * The analysis span (docs/definitions.md §1): [max of the first times, min of the last times].
 * Undefined when the markets do not overlap (start > end) or either is empty.
 */
export function spanOf(a: TimeRange, b: TimeRange): Span | undefined {
  const start = Math.max(a.firstTime, b.firstTime);
  const end = Math.min(a.lastTime, b.lastTime);
  // NaN (an empty market) fails this comparison too.
  if (!(start <= end)) return undefined;
  return { start, end };
}

/** One market's in-span jumps while pairing. */
interface Side {
  readonly start: number;
  readonly t: Float64Array;
  readonly s: Int8Array;
  readonly role: Int8Array;
  /** Indices (into t) of the up jumps and of the down jumps, each in time order. */
  readonly bySign: readonly [up: Int32Array, down: Int32Array];
  /** Per sign: position in bySign before which every jump is walked past or already paired. */
  readonly free: [number, number];
}

/**
 * Pairs the jumps of A and B inside `span` (bounds inclusive) per docs/definitions.md §3: walk
 * them ordered by (time, A before B); each jump x not yet paired takes the
 * earliest unpaired jump y of the other market with the same sign and
 * t_x ≤ t_y ≤ t_x + D. x leads y when t_y > t_x; equal times are simultaneous.
 *
 * Precondition (checked, O(n)): each list's times strictly increase, as a
 * detector produces them. The inputs are not modified.
 *
 * Cost: O(n_A + n_B) time and memory. Why cursors suffice: a jump the walk has
 * passed is never a candidate again (it would need t_y ≥ t_x with y before x,
 * i.e. an A jump at the time of a B jump x, and that A jump, had it been
 * unpaired, would have taken x), and each pairing takes the earliest free jump
 * of its (market, sign), so per (market, sign) the jumps that are walked or
 * paired form a prefix. The tie rule (A before B) changes no count: at one time
 * there is at most one jump per market, and the two either pair with each other
 * (same sign) or draw on disjoint (market, sign) lists (opposite signs).
 *
 * @throws RangeError when a list is not strictly increasing in time or D is not
 *   a finite number ≥ 0.
 */
export function pairSortedJumps(a: JumpList, b: JumpList, span: Span, pairWindowUs: number): PairResult {
  if (!(pairWindowUs >= 0 && Number.isFinite(pairWindowUs))) {
    throw new RangeError(`pair window must be a finite number of µs >= 0, got ${pairWindowUs}`);
  }
  const A = sideOf(a, span, 'A');
  const B = sideOf(b, span, 'B');
  const nA = A.t.length;
  const nB = B.t.length;
  const delaysAB = new Float64Array(Math.min(nA, nB));
  const delaysBA = new Float64Array(Math.min(nA, nB));
  let aLeadsB = 0;
  let bLeadsA = 0;
  let simultaneous = 0;
  let ia = 0;
  let ib = 0;
  while (ia < nA || ib < nB) {
    if (ib >= nB || (ia < nA && A.t[ia]! <= B.t[ib]!)) {
      const x = ia++;
      if (A.role[x] !== Role.noise) continue;
      const y = takePartner(A, x, B, ib, pairWindowUs);
      if (y < 0) continue;
      const delay = B.t[y]! - A.t[x]!;
      if (delay > 0) delaysAB[aLeadsB++] = delay;
      else simultaneous++;
    } else {
      const x = ib++;
      if (B.role[x] !== Role.noise) continue;
      const y = takePartner(B, x, A, ia, pairWindowUs);
      if (y < 0) continue;
      const delay = A.t[y]! - B.t[x]!;
      if (delay > 0) delaysBA[bLeadsA++] = delay;
      else simultaneous++;
    }
  }
  const paired = aLeadsB + bLeadsA + simultaneous;
  return {
    totalA: nA,
    totalB: nB,
    paired,
    aLeadsB,
    bLeadsA,
    simultaneous,
    noiseA: nA - paired,
    noiseB: nB - paired,
    noise: nA + nB - 2 * paired,
    delaysAB: delaysAB.slice(0, aLeadsB),
    delaysBA: delaysBA.slice(0, bLeadsA),
    aStart: A.start,
    roleA: A.role,
    bStart: B.start,
    roleB: B.role,
  };
}

/**
 * Finds x's partner in the other side O (whose jumps before index `walkedO` the
 * walk has passed), marks both roles and returns its index, or −1 for none.
 */
function takePartner(X: Side, x: number, O: Side, walkedO: number, pairWindowUs: number): number {
  const sign = X.s[x]! > 0 ? 0 : 1;
  const list = O.bySign[sign];
  let f = O.free[sign];
  while (f < list.length && (list[f]! < walkedO || O.role[list[f]!] !== Role.noise)) f++;
  O.free[sign] = f;
  if (f === list.length) return -1;
  const y = list[f]!;
  const tx = X.t[x]!;
  const ty = O.t[y]!;
  if (!(ty <= tx + pairWindowUs)) return -1;
  // Unwalked jumps of O are at or after t_x, so ty ≥ tx here.
  if (ty > tx) {
    X.role[x] = Role.leads;
    O.role[y] = Role.follows;
  } else {
    X.role[x] = Role.simultaneous;
    O.role[y] = Role.simultaneous;
  }
  O.free[sign] = f + 1;
  return y;
}

function sideOf(list: JumpList, span: Span, name: string): Side {
  const times = list.times();
  const signs = list.signs();
  for (let i = 1; i < times.length; i++) {
    if (!(times[i]! > times[i - 1]!)) {
      throw new RangeError(`pairSortedJumps: jumps of ${name} are not in strictly increasing time at index ${i} (${times[i - 1]} then ${times[i]})`);
    }
  }
  const start = firstAtOrAfter(times, span.start);
  const end = firstAfter(times, span.end);
  const t = times.subarray(start, Math.max(start, end));
  const s = signs.subarray(start, Math.max(start, end));
  let ups = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > 0) ups++;
  const up = new Int32Array(ups);
  const down = new Int32Array(s.length - ups);
  for (let i = 0, u = 0, d = 0; i < s.length; i++) {
    if (s[i]! > 0) up[u++] = i;
    else down[d++] = i;
  }
  return { start, t, s, role: new Int8Array(t.length), bySign: [up, down], free: [0, 0] };
}

/** The first index i with times[i] ≥ x (times.length if none); times sorted. */
function firstAtOrAfter(times: Float64Array, x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index i with times[i] > x (times.length if none); times sorted. */
function firstAfter(times: Float64Array, x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Table 1 (docs/definitions.md §3) as parts keyed by time cell (§11): after pairing, each jump
 * is counted in the cell of its time and each pair in the cell of its leader's time (A's jump
 * when simultaneous). Parts merge by addition, so the table of a window, of a range, of a
 * regime or of the whole span is the merge of its cells' parts.
 *
 * Within one part paired = leads + leads + simultaneous always holds; total = paired + noise
 * holds for the whole span but not for a single window, since a pair whose follower lies in
 * the next window counts its follower's jump there and the pair here.
 */
import { CellParts, type PartKind, type TimeRange } from './parts.js';
import { Role, type PairResult } from './pairing.js';
import type { JumpList } from './jumplist.js';

export interface PairCounts {
  totalA: number;
  totalB: number;
  aLeadsB: number;
  bLeadsA: number;
  simultaneous: number;
  noiseA: number;
  noiseB: number;
  /** Leader→follower delays (µs) of the pairs A leads / B leads, in leaders' time order. */
  delaysAB: number[];
  delaysBA: number[];
  /** The leaders' times (µs) of those pairs, in the same order (the bootstrap's blocks of the delays). */
  leadersAB: number[];
  leadersBA: number[];
  /**
   * Chance pairs (docs/definitions.md §10): element i is the paired_events of A against B
   * shifted by the i-th shift whose leader lies in this part (the earlier jump, A's when
   * simultaneous); shorter than the 20 shifts where the rest are 0, empty when not computed.
   */
  chance: number[];
}

export const PAIR_COUNTS: PartKind<PairCounts> = {
  empty: () => ({ totalA: 0, totalB: 0, aLeadsB: 0, bLeadsA: 0, simultaneous: 0, noiseA: 0, noiseB: 0, delaysAB: [], delaysBA: [], leadersAB: [], leadersBA: [], chance: [] }),
  merge(into, from) {
    into.totalA += from.totalA;
    into.totalB += from.totalB;
    into.aLeadsB += from.aLeadsB;
    into.bLeadsA += from.bLeadsA;
    into.simultaneous += from.simultaneous;
    into.noiseA += from.noiseA;
    into.noiseB += from.noiseB;
    for (const d of from.delaysAB) into.delaysAB.push(d);
    for (const d of from.delaysBA) into.delaysBA.push(d);
    for (const t of from.leadersAB) into.leadersAB.push(t);
    for (const t of from.leadersBA) into.leadersBA.push(t);
    from.chance.forEach((n, i) => (into.chance[i] = (into.chance[i] ?? 0) + n));
  },
};

/** Pairs (paired_events) of a part. */
export function pairedOf(c: PairCounts): number {
  return c.aLeadsB + c.bLeadsA + c.simultaneous;
}

/**
 * Distributes a pairing result over cells of `size` µs, counting only times in `range`.
 * `a` and `b` are the lists that were paired. Cost O(n_A + n_B).
 */
export function pairPartsByCell(r: PairResult, a: JumpList, b: JumpList, size: number, range: TimeRange): CellParts<PairCounts> {
  const parts = new CellParts(PAIR_COUNTS, size, range);
  let kAB = 0;
  for (let k = 0; k < r.roleA.length; k++) {
    const role = r.roleA[k]!;
    const t = a.timeAt(r.aStart + k);
    const part = parts.at(t);
    const delay = role === Role.leads ? r.delaysAB[kAB++]! : NaN;
    if (part === undefined) continue;
    part.totalA++;
    if (role === Role.noise) part.noiseA++;
    else if (role === Role.simultaneous) part.simultaneous++;
    else if (role === Role.leads) {
      part.aLeadsB++;
      part.delaysAB.push(delay);
      part.leadersAB.push(t);
    }
  }
  let kBA = 0;
  for (let k = 0; k < r.roleB.length; k++) {
    const role = r.roleB[k]!;
    const t = b.timeAt(r.bStart + k);
    const part = parts.at(t);
    const delay = role === Role.leads ? r.delaysBA[kBA++]! : NaN;
    if (part === undefined) continue;
    part.totalB++;
    if (role === Role.noise) part.noiseB++;
    else if (role === Role.leads) {
      part.bLeadsA++;
      part.delaysBA.push(delay);
      part.leadersBA.push(t);
    }
  }
  return parts;
}

/**
 * Files one pairing's pairs under their leaders' cells as chance pairs of shift `shift`: each
 * pair adds 1 to chance[shift] of the part holding its leader's time (A's jump when
 * simultaneous; for a B leader its time in the shifted copy `b`). Only times in the parts'
 * range count. Cost O(n_A + n_B).
 */
export function addChancePairs(parts: CellParts<PairCounts>, r: PairResult, a: JumpList, b: JumpList, shift: number): void {
  const add = (t: number) => {
    const part = parts.at(t);
    if (part === undefined) return;
    while (part.chance.length <= shift) part.chance.push(0);
    part.chance[shift]!++;
  };
  for (let k = 0; k < r.roleA.length; k++) {
    const role = r.roleA[k]!;
    if (role === Role.leads || role === Role.simultaneous) add(a.timeAt(r.aStart + k));
  }
  for (let k = 0; k < r.roleB.length; k++) if (r.roleB[k] === Role.leads) add(b.timeAt(r.bStart + k));
}

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
}

export const PAIR_COUNTS: PartKind<PairCounts> = {
  empty: () => ({ totalA: 0, totalB: 0, aLeadsB: 0, bLeadsA: 0, simultaneous: 0, noiseA: 0, noiseB: 0, delaysAB: [], delaysBA: [] }),
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
    const part = parts.at(a.timeAt(r.aStart + k));
    const delay = role === Role.leads ? r.delaysAB[kAB++]! : NaN;
    if (part === undefined) continue;
    part.totalA++;
    if (role === Role.noise) part.noiseA++;
    else if (role === Role.simultaneous) part.simultaneous++;
    else if (role === Role.leads) {
      part.aLeadsB++;
      part.delaysAB.push(delay);
    }
  }
  let kBA = 0;
  for (let k = 0; k < r.roleB.length; k++) {
    const role = r.roleB[k]!;
    const part = parts.at(b.timeAt(r.bStart + k));
    const delay = role === Role.leads ? r.delaysBA[kBA++]! : NaN;
    if (part === undefined) continue;
    part.totalB++;
    if (role === Role.noise) part.noiseB++;
    else if (role === Role.leads) {
      part.bLeadsA++;
      part.delaysBA.push(delay);
    }
  }
  return parts;
}

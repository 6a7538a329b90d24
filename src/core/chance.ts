/**
 * Chance pairs (docs/definitions.md §10): how many pairs two markets would form by coincidence,
 * measured by pairing A's jumps with copies of B's jumps shifted far beyond any real lead.
 */
import { JumpList } from './jumplist.js';
import { pairSortedJumps } from './pairing.js';
import type { Span } from './types.js';

/** Shifts on each side of zero: δ = ±1, ±2, … ±CHANCE_SHIFTS times the step. */
export const CHANCE_SHIFTS = 10;

/** The chance baseline of one pairing. */
export interface ChancePairs {
  /** The shifts δ (µs) in the order −10·step … −step, step … 10·step. */
  readonly shiftsUs: Float64Array;
  /** paired_events of A against B shifted by shiftsUs[i]. */
  readonly paired: Int32Array;
  /** Mean and largest of `paired` over the shifts. */
  readonly mean: number;
  readonly max: number;
}

/**
 * Pairs A's jumps with B's in-span jumps moved by δ (times + δ; a moved jump outside
 * [span.start, span.end] is dropped) by the rule of §3, for each δ = ±1 … ±10 × `stepUs`, and
 * returns the paired_events of each shift with their mean and maximum.
 *
 * Only B's jumps inside the span are shifted (the jumps Table 1 counts), so a copy never holds
 * more than total_B jumps. The inputs are not modified.
 *
 * Cost: 20 pairings, O(20·(n_A + n_B)) time, O(n_B) extra memory per shift.
 *
 * @throws RangeError when `stepUs` is not a finite number > 0, or as `pairSortedJumps`.
 */
export function chancePairs(a: JumpList, b: JumpList, span: Span, pairWindowUs: number, stepUs: number): ChancePairs {
  if (!(stepUs > 0 && Number.isFinite(stepUs))) throw new RangeError(`chance pairs: the shift step must be a finite number of µs > 0, got ${stepUs}`);
  const shiftsUs = new Float64Array(2 * CHANCE_SHIFTS);
  for (let i = 0; i < CHANCE_SHIFTS; i++) {
    shiftsUs[i] = -(CHANCE_SHIFTS - i) * stepUs;
    shiftsUs[CHANCE_SHIFTS + i] = (i + 1) * stepUs;
  }
  const paired = new Int32Array(shiftsUs.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < shiftsUs.length; i++) {
    paired[i] = pairSortedJumps(a, shiftedInSpan(b, span, shiftsUs[i]!), span, pairWindowUs).paired;
    sum += paired[i]!;
    max = Math.max(max, paired[i]!);
  }
  return { shiftsUs, paired, mean: sum / shiftsUs.length, max };
}

/** The jumps of `list` inside the span, moved by δ µs, keeping those that land inside it. */
export function shiftedInSpan(list: JumpList, span: Span, deltaUs: number): JumpList {
  const times = list.times();
  const signs = list.signs();
  const out = new JumpList(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t < span.start || t > span.end) continue;
    const moved = t + deltaUs;
    if (moved >= span.start && moved <= span.end) out.push(moved, signs[i] as 1 | -1);
  }
  return out;
}

/** The shifts δ (µs) of §10 for a step: −10·step … −step, step … 10·step. */
export function chanceShifts(stepUs: number): Float64Array {
  if (!(stepUs > 0 && Number.isFinite(stepUs))) throw new RangeError(`chance pairs: the shift step must be a finite number of µs > 0, got ${stepUs}`);
  const shiftsUs = new Float64Array(2 * CHANCE_SHIFTS);
  for (let i = 0; i < CHANCE_SHIFTS; i++) {
    shiftsUs[i] = -(CHANCE_SHIFTS - i) * stepUs;
    shiftsUs[CHANCE_SHIFTS + i] = (i + 1) * stepUs;
  }
  return shiftsUs;
}

/**
 * The chance baseline of a part's per-shift counts (pair-parts.ts `chance`: paired_events of
 * each shift whose leader lies in the part, missing entries 0): mean and largest over the 20
 * shifts of `stepUs`.
 */
export function chanceOfCounts(counts: readonly number[], stepUs: number): ChancePairs {
  const shiftsUs = chanceShifts(stepUs);
  const paired = Int32Array.from(shiftsUs, (_, i) => counts[i] ?? 0);
  let sum = 0;
  let max = 0;
  for (const n of paired) {
    sum += n;
    max = Math.max(max, n);
  }
  return { shiftsUs, paired, mean: sum / paired.length, max };
}

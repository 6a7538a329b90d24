/**
 * How often two markets move on the grid of docs/definitions.md §4: the share of grid steps
 * with a zero return in each market and the steps where both move — the pairs that carry
 * every lagged product of xcorr at lag 0 (its effective sample). A ReturnSink for GridAligner.
 */
import type { ReturnSink } from './align.js';

/** What a MoveCounter saw over the grid steps of the span. */
export interface MoveSummary {
  /** Grid returns per market (grid points − 1). */
  readonly steps: number;
  /** Steps whose return is exactly 0, per market. */
  readonly zeroA: number;
  readonly zeroB: number;
  /** Steps where both returns are non-zero. */
  readonly bothMove: number;
}

/** Counts zero and co-moving grid steps; O(1) per step, O(1) per flat run. */
export class MoveCounter implements ReturnSink {
  private steps = 0;
  private zeroA = 0;
  private zeroB = 0;
  private both = 0;

  push(rA: number, rB: number): void {
    this.steps++;
    if (rA === 0) this.zeroA++;
    if (rB === 0) this.zeroB++;
    if (rA !== 0 && rB !== 0) this.both++;
  }

  pushZeros(count: number): void {
    this.steps += count;
    this.zeroA += count;
    this.zeroB += count;
  }

  summary(): MoveSummary {
    return { steps: this.steps, zeroA: this.zeroA, zeroB: this.zeroB, bothMove: this.both };
  }
}

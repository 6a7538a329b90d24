/**
 * What `classify` reports beside the model's own scores (docs/classify.md): average precision
 * with block-bootstrap intervals (docs/definitions.md §9) for the model and each baseline and
 * for their differences, the reliability table, and Wilson intervals for a proportion.
 */
import { blockOf, drawCountsInto, MIN_INTERVAL_BLOCKS, percentileInterval, type Interval } from './bootstrap.js';
import type { Random } from './random.js';

/**
 * The ranking of one scorer: rows by score descending, cut into runs of tied scores
 * (`ends[g]` is one past the last rank of run g). Computed once, reused by every replicate.
 */
export interface Ranking {
  readonly order: Uint32Array;
  readonly ends: Uint32Array;
}

/** @throws RangeError on a non-finite score. O(n log n). */
export function rank(scores: Float64Array): Ranking {
  for (let i = 0; i < scores.length; i++) if (!Number.isFinite(scores[i]!)) throw new RangeError(`score at row ${i} is not finite: ${scores[i]}`);
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const ends: number[] = [];
  for (let r = 1; r <= order.length; r++) if (r === order.length || scores[order[r]!] !== scores[order[r - 1]!]) ends.push(r);
  return { order, ends: Uint32Array.from(ends) };
}

/**
 * Average precision with each row counted `weight[i]` times (a bootstrap replicate draws a
 * row as often as its block): AP = Σ_n (R_n − R_{n−1})·P_n over the runs of tied scores in
 * descending order, exactly the §5 definition on the replicated rows. With all weights 1 it
 * equals `averagePrecision` of src/core/prcurve.ts. NaN when no positive has weight. O(n).
 */
export function weightedAveragePrecision(ranking: Ranking, labels: Uint8Array, weight?: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]! * (weight ? weight[i]! : 1);
  if (positives === 0) return NaN;
  let tp = 0;
  let taken = 0;
  let ap = 0;
  let previousRecall = 0;
  let start = 0;
  for (const end of ranking.ends) {
    let run = 0;
    for (let r = start; r < end; r++) {
      const i = ranking.order[r]!;
      const w = weight ? weight[i]! : 1;
      tp += labels[i]! * w;
      run += w;
    }
    start = end;
    if (run === 0) continue;
    taken += run;
    // The same operations as averagePrecisionOfCurve, so unit weights give the same double.
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / taken);
    previousRecall = recall;
  }
  return ap;
}

/** A scorer's AP on the test rows with its interval, and its difference to the model's. */
export interface ScorerAp {
  readonly name: string;
  readonly ap: number;
  readonly ci: Interval | null;
  /** model AP − this AP, with its interval (same replicates); 0 and null for the model itself. */
  readonly diff: number;
  readonly diffCi: Interval | null;
}

export interface BootstrapSetup {
  /** Replicates R (0: no intervals). */
  readonly replicates: number;
  /** Block length L_b in µs. */
  readonly blockUs: number;
}

/**
 * AP of each scorer (the first is the model) on the same test rows, with 95 % block-bootstrap
 * intervals: blocks of `blockUs` on the absolute clock from the first to the last test trigger,
 * R replicates drawn once (so every scorer and every difference uses the same resamples), a
 * row weighted by how often its block was drawn, intervals type 7 over the finite replicates.
 * Cost: O(R · n · scorers) after one sort per scorer.
 */
export function apWithIntervals(
  scorers: readonly { readonly name: string; readonly scores: Float64Array }[],
  labels: Uint8Array,
  times: Float64Array,
  setup: BootstrapSetup,
  rng: Random,
): ScorerAp[] {
  const rankings = scorers.map((s) => rank(s.scores));
  const aps = rankings.map((r) => weightedAveragePrecision(r, labels));
  const n = labels.length;
  let replicateAps: Float64Array[] = [];
  // Test triggers in fewer than two blocks resample to themselves: no interval (core/bootstrap.ts).
  let spread = false;
  if (setup.replicates > 0 && n > 0) {
    const first = blockOf(times[0]!, setup.blockUs);
    const nBlocks = blockOf(times[n - 1]!, setup.blockUs) - first + 1;
    const blockOfRow = Uint32Array.from(times, (t) => blockOf(t, setup.blockUs) - first);
    spread = new Set(blockOfRow).size >= MIN_INTERVAL_BLOCKS;
    // drawBlockCounts(nBlocks, R, rng) a row at a time: the same draws, one row of memory.
    const counts = new Uint32Array(nBlocks);
    replicateAps = rankings.map(() => new Float64Array(setup.replicates));
    const weight = new Float64Array(n);
    for (let r = 0; r < setup.replicates; r++) {
      drawCountsInto(counts, nBlocks, rng);
      for (let i = 0; i < n; i++) weight[i] = counts[blockOfRow[i]!]!;
      rankings.forEach((ranking, s) => (replicateAps[s]![r] = weightedAveragePrecision(ranking, labels, weight)));
    }
  }
  return scorers.map((s, k) => {
    const reps = replicateAps[k];
    const diffs = reps && replicateAps[0] ? replicateAps[0].map((m, r) => m - reps[r]!) : undefined;
    return {
      name: s.name,
      ap: aps[k]!,
      ci: reps && spread ? percentileInterval(reps) : null,
      diff: aps[0]! - aps[k]!,
      diffCi: k === 0 || !diffs || !spread ? null : percentileInterval(diffs),
    };
  });
}

/** One bin of the reliability table. */
export interface ReliabilityBin {
  /** Test triggers in the bin. */
  readonly n: number;
  /** Lowest and highest predicted probability in the bin. */
  readonly low: number;
  readonly high: number;
  /** Mean predicted probability. */
  readonly predicted: number;
  /** Share of the bin's triggers that led. */
  readonly observed: number;
}

/**
 * Predicted-probability bins against the observed lead rate: rows sorted by score ascending
 * (ties by row order), bin k of `bins` holding ranks ⌊k·n/bins⌋ … ⌊(k+1)·n/bins⌋ − 1 (deciles
 * for bins = 10; tied scores may straddle two bins). Empty bins (n < bins) are left out. O(n log n).
 */
export function reliabilityTable(scores: Float64Array, labels: Uint8Array, bins = 10): ReliabilityBin[] {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b);
  const out: ReliabilityBin[] = [];
  for (let k = 0; k < bins; k++) {
    const from = Math.floor((k * n) / bins);
    const to = Math.floor(((k + 1) * n) / bins);
    if (to <= from) continue;
    let sum = 0;
    let leads = 0;
    for (let r = from; r < to; r++) {
      sum += scores[order[r]!]!;
      leads += labels[order[r]!]!;
    }
    out.push({ n: to - from, low: scores[order[from]!]!, high: scores[order[to - 1]!]!, predicted: sum / (to - from), observed: leads / (to - from) });
  }
  return out;
}

/** z of a two-sided 95 % normal interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion of k successes in n trials:
 * (p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.959964 (the normal 97.5 % point; 95 %). Unlike p̂ ± z·se it
 * stays inside [0, 1] and is not empty at p̂ = 0 or 1. Null when n = 0. O(1).
 */
export function wilsonInterval(k: number, n: number, z = Z95): Interval | null {
  if (!(n > 0)) return null;
  if (!(k >= 0 && k <= n)) throw new RangeError(`wilsonInterval: need 0 ≤ k ≤ n, got ${k} of ${n}`);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Precision–recall curve, average precision and the threshold pick of `classify` hold-out
 * mode (docs/definitions.md §5). Class 1 ("lead") is the positive class; a row is predicted positive when
 * its score ≥ the threshold.
 */

/** One point per distinct score, thresholds descending. */
export interface PrCurve {
  /** The distinct scores, descending. */
  readonly thresholds: Float64Array;
  /** TP / (TP + FP) among rows with score ≥ thresholds[i]; always defined (≥ 1 row qualifies). */
  readonly precision: Float64Array;
  /** TP / #positives among rows with score ≥ thresholds[i]; NaN when there are no positives. */
  readonly recall: Float64Array;
  /** Number of rows labelled 1. */
  readonly positives: number;
}

/**
 * The precision–recall curve over every distinct score taken as a threshold, highest first.
 * Tied scores form one step (all of them enter together). Unlike scikit-learn's
 * `precision_recall_curve` it keeps the points after recall reaches 1 and adds no
 * (recall 0, precision 1) end point.
 *
 * @param scores classifier scores (e.g. probabilities), finite.
 * @param labels 0 or 1, same length.
 * @throws RangeError on a length mismatch or a non-finite score.
 * Cost: O(n log n) for the sort, O(n) memory.
 */
export function precisionRecallCurve(scores: Float64Array, labels: Uint8Array): PrCurve {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores and labels differ in length: ${scores.length} vs ${labels.length}`);
  }
  const order = descendingOrder(scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;

  const thresholds: number[] = [];
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let taken = 0;
  for (let r = 0; r < order.length; ) {
    const s = scores[order[r]!]!;
    // Take the whole run of rows tied at s before emitting the point.
    while (r < order.length && scores[order[r]!] === s) {
      tp += labels[order[r]!] === 1 ? 1 : 0;
      taken++;
      r++;
    }
    thresholds.push(s);
    precision.push(tp / taken);
    recall.push(positives === 0 ? NaN : tp / positives);
  }
  return {
    thresholds: Float64Array.from(thresholds),
    precision: Float64Array.from(precision),
    recall: Float64Array.from(recall),
    positives,
  };
}

/**
 * Average precision AP = Σ_n (R_n − R_{n−1}) · P_n over the curve's points in descending
 * threshold order, with R_0 = 0 — the step-wise area of scikit-learn's
 * `average_precision_score` (no interpolation).
 *
 * @returns AP in [0, 1]; NaN when there are no positives (or no rows): recall is undefined,
 *   and the report prints it as null.
 * Cost: that of {@link precisionRecallCurve}.
 */
export function averagePrecision(scores: Float64Array, labels: Uint8Array): number {
  return averagePrecisionOfCurve(precisionRecallCurve(scores, labels));
}

/** AP of an already computed curve (see {@link averagePrecision}). O(points). */
export function averagePrecisionOfCurve(curve: PrCurve): number {
  if (curve.positives === 0) return NaN;
  let ap = 0;
  let previousRecall = 0;
  for (let n = 0; n < curve.thresholds.length; n++) {
    ap += (curve.recall[n]! - previousRecall) * curve.precision[n]!;
    previousRecall = curve.recall[n]!;
  }
  return ap;
}

export interface ThresholdPick {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * The highest threshold whose recall ≥ `targetRecall`, with its precision and recall.
 * Recall only grows as the threshold falls, so this is the first such curve point.
 *
 * @returns undefined when no point qualifies: no positives (recall NaN) or no rows. With
 *   positives the lowest threshold has recall 1, so any target ≤ 1 is met.
 * @throws RangeError unless 0 ≤ targetRecall ≤ 1.
 * Cost: O(points).
 */
export function pickThreshold(curve: PrCurve, targetRecall: number): ThresholdPick | undefined {
  if (!(targetRecall >= 0 && targetRecall <= 1)) {
    throw new RangeError(`target recall must be in [0, 1], got ${targetRecall}`);
  }
  for (let n = 0; n < curve.thresholds.length; n++) {
    if (curve.recall[n]! >= targetRecall) {
      return { threshold: curve.thresholds[n]!, precision: curve.precision[n]!, recall: curve.recall[n]! };
    }
  }
  return undefined;
}

/** Row indices sorted by score, highest first. @throws RangeError on a non-finite score. */
function descendingOrder(scores: Float64Array): Uint32Array {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) throw new RangeError(`score at row ${i} is not finite: ${scores[i]}`);
  }
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[b]! - scores[a]!);
}

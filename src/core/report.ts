/**
 * Per-class precision / recall / F1 / support and accuracy for the binary lead-vs-noise
 * classifier (docs/definitions.md §5, Tables 3 and 4).
 */

export interface ClassMetrics {
  /** TP / (TP + FP) for this class; 0 when the class is never predicted. */
  readonly precision: number;
  /** TP / support; 0 when the class has no rows. */
  readonly recall: number;
  /** 2PR / (P + R); 0 when P + R = 0. */
  readonly f1: number;
  /** Rows whose true label is this class. */
  readonly support: number;
}

export interface ClassificationReport {
  /** Indexed by class: [0] noise, [1] lead. */
  readonly classes: readonly [ClassMetrics, ClassMetrics];
  /** Share of rows predicted correctly; NaN when there are no rows (printed as null). */
  readonly accuracy: number;
}

/**
 * Like scikit-learn's `classification_report(..., zero_division=0)`: a ratio whose
 * denominator is 0 (a class never predicted, or without rows) is 0 rather than undefined,
 * so no table cell is ever garbled.
 *
 * @param labels true classes, 0 or 1.
 * @param predicted predicted classes, 0 or 1, same length.
 * @throws RangeError on a length mismatch or a value other than 0/1.
 * Cost: O(n).
 */
export function classificationReport(labels: Uint8Array, predicted: Uint8Array): ClassificationReport {
  if (labels.length !== predicted.length) {
    throw new RangeError(`labels and predictions differ in length: ${labels.length} vs ${predicted.length}`);
  }
  // confusion[truth * 2 + prediction]
  const confusion = [0, 0, 0, 0];
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    const p = predicted[i]!;
    if (y > 1 || p > 1) throw new RangeError(`row ${i}: label ${y} / prediction ${p}, expected 0 or 1`);
    confusion[y * 2 + p]!++;
  }
  const metricsOf = (c: 0 | 1): ClassMetrics => {
    const tp = confusion[c * 3]!; // [0][0] or [1][1]
    const support = confusion[c * 2]! + confusion[c * 2 + 1]!;
    const predictedAs = confusion[c]! + confusion[2 + c]!;
    const precision = ratioOrZero(tp, predictedAs);
    const recall = ratioOrZero(tp, support);
    return { precision, recall, f1: f1Score(precision, recall), support };
  };
  const correct = confusion[0]! + confusion[3]!;
  return { classes: [metricsOf(0), metricsOf(1)], accuracy: labels.length === 0 ? NaN : correct / labels.length };
}

/** F1 = 2PR / (P + R), and 0 when P + R = 0 (docs/definitions.md §5). */
export function f1Score(precision: number, recall: number): number {
  const sum = precision + recall;
  return sum === 0 ? 0 : (2 * precision * recall) / sum;
}

/**
 * Class predictions from scores: 1 where score ≥ threshold, else 0. The same "≥" as the
 * precision–recall curve, so the report at the picked threshold matches the curve point;
 * balanced mode uses threshold 0.5 the same way. Cost: O(n).
 */
export function predictAtThreshold(scores: Float64Array, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! >= threshold ? 1 : 0;
  return out;
}

function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

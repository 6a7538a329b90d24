/**
 * One evaluation of `classify` (docs/classify.md): XGBoost and its baselines trained on the
 * same rows and scored on the same test rows, then pooled over folds and summarised. The
 * XGBoost class is passed in (src/io/xgboost-load.ts loads it), so this file does no I/O.
 */
import type { Dataset } from './dataset.js';
import { fitLogistic } from './logistic.js';
import { trainModel, type ModelParams, type SavedModel, type XGBoostClass } from './model.js';
import { gainImportance, type FeatureGain } from './treegain.js';

/** The scores of one fold's test rows under every scorer. */
export interface FoldScores {
  readonly nTrain: number;
  readonly t: Float64Array;
  readonly labels: Uint8Array;
  /** XGBoost's P(lead). */
  readonly model: Float64Array;
  /** Logistic regression's P(lead) on the same features and training rows. */
  readonly logistic: Float64Array;
  /** The one-feature rule: the jump-size column (bigger jump, likelier lead); not trained. */
  readonly rule: Float64Array;
  /** The base rate: one constant score for every row (its AP is the test prevalence). */
  readonly base: Float64Array;
  /** XGBoost gain importance per feature (names order). */
  readonly gains: FeatureGain[];
  /** The trained booster as ml-xgboost saves it (for `--save-model`). */
  readonly saved: SavedModel;
}

/**
 * The column the one-feature rule ranks by: `jump_bps` where the set has it, else |ret_<W>|
 * (column 0), the spot move over W that made the jump.
 */
export function ruleColumn(names: readonly string[]): { readonly index: number; readonly name: string; readonly absolute: boolean } {
  const jump = names.indexOf('jump_bps');
  return jump >= 0 ? { index: jump, name: 'jump_bps', absolute: false } : { index: 0, name: `|${names[0]}|`, absolute: true };
}

/**
 * Trains XGBoost (with `params`) and the logistic regression on `train`, scores `test` with
 * both and with the rule and the base rate. The caller frees nothing: the booster is freed here.
 */
export function scoreFold(xgb: XGBoostClass, train: Dataset, test: Dataset, params: ModelParams): FoldScores {
  const model = trainModel(xgb, train.X, train.labels, params);
  let scores: Float64Array;
  let gains: FeatureGain[];
  let saved: SavedModel;
  try {
    scores = model.predict(test.X);
    saved = model.toJSON();
    gains = gainImportance(saved.model, train.names.length);
  } finally {
    model.free();
  }
  const logistic = fitLogistic(train.X, train.labels).predict(test.X);
  const rule = ruleScores(test);
  return { nTrain: train.labels.length, t: test.t, labels: test.labels, model: scores, logistic, rule, base: new Float64Array(test.labels.length), gains, saved };
}

/** The rule's scores: the jump-size column; a missing value ranks last. */
function ruleScores(d: Dataset): Float64Array {
  const { index, absolute } = ruleColumn(d.names);
  const f = d.names.length;
  return Float64Array.from({ length: d.labels.length }, (_, i) => {
    const v = d.X[i * f + index]!;
    if (!Number.isFinite(v)) return -Number.MAX_VALUE;
    return absolute ? Math.abs(v) : v;
  });
}

/** The test rows of several folds, concatenated in fold (= time) order. */
export function poolFolds(folds: readonly FoldScores[]): Omit<FoldScores, 'gains' | 'nTrain' | 'saved'> {
  const cat = <K extends 't' | 'model' | 'logistic' | 'rule' | 'base'>(k: K) => concat(folds.map((f) => f[k]));
  const labels = new Uint8Array(folds.reduce((s, f) => s + f.labels.length, 0));
  let at = 0;
  for (const f of folds) {
    labels.set(f.labels, at);
    at += f.labels.length;
  }
  return { t: cat('t'), labels, model: cat('model'), logistic: cat('logistic'), rule: cat('rule'), base: cat('base') };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Gradient-boosted trees for the lead-vs-noise classifier (docs/definitions.md §5), over the ml-xgboost
 * WebAssembly build of XGBoost. The library class is loaded (and its console noise
 * silenced) by src/io/xgboost-load.ts and passed in, so this file does no I/O.
 *
 * Note: ml-xgboost hands XGBoost Float32 copies of the features and labels, so the model
 * sees features rounded to 24-bit mantissas (the feature table itself stays Float64).
 */

/** A saved model as ml-xgboost serializes it (`--save-model` writes this as JSON). */
export interface SavedModel {
  readonly name: 'ml-xgboost';
  /** XGBoost's binary model, one signed byte per entry. */
  readonly model: number[];
  readonly options: Record<string, unknown>;
}

/** The subset of ml-xgboost's instance API we use. */
export interface XGBoostInstance {
  train(rows: number[][], labels: number[]): void;
  predict(rows: number[][]): number[];
  toJSON(): SavedModel;
  free(): void;
}

/** The class ml-xgboost's default export (a Promise) resolves to. */
export interface XGBoostClass {
  new (options: Record<string, string | number>): XGBoostInstance;
  load(model: SavedModel): XGBoostInstance;
}

export interface ModelParams {
  /** Boosting rounds (XGBoost `num_round`; ml-xgboost `iterations`), integer ≥ 1. Default 200. */
  readonly trees?: number;
  /** Tree depth, integer ≥ 1. Default 4. */
  readonly maxDepth?: number;
  /** Learning rate in (0, 1]. Default 0.1. */
  readonly eta?: number;
  /** Row subsampling per tree in (0, 1]. Default 1 (every row). Seeded, so also reproducible below 1. */
  readonly subsample?: number;
  /** XGBoost's seed, an integer in [0, 2^31) (e.g. `Random.seed32()`). */
  readonly seed: number;
}

/** A trained binary classifier. Holds WebAssembly memory: call `free()` when done. */
export interface Model {
  /** Number of features per row. */
  readonly features: number;
  /** The XGBoost options actually used (scale_pos_weight included). */
  readonly options: Readonly<Record<string, string | number>>;
  /**
   * P(label = 1) per row of X (row-major n × features). Cost: ml-xgboost predicts row by
   * row (a malloc and a WebAssembly call each): about 15–30 µs a row, 10 000 rows ≈ 0.2–0.3 s.
   */
  predict(X: Float64Array): Float64Array;
  toJSON(): SavedModel;
  free(): void;
}

/**
 * Trains a binary:logistic booster on X (row-major n × f, f = X.length / n) and labels y
 * (0/1). The positive class is weighted by scale_pos_weight = #negatives / #positives of the
 * training set, which is 1 for a balanced sample. Deterministic: the same data, parameters
 * and seed give bit-identical predictions (checked in test/core-model.test.ts).
 *
 * @throws RangeError on empty or mis-shaped input, a label other than 0/1, a training set
 *   without both classes, or a parameter out of range.
 * @throws Error when XGBoost itself fails (its message, if any, also reaches stderr).
 * Cost: O(trees · n log n · f) inside XGBoost; about 0.2 s for 1 400 rows × 5 features × 200 trees.
 */
export function trainModel(xgb: XGBoostClass, X: Float64Array, y: Uint8Array, params: ModelParams): Model {
  const n = y.length;
  if (n === 0 || X.length % n !== 0 || X.length === 0) {
    throw new RangeError(`feature matrix of ${X.length} values does not hold ${n} rows`);
  }
  const features = X.length / n;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (y[i]! > 1) throw new RangeError(`label at row ${i} is ${y[i]}, expected 0 or 1`);
    positives += y[i]!;
  }
  if (positives === 0 || positives === n) {
    throw new RangeError(`training set needs both classes, got ${positives} positive of ${n}`);
  }
  const options = boosterOptions(params, (n - positives) / positives);
  const booster = new xgb({ ...options });
  try {
    booster.train(toRows(X, features), Array.from(y));
  } catch (e) {
    freeQuietly(booster);
    throw libraryError('training', e);
  }
  return wrap(booster, features, options);
}

/**
 * Restores a model saved with `toJSON()`.
 * @throws RangeError when `saved` is not an ml-xgboost model or does not load.
 */
export function loadModel(xgb: XGBoostClass, saved: SavedModel, features: number): Model {
  if (saved === null || typeof saved !== 'object' || saved.name !== 'ml-xgboost' || !Array.isArray(saved.model)) {
    throw new RangeError('not an ml-xgboost model');
  }
  let booster: XGBoostInstance;
  try {
    booster = xgb.load(saved);
  } catch (e) {
    throw new RangeError(`the saved model does not load: ${describe(e)}`);
  }
  return wrap(booster, features, { ...(saved.options as Record<string, string | number>) });
}

function boosterOptions(params: ModelParams, scalePosWeight: number): Record<string, string | number> {
  const trees = params.trees ?? 200;
  const maxDepth = params.maxDepth ?? 4;
  const eta = params.eta ?? 0.1;
  const subsample = params.subsample ?? 1;
  if (!(Number.isInteger(trees) && trees >= 1)) throw new RangeError(`trees must be an integer ≥ 1, got ${trees}`);
  if (!(Number.isInteger(maxDepth) && maxDepth >= 1)) throw new RangeError(`max depth must be an integer ≥ 1, got ${maxDepth}`);
  if (!(eta > 0 && eta <= 1)) throw new RangeError(`eta must be in (0, 1], got ${eta}`);
  if (!(subsample > 0 && subsample <= 1)) throw new RangeError(`subsample must be in (0, 1], got ${subsample}`);
  if (!(Number.isInteger(params.seed) && params.seed >= 0 && params.seed < 2 ** 31)) {
    throw new RangeError(`seed must be an integer in [0, 2^31), got ${params.seed}`);
  }
  return {
    booster: 'gbtree',
    objective: 'binary:logistic',
    iterations: trees,
    max_depth: maxDepth,
    eta,
    subsample,
    colsample_bytree: 1,
    min_child_weight: 1,
    scale_pos_weight: scalePosWeight,
    seed: params.seed,
    silent: 1,
  };
}

function wrap(booster: XGBoostInstance, features: number, options: Record<string, string | number>): Model {
  let freed = false;
  return {
    features,
    options,
    predict(X: Float64Array): Float64Array {
      if (freed) throw new Error('model used after free()');
      if (X.length % features !== 0) throw new RangeError(`feature matrix of ${X.length} values is not n × ${features}`);
      if (X.length === 0) return new Float64Array(0); // ml-xgboost reads row 0 unconditionally
      try {
        return Float64Array.from(booster.predict(toRows(X, features)));
      } catch (e) {
        throw libraryError('prediction', e);
      }
    },
    toJSON: () => booster.toJSON(),
    free(): void {
      if (!freed) booster.free();
      freed = true;
    },
  };
}

/** Row-major typed matrix to the arrays of rows ml-xgboost (ml-matrix) accepts. */
function toRows(X: Float64Array, features: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < X.length; i += features) rows.push(Array.from(X.subarray(i, i + features)));
  return rows;
}

/** Releases a booster whose training failed; its state may be partial, and the first error is the one to report. */
function freeQuietly(booster: XGBoostInstance): void {
  try {
    booster.free();
  } catch {
    // nothing more to release
  }
}

/** The WebAssembly build throws strings and numbers; give callers an Error. */
function libraryError(stage: string, e: unknown): Error {
  return new Error(`XGBoost ${stage} failed: ${describe(e)}`);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

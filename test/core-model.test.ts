import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadModel, trainModel, type XGBoostClass } from '../src/core/model.js';
import { loadXGBoost } from '../src/io/xgboost-load.js';

/**
 * A separable set of 60 rows × 3 features: label 1 exactly when feature 0 > 0.5; features 1
 * and 2 are noise. 30 rows of each class, so min_child_weight (hessian 0.25 per row at the
 * start) never blocks the one split that matters.
 */
function separable(): { X: Float64Array; y: Uint8Array } {
  const n = 60;
  const X = new Float64Array(n * 3);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 1;
    X[i * 3] = positive ? 0.6 + (i % 7) / 20 : 0.1 + (i % 5) / 20;
    X[i * 3 + 1] = (i * 37) % 11;
    X[i * 3 + 2] = -((i * 13) % 17) / 3;
    y[i] = positive ? 1 : 0;
  }
  return { X, y };
}

let xgb: XGBoostClass;
test.before(async () => {
  xgb = await loadXGBoost();
});

test('trainModel: learns a separable set and predicts it (probability > 0.5 exactly for label 1)', () => {
  const { X, y } = separable();
  const model = trainModel(xgb, X, y, { seed: 7, trees: 50 });
  const p = model.predict(X);
  assert.equal(p.length, y.length);
  for (let i = 0; i < y.length; i++) {
    assert.ok(p[i]! >= 0 && p[i]! <= 1);
    assert.equal(p[i]! > 0.5 ? 1 : 0, y[i], `row ${i}: p = ${p[i]}`);
  }
  assert.equal(model.options.objective, 'binary:logistic');
  assert.equal(model.options.scale_pos_weight, 1); // 30 / 30
  model.free();
});

test('trainModel: scale_pos_weight = #negatives / #positives of the training set', () => {
  const { X, y } = separable();
  // Drop 20 of the 30 positives: 30 negatives / 10 positives = 3.
  const keep = Array.from(y.keys()).filter((i) => y[i] === 0 || i < 20);
  const Xs = Float64Array.from(keep.flatMap((i) => Array.from(X.subarray(i * 3, i * 3 + 3))));
  const ys = Uint8Array.from(keep.map((i) => y[i]!));
  const model = trainModel(xgb, Xs, ys, { seed: 1, trees: 5 });
  assert.equal(model.options.scale_pos_weight, 3);
  model.free();
});

test('trainModel: the same seed gives bit-identical predictions, also with subsampling', () => {
  const { X, y } = separable();
  for (const subsample of [1, 0.7]) {
    const a = trainModel(xgb, X, y, { seed: 11, trees: 30, subsample });
    const b = trainModel(xgb, X, y, { seed: 11, trees: 30, subsample });
    assert.deepEqual(a.predict(X), b.predict(X));
    a.free();
    b.free();
  }
});

test('model.toJSON: a saved model loads back (through JSON text) and predicts identically', () => {
  const { X, y } = separable();
  const model = trainModel(xgb, X, y, { seed: 3, trees: 20 });
  const restored = loadModel(xgb, JSON.parse(JSON.stringify(model.toJSON())), 3);
  assert.deepEqual(restored.predict(X), model.predict(X));
  model.free();
  restored.free();
  assert.throws(() => loadModel(xgb, { name: 'other' } as never, 3), RangeError);
});

test('model.predict: no rows → empty; mis-shaped input and use after free rejected', () => {
  const { X, y } = separable();
  const model = trainModel(xgb, X, y, { seed: 3, trees: 5 });
  assert.equal(model.predict(new Float64Array(0)).length, 0);
  assert.throws(() => model.predict(new Float64Array(4)), RangeError);
  model.free();
  assert.throws(() => model.predict(X), /after free/);
});

test('trainModel: rejects a training set with one class, bad labels and bad parameters', () => {
  const { X } = separable();
  assert.throws(() => trainModel(xgb, X, new Uint8Array(60), { seed: 1 }), RangeError);
  assert.throws(() => trainModel(xgb, X, new Uint8Array(60).fill(2), { seed: 1 }), RangeError);
  assert.throws(() => trainModel(xgb, X, Uint8Array.from({ length: 60 }, (_, i) => i % 2), { seed: 2 ** 31 }), RangeError);
  assert.throws(() => trainModel(xgb, X.subarray(1), Uint8Array.from({ length: 60 }, (_, i) => i % 2), { seed: 1 }), RangeError);
});

test('loadXGBoost: prints nothing, leaves no process listeners, keeps the exit code of an uncaught error', () => {
  // A fresh process: load, train, predict, then throw. Node's own exit code for an uncaught
  // error is 1; the runtime's rethrowing uncaughtException handler would make it 7.
  const loader = fileURLToPath(new URL('../src/io/xgboost-load.js', import.meta.url));
  const modelJs = fileURLToPath(new URL('../src/core/model.js', import.meta.url));
  const script = `
    const { loadXGBoost } = await import(${JSON.stringify(loader)});
    const { trainModel } = await import(${JSON.stringify(modelJs)});
    const before = ['uncaughtException', 'unhandledRejection', 'exit'].map((e) => process.listenerCount(e));
    const xgb = await loadXGBoost();
    const after = ['uncaughtException', 'unhandledRejection', 'exit'].map((e) => process.listenerCount(e));
    if (String(before) !== String(after)) process.stdout.write('listeners ' + before + ' -> ' + after);
    const m = trainModel(xgb, Float64Array.from({ length: 40 }, (_, i) => i), Uint8Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1)), { seed: 1, trees: 3 });
    m.predict(Float64Array.from([1, 30]));
    setTimeout(() => { throw new Error('planned'); }, 0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /wasm|falling back|xgboost:/i);
  assert.match(r.stderr, /planned/);
  assert.equal(r.status, 1);
});

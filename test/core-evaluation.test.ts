import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic } from '../src/core/logistic.js';
import { apWithIntervals, rank, reliabilityTable, weightedAveragePrecision, wilsonInterval } from '../src/core/evaluation.js';
import { averagePrecision } from '../src/core/prcurve.js';
import { gainImportance } from '../src/core/treegain.js';
import { walkForwardFolds } from '../src/core/sampling.js';
import { scoreFold } from '../src/core/evaluate.js';
import { trainModel } from '../src/core/model.js';
import { take, type Dataset } from '../src/core/dataset.js';
import { Random } from '../src/core/random.js';
import { loadXGBoost } from '../src/io/xgboost-load.js';
import { mulberry32 } from './prng.js';

const near = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

// ---------------------------------------------------------------- logistic regression

// One binary feature: x = 0 in 4 rows (1 lead), x = 1 in 4 rows (3 leads).
const X8 = Float64Array.of(0, 0, 0, 0, 1, 1, 1, 1);
const Y8 = Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 0);

test('fitLogistic(λ = 0): a binary feature reproduces the two groups’ rates (the closed-form MLE)', () => {
  // The saturated model's MLE fits each group's rate: P = 1/4 at x = 0, 3/4 at x = 1. On the
  // standardised feature z = ±1 (mean 0.5, sd 0.5): β0 − β1 = logit(1/4) = −ln 3, β0 + β1 = ln 3.
  const m = fitLogistic(X8, Y8, { l2: 0 });
  const p = m.predict(Float64Array.of(0, 1));
  near(p[0]!, 0.25, 1e-12, 'x = 0');
  near(p[1]!, 0.75, 1e-12, 'x = 1');
  near(m.coef[0]!, 0, 1e-12, 'β0');
  near(m.coef[1]!, Math.log(3), 1e-12, 'β1');
});

test('fitLogistic(λ = 2): the slope solves the stationarity equation derived by hand', () => {
  // By symmetry β0 = 0; ∂/∂β1 of the penalised loss: Σ z_i (σ(β1 z_i) − y_i) + λβ1
  //   = [4σ(β1) − 3] − [4σ(−β1) − 1] + 2β1 = 8σ(β1) − 6 + 2β1 = 0. Solved here by bisection.
  const g = (b: number) => 8 / (1 + Math.exp(-b)) - 6 + 2 * b;
  let lo = 0;
  let hi = 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  const m = fitLogistic(X8, Y8, { l2: 2 });
  near(m.coef[0]!, 0, 1e-12, 'β0');
  near(m.coef[1]!, lo, 1e-12, 'β1');
});

test('fitLogistic: a constant feature gives the base rate; separable data with λ > 0 ranks perfectly', () => {
  const c = fitLogistic(new Float64Array(10).fill(7), Uint8Array.of(1, 1, 1, 0, 0, 0, 0, 0, 0, 0));
  near(c.predict(Float64Array.of(7))[0]!, 0.3, 1e-12, 'base rate');
  const y = Uint8Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const x = Float64Array.from(y, (v, i) => v * 10 + (i % 5));
  const m = fitLogistic(x, y);
  assert.equal(averagePrecision(m.predict(x), y), 1);
});

// ---------------------------------------------------------------- average precision and intervals

test('weightedAveragePrecision: unit weights give §5 AP; weight k equals the rows repeated k times', () => {
  const rnd = mulberry32(5);
  const n = 60;
  const scores = Float64Array.from({ length: n }, () => Math.round(rnd() * 10) / 10); // many ties
  const labels = Uint8Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : 0));
  assert.equal(weightedAveragePrecision(rank(scores), labels), averagePrecision(scores, labels));
  const w = Uint32Array.from({ length: n }, () => Math.floor(rnd() * 3));
  const repeated: number[] = [];
  w.forEach((k, i) => {
    for (let j = 0; j < k; j++) repeated.push(i);
  });
  const rs = Float64Array.from(repeated, (i) => scores[i]!);
  const rl = Uint8Array.from(repeated, (i) => labels[i]!);
  near(weightedAveragePrecision(rank(scores), labels, w), averagePrecision(rs, rl), 1e-12);
});

test('wilsonInterval: 0 of 10 is [0, z²/(n + z²)]; 5 of 10 is the published [0.2366, 0.7634]', () => {
  const z = 1.959963984540054;
  const zero = wilsonInterval(0, 10)!;
  assert.equal(zero.low, 0);
  near(zero.high, (z * z) / (10 + z * z), 1e-15);
  const half = wilsonInterval(5, 10)!;
  near(half.low, 0.2366, 5e-5);
  near(half.high, 0.7634, 5e-5);
  assert.equal(wilsonInterval(0, 0), null);
});

test('reliabilityTable: deciles of 20 rising scores, two per bin', () => {
  const scores = Float64Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
  const labels = Uint8Array.from({ length: 20 }, (_, i) => (i >= 16 || i === 1 ? 1 : 0));
  const bins = reliabilityTable(scores, labels);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins[0], { n: 2, low: 0.05, high: 0.1, predicted: (0.05 + 0.1) / 2, observed: 0.5 });
  assert.equal(bins[8]!.observed, 1);
  assert.equal(bins[7]!.observed, 0);
});

// ---------------------------------------------------------------- baselines on constructed data

/** n rows a second apart: column 0 is `signal(label)`, column 1 noise. */
function constructed(n: number, seed: number, signal: (y: number, r: () => number) => number): Dataset {
  const rnd = mulberry32(seed);
  const labels = Uint8Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
  const X = new Float64Array(n * 2);
  labels.forEach((y, i) => {
    X[2 * i] = signal(y, rnd);
    X[2 * i + 1] = rnd();
  });
  return { names: ['ret_3ms', 'noise'], t: Float64Array.from({ length: n }, (_, i) => i * 1e6), labels, X };
}

const MODEL = { trees: 30, maxDepth: 3, eta: 0.3, seed: 7 };
const rows = (from: number, to: number) => Uint32Array.from({ length: to - from }, (_, i) => from + i);

test('baselines: a feature that determines the label makes XGBoost, logistic regression and the rule perfect; the base rate scores the prevalence', async () => {
  const d = constructed(600, 11, (y, r) => (y === 1 ? 2 + r() : r()));
  const xgb = await loadXGBoost();
  const f = scoreFold(xgb, take(d, rows(0, 400)), take(d, rows(400, 600)), MODEL);
  const aps = apWithIntervals(
    [
      { name: 'xgboost', scores: f.model },
      { name: 'base_rate', scores: f.base },
      { name: 'logistic', scores: f.logistic },
      { name: 'jump_size', scores: f.rule },
    ],
    f.labels,
    f.t,
    { replicates: 200, blockUs: 10e6 },
    new Random(1),
  );
  const prevalence = f.labels.reduce((s, y) => s + y, 0) / f.labels.length;
  aps.forEach((a, k) => near(a.ap, [1, prevalence, 1, 1][k]!, 1e-12, a.name));
  near(aps[0]!.ci!.low, 1, 1e-12, 'every replicate ranks perfectly');
  near(aps[2]!.diffCi!.low, 0, 1e-12, 'XGBoost − logistic is 0 in every replicate');
  near(aps[2]!.diffCi!.high, 0, 1e-12);
  assert.ok(aps[1]!.diffCi!.low > 0.5, 'far above the base rate');
  // The importance goes to the determining feature.
  assert.ok(f.gains[0]!.totalGain > 10 * f.gains[1]!.totalGain);
});

test('baselines: on pure noise neither model beats the base rate (each difference interval holds 0)', async () => {
  const d = constructed(1500, 12, (_y, r) => r());
  const xgb = await loadXGBoost();
  const f = scoreFold(xgb, take(d, rows(0, 1000)), take(d, rows(1000, 1500)), MODEL);
  for (const [name, scores] of [['xgboost', f.model], ['logistic', f.logistic]] as const) {
    const [, base] = apWithIntervals([{ name, scores }, { name: 'base_rate', scores: f.base }], f.labels, f.t, { replicates: 500, blockUs: 10e6 }, new Random(2));
    const ci = base!.diffCi!;
    assert.ok(ci.low < 0 && ci.high > 0, `${name} − base rate: [${ci.low}, ${ci.high}]`);
  }
});

test('apWithIntervals: test triggers in one bootstrap block give no interval; in two they do', () => {
  // Scores that rank every lead first: AP 1 for every weighting. 20 rows 0.1 s apart lie in one
  // 10 s block (every replicate draws that block: [1, 1] would read as certainty); at 1 s apart
  // they span two blocks and the intervals are there.
  const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 2);
  const scores = Float64Array.from(labels);
  const base = new Float64Array(20).fill(0.5);
  const at = (stepUs: number) => Float64Array.from({ length: 20 }, (_, i) => 1_700_000_000_000_000 + i * stepUs);
  const ap = (times: Float64Array) => apWithIntervals([{ name: 'xgboost', scores }, { name: 'base_rate', scores: base }], labels, times, { replicates: 50, blockUs: 10e6 }, new Random(3));
  const one = ap(at(100_000));
  assert.deepEqual([one[0]!.ci, one[1]!.ci, one[1]!.diffCi], [null, null, null]);
  near(one[0]!.ap, 1, 0, 'the AP itself is still given');
  const two = ap(at(1_000_000));
  assert.notEqual(two[0]!.ci, null);
  assert.notEqual(two[1]!.diffCi, null);
});

// ---------------------------------------------------------------- gain importance

test('gainImportance: one stump split on feature 0, its gain derived by hand', async () => {
  // x0 = i mod 7, y = x0 > 3 over i = 0..199: 116 noise, 84 leads, scale_pos_weight 116/84.
  // First tree at p = 0.5: noise rows g = 0.5, h = 0.25; lead rows g = −0.5·116/84, h = 0.25·116/84.
  // The split x0 < 3.5 separates them: G_L = 58, H_L = 29, G_R = −58, H_R = 29, G = 0, λ = 1:
  // gain = G_L²/(H_L + 1) + G_R²/(H_R + 1) − G²/(H + 1) = 2 · 58²/30 = 224.2667.
  const n = 200;
  const X = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = i % 7;
    X[2 * i + 1] = (i * 13) % 11;
    y[i] = i % 7 > 3 ? 1 : 0;
  }
  const m = trainModel(await loadXGBoost(), X, y, { trees: 1, maxDepth: 1, eta: 0.3, seed: 1 });
  try {
    const g = gainImportance(m.toJSON().model, 2);
    assert.equal(g[0]!.splits, 1);
    near(g[0]!.totalGain, (2 * 58 * 58) / 30, 1e-3, 'gain');
    near(g[0]!.totalCover, 58, 1e-4, 'cover: Σ h = 29 + 29');
    assert.deepEqual(g[1], { splits: 0, totalGain: 0, gain: 0, totalCover: 0 });
  } finally {
    m.free();
  }
  assert.throws(() => gainImportance([1, 2, 3], 2), RangeError);
});

// ---------------------------------------------------------------- walk-forward

test('walkForwardFolds: K + 1 blocks, fold j tests block j and trains on everything before it', () => {
  const t = Float64Array.from({ length: 12 }, (_, i) => i * 10);
  // Cuts at rows 3, 6, 9 (⌊j·12/4⌋); purge 5 µs: t + 5 ≥ the first test time drops nothing.
  const folds = walkForwardFolds(t, 3, 5);
  assert.deepEqual(folds.map((f) => [Array.from(f.train), Array.from(f.test), f.purged]), [
    [[0, 1, 2], [3, 4, 5], 0],
    [[0, 1, 2, 3, 4, 5], [6, 7, 8], 0],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11], 0],
  ]);
  // Purge 10 µs: the row at 20 labels over (20, 30] and reaches the first test trigger at 30.
  assert.deepEqual(Array.from(walkForwardFolds(t, 3, 10)[0]!.train), [0, 1]);
  assert.equal(walkForwardFolds(t, 3, 10)[0]!.purged, 1);
});

test('walkForwardFolds: no fold ever trains on a trigger later than one of its test triggers', () => {
  const rnd = mulberry32(3);
  for (let k = 0; k < 50; k++) {
    let s = 0;
    const t = Float64Array.from({ length: 20 + Math.floor(rnd() * 200) }, () => (s += 1 + Math.floor(rnd() * 1000)));
    const K = 1 + Math.floor(rnd() * 8);
    for (const f of walkForwardFolds(t, K, Math.floor(rnd() * 3000))) {
      const lastTrain = f.train.length > 0 ? t[f.train[f.train.length - 1]!]! : -Infinity;
      for (const i of f.test) assert.ok(t[i]! > lastTrain);
    }
  }
});

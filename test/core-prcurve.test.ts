import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, pickThreshold, precisionRecallCurve } from '../src/core/prcurve.js';
import { mulberry32 } from './prng.js';

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

// Hand-worked curve with ties (3 positives), rows given out of score order:
//   score: 0.9 0.8 0.8 0.7 0.5 0.5 0.3
//   label:  1   1   0   0   1   0   0
// threshold  rows ≥   TP  precision  recall
//   0.9        1       1     1        1/3
//   0.8        3       2     2/3      2/3   (the tie 0.8/0.8 enters as one step)
//   0.7        4       2     1/2      2/3
//   0.5        6       3     1/2      1
//   0.3        7       3     3/7      1
// AP = 1/3·1 + 1/3·2/3 + 0·1/2 + 1/3·1/2 + 0·3/7 = 6/18 + 4/18 + 3/18 = 13/18.
// (Breaking the 0.8 tie positive-first would give 1/3 + 1/3 + ... = 5/6: ties matter.)
const ORDER = [4, 0, 6, 2, 5, 1, 3];
const SCORES = [0.9, 0.8, 0.8, 0.7, 0.5, 0.5, 0.3];
const LABELS = [1, 1, 0, 0, 1, 0, 0];
const scores = f64(ORDER.map((i) => SCORES[i]!));
const labels = u8(ORDER.map((i) => LABELS[i]!));

test('precisionRecallCurve: one point per distinct score, descending, ties as one step', () => {
  const c = precisionRecallCurve(scores, labels);
  assert.deepEqual(Array.from(c.thresholds), [0.9, 0.8, 0.7, 0.5, 0.3]);
  assert.deepEqual(Array.from(c.precision), [1, 2 / 3, 1 / 2, 1 / 2, 3 / 7]);
  assert.deepEqual(Array.from(c.recall), [1 / 3, 2 / 3, 2 / 3, 1, 1]);
  assert.equal(c.positives, 3);
});

test('averagePrecision: Σ (R_n − R_{n−1}) P_n over distinct thresholds (hand-worked 13/18)', () => {
  assert.ok(Math.abs(averagePrecision(scores, labels) - 13 / 18) < 1e-15);
});

test('averagePrecision: perfect ranking 1, all scores tied = share of positives, no positives NaN', () => {
  assert.equal(averagePrecision(f64([0.9, 0.8, 0.2, 0.1]), u8([1, 1, 0, 0])), 1);
  // One step: recall 0 → 1 at precision 2/5.
  assert.equal(averagePrecision(f64([0.5, 0.5, 0.5, 0.5, 0.5]), u8([1, 0, 1, 0, 0])), 2 / 5);
  assert.ok(Number.isNaN(averagePrecision(f64([0.9, 0.1]), u8([0, 0]))));
  assert.ok(Number.isNaN(averagePrecision(f64([]), u8([]))));
});

test('pickThreshold: the highest threshold whose recall ≥ target', () => {
  const c = precisionRecallCurve(scores, labels);
  assert.deepEqual(pickThreshold(c, 0.5), { threshold: 0.8, precision: 2 / 3, recall: 2 / 3 });
  assert.deepEqual(pickThreshold(c, 2 / 3), { threshold: 0.8, precision: 2 / 3, recall: 2 / 3 }); // recall exactly at target
  assert.deepEqual(pickThreshold(c, 0.7), { threshold: 0.5, precision: 1 / 2, recall: 1 });
  assert.deepEqual(pickThreshold(c, 0), { threshold: 0.9, precision: 1, recall: 1 / 3 });
  assert.deepEqual(pickThreshold(c, 1), { threshold: 0.5, precision: 1 / 2, recall: 1 });
});

test('pickThreshold: undefined without positives; out-of-range target rejected', () => {
  assert.equal(pickThreshold(precisionRecallCurve(f64([0.3, 0.2]), u8([0, 0])), 0.5), undefined);
  assert.throws(() => pickThreshold(precisionRecallCurve(scores, labels), 1.5), RangeError);
});

test('precisionRecallCurve: rejects NaN scores and length mismatches', () => {
  assert.throws(() => precisionRecallCurve(f64([0.3, NaN]), u8([0, 1])), RangeError);
  assert.throws(() => precisionRecallCurve(f64([0.3]), u8([0, 1])), RangeError);
});


test('averagePrecision: agrees with an O(n²) evaluation at every distinct threshold on random scores', () => {
  const rand = mulberry32(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rand() * 60);
    // Scores on a coarse lattice so that ties are common.
    const s = f64(Array.from({ length: n }, () => Math.floor(rand() * 8) / 8));
    const y = u8(Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0)));
    const positives = y.reduce((a, b) => a + b, 0);
    const distinct = [...new Set(s)].sort((a, b) => b - a);
    let ap = 0;
    let prevRecall = 0;
    for (const th of distinct) {
      let tp = 0;
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (s[i]! >= th) {
          k++;
          tp += y[i]!;
        }
      }
      const recall = tp / positives;
      ap += (recall - prevRecall) * (tp / k);
      prevRecall = recall;
    }
    const got = averagePrecision(s, y);
    if (positives === 0) assert.ok(Number.isNaN(got));
    else assert.ok(Math.abs(got - ap) < 1e-12, `trial ${trial}: ${got} vs ${ap}`);
  }
});

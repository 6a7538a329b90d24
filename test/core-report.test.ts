import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classificationReport, f1Score, predictAtThreshold } from '../src/core/report.js';

const u8 = (xs: number[]) => Uint8Array.from(xs);

test('classificationReport: per-class precision, recall, F1, support and accuracy (hand-worked)', () => {
  // truth 0 0 0 1 1, predicted 0 1 0 1 0.
  // class 0: TP = 2 (rows 0, 2), predicted 0 on rows 0, 2, 4 → P = 2/3; support 3 → R = 2/3; F1 = 2/3.
  // class 1: TP = 1 (row 3), predicted 1 on rows 1, 3 → P = 1/2; support 2 → R = 1/2; F1 = 1/2.
  // accuracy: rows 0, 2, 3 right → 3/5.
  const r = classificationReport(u8([0, 0, 0, 1, 1]), u8([0, 1, 0, 1, 0]));
  const { f1, ...rest } = r.classes[0];
  assert.deepEqual(rest, { precision: 2 / 3, recall: 2 / 3, support: 3 });
  // F1 = 2PR/(P + R) = 2/3, up to the rounding of the doubles.
  assert.ok(Math.abs(f1 - 2 / 3) < 1e-15, `F1 ${f1}`);
  assert.deepEqual(r.classes[1], { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
  assert.equal(r.accuracy, 3 / 5);
});

test('classificationReport: a class never predicted has precision 0, recall 0 and F1 0 (P + R = 0)', () => {
  // truth 1 1 0, predicted all 0. class 1: no predictions → P = 0, TP = 0 → R = 0, F1 = 0.
  // class 0: TP = 1 of 3 predicted → P = 1/3, R = 1; F1 = 2·(1/3)·1 / (4/3) = 1/2.
  const r = classificationReport(u8([1, 1, 0]), u8([0, 0, 0]));
  assert.deepEqual(r.classes[1], { precision: 0, recall: 0, f1: 0, support: 2 });
  assert.equal(r.classes[0].precision, 1 / 3);
  assert.equal(r.classes[0].recall, 1);
  assert.ok(Math.abs(r.classes[0].f1 - 1 / 2) < 1e-15);
  assert.equal(r.accuracy, 1 / 3);
});

test('classificationReport: no rows → supports 0, every ratio 0, accuracy NaN', () => {
  const r = classificationReport(u8([]), u8([]));
  assert.deepEqual(r.classes[0], { precision: 0, recall: 0, f1: 0, support: 0 });
  assert.deepEqual(r.classes[1], { precision: 0, recall: 0, f1: 0, support: 0 });
  assert.ok(Number.isNaN(r.accuracy));
});

test('classificationReport: rejects labels other than 0/1 and length mismatches', () => {
  assert.throws(() => classificationReport(u8([0, 2]), u8([0, 1])), RangeError);
  assert.throws(() => classificationReport(u8([0]), u8([0, 1])), RangeError);
});

test('f1Score: 2PR / (P + R), and 0 when P + R = 0', () => {
  assert.equal(f1Score(0, 0), 0);
  assert.equal(f1Score(1, 0), 0);
  assert.equal(f1Score(0.5, 0.5), 0.5);
  assert.equal(f1Score(1, 0.5), 2 / 3);
});

test('predictAtThreshold: a score equal to the threshold is predicted 1', () => {
  assert.deepEqual(Array.from(predictAtThreshold(Float64Array.from([0.2, 0.5, 0.7, 0.49999]), 0.5)), [0, 1, 1, 0]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileByRank, quantileSorted } from '../src/core/quantile.js';

test('quantileSorted: type 7 on integer µs gives the exact decimal, without float noise', () => {
  // x = 4000, 16345, 28690, 41035 (steps of 12345). q = 0.3: h = 3·0.3 = 0.9 exactly, so
  // 4000 + 0.9·12345 = 15110.5. The textbook expression with h = 3·0.3 in doubles
  // (0.8999999999999999) gives 15110.499999999998.
  const s = Float64Array.of(4000, 16345, 28690, 41035);
  assert.equal(quantileSorted(s, 0.3), 15110.5);
  // q = 0.99: h = 2.97, 28690 + 0.97·12345 = 40664.65 (textbook: 40664.649999999994).
  assert.equal(quantileSorted(s, 0.99), 40664.65);
  // q = 0.9 on five values: h = 3.6, 5000 + 0.6·2 = 5001.2.
  assert.equal(quantileSorted(Float64Array.of(3000, 3500, 4000, 5000, 5002), 0.9), 5001.2);
  assert.equal(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5), 2.5);
});

test('quantileSorted: a q that is no short decimal uses the plain formula; ends and errors', () => {
  // q = 1/3 on (10, 20): h = 1/3, 10 + (1/3)·10.
  assert.equal(quantileSorted(Float64Array.of(10, 20), 1 / 3), 10 + (1 / 3) * 10);
  assert.equal(quantileSorted(Float64Array.of(1, 5, 9), 0), 1);
  assert.equal(quantileSorted(Float64Array.of(1, 5, 9), 1), 9);
  assert.ok(Number.isNaN(quantileSorted(new Float64Array(0), 0.5)));
  assert.throws(() => quantileSorted(Float64Array.of(1), 1.5), RangeError);
});

test('quantileByRank reads the same ranks as the sorted array', () => {
  const s = Float64Array.of(2, 3, 5, 7, 11, 13, 17);
  for (const q of [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1, 0.123456789]) assert.equal(quantileByRank(s.length, q, (i) => s[i]!), quantileSorted(s, q));
});

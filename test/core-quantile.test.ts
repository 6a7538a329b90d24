import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileByRank, quantileSorted, selectRank } from '../src/core/quantile.js';
import { percentileInterval } from '../src/core/bootstrap.js';
import { Random } from '../src/core/random.js';

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

test('selectRank: every rank is the sorted copy\'s, signed zeros, ties and sorted inputs included', () => {
  // The reference is TypedArray sort (−0 before +0); Object.is tells −0 from +0.
  const rng = new Random(21);
  const shapes: ((i: number, n: number) => number)[] = [
    () => rng.next() - 0.5, // distinct
    () => rng.int(5) - 2, // many ties
    () => [0, -0, 1, -1][rng.int(4)]!, // signed zeros among ties
    (i) => i, // already sorted (a bad pivot for naive quickselect)
    (i, n) => n - i, // reversed
    () => 7, // all equal
  ];
  for (const shape of shapes) {
    for (const n of [1, 2, 3, 10, 257]) {
      const values = Float64Array.from({ length: n }, (_, i) => shape(i, n));
      const sorted = Float64Array.from(values).sort();
      for (let k = 0; k < n; k++) {
        const got = selectRank(Float64Array.from(values), k);
        assert.ok(Object.is(got, sorted[k]), `n ${n}, rank ${k}: ${got} ≠ ${sorted[k]}`);
      }
      // Ranks in increasing order, each looking only beyond the one before, in one array.
      const once = Float64Array.from(values);
      for (let k = 0, from = 0; k < n; from = k + 1, k += 1 + rng.int(3)) {
        const got = selectRank(once, k, from);
        assert.ok(Object.is(got, sorted[k]), `n ${n}, rank ${k} from ${from}: ${got} ≠ ${sorted[k]}`);
      }
    }
  }
  assert.throws(() => selectRank(Float64Array.of(1, 2), 2), RangeError);
  assert.throws(() => selectRank(Float64Array.of(1, 2), 0, 1), RangeError);
});

test('percentileInterval by selected ranks is quantileSorted of the sorted finite values, bit for bit', () => {
  const rng = new Random(4);
  for (const n of [2, 3, 40, 999, 1000]) {
    for (let trial = 0; trial < 20; trial++) {
      const values = Float64Array.from({ length: n }, () => {
        const u = rng.next();
        return u < 0.05 ? NaN : u < 0.07 ? Infinity : u < 0.1 ? -0 : u < 0.12 ? 0 : Math.tanh(rng.next() * 4 - 2);
      });
      const sorted = values.filter(Number.isFinite).sort();
      const got = percentileInterval(values);
      if (sorted.length < 2) {
        assert.equal(got, null);
        continue;
      }
      assert.ok(Object.is(got!.low, quantileSorted(sorted, 0.025)) && Object.is(got!.high, quantileSorted(sorted, 0.975)), `n ${n}: ${JSON.stringify(got)}`);
    }
  }
});

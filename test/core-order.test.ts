import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ascendingOrder } from '../src/core/order.js';
import { mulberry32 } from './prng.js';

test('ascendingOrder: a hand-sorted example with ties, −0, infinities and NaN', () => {
  //              0   1   2   3  4   5         6          7   8    9
  const keys = [3, -1, 2, -1, 0, -0, Infinity, -Infinity, NaN, 2];
  // −∞ (7), −1 (1, 3 in index order), 0 and −0 are equal (4, 5), 2 (2, 9), 3 (0), +∞ (6), NaN last (8).
  assert.deepEqual([...ascendingOrder(Float64Array.from(keys))], [7, 1, 3, 4, 5, 2, 9, 0, 6, 8]);
  assert.deepEqual([...ascendingOrder(new Float64Array(0))], []);
  assert.deepEqual([...ascendingOrder(Float64Array.of(-5))], [0]);
});

test('ascendingOrder: the smallest subnormals and the largest doubles of both signs', () => {
  // ±5e-324 and ±1e-320 have a high 32-bit half of 0 or 0x80000000 (only the low half differs
  // from ±0), so they test the sign test and the low half's flip; ±MAX_VALUE the other end.
  //              0       1        2  3         4        5                  6
  const keys = [5e-324, -5e-324, 0, -1e-320, 1e-320, -Number.MAX_VALUE, Number.MAX_VALUE];
  // By hand: −MAX (5), −1e-320 (3), −5e-324 (1), 0 (2), 5e-324 (0), 1e-320 (4), MAX (6).
  assert.deepEqual([...ascendingOrder(Float64Array.from(keys))], [5, 3, 1, 2, 0, 4, 6]);
});

test('ascendingOrder: only the first n keys; n must be a whole number within the array', () => {
  assert.deepEqual([...ascendingOrder(Float64Array.of(4, 1, 3, 0), 3)], [1, 2, 0]);
  assert.deepEqual([...ascendingOrder(Float64Array.of(4, 1), 0)], []);
  for (const n of [-1, 3, 1.5, NaN]) assert.throws(() => ascendingOrder(Float64Array.of(4, 1), n), RangeError);
});

test('ascendingOrder equals a stable comparator sort on random keys of many kinds', () => {
  const rng = mulberry32(20261202);
  // Kinds of keys that exercise different digits: small integers (only the high half varies),
  // microsecond times, fractions of both signs, huge and tiny magnitudes, subnormals, few distinct,
  // any bit pattern.
  const kinds: Array<() => number> = [
    () => Math.floor(rng() * 5001),
    () => 1_723_118_400_000_000 + Math.floor(rng() * 3.6e9),
    () => (rng() - 0.5) * 1e3,
    () => (rng() < 0.5 ? -1 : 1) * Math.exp((rng() - 0.5) * 1400),
    () => (rng() - 0.5) * 1e-310,
    () => [-2, -0, 0, 0.5, 7][Math.floor(rng() * 5)]!,
    // Random 64-bit patterns: every exponent, subnormals and infinities of both signs (NaN left
    // out: a comparator through NaN is no order).
    () => {
      const bits = Uint32Array.of(Math.floor(rng() * 2 ** 32), Math.floor(rng() * 2 ** 32));
      const k = new Float64Array(bits.buffer)[0]!;
      return Number.isNaN(k) ? 0 : k;
    },
  ];
  let cases = 0;
  for (const [k, kind] of kinds.entries()) {
    for (const n of [1, 2, 3, 17, 256, 1000, 4099]) {
      const keys = Float64Array.from({ length: n }, kind);
      const want = Array.from(keys.keys()).sort((i, j) => keys[i]! - keys[j]! || i - j);
      assert.deepEqual([...ascendingOrder(keys)], want, `kind ${k}, ${n} keys`);
      cases++;
    }
  }
  assert.equal(cases, 49);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileByRank, quantileSorted, rankReader, selectRank, tailsOf } from '../src/core/quantile.js';
import { percentileInterval } from '../src/core/bootstrap.js';
import { Random } from '../src/core/random.js';
import { type7 } from './reference.js';

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

test('quantileByRank through rank reads is type 7 by the book (test/reference.ts)', () => {
  // The reference is written independently of quantile.ts (quantileSorted itself calls quantileByRank).
  const s = Float64Array.of(2, 3, 5, 7, 11, 13, 17);
  for (const q of [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1, 0.123456789]) assert.equal(quantileByRank(s.length, q, (i) => s[i]!), type7([...s], q), `q ${q}`);
  // By hand: h = 6·0.1 = 0.6, 2 + 0.6·(3 − 2) = 2.6; h = 6·0.99 = 5.94, 13 + 0.94·4 = 16.76.
  assert.equal(quantileByRank(s.length, 0.1, (i) => s[i]!), 2.6);
  assert.equal(quantileByRank(s.length, 0.99, (i) => s[i]!), 16.76);
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

test('percentileInterval by selected ranks is type 7 of the sorted finite values (test/reference.ts), bit for bit', () => {
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
      assert.ok(Object.is(got!.low, type7([...sorted], 0.025)) && Object.is(got!.high, type7([...sorted], 0.975)), `n ${n}: ${JSON.stringify(got)}`);
    }
  }
});

/** Values of the kinds bootstrap replicates take: continuous, few distinct (few blocks), signed zeros, one value. */
function replicateLike(kind: string, n: number, rng: Random): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const u = rng.next();
    if (kind === 'continuous') return Math.tanh(u * 4 - 2);
    if (kind === 'few') return Math.floor(u * 7) / 7 - 0.5; // 7 distinct values: ties at every cut
    if (kind === 'zeros') return u < 0.3 ? -0 : u < 0.6 ? 0 : u < 0.8 ? -u : u;
    // A few zeros of each sign where the low (high) tail ends: ranks 10–49 (950–989) of 1000.
    if (kind === 'zeros-low') return u < 0.01 ? -1 - u : u < 0.03 ? -0 : u < 0.05 ? 0 : u;
    if (kind === 'zeros-high') return u < 0.95 ? -0.01 - u : u < 0.97 ? -0 : u < 0.99 ? 0 : 1 + u;
    return 0.25; // one value: the cuts meet
  });
}

test('tailsOf: each tail holds the values of a prefix or a suffix of the whole sort, signed zeros and ties included', () => {
  // Expected from Float64Array.prototype.sort of a copy (the engine's sort, not this code).
  const rng = new Random(11);
  let defined = 0;
  for (const kind of ['continuous', 'few', 'zeros', 'zeros-low', 'zeros-high', 'one']) {
    for (const n of [255, 256, 300, 1000, 4099]) {
      for (let trial = 0; trial < 10; trial++) {
        const values = replicateLike(kind, n, rng);
        const before = values.slice();
        const sorted = values.slice().sort();
        const t = tailsOf(values, Math.ceil(0.025 * n) + 2);
        assert.deepEqual(values, before, 'tailsOf does not move the values');
        if (t === undefined) continue;
        defined++;
        // The tails come in no order: sorted, each is a run of the whole sort.
        const low = [...t.low.slice().sort()];
        const high = [...t.high.slice().sort()];
        assert.ok(low.every((x, i) => Object.is(x, sorted[i])), `${kind} n ${n}: low tail`);
        assert.ok(high.every((x, i) => Object.is(x, sorted[n - high.length + i])), `${kind} n ${n}: high tail`);
        // Selected within its tail, every rank is the whole sort's, sign of zero included.
        const inLow = rankReader(t.low.slice());
        const inHigh = rankReader(t.high.slice());
        for (let i = 0; i < low.length; i++) assert.ok(Object.is(inLow(i), sorted[i]), `${kind} n ${n}: rank ${i}`);
        for (let j = 0; j < high.length; j++) assert.ok(Object.is(inHigh(j), sorted[n - high.length + j]), `${kind} n ${n}: rank ${n - high.length + j}`);
        // Every value left out lies strictly between the tails.
        assert.equal(sorted.filter((x) => (low.length === 0 || x > low[low.length - 1]!) && (high.length === 0 || x < high[0]!)).length, n - low.length - high.length);
      }
    }
  }
  // The tails were taken in most cases (n ≥ 256 with distinct cuts), not skipped every time.
  assert.ok(defined >= 100, `tails taken ${defined} times`);
  assert.equal(tailsOf(new Float64Array(255).map((_, i) => i), 8), undefined, 'below 256 values: select instead');
  assert.equal(tailsOf(new Float64Array(1000).fill(1), 27), undefined, 'all equal: the cuts meet, one tail holds every value');
});

test('tailsOf: an unlucky sample leaves a tail short, and percentileInterval then selects the rank', () => {
  // n = 1000, the sample reads positions ⌊s·1000/64⌋: put the 32 smallest values at the first
  // 32 of them and the 32 largest at the last 32. The cuts (sample ranks 6 and 57) then keep
  // only 0…6 and 100057…100063, seven values each, fewer than ranks 25 and 974 need.
  const n = 1000;
  const values = Float64Array.from({ length: n }, (_, i) => 1000 + i);
  for (let s = 0; s < 64; s++) values[Math.floor((s * n) / 64)] = s < 32 ? s : 100000 + s;
  const t = tailsOf(values, 27)!;
  assert.deepEqual([...t.low.slice().sort()], [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...t.high.slice().sort()], [100057, 100058, 100059, 100060, 100061, 100062, 100063]);
  // By hand: h = 999·0.025 = 24.975 between ranks 24 and 25 (the values 24, 25); h = 999·0.975
  // = 974.025 between ranks 974 and 975 (the top 32 values 100032… sit at ranks 968…999, so 100038, 100039).
  assert.deepEqual(percentileInterval(values), { low: 24.975, high: 100038.025 });
});

test('percentileInterval is type 7 of the sorted finite values on tie-heavy and zero-heavy replicates', () => {
  const rng = new Random(12);
  for (const kind of ['few', 'zeros', 'one', 'continuous']) {
    for (const n of [256, 1000, 2000]) {
      for (let trial = 0; trial < 10; trial++) {
        const values = replicateLike(kind, n, rng);
        if (trial % 2 === 1) values[trial] = NaN;
        const sorted = values.filter(Number.isFinite).sort();
        const got = percentileInterval(values)!;
        assert.ok(Object.is(got.low, type7([...sorted], 0.025)) && Object.is(got.high, type7([...sorted], 0.975)), `${kind} n ${n}: ${JSON.stringify(got)}`);
      }
    }
  }
});

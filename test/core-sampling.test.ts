import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../src/core/random.js';
import { MIN_BALANCED_PER_CLASS, purgeLabelWindows, sampleTrainTest, TooFewTriggersError, trainingSizes, trainsEnough, type SamplingOptions } from '../src/core/sampling.js';

const HOLDOUT: SamplingOptions = { mode: 'holdout', perClass: 1000, split: 'random' };
const BALANCED: SamplingOptions = { mode: 'balanced', perClass: 1000, split: 'random' };

/** Labels with `noise` zeros and `leads` ones, interleaved deterministically (rows = time order). */
function labelsOf(noise: number, leads: number): Uint8Array {
  const y = new Uint8Array(noise + leads);
  // Spread the ones evenly: row i is a lead when it crosses the next multiple of n / leads.
  for (let k = 0; k < leads; k++) y[Math.floor(((k + 0.5) * y.length) / leads)] = 1;
  return y;
}

function countClass(rows: Uint32Array, y: Uint8Array, c: number): number {
  let n = 0;
  for (const r of rows) n += y[r] === c ? 1 : 0;
  return n;
}

function assertAscendingDisjoint(a: Uint32Array, b: Uint32Array): void {
  for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]! < a[i]!, 'train ascending');
  for (let i = 1; i < b.length; i++) assert.ok(b[i - 1]! < b[i]!, 'test ascending');
  const seen = new Set(a);
  for (const r of b) assert.ok(!seen.has(r), `row ${r} in both sets`);
}

test('sampleTrainTest holdout: trains on min(perClass, floor(0.7·count)) per class and tests on all the rest', () => {
  // 100 noise, 30 leads: floor(70) = 70 and floor(21) = 21 train; 30 + 9 test.
  const y = labelsOf(100, 30);
  const s = sampleTrainTest(y, HOLDOUT, new Random(1));
  assert.equal(countClass(s.train, y, 0), 70);
  assert.equal(countClass(s.train, y, 1), 21);
  assert.equal(countClass(s.test, y, 0), 30);
  assert.equal(countClass(s.test, y, 1), 9);
  assertAscendingDisjoint(s.train, s.test);
  // The cap: perClass 50 → noise 50 train / 50 test; leads still 21 / 9.
  const capped = sampleTrainTest(y, { ...HOLDOUT, perClass: 50 }, new Random(1));
  assert.equal(countClass(capped.train, y, 0), 50);
  assert.equal(countClass(capped.test, y, 0), 50);
  assert.equal(countClass(capped.train, y, 1), 21);
  // 16 of a class: floor(11.2) = 11 train, 5 test.
  const small = labelsOf(16, 16);
  const s16 = sampleTrainTest(small, HOLDOUT, new Random(3));
  assert.equal(countClass(s16.train, small, 1), 11);
  assert.equal(countClass(s16.test, small, 1), 5);
});

test('sampleTrainTest balanced: n = min(perClass, #lead, #noise) per class, 70/30 per class', () => {
  // 100 noise, 30 leads → n = 30 → 21 train + 9 test of each class; 70 noise rows unused.
  const y = labelsOf(100, 30);
  const s = sampleTrainTest(y, BALANCED, new Random(5));
  for (const c of [0, 1]) {
    assert.equal(countClass(s.train, y, c), 21);
    assert.equal(countClass(s.test, y, c), 9);
  }
  assertAscendingDisjoint(s.train, s.test);
  // perClass 20 → n = 20 → floor(14) = 14 train, 6 test of each class.
  const capped = sampleTrainTest(y, { ...BALANCED, perClass: 20 }, new Random(5));
  for (const c of [0, 1]) {
    assert.equal(countClass(capped.train, y, c), 14);
    assert.equal(countClass(capped.test, y, c), 6);
  }
});

test('sampleTrainTest: the same seed gives the same split, another seed another', () => {
  const y = labelsOf(200, 60);
  for (const opts of [HOLDOUT, BALANCED, { ...BALANCED, split: 'time' as const }]) {
    const a = sampleTrainTest(y, opts, new Random(42));
    const b = sampleTrainTest(y, opts, new Random(42));
    const c = sampleTrainTest(y, opts, new Random(43));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train, c.train);
  }
});

test('sampleTrainTest split time: each class trains on its earliest rows; only rows after the last training row test', () => {
  const y = labelsOf(100, 30);
  const s = sampleTrainTest(y, { ...HOLDOUT, split: 'time' }, new Random(1));
  // Holdout: exactly the 70 earliest noise rows and the 21 earliest lead rows.
  const rowsOf = (c: number) => Array.from(y.keys()).filter((i) => y[i] === c);
  const expectedTrain = [...rowsOf(0).slice(0, 70), ...rowsOf(1).slice(0, 21)].sort((a, b) => a - b);
  assert.deepEqual(Array.from(s.train), expectedTrain);
  // Test: every other row later than the last training row (evenly mixed classes lose none here).
  const cutoff = Math.max(...expectedTrain);
  const expectedTest = Array.from(y.keys()).filter((i) => i > cutoff);
  assert.deepEqual(Array.from(s.test), expectedTest);
  assert.equal(s.embargoed, 130 - 91 - expectedTest.length);
  // Balanced: within the sample each class trains on its earliest 21, and every test row is
  // later than every training row of either class.
  const b = sampleTrainTest(y, { ...BALANCED, split: 'time' }, new Random(9));
  for (const c of [0, 1]) assert.equal(Array.from(b.train).filter((r) => y[r] === c).length, 21);
  assert.ok(Math.max(...b.train) < Math.min(...b.test));
  assert.equal(b.test.length + b.embargoed, 18);
});

test('sampleTrainTest split time: a class that thins out early leaves its later rows out of the test (embargo)', () => {
  // Rows 0..29 are leads, rows 30..129 noise. Train: leads 0..20 (21 = floor(0.7·30)) and
  // noise 30..99 (70). The last training row is 99, so the leads 21..29 cannot be tested
  // without look-ahead: embargoed 9; the test is noise 100..129.
  const y = new Uint8Array(130);
  y.fill(1, 0, 30);
  const s = sampleTrainTest(y, { ...HOLDOUT, split: 'time' }, new Random(1));
  assert.equal(s.train.length, 91);
  assert.deepEqual(Array.from(s.test), Array.from({ length: 30 }, (_, i) => 100 + i));
  assert.equal(s.embargoed, 9);
  const random = sampleTrainTest(y, HOLDOUT, new Random(1));
  assert.equal(random.embargoed, 0);
  assert.equal(random.test.length, 39);
});

test('trainsEnough(leads, noise): 10 of each class, no fewer of either', () => {
  assert.ok(trainsEnough(10, 10));
  assert.ok(trainsEnough(10, 500));
  assert.ok(!trainsEnough(9, 500));
  assert.ok(!trainsEnough(500, 9));
});

test('trainingSizes(noise, leads, options): [noise, leads] that train, hand-worked', () => {
  // Hold-out: min(perClass, floor(0.7·m)) per class: floor(0.7·14) = floor(9.8) = 9, floor(0.7·15) = floor(10.5) = 10.
  assert.deepEqual(trainingSizes(14, 15, HOLDOUT), [9, 10]);
  assert.deepEqual(trainingSizes(100, 30, { ...HOLDOUT, perClass: 50 }), [50, 21]);
  // Balanced: floor(0.7·min(perClass, leads, noise)) of each: min 14 → 9; perClass 20 → 14.
  assert.deepEqual(trainingSizes(14, 50, BALANCED), [9, 9]);
  assert.deepEqual(trainingSizes(100, 30, { ...BALANCED, perClass: 20 }), [14, 14]);
  // The least balanced cap that can train: floor(0.7·15) = 10, floor(0.7·14) = 9.
  assert.equal(MIN_BALANCED_PER_CLASS, 15);
});

test('sampleTrainTest: a training set with fewer than 10 of a class throws TooFewTriggersError with the counts and the training set', () => {
  const thrown = (y: Uint8Array, o: SamplingOptions) => {
    try {
      sampleTrainTest(y, o, new Random(1));
    } catch (e) {
      return e;
    }
    return undefined;
  };
  // Hold-out, 14 leads and 50 noise: floor(9.8) = 9 leads and 35 noise would train. All 14 leads
  // are more than 10, but training sees only 9: refused, as a walk-forward fold with 9 would be.
  const holdout = thrown(labelsOf(50, 14), HOLDOUT);
  assert.ok(holdout instanceof TooFewTriggersError);
  assert.deepEqual([holdout.leads, holdout.noise, holdout.trainLeads, holdout.trainNoise], [14, 50, 9, 35]);
  assert.equal(holdout.message, 'too few labelled triggers to train on: of 14 lead and 50 noise, the training set takes 9 lead and 35 noise (70 % of each class; needs 10 of each to train)');
  // 10 of each: 7 and 7 would train (the rule used to count all triggers and let this through).
  const ten = thrown(labelsOf(10, 10), HOLDOUT);
  assert.ok(ten instanceof TooFewTriggersError);
  assert.deepEqual([ten.trainLeads, ten.trainNoise], [7, 7]);
  // 15 of each: 10 and 10 train, the least accepted.
  const s = sampleTrainTest(labelsOf(15, 15), HOLDOUT, new Random(1));
  assert.equal(s.train.length, 20);
  // Balanced: n = min(1000, 14, 50) = 14, floor(9.8) = 9 of each.
  const balanced = thrown(labelsOf(14, 50), BALANCED);
  assert.ok(balanced instanceof TooFewTriggersError);
  assert.match(balanced.message, /of 50 lead and 14 noise, the training set takes 9 lead and 9 noise \(70 % of a balanced sample of 14 of each class; needs 10 of each to train\)/);
  assert.equal(sampleTrainTest(labelsOf(15, 50), BALANCED, new Random(1)).train.length, 20);
});

test('sampleTrainTest: a random holdout picks every row with the same chance (0.7)', () => {
  // 20 rows per class, 14 train: over 2000 seeds each row should train ≈ 1400 times.
  // Binomial sd = sqrt(2000·0.7·0.3) ≈ 20.5; ±120 is about 6 sd.
  const y = labelsOf(20, 20);
  const hits = new Array<number>(y.length).fill(0);
  for (let seed = 0; seed < 2000; seed++) for (const r of sampleTrainTest(y, HOLDOUT, new Random(seed)).train) hits[r]!++;
  for (const h of hits) assert.ok(Math.abs(h - 1400) < 120, `row trained ${h} times`);
});

test('Random: next() in [0, 1), int(n) in [0, n), seed32() in [0, 2^31), reproducible', () => {
  const a = new Random(123);
  const b = new Random(123);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 6000; i++) {
    const x = a.next();
    assert.ok(x >= 0 && x < 1);
    assert.equal(x, b.next());
    const k = a.int(6);
    assert.equal(k, b.int(6));
    assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
    counts[k]!++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 1000) < 150, `face count ${c}`); // sd ≈ 29
  for (let i = 0; i < 1000; i++) {
    const s = a.seed32();
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  }
  assert.notEqual(new Random(1).next(), new Random(2).next());
  assert.notEqual(new Random(2 ** 32 + 1).next(), new Random(1).next()); // high bits count
  assert.throws(() => new Random(1.5), RangeError);
  assert.throws(() => a.int(0), RangeError);
});

test('purgeLabelWindows: the last training rows whose label window (t, t + D] reaches the first test time leave; earlier ones stay', () => {
  // Rows at 0, 10, 20, 30, 35 ms; training rows 0, 1, 3 (the others test). The first test time
  // is 20 ms: with D = 5 ms, rows at 0 and 10 ms end their windows at 5 and 15 ms, before it;
  // training row 3 (30 ms) is later still and its window reaches past it: purged.
  const t = Float64Array.from([0, 10_000, 20_000, 30_000, 35_000]);
  assert.deepEqual([...purgeLabelWindows(Uint32Array.from([0, 1]), t, 20_000, 5_000)], [0, 1]);
  // D = 10 ms: row 1's window (10, 20] reaches 20 ms exactly (t + D ≥ first test): purged.
  assert.deepEqual([...purgeLabelWindows(Uint32Array.from([0, 1]), t, 20_000, 10_000)], [0]);
  assert.deepEqual([...purgeLabelWindows(Uint32Array.from([0, 1]), t, 20_000, 9_999)], [0, 1]);
  // Everything reaches: nothing left.
  assert.deepEqual([...purgeLabelWindows(Uint32Array.from([0, 1]), t, 20_000, 1e9)], []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JumpList } from '../src/core/jumplist.js';
import { chancePairs, shiftedInSpan } from '../src/core/chance.js';

const S = 1_000_000; // one second in µs
const D = 5000;

test('chancePairs: jumps every second pair with every shifted copy (60 − |j| pairs at δ = j s)', () => {
  // A: up jumps at 0, 1, …, 59 s; B: up jumps 2 ms after each. Span [0, 59 s + 2 ms].
  // B shifted by +j s: its jump k lands at (k + j) s + 2 ms, inside the span iff k + j ≤ 59, and pairs
  // with A's jump at (k + j) s (delay 2 ms ≤ D): 60 − j pairs. By symmetry δ = −j s gives 60 − j too.
  // Mean over j = 1…10 (twice): 60 − 5.5 = 54.5; largest: 59 (j = ±1).
  const aT = Array.from({ length: 60 }, (_, k) => k * S);
  const a = JumpList.from(aT, aT.map(() => 1));
  const b = JumpList.from(aT.map((t) => t + 2000), aT.map(() => 1));
  const span = { start: 0, end: 59 * S + 2000 };
  const c = chancePairs(a, b, span, D, S);
  assert.deepEqual([...c.shiftsUs], [-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((j) => j * S));
  assert.deepEqual([...c.paired], [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50]);
  assert.equal(c.mean, 54.5);
  assert.equal(c.max, 59);
});

test('chancePairs: a lead at half a second pairs with no shifted copy of a whole number of seconds', () => {
  // B jumps 0.5 s after each A jump: a shift of j s puts them 0.5 s away from any A jump (> D).
  const aT = Array.from({ length: 20 }, (_, k) => k * S);
  const a = JumpList.from(aT, aT.map(() => -1));
  const b = JumpList.from(aT.map((t) => t + S / 2), aT.map(() => -1));
  const c = chancePairs(a, b, { start: 0, end: 20 * S }, D, S);
  assert.equal(c.max, 0);
  assert.equal(c.mean, 0);
});

test('chancePairs: signs must match; the step scales the shifts', () => {
  // A up at 10 ms, B down at 20 ms: some shifts (1 ms steps) bring B within D of A, but the signs differ.
  const a = JumpList.from([10_000], [1]);
  const b = JumpList.from([20_000], [-1]);
  const c = chancePairs(a, b, { start: 0, end: 100_000 }, D, 1000);
  assert.equal(c.max, 0);
  // Same sign: B at 20 ms moved by δ ∈ {−10 … −1, 1 … 10} ms lands in [10 ms, 15 ms] (A + D) for
  // δ = −10 … −5 ms: 6 of the 20 shifts pair, so the mean is 6/20 = 0.3 and the largest 1.
  const same = chancePairs(a, JumpList.from([20_000], [1]), { start: 0, end: 100_000 }, D, 1000);
  assert.equal(same.max, 1);
  assert.equal(same.mean, 0.3);
});

test('shiftedInSpan: only in-span jumps move, and moved jumps outside the span are dropped', () => {
  const list = JumpList.from([5, 10, 20, 30, 45], [1, -1, 1, -1, 1]);
  // span [10, 40]: 5 and 45 are outside before the move; +15 moves 10 → 25, 20 → 35, 30 → 45 (dropped).
  const moved = shiftedInSpan(list, { start: 10, end: 40 }, 15);
  assert.deepEqual([...moved.times()], [25, 35]);
  assert.deepEqual([...moved.signs()], [-1, 1]);
  assert.deepEqual([...list.times()], [5, 10, 20, 30, 45]); // input untouched
});

test('chancePairs rejects a step that is not > 0', () => {
  const a = JumpList.from([1], [1]);
  assert.throws(() => chancePairs(a, a, { start: 0, end: 2 }, D, 0), RangeError);
});

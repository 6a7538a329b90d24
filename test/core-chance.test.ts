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

test('addChancePairs: a chance pair belongs to its leader\'s cell; the cells add up to chancePairs', async () => {
  const { CellParts, ALL_TIME } = await import('../src/core/parts.js');
  const { PAIR_COUNTS, addChancePairs, pairPartsByCell } = await import('../src/core/pair-parts.js');
  const { chanceShifts, chanceOfCounts } = await import('../src/core/chance.js');
  const { pairSortedJumps } = await import('../src/core/pairing.js');
  // The first test's markets (A every second 0 … 59 s, B 2 ms after), cells of 10 s.
  const aT = Array.from({ length: 60 }, (_, k) => k * S);
  const a = JumpList.from(aT, aT.map(() => 1));
  const b = JumpList.from(aT.map((t) => t + 2000), aT.map(() => 1));
  const span = { start: 0, end: 59 * S + 2000 };
  const parts = pairPartsByCell(pairSortedJumps(a, b, span, D), a, b, 10 * S, ALL_TIME);
  chanceShifts(S).forEach((delta, i) => {
    const shifted = shiftedInSpan(b, span, delta);
    addChancePairs(parts, pairSortedJumps(a, shifted, span, D), a, shifted, i);
  });
  // Every chance pair is led by A's jump at m s (B's copy comes 2 ms later). Cell 0 holds m = 0 … 9.
  // δ = −j s: A at m pairs with B's jump m + j, which exists for m + j ≤ 59: all 10 of cell 0.
  // δ = +j s: A at m pairs with B's jump m − j, which exists for m ≥ j: 10 − j of cell 0.
  const cell0 = parts.cells().find((c) => c.key === 0)!.part;
  assert.deepEqual([...chanceOfCounts(cell0.chance, S).paired], [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  // Cell 5 (m = 50 … 59) mirrors it: δ = −j needs m ≤ 59 − j, δ = +j all ten.
  const cell5 = parts.cells().find((c) => c.key === 5)!.part;
  assert.deepEqual([...chanceOfCounts(cell5.chance, S).paired], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
  // The merge of all cells is the whole span's baseline, computed independently by chancePairs.
  const whole = chancePairs(a, b, span, D, S);
  const merged = parts.merged();
  assert.deepEqual([...chanceOfCounts(merged.chance, S).paired], [...whole.paired]);
  assert.equal(chanceOfCounts(merged.chance, S).mean, whole.mean);
  assert.equal(chanceOfCounts(merged.chance, S).max, whole.max);
  // A part that saw no chance pair reads as 0 for every shift.
  assert.equal(chanceOfCounts(PAIR_COUNTS.empty().chance, S).max, 0);
  assert.ok(new CellParts(PAIR_COUNTS, 1).range === ALL_TIME);
});

test('pairStatsOfCounts: over all the data read, the merged parts give pairStats\'s numbers (counts, chance, delays and their intervals)', async () => {
  const { ALL_TIME } = await import('../src/core/parts.js');
  const { addChancePairs, pairPartsByCell } = await import('../src/core/pair-parts.js');
  const { chanceShifts } = await import('../src/core/chance.js');
  const { pairSortedJumps } = await import('../src/core/pairing.js');
  const { drawSpanBlocks, pairStats, pairStatsOfCounts } = await import('../src/core/pairstats.js');
  const { mulberry32 } = await import('./prng.js');
  for (let seed = 1; seed <= 5; seed++) {
    const rand = mulberry32(seed);
    const times = (n: number) => [...new Set(Array.from({ length: n }, () => Math.floor(rand() * 60 * S)))].sort((x, y) => x - y);
    const aT = times(400);
    const bT = [...new Set([...aT.filter(() => rand() < 0.5).map((t) => t + 1 + Math.floor(rand() * 4000)), ...times(200)])].sort((x, y) => x - y);
    const a = JumpList.from(aT, aT.map(() => (rand() < 0.5 ? 1 : -1)));
    const b = JumpList.from(bT, bT.map(() => (rand() < 0.5 ? 1 : -1)));
    const span = { start: 0, end: 60 * S };
    const draws = drawSpanBlocks(span, 5 * S, 200, 42);
    const expected = pairStats(a, b, span, D, 100_000, draws);
    const parts = pairPartsByCell(pairSortedJumps(a, b, span, D), a, b, 1 + Math.floor(rand() * 7 * S), ALL_TIME);
    chanceShifts(100_000).forEach((delta, i) => {
      const shifted = shiftedInSpan(b, span, delta);
      addChancePairs(parts, pairSortedJumps(a, shifted, span, D), a, shifted, i);
    });
    const [got] = pairStatsOfCounts([parts.merged()], 100_000, draws);
    assert.ok(got !== undefined);
    for (const k of ['totalA', 'totalB', 'paired', 'aLeadsB', 'bLeadsA', 'simultaneous', 'noise'] as const) assert.equal(got.table[k], expected.table[k], k);
    assert.equal(got.leaderPValue, expected.leaderPValue);
    assert.deepEqual([...got.chance.paired], [...expected.chance.paired]);
    assert.equal(got.excessPairs, expected.excessPairs);
    for (const d of [0, 1]) {
      assert.equal(got.delays[d]!.n, expected.delays[d]!.n);
      assert.equal(got.delays[d]!.median, expected.delays[d]!.median);
      assert.deepEqual(got.delays[d]!.medianCi, expected.delays[d]!.medianCi);
    }
    // Two feeds' intervals from one pass over the draws are each feed's from a pass of its own.
    const other = pairPartsByCell(pairSortedJumps(b, a, span, D), b, a, 3 * S, ALL_TIME);
    const [both0, both1] = pairStatsOfCounts([parts.merged(), other.merged()], 100_000, draws);
    const [alone1] = pairStatsOfCounts([other.merged()], 100_000, draws);
    assert.deepEqual(both0!.delays, got.delays);
    assert.deepEqual(both1!.delays, alone1!.delays);
    assert.notDeepEqual(both1!.delays, both0!.delays);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockOf, blockRange, blocksHolding, offBlockEdge, countChunks, drawBlockCounts, drawCountsInto, percentileInterval, percentileIntervalType1, quantileType1Sorted, replicateSums } from '../src/core/bootstrap.js';
import { Random } from '../src/core/random.js';

test('blockOf(t, L) is ⌊t/L⌋ on the absolute clock, negative times included', () => {
  assert.equal(blockOf(0, 10), 0);
  assert.equal(blockOf(9, 10), 0);
  assert.equal(blockOf(10, 10), 1);
  assert.equal(blockOf(-1, 10), -1);
  // span [15, 41] touches blocks 1, 2, 3, 4
  assert.deepEqual(blockRange(15, 41, 10), { first: 1, count: 4 });
});

test('drawBlockCounts: every replicate draws nBlocks blocks; same seed, same draws', () => {
  const a = drawBlockCounts(7, 50, new Random(3));
  const b = drawBlockCounts(7, 50, new Random(3));
  assert.deepEqual(a, b);
  for (let r = 0; r < 50; r++) assert.equal(a.subarray(r * 7, r * 7 + 7).reduce((s, x) => s + x, 0), 7);
  // Over many draws each block is drawn about equally often (expected 1 per replicate each).
  const many = drawBlockCounts(4, 20000, new Random(9));
  const perBlock = [0, 0, 0, 0];
  for (let i = 0; i < many.length; i++) perBlock[i % 4]! += many[i]!;
  for (const c of perBlock) assert.ok(Math.abs(c / 20000 - 1) < 0.03, `block frequency ${c / 20000}`);
});

test('Random.tally: the draws of n calls of int(n), counted, and the same state after', () => {
  // n = 3 000 000 rejects a raw draw at or above 2^32 − (2^32 mod n), 1 967 296 of 2^32 values
  // (0.05 %): about 1 400 of its 3 000 000 draws, so the rejection step is compared too.
  for (const n of [1, 2, 7, 1000, 25_920, 3_000_000]) {
    const byInt = new Random(77);
    const want = new Uint32Array(n);
    for (let k = 0; k < n; k++) want[byInt.int(n)]!++;
    const byTally = new Random(77);
    const got = new Uint32Array(n);
    byTally.tally(got);
    assert.ok(got.every((c, i) => c === want[i]), `n ${n}: the same counts`);
    assert.equal(byTally.uint32(), byInt.uint32(), `n ${n}: the state after`);
  }
  const raw = new Random(77);
  const limit = 2 ** 32 - (2 ** 32 % 3_000_000);
  let rejected = 0;
  let accepted = 0;
  while (accepted < 3_000_000) {
    if (raw.uint32() >= limit) rejected++;
    else accepted++;
  }
  assert.ok(rejected > 1000, `rejected raw draws at n = 3 000 000: ${rejected}`);
  assert.throws(() => new Random(1).tally(new Uint32Array(0)), RangeError);
});

test('drawCountsInto and countChunks: replicates drawn a chunk at a time are drawBlockCounts\'s, in order', () => {
  const whole = drawBlockCounts(13, 50, new Random(4));
  for (const per of [1, 3, 7, 50]) {
    const rng = new Random(4);
    const got = new Uint32Array(13 * 50);
    const chunk = new Uint32Array(13 * per).fill(99); // stale numbers: each row is cleared first
    for (let r0 = 0; r0 < 50; r0 += per) {
      const rows = Math.min(per, 50 - r0);
      got.set(drawCountsInto(chunk.subarray(0, rows * 13), 13, rng), r0 * 13);
    }
    assert.deepEqual(got, whole, `chunks of ${per}`);
    const chunked = new Uint32Array(13 * 50);
    for (const c of countChunks({ blocks: 13, replicates: 50, seed: 4, chunkCounts: 13 * per })) {
      assert.equal(c.rows, Math.min(per, 50 - c.first));
      chunked.set(c.counts, c.first * 13);
    }
    assert.deepEqual(chunked, whole, `countChunks of ${per}`);
  }
});

test('drawCountsInto and countChunks refuse counts that are not whole rows of whole blocks', () => {
  // 5 counts are not rows of 2: the last row would draw 1 of 1 block instead of 1 of 2.
  assert.throws(() => drawCountsInto(new Uint32Array(5), 2, new Random(1)), RangeError);
  assert.throws(() => drawCountsInto(new Uint32Array(4), 0, new Random(1)), RangeError);
  assert.throws(() => drawCountsInto(new Uint32Array(5), 2.5, new Random(1)), RangeError);
  assert.deepEqual(drawCountsInto(new Uint32Array(0), 3, new Random(1)), new Uint32Array(0));
  assert.throws(() => [...countChunks({ blocks: 2.5, replicates: 2, seed: 1 })], RangeError);
  assert.throws(() => [...countChunks({ blocks: 3, replicates: 2.5, seed: 1 })], RangeError);
  assert.throws(() => [...countChunks({ blocks: 3, replicates: -1, seed: 1 })], RangeError);
  assert.deepEqual([...countChunks({ blocks: 0, replicates: 5, seed: 1 })], []);
});

test('replicateSums: row r = Σ_b count[r][b]·parts[b] (hand-worked)', () => {
  // 3 blocks of width 2: parts (1, 10), (2, 20), (3, 30)
  const parts = Float64Array.of(1, 10, 2, 20, 3, 30);
  // replicate 0 draws blocks 0,0,2 → (1+1+3, 10+10+30) = (5, 50); replicate 1 draws 1,1,1 → (6, 60)
  const counts = Uint32Array.of(2, 0, 1, 0, 3, 0);
  assert.deepEqual(Array.from(replicateSums(parts, 2, counts, 3)), [5, 50, 6, 60]);
  assert.throws(() => replicateSums(parts, 4, counts, 3), RangeError);
});

test('quantileType1Sorted: the inverse empirical distribution, ends are observed values', () => {
  const x = Float64Array.of(10, 20, 30, 40);
  // n·q = 0.1 → ⌈0.1⌉ − 1 = 0; 0.5·4 = 2 → index 1; 0.975·4 = 3.9 → index 3
  assert.equal(quantileType1Sorted(x, 0.025), 10);
  assert.equal(quantileType1Sorted(x, 0.5), 20);
  assert.equal(quantileType1Sorted(x, 0.975), 40);
  assert.equal(quantileType1Sorted(x, 0), 10);
});

test('percentile intervals ignore non-finite replicates and need two finite ones', () => {
  // 0..100 in steps of 1 (101 values): type 7 points at h = 100·q → 2.5 and 97.5
  const v = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
  assert.deepEqual(percentileInterval(v), { low: 2.5, high: 97.5 });
  // type 1: ⌈101·0.025⌉ − 1 = 2, ⌈101·0.975⌉ − 1 = 98
  assert.deepEqual(percentileIntervalType1(v), { low: 2, high: 98 });
  assert.equal(percentileInterval(Float64Array.of(NaN, 1, Infinity)), null);
  // With a scratch array holding other numbers (and NaN among the values): the same points, the
  // values left in their order, the scratch merely overwritten; a scratch too short is not used.
  const withNaN = Float64Array.from([...v, NaN, -Infinity]);
  const before = Array.from(withNaN);
  for (const scratch of [new Float64Array(200).fill(-7), new Float64Array(5).fill(3)]) {
    assert.deepEqual(percentileInterval(withNaN, scratch), { low: 2.5, high: 97.5 });
    assert.deepEqual(Array.from(withNaN), before);
  }
});

test('offBlockEdge(range, L) is the first finite end that is no multiple of L', () => {
  const L = 10_000_000; // 10 s in µs
  assert.equal(offBlockEdge({ start: 0, end: 3 * L }, L), undefined);
  assert.equal(offBlockEdge({ start: -Infinity, end: Infinity }, L), undefined);
  // 11 s is 1 s past the edge at 10 s; the start is checked first.
  assert.deepEqual(offBlockEdge({ start: 0, end: 11_000_000 }, L), { end: 'end', t: 11_000_000 });
  assert.deepEqual(offBlockEdge({ start: 5, end: 11_000_000 }, L), { end: 'start', t: 5 });
  assert.deepEqual(offBlockEdge({ start: -Infinity, end: -3 * L - 1 }, L), { end: 'end', t: -3 * L - 1 });
});

test('blocksHolding: the distinct blocks of the absolute clock that hold the times', () => {
  // Blocks of 10 s from 0: 1 s and 9.999999 s in block 0, 10 s in block 1, 25 s in block 2.
  assert.equal(blocksHolding([[1e6, 9_999_999], [10e6, 25e6]], 10e6), 3);
  assert.equal(blocksHolding([[], []], 10e6), 0);
  // Typed arrays as well (classify's test trigger times).
  assert.equal(blocksHolding([Float64Array.from([1e6, 9_999_999, 10e6])], 10e6), 2);
});

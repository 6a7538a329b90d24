import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawBlockCounts } from '../src/core/bootstrap.js';
import { JumpList } from '../src/core/jumplist.js';
import { leaderTimes, medianInterval, medianIntervals, replicateMedians, rowsOf } from '../src/core/median-bootstrap.js';
import { drawSpanBlocks } from '../src/core/pairstats.js';
import { pairSortedJumps } from '../src/core/pairing.js';
import { quantile } from '../src/core/quantile.js';
import { Random } from '../src/core/random.js';

const L = 10_000_000; // 10 s blocks

test('replicateMedians: each replicate is the median of the values its drawn blocks hold (hand-worked)', () => {
  // Block 0 (t < 10 s) holds the delay 1000, block 1 the delay 3000.
  const values = Float64Array.of(3000, 1000);
  const times = Float64Array.of(12_000_000, 2_000_000);
  // Replicates draw blocks (0, 0), (1, 1), (0, 1): medians of {1000, 1000}, {3000, 3000}, {1000, 3000}.
  const counts = Uint32Array.of(2, 0, 0, 2, 1, 1);
  assert.deepEqual([...replicateMedians(values, times, L, 0, 2, rowsOf(counts, 2))], [1000, 3000, 2000]);
});

test('replicateMedians equals the type 7 median of the expanded multiset (independent expansion)', () => {
  const rng = new Random(5);
  const n = 40;
  const nBlocks = 6;
  const values = Float64Array.from({ length: n }, () => 100 + rng.int(5000));
  const times = Float64Array.from({ length: n }, () => 30 * L + rng.int(nBlocks * L));
  const counts = drawBlockCounts(nBlocks, 50, rng);
  const got = replicateMedians(values, times, L, 30, nBlocks, rowsOf(counts, nBlocks));
  for (let r = 0; r < 50; r++) {
    const expanded: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = counts[r * nBlocks + Math.floor(times[i]! / L) - 30]!;
      for (let k = 0; k < c; k++) expanded.push(values[i]!);
    }
    const want = expanded.length === 0 ? NaN : quantile(Float64Array.from(expanded), 0.5);
    assert.ok(Object.is(got[r], want) || got[r] === want, `replicate ${r}: ${got[r]} vs ${want}`);
  }
});

test('replicateMedians: the walk from the middle reaches medians far below and far above it, through empty blocks (independent expansion)', () => {
  // Rows drawn by hand rather than by the bootstrap, so that a replicate's middle can lie anywhere:
  // all weight on the blocks of the smallest values, or of the largest, one block alone, most
  // blocks empty; with ties among the values and both odd and even totals.
  const rng = new Random(77);
  let walks = 0;
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + rng.int(trial < 10 ? 4 : 120);
    const nBlocks = 1 + rng.int(12);
    // Whole numbers (µs), as delays are: the midpoint of two is then exact in either formula.
    const values = Float64Array.from({ length: n }, () => (trial % 3 === 0 ? rng.int(6) : rng.int(100_000)));
    const times = Float64Array.from({ length: n }, () => rng.int(nBlocks * L));
    const rows: Uint32Array[] = [];
    for (let r = 0; r < 12; r++) {
      const row = new Uint32Array(nBlocks);
      const shape = r % 4;
      for (let b = 0; b < nBlocks; b++) {
        if (shape === 0) row[b] = b === 0 ? 3 : 0;
        else if (shape === 1) row[b] = b === nBlocks - 1 ? 1 + rng.int(3) : 0;
        else if (shape === 2) row[b] = rng.int(4) === 0 ? 1 + rng.int(9) : 0;
        else row[b] = rng.int(3);
      }
      rows.push(row);
    }
    const got = replicateMedians(values, times, L, 0, nBlocks, rows);
    rows.forEach((row, r) => {
      const expanded: number[] = [];
      for (let i = 0; i < n; i++) for (let k = 0; k < row[Math.floor(times[i]! / L)]!; k++) expanded.push(values[i]!);
      const want = expanded.length === 0 ? NaN : quantile(Float64Array.from(expanded), 0.5);
      assert.ok(Object.is(got[r], want), `trial ${trial}, replicate ${r}: ${got[r]} vs ${want}`);
      if (!Number.isNaN(want)) walks++;
    });
  }
  assert.ok(walks > 400, `${walks} replicates had values`);
});

test('medianInterval: two blocks of one delay each give exactly [1000, 3000]', () => {
  // With two blocks every replicate's median is 1000 (blocks 0,0: probability ¼), 3000 (1,1: ¼) or
  // 2000 (¼ + ¼). Of 1000 replicates about 250 are 1000 and 250 are 3000, so the 2.5 % point lies
  // among the 1000s and the 97.5 % point among the 3000s.
  const values = Float64Array.of(1000, 3000);
  const times = Float64Array.of(1, L + 1);
  const counts = drawBlockCounts(2, 1000, new Random(42));
  assert.deepEqual(medianInterval(values, times, L, 0, 2, rowsOf(counts, 2)), { low: 1000, high: 3000 });
});

test('medianInterval: values in fewer than two blocks have no interval', () => {
  const counts = drawBlockCounts(2, 100, new Random(1));
  // Three values, all in block 0: a resample shows no spread between blocks, so no interval.
  assert.equal(medianInterval(Float64Array.of(5, 1, 9), Float64Array.of(1, 2, 3), L, 0, 2, rowsOf(counts, 2)), null);
  assert.equal(medianInterval(new Float64Array(0), new Float64Array(0), L, 0, 2, rowsOf(counts, 2)), null);
  assert.throws(() => replicateMedians(Float64Array.of(1), Float64Array.of(5 * L), L, 0, 2, rowsOf(counts, 2)), RangeError);
});

test('leaderTimes: the times of the leading jumps, in the order of the delays', () => {
  // A: up 1000, up 8000, down 20000; B: up 3000 (A 1000 leads, 2 ms), up 7000 (leads A 8000, 1 ms),
  // down 20000 (simultaneous).
  const a = JumpList.from([1000, 8000, 20000], [1, 1, -1]);
  const b = JumpList.from([3000, 7000, 20000], [1, 1, -1]);
  const r = pairSortedJumps(a, b, { start: 0, end: 30000 }, 5000);
  assert.deepEqual([...leaderTimes(a, r.aStart, r.roleA)], [1000]);
  assert.deepEqual([...r.delaysAB], [2000]);
  assert.deepEqual([...leaderTimes(b, r.bStart, r.roleB)], [7000]);
  assert.deepEqual([...r.delaysBA], [1000]);
});

test('drawSpanBlocks: rows drawn one at a time are those of drawBlockCounts for all R at once, on every iteration', () => {
  // Span [25 s, 61 s] with 10 s blocks touches blocks 2 … 6: five blocks.
  const draws = drawSpanBlocks({ start: 25 * 1e6, end: 61 * 1e6 }, L, 40, 9);
  assert.deepEqual([draws.first, draws.nBlocks], [2, 5]);
  const all = drawBlockCounts(5, 40, new Random(9));
  // Each row is read as it comes: the rows are one array drawn again in place.
  const once = Array.from(draws.rows(), (r) => [...r]);
  const again = Array.from(draws.rows(), (r) => [...r]);
  assert.deepEqual(once, [...rowsOf(all, 5)].map((r) => [...r]));
  assert.deepEqual(again, once);
});

test('medianIntervals: one pass over the rows gives each set the interval of its own medianInterval call', () => {
  const rng = new Random(11);
  const nBlocks = 9;
  const set = (n: number, blocks: number) => ({
    values: Float64Array.from({ length: n }, () => 100 + rng.int(5000)),
    times: Float64Array.from({ length: n }, () => 40 * L + rng.int(blocks * L)),
  });
  // Spread sets, one within a single block (no interval) and an empty one, in between.
  const sets = [set(30, nBlocks), set(5, 1), set(0, 1), set(12, 4), set(60, nBlocks)];
  const draws = drawSpanBlocks({ start: 40 * L, end: 49 * L - 1 }, L, 300, 3);
  assert.equal(draws.nBlocks, nBlocks);
  const together = medianIntervals(sets, L, draws.first, nBlocks, draws.rows());
  const alone = sets.map((s) => medianInterval(s.values, s.times, L, draws.first, nBlocks, draws.rows()));
  assert.deepEqual(together, alone);
  assert.deepEqual(together.map((ci) => ci === null), [false, true, true, false, false]);
  // Not vacuous: the spread sets' intervals differ.
  assert.notDeepEqual(together[0], together[4]);
});

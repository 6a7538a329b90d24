import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocfGrid, ceilMultiple, floorMultiple } from '../src/core/grid.js';
import { mulberry32 } from './prng.js';


function pointsOf(step: number, t: number[], p: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const grid = new LocfGrid(step, (g, v) => out.push([g, v]));
  for (let i = 0; i < t.length; i++) grid.push(t[i]!, p[i]!);
  grid.finish();
  return out;
}

/** LOCF straight from the definition: every multiple of G in [t_0, t_last], value of the last tick ≤ g. */
function bruteLocf(step: number, t: number[], p: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (t.length === 0) return out;
  const first = Math.ceil(t[0]! / step) * step;
  for (let g = first; g <= t[t.length - 1]!; g += step) {
    let v = NaN;
    for (let i = 0; i < t.length && t[i]! <= g; i++) v = p[i]!;
    out.push([g, v]);
  }
  return out;
}

test('LocfGrid: values carried forward, a tick on a multiple sets that point, gaps filled', () => {
  // G = 1000; ticks 1500:10, 3000:11, 3500:12, 7200:13, 8000:14.
  // Grid: first multiple ≥ 1500 is 2000, last ≤ 8000 is 8000.
  //   2000 → 10 (last tick ≤ 2000 is 1500)
  //   3000 → 11 (the tick exactly at 3000)
  //   4000, 5000, 6000, 7000 → 12 (the gap carries 3500's price; 7200 is after 7000)
  //   8000 → 14 (tick exactly at the last multiple)
  assert.deepEqual(pointsOf(1000, [1500, 3000, 3500, 7200, 8000], [10, 11, 12, 13, 14]), [
    [2000, 10],
    [3000, 11],
    [4000, 12],
    [5000, 12],
    [6000, 12],
    [7000, 12],
    [8000, 14],
  ]);
});

test('LocfGrid: first point is the first multiple ≥ the first tick, last the last multiple ≤ the last tick', () => {
  // One tick on a multiple: exactly that point.
  assert.deepEqual(pointsOf(1000, [2000], [5]), [[2000, 5]]);
  // One tick off a multiple: no point at all.
  assert.deepEqual(pointsOf(1000, [2500], [5]), []);
  // Two ticks inside one grid step: no point.
  assert.deepEqual(pointsOf(1000, [2100, 2900], [5, 6]), []);
  // 1999 → first 2000, 4001 → last 4000: points 2000, 3000, 4000 (all 1999's price 7, since 4001 > 4000).
  assert.deepEqual(pointsOf(1000, [1999, 4001], [7, 8]), [
    [2000, 7],
    [3000, 7],
    [4000, 7],
  ]);
  // No ticks: nothing.
  assert.deepEqual(pointsOf(1000, [], []), []);
});

test('LocfGrid: a point is emitted as soon as a later tick makes it final', () => {
  const seen: number[] = [];
  const grid = new LocfGrid(1000, (g) => seen.push(g));
  grid.push(1500, 1);
  assert.deepEqual(seen, []);
  grid.push(3000, 2); // 2000 is final (3000 > 2000); 3000 waits for a later tick or finish
  assert.deepEqual(seen, [2000]);
  grid.push(3001, 3); // now 3000 is final with value 2
  assert.deepEqual(seen, [2000, 3000]);
  grid.finish(); // last multiple ≤ 3001 is 3000: nothing more
  assert.deepEqual(seen, [2000, 3000]);
  grid.finish();
  assert.deepEqual(seen, [2000, 3000]);
});

test('LocfGrid: real epoch times stay exact', () => {
  // 1.7e15 µs is 2023-11-14; 1_700_000_000_000_123 → first multiple of 1000 is …_001_000.
  const t0 = 1_700_000_000_000_123;
  assert.deepEqual(pointsOf(1000, [t0, t0 + 2000], [1, 2]), [
    [1_700_000_000_001_000, 1],
    [1_700_000_000_002_000, 1],
  ]);
});

test('LocfGrid: times that do not increase and a bad step are RangeErrors', () => {
  const grid = new LocfGrid(1000, () => {});
  grid.push(5, 1);
  assert.throws(() => grid.push(5, 1), RangeError);
  assert.throws(() => new LocfGrid(0, () => {}), RangeError);
  assert.throws(() => new LocfGrid(1.5, () => {}), RangeError);
});

test('floorMultiple / ceilMultiple: exact, negative times included', () => {
  assert.equal(floorMultiple(2500, 1000), 2000);
  assert.equal(ceilMultiple(2500, 1000), 3000);
  assert.equal(floorMultiple(3000, 1000), 3000);
  assert.equal(ceilMultiple(3000, 1000), 3000);
  assert.equal(floorMultiple(-2500, 1000), -3000);
  assert.equal(ceilMultiple(-2500, 1000), -2000);
  // Near 2^53 − 1 = 9007199254740991: the floor multiple of 1000 is 9007199254740000.
  assert.equal(floorMultiple(9007199254740991, 1000), 9007199254740000);
  assert.equal(ceilMultiple(9007199254739001, 1000), 9007199254740000);
});

test('LocfGrid equals LOCF from the definition, per point and as runs (seeded random ticks)', () => {
  const rand = mulberry32(4242);
  for (let c = 0; c < 300; c++) {
    const step = [1, 7, 1000, 1000, 250][c % 5]!;
    const n = Math.floor(rand() * 60);
    const t: number[] = [];
    const p: number[] = [];
    let time = 1_700_000_000_000_000 + Math.floor(rand() * 5000);
    for (let i = 0; i < n; i++) {
      const r = rand();
      // Mix sub-step gaps, ticks on multiples and long gaps.
      time += r < 0.4 ? 1 + Math.floor(rand() * step) : r < 0.6 ? step : 1 + Math.floor(rand() * 8 * step);
      if (rand() < 0.2) time = ceilMultiple(time, step);
      t.push(time);
      p.push(Math.floor(rand() * 5));
    }
    const expected = bruteLocf(step, t, p);
    assert.deepEqual(pointsOf(step, t, p), expected, `case ${c} per point`);

    const expanded: Array<[number, number]> = [];
    let nextExpected = expected.length > 0 ? expected[0]![0] : NaN;
    const grid = LocfGrid.runs(step, (gFirst, gLast, v) => {
      assert.ok(gFirst <= gLast, 'a run is never empty');
      assert.equal(gFirst, nextExpected, 'runs are contiguous');
      for (let g = gFirst; g <= gLast; g += step) expanded.push([g, v]);
      nextExpected = gLast + step;
    });
    for (let i = 0; i < n; i++) grid.push(t[i]!, p[i]!);
    grid.finish();
    assert.deepEqual(expanded, expected, `case ${c} runs`);
  }
});

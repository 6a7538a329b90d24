import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JumpList } from '../src/core/jumplist.js';
import { JumpDetector, detectJumps, moveSign } from '../src/core/jumps.js';
import { mulberry32 } from './prng.js';
import { bruteDetect } from './reference.js';

// θ = 0.25 and prices that are multiples of 1/4 keep every ratio exact in binary,
// so "a move of exactly θ" is exactly θ in floating point too.
const P = { threshold: 0.25, windowUs: 3000 };

function jumpsOf(t: number[], p: number[], params = P): Array<[number, number]> {
  const list = detectJumps(Float64Array.from(t), Float64Array.from(p), params);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < list.length; i++) out.push([list.timeAt(i), list.signAt(i)]);
  return out;
}


/** A random series mixing gaps below, at and beyond W, on a price lattice that hits θ exactly. */
function randomSeries(rand: () => number, n: number, W: number, lattice: boolean): { t: number[]; p: number[] } {
  const t: number[] = [];
  const p: number[] = [];
  let time = 1_700_000_000_000_000 + Math.floor(rand() * 1e6);
  let price = lattice ? 100 : 100 + rand();
  for (let i = 0; i < n; i++) {
    const r = rand();
    const gap = r < 0.5 ? 1 + Math.floor(rand() * 1500) : r < 0.6 ? W : r < 0.7 ? W + 1 : r < 0.8 ? W - 1 : r < 0.9 ? 1000 : 1 + Math.floor(rand() * 3 * W);
    time += Math.max(1, gap);
    if (lattice) price = Math.min(130, Math.max(70, price + Math.floor(rand() * 5) - 2));
    else price *= 1 + (rand() - 0.5) * 0.03;
    t.push(time);
    p.push(price);
  }
  return { t, p };
}

test('JumpList: push grows past the initial capacity and keeps order', () => {
  const list = new JumpList(2);
  for (let i = 0; i < 100; i++) list.push(i * 10, i % 3 === 0 ? -1 : 1);
  assert.equal(list.length, 100);
  assert.equal(list.times().length, 100);
  assert.equal(list.signs().length, 100);
  assert.equal(list.timeAt(42), 420);
  assert.equal(list.signAt(42), -1); // 42 % 3 === 0
  assert.equal(list.signAt(43), 1);
  assert.deepEqual(Array.from(JumpList.from([5, 7], [1, -1]).signs()), [1, -1]);
  assert.throws(() => JumpList.from([5], [0]), RangeError);
});

test('moveSign: a tie between the up and the down move goes up', () => {
  // min 4, max 12, p 6: up = (6−4)/4 = 0.5, down = (6−12)/12 = −0.5 (both exact).
  assert.equal(moveSign(6, 4, 12, 0.25), 1);
});

test('moveSign: when both moves pass θ the larger magnitude wins', () => {
  // min 4, max 16, p 5: up = 1/4 = 0.25, down = (5−16)/16 = −0.6875 → down is larger.
  assert.equal(moveSign(5, 4, 16, 0.25), -1);
  // min 4, max 8, p 6: up = 0.5, down = (6−8)/8 = −0.25 → up is larger.
  assert.equal(moveSign(6, 4, 8, 0.25), 1);
});

test('moveSign: exactly θ counts, just below does not', () => {
  assert.equal(moveSign(5, 4, 4, 0.25), 1); // (5−4)/4 = 0.25
  assert.equal(moveSign(3, 4, 4, 0.25), -1); // (3−4)/4 = −0.25
  assert.equal(moveSign(4.75, 4, 4, 0.25), 0); // 0.1875
  assert.equal(moveSign(3.25, 4, 4, 0.25), 0); // −0.1875
  // The default θ: 7 / 10000 equals the literal 0.0007 after rounding, so 10000 → 10007 is a jump.
  assert.equal(moveSign(10007, 10000, 10000, 0.0007), 1);
  assert.equal(moveSign(10006.99, 10000, 10000, 0.0007), 0);
});

test('detectJumps: the first tick is never a jump', () => {
  assert.deepEqual(jumpsOf([1000], [4]), []);
  const d = new JumpDetector(P);
  assert.equal(d.push(0, 1), 0);
});

test('detectJumps: a move of exactly θ is a jump, up and down', () => {
  // R = {4} for tick 1: (5−4)/4 = 0.25 ≥ θ.
  assert.deepEqual(jumpsOf([0, 1000], [4, 5]), [[1000, 1]]);
  // (3−4)/4 = −0.25 ≤ −θ.
  assert.deepEqual(jumpsOf([0, 1000], [4, 3]), [[1000, -1]]);
  // (4.75−4)/4 = 0.1875 < θ.
  assert.deepEqual(jumpsOf([0, 1000], [4, 4.75]), []);
});

// Shared series for the window-edge tests: W = 3000.
//   tick 0: t=0    p=4.8
//   tick 1: t=1000 p=4     (R={4.8}: (4−4.8)/4.8 = −1/6, no jump)
//   tick 2: t=2000 p=4.8   (edge −1000, k=0, R={4.8,4}: up (4.8−4)/4 = 0.2, no jump)
const EDGE_T = [0, 1000, 2000];
const EDGE_P = [4.8, 4, 4.8];

test('detectJumps: the tick at exactly t_i − W is in the window (it is k)', () => {
  // tick 3 at 4000: edge 1000, k = 1 (t_1 = 1000 ≤ 1000) → R = {4, 4.8}, (5−4)/4 = 0.25 → up.
  assert.deepEqual(jumpsOf([...EDGE_T, 4000], [...EDGE_P, 5]), [[4000, 1]]);
});

test('detectJumps: with no tick exactly at t_i − W the prevailing one counts', () => {
  // tick 3 at 4500: edge 1500, no tick there; the last tick ≤ 1500 is tick 1 (p=4) → R = {4, 4.8} → up.
  assert.deepEqual(jumpsOf([...EDGE_T, 4500], [...EDGE_P, 5]), [[4500, 1]]);
});

test('detectJumps: a tick older than the prevailing one at t_i − W is out of the window', () => {
  // tick 3 at 5000: edge 2000, k = 2 → R = {4.8}; (5−4.8)/4.8 ≈ 0.042 → no jump, although tick 1 (p=4) is only 4 ms old.
  assert.deepEqual(jumpsOf([...EDGE_T, 5000], [...EDGE_P, 5]), []);
  // One µs earlier (edge 1999) tick 1 still prevails and the jump is there.
  assert.deepEqual(jumpsOf([...EDGE_T, 4999], [...EDGE_P, 5]), [[4999, 1]]);
});

test('detectJumps: after a jump the next one needs another θ from the post-jump level', () => {
  // 0:4, 1000:5 → up (0.25). L = 1.
  // 2000:5.5 → R = {5}: (5.5−5)/5 = 0.1 < θ (against the old 4 it would be 0.375).
  // 3000:6.25 → R = {5, 5.5}, min 5: (6.25−5)/5 = 0.25 → up.
  assert.deepEqual(jumpsOf([0, 1000, 2000, 3000], [4, 5, 5.5, 6.25]), [[1000, 1], [3000, 1]]);
  // A down move right after an up jump is measured from the post-jump level too:
  // 0:4, 1000:5 up; 2000:4 → R = {5}: (4−5)/5 = −0.2 → no (against max 5 only, 4 is gone).
  assert.deepEqual(jumpsOf([0, 1000, 2000], [4, 5, 4]), [[1000, 1]]);
});

test('detectJumps: the window minimum survives until it leaves the window', () => {
  // 0:4, 1000:4.75 (0.1875 no), 2000:4.5, 3000:4.75, 4000:5:
  // at 4000, edge 1000 → k = 1, R = {4.75, 4.5, 4.75}, min 4.5: (5−4.5)/4.5 ≈ 0.111 → no.
  // at 3000 (edge 0, k = 0): R = {4, 4.75, 4.5}: (4.75−4)/4 = 0.1875 → no.
  // Replace the last price by 5 at t = 3000 instead: R = {4, 4.75, 4.5}: (5−4)/4 = 0.25 → up.
  assert.deepEqual(jumpsOf([0, 1000, 2000, 3000, 4000], [4, 4.75, 4.5, 4.75, 5]), []);
  assert.deepEqual(jumpsOf([0, 1000, 2000, 3000], [4, 4.75, 4.5, 5]), [[3000, 1]]);
});

test('JumpDetector.push: a time that does not increase is a RangeError', () => {
  const d = new JumpDetector(P);
  d.push(10, 1);
  assert.throws(() => d.push(10, 1), RangeError);
  assert.throws(() => d.push(9, 1), RangeError);
  assert.throws(() => d.push(NaN, 1), RangeError);
  assert.throws(() => new JumpDetector({ threshold: 0, windowUs: 1 }), RangeError);
  assert.throws(() => new JumpDetector({ threshold: 0.1, windowUs: -1 }), RangeError);
});

test('detectJumps equals the O(n²) literal brute force of docs/definitions.md on seeded random series', () => {
  const rand = mulberry32(20240611);
  for (let c = 0; c < 400; c++) {
    const W = [1, 500, 1000, 3000, 3000, 7000][Math.floor(rand() * 6)]!;
    const lattice = c % 2 === 0;
    const theta = lattice ? [0.01, 0.02, 0.05][c % 3]! : [0.005, 0.01, 0.02][c % 3]!;
    // Every 50th case is a long series so the ring buffer has to grow.
    const n = c % 50 === 0 ? 600 : 2 + Math.floor(rand() * 120);
    const { t, p } = randomSeries(rand, n, W, lattice);
    const expected = bruteDetect(t, p, theta, W);
    assert.deepEqual(jumpsOf(t, p, { threshold: theta, windowUs: W }), expected, `case ${c}`);
  }
});

test('detectJumps equals the brute force when many ticks crowd one window (buffer growth)', () => {
  const rand = mulberry32(7);
  for (let c = 0; c < 20; c++) {
    const t: number[] = [];
    const p: number[] = [];
    let time = 0;
    let price = 100;
    for (let i = 0; i < 400; i++) {
      time += 1 + Math.floor(rand() * 3);
      price = Math.max(90, Math.min(110, price + Math.floor(rand() * 3) - 1));
      t.push(time);
      p.push(price);
    }
    // W = 500 µs spans ~250 ticks; θ = 0.05 is rarely hit so the window stays full.
    assert.deepEqual(jumpsOf(t, p, { threshold: 0.05, windowUs: 500 }), bruteDetect(t, p, 0.05, 500), `case ${c}`);
  }
});

test('JumpDetector never meets an up and a down move at once (property)', () => {
  // The detector's own jumps reset the window (definitions §1): then every tick's window since
  // the last jump never spans θ both ways, and the detector reports a jump exactly where one
  // move reaches θ, with that move's sign. The window is recomputed here from the definition,
  // with the detector's jumps as the reset points.
  const rand = mulberry32(99);
  let jumps = 0;
  for (let c = 0; c < 200; c++) {
    const { t, p } = randomSeries(rand, 80, 3000, c % 2 === 0);
    const got = new Map(jumpsOf(t, p, { threshold: 0.01, windowUs: 3000 }));
    jumps += got.size;
    let L = 0;
    for (let i = 1; i < t.length; i++) {
      let k = 0;
      for (let j = 0; j < i; j++) if (t[j]! <= t[i]! - 3000) k = j;
      let min = Infinity;
      let max = -Infinity;
      for (let j = Math.max(k, L); j < i; j++) {
        min = Math.min(min, p[j]!);
        max = Math.max(max, p[j]!);
      }
      const up = (p[i]! - min) / min >= 0.01;
      const down = (p[i]! - max) / max <= -0.01;
      assert.ok(!(up && down), `case ${c} tick ${i}`);
      assert.equal(got.get(t[i]!), up ? 1 : down ? -1 : undefined, `case ${c} tick ${i}`);
      if (got.has(t[i]!)) L = i;
    }
  }
  assert.ok(jumps > 200, `the series jump (${jumps} jumps)`);
});

test('JumpDetector.pushRun equals one push per point, in result and in every later result', () => {
  const rand = mulberry32(31337);
  let jumpsSeen = 0;
  for (let c = 0; c < 300; c++) {
    const step = [1, 1000, 1000, 250][c % 4]!;
    const W = [1, 999, 1000, 3000, 3001, 2500, 10000][Math.floor(rand() * 7)]!;
    const params = { threshold: [0.01, 0.02][c % 2]!, windowUs: W };
    const byRun = new JumpDetector(params);
    const byPoint = new JumpDetector(params);
    let g = step * (1_700_000_000_000 + Math.floor(rand() * 1000));
    let price = 100;
    const runs = 1 + Math.floor(rand() * 40);
    for (let r = 0; r < runs; r++) {
      const count = rand() < 0.3 ? 1 : 1 + Math.floor(rand() * 25);
      // Consecutive runs may repeat the price (a tick that repeats its predecessor's price).
      price = Math.max(80, Math.min(120, price + Math.floor(rand() * 5) - 2));
      const runSign = byRun.pushRun(g, g + (count - 1) * step, price);
      for (let j = 0; j < count; j++) {
        const s = byPoint.push(g + j * step, price);
        if (j === 0) assert.equal(runSign, s, `case ${c} run ${r}`);
        else assert.equal(s, 0, `case ${c} run ${r} point ${j}: a repeated price jumped`);
      }
      if (runSign !== 0) jumpsSeen++;
      g += count * step;
      // Sometimes a gap between runs (not grid-contiguous, still valid input).
      if (rand() < 0.2) g += step * Math.floor(rand() * 5);
    }
  }
  assert.ok(jumpsSeen > 300, `only ${jumpsSeen} jumps: the property would be too weak`);
});

test('JumpDetector.pushRun: the next tick must come after the end of the run', () => {
  const d = new JumpDetector(P);
  d.pushRun(0, 5000, 4);
  assert.throws(() => d.push(5000, 5), RangeError);
  // (5−4)/4 = 0.25 against the run's price: a jump.
  assert.equal(d.push(5001, 5), 1);
  assert.throws(() => new JumpDetector(P).pushRun(10, 9, 1), RangeError);
});

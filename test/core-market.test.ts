import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JumpList } from '../src/core/jumplist.js';
import { MarketJumps } from '../src/core/market.js';
import type { AnalysisParams, TickBatch } from '../src/core/types.js';
import { mulberry32 } from './prng.js';
import { bruteDetect } from './reference.js';


function batchOf(t: number[], p: number[]): TickBatch {
  const price = Float64Array.from(p);
  return { length: t.length, t: Float64Array.from(t), price, bid: price, ask: price };
}

function pairsOf(list: JumpList): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < list.length; i++) out.push([list.timeAt(i), list.signAt(i)]);
  return out;
}

/** docs/definitions.md §2 grid feed literally: every multiple of G in [t_0, t_last], value of the last tick ≤ g. */
function bruteLocf(step: number, t: number[], p: number[]): { g: number[]; v: number[] } {
  const g: number[] = [];
  const v: number[] = [];
  if (t.length === 0) return { g, v };
  for (let x = Math.ceil(t[0]! / step) * step; x <= t[t.length - 1]!; x += step) {
    let last = NaN;
    for (let i = 0; i < t.length && t[i]! <= x; i++) last = p[i]!;
    g.push(x);
    v.push(last);
  }
  return { g, v };
}

test('MarketJumps: native jumps at tick times, grid jumps at grid points', () => {
  // θ = 0.25, W = 3000, G = 1000; ticks 500:4, 2500:5, 4200:5.
  // Native: 2500 → R = {4}: (5−4)/4 = 0.25 → up at 2500; 4200 → R = {5} (reset) → none.
  // Grid: points 1000:4, 2000:4, 3000:5, 4000:5 (first multiple ≥ 500, last ≤ 4200).
  //   3000 → edge 0, no point ≤ 0 so k = 0, R = {4, 4}: 0.25 → up at the grid point 3000.
  //   4000 → R = {5} → none.
  const m = new MarketJumps({ threshold: 0.25, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 });
  m.push(batchOf([500, 2500, 4200], [4, 5, 5]));
  m.finish();
  assert.deepEqual(pairsOf(m.native), [[2500, 1]]);
  assert.deepEqual(pairsOf(m.locf), [[3000, 1]]);
  assert.equal(m.firstTime, 500);
  assert.equal(m.lastTime, 4200);
  assert.equal(m.ticks, 3);
});

test('MarketJumps: a grid jump needs a grid point; a spike between points is invisible', () => {
  // θ = 0.25, W = 3000. Ticks 1000:4, 1200:5, 1400:4, 3000:4.
  // Native: 1200 → R = {4}: (5−4)/4 = 0.25 → up; 1400 → R = {5} (reset): (4−5)/5 = −0.2 → none;
  //   3000 → R = {5, 4}: none.
  // Grid (G = 1000): 1000:4, 2000:4 (1400's price), 3000:4 → constant, no grid jump.
  const m = new MarketJumps({ threshold: 0.25, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 });
  m.push(batchOf([1000, 1200, 1400, 3000], [4, 5, 4, 4]));
  m.finish();
  assert.deepEqual(pairsOf(m.native), [[1200, 1]]);
  assert.deepEqual(pairsOf(m.locf), []);
});

test('MarketJumps: empty input leaves NaN times and no jumps; push after finish throws', () => {
  const m = new MarketJumps({ threshold: 0.001, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 });
  m.push(batchOf([], []));
  m.finish();
  assert.ok(Number.isNaN(m.firstTime) && Number.isNaN(m.lastTime));
  assert.equal(m.ticks, 0);
  assert.equal(m.native.length + m.locf.length, 0);
  assert.throws(() => m.push(batchOf([1], [1])), RangeError);
});

test('MarketJumps: times going backwards across batches are a RangeError', () => {
  const m = new MarketJumps({ threshold: 0.001, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 });
  m.push(batchOf([10, 20], [1, 1]));
  assert.throws(() => m.push(batchOf([20], [1])), RangeError);
});

test('MarketJumps in random batches equals the brute force on whole arrays, both feeds (seeded)', () => {
  const rand = mulberry32(8675309);
  let nativeSeen = 0;
  let gridSeen = 0;
  for (let c = 0; c < 250; c++) {
    const G = [1000, 1000, 500, 250, 100][c % 5]!;
    const W = [3000, 3000, 1000, 2500, 10][Math.floor(rand() * 5)]!;
    const theta = [0.01, 0.02][c % 2]!;
    const params: AnalysisParams = { threshold: theta, windowUs: W, pairWindowUs: 5000, gridUs: G };
    const n = 1 + Math.floor(rand() * 80);
    const t: number[] = [];
    const p: number[] = [];
    let time = 1_700_000_000_000_000 + Math.floor(rand() * 10_000);
    let price = 100;
    for (let i = 0; i < n; i++) {
      const r = rand();
      time += r < 0.4 ? 1 + Math.floor(rand() * 800) : r < 0.6 ? 1000 : r < 0.7 ? W : 1 + Math.floor(rand() * 9000);
      // Small steps on an integer lattice hit θ = 0.01 exactly (100 → 101) and repeat prices.
      price = Math.max(80, Math.min(120, price + Math.floor(rand() * 5) - 2));
      t.push(time);
      p.push(price);
    }

    const m = new MarketJumps(params);
    for (let i = 0; i < n; ) {
      const size = Math.floor(rand() * 10); // 0-length batches included
      m.push(batchOf(t.slice(i, i + size), p.slice(i, i + size)));
      i += size;
    }
    m.finish();

    assert.deepEqual(pairsOf(m.native), bruteDetect(t, p, theta, W), `case ${c} native`);
    const grid = bruteLocf(G, t, p);
    assert.deepEqual(pairsOf(m.locf), bruteDetect(grid.g, grid.v, theta, W), `case ${c} grid`);
    assert.equal(m.firstTime, t[0]);
    assert.equal(m.lastTime, t[n - 1]);
    assert.equal(m.ticks, n);
    nativeSeen += m.native.length;
    gridSeen += m.locf.length;
  }
  assert.ok(nativeSeen > 500 && gridSeen > 500, `too few jumps to test anything (${nativeSeen}, ${gridSeen})`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GridAligner, type ReturnSink } from '../src/core/align.js';
import { LagCorrelator, fisherInterval, xcorrFromArrays, type LagResult } from '../src/core/xcorr.js';
import { mulberry32 } from './prng.js';

// ---------------------------------------------------------------------------------------------
// Helpers written independently of the code under test.
// ---------------------------------------------------------------------------------------------


interface Series {
  t: Float64Array;
  p: Float64Array;
}

function series(ticks: ReadonlyArray<readonly [number, number]>): Series {
  return { t: Float64Array.from(ticks, ([t]) => t), p: Float64Array.from(ticks, ([, p]) => p) };
}

/**
 * Reference LOCF: for each grid point g, the last tick with t ≤ g. The ticks are in time order
 * (checked here), so that tick is found by walking on from the previous grid point's: the tick
 * a scan of every tick would find, in time linear in ticks + grid points rather than their
 * product (that scan was a third of this file's time).
 */
function locfGrid(s: Series, n0: number, n1: number, g: number): number[] {
  for (let i = 1; i < s.t.length; i++) assert.ok(s.t[i]! >= s.t[i - 1]!, `locfGrid: tick ${i} is before tick ${i - 1}`);
  const values: number[] = [];
  let last = -1;
  for (let n = n0; n <= n1; n++) {
    while (last + 1 < s.t.length && s.t[last + 1]! <= n * g) last++;
    values.push(last >= 0 ? s.p[last]! : NaN);
  }
  return values;
}

function logReturns(values: number[]): number[] {
  const r: number[] = [];
  for (let k = 1; k < values.length; k++) r.push(Math.log(values[k]!) - Math.log(values[k - 1]!));
  return r;
}

/** Two-pass Pearson on explicit pairs: means first, then centred co-moments. */
function twoPassPearson(x: number[], y: number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** The columns of Table 2 that the reference computes. */
type RefLag = Pick<LagResult, 'lag' | 'r' | 'n' | 'ciLow' | 'ciHigh'>;

/** Table 2 by docs/definitions.md §4, from explicit return arrays. */
function referenceLags(rA: number[], rB: number[], lags: readonly number[]): RefLag[] {
  return lags.map((lag) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let n = 0; n < rA.length; n++) {
      if (n + lag >= 0 && n + lag < rB.length) {
        x.push(rA[n]!);
        y.push(rB[n + lag]!);
      }
    }
    const r = twoPassPearson(x, y);
    const n = x.length;
    if (r === null || n <= 3) return { lag, r, n, ciLow: null, ciHigh: null };
    const z = Math.atanh(r);
    const se = 1 / Math.sqrt(n - 3);
    return { lag, r, n, ciLow: Math.tanh(z - 1.96 * se), ciHigh: Math.tanh(z + 1.96 * se) };
  });
}

/** Table 2 by brute force from ticks (integer µs times, so ceil/floor of t/G are exact here). */
function referenceXcorr(a: Series, b: Series, g: number, lags: readonly number[]) {
  const start = Math.max(a.t[0]!, b.t[0]!);
  const end = Math.min(a.t[a.t.length - 1]!, b.t[b.t.length - 1]!);
  const n0 = Math.ceil(start / g);
  const n1 = Math.floor(end / g);
  const rA = logReturns(locfGrid(a, n0, n1, g));
  const rB = logReturns(locfGrid(b, n0, n1, g));
  return { start, end, n0, n1, rA, rB, lags: referenceLags(rA, rB, lags) };
}

function close(actual: number | null, expected: number | null, tol: number, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, `${what}: expected null, got ${actual}`);
    return;
  }
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tol ${tol})`);
}

function assertLagsClose(actual: readonly RefLag[], expected: readonly RefLag[], tol: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.equal(a.lag, e.lag);
    assert.equal(a.n, e.n, `lag ${e.lag}: n`);
    close(a.r, e.r, tol, `lag ${e.lag}: r`);
    close(a.ciLow, e.ciLow, tol, `lag ${e.lag}: ciLow`);
    close(a.ciHigh, e.ciHigh, tol, `lag ${e.lag}: ciHigh`);
  }
}

/**
 * Random ticks of two related markets: A is a random walk; B copies A's price of ~2 ms earlier
 * with its own noise. Times: mostly short gaps, some ticks exactly on grid points, some idle gaps
 * of up to 200 ms, repeated prices (bursts that change nothing); one market starts earlier so
 * its first ticks are history before T_start.
 */
function randomPair(seed: number, ticks: number, g: number): { a: Series; b: Series } {
  const rand = mulberry32(seed);
  const times = (t0: number): Float64Array => {
    const t = new Float64Array(ticks);
    let now = t0;
    for (let i = 0; i < ticks; i++) {
      const u = rand();
      if (u < 0.15) now = (Math.floor(now / g) + 1) * g; // exactly on the next grid point
      else if (u < 0.2) now += 20_000 + Math.floor(rand() * 180_000); // idle gap
      else now += 1 + Math.floor(rand() * 1500);
      t[i] = now;
    }
    return t;
  };
  const aStart = 1_700_000_000_000_000 + Math.floor(rand() * 5000);
  const bStart = aStart + Math.floor((rand() - 0.3) * 20_000);
  const tA = times(aStart);
  const pA = new Float64Array(ticks);
  let price = 30_000;
  for (let i = 0; i < ticks; i++) {
    if (rand() < 0.6) price *= Math.exp((rand() - 0.5) * 4e-4);
    pA[i] = price;
  }
  const tB = times(bStart);
  const pB = new Float64Array(ticks);
  let j = 0;
  for (let i = 0; i < ticks; i++) {
    while (j + 1 < ticks && tA[j + 1]! <= tB[i]! - 2000) j++;
    pB[i] = rand() < 0.3 && i > 0 ? pB[i - 1]! : pA[j]! * Math.exp((rand() - 0.5) * 1e-5) + 5;
  }
  return { a: { t: tA, p: pA }, b: { t: tB, p: pB } };
}

const LAGS_5 = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];

// ---------------------------------------------------------------------------------------------
// Hand-worked example.
// ---------------------------------------------------------------------------------------------

/*
 * G = 1000 µs. Prices are powers of two, so every log-return is an integer multiple of ln 2
 * (up to one rounding of Math.log) and r, being scale-free, is computed here in units of ln 2.
 *
 * A ticks: (200, 3) history, (900, 1), (1500, 2), (3000, 4) on a grid point, (3999, 2), (5200, 2)
 *          repeats the price, (5600, 4), (6400, 4) after the last grid point.
 * B ticks: (1000, 1) on a grid point, (2500, 1), (2999, 2), (4000, 4), (4500, 4), (5001, 3) never
 *          seen on the grid, (5999, 2), (6999, 2).
 * T_start = max(200, 1000) = 1000 → n0 = 1; T_end = min(6400, 6999) = 6400 → n1 = 6: 6 grid points.
 * LOCF at 1000…6000:  A = 1, 2, 4, 2, 2, 4   B = 1, 1, 2, 4, 4, 2
 * Returns k = 1..5:   a = 1, 1, −1, 0, 1     b = 0, 1, 1, 0, −1
 *
 * With V = Σ(x − x̄)² = Σx² − (Σx)²/N and C = Σxy − ΣxΣy/N:
 * τ = 0, N = 5: pairs (1,0) (1,1) (−1,1) (0,0) (1,−1). Σa = 2, Σb = 1, Σab = −1, Σa² = 4, Σb² = 3.
 *    C = −1 − 2/5 = −7/5, Va = 4 − 4/5 = 16/5, Vb = 3 − 1/5 = 14/5 → r = −7/√224.
 * τ = +1 (a[k] with b[k+1]), N = 4: (1,1) (1,1) (−1,0) (0,−1). Σa = 1, Σb = 1, Σab = 2, Σa² = 3,
 *    Σb² = 3. C = 2 − 1/4 = 7/4, Va = Vb = 3 − 1/4 = 11/4 → r = 7/11.
 * τ = −1 (a[k] with b[k−1]), N = 4: (1,0) (−1,1) (0,1) (1,0). Σa = 1, Σb = 2, Σab = −1, Σa² = 3,
 *    Σb² = 2. C = −1 − 2/4 = −3/2, Va = 11/4, Vb = 2 − 1 = 1 → r = −3/√11.
 * τ = +2, N = 3: (1,1) (1,0) (−1,−1). Σa = 1, Σb = 0, Σab = 2, Σa² = 3, Σb² = 2.
 *    C = 2, Va = 3 − 1/3 = 8/3, Vb = 2 → r = 2/√(16/3) = √3/2; N ≤ 3 → no interval.
 * τ = +3, N = 2: (1,0) (1,−1): a is constant → r n/a.
 * τ = −3, N = 2: (0,0) (1,1) → r = 1, no interval.
 * τ = +4, N = 1 → n/a.  τ = −6: |τ| > 5 returns → N = 0, n/a.
 */
const HAND_A = series([[200, 3], [900, 1], [1500, 2], [3000, 4], [3999, 2], [5200, 2], [5600, 4], [6400, 4]]);
const HAND_B = series([[1000, 1], [2500, 1], [2999, 2], [4000, 4], [4500, 4], [5001, 3], [5999, 2], [6999, 2]]);

function expectedInterval(r: number, n: number): [number, number] {
  const half = 1.96 / Math.sqrt(n - 3);
  return [Math.tanh(Math.atanh(r) - half), Math.tanh(Math.atanh(r) + half)];
}

test('xcorrFromArrays: hand-worked 6-point grid gives the span and r derived by hand', () => {
  const res = xcorrFromArrays(HAND_A.t, HAND_A.p, HAND_B.t, HAND_B.p, 1000, [0, 1, -1, 2, 3, -3, 4, -6]);
  assert.ok(res !== undefined);
  assert.deepEqual(
    { tStart: res.tStart, tEnd: res.tEnd, n0: res.n0, n1: res.n1, points: res.points, returns: res.returns },
    { tStart: 1000, tEnd: 6400, n0: 1, n1: 6, points: 6, returns: 5 },
  );
  const [l0, l1, lm1, l2, l3, lm3, l4, lm6] = res.lags as [LagResult, LagResult, LagResult, LagResult, LagResult, LagResult, LagResult, LagResult];
  const tol = 1e-12;
  assert.equal(l0.n, 5);
  close(l0.r, -7 / Math.sqrt(224), tol, 'τ=0');
  close(l0.ciLow, expectedInterval(-7 / Math.sqrt(224), 5)[0], tol, 'τ=0 low');
  close(l0.ciHigh, expectedInterval(-7 / Math.sqrt(224), 5)[1], tol, 'τ=0 high');
  assert.equal(l1.n, 4);
  close(l1.r, 7 / 11, tol, 'τ=1');
  close(l1.ciLow, expectedInterval(7 / 11, 4)[0], tol, 'τ=1 low');
  close(l1.ciHigh, expectedInterval(7 / 11, 4)[1], tol, 'τ=1 high');
  assert.equal(lm1.n, 4);
  close(lm1.r, -3 / Math.sqrt(11), tol, 'τ=-1');
  assert.equal(l2.n, 3);
  close(l2.r, Math.sqrt(3) / 2, tol, 'τ=2');
  assert.equal(l2.ciLow, null);
  assert.equal(l2.ciHigh, null);
  // τ = +3: one product (1·−1) is non-zero: n_effective 1, top_step_share 1.
  assert.deepEqual(l3, { lag: 3, r: null, n: 2, ciLow: null, ciHigh: null, nEffective: 1, topStepShare: 1, beta: null, r2: null });
  assert.equal(lm3.n, 2);
  close(lm3.r, 1, tol, 'τ=-3');
  assert.equal(lm3.ciLow, null);
  // τ = +4: the one pair (a[1], b[5]) = (1, −1).
  assert.deepEqual(l4, { lag: 4, r: null, n: 1, ciLow: null, ciHigh: null, nEffective: 1, topStepShare: 1, beta: null, r2: null });
  assert.deepEqual(lm6, { lag: -6, r: null, n: 0, ciLow: null, ciHigh: null, nEffective: 0, topStepShare: null, beta: null, r2: null });
  // τ = 0: non-zero products (1·1), (−1·1), (1·−1), each |xy| = (ln 2)² → n_effective 3, share 1/3;
  // β = C / Va = (−7/5) / (16/5) = −7/16; R² = 49/224.
  assert.equal(l0.nEffective, 3);
  close(l0.topStepShare, 1 / 3, tol, 'τ=0 share');
  close(l0.beta, -7 / 16, tol, 'τ=0 beta');
  close(l0.r2, 49 / 224, tol, 'τ=0 r2');
  // τ = +1: products (1·1), (1·1) → n_effective 2, share 1/2; Va = Vb so β = r = 7/11.
  assert.equal(l1.nEffective, 2);
  close(l1.topStepShare, 1 / 2, tol, 'τ=1 share');
  close(l1.beta, 7 / 11, tol, 'τ=1 beta');
});

test('GridAligner: hand-worked grid emits the returns derived by hand (in units of ln 2)', () => {
  const got = recordReturns((al) => {
    al.pushA(HAND_A.t, HAND_A.p);
    al.pushB(HAND_B.t, HAND_B.p);
  });
  assert.deepEqual(got.a.map((r) => Math.round(r / Math.LN2)), [1, 1, -1, 0, 1]);
  assert.deepEqual(got.b.map((r) => Math.round(r / Math.LN2)), [0, 1, 1, 0, -1]);
  for (const r of [...got.a, ...got.b]) assert.ok(Math.abs(r - Math.round(r / Math.LN2) * Math.LN2) < 1e-15);
});

// ---------------------------------------------------------------------------------------------
// Against the brute-force reference.
// ---------------------------------------------------------------------------------------------

/** A sink that records every return, expanding zero runs. */
function recordReturns(feed: (aligner: GridAligner) => void, g = 1000) {
  const a: number[] = [];
  const b: number[] = [];
  const sink: ReturnSink = {
    push(rA, rB) {
      a.push(rA);
      b.push(rB);
    },
    pushZeros(count) {
      assert.ok(Number.isInteger(count) && count > 0, `pushZeros(${count})`);
      for (let i = 0; i < count; i++) {
        a.push(0);
        b.push(0);
      }
    },
  };
  const aligner = new GridAligner(g, sink);
  feed(aligner);
  const span = aligner.finish();
  return { a, b, span };
}

test('GridAligner: returns equal the reference LOCF grid returns exactly', () => {
  for (const [seed, g] of [[1, 1000], [2, 1000], [3, 700], [4, 50]] as const) {
    const { a, b } = randomPair(seed, 600, g);
    const ref = referenceXcorr(a, b, g, []);
    const got = recordReturns((al) => {
      al.pushA(a.t, a.p);
      al.pushB(b.t, b.p);
    }, g);
    assert.ok(got.span !== undefined);
    assert.deepEqual([got.span.tStart, got.span.tEnd, got.span.n0, got.span.n1], [ref.start, ref.end, ref.n0, ref.n1]);
    assert.equal(got.a.length, ref.n1 - ref.n0);
    assert.deepEqual(got.a, ref.rA, `seed ${seed}: A returns`);
    assert.deepEqual(got.b, ref.rB, `seed ${seed}: B returns`);
  }
});

test('xcorrFromArrays: lags -5..5 agree with a two-pass brute-force computation to 1e-12', () => {
  for (const seed of [11, 12, 13, 14, 15]) {
    const g = seed === 15 ? 250 : 1000;
    const { a, b } = randomPair(seed, 2500, g);
    const ref = referenceXcorr(a, b, g, LAGS_5);
    const res = xcorrFromArrays(a.t, a.p, b.t, b.p, g, LAGS_5);
    assert.ok(res !== undefined);
    assert.equal(res.points, ref.n1 - ref.n0 + 1);
    assert.ok(res.returns > 1000, `seed ${seed}: a real test needs many returns (${res.returns})`);
    assertLagsClose(res.lags, ref.lags, 1e-12);
    // The generator makes B follow A by 2 ms: the correlation must show it, or this test proves
    // little (at G = 250 µs that lead is 8 steps, outside the lags).
    if (g !== 1000) continue;
    const best = (sign: number) => Math.max(...res.lags.filter((l) => Math.sign(l.lag) === sign).map((l) => l.r!));
    assert.ok(best(1) > best(-1) + 0.01, `seed ${seed}: A's lead does not show`);
  }
});

test('xcorrFromArrays: swapping A and B maps lag τ to −τ with the same r and N', () => {
  for (const seed of [21, 22, 23]) {
    const { a, b } = randomPair(seed, 2000, 1000);
    const ab = xcorrFromArrays(a.t, a.p, b.t, b.p, 1000, LAGS_5)!;
    const ba = xcorrFromArrays(b.t, b.p, a.t, a.p, 1000, LAGS_5)!;
    assert.equal(ab.points, ba.points);
    for (const l of ab.lags) {
      const m = ba.lags.find((x) => x.lag === -l.lag)!;
      assert.equal(m.n, l.n);
      close(m.r, l.r, 1e-15, `lag ${l.lag}`);
      close(m.ciLow, l.ciLow, 1e-15, `lag ${l.lag} low`);
      close(m.ciHigh, l.ciHigh, 1e-15, `lag ${l.lag} high`);
    }
  }
});

test('GridAligner: any batch sizes and any interleaving of A and B give identical results', () => {
  const { a, b } = randomPair(31, 3000, 1000);
  const whole = xcorrFromArrays(a.t, a.p, b.t, b.p, 1000, LAGS_5)!;
  for (const seed of [1, 2, 3, 4]) {
    const rand = mulberry32(seed);
    const correlator = new LagCorrelator(LAGS_5);
    const aligner = new GridAligner(1000, correlator);
    let ia = 0;
    let ib = 0;
    while (ia < a.t.length || ib < b.t.length) {
      const useA = ib >= b.t.length || (ia < a.t.length && rand() < 0.5);
      const s = useA ? a : b;
      const from = useA ? ia : ib;
      const size = Math.min(s.t.length - from, rand() < 0.2 ? 0 : 1 + Math.floor(rand() * (rand() < 0.5 ? 5 : 400)));
      // Batches are views with extra rows past `length` that must be ignored.
      const t = s.t.subarray(from, from + size + 3);
      const p = s.p.subarray(from, from + size + 3);
      if (useA) aligner.pushA(t, p, size);
      else aligner.pushB(t, p, size);
      if (useA) ia += size;
      else ib += size;
      // Declaring a stream's end early (or not at all) must not change anything.
      if (useA && ia === a.t.length && seed % 2 === 0) aligner.endA();
      if (!useA && ib === b.t.length && seed % 2 === 0) aligner.endB();
    }
    const span = aligner.finish()!;
    assert.deepEqual({ ...span, lags: correlator.result() }, whole, `interleaving seed ${seed}`);
  }
});

test('GridAligner: memory stays bounded when the lagging stream is fed first', () => {
  const { a, b } = randomPair(41, 20_000, 1000);
  const chunk = 100;
  const aligner = new GridAligner(1000, new LagCorrelator(LAGS_5));
  let ia = 0;
  let ib = 0;
  let most = 0;
  let endedA = false;
  let endedB = false;
  while (ia < a.t.length || ib < b.t.length) {
    if (ia >= a.t.length && !endedA) {
      aligner.endA();
      endedA = true;
    }
    if (ib >= b.t.length && !endedB) {
      aligner.endB();
      endedB = true;
    }
    const lastA = ia === 0 ? -Infinity : a.t[ia - 1]!;
    const lastB = ib === 0 ? -Infinity : b.t[ib - 1]!;
    if (ib >= b.t.length || (ia < a.t.length && lastA <= lastB)) {
      const n = Math.min(chunk, a.t.length - ia);
      aligner.pushA(a.t.subarray(ia, ia + n), a.p.subarray(ia, ia + n));
      ia += n;
    } else {
      const n = Math.min(chunk, b.t.length - ib);
      aligner.pushB(b.t.subarray(ib, ib + n), b.p.subarray(ib, ib + n));
      ib += n;
    }
    most = Math.max(most, aligner.bufferedTicks);
  }
  // The leading stream holds at most its last chunk, the lagging one a grid step's worth of
  // ticks; once one stream has ended, the other's ticks past its end are dropped.
  assert.ok(aligner.finish() !== undefined);
  assert.ok(most <= 3 * chunk, `buffered up to ${most} ticks`);
  assert.ok(Math.abs(a.t[a.t.length - 1]! - b.t[b.t.length - 1]!) > 1e6, 'the streams should end far apart');
});

test('GridAligner: a market starting long before the other does not pile up its history', () => {
  // A ticks every 1 ms from t = 0 for 100 s; B every 1.3 ms from t = 60 s. Fed lagging first in
  // chunks of 100, A runs 60 s (60 000 ticks) ahead of B's first tick before the grid starts.
  const a = series(Array.from({ length: 100_000 }, (_, i) => [i * 1000, 100 + (i % 7)] as const));
  const b = series(Array.from({ length: 30_000 }, (_, i) => [60_000_000 + i * 1300, 50 + (i % 5)] as const));
  const chunk = 100;
  const aligner = new GridAligner(1000, new LagCorrelator([0]));
  let ia = 0;
  let ib = 0;
  let most = 0;
  aligner.pushA(a.t.subarray(0, chunk), a.p.subarray(0, chunk));
  aligner.pushB(b.t.subarray(0, chunk), b.p.subarray(0, chunk));
  ia = ib = chunk;
  while (ia < a.t.length && ib < b.t.length) {
    if (a.t[ia - 1]! <= b.t[ib - 1]!) {
      aligner.pushA(a.t.subarray(ia, ia + chunk), a.p.subarray(ia, ia + chunk));
      ia += chunk;
    } else {
      aligner.pushB(b.t.subarray(ib, ib + chunk), b.p.subarray(ib, ib + chunk));
      ib += chunk;
    }
    most = Math.max(most, aligner.bufferedTicks);
  }
  assert.ok(most <= 3 * chunk, `buffered up to ${most} ticks`);
  assert.equal(aligner.finish()!.n0, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Edge cases.
// ---------------------------------------------------------------------------------------------

test('xcorrFromArrays: a constant series gives r null (n/a), never NaN', () => {
  const { b } = randomPair(51, 500, 1000);
  const flat = { t: b.t.map((t) => t - 777), p: new Float64Array(b.t.length).fill(100.5) };
  for (const [x, y] of [[flat, b], [b, flat]] as const) {
    const res = xcorrFromArrays(x.t, x.p, y.t, y.p, 1000, LAGS_5)!;
    assert.ok(res.returns > 100);
    for (const l of res.lags) {
      assert.equal(l.r, null);
      assert.equal(l.ciLow, null);
      assert.equal(l.ciHigh, null);
      assert.equal(l.n, res.returns - Math.abs(l.lag));
    }
  }
});

test('LagCorrelator: a constant non-zero return series is n/a, though its rounded variance need not be 0 (lagStats)', () => {
  const rand = mulberry32(61);
  const c = new LagCorrelator([-2, 0, 2]);
  for (let i = 0; i < 1000; i++) c.push(1.2345678e-4, (rand() - 0.5) * 1e-4);
  for (const l of c.result()) assert.equal(l.r, null, `lag ${l.lag}`);
});

test('LagCorrelator: a series constant on one lag range only is n/a for that lag only', () => {
  // a = 5, 5, 5, 7 (changes at k = 4), b = 1, 2, 3, 4.
  // τ = +1 uses a[1..3] = 5, 5, 5 → n/a; τ = −1 uses a[2..4] = 5, 5, 7 with b[1..3] = 1, 2, 3:
  // Σa = 17, Σb = 6, Σab = 5 + 10 + 21 = 36, Σa² = 99, Σb² = 14;
  // C = 36 − 102/3 = 2, Va = 99 − 289/3 = 8/3, Vb = 14 − 12 = 2 → r = 2/√(16/3) = √3/2.
  const c = new LagCorrelator([1, -1]);
  [5, 5, 5, 7].forEach((x, i) => c.push(x, i + 1));
  const [plus, minus] = c.result() as [LagResult, LagResult];
  // τ = +1 pairs (5,2) (5,3) (5,4): products 10, 15, 20 → n_effective 3, share 20/45.
  assert.deepEqual(plus, { lag: 1, r: null, n: 3, ciLow: null, ciHigh: null, nEffective: 3, topStepShare: 20 / 45, beta: null, r2: null });
  close(minus.r, Math.sqrt(3) / 2, 1e-14, 'τ=-1');
});

test('LagCorrelator: N ≤ 3 has r but no interval; N = 4 has both; N < 2 has neither', () => {
  // Returns a = 1, 2, 4, 3, 5 and b = 2, 1, 3, 5, 4 at lag 0 (N = 5), lag ±1 (N = 4), ±2 (N = 3), ±4 (N = 1).
  const c = new LagCorrelator([0, 1, -1, 2, -2, 4, -4]);
  const a = [1, 2, 4, 3, 5];
  const b = [2, 1, 3, 5, 4];
  a.forEach((x, i) => c.push(x, b[i]!));
  const byLag = new Map(c.result().map((l) => [l.lag, l]));
  const ref = new Map(referenceLags(a, b, [0, 1, -1, 2, -2, 4, -4]).map((l) => [l.lag, l]));
  for (const lag of [0, 1, -1]) {
    assert.ok(byLag.get(lag)!.ciLow !== null && byLag.get(lag)!.ciHigh !== null, `lag ${lag}`);
    assertLagsClose([byLag.get(lag)!], [ref.get(lag)!], 1e-14);
  }
  for (const lag of [2, -2]) {
    assert.equal(byLag.get(lag)!.n, 3);
    assert.ok(byLag.get(lag)!.r !== null);
    assert.equal(byLag.get(lag)!.ciLow, null);
    assert.equal(byLag.get(lag)!.ciHigh, null);
  }
  // ±4: one pair each, (a1, b5) = (1, 4) and (a5, b1) = (5, 2), both non-zero.
  for (const lag of [4, -4]) assert.deepEqual(byLag.get(lag), { lag, r: null, n: 1, ciLow: null, ciHigh: null, nEffective: 1, topStepShare: 1, beta: null, r2: null });
});

test('fisherInterval: r = ±1 gives the degenerate interval [r, r]; N ≤ 3 gives none', () => {
  assert.deepEqual(fisherInterval(1, 100), [1, 1]);
  assert.deepEqual(fisherInterval(-1, 4), [-1, -1]);
  assert.equal(fisherInterval(0.5, 3), null);
  const [lo, hi] = fisherInterval(0, 7)!; // atanh(0) = 0, half-width 1.96/2 = 0.98
  close(lo, Math.tanh(-0.98), 1e-15, 'low');
  close(hi, Math.tanh(0.98), 1e-15, 'high');
});

test('LagCorrelator: perfectly correlated returns give r = 1 with interval [1, 1]', () => {
  const rand = mulberry32(71);
  const c = new LagCorrelator([0, 3]);
  const xs: number[] = [];
  for (let i = 0; i < 500; i++) xs.push((rand() - 0.5) * 1e-4);
  for (let i = 0; i < 500; i++) c.push(xs[i]!, i >= 3 ? xs[i - 3]! : 0); // b[n] = a[n − 3]
  const lag3 = c.result()[1]!;
  close(lag3.r, 1, 1e-14, 'r');
  assert.ok(lag3.r! <= 1 && lag3.ciLow! <= 1 && lag3.ciHigh! <= 1);
  assert.ok(lag3.ciLow! > 0.999 && lag3.ciHigh! <= 1);
});

test('xcorrFromArrays: markets that do not overlap give undefined', () => {
  const a = series([[1000, 1], [5000, 2]]);
  const b = series([[6000, 1], [9000, 2]]);
  assert.equal(xcorrFromArrays(a.t, a.p, b.t, b.p, 1000, [1]), undefined);
  assert.equal(xcorrFromArrays(b.t, b.p, a.t, a.p, 1000, [1]), undefined);
  const empty = series([]);
  assert.equal(xcorrFromArrays(empty.t, empty.p, b.t, b.p, 1000, [1]), undefined);
  assert.equal(xcorrFromArrays(a.t, a.p, empty.t, empty.p, 1000, [1]), undefined);
});

test('xcorrFromArrays: an overlap without a grid point has 0 points; one point has 0 returns', () => {
  // Overlap [1500, 1800] holds no multiple of 1000.
  const a = series([[1200, 1], [1800, 2]]);
  const b = series([[1500, 1], [1900, 2]]);
  const none = xcorrFromArrays(a.t, a.p, b.t, b.p, 1000, [0, 1])!;
  assert.deepEqual(
    { n0: none.n0, n1: none.n1, points: none.points, returns: none.returns },
    { n0: 2, n1: 1, points: 0, returns: 0 },
  );
  const empty = { r: null, n: 0, ciLow: null, ciHigh: null, nEffective: 0, topStepShare: null, beta: null, r2: null };
  assert.deepEqual(none.lags[0], { lag: 0, ...empty });
  // Overlap [1500, 2500] holds 2000 only.
  const c = series([[1500, 1], [2600, 2]]);
  const d = series([[1200, 1], [2500, 2]]);
  const one = xcorrFromArrays(c.t, c.p, d.t, d.p, 1000, [0]);
  assert.deepEqual(one, { tStart: 1500, tEnd: 2500, n0: 2, n1: 2, points: 1, returns: 0, lags: [{ lag: 0, ...empty }] });
});

test('GridAligner: out-of-order times, non-positive prices and pushes after finish are rejected', () => {
  const al = new GridAligner(1000, new LagCorrelator([0]));
  al.pushA(Float64Array.of(1000, 2000), Float64Array.of(1, 2));
  assert.throws(() => al.pushA(Float64Array.of(2000), Float64Array.of(1)), RangeError);
  assert.throws(() => al.pushB(Float64Array.of(5, 4), Float64Array.of(1, 1)), RangeError);
  assert.throws(() => al.pushB(Float64Array.of(5), Float64Array.of(0)), RangeError);
  assert.throws(() => al.pushB(Float64Array.of(5), Float64Array.of(NaN)), RangeError);
  assert.throws(() => new GridAligner(0, new LagCorrelator([0])), RangeError);
  al.endA();
  assert.throws(() => al.pushA(Float64Array.of(3000), Float64Array.of(1)), RangeError);
  al.finish();
  assert.throws(() => al.pushB(Float64Array.of(3000), Float64Array.of(1)), RangeError);
});

// ---------------------------------------------------------------------------------------------
// The correlator at scale.
// ---------------------------------------------------------------------------------------------

/** A Neumaier-compensated running sum. */
class CompensatedSum {
  private s = 0;
  private c = 0;
  add(v: number): void {
    const t = this.s + v;
    this.c += Math.abs(this.s) >= Math.abs(v) ? this.s - t + v : v - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/**
 * Two-pass reference with Neumaier-compensated sums over the pairs (a[i], b[i + lag]), reading
 * the returns twice. (It read them through accessor closures, with closures for sums: the same
 * operations in the same order, at a quarter of the speed; the two tests that use it spent most
 * of their time here.)
 */
function compensatedTwoPass(a: Float64Array, b: Float64Array, lag: number): number | null {
  const n = a.length - Math.abs(lag);
  if (n < 2) return null;
  // Pair i is (a[i + da], b[i + db]).
  const da = lag >= 0 ? 0 : -lag;
  const db = lag >= 0 ? lag : 0;
  const sx = new CompensatedSum();
  const sy = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    sx.add(a[i + da]!);
    sy.add(b[i + db]!);
  }
  const mx = sx.value / n;
  const my = sy.value / n;
  const vxx = new CompensatedSum();
  const vyy = new CompensatedSum();
  const vxy = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const dx = a[i + da]! - mx;
    const dy = b[i + db]! - my;
    vxx.add(dx * dx);
    vyy.add(dy * dy);
    vxy.add(dx * dy);
  }
  return vxy.value / Math.sqrt(vxx.value * vyy.value);
}

test('LagCorrelator: 1 million sparse returns with flat runs agree with a compensated two-pass to 1e-12', () => {
  const m = 1_000_000;
  const rand = mulberry32(81);
  // Sparse, fat-tailed returns like LOCF grid returns: ~85 % exact zeros in runs, B echoing A 2 steps later.
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    if (rand() < 0.12) a[j] = (rand() - 0.5) * 2e-4 * (rand() < 0.01 ? 50 : 1);
    if (j >= 2 && a[j - 2] !== 0 && rand() < 0.7) b[j] = 0.8 * a[j - 2]! + (rand() - 0.5) * 2e-5;
    else if (rand() < 0.05) b[j] = (rand() - 0.49) * 1e-4;
  }
  const c = new LagCorrelator(LAGS_5);
  for (let j = 0; j < m; ) {
    if (a[j] === 0 && b[j] === 0) {
      let k = j;
      while (k < m && a[k] === 0 && b[k] === 0) k++;
      c.pushZeros(k - j);
      j = k;
    } else {
      c.push(a[j]!, b[j]!);
      j++;
    }
  }
  assert.equal(c.count, m);
  for (const l of c.result()) {
    assert.equal(l.n, m - Math.abs(l.lag));
    close(l.r, compensatedTwoPass(a, b, l.lag), 1e-12, `lag ${l.lag}`);
  }
  assert.ok(c.result().find((l) => l.lag === 2)!.r! > 0.5);
});

test('LagCorrelator: returns with a drift (mean 10 % of the std) still agree with the two-pass to 1e-12', () => {
  const m = 300_000;
  const rand = mulberry32(91);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    a[j] = 1e-5 * (0.1 + (rand() - 0.5) * Math.sqrt(12));
    b[j] = 0.3 * (j > 0 ? a[j - 1]! : 0) + 1e-5 * (-0.1 + (rand() - 0.5) * Math.sqrt(12));
  }
  const c = new LagCorrelator(LAGS_5);
  for (let j = 0; j < m; j++) c.push(a[j]!, b[j]!);
  for (const l of c.result()) close(l.r, compensatedTwoPass(a, b, l.lag), 1e-12, `lag ${l.lag}`);
});

test('LagCorrelator: pushZeros(k) is exactly k calls of push(0, 0)', () => {
  const rand = mulberry32(101);
  const one = new LagCorrelator([-7, -1, 0, 2, 7]);
  const bulk = new LagCorrelator([-7, -1, 0, 2, 7]);
  for (let step = 0; step < 300; step++) {
    if (rand() < 0.5) {
      const k = 1 + Math.floor(rand() * 20);
      for (let i = 0; i < k; i++) one.push(0, 0);
      bulk.pushZeros(k);
    } else {
      const x = rand() < 0.5 ? 0 : rand() - 0.5;
      const y = rand() < 0.5 ? 0 : rand() - 0.5;
      one.push(x, y);
      bulk.push(x, y);
    }
  }
  assert.equal(one.count, bulk.count);
  assert.deepEqual(bulk.result(), one.result());
});

test('LagCorrelator: with few pushes every lag pairs only what exists (streamed = reference)', () => {
  const rand = mulberry32(111);
  for (const m of [0, 1, 2, 3, 5, 6, 7, 12]) {
    const a = Array.from({ length: m }, () => (rand() < 0.3 ? 0 : rand() - 0.5));
    const b = Array.from({ length: m }, () => (rand() < 0.3 ? 0 : rand() - 0.5));
    const c = new LagCorrelator(LAGS_5);
    a.forEach((x, i) => c.push(x, b[i]!));
    assertLagsClose(c.result(), referenceLags(a, b, LAGS_5), 1e-13);
  }
});

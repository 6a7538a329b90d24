/**
 * The sparse correlator (src/core/xcorr.ts: pairs of non-zero returns only, each lag's sides from
 * per-cell market sums) against a dense reference written here: a plain double loop over every
 * grid point and every lag, with two-pass statistics. N and n_effective must be equal, r, β and
 * top_step_share within 1e-12, on every fixture (the exchange and generic ones by holding the
 * Tardis fixture's ticks) and on random grids with bursts of non-zero returns, for lag sets
 * −H…H, a sparse far set (50..500) and single lags, and with cells shorter and longer than the
 * lags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GridAligner, type ReturnSink } from '../src/core/align.js';
import { fixedCells } from '../src/core/cells.js';
import { LagCorrelator, type LagResult } from '../src/core/xcorr.js';
import { readQuotes, STRICT } from './io-helpers.js';
import { mulberry32 } from './prng.js';

interface DenseLag {
  lag: number;
  n: number;
  nEffective: number;
  r: number | null;
  beta: number | null;
  topStepShare: number | null;
}

/**
 * Table 2 by definition (docs/definitions.md §4): for each lag every pair (a[i], b[i + τ]) of the
 * arrays, two passes. The loops run over the i whose pair exists (max(0, −τ) ≤ i < min(M, M − τ)).
 */
function dense(a: Float64Array, b: Float64Array, lags: readonly number[]): DenseLag[] {
  const m = a.length;
  return lags.map((lag) => {
    const from = Math.max(0, -lag);
    const to = Math.min(m, m - lag);
    let n = 0;
    let nEffective = 0;
    let sx = 0;
    let sy = 0;
    let absSum = 0;
    let absMax = 0;
    for (let i = from; i < to; i++) {
      const x = a[i]!;
      const y = b[i + lag]!;
      n++;
      sx += x;
      sy += y;
      const p = Math.abs(x * y);
      if (x !== 0 && y !== 0) nEffective++;
      absSum += p;
      absMax = Math.max(absMax, p);
    }
    const topStepShare = absSum > 0 ? absMax / absSum : null;
    if (n < 2) return { lag, n, nEffective, r: null, beta: null, topStepShare };
    const mx = sx / n;
    const my = sy / n;
    let vx = 0;
    let vy = 0;
    let c = 0;
    for (let i = from; i < to; i++) {
      const dx = a[i]! - mx;
      const dy = b[i + lag]! - my;
      vx += dx ** 2;
      vy += dy ** 2;
      c += dx * dy;
    }
    if (vx === 0 || vy === 0) return { lag, n, nEffective, r: null, beta: null, topStepShare };
    return { lag, n, nEffective, r: c / Math.sqrt(vx * vy), beta: c / vx, topStepShare };
  });
}

function assertSame(got: readonly LagResult[], want: readonly DenseLag[], what: string): void {
  assert.equal(got.length, want.length);
  want.forEach((w, k) => {
    const g = got[k]!;
    const at = `${what}, lag ${w.lag}`;
    assert.equal(g.lag, w.lag, at);
    assert.equal(g.n, w.n, `${at}: N`);
    assert.equal(g.nEffective, w.nEffective, `${at}: n_effective`);
    for (const f of ['r', 'beta', 'topStepShare'] as const) {
      if (w[f] === null) assert.equal(g[f], null, `${at}: ${f}`);
      else assert.ok(g[f] !== null && Math.abs(g[f]! - w[f]!) <= 1e-12 * Math.max(1, Math.abs(w[f]!)), `${at}: ${f} ${g[f]} vs ${w[f]}`);
    }
  });
}

/** A sink that keeps every return (runs of zeros as pushZeros, like the aligner sends them). */
function recorder(): ReturnSink & { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  return {
    a,
    b,
    begin: () => {},
    push(x, y) {
      a.push(x);
      b.push(y);
    },
    pushZeros(count) {
      for (let i = 0; i < count; i++) (a.push(0), b.push(0));
    },
  };
}

/** Both markets' ticks through a GridAligner of 1 ms into `sink`. */
function align(a: { t: number[]; price: number[] }, b: { t: number[]; price: number[] }, sink: ReturnSink): void {
  const aligner = new GridAligner(1000, sink);
  aligner.pushA(Float64Array.from(a.t), Float64Array.from(a.price));
  aligner.endA();
  aligner.pushB(Float64Array.from(b.t), Float64Array.from(b.price));
  aligner.finish();
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const LAG_SETS: readonly (readonly number[])[] = [range(-50, 50), range(50, 500), [7], [-300], [0]];

const FIXTURES: readonly [string, string, string][] = [
  ['tardis', 'fixtures/tardis/spot_quotes.csv', 'fixtures/tardis/perp_quotes.csv'],
  ['binance', 'fixtures/binance/spot_quotes.csv', 'fixtures/binance/perp_quotes.csv'],
];
/** Fixtures of the Tardis fixture's very ticks in other layouts: the same returns, so the same tables. */
const SAME_TICKS: readonly [string, string, string][] = [
  ['exchange', 'fixtures/exchange/spot_quotes.csv', 'fixtures/exchange/perp_quotes.csv'],
  ['generic', 'fixtures/generic/spot_quotes.csv', 'fixtures/generic/perp_quotes.csv.gz'],
];

test('the exchange and generic fixtures hold the Tardis fixture\'s ticks (so its comparison below covers them)', async () => {
  const tardis = [await readQuotes(FIXTURES[0]![1]), await readQuotes(FIXTURES[0]![2])];
  for (const [name, spot, perp] of SAME_TICKS) {
    const other = [await readQuotes(spot), await readQuotes(perp)];
    other.forEach((q, i) => {
      assert.deepEqual(q.t, tardis[i]!.t, `${name} ${i}: times`);
      assert.deepEqual(q.price, tardis[i]!.price, `${name} ${i}: prices`);
    });
  }
});

for (const [name, spot, perp] of FIXTURES) {
  test(`sparse correlator = dense reference on the ${name} fixture (N, n_effective exact; r, β, top_step_share to 1e-12)`, async () => {
    const [a, b] = [await readQuotes(spot), await readQuotes(perp, STRICT)];
    // The aligner's returns, recorded once: every run below aligns the same ticks again, into its correlator.
    const rec = recorder();
    align(a, b, rec);
    assert.ok(rec.a.length > 19_000, `${name}: ${rec.a.length} returns`);
    const [ra, rb] = [Float64Array.from(rec.a), Float64Array.from(rec.b)];
    for (const lags of LAG_SETS) {
      const want = dense(ra, rb, lags);
      for (const cellUs of [10_000_000, 200_000]) {
        const c = new LagCorrelator(lags, { gridUs: 1000, cells: [fixedCells(cellUs)] });
        align(a, b, c);
        assert.equal(c.count, rec.a.length, `${name}: the correlator saw every return`);
        assertSame(c.result(), want, `${name}, lags ${lags[0]}…${lags[lags.length - 1]}, cells of ${cellUs} µs`);
      }
    }
  });
}

/**
 * M returns per market: quiet stretches (all zero), sparse stretches (5 % non-zero) and bursts
 * (90 % non-zero) in random order, B echoing A 3 steps later half the time, occasional exact
 * repeats of a value (so equal products occur) and a few large moves.
 */
function bursty(seed: number, m: number): [Float64Array, Float64Array] {
  const rand = mulberry32(seed);
  const a = new Float64Array(m);
  const b = new Float64Array(m);
  let density = 0;
  for (let i = 0; i < m; i++) {
    if (i % 97 === 0) density = [0, 0.05, 0.9][Math.floor(rand() * 3)]!;
    if (rand() < density) a[i] = rand() < 0.1 ? 1e-4 : (rand() - 0.5) * 2e-4 * (rand() < 0.02 ? 20 : 1);
    if (i >= 3 && a[i - 3] !== 0 && rand() < 0.5) b[i] = 0.7 * a[i - 3]! + (rand() - 0.5) * 1e-5;
    else if (rand() < density / 2) b[i] = (rand() - 0.5) * 1e-4;
  }
  return [a, b];
}

test('sparse correlator = dense reference on random bursty grids, several lag sets and cell lengths', () => {
  for (const seed of [1, 2]) {
    // 10 000 steps: about 100 stretches of 97 (a third each quiet, sparse and bursty) and 20
    // times the farthest lag (500), so every lag set pairs across many stretches and, with 7 ms
    // and 40 ms cells, across 250–1 400 cell edges, each shorter than the far lags; 20 000 steps
    // repeated these and took 3.7 s of the file's 6, nearly all of it the 7 ms cells' tables.
    const [a, b] = bursty(seed, 10_000);
    for (const lags of [...LAG_SETS, [-5, -3, -1, 0, 2, 4, 6], range(-3, 3).reverse(), [300, -300, 1, 1]]) {
      const want = dense(a, b, lags);
      // Cells of 10 s (one cell), 40 ms (shorter than the far lags) and 7 ms; a second cell set must change nothing.
      for (const cells of [[fixedCells(10_000_000)], [fixedCells(40_000)], [fixedCells(7_000), fixedCells(3_000_000)]]) {
        const c = new LagCorrelator(lags, { gridUs: 1000, cells });
        c.begin(1_700_000_000_123);
        for (let i = 0; i < a.length; ) {
          let k = i;
          while (k < a.length && a[k] === 0 && b[k] === 0) k++;
          if (k > i) c.pushZeros(k - i);
          else c.push(a[i]!, b[i]!);
          i = Math.max(k, i + 1);
        }
        assertSame(c.result(), want, `seed ${seed}, ${lags.length} lags, cells ${cells.length}`);
      }
    }
  }
});

test('sparse correlator = dense reference when the span is shorter than the lags', () => {
  const rand = mulberry32(9);
  for (const m of [0, 1, 2, 5, 12, 40]) {
    const a = Float64Array.from({ length: m }, () => (rand() < 0.4 ? 0 : rand() - 0.5));
    const b = Float64Array.from({ length: m }, () => (rand() < 0.4 ? 0 : rand() - 0.5));
    const lags = range(-20, 20);
    const c = new LagCorrelator(lags, { gridUs: 1000, cells: [fixedCells(4_000)] });
    a.forEach((x, i) => c.push(x, b[i]!));
    assertSame(c.result(), dense(a, b, lags), `M = ${m}`);
  }
});

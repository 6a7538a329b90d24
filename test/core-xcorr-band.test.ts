/**
 * xcorr's band over many lags at once (src/core/xcorr-band.ts; the definition in
 * docs/definitions.md §4, "The best of many lags"): a hand-worked band; the spreads the bootstrap
 * computes (src/core/xcorr-influence.ts, xcorr-bootstrap.ts) against an independent computation
 * (each block's influence as a numerical derivative of r, each replicate's spread from its drawn
 * blocks listed one by one); the half-width over one and over many normal lags against the
 * normal distribution; and a lag of wide spread that no longer widens the others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halfWidthAt, simultaneousBand, SPREAD_FLOOR, type BandInputs } from '../src/core/xcorr-band.js';
import { influence, influenceConstants, INFLUENCE_WIDTH } from '../src/core/xcorr-influence.js';
import { bootstrapXcorr } from '../src/core/xcorr-bootstrap.js';
import { drawBlockCounts } from '../src/core/bootstrap.js';
import { correlationOfSums, PART_WIDTH, type XcorrParts } from '../src/core/xcorr-cells.js';
import { Random } from '../src/core/random.js';

/** Per-lag rows laid out as the bootstrap holds them: lag k of replicate i at k·R + i. */
function layout(lags: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(lags.flat());
}

test('simultaneousBand: five lags of five replicates, worked by hand', () => {
  assert.equal(SPREAD_FLOOR, 1.5, 'the hand-worked numbers below take F = 1.5 × the median');
  // Lag 0 (r̂ 2, ŝ 1) and lag 1 (r̂ 1, ŝ 4) are covered; lag 2 has no r̂, lag 3 no ŝ, and lag 4 is
  // left out by `covered` (its wild replicates would widen the band). F = 1.5 × median(1, 4) = 3.75.
  // Lag 0, |r* − r̂| / max(s*, F): 1/3.75, 0, 1/3.75, 2/3.75, − (s* 1, 0.5, 2, 1 are all below F).
  // Lag 1: −, 1/max(4, 3.75) = 0.25, 1/max(2, 3.75) = 4/15, 8/max(8, 3.75) = 1, −.
  // D = 4/15, 0.25, 4/15, 1, and none for replicate 4 (no finite value: left out).
  // Sorted 0.25, 4/15, 4/15, 1; the 95 % point (type 7) at rank 3·0.95 = 2.85:
  // 4/15 + 0.85 · (1 − 4/15) = 13.35/15 = 0.89.
  const boot: BandInputs = {
    replicates: 5,
    r: layout([
      [1, 2, 3, 4, NaN],
      [NaN, 0, 0, 9, NaN],
      [1, 2, 3, 4, 5],
      [100, -100, 100, -100, 100],
      [50, -50, 50, -50, 50],
    ]),
    ownSpread: Float64Array.of(1, 4, 1, NaN, 1),
    spread: layout([
      [1, 0.5, 2, 1, 1],
      [4, 4, 2, 8, 4],
      [1, 1, 1, 1, 1],
      [NaN, NaN, NaN, NaN, NaN],
      [1, 1, 1, 1, 1],
    ]),
  };
  const centre = [2, 1, null, 0, 0];
  const band = simultaneousBand(boot, centre, (k) => k !== 4)!;
  assert.equal(band.lags, 2);
  assert.ok(Math.abs(band.floor - 3.75) < 1e-12, `F = ${band.floor}`);
  assert.ok(Math.abs(band.quantile - 0.89) < 1e-12, `h = ${band.quantile}`);
  // Half-widths h · max(ŝ, F): lag 0 on the floor, 0.89 · 3.75; lag 1 on its own spread, 0.89 · 4.
  assert.ok(Math.abs(halfWidthAt(band, 0) - 3.3375) < 1e-12);
  assert.ok(Math.abs(halfWidthAt(band, 1) - 3.56) < 1e-12);
  // Lag 4 covered: F = 1.5 × median(1, 4, 1) = 1.5 and its 50/1.5 sets every D_i.
  assert.ok(Math.abs(simultaneousBand(boot, centre, () => true)!.quantile - 50 / 1.5) < 1e-12);
  // Nothing covered, or no replicates: no band.
  assert.equal(simultaneousBand(boot, centre, () => false), null);
  assert.equal(simultaneousBand({ replicates: 0, r: new Float64Array(0), ownSpread: Float64Array.of(1), spread: new Float64Array(0) }, [0.1], () => true), null);
});

test('simultaneousBand: a replicate that moved on a scale of 0 makes the band unbounded, one that did not move counts 0', () => {
  // r̂ 1: replicates 1, 1 did not move (0/0 counts 0), 2 moved by 1 on a scale of 0.
  const band = simultaneousBand({ replicates: 3, r: Float64Array.of(1, 1, 2), ownSpread: Float64Array.of(0), spread: Float64Array.of(0, 0, 0) }, [1], () => true)!;
  assert.equal(band.quantile, Infinity);
});

/** Parts of `blocks` blocks × `lags` lags from explicit observations (x, y) per block and lag. */
function partsOf(obs: readonly (readonly (readonly [number, number])[])[][]): XcorrParts {
  const blocks = obs.length;
  const lags = obs[0]!.length;
  const sums = new Float64Array(blocks * lags * PART_WIDTH);
  obs.forEach((row, b) =>
    row.forEach((pairs, k) => {
      const o = (b * lags + k) * PART_WIDTH;
      for (const [x, y] of pairs) {
        sums[o] += 1;
        sums[o + 2] += x;
        sums[o + 3] += x * x;
        sums[o + 4] += y;
        sums[o + 5] += y * y;
        sums[o + 6] += x * y;
      }
    }),
  );
  return { lags: Array.from({ length: lags }, (_, k) => k), firstCell: 0, cells: blocks, sums };
}

/** r of lag k from the parts with block b weighted 1 + w (the others 1). */
function weightedR(parts: XcorrParts, k: number, b: number, w: number): number {
  const t = [0, 0, 0, 0, 0, 0, 0];
  for (let c = 0; c < parts.cells; c++) {
    const o = (c * parts.lags.length + k) * PART_WIDTH;
    for (let f = 0; f < 7; f++) t[f]! += (c === b ? 1 + w : 1) * parts.sums[o + f]!;
  }
  return correlationOfSums(t[0]!, t[2]!, t[3]!, t[4]!, t[5]!, t[6]!);
}

function randomParts(seed: number, blocks: number, lags: number): XcorrParts {
  const rng = new Random(seed);
  return partsOf(
    Array.from({ length: blocks }, () =>
      Array.from({ length: lags }, () =>
        Array.from({ length: 3 + Math.floor(rng.next() * 6) }, () => {
          const x = rng.next() - 0.5;
          return [x, 0.6 * x + rng.next() - 0.5] as const;
        }),
      ),
    ),
  );
}

/** ψ of block b at lag k of the parts, from the span's constants (xcorr-influence.ts). */
function psiOf(parts: XcorrParts, k: number, b: number): number {
  const t = [0, 0, 0, 0, 0, 0, 0];
  for (let c = 0; c < parts.cells; c++) for (let f = 0; f < 7; f++) t[f]! += parts.sums[(c * parts.lags.length + k) * PART_WIDTH + f]!;
  const consts = new Float64Array(INFLUENCE_WIDTH);
  if (!influenceConstants(t[0]!, t[2]!, t[3]!, t[4]!, t[5]!, t[6]!, consts, 0)) return NaN;
  const o = (b * parts.lags.length + k) * PART_WIDTH;
  const s = parts.sums;
  return influence(consts, 0, s[o]!, s[o + 2]!, s[o + 3]!, s[o + 4]!, s[o + 5]!, s[o + 6]!);
}

test('influence: each block\'s ψ is the derivative of r in its weight, and they sum to 0', () => {
  const parts = randomParts(71, 6, 2);
  for (let k = 0; k < 2; k++) {
    let sum = 0;
    for (let b = 0; b < 6; b++) {
      // Central difference in the weight of block b: error O(ε²).
      const eps = 1e-5;
      const d = (weightedR(parts, k, b, eps) - weightedR(parts, k, b, -eps)) / (2 * eps);
      const psi = psiOf(parts, k, b);
      assert.ok(Math.abs(psi - d) < 1e-8, `lag ${k} block ${b}: ψ ${psi} against ${d}`);
      sum += psi;
    }
    assert.ok(Math.abs(sum) < 1e-14, `Σψ = ${sum}`);
  }
  // A lag whose x never varies has no r and no influences.
  const flat = partsOf([[[[1, 0.1], [1, 0.3]]], [[[1, 0.2], [1, 0.5]]]]);
  assert.ok(Number.isNaN(psiOf(flat, 0, 0)));
});

test('bootstrapXcorr: ŝ and every replicate\'s s* from its drawn blocks listed one by one, across chunks of lags and of replicates', () => {
  // 70 lags (two chunks of 64 and 6), 5 blocks, 7 replicates drawn 2 at a time; lag 3's x constant.
  const blocks = 5;
  const lags = 70;
  const R = 7;
  const parts = randomParts(72, blocks, lags);
  for (let b = 0; b < blocks; b++) {
    const o = (b * lags + 3) * PART_WIDTH;
    parts.sums[o + 2] = parts.sums[o]!;
    parts.sums[o + 3] = parts.sums[o]!;
  }
  const plan = { blocks, replicates: R, seed: 9, chunkCounts: 2 * blocks };
  const boot = bootstrapXcorr(parts, plan);
  const counts = drawBlockCounts(blocks, R, new Random(9));
  // √(n · sample variance): the spread of a sum of n values like these.
  const sd = (values: readonly number[]): number => {
    const m = values.reduce((a, v) => a + v, 0) / values.length;
    return Math.sqrt((values.length * values.reduce((a, v) => a + (v - m) ** 2, 0)) / (values.length - 1));
  };
  for (let k = 0; k < lags; k++) {
    if (k === 3) {
      assert.ok(Number.isNaN(boot.ownSpread[k]!) && boot.spread.subarray(k * R, (k + 1) * R).every(Number.isNaN), 'lag 3 has no r, and no spread');
      continue;
    }
    const each = Array.from({ length: blocks }, (_, b) => psiOf(parts, k, b));
    assert.ok(Math.abs(boot.ownSpread[k]! - sd(each)) < 1e-12, `lag ${k}: ŝ ${boot.ownSpread[k]} against ${sd(each)}`);
    for (let i = 0; i < R; i++) {
      const drawn: number[] = [];
      for (let b = 0; b < blocks; b++) for (let c = 0; c < counts[i * blocks + b]!; c++) drawn.push(each[b]!);
      const want = sd(drawn);
      assert.ok(Math.abs(boot.spread[k * R + i]! - want) < 1e-12, `lag ${k} replicate ${i}: ${boot.spread[k * R + i]} against ${want}`);
    }
  }
});

/** `lags` × R independent standard normal numbers (Box–Muller). */
function normals(seed: number, count: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

/** Replicates `r` whose spreads are 1 everywhere but where `wide` says. */
function withSpreads(r: Float64Array, lags: number, R: number, wide: (k: number) => number = () => 1): BandInputs {
  return { replicates: R, r, ownSpread: Float64Array.from({ length: lags }, (_, k) => wide(k)), spread: Float64Array.from({ length: lags * R }, (_, j) => wide(Math.floor(j / R))) };
}

test('simultaneousBand: the half-width is ≈ 1.96 over one normal lag and ≈ 3.66 over 201 independent ones, as the normal distribution gives', () => {
  // One lag of spread 1: F = 1.5, every scale 1.5, so the half-width 1.5 · h is the 95 % point of
  // |Z|, 1.96. From 1 000 replicates its standard error is √(0.95·0.05/1000) / (2·φ(1.96)) ≈ 0.059: within three.
  const one = simultaneousBand(withSpreads(normals(3, 1000), 1, 1000), [0], () => true)!;
  assert.ok(Math.abs(halfWidthAt(one, 0) - 1.96) < 0.18, `half-width ${halfWidthAt(one, 0)}`);
  // 201 independent lags: P(max |Z| ≤ w) = (2Φ(w) − 1)^201 = 0.95 gives Φ(w) = 0.999872, w = 3.66.
  // The density of max |Z| there is ≈ 0.19, so the standard error is √(0.95·0.05/1000) / 0.19 ≈ 0.037: within four.
  const many = simultaneousBand(withSpreads(normals(4, 201 * 1000), 201, 1000), new Array<number>(201).fill(0), () => true)!;
  assert.equal(many.lags, 201);
  assert.ok(Math.abs(halfWidthAt(many, 100) - 3.66) < 0.15, `half-width ${halfWidthAt(many, 100)}`);
});

test('simultaneousBand: one lag ten times as wide as the rest widens only its own band', () => {
  // Lag 0 spreads 10 (replicates 10·Z, s* = 10), lags 1–200 spread 1. F = 1.5 (the median is 1).
  // D = max(|Z₀|, max of 200 |Z|/1.5); P(D ≤ h) = (2Φ(h) − 1)(2Φ(1.5h) − 1)^200 = 0.95 gives
  // h = 2.487 (solved numerically): half-widths 1.5·h = 3.73 at a narrow lag and 10·h = 24.9 at
  // the wide one. The density of D there is ≈ 0.25: a standard error of 0.027 in h from 1 000
  // replicates, 0.04 in the narrow half-width and 0.27 in the wide one. One half-width for every
  // lag would have made the narrow lags' ≈ 19.6, the wide lag's 95 % point.
  const R = 1000;
  const r = normals(5, 201 * R);
  for (let i = 0; i < R; i++) r[i]! *= 10;
  const band = simultaneousBand(withSpreads(r, 201, R, (k) => (k === 0 ? 10 : 1)), new Array<number>(201).fill(0), () => true)!;
  assert.ok(Math.abs(halfWidthAt(band, 7) - 3.73) < 0.16, `narrow ${halfWidthAt(band, 7)}`);
  assert.ok(Math.abs(halfWidthAt(band, 0) - 24.9) < 1.1, `wide ${halfWidthAt(band, 0)}`);
});

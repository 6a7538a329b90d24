/**
 * xcorr's band over many lags at once (src/core/xcorr-bootstrap.ts simultaneousBand; the
 * definition in docs/definitions.md §4, "The best of many lags"): a hand-worked case, and the
 * half-width over one and over many independent normal lags against its value from the normal
 * distribution.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simultaneousBand } from '../src/core/xcorr-bootstrap.js';
import { Random } from '../src/core/random.js';

/** Replicates laid out as the bootstrap holds them: lag k of replicate i at k·R + i. */
function layout(lags: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(lags.flat());
}

test('simultaneousBand: five lags of five replicates, worked by hand', () => {
  // Lag 0: 1 2 3 4 NaN around r̂ = 2: |r* − r̂| = 1, 0, 1, 2, −.
  // Lag 1: NaN 0 0 3 NaN around r̂ = 1: −, 1, 1, 2, −.
  // Lag 2 has no r̂, lag 3 one finite replicate, lag 4 is not covered: none counts.
  // D = max per replicate: 1, 1, 1, 2, and none for replicate 4 (no finite value: left out).
  // Sorted 1, 1, 1, 2; the 95 % point (type 7): h = 3·0.95 = 2.85, 1 + 0.85·(2 − 1) = 1.85.
  const r = layout([
    [1, 2, 3, 4, NaN],
    [NaN, 0, 0, 3, NaN],
    [1, 2, 3, 4, 5],
    [NaN, NaN, 5, NaN, NaN],
    [100, -100, 100, -100, 100],
  ]);
  const band = simultaneousBand(r, 5, [2, 1, null, 5, 0], (k) => k !== 4)!;
  assert.equal(band.lags, 2);
  assert.ok(Math.abs(band.halfWidth - 1.85) < 1e-12, `h = ${band.halfWidth}`);
  // Nothing covered, or no replicates: no band.
  assert.equal(simultaneousBand(r, 5, [2, 1, null, 5, 0], () => false), null);
  assert.equal(simultaneousBand(new Float64Array(0), 0, [0.1], () => true), null);
});

/** `lags` × R independent standard normal replicates (Box–Muller), centred on 0. */
function normalReplicates(seed: number, lags: number, R: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: lags * R }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

test('simultaneousBand: h ≈ 1.96 over one standard normal lag and ≈ 3.66 over 201 independent ones, as the normal distribution gives', () => {
  // One lag: h is the 95 % point of |Z|, 1.96. From 1 000 replicates its standard error is
  // √(0.95·0.05/1000) / (2·φ(1.96)) ≈ 0.059: within three of them.
  const one = simultaneousBand(normalReplicates(3, 1, 1000), 1000, [0], () => true)!;
  assert.ok(Math.abs(one.halfWidth - 1.96) < 0.18, `h = ${one.halfWidth}`);
  // 201 independent lags: P(max |Z| ≤ h) = (2Φ(h) − 1)^201 = 0.95 gives 2Φ(h) − 1 = 0.95^(1/201),
  // Φ(h) = 0.999872, h = 3.66. The density of max |Z| there is 201·0.95^(200/201)·2φ(3.66) ≈ 0.19,
  // so from 1 000 replicates the standard error is √(0.95·0.05/1000) / 0.19 ≈ 0.037: within four.
  const many = simultaneousBand(normalReplicates(4, 201, 1000), 1000, new Array<number>(201).fill(0), () => true)!;
  assert.equal(many.lags, 201);
  assert.ok(Math.abs(many.halfWidth - 3.66) < 0.15, `h = ${many.halfWidth}`);
});

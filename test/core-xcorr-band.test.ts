/**
 * xcorr's band over many lags at once (src/core/xcorr-bootstrap.ts simultaneousBand; the
 * definition in docs/definitions.md §4, "The best of many lags"): a hand-worked case, and q over
 * one and over many independent normal lags against its value from the normal distribution.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simultaneousBand } from '../src/core/xcorr-bootstrap.js';
import { Random } from '../src/core/random.js';

/** Replicates laid out as the bootstrap holds them: lag k of replicate i at k·R + i. */
function layout(lags: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(lags.flat());
}

test('simultaneousBand: five lags of four replicates, worked by hand', () => {
  // Lag 0: 1 2 3 4 around r̂ = 2; s = √(5/3) (mean 2.5, squares 2.25 + 0.25 + 0.25 + 2.25 = 5, over 3).
  //   |r* − r̂|/s = 1, 0, 1, 2 times √0.6: 0.7746, 0, 0.7746, 1.5492.
  // Lag 1: NaN 0 0 3 around r̂ = 1; s = √3 (mean 1, squares 1 + 1 + 4 = 6, over 2): −, 0.5774, 0.5774, 1.1547.
  // Lag 2 has no r̂, lag 3's replicates do not vary, lag 4 is not covered: none counts.
  // T = 0.7746, 0.5774, 0.7746, 1.5492; sorted 0.5774, 0.7746, 0.7746, 1.5492; the 95 % point
  // (type 7): h = 3·0.95 = 2.85, 0.7746 + 0.85·(1.5492 − 0.7746) = 1.85·√0.6.
  const r = layout([
    [1, 2, 3, 4],
    [NaN, 0, 0, 3],
    [1, 2, 3, 4],
    [5, 5, 5, 5],
    [100, -100, 100, -100],
  ]);
  const band = simultaneousBand(r, 4, [2, 1, null, 5, 0], (k) => k !== 4)!;
  assert.equal(band.lags, 2);
  assert.ok(Math.abs(band.q - 1.85 * Math.sqrt(0.6)) < 1e-12, `q = ${band.q}`);
  assert.ok(Math.abs(band.scale[0]! - Math.sqrt(5 / 3)) < 1e-12 && Math.abs(band.scale[1]! - Math.sqrt(3)) < 1e-12);
  assert.ok([2, 3, 4].every((k) => Number.isNaN(band.scale[k]!)));
  // Nothing covered, or no replicates: no band.
  assert.equal(simultaneousBand(r, 4, [2, 1, null, 5, 0], () => false), null);
  assert.equal(simultaneousBand(new Float64Array(0), 0, [0.1], () => true), null);
});

/** `lags` × R independent standard normal replicates (Box–Muller), centred on 0. */
function normalReplicates(seed: number, lags: number, R: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: lags * R }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

test('simultaneousBand: q ≈ 1.96 over one normal lag and ≈ 3.66 over 201 independent ones, as the normal distribution gives', () => {
  // One lag: q is the 95 % point of |Z|, 1.96. From 1 000 replicates its standard error is
  // √(0.95·0.05/1000) / (2·φ(1.96)) ≈ 0.059: within three of them.
  const one = simultaneousBand(normalReplicates(3, 1, 1000), 1000, [0], () => true)!;
  assert.ok(Math.abs(one.q - 1.96) < 0.18, `q = ${one.q}`);
  // 201 independent lags: P(max |Z| ≤ q) = (2Φ(q) − 1)^201 = 0.95 gives 2Φ(q) − 1 = 0.95^(1/201),
  // Φ(q) = 0.999872, q = 3.66. The density of max |Z| there is 201·0.95^(200/201)·2φ(3.66) ≈ 0.19,
  // so from 1 000 replicates the standard error is √(0.95·0.05/1000) / 0.19 ≈ 0.037: within four.
  const many = simultaneousBand(normalReplicates(4, 201, 1000), 1000, new Array<number>(201).fill(0), () => true)!;
  assert.equal(many.lags, 201);
  assert.ok(Math.abs(many.q - 3.66) < 0.15, `q = ${many.q}`);
  // The pointwise 1.96 would let through far more: the band is what the choice of the best lag costs.
  assert.ok(many.q > one.q + 1);
});

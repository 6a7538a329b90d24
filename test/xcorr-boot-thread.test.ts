/**
 * xcorr's bootstrap in slices of lags (src/core/xcorr-bootstrap.ts) and on two threads
 * (src/cli/xcorr-boot-thread.ts): the replicates and intervals are bootstrapXcorr's bit for bit,
 * however the lags are cut. The parts come from a LagCorrelator over sparse random returns, so
 * the blocks at the span's ends hold x sides that differ by lag (the "odd" blocks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapXcorrThreaded } from '../src/cli/xcorr-boot-thread.js';
import { drawBlockCounts } from '../src/core/bootstrap.js';
import { fixedCells } from '../src/core/cells.js';
import { Random } from '../src/core/random.js';
import { bootSlice, bootstrapFromSlices, bootstrapXcorr, replicateSlice, type XcorrBootstrap } from '../src/core/xcorr-bootstrap.js';
import type { XcorrParts } from '../src/core/xcorr-cells.js';
import { LagCorrelator } from '../src/core/xcorr.js';
import { mulberry32 } from './prng.js';

/** Parts of `lags` lags over `steps` grid steps of 1 ms in cells of `cellUs`, returns non-zero 15 % of the time. */
function partsOf(lags: readonly number[], steps: number, cellUs: number, seed: number): XcorrParts {
  const rand = mulberry32(seed);
  const c = new LagCorrelator(lags, { gridUs: 1000, cells: [fixedCells(cellUs)] });
  c.begin(1_723_000_000_000);
  let lead = 0;
  for (let j = 0; j < steps; j++) {
    const a = rand() < 0.15 ? (rand() - 0.5) * 1e-4 : 0;
    const b = rand() < 0.15 ? 0.6 * lead + (rand() - 0.5) * 1e-4 : 0;
    lead = a;
    c.push(a, b);
  }
  return c.parts(0);
}

function assertSameBootstrap(got: XcorrBootstrap, want: XcorrBootstrap): void {
  assert.equal(got.replicates, want.replicates);
  // Bits, NaN included: compare the doubles as integers.
  assert.deepEqual(new BigUint64Array(got.r.buffer, got.r.byteOffset, got.r.length), new BigUint64Array(want.r.buffer, want.r.byteOffset, want.r.length));
  assert.deepEqual(got.intervals, want.intervals);
}

test('bootSlice/replicateSlice: lags cut anywhere give bootstrapXcorr bit for bit', () => {
  const lags = Array.from({ length: 150 }, (_, k) => k - 75);
  const parts = partsOf(lags, 40_000, 2_000_000, 5);
  const counts = drawBlockCounts(parts.cells, 300, new Random(9));
  const want = bootstrapXcorr(parts, counts);
  assert.ok(want.intervals.some((i) => i !== null && i.high > i.low), 'intervals with some width');
  const rand = mulberry32(31);
  for (let trial = 0; trial < 5; trial++) {
    const cuts = [0, ...[1, 2].map(() => 1 + Math.floor(rand() * (lags.length - 1))).sort((x, y) => x - y), lags.length];
    const slices = cuts.slice(1).map((k1, i) => replicateSlice(bootSlice(parts, counts, cuts[i]!, k1), counts));
    assertSameBootstrap(bootstrapFromSlices(lags.length, 300, slices), want);
  }
});

test('bootstrapXcorrThreaded: two threads give bootstrapXcorr bit for bit (work large enough for the worker)', async () => {
  // 401 lags × 3 × ~190 blocks × 1 000 replicates ≈ 2.3·10⁸ multiply-adds: above the threshold.
  const lags = Array.from({ length: 401 }, (_, k) => k - 200);
  const parts = partsOf(lags, 190_000, 1_000_000, 8);
  const counts = drawBlockCounts(parts.cells, 1000, new Random(42));
  assert.ok(1000 * parts.cells * 3 * lags.length >= 2e8, `${parts.cells} blocks`);
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, counts), bootstrapXcorr(parts, counts));
});

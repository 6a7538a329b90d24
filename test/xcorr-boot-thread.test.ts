/**
 * xcorr's bootstrap in slices of lags (src/core/xcorr-bootstrap.ts) and on two threads
 * (src/cli/xcorr-boot-thread.ts): the replicates and intervals are bootstrapXcorr's bit for bit,
 * however the lags are cut. The parts come from a LagCorrelator over sparse random returns, so
 * the blocks at the span's ends hold x sides that differ by lag (the "odd" blocks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BootWorker, bootstrapXcorrThreaded, bootWorkWanted, windowWorkWanted, type BootArrays } from '../src/cli/xcorr-boot-thread.js';
import { drawBlockCounts } from '../src/core/bootstrap.js';
import { fixedCells } from '../src/core/cells.js';
import { Random } from '../src/core/random.js';
import { bootSlice, bootstrapXcorr, intervalsOf, replicateParts, replicateSlice, type XcorrBootstrap } from '../src/core/xcorr-bootstrap.js';
import { lagStats, PART_WIDTH, type XcorrParts } from '../src/core/xcorr-cells.js';
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

/**
 * The replicates' r as the bootstrap computed them before it was cut into slices, written out
 * plainly: per replicate and lag, each x field (N, Σx, Σx²) summed first over the blocks where
 * every lag holds one value and then over the others, each y field (Σy, Σy², Σxy) over all
 * blocks, in block order; r by the one formula (lagStats). The slices must give these bits.
 */
function referenceR(parts: XcorrParts, counts: Uint32Array): Float64Array {
  const L = parts.lags.length;
  const B = parts.cells;
  const R = counts.length / B;
  const at = (b: number, k: number, f: number): number => parts.sums[(b * L + k) * PART_WIDTH + f]!;
  const sameAcross = (b: number, f: number): boolean => parts.lags.every((_, k) => at(b, k, f) === at(b, 0, f));
  const r = new Float64Array(L * R);
  for (let i = 0; i < R; i++) {
    const c = (b: number): number => counts[i * B + b]!;
    const x = (k: number, f: number): number => {
      let acc = 0;
      for (let b = 0; b < B; b++) if (c(b) !== 0 && sameAcross(b, f)) acc += c(b) * at(b, 0, f);
      for (let b = 0; b < B; b++) if (c(b) !== 0 && !sameAcross(b, f)) acc += c(b) * at(b, k, f);
      return acc;
    };
    const y = (k: number, f: number): number => {
      let acc = 0;
      for (let b = 0; b < B; b++) acc += c(b) * at(b, k, f);
      return acc;
    };
    for (let k = 0; k < L; k++) {
      const s = lagStats({ n: x(k, 0), sx: x(k, 2), sxx: x(k, 3), sy: y(k, 4), syy: y(k, 5), sxy: y(k, 6), nEffective: 0, absSum: 0, absMax: 0 });
      r[k * R + i] = s.r ?? NaN;
    }
  }
  return r;
}

function assertSameBootstrap(got: XcorrBootstrap, want: XcorrBootstrap): void {
  assert.equal(got.replicates, want.replicates);
  // Bits, NaN included: compare the doubles as integers.
  assert.deepEqual(new BigUint64Array(got.r.buffer, got.r.byteOffset, got.r.length), new BigUint64Array(want.r.buffer, want.r.byteOffset, want.r.length));
  assert.deepEqual(got.intervals, want.intervals);
}

test('bootSlice/replicateSlice/replicateParts: lags cut anywhere give the plainly written bootstrap bit for bit', () => {
  const lags = Array.from({ length: 150 }, (_, k) => k - 75);
  const parts = partsOf(lags, 40_000, 2_000_000, 5);
  const plan = { blocks: parts.cells, replicates: 300, seed: 9 };
  const want = bootstrapXcorr(parts, plan);
  // The reference takes the plan's draws whole, from the plain function.
  const ref = referenceR(parts, drawBlockCounts(parts.cells, 300, new Random(9)));
  assert.deepEqual(new BigUint64Array(want.r.buffer), new BigUint64Array(ref.buffer), 'bootstrapXcorr = the plain reference');
  // The odd blocks (x sides that differ by lag) are there: the span's end blocks.
  assert.ok(Array.from({ length: parts.cells }, (_, b) => b).some((b) => lags.some((_, k) => parts.sums[(b * lags.length + k) * PART_WIDTH]! !== parts.sums[b * lags.length * PART_WIDTH]!)));
  assert.ok(want.intervals.some((i) => i !== null && i.high > i.low), 'intervals with some width');
  const rand = mulberry32(31);
  for (let trial = 0; trial < 5; trial++) {
    const cuts = [0, ...[1, 2].map(() => 1 + Math.floor(rand() * (lags.length - 1))).sort((x, y) => x - y), lags.length];
    // Each slice on its own (as the worker computes it), its replicates and intervals put side by side.
    // Chunks of 1 to 40 replicates (a chunk's counts bounded as a month's would be), or all at once.
    const chunked = { ...plan, chunkCounts: trial === 0 ? undefined : parts.cells * (1 + Math.floor(rand() * 40)) };
    const slices = cuts.slice(1).map((k1, i) => replicateSlice(bootSlice(parts, cuts[i]!, k1), chunked));
    const r = new Float64Array(lags.length * 300);
    slices.reduce((at, s) => (r.set(s, at), at + s.length), 0);
    assertSameBootstrap({ replicates: 300, r, intervals: slices.flatMap((s) => intervalsOf(s, 300)) }, want);
    // Or written in place into the whole array.
    const inPlace = new Float64Array(lags.length * 300);
    cuts.slice(1).forEach((k1, i) => replicateSlice(bootSlice(parts, cuts[i]!, k1), chunked, inPlace.subarray(cuts[i]! * 300, k1 * 300)));
    assertSameBootstrap({ replicates: 300, r: inPlace, intervals: intervalsOf(inPlace, 300) }, want);
    // Or straight from the parts, each chunk's y side gathered when needed (as the main thread computes its slice).
    const fromParts = new Float64Array(lags.length * 300);
    cuts.slice(1).forEach((k1, i) => replicateParts(parts, cuts[i]!, k1, chunked, fromParts.subarray(cuts[i]! * 300, k1 * 300)));
    assertSameBootstrap({ replicates: 300, r: fromParts, intervals: intervalsOf(fromParts, 300) }, want);
  }
});

test('bootstrapXcorrThreaded: two threads give bootstrapXcorr bit for bit (work large enough for the worker)', async () => {
  // 401 lags × 3 × ~190 blocks × 1 000 replicates ≈ 2.3·10⁸ multiply-adds: above the threshold
  // these runs set (the command's, MIN_WORK, is a few times more: a test that large is slow).
  const lags = Array.from({ length: 401 }, (_, k) => k - 200);
  const parts = partsOf(lags, 190_000, 1_000_000, 8);
  const plan = { blocks: parts.cells, replicates: 1000, seed: 42 };
  const minWork = 2e8;
  assert.ok(1000 * parts.cells * 3 * lags.length >= minWork, `${parts.cells} blocks`);
  // requireWorker: a worker that fails must fail the test, not be covered by the one-thread fallback.
  const want = bootstrapXcorr(parts, plan);
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, plan, { requireWorker: true, minWork }), want);
  // Each thread draws in chunks (here of 3 replicates): the same bits.
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, { ...plan, chunkCounts: 3 * parts.cells }, { requireWorker: true, minWork }), want);
  // A worker started before it is needed (as xcorr starts it during the read) gives the same.
  const early = new BootWorker();
  early.start();
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, plan, { requireWorker: true, worker: early, minWork }), want);
  // No worker to be had (closed, as after a failed start): this thread computes both slices.
  const closed = new BootWorker();
  closed.start();
  closed.close();
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, plan, { worker: closed, minWork }), want);
  await assert.rejects(bootstrapXcorrThreaded(parts, plan, { requireWorker: true, worker: closed, minWork }), /no replicates/);
});

test('bootWorkWanted: two threads from 10⁹ multiply-adds (replicates × blocks × 3 × lags), never for one lag', () => {
  assert.equal(bootWorkWanted(401, 1000, 832), true); // 1.0009·10⁹
  assert.equal(bootWorkWanted(401, 1000, 831), false); // 0.9997·10⁹
  // The bench hour of 10 s blocks: 451 lags (4.9·10⁸) on one thread, 2 001 (2.2·10⁹) on two.
  assert.equal(bootWorkWanted(451, 1000, 360), false);
  assert.equal(bootWorkWanted(2001, 1000, 360), true);
  // A lower threshold where asked (the tests above).
  assert.equal(bootWorkWanted(401, 1000, 167, 2e8), true);
  assert.equal(bootWorkWanted(1, 10 ** 9, 10 ** 6), false);
  assert.equal(bootWorkWanted(2001, 0, 361), false);
});

test('one worker serves many bootstraps in turn (a --by run\'s windows), their arrays reused: each is bootstrapXcorr\'s bits', async () => {
  // Windows of different lengths (blocks) over the same lags, as --by's windows and regimes.
  const lags = Array.from({ length: 41 }, (_, k) => k - 20);
  const worker = new BootWorker();
  const arrays: BootArrays = {};
  let held: Float64Array | undefined;
  for (const [steps, seed] of [[20_000, 1], [35_000, 2], [20_000, 3], [8_000, 4]] as const) {
    const parts = partsOf(lags, steps, 1_000_000, seed);
    const plan = { blocks: parts.cells, replicates: 200, seed: 7 };
    const got = await bootstrapXcorrThreaded(parts, plan, { worker, split: true, requireWorker: true, arrays });
    // Checked before the next call: a result made with the arrays lasts until then.
    assertSameBootstrap(got, bootstrapXcorr(parts, plan));
    // The replicates' array is one and the same from the second window on (same lags and R).
    if (held !== undefined) assert.equal(got.r, held, 'the replicates array is reused');
    held = got.r;
    assert.ok(arrays.fromWorker !== undefined, 'the worker replied (its array is kept to send back)');
  }
  // Ended (as after the run): later bootstraps are computed on this thread, or refused where the worker is required.
  worker.close();
  const parts = partsOf(lags, 20_000, 1_000_000, 5);
  const plan = { blocks: parts.cells, replicates: 200, seed: 7 };
  assertSameBootstrap(await bootstrapXcorrThreaded(parts, plan, { worker, split: true, arrays }), bootstrapXcorr(parts, plan));
  await assert.rejects(bootstrapXcorrThreaded(parts, plan, { worker, split: true, requireWorker: true }), /no replicates/);
});

test('windowWorkWanted: from 10⁵ replicates × lags a window and 10⁷ over the windows, never for one lag', () => {
  assert.equal(windowWorkWanted(2001, 1000, 30), true); // 2·10⁶ a window, 6·10⁷ in all
  assert.equal(windowWorkWanted(100, 1000, 100), true); // exactly 10⁵ and 10⁷
  assert.equal(windowWorkWanted(99, 1000, 1000), false); // 9.9·10⁴ a window
  assert.equal(windowWorkWanted(2001, 1000, 4), false); // 8.0·10⁶ in all: not worth a worker's start
  assert.equal(windowWorkWanted(11, 1000, 10_000), false); // the default lags
  assert.equal(windowWorkWanted(1, 10 ** 6, 10 ** 6), false);
});

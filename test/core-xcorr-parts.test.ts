/**
 * Table 2's per-cell parts, the block bootstrap built on them, and the summary (best lag, summed r):
 * docs/definitions.md §4, §9, §11. Expected values come from brute force over explicit arrays
 * written here, or are worked by hand in the comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutCells, fixedCells } from '../src/core/cells.js';
import { XcorrKeyedParts, blockParts, rangeCells, tableOfRow } from '../src/core/xcorr-parts.js';
import { LagCorrelator } from '../src/core/xcorr.js';
import { foldRows, lagStats, mergeCells, sumCells, xcorrPartKind, PART_WIDTH, type XcorrParts } from '../src/core/xcorr-cells.js';
import { bootstrapXcorr, summedReplicates } from '../src/core/xcorr-bootstrap.js';
import { drawBlockCounts } from '../src/core/bootstrap.js';
import { Random } from '../src/core/random.js';
import { bestLag, summedCorrelation } from '../src/core/xcorr-summary.js';
import { mulberry32 } from './prng.js';

/** Sparse returns r[1..m] (index 0 unused): mostly exact zeros, long flat runs, heavy-ish tails. */
function sparseReturns(rand: () => number, m: number): { a: number[]; b: number[] } {
  const a = [0];
  const b = [0];
  for (let j = 1; j <= m; j++) {
    const flat = rand() < 0.3 && j % 97 < 60; // stretches where both are flat (the zero fast path)
    a.push(flat || rand() < 0.7 ? 0 : (rand() - 0.5) * 1e-4 * (rand() < 0.05 ? 30 : 1));
    // B echoes A two steps later half the time, plus its own moves.
    const echo = j > 2 && rand() < 0.5 ? a[j - 2]! : 0;
    b.push(flat ? 0 : echo + (rand() < 0.2 ? (rand() - 0.5) * 1e-4 : 0));
  }
  return { a, b };
}

/** Pushes the returns, runs of (0, 0) as pushZeros like GridAligner does. */
function feed(c: LagCorrelator, a: number[], b: number[]): void {
  let j = 1;
  while (j < a.length) {
    let k = j;
    while (k < a.length && a[k] === 0 && b[k] === 0) k++;
    if (k > j) {
      c.pushZeros(k - j);
      j = k;
    } else {
      c.push(a[j]!, b[j]!);
      j++;
    }
  }
}

interface BruteSums {
  n: number;
  nEff: number;
  sx: number;
  sxx: number;
  sy: number;
  syy: number;
  sxy: number;
  abs: number;
  max: number;
}

/** docs/definitions.md §9 by brute force: pair (r_A[j], r_B[j+τ]) goes to the cell of (n0 + j)·G. */
function bruteParts(a: number[], b: number[], lags: number[], n0: number, g: number, cellUs: number, cellOf = (t: number) => Math.floor(t / cellUs)): Map<string, BruteSums> {
  const m = a.length - 1;
  const out = new Map<string, BruteSums>();
  lags.forEach((lag, k) => {
    for (let j = 1; j <= m; j++) {
      if (j + lag < 1 || j + lag > m) continue;
      const cell = cellOf((n0 + j) * g);
      const key = `${cell}:${k}`;
      const s = out.get(key) ?? { n: 0, nEff: 0, sx: 0, sxx: 0, sy: 0, syy: 0, sxy: 0, abs: 0, max: 0 };
      const x = a[j]!;
      const y = b[j + lag]!;
      s.n++;
      s.sx += x;
      s.sxx += x * x;
      s.sy += y;
      s.syy += y * y;
      s.sxy += x * y;
      if (x !== 0 && y !== 0) {
        s.nEff++;
        s.abs += Math.abs(x * y);
        s.max = Math.max(s.max, Math.abs(x * y));
      }
      out.set(key, s);
    }
  });
  return out;
}

function near(actual: number, expected: number, scale: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * scale, `${what}: ${actual} vs ${expected}`);
}

test('LagCorrelator.parts: every (cell, lag) equals a brute-force sum over its pairs, for blocks shorter and longer than the lags', () => {
  const rand = mulberry32(7);
  const { a, b } = sparseReturns(rand, 4000);
  const lags = [-7, -3, -1, 0, 1, 2, 5, 9];
  const n0 = 1_723_000_000_123; // a real-looking grid index: cells come from the absolute clock
  const g = 1000;
  for (const cellUs of [3000, 10_000, 250_000, 10_000_000]) {
    const c = new LagCorrelator(lags, { gridUs: g, cells: [fixedCells(cellUs)] });
    c.begin(n0);
    feed(c, a, b);
    const parts = c.parts(0);
    const brute = bruteParts(a, b, lags, n0, g, cellUs);
    assert.equal(parts.firstCell, Math.floor(((n0 + 1) * g) / cellUs));
    assert.equal(parts.cells, Math.floor(((n0 + 4000) * g) / cellUs) - parts.firstCell + 1);
    for (let cell = 0; cell < parts.cells; cell++) {
      lags.forEach((lag, k) => {
        const o = (cell * lags.length + k) * PART_WIDTH;
        const e = brute.get(`${parts.firstCell + cell}:${k}`) ?? { n: 0, nEff: 0, sx: 0, sxx: 0, sy: 0, syy: 0, sxy: 0, abs: 0, max: 0 };
        const got = parts.sums.subarray(o, o + PART_WIDTH);
        const what = `cell ${cell} of ${cellUs} µs, lag ${lag}`;
        assert.equal(got[0], e.n, `${what}: n`);
        assert.equal(got[1], e.nEff, `${what}: n_effective`);
        near(got[2]!, e.sx, 1e-4, `${what}: Σx`);
        near(got[3]!, e.sxx, 1e-8, `${what}: Σx²`);
        near(got[4]!, e.sy, 1e-4, `${what}: Σy`);
        near(got[5]!, e.syy, 1e-8, `${what}: Σy²`);
        near(got[6]!, e.sxy, 1e-8, `${what}: Σxy`);
        near(got[7]!, e.abs, 1e-8, `${what}: Σ|xy|`);
        assert.equal(got[8], e.max, `${what}: max |xy|`);
      });
    }
  }
});

test('LagCorrelator.parts: the parts of all cells add up to the whole span (N and n_effective exactly, r and β to rounding)', () => {
  const rand = mulberry32(11);
  const { a, b } = sparseReturns(rand, 6000);
  const lags = [-20, -4, -2, 0, 2, 3, 20];
  const c = new LagCorrelator(lags, { gridUs: 500, cells: [fixedCells(700_000), fixedCells(1_000)] });
  c.begin(99);
  feed(c, a, b);
  const whole = c.result();
  for (const index of [0, 1]) {
    const parts = c.parts(index);
    whole.forEach((w, k) => {
      const s = sumCells(parts, k);
      assert.equal(s.n, w.n, `lag ${w.lag}: N`);
      assert.equal(s.nEffective, w.nEffective, `lag ${w.lag}: n_effective`);
      const stats = lagStats(s);
      near(stats.r!, w.r!, 1, `lag ${w.lag}: r`);
      near(stats.beta!, w.beta!, 1, `lag ${w.lag}: β`);
      near(stats.topStepShare!, w.topStepShare!, 1, `lag ${w.lag}: top_step_share`);
    });
  }
  // parts() does not consume anything: asking twice gives the same bits.
  assert.deepEqual(c.parts(0).sums, c.parts(0).sums);
});

test('LagCorrelator: β and R² agree with an independent two-pass computation', () => {
  const rand = mulberry32(5);
  const { a, b } = sparseReturns(rand, 3000);
  const lags = [-3, 0, 2];
  const c = new LagCorrelator(lags);
  feed(c, a, b);
  c.result().forEach((l) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let j = 1; j < a.length; j++) if (j + l.lag >= 1 && j + l.lag < b.length) {
      x.push(a[j]!);
      y.push(b[j + l.lag]!);
    }
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    let cxy = 0;
    let vx = 0;
    let vy = 0;
    for (let i = 0; i < x.length; i++) {
      cxy += (x[i]! - mx) * (y[i]! - my);
      vx += (x[i]! - mx) ** 2;
      vy += (y[i]! - my) ** 2;
    }
    near(l.beta!, cxy / vx, 1, `lag ${l.lag}: β`);
    near(l.r2!, (cxy * cxy) / (vx * vy), 1, `lag ${l.lag}: R²`);
  });
});

test('top_step_share and n_effective, hand-worked: one big co-move among small ones', () => {
  // a = 1, 0, 2, 10, −1; b = 1, 3, 0, 10, 1 at lag 0.
  // Products: 1, 0 (a = 0), 0 (b = 0), 100, −1 → n_effective 3 (pairs 1, 4, 5), Σ|xy| = 102,
  // max 100 → top_step_share = 100/102.
  const c = new LagCorrelator([0, 1]);
  [[1, 1], [0, 3], [2, 0], [10, 10], [-1, 1]].forEach(([x, y]) => c.push(x!, y!));
  const [l0, l1] = c.result();
  assert.equal(l0!.nEffective, 3);
  assert.equal(l0!.topStepShare, 100 / 102);
  // Lag 1 pairs a[j] with b[j+1]: (1,3) (0,0) (2,10) (10,1) → products 3, 20, 10 → 3 pairs, 20/33.
  assert.equal(l1!.nEffective, 3);
  assert.equal(l1!.topStepShare, 20 / 33);
});

/** Parts of `blocks` cells for one lag, each block given as its list of (x, y) pairs. */
function partsOf(blocks: [number, number][][]): XcorrParts {
  const sums = new Float64Array(blocks.length * PART_WIDTH);
  blocks.forEach((pairs, c) => {
    const o = c * PART_WIDTH;
    for (const [x, y] of pairs) {
      sums[o]! += 1;
      sums[o + 2]! += x;
      sums[o + 3]! += x * x;
      sums[o + 4]! += y;
      sums[o + 5]! += y * y;
      sums[o + 6]! += x * y;
    }
  });
  return { lags: [0], firstCell: 0, cells: blocks.length, sums };
}

function pearsonOf(pairs: [number, number][]): number {
  const n = pairs.length;
  const mx = pairs.reduce((s, p) => s + p[0], 0) / n;
  const my = pairs.reduce((s, p) => s + p[1], 0) / n;
  let c = 0;
  let vx = 0;
  let vy = 0;
  for (const [x, y] of pairs) {
    c += (x - mx) * (y - my);
    vx += (x - mx) ** 2;
    vy += (y - my) ** 2;
  }
  return c / Math.sqrt(vx * vy);
}

test('bootstrapXcorr: blocks that all say the same give the interval [r, r]', () => {
  // Every block holds the same pairs, so every replicate is a copy of the data: r = 0.8 each time.
  const block: [number, number][] = [[0, 0], [1, 0.6], [-1, -0.6], [0.5, 0.7], [-0.5, -0.7]];
  const whole = pearsonOf(Array.from({ length: 6 }, () => block).flat());
  const boot = bootstrapXcorr(partsOf(Array.from({ length: 6 }, () => block)), { blocks: 6, replicates: 200, seed: 1 });
  near(boot.intervals[0]!.low, whole, 1, 'low');
  near(boot.intervals[0]!.high, whole, 1, 'high');
});

test('bootstrapXcorr: a positive block and a negative block give the interval [−1, 1]', () => {
  // Block 0: y = x exactly (r = +1 alone); block 1: y = −x (r = −1 alone). A replicate of two
  // draws is {0,0} (r = 1) or {1,1} (r = −1) with probability 1/4 each, far more than 2.5 %,
  // so the 2.5 % point is −1 and the 97.5 % point is +1.
  const up: [number, number][] = [[1, 1], [2, 2], [-3, -3]];
  const down: [number, number][] = [[1, -1], [2, -2], [-3, 3]];
  const boot = bootstrapXcorr(partsOf([up, down]), { blocks: 2, replicates: 2000, seed: 3 });
  near(boot.intervals[0]!.low, -1, 1, 'low');
  near(boot.intervals[0]!.high, 1, 1, 'high');
});

test('bootstrapXcorr: each replicate r is the Pearson r of its drawn blocks\' pairs, pooled', () => {
  const rand = mulberry32(23);
  const blocks: [number, number][][] = Array.from({ length: 5 }, () => Array.from({ length: 7 }, () => [rand() - 0.5, rand() - 0.3] as [number, number]));
  // The draws the bootstrap takes from its plan, drawn here by the plain function.
  const counts = drawBlockCounts(5, 40, new Random(8));
  const boot = bootstrapXcorr(partsOf(blocks), { blocks: 5, replicates: 40, seed: 8 });
  for (let i = 0; i < 40; i++) {
    const pooled: [number, number][] = [];
    for (let b = 0; b < 5; b++) for (let k = 0; k < counts[i * 5 + b]!; k++) pooled.push(...blocks[b]!);
    near(boot.r[i]!, pearsonOf(pooled), 1, `replicate ${i}`);
  }
  // The summed replicates of lags [0, 0] with signs (+1, −1) are exactly 0.
  assert.ok(summedReplicates(boot, [0, 0], [1, -1]).every((v) => v === 0));
});

test('bestLag: the largest |r| wins, negative included; ties go to the smaller |τ|, then to the positive lag', () => {
  assert.equal(bestLag([{ lag: 1, r: 0.2 }, { lag: -3, r: -0.5 }, { lag: 2, r: 0.4 }])!.lag, -3);
  assert.equal(bestLag([{ lag: -2, r: 0.3 }, { lag: 1, r: -0.3 }, { lag: 3, r: 0.3 }])!.lag, 1);
  assert.equal(bestLag([{ lag: -2, r: -0.3 }, { lag: 2, r: 0.3 }])!.lag, 2);
  assert.equal(bestLag([{ lag: 2, r: 0.3 }, { lag: -2, r: 0.3 }])!.lag, 2);
  assert.equal(bestLag([{ lag: 0, r: null }, { lag: 1, r: null }]), undefined);
  assert.equal(bestLag([{ lag: 0, r: null }, { lag: 4, r: -0.01 }])!.lag, 4);
});

test('summedCorrelation: each side sums its r; the difference needs mirrored lags; n/a makes a side n/a', () => {
  const s = summedCorrelation([{ lag: -2, r: 0.1 }, { lag: -1, r: 0.05 }, { lag: 0, r: 0.9 }, { lag: 1, r: 0.2 }, { lag: 2, r: 0.3 }]);
  near(s.positive!, 0.5, 1, 'S+');
  near(s.negative!, 0.15, 1, 'S−');
  near(s.difference!, 0.35, 1, 'S+ − S−');
  const lopsided = summedCorrelation([{ lag: -1, r: 0.1 }, { lag: 1, r: 0.2 }, { lag: 2, r: 0.3 }]);
  assert.equal(lopsided.difference, null);
  assert.equal(summedCorrelation([{ lag: 1, r: 0.2 }, { lag: 2, r: 0.3 }]).negative, null);
  assert.equal(summedCorrelation([{ lag: -1, r: null }, { lag: 1, r: 0.2 }]).negative, null);
});

test('xcorrPartKind: merge adds every additive field and keeps the larger max |xy|; merging split ranges gives the whole', () => {
  const kind = xcorrPartKind(1);
  const into = Float64Array.of(3, 1, 0.5, 0.25, -1, 2, 0.1, 0.3, 0.2);
  kind.merge(into, Float64Array.of(2, 2, 0.5, 0.75, 1, 1, 0.2, 0.4, 0.35));
  // Hand-added: N 5, n_eff 3, Σx 1, Σx² 1, Σy 0, Σy² 3, Σxy 0.3(≈), Σ|xy| 0.7(≈), max 0.35.
  assert.deepEqual([...into.subarray(0, 2)], [5, 3]);
  assert.deepEqual([into[2], into[3], into[4], into[5], into[8]], [1, 1, 0, 3, 0.35]);
  near(into[6]!, 0.3, 1, 'Σxy');
  near(into[7]!, 0.7, 1, 'Σ|xy|');
  // Windows of cells: [0, 3) merged with [3, cells) is the merge of all cells, field by field.
  const rand = mulberry32(2);
  const { a, b } = sparseReturns(rand, 1500);
  const c = new LagCorrelator([-2, 1], { gridUs: 1000, cells: [fixedCells(100_000)] });
  feed(c, a, b);
  const parts = c.parts(0);
  const left = mergeCells(parts, 0, 3);
  xcorrPartKind(2).merge(left, mergeCells(parts, 3));
  const whole = mergeCells(parts);
  for (let i = 0; i < whole.length; i++) near(left[i]!, whole[i]!, 1, `field ${i}`);
});

test('cutCells: cells of L cut at the range ends, hand-worked', () => {
  // L = 10, range [13, 37): edges at …, 10, 13, 20, 30, 37, 40, …; index ⌊t/10⌋ + [t ≥ 13] + [t ≥ 37].
  const c = cutCells(10, { start: 13, end: 37 });
  assert.deepEqual([0, 9, 10, 12, 13, 19, 20, 36, 37, 39, 40].map(c.cellOf), [0, 0, 1, 1, 2, 2, 3, 4, 5, 5, 6]);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(c.startUs), [10, 13, 20, 30, 37, 40]);
  // An end on a multiple of L skips one index (an empty cell): S = 20 → cellOf(19) = 1, cellOf(20) = 3.
  const d = cutCells(10, { start: 20, end: Infinity });
  assert.deepEqual([19, 20, 29, 30].map(d.cellOf), [1, 3, 3, 4]);
  assert.equal(d.startUs(3), 20);
  assert.equal(d.startUs(2), 20, 'the skipped cell is empty: it starts where the next one does');
  // One cell of infinite length, cut at the range: three cells.
  const e = cutCells(Infinity, { start: 5, end: 8 });
  assert.deepEqual([-1e18, 4, 5, 7, 8, 1e18].map(e.cellOf), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual([0, 1, 2].map(e.startUs), [-Infinity, 5, 8]);
});

test('LagCorrelator.parts over cutCells: every (cell, lag) equals a brute-force sum over its pairs', () => {
  const rand = mulberry32(17);
  const { a, b } = sparseReturns(rand, 3000);
  const lags = [-6, -1, 0, 1, 4];
  const n0 = 1_723_000_000_000;
  const g = 1000;
  const cells = cutCells(70_000, { start: (n0 + 555) * g + 300, end: (n0 + 2222) * g });
  const c = new LagCorrelator(lags, { gridUs: g, cells: [cells] });
  c.begin(n0);
  feed(c, a, b);
  const parts = c.parts(0);
  const brute = bruteParts(a, b, lags, n0, g, 0, cells.cellOf);
  for (let cell = 0; cell < parts.cells; cell++) {
    lags.forEach((lag, k) => {
      const o = (cell * lags.length + k) * PART_WIDTH;
      const e = brute.get(`${parts.firstCell + cell}:${k}`) ?? { n: 0, nEff: 0, sx: 0, sxx: 0, sy: 0, syy: 0, sxy: 0, abs: 0, max: 0 };
      const got = parts.sums.subarray(o, o + PART_WIDTH);
      assert.equal(got[0], e.n, `cell ${cell} lag ${lag}: n`);
      assert.equal(got[1], e.nEff, `cell ${cell} lag ${lag}: n_effective`);
      near(got[6]!, e.sxy, 1e-8, `cell ${cell} lag ${lag}: Σxy`);
      near(got[2]!, e.sx, 1e-4, `cell ${cell} lag ${lag}: Σx`);
      near(got[5]!, e.syy, 1e-8, `cell ${cell} lag ${lag}: Σy²`);
    });
  }
});

test('XcorrKeyedParts and rangeCells: windows add up to the range; the range is brute force over its pairs; its blocks are bit for bit the blocks of a whole-span run', () => {
  const rand = mulberry32(23);
  const { a, b } = sparseReturns(rand, 5000);
  const lags = [-3, 0, 2, 5];
  const n0 = 1_700_000_000_000; // (n0 + j)·G: a multiple of 10 s at j = 0
  const g = 1000;
  const blockUs = 200_000;
  const windowUs = 600_000; // three blocks a window
  // A range on block edges: from j = 400 to j = 4400 (4000 grid points, 20 blocks).
  const range = { start: (n0 + 400) * g, end: (n0 + 4400) * g };
  const cells = cutCells(200_000, range);
  const c = new LagCorrelator(lags, { gridUs: g, cells: [cells, fixedCells(blockUs)] });
  c.begin(n0);
  feed(c, a, b);
  const keyed = new XcorrKeyedParts(c.parts(0), cells, windowUs, range, blockUs);
  // Windows add up to the range: N exactly, Σxy to rounding.
  const inRange = rangeCells(c.parts(0), cells, range, blockUs);
  const whole = { row: foldRows(lags.length, inRange.rows), blocks: inRange.rows };
  const keys = [...new Set(Array.from({ length: 4000 }, (_, j) => keyed.keyOf((n0 + 400 + j) * g)))];
  const sum = keyed.merged(keys.map((k) => keyed.partOf(k)));
  lags.forEach((_, k) => {
    assert.equal(sum.row[k * PART_WIDTH], whole.row[k * PART_WIDTH]);
    near(sum.row[k * PART_WIDTH + 6]!, whole.row[k * PART_WIDTH + 6]!, 1e-8, 'Σxy');
  });
  // The range's table against brute force: pairs (j, j + τ) with (n0 + j)·G in the range, both in 1..m.
  const table = tableOfRow(whole.row, lags);
  lags.forEach((lag, k) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let j = 400; j < 4400; j++) if (j + lag >= 1 && j + lag <= 5000) (xs.push(a[j]!), ys.push(b[j + lag]!));
    assert.equal(table[k]!.n, xs.length);
    near(table[k]!.r!, twoPassR(xs, ys), 1, `r of lag ${lag}`);
  });
  // The range's blocks are the whole-span run's blocks 2 … 21 (j = 400 … 4399), row for row
  // and bit for bit: each sum gets the same terms in the same (push) order in both tables, which
  // is what lets merged states print one run's bits (docs/scale.md).
  const own = c.parts(1);
  const blocks = blockParts(lags, whole.blocks);
  assert.equal(blocks.cells, 20);
  const firstBlock = Math.floor(range.start / blockUs) - own.firstCell;
  assert.deepEqual(inRange.keys, Array.from({ length: 20 }, (_, i) => Math.floor(range.start / blockUs) + i));
  const w = lags.length * PART_WIDTH;
  assert.deepEqual(blocks.sums, own.sums.slice(firstBlock * w, (firstBlock + 20) * w));
});

/** Pearson r by two passes (means first), the textbook formula. */
function twoPassR(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i]! - my);
    sxx += (v - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

test('lagStats: a constant side is n/a even when its rounded variance is positive; a variance above the rounding bound is not', () => {
  // Seven equal returns c: Σx² − (Σx)²/N is 0 in exact arithmetic but rounds to ≈ +1.3e-23 in
  // doubles (checked below, so the rule is what makes r n/a), below the bound 2·N·ε·Σx² ≈ 3.3e-22.
  const c = 1.2345678e-4;
  const y = [3, -1, 4, 1, -5, 9, 2].map((v) => v * 1e-5);
  const sums = (x: number[]) => {
    let sx = 0;
    let sxx = 0;
    let sy = 0;
    let syy = 0;
    let sxy = 0;
    x.forEach((v, i) => {
      sx += v;
      sxx += v * v;
      sy += y[i]!;
      syy += y[i]! * y[i]!;
      sxy += v * y[i]!;
    });
    return { n: x.length, nEffective: x.length, sx, sxx, sy, syy, sxy, absSum: 1, absMax: 1 };
  };
  const flat = sums(Array(7).fill(c));
  assert.ok(flat.sxx - (flat.sx * flat.sx) / 7 > 0, 'the rounded variance is positive');
  assert.equal(lagStats(flat).r, null);
  // One return 1e-6 relative off: variance ≈ 8.6e-13·c², 40 times the bound: r is defined.
  const almost = sums([c, c, c, c, c, c, c * (1 + 1e-6)]);
  assert.ok(lagStats(almost).r !== null);
});

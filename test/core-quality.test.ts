/**
 * The data-quality kernel (src/core/quality.ts): exact gap quantiles in bounded memory and
 * the streaming order / burst / gap statistics behind `leadlag inspect`.
 */
import { test } from 'node:test';
import { type7 } from './reference.js';
import assert from 'node:assert/strict';
import { GapDistribution, Timeline } from '../src/core/quality.js';
import { mulberry32 } from './prng.js';



function distOf(gaps: number[], histogramUs?: number): GapDistribution {
  const d = new GapDistribution(histogramUs);
  for (const g of gaps) d.add(g);
  return d;
}

test('GapDistribution.quantile: median and p99 of five gaps, type 7', () => {
  // Gaps 5, 1, 3, 2, 4 sorted: 1 2 3 4 5 (n = 5).
  // Median: h = 4 · 0.5 = 2 → x[2] = 3.
  // p99: h = 4 · 0.99 = 3.96 → x[3] + 0.96 · (x[4] − x[3]) = 4 + 0.96 = 4.96.
  const d = distOf([5, 1, 3, 2, 4]);
  assert.equal(d.count, 5);
  assert.equal(d.quantile(0.5), 3);
  assert.ok(Math.abs(d.quantile(0.99) - 4.96) < 1e-12);
  assert.equal(d.quantile(0), 1);
  assert.equal(d.quantile(1), 5);
});

test('GapDistribution.quantile: gaps past the histogram bound come from the overflow list', () => {
  // histogramUs = 10: 3, 7, 7 are binned; 10, 12, 25 (≥ 10) are listed. Sorted: 3 7 7 10 12 25.
  // Median: h = 5 · 0.5 = 2.5 → x[2] + 0.5 · (x[3] − x[2]) = 7 + 1.5 = 8.5.
  // p99: h = 5 · 0.99 = 4.95 → x[4] + 0.95 · (x[5] − x[4]) = 12 + 0.95 · 13 = 24.35.
  const d = distOf([3, 12, 7, 25, 7, 10], 10);
  assert.equal(d.quantile(0.5), 8.5);
  assert.ok(Math.abs(d.quantile(0.99) - 24.35) < 1e-12);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((k) => d.kth(k)), [3, 7, 7, 10, 12, 25]);
});

test('GapDistribution.kth: a gap that is not a whole µs is ordered among the binned ones', () => {
  // 2.5 cannot be binned: it is listed and must come between the bins 2 and 3.
  const d = distOf([3, 2.5, 2, 9.5], 10);
  assert.deepEqual([0, 1, 2, 3].map((k) => d.kth(k)), [2, 2.5, 3, 9.5]);
  assert.ok(Number.isNaN(d.kth(4)));
  assert.ok(Number.isNaN(d.kth(-1)));
});

test('GapDistribution: no gaps gives NaN quantiles; q outside [0, 1] throws', () => {
  const d = new GapDistribution();
  assert.ok(Number.isNaN(d.quantile(0.5)));
  assert.throws(() => d.quantile(1.5), RangeError);
  assert.throws(() => new GapDistribution(0), RangeError);
});

test('GapDistribution.quantile equals type 7 on all the gaps sorted (property, exact)', () => {
  const rand = mulberry32(7);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rand() * 300);
    const bound = 1 + Math.floor(rand() * 50);
    const gaps: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = rand();
      // Mostly short integer gaps (binned), some long ones (listed), a few fractional ones.
      gaps.push(r < 0.7 ? 1 + Math.floor(rand() * bound) : r < 0.95 ? bound + Math.floor(rand() * 1000) : 1 + rand() * bound);
    }
    const d = distOf(gaps, bound);
    const sorted = [...gaps].sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1, rand()]) {
      assert.equal(d.quantile(q), type7(sorted, q), `trial ${trial}, q = ${q}`);
    }
  }
});

test('Timeline: hand-worked series with a burst, a row out of order and long gaps', () => {
  // Rows (t µs, price) in file order:
  //   (1000, 5) (1000, 11)       burst at 1000: the tick's price is the last row's, 11
  //   (1500, 12)
  //   (1400, 13)                 out of order: 1400 < 1500, left out of everything else
  //   (1500, 9)                  same time as the latest kept row: burst at 1500, price 9
  //   (60000, 14)                gap 58 500 (> 50 ms)
  //   (1100000, 15)              gap 1 040 000 (> 50 ms and > 1 s), past the 1 s histogram
  //   (1100001, 16)              gap 1
  // Kept rows 7, ticks 1000 1500 60000 1100000 1100001 → 5, same-time 7 − 5 = 2.
  // Gaps 500, 58500, 1040000, 1 → sorted 1 500 58500 1040000.
  //   median: h = 3 · 0.5 = 1.5 → 500 + 0.5 · (58500 − 500) = 29500
  //   p99:    h = 3 · 0.99 = 2.97 → 58500 + 0.97 · 981500 = 1010555
  // Over 50 ms: 58500 and 1040000 → 2; over 1 s: 1. Longest 1040000, starting at 60000.
  // Tick prices 11, 9, 14, 15, 16 → min 9 (the 5 was overwritten within its burst), max 16.
  const tl = new Timeline();
  const rows: Array<[number, number]> = [[1000, 5], [1000, 11], [1500, 12], [1400, 13], [1500, 9], [60000, 14], [1100000, 15], [1100001, 16]];
  const kept = rows.map(([t, p]) => tl.push(t, p));
  assert.deepEqual(kept, [true, true, true, false, true, true, true, true]);
  const s = tl.summary();
  assert.equal(s.rows, 7);
  assert.equal(s.outOfOrder, 1);
  assert.equal(s.ticks, 5);
  assert.equal(s.sameTime, 2);
  assert.equal(s.firstTime, 1000);
  assert.equal(s.lastTime, 1100001);
  assert.equal(s.gaps, 4);
  assert.equal(s.gapMedian, 29500);
  assert.ok(Math.abs(s.gapP99 - 1010555) < 1e-6);
  assert.deepEqual(s.longGaps, [{ overUs: 50000, count: 2 }, { overUs: 1000000, count: 1 }]);
  assert.equal(s.longestGap, 1040000);
  assert.equal(s.longestGapStart, 60000);
  assert.equal(s.priceMin, 9);
  assert.equal(s.priceMax, 16);
});

test('Timeline: a gap of exactly a threshold is not over it; the first of equal longest gaps is kept', () => {
  // Ticks 0, 50000, 100000: two gaps of exactly 50 ms → none over 50 ms; longest starts at 0.
  const tl = new Timeline();
  for (const t of [0, 50000, 100000]) tl.push(t, 1);
  const s = tl.summary();
  assert.equal(s.longGaps[0]!.count, 0);
  assert.equal(s.longestGap, 50000);
  assert.equal(s.longestGapStart, 0);
});

test('Timeline: empty and single-tick series measure nothing', () => {
  const empty = new Timeline().summary();
  assert.equal(empty.ticks, 0);
  assert.ok([empty.firstTime, empty.lastTime, empty.gapMedian, empty.gapP99, empty.longestGap, empty.priceMin, empty.priceMax].every(Number.isNaN));
  const one = new Timeline();
  one.push(5, 100);
  one.push(5, 101);
  const s = one.summary();
  assert.deepEqual([s.rows, s.ticks, s.sameTime, s.gaps, s.firstTime, s.lastTime, s.priceMin, s.priceMax], [2, 1, 1, 0, 5, 5, 101, 101]);
  assert.ok(Number.isNaN(s.gapMedian));
});

test('Timeline.summary does not change the state: the stream continues after it', () => {
  // Ticks 10 (price 3), 20 (price 1, then 4 in a burst that continues after the summary).
  const tl = new Timeline();
  tl.push(10, 3);
  tl.push(20, 1);
  assert.equal(tl.summary().priceMin, 1);
  tl.push(20, 4);
  const s = tl.summary();
  assert.equal(s.priceMin, 3);
  assert.equal(s.priceMax, 4);
  assert.equal(s.ticks, 2);
  assert.equal(s.gaps, 1);
});

/** The rules written out naively: keep rows not earlier than every kept row; collapse equal times. */
function naive(rows: Array<[number, number]>, longGaps: number[]) {
  const kept: Array<[number, number]> = [];
  let outOfOrder = 0;
  for (const r of rows) {
    if (kept.length > 0 && r[0] < Math.max(...kept.map((k) => k[0]))) outOfOrder++;
    else kept.push(r);
  }
  const ticks: Array<[number, number]> = [];
  for (const [t, p] of kept) {
    if (ticks.length > 0 && ticks[ticks.length - 1]![0] === t) ticks[ticks.length - 1]![1] = p;
    else ticks.push([t, p]);
  }
  const gaps: Array<[gap: number, start: number]> = [];
  for (let i = 1; i < ticks.length; i++) gaps.push([ticks[i]![0] - ticks[i - 1]![0], ticks[i - 1]![0]]);
  const sorted = gaps.map((g) => g[0]).sort((a, b) => a - b);
  let longest = NaN;
  let longestStart = NaN;
  for (const [g, s] of gaps) if (!(g <= longest)) [longest, longestStart] = [g, s];
  return {
    rows: kept.length,
    outOfOrder,
    ticks: ticks.length,
    sameTime: kept.length - ticks.length,
    firstTime: ticks.length ? ticks[0]![0] : NaN,
    lastTime: ticks.length ? ticks[ticks.length - 1]![0] : NaN,
    gaps: gaps.length,
    gapMedian: type7(sorted, 0.5),
    gapP99: type7(sorted, 0.99),
    longGaps: longGaps.map((overUs) => ({ overUs, count: sorted.filter((g) => g > overUs).length })),
    longestGap: longest,
    longestGapStart: longestStart,
    priceMin: ticks.length ? Math.min(...ticks.map((t) => t[1])) : NaN,
    priceMax: ticks.length ? Math.max(...ticks.map((t) => t[1])) : NaN,
  };
}

test('Timeline agrees with the naive rules on random series with bursts, disorder and long gaps (property)', () => {
  const rand = mulberry32(2024);
  for (let trial = 0; trial < 150; trial++) {
    const n = Math.floor(rand() * 200);
    const rows: Array<[number, number]> = [];
    let t = 1_700_000_000_000_000 + Math.floor(rand() * 1e6);
    for (let i = 0; i < n; i++) {
      const r = rand();
      // Bursts, short steps, steps past the histogram bound, and steps back in time.
      if (r < 0.2) t += 0;
      else if (r < 0.75) t += 1 + Math.floor(rand() * 80);
      else if (r < 0.9) t += 100 + Math.floor(rand() * 5000);
      else t -= Math.floor(rand() * 300);
      rows.push([t, 100 + Math.round(rand() * 1000) / 100]);
    }
    const longGaps = [60, 1000];
    const tl = new Timeline({ histogramUs: 100, longGapsUs: longGaps });
    for (const [tt, p] of rows) tl.push(tt, p);
    assert.deepEqual(tl.summary(), naive(rows, longGaps), `trial ${trial}`);
  }
});

/**
 * The kernels behind `inspect`'s clock, tick-size and pair facts (src/core/clocks.ts,
 * ticksize.ts, moves.ts, assess.ts), GapDistribution with a lower bound, and the one row
 * classifier (src/io/row-verdict.ts), each on hand-worked inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockCheck, latencySpreadMatters } from '../src/core/clocks.js';
import { GapDistribution } from '../src/core/quality.js';
import { TickSize, priceQuantum } from '../src/core/ticksize.js';
import { MoveCounter } from '../src/core/moves.js';
import { GridAligner } from '../src/core/align.js';
import { alignment, assessHy, assessPair, assessXcorr, type PairEvidence } from '../src/core/assess.js';
import { RowClassifier, Verdict, VERDICT_KIND, verdictClass } from '../src/io/row-verdict.js';
import { planFromHeader } from '../src/io/formats.js';
import { RowScratch } from '../src/io/rows.js';
import { shortNames } from '../src/cli/table-fit.js';

test('GapDistribution with lowUs: negative values are binned and ordered with listed ones', () => {
  // Range [−5, 5): −3, −3, 0, 4 binned; −7, 5, 2.5 listed. Sorted: −7 −3 −3 0 2.5 4 5 (n = 7).
  // Median h = 3 → 0; q = 0.1: h = 0.6 → −7 + 0.6 · 4 = −4.6; max 5.
  const d = new GapDistribution(10, -5);
  for (const v of [-3, 5, -7, 0, 2.5, -3, 4]) d.add(v);
  assert.equal(d.quantile(0.5), 0);
  assert.ok(Math.abs(d.quantile(0.1) - -4.6) < 1e-12);
  assert.equal(d.kth(0), -7);
  assert.equal(d.kth(4), 2.5);
  assert.equal(d.quantile(1), 5);
});

test('ClockCheck: latency quantiles over unequal stamps, equal and negative counted, each clock order on its own', () => {
  // (exchange, receipt) → latency:
  //   (100, 600) 500 · (200, 200) equal · (300, 1300) 1000 · (250, 900) 650
  //   (400, 850) 450 · (500, 480) −20 · (NaN, 1000) unreadable
  // Exchange 100 200 300 250 400 500: 250 < 300 is the one step back.
  // Receipt 600 200 1300 900 850 480: 200 < 600, then 900, 850, 480 < 1300 → 4 steps back.
  // Unequal latencies sorted: −20 450 500 650 1000 (n = 5): median 500; p1 h = 0.04 →
  // −20 + 0.04 · 470 = −1.2; p99 h = 3.96 → 650 + 0.96 · 350 = 986; max 1000.
  const c = new ClockCheck();
  for (const [e, r] of [[100, 600], [200, 200], [300, 1300], [250, 900], [400, 850], [500, 480], [NaN, 1000]] as const) c.push(e, r);
  const s = c.summary();
  assert.deepEqual(
    { rows: s.rows, unreadable: s.unreadable, equal: s.equal, negative: s.negative, median: s.median, max: s.max, ex: s.exchangeOutOfOrder, rc: s.receiptOutOfOrder },
    { rows: 6, unreadable: 1, equal: 1, negative: 1, median: 500, max: 1000, ex: 1, rc: 4 },
  );
  assert.ok(Math.abs(s.p1 - -1.2) < 1e-9);
  assert.ok(Math.abs(s.p99 - 986) < 1e-9);
});

test('ClockCheck(false): equal stamps are a latency of 0 (whole-ms clocks), still counted as equal', () => {
  // Latencies 0, 2000, 1000 → sorted 0 1000 2000: median 1000; with equal left out: 1000 2000 → 1500.
  const whole = new ClockCheck(false);
  const tardis = new ClockCheck(true);
  for (const [e, r] of [[0, 0], [10, 2010], [20, 1020]] as const) {
    whole.push(e, r);
    tardis.push(e, r);
  }
  assert.deepEqual([whole.summary().median, whole.summary().equal, whole.summary().equalIsMissing], [1000, 1, false]);
  assert.deepEqual([tardis.summary().median, tardis.summary().equal], [1500, 1]);
});

test('latencySpreadMatters: p99 − p1 against half the pair window', () => {
  const c = new ClockCheck();
  // Latencies 1000 and 3500 µs: p1 = 1000 + 0.01 · 2500 = 1025, p99 = 3475, spread 2450.
  c.push(0, 1000);
  c.push(0, 3500);
  assert.equal(latencySpreadMatters(c.summary(), 5000), false); // 2450 < 2500
  assert.equal(latencySpreadMatters(c.summary(), 4900), true); // 2450 ≥ 2450
  assert.equal(latencySpreadMatters(new ClockCheck().summary(), 5000), false); // no latencies
});

test('TickSize removes binary-fraction noise: 60697.1 − 60697.0 is a tick of 0.1', () => {
  assert.notEqual(60697.1 - 60697.0, 0.1);
  assert.equal(priceQuantum(60697), 1e-8);
  const t = new TickSize();
  for (const p of [60697.0, 60697.1, 60697.3]) t.push(p, p, p);
  assert.deepEqual(t.summary(), { tick: 0.1, midChanges: 2, oneTickChanges: 1 });
  const small = new TickSize();
  for (const p of [0.00012345, 0.00012344]) small.push(p, p, p);
  assert.equal(small.summary().tick, 1e-8);
});

test('TickSize: tick from side changes, mid changes of at most one tick counted', () => {
  // Tick 0.5 (bid and ask on a 0.5 grid). Rows (bid, ask) → mid:
  //   (100, 100.5) 100.25 · (100, 101) 100.5 (+0.25: half a tick, ask +0.5)
  //   (100.5, 101) 100.75 (+0.25) · (102, 103) 102.5 (+1.75) · (102, 103) unchanged
  //   (101.5, 102.5) 102 (−0.5: one tick)
  // Side changes: ask 0.5, bid 0.5, bid 1.5, ask 2, bid 0.5, ask 0.5 → smallest 0.5.
  // Mid changes 4; at most one tick: 0.25, 0.25, 0.5 → 3.
  const t = new TickSize();
  for (const [b, a] of [[100, 100.5], [100, 101], [100.5, 101], [102, 103], [102, 103], [101.5, 102.5]] as const) t.push(b, a, (b + a) / 2);
  assert.deepEqual(t.summary(), { tick: 0.5, midChanges: 4, oneTickChanges: 3 });
});

test('TickSize: a smaller increment seen late makes earlier small moves too big (prices only)', () => {
  // Prices 10, 10.2, 10.4, 10.5: increments 0.2, 0.2, then 0.1 → tick 0.1; moves 0.2, 0.2, 0.1:
  // only the last is one tick.
  const t = new TickSize();
  for (const p of [10, 10.2, 10.4, 10.5]) t.push(p, p, p);
  assert.deepEqual(t.summary(), { tick: 0.1, midChanges: 3, oneTickChanges: 1 });
  assert.deepEqual(new TickSize().summary(), { tick: NaN, midChanges: 0, oneTickChanges: 0 });
});

test('MoveCounter through GridAligner: zero-return steps per market and steps where both move', () => {
  // G = 1000. A ticks at 0 (p 1), 1500 (2), 3000 (2), 4200 (3); B at 0 (1), 1200 (5), 4000 (6), 4500 (6).
  // Span [0, 4200]: grid points 0..4; returns at n = 1..4 (4 steps).
  // A's value at n = 0..4: 1, 1, 2, 2, 2 → returns 0, ≠0, 0, 0 (3000 repeats the price; 4200 is after 4000).
  // B's value: 1, 1, 5, 5, 6 → 0, ≠0, 0, ≠0.
  // Zero A 3, zero B 2, both move at n = 2 only → 1.
  const m = new MoveCounter();
  const al = new GridAligner(1000, m);
  al.pushA(Float64Array.of(0, 1500, 3000, 4200), Float64Array.of(1, 2, 2, 3));
  al.pushB(Float64Array.of(0, 1200, 4000, 4500), Float64Array.of(1, 5, 6, 6));
  al.finish();
  assert.deepEqual(m.summary(), { steps: 4, zeroA: 3, zeroB: 2, bothMove: 1 });
});

const EVIDENCE: PairEvidence = { names: ['spot', 'perp'], gridUs: 1000, steps: 100000, bothMove: 700, threshold: 0.0007, jumps: [3, 50], thresholdTicks: [42, 4.2], chancePairsMean: 1.25, nonextantShares: [0.1, 0.3] };

test('assessXcorr: the share of steps where both move decides', () => {
  // 700 / 100 000 = 0.7 % < 1 %: prefer hy (the sentence of the issue).
  assert.deepEqual(assessXcorr(EVIDENCE), { estimator: 'xcorr', ok: false, text: 'xcorr: only 0.7 % of 1 ms steps move in both markets (700 steps) — prefer hy' });
  // 2000 / 100 000 = 2 %, 2000 ≥ 100 steps: fine.
  assert.equal(assessXcorr({ ...EVIDENCE, bothMove: 2000 }).ok, true);
  // 5 % but only 50 steps: too few.
  assert.equal(assessXcorr({ ...EVIDENCE, steps: 1000, bothMove: 50 }).ok, false);
  assert.equal(assessXcorr({ ...EVIDENCE, steps: 0, bothMove: 0 }).text, 'xcorr: the markets overlap for less than one 1 ms grid step — nothing to correlate');
  // Where the lags were measured (report), the lag where both move most decides: a 2 ms lead
  // moves them together 2 ms apart, 3 000 / 99 998 = 3 %; at lag 0 the 700 said "prefer hy".
  assert.deepEqual(assessXcorr({ ...EVIDENCE, bestCoMove: { lagUs: 2000, steps: 99998, bothMove: 3000 } }), { estimator: 'xcorr', ok: true, text: 'xcorr: 3 % of 1 ms steps move in both markets 2 ms apart (3000 steps) — enough co-movement to correlate' });
  // A best lag of 0, or fewer co-moves than at lag 0, changes nothing.
  assert.deepEqual(assessXcorr({ ...EVIDENCE, bestCoMove: { lagUs: 0, steps: 100000, bothMove: 700 } }), assessXcorr(EVIDENCE));
  assert.deepEqual(assessXcorr({ ...EVIDENCE, bestCoMove: { lagUs: -1000, steps: 99999, bothMove: 600 } }), assessXcorr(EVIDENCE));
});

test('a market that never moves, or an overlap of no grid step: every judgement says so, not advice that cannot help', () => {
  // spot still: 0 jumps at any θ and 0 co-moving steps, where the usual rules say "lower the
  // threshold" and "prefer hy"; hy's nonextant shares (10 %, 30 %) would pass.
  const still: PairEvidence = { ...EVIDENCE, jumps: [0, 50], bothMove: 0, still: [true, false] };
  assert.deepEqual(
    [assessPair(still), assessXcorr(still), assessHy(still)].map((a) => [a.ok, a.text]),
    [
      [false, 'pair: spot never moves in the overlap — nothing to pair'],
      [false, 'xcorr: spot never moves in the overlap — nothing to correlate'],
      [false, 'hy: spot never moves in the overlap — nothing to estimate'],
    ],
  );
  // Unmeasured (undefined) or both moving: the usual rules.
  assert.equal(assessPair({ ...still, still: undefined }).text, 'pair: 0 spot jumps at θ = 0.07 % — lower the threshold');
  assert.equal(assessHy({ ...still, still: [false, false] }).ok, true);
  // No grid step in the overlap (two ticks 0 µs apart): pair too has nothing.
  assert.equal(assessPair({ ...EVIDENCE, steps: 0, bothMove: 0 }).text, 'pair: the markets overlap for less than one 1 ms grid step — nothing to pair');
});

test('assessPair: too few jumps, θ of a tick or less, or enough', () => {
  assert.deepEqual(assessPair(EVIDENCE), { estimator: 'pair', ok: false, text: 'pair: 3 spot jumps at θ = 0.07 % — lower the threshold' });
  const ticks = assessPair({ ...EVIDENCE, jumps: [40, 50], thresholdTicks: [42, 0.8] });
  assert.equal(ticks.ok, false);
  assert.match(ticks.text, /0\.8 tick of perp, so every one-tick move is a jump — raise the threshold/);
  assert.deepEqual(assessPair({ ...EVIDENCE, jumps: [40, 50] }), { estimator: 'pair', ok: true, text: 'pair: 40 spot and 50 perp jumps at θ = 0.07 %, about 1.3 pairs expected by chance (§10) — enough jumps to pair (whether enough of them lead to test who leads, pair says)' });
});

test('assessHy: the larger nonextant share decides (threshold 80 %)', () => {
  // 10 % and 30 %: both below 80 %, the ticks interleave.
  assert.deepEqual(assessHy(EVIDENCE), { estimator: 'hy', ok: true, text: "hy: nonextant ticks: 10 % of spot's, 30 % of perp's — the native ticks interleave; hy uses them without a grid" });
  // 85 % of spot's: the worse market is named.
  const bad = assessHy({ ...EVIDENCE, nonextantShares: [0.85, 0.3] });
  assert.equal(bad.ok, false);
  assert.match(bad.text, /most of spot's ticks cancel out/);
  assert.equal(assessHy({ ...EVIDENCE, nonextantShares: [null, 0.3] }).ok, false);
});

test('alignment: exchange against receipt, two receipt clocks, unknown', () => {
  const base = { names: ['spot', 'perp'] as const, resolutionUs: 1000 };
  // perp on receipt time with median latency 3 ms: its times run 3 ms late (offset +3000).
  const mixed = alignment({ ...base, clocks: ['exchange', 'receipt'], medianLatency: [NaN, 3000] });
  assert.equal(mixed.ok, false);
  assert.equal(mixed.offsetUs, 3000);
  assert.match(mixed.text, /perp is on receipt time and spot on exchange time/);
  // spot on receipt time (2 ms): spot runs late, perp's times are 2 ms earlier (offset −2000).
  assert.equal(alignment({ ...base, clocks: ['receipt', 'exchange'], medianLatency: [2000, NaN] }).offsetUs, -2000);
  // Both receipt, 2 ms vs 40 ms: perp runs 38 ms later.
  const far = alignment({ ...base, clocks: ['receipt', 'receipt'], medianLatency: [2000, 40000] });
  assert.deepEqual([far.ok, far.offsetUs], [false, 38000]);
  assert.match(far.text, /perp's runs 38 ms later than spot's/);
  // Both receipt, 500 µs apart: below the 1 ms resolution.
  assert.equal(alignment({ ...base, clocks: ['receipt', 'receipt'], medianLatency: [2000, 2500] }).ok, true);
  assert.deepEqual(alignment({ ...base, clocks: ['exchange', 'exchange'], medianLatency: [NaN, NaN] }).offsetUs, 0);
  assert.equal(alignment({ ...base, clocks: ['unknown', 'exchange'], medianLatency: [NaN, NaN] }).offsetUs, null);
});

/** A row as the parsers leave it (text only for messages). */
function row(fields: Partial<Pick<RowScratch, 't' | 'bid' | 'ask' | 'price' | 'qty' | 'empty' | 'short' | 'nfields'>>, text = ['1', '2', '3']): RowScratch {
  const r = new RowScratch({ fieldText: (c) => text[c] ?? '', lineText: () => text.join(',') });
  Object.assign(r, { t: 1, bid: 100, ask: 101, price: 100, qty: 1, empty: 0, short: false, nfields: 3 }, fields);
  return r;
}

test('RowClassifier: every verdict of quotes, in the order of the checks', () => {
  const plan = planFromHeader(['ts_us', 'bid', 'ask'], 'quotes', { clock: 'exchange' }, { file: 'f', line: 1, text: '' });
  const c = new RowClassifier(plan);
  const cases: Array<[Partial<RowScratch>, number]> = [
    [{}, Verdict.ok],
    [{ bid: 101 }, Verdict.ok], // locked is usable
    [{ short: true, t: NaN }, Verdict.shortRow], // shape first
    [{ t: NaN, bid: 0 }, Verdict.badTime], // time before values
    [{ empty: 1 << 1, bid: NaN }, Verdict.oneSided], // empty bid: one-sided, not non-numeric
    [{ bid: NaN }, Verdict.nonNumericBid],
    [{ bid: -1, ask: NaN }, Verdict.nonPositiveBid], // bid before ask
    [{ ask: NaN }, Verdict.nonNumericAsk],
    [{ ask: 0 }, Verdict.nonPositiveAsk],
    [{ bid: 102 }, Verdict.crossed],
  ];
  for (const [f, v] of cases) assert.equal(c.classify(row(f)), v, JSON.stringify(f));
  assert.deepEqual(c.problem(Verdict.crossed, row({ bid: 102 }, ['1', '102', '101'])), { problem: 'crossed quote (bid > ask)', value: '102 > 101' });
  assert.deepEqual(c.problem(Verdict.nonPositiveAsk, row({ ask: 0 }, ['1', '100', '0'])), { problem: 'non-positive ask in column ask', value: '0' });
  assert.equal(verdictClass(Verdict.nonNumericAsk), 'unparsable');
  assert.equal(VERDICT_KIND[Verdict.oneSided], 'one-sided quote');
});

test('RowClassifier: trades check price then quantity; price-only quotes ignore the quantity', () => {
  const trades = new RowClassifier(planFromHeader(['time', 'price', 'qty'], 'trades', { clock: 'exchange', timeUnit: 'us' }, { file: 'f', line: 1, text: '' }));
  assert.equal(trades.classify(row({ price: 0, qty: NaN })), Verdict.nonPositivePrice);
  assert.equal(trades.classify(row({ qty: NaN })), Verdict.nonNumericQty);
  assert.equal(trades.classify(row({ qty: 0 })), Verdict.nonPositiveQty);
  const prices = new RowClassifier(planFromHeader(['ts_us', 'price'], 'quotes', { clock: 'exchange' }, { file: 'f', line: 1, text: '' }));
  assert.equal(prices.classify(row({ qty: NaN })), Verdict.ok);
  assert.equal(prices.classify(row({ price: NaN })), Verdict.nonNumericPrice);
});

test('shortNames: base names, with parent folders only where base names repeat', () => {
  assert.deepEqual(shortNames(['/d/2024/spot.csv', '/d/2024/perp.csv']), ['spot.csv', 'perp.csv']);
  assert.deepEqual(shortNames(['/d/jan/spot.csv', '/d/feb/spot.csv', 'perp.csv']), ['jan/spot.csv', 'feb/spot.csv', 'perp.csv']);
  // The same file twice stays as given; a path that is a suffix of another keeps its name.
  assert.deepEqual(shortNames(['a/x.csv', 'a/x.csv']), ['a/x.csv', 'a/x.csv']);
  assert.deepEqual(shortNames(['q/x.csv', 'x.csv']), ['q/x.csv', 'x.csv']);
});

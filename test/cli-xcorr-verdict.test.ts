/** The verdict rules of docs/xcorr.md, in process on constructed reports (the first rule that applies wins). */
import { summedCorrelation } from '../src/core/xcorr-summary.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestBand, verdict, xcorrLead, type XcorrReport, type XcorrRow } from '../src/cli/commands/xcorr-render.js';
import { warnAbout } from '../src/cli/commands/xcorr.js';
import { fakeContext } from './context-helpers.js';

function row(lag: number, r: number | null, ci: [number, number] | null, share: number | null = 0.1): XcorrRow {
  return { lag, lagUs: lag * 1000, r, n: 1000, nEffective: 100, topStepShare: share, beta: r, r2: r === null ? null : r * r, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, fisherLow: null, fisherHigh: null };
}

/**
 * A report of one best lag. Its band over the lags (XcorrReport.band) is the lag's own interval
 * unless one is given: the rules before the band's are tested with a band that agrees.
 */
function report(best: XcorrRow | undefined, difference: XcorrReport['summed']['difference'], bootstrap = true, band: XcorrReport['band'] | undefined = undefined): XcorrReport {
  const own = bootstrap && best?.ciLow != null && best.ciHigh != null ? { halfWidth: (best.ciHigh - best.ciLow) / 2, lags: 1, low: best.ciLow, high: best.ciHigh } : null;
  return {
    band: band === undefined ? own : band,
    names: ['spot', 'perp'],
    gridUs: 1000,
    span: { start: 0, end: 1e6 },
    gridPoints: 1001,
    lags: best === undefined ? [] : [best],
    best,
    summed: { positive: null, negative: null, difference },
    bootstrap: bootstrap ? { replicates: 1000, blockUs: 1e7, seed: 42, blocks: 40, moving: 40 } : null,
  };
}

const clear = { lags: [-1, 1], value: 0.2, interval: { low: 0.1, high: 0.3 } };

test('verdict: no defined r → no verdict, saying whether no lag had a pair or a series was constant', () => {
  assert.match(verdict(report(undefined, null)), /^no verdict/);
  // Lag 3 with N = 0 (1001 grid points could hold it, but these constructed lags have none) →
  // no pairs; with N = 1000 pairs but r n/a → a constant series.
  const none = { ...report(undefined, null), lags: [{ ...row(3, null, null, null), n: 0, nEffective: 0 }] };
  assert.equal(verdict(none), 'no verdict: no lag has a pair of returns: the span holds 1001 grid points of 1 ms, too few for lags up to 3 steps (a finer --grid or shorter --lags).');
  const constant = { ...report(undefined, null), lags: [row(3, null, null, null)] };
  assert.equal(verdict(constant), 'no verdict: no lag has a defined correlation (a series is constant).');
});

test('no defined r, or no interval at the peak (--bootstrap 1): untested, not "no significant correlation"', () => {
  // Nothing measured: no call, and the report counts xcorr untested.
  assert.deepEqual(xcorrLead(report(undefined, null)), { tested: false, sign: 0, correlated: false });
  // R = 1: a lag's one replicate gives no interval (percentileInterval needs two).
  const one = { ...report(row(3, 0.2135, null), clear), bootstrap: { replicates: 1, blockUs: 1e7, seed: 42, blocks: 40, moving: 40 } };
  assert.deepEqual(xcorrLead(one), { tested: false, sign: 0, correlated: false });
  assert.equal(
    verdict(one),
    'untested: the largest |r|, r = 0.2135 at τ = 3 steps = 3 ms, has no 95 % interval (--bootstrap 1 draws 1 replicate; an interval needs at least 2, and hundreds for a sound one: the default is 1000).',
  );
  assert.match(verdict(report(row(3, 0.2, null), clear)), /has no 95 % interval \(fewer than 2 of its 1000 replicates have an r there\)\.$/);
});

test('one lag: no choice among lags, so no band rule beside the lag\'s own interval', () => {
  // `--lags 1` on the Binance sample: the lag's percentile interval [0.0081, 0.0448] is clear of 0,
  // its symmetric band over the 1 lag [-0.0009, 0.0380] is not; the verdict said "no significant
  // correlation once the choice of the best lag is allowed for", a choice there was not.
  const one = report(row(1, 0.0185, [0.0081, 0.0448]), null, true, { halfWidth: 0.0195, lags: 1, low: -0.0009, high: 0.038 });
  assert.equal(xcorrLead(one).correlated, true);
  assert.doesNotMatch(verdict(one), /choice of the best lag/);
  // Over two lags the band rule applies as before.
  const two = report(row(1, 0.0185, [0.0081, 0.0448]), null, true, { halfWidth: 0.0195, lags: 2, low: -0.0009, high: 0.038 });
  assert.equal(xcorrLead(two).correlated, false);
  assert.match(verdict(two), /^no significant correlation once the choice of the best lag is allowed for/);
});

test('fewer than 100 replicates: untested, however clear the interval (their ends are the few most extreme replicates)', () => {
  // --bootstrap 2 on the fixtures called spot the leader with the difference's interval
  // [0.3450, 0.3474] around 0.3883 (it need not even hold the estimate); 1000 gave [0.2604, 0.5169].
  const with_ = (replicates: number) => ({ ...report(row(3, 0.2135, [0.1718, 0.2239]), clear), bootstrap: { replicates, blockUs: 1e6, seed: 42, blocks: 40, moving: 40 } });
  assert.deepEqual(xcorrLead(with_(2)), { tested: false, sign: 0, correlated: false });
  assert.deepEqual(xcorrLead(with_(99)), { tested: false, sign: 0, correlated: false });
  assert.equal(
    verdict(with_(2)),
    'untested: --bootstrap 2 draws 2 replicates, and a call needs at least 100 (the default is 1000): the ends of an interval from fewer are the few most extreme replicates; the peak r = 0.2135 at τ = 3 steps = 3 ms, 95 % interval [0.1718, 0.2239].',
  );
  // From 100 the rules go on: the interval is clear, the sums name spot.
  assert.deepEqual(xcorrLead(with_(100)), { tested: true, sign: 1, correlated: true });
  // Without the bootstrap (Fisher's interval) the rule does not apply: no replicates at all.
  assert.equal(xcorrLead(report(row(3, 0.2135, [0.1718, 0.2239]), clear, false)).correlated, true);
});

test('verdict: a single-step peak is weak evidence even when everything else looks significant', () => {
  assert.match(verdict(report(row(3, 0.4, [0.3, 0.5], 0.8), clear)), /^weak evidence: .* 80 % from a single grid step/);
});

test('verdict: an interval that includes 0 → no significant correlation, with the signed r its interval is of', () => {
  // The interval is r's (−0.05 in [−0.1, 0.01]), so the sentence gives r, not |r| = 0.05 outside it.
  assert.match(verdict(report(row(-2, -0.05, [-0.1, 0.01]), clear)), /^no significant correlation: the largest \|r\|, r = -0\.0500 at τ = -2 steps = -2 ms, has a 95 % interval \[-0\.1000, 0\.0100\] that includes 0/);
});

test('verdict: "no significant correlation" over lags on one side says the other side was not looked at', () => {
  // The hunt's case: markets given in the other order, default lags 1..5, and r = 0.84 at τ = −3 unseen.
  const one = { ...report(row(3, -0.005, [-0.0135, 0.0001]), clear), lags: [1, 2, 3, 4, 5].map((l) => row(l, l === 3 ? -0.005 : 0.001, [-0.01, 0.01])) };
  assert.match(verdict(one), /includes 0 — at lags where spot moves first only: the other side was not looked at \(--lags -5\.\.5 looks at both\)\.$/);
  const negative = { ...one, lags: [-1, -2].map((l) => row(l, 0.001, [-0.01, 0.01])) };
  assert.match(verdict(negative), /at lags where perp moves first only/);
  const both = { ...one, lags: [-1, 1, 3].map((l) => row(l, l === 3 ? -0.005 : 0.001, [-0.01, 0.01])) };
  assert.doesNotMatch(verdict(both), /other side/);
});

test('verdict: without mirrored lags the lead is not tested, and the sentence says what is missing', () => {
  assert.match(verdict(report(row(2, 0.3, [0.2, 0.4]), null)), /^significant correlation .* request lags on both sides \(e\.g\. --lags -5\.\.5\) to test who leads/);
  // Lags -5, 1, 2, 3: both sides, but not each other's mirror (no S₊ − S₋).
  const unmirrored = { ...report(row(2, 0.3, [0.2, 0.4]), null), lags: [row(-5, 0.01, [-0.1, 0.1]), row(1, 0.1, [0, 0.2]), row(2, 0.3, [0.2, 0.4]), row(3, 0.1, [0, 0.2])] };
  assert.match(verdict(unmirrored), /; request mirrored lags, each τ with −τ \(e\.g\. --lags -5\.\.5\), to test who leads: /);
  // Mirrored, but a lag has no r: summedCorrelation gives no difference (a side's sum needs every r).
  const lags = [row(-2, null, null, null), row(2, 0.3, [0.2, 0.4])];
  assert.equal(summedCorrelation(lags).difference, null);
  const noR = { ...report(row(2, 0.3, [0.2, 0.4]), null), lags };
  assert.match(verdict(noR), /; a lag without an r leaves a side without its sum, so who leads is untested/);
});

test('verdict: the sign of a clear difference names the leader', () => {
  assert.match(verdict(report(row(2, 0.3, [0.2, 0.4]), clear)), /^spot leads perp: .* exceeds the other by 0\.2000/);
  const negative = { lags: [-1, 1], value: -0.2, interval: { low: -0.3, high: -0.1 } };
  assert.match(verdict(report(row(-2, 0.3, [0.2, 0.4]), negative)), /^perp leads spot/);
});

test('verdict: a difference whose interval includes 0 → correlated but no significant lead; Fisher runs say so', () => {
  const unclear = { lags: [-1, 1], value: 0.05, interval: { low: -0.02, high: 0.12 } };
  assert.match(verdict(report(row(0, 0.3, [0.2, 0.4]), unclear)), /^correlated \(r = 0\.3000 at τ = 0 steps = 0 µs\) but no significant lead/);
  assert.match(verdict(report(row(0, 0.3, [0.29, 0.31]), { ...unclear, interval: null }, false)), /Fisher interval.*who leads is untested/);
});

test('verdict: markets that move against each other (r < 0) lead on the side whose summed r is the more negative', () => {
  // Spot leads a perp quoted inversely: every r is the negative of the plain pair's, so S₊ = −0.5,
  // S₋ = −0.1 and S₊ − S₋ = −0.4 (interval [−0.5, −0.3]). The plain pair (r > 0, +0.4) names
  // spot; so must this one, and neither may name perp.
  const against = { lags: [-1, 1], value: -0.4, interval: { low: -0.5, high: -0.3 } };
  const v = verdict(report(row(3, -0.3, [-0.4, -0.2]), against));
  assert.match(v, /^spot leads perp: the markets move against each other \(peak r = -0\.3000 at τ = 3 steps = 3 ms\)/);
  assert.match(v, /larger in size, by 0\.4000; the 95 % interval of τ > 0 minus τ < 0, \[-0\.5000, -0\.3000\], is clear of 0\.$/);
  const together = { lags: [-1, 1], value: 0.4, interval: { low: 0.3, high: 0.5 } };
  assert.match(verdict(report(row(3, 0.3, [0.2, 0.4]), together)), /^spot leads perp: the summed r of the leading side exceeds the other by 0\.4000/);
  // Perp leads against: S₊ − S₋ > 0 with r < 0.
  assert.match(verdict(report(row(-3, -0.3, [-0.4, -0.2]), together)), /^perp leads spot: the markets move against each other/);
});

test('verdict: a bootstrap over one block gives no interval, so nothing is tested', () => {
  // One block resamples to the statistic itself: every interval is n/a (core/bootstrap.ts).
  const one = { ...report(row(3, 0.3, null), { lags: [-1, 1], value: 0.2, interval: null }), bootstrap: { replicates: 1000, blockUs: 1e7, seed: 42, blocks: 1, moving: 1 } };
  assert.equal(verdict(one), 'untested: the span holds 1 block of 10 s, and an interval needs at least 2 (a longer span gives more; a shorter --block too, if still longer than the dependence between returns); the peak r = 0.3000 at τ = 3 steps = 3 ms.');
});

test('warnAbout: few blocks are counted by where both markets move, not by the span; below 6 who leads is untested', () => {
  // 40 blocks of 10 s, 7 with a co-movement: the intervals rest on 7 (rough, below 10).
  const warned = (moving: number, best = row(3, 0.3, [0.2, 0.4])) => {
    const { ctx, stderr } = fakeContext();
    warnAbout({ ...report(best, clear), bootstrap: { replicates: 1000, blockUs: 1e7, seed: 42, blocks: 40, moving } }, ctx);
    return stderr();
  };
  assert.match(warned(7), /the bootstrap resamples only 7 blocks of 10 s \(of 40\) where both markets move at a lag asked: its intervals are rough/);
  // 5 (below MIN_CALL_BLOCKS = 6): rough and untested, as the verdict says.
  assert.match(warned(5), /the span holds 40 blocks of 10 s, 5 where both markets move at a lag asked: its intervals are rough and who leads is untested \(a call needs 6 blocks where both markets move at a lag asked\)/);
  assert.match(verdict({ ...report(row(3, 0.3, [0.2, 0.4]), clear), bootstrap: { replicates: 1000, blockUs: 1e7, seed: 42, blocks: 40, moving: 5 } }), /^untested: the span holds 40 blocks of 10 s, 5 where both markets move at a lag asked, and a call needs at least 6/);
  // A peak one step makes over 5 moving blocks is untested too (the report once counted it as a
  // tested "no lead"): the one-step diagnosis needs blocks enough to have tested the rest.
  const oneStep = row(3, 0.3, [0.2, 0.4], 0.8);
  assert.match(warned(5, oneStep), /5 where both markets move at a lag asked: its intervals are rough and who leads is untested/);
  const fewAndOneStep = { ...report(oneStep, clear), bootstrap: { replicates: 1000, blockUs: 1e7, seed: 42, blocks: 40, moving: 5 } };
  assert.match(verdict(fewAndOneStep), /^untested: the span holds 40 blocks of 10 s, 5 where both markets move/);
  assert.deepEqual(xcorrLead(fewAndOneStep), { tested: false, sign: 0, correlated: false });
  // With 6 moving blocks the same peak is weak evidence: tested, no lead.
  const enough = { ...fewAndOneStep, bootstrap: { ...fewAndOneStep.bootstrap, moving: 6 } };
  assert.match(verdict(enough), /^weak evidence: the peak r = 0\.3000 .* comes 80 % from a single grid step/);
  assert.deepEqual(xcorrLead(enough), { tested: true, sign: 0, correlated: false });
  assert.doesNotMatch(warned(6, oneStep), /untested/);
});

test('verdict: a peak on fewer than 10 steps where both markets move is untested, and tiny r prints in significant digits', () => {
  // The helper's case: one market barely moves, r = −9.1e-6 at 5 ms from 4 co-moving steps,
  // with a bootstrap interval clear of 0. 4 < MIN_CO_MOVES (10): no call, and r is not "0.0000".
  const few = { ...row(5, -9.1e-6, [-1.5e-5, -2.4e-6]), nEffective: 4 };
  assert.equal(verdict(report(few, clear)), 'untested: at the peak (τ = 5 steps = 5 ms, r = -0.0000091) only 4 grid steps move in both markets, fewer than the 10 a call needs; a longer span, a coarser --grid, or hy on the native ticks sees more.');
  // 10 co-moving steps are enough for the usual rules.
  assert.match(verdict(report({ ...row(2, 0.3, [0.2, 0.4]), nEffective: 10 }, clear)), /^spot leads perp/);
  assert.match(verdict(report({ ...row(2, 0.3, [0.2, 0.4]), nEffective: 9 }, clear)), /^untested: .* only 9 grid steps move/);
});

test('verdict: when B leads, the amount\'s interval is turned with it: it holds the amount printed', () => {
  // S₊ − S₋ = −0.2 [−0.3, −0.1]: perp's side exceeds spot's by 0.2, so by [0.1, 0.3] (before,
  // the sentence printed 0.2 beside [−0.3, −0.1], an interval not holding its own estimate).
  const negative = { lags: [-1, 1], value: -0.2, interval: { low: -0.3, high: -0.1 } };
  assert.match(verdict(report(row(-2, 0.3, [0.2, 0.4]), negative)), /^perp leads spot: the summed r of the leading side exceeds the other by 0\.2000, 95 % interval \[0\.1000, 0\.3000\] clear of 0/);
  assert.match(verdict(report(row(2, 0.3, [0.2, 0.4]), clear)), /exceeds the other by 0\.2000, 95 % interval \[0\.1000, 0\.3000\] clear of 0, peak r = 0\.3000 at τ = 2 steps = 2 ms\.$/);
});

test('verdict: a peak on the other market\'s side from the sums says they disagree; a peak at the last lag asked says r may peak beyond', () => {
  // The sums name spot (S₊ − S₋ = 0.2 clear of 0) but the best lag, −2, is where perp would lead.
  assert.match(verdict(report(row(-2, 0.3, [0.2, 0.4]), clear)), /^spot leads perp: .* at τ = -2 steps = -2 ms — but the peak lies where perp would lead, so the peak and the sums disagree/);
  // Lags −3..3 with the best at 3: the edge; at 2 (inside): no note.
  const lags = (best: number) => [-3, -2, -1, 0, 1, 2, 3].map((l) => (l === best ? row(l, 0.3, [0.2, 0.4]) : row(l, 0.01, [-0.01, 0.03])));
  const at = (best: number) => ({ ...report(row(best, 0.3, [0.2, 0.4]), clear), lags: lags(best) });
  assert.match(verdict(at(3)), /; the peak is at the last lag asked, so r may peak beyond it \(widen --lags\)\.$/);
  assert.doesNotMatch(verdict(at(2)), /peak beyond/);
  assert.match(verdict({ ...at(-3), summed: { positive: null, negative: null, difference: { lags: [-1, 1], value: -0.2, interval: { low: -0.3, high: -0.1 } } } }), /^perp leads spot: .*; the peak is at the first lag asked/);
});

test('verdict: a best lag clear of 0 alone but not in the band over all the lags at once is no significant correlation, and no call', () => {
  // Its own interval [0.01, 0.08] leaves out 0; the band over the 101 lags tried, [-0.004, 0.09], does not.
  const alone = row(5, 0.0439, [0.0148, 0.0796]);
  const r = report(alone, clear, true, { halfWidth: 0.04805, lags: 101, low: -0.0042, high: 0.0919 });
  assert.equal(
    verdict(r),
    'no significant correlation once the choice of the best lag is allowed for: the largest |r|, r = 0.0439 at τ = 5 steps = 5 ms, is clear of 0 at that lag alone (95 % interval [0.0148, 0.0796]), but its 95 % band over the 101 lags a call could rest on, all at once, [-0.0042, 0.0919], includes 0 — at lags where spot moves first only: the other side was not looked at (--lags -5..5 looks at both).',
  );
  assert.deepEqual(xcorrLead(r), { tested: true, sign: 0, correlated: false });
  // The same with a band clear of 0 names the leader; with the bootstrap and no band, no call.
  assert.deepEqual(xcorrLead(report(alone, clear, true, { halfWidth: 0.04545, lags: 101, low: 0.001, high: 0.0919 })), { tested: true, sign: 1, correlated: true });
  // A band that reaches 0 exactly includes it.
  assert.deepEqual(xcorrLead(report(alone, clear, true, { halfWidth: 0.0439, lags: 101, low: 0, high: 0.0878 })), { tested: true, sign: 0, correlated: false });
  assert.match(verdict(report(alone, clear, true, null)), /^no significant correlation once the choice .* but too few of its replicates have an r/);
  // Fisher runs (no bootstrap) have no band and are judged as before.
  assert.match(verdict(report(alone, { ...clear, interval: null }, false)), /^correlated, r = 0\.0439/);
});

test('bestBand: over the lags a call could rest on, 10 or more steps where both markets move and no single step carrying more than half the peak', () => {
  // Five lags of four replicates (lag k of replicate i at k·4 + i). Lag −1 has 9 co-moving steps and
  // lag 0 one step carrying 80 % of its co-movement: neither is covered (their wild replicates would
  // widen the band). Lag 1 has exactly 10 steps and lag 3 a top step of exactly 0.5: both covered,
  // so a mutation of either boundary (> 10, < 0.5) drops a lag and changes h.
  const rows = [
    { ...row(-1, 0.1, null), nEffective: 9 },
    row(0, 0.15, null, 0.8),
    { ...row(1, 0.2, null), nEffective: 10 },
    { ...row(2, 0.3, null), nEffective: 50 },
    row(3, 0.1, null, 0.5),
  ];
  const boot = { replicates: 4, r: Float64Array.of(90, -90, 90, -90, 50, -50, 50, -50, 0.1, 0.2, 0.3, 0.4, 0.2, 0.3, 0.4, 0.6, 0.1, 0.1, 0.1, 0.5), intervals: [] };
  const band = bestBand(boot, rows, rows[3])!;
  assert.equal(band.lags, 3);
  // |r* − r̂|: lag 1 (r̂ 0.2) 0.1, 0, 0.1, 0.2; lag 2 (r̂ 0.3) 0.1, 0, 0.1, 0.3; lag 3 (r̂ 0.1) 0, 0, 0, 0.4.
  // D = 0.1, 0, 0.1, 0.4; sorted 0, 0.1, 0.1, 0.4, at rank 3·0.95 = 2.85: 0.1 + 0.85·0.3 = 0.355.
  // Lag 1's deviations never set a maximum, so its boundary shows in the count (3 lags, 2 without
  // it); without lag 3, D = 0.1, 0, 0.1, 0.3 and h = 0.27. The band at lag 2: 0.3 ± 0.355.
  assert.ok(Math.abs(band.halfWidth - 0.355) < 1e-12 && Math.abs(band.low - -0.055) < 1e-12 && Math.abs(band.high - 0.655) < 1e-12, JSON.stringify(band));
  // A best lag no call could rest on has no band.
  assert.equal(bestBand(boot, rows, rows[0]), null);
  assert.equal(bestBand(boot, rows, rows[1]), null);
});

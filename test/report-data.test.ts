/**
 * The report's figures and verdict built from the commands' reports: small reports written by
 * hand here, the expected series, bands, marked lags and sentences worked out from them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idPart, type Spec } from '../src/report/specs.js';
import { delayFigures, hyFigure, prFigure, tableOneFigure, windowFigure, xcorrFigure } from '../src/report/figures.js';
import { reportVerdict, type MethodCall } from '../src/report/verdict.js';
import { longRows } from '../src/cli/report-render.js';
import type { XcorrReport, XcorrRow } from '../src/cli/commands/xcorr-render.js';
import type { PairReport } from '../src/cli/commands/pair.js';
import type { ClassifyReport } from '../src/cli/classify-render.js';
import { windowLeader as hyWindowLeader, type HyReport } from '../src/cli/commands/hy.js';
import { hyCall, pairCall, xcorrCall } from '../src/report/calls.js';

type Layer = { mark: { type: string }; data?: { values: Record<string, unknown>[] } };
const values = (s: Spec) => (s.data as { values: Record<string, unknown>[] }).values;
const layers = (s: Spec) => s.layer as Layer[];

function row(lag: number, r: number | null, ci: [number, number] | null, fisher: [number, number] | null): XcorrRow {
  return { lag, lagUs: lag * 500, r, n: 100, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, fisherLow: fisher?.[0] ?? null, fisherHigh: fisher?.[1] ?? null, nEffective: 10, topStepShare: 0.1, beta: r, r2: r === null ? null : r * r };
}

function xcorrReport(bootstrap: boolean): XcorrReport {
  const lags = [row(-1, 0.05, [-0.01, 0.11], [0.0, 0.1]), row(0, null, null, null), row(2, 0.3, [0.2, 0.4], [0.25, 0.35])];
  return { names: ['spot', 'perp'], gridUs: 500, span: { start: 0, end: 1e6 }, gridPoints: 2001, lags, best: lags[2], summed: { positive: null, negative: null, difference: null }, band: null, bootstrap: bootstrap ? { replicates: 200, blockUs: 10_000_000, seed: 1, blocks: 12, moving: 12 } : null };
}

test('xcorrFigure: the report\'s r per lag in ms (a 500 µs grid: lag 2 is 1 ms), the reported interval as the band, the best lag marked', () => {
  const f = xcorrFigure(xcorrReport(true));
  assert.deepEqual(values(f.spec), [
    { lag_ms: -0.5, r: 0.05, low: -0.01, high: 0.11 },
    { lag_ms: 1, r: 0.3, low: 0.2, high: 0.4 },
  ]);
  assert.deepEqual(layers(f.spec).at(-1)!.data!.values, [{ x: 1, label: 'best 1 ms' }]);
  assert.match(f.caption, /block-bootstrap interval \(200 replicates of 10 s blocks\)/);
  assert.match(xcorrFigure(xcorrReport(false)).caption, /Fisher 95 % interval/);
});

function hyReport(lagUs: number, ci: [number, number] | null, p: number): HyReport {
  // ρ = U / √(RV_A·RV_B) = U at lags -200 … 200 µs; NaN at 0 leaves ρ undefined there.
  const lattice = { fromUs: -200, stepUs: 100, count: 5 };
  const estimate = { lagUs, lattice, u: Float64Array.from([-0.2, -0.1, NaN, 0.1, 0.2]), rvA: 1, rvB: 1 };
  return { names: ['spot', 'perp'], lattice, options: { bootstrap: 999, block: 10_000_000, seed: 1 }, estimate, inference: ci === null ? null : { lagUs: { low: ci[0], high: ci[1] }, pValue: p, exact: false, signPatterns: 999, replicates: 999, contrastBlocks: 40 } } as unknown as HyReport;
}

test('hyFigure: ρ(θ) in ms without undefined lags, θ̂ marked, its interval shaded', () => {
  const f = hyFigure(hyReport(-200, [-200, -100], 0.01));
  assert.deepEqual(values(f.spec).map((v) => [v.lag_ms, v.rho]), [[-0.2, -0.2], [-0.1, -0.1], [0.1, 0.1], [0.2, 0.2]]);
  assert.deepEqual(layers(f.spec)[0]!.data!.values, [{ lo: -0.2, hi: -0.1 }]);
  assert.deepEqual(layers(f.spec).at(-1)!.data!.values, [{ x: -0.2, label: 'θ̂ -0.2 ms' }]);
});

test('hyCall: θ̂ < 0 is a lead of the second market by |θ̂| with the interval turned round; an interval reaching 0, p ≥ 0.05 or no test is no lead', () => {
  const lead = hyCall(hyReport(-200, [-300, -100], 0.01));
  assert.deepEqual([lead.leader, lead.lagUs, lead.intervalUs, lead.pValue], ['perp', 200, [100, 300], 0.01]);
  // An interval of one lattice lag (-100 … -100 µs, lags every 100 µs, away from the ends) is the
  // lag to within the step; one of two lags is not; at an end of the lags the edge's caveat comes first.
  assert.equal(hyCall(hyReport(-100, [-100, -100], 0.01)).intervalCaveat, 'to within --step 100 µs');
  assert.equal(hyCall(hyReport(-100, [-100, 0], 0.01)).intervalCaveat, null);
  assert.equal(hyCall(hyReport(-200, [-200, -200], 0.01)).intervalCaveat, 'the lags may cut it short: widen --lags');
  assert.equal(hyCall(hyReport(-200, [-300, 100], 0.01)).leader, null);
  assert.equal(hyCall(hyReport(-200, [-300, -100], 0.2)).leader, null);
  assert.equal(hyCall(hyReport(-200, null, 0)).leader, null);
  // Tested: a lead, an interval reaching 0 (direction uncertain), p ≥ 0.05. Untested: a significant
  // contrast at θ̂ ≠ 0 without an interval of θ̂ (hy's verdict: "the direction is untested").
  assert.deepEqual([lead.tested, hyCall(hyReport(-200, [-300, 100], 0.01)).tested, hyCall(hyReport(-200, [-300, -100], 0.2)).tested], [true, true, true]);
  const noInterval = hyReport(-200, [-300, -100], 0.01);
  const withoutCi = { ...noInterval, inference: { ...noInterval.inference!, lagUs: null } } as HyReport;
  assert.equal(hyCall(withoutCi).tested, false);
  // Fewer than 100 replicates: untested, no leader, whatever the interval and p.
  const forty = { ...noInterval, inference: { ...noInterval.inference!, replicates: 40 } } as HyReport;
  assert.deepEqual([hyCall(forty).tested, hyCall(forty).leader], [false, null]);
  assert.equal(hyCall(withoutCi).leader, null);
  assert.equal(hyWindowLeader({ estimate: withoutCi.estimate, inference: withoutCi.inference }, withoutCi.lattice), null);
  assert.equal(hyWindowLeader({ estimate: noInterval.estimate, inference: noInterval.inference }, noInterval.lattice), -1);
});

function pairReport(): PairReport {
  const feed = (f: 'native' | 'locf', ab: number[], ba: number[]) => ({
    feed: f,
    metrics: [],
    roleMetrics: [],
    delays: [],
    stats: {
      table: { totalA: 10, totalB: 8, paired: 6, aLeadsB: ab.length, bLeadsA: ba.length, simultaneous: 6 - ab.length - ba.length, noiseA: 4, noiseB: 2, noise: 6, delaysAB: Float64Array.from(ab), delaysBA: Float64Array.from(ba) },
      chance: { mean: 1.5, max: 3 },
    },
  });
  return { names: ['spot', 'perp'], params: { threshold: 0.001, windowUs: 3000, pairWindowUs: 5000, gridUs: 1000 }, span: { start: 0, end: 1e6 }, feeds: [feed('native', [1500, 2500, 4000], [700]), feed('locf', [2000, 3000], [1000])], nullStepUs: 1e6, bootstrap: { replicates: 0, blockUs: 1e7, seed: 1 } } as unknown as PairReport;
}

test('delayFigures: one histogram per feed, each direction\'s delays in ms, bins over the pairing window', () => {
  const [native, grid] = delayFigures(pairReport());
  assert.equal(native!.id, 'delays-native');
  assert.equal(grid!.id, 'delays-1ms-grid'); // an HTML id has no space
  // Every unit spelt alike, next to its number: before, '500 µs grid' gave '500-us-grid' and '2 s grid' '2-s-grid'.
  assert.deepEqual(['500 µs grid', '2 s grid', '1.5 ms grid', 'native ticks'].map(idPart), ['500us-grid', '2s-grid', '1_5ms-grid', 'native-ticks']);
  assert.deepEqual(values(native!.spec), [
    { direction: 'spot leads perp', delay_ms: 1.5 },
    { direction: 'spot leads perp', delay_ms: 2.5 },
    { direction: 'spot leads perp', delay_ms: 4 },
    { direction: 'perp leads spot', delay_ms: 0.7 },
  ]);
  const x = (native!.spec.encoding as { x: { bin: { extent: number[] } } }).x;
  assert.deepEqual(x.bin.extent, [0, 5]);
});

test('tableOneFigure: who led and the chance pairs of each feed', () => {
  const f = tableOneFigure(pairReport());
  const native = values(f.spec).filter((v) => v.feed === 'native ticks').map((v) => [v.what, v.count]);
  // native: 3 spot-led, 1 perp-led, 6 − 3 − 1 = 2 simultaneous; chance mean 1.5, max 3.
  assert.deepEqual(native, [['spot leads', 3], ['perp leads', 1], ['simultaneous', 2], ['chance pairs (mean)', 1.5], ['chance pairs (max)', 3]]);
});

test('windowFigure: each window\'s best lag by |r| in ms and its r; none without --by', () => {
  assert.equal(windowFigure(xcorrReport(true)), undefined);
  const lagRows = (rs: (number | null)[]) => rs.map((r, i) => row(i - 1, r, null, null));
  const by = { windows: [{ start: 0, end: 10e6, part: lagRows([0.1, -0.4, 0.2]) }, { start: 10e6, end: 20e6, part: lagRows([null, null, null]) }], stability: {} };
  const f = windowFigure({ ...xcorrReport(true), by } as unknown as XcorrReport)!;
  // Window 1: |−0.4| at lag 0 is the largest → 0 ms, r −0.4; window 2: no r.
  assert.deepEqual(values(f.spec), [{ start: 0, lag_ms: 0, rho: -0.4 }, { start: 10_000, lag_ms: null, rho: null }]);
});

test('prFigure: the curve\'s points, the chosen threshold and the base rate', () => {
  const curve = { thresholds: Float64Array.from([0.9, 0.5, 0.1]), precision: Float64Array.from([1, 0.75, 0.5]), recall: Float64Array.from([1 / 3, 1, 1]), positives: 3 };
  const f = prFigure({ curve, precisionAtThreshold: 0.75, recallAtThreshold: 1, testPrevalence: 0.5 } as unknown as ClassifyReport)!;
  // From recall 0 at the first point's precision (the curve steps as the AP sums it: specs.ts).
  assert.deepEqual(values(f.spec), [{ recall: 0, precision: 1 }, { recall: 1 / 3, precision: 1 }, { recall: 1, precision: 0.75 }, { recall: 1, precision: 0.5 }]);
  assert.deepEqual(layers(f.spec)[1]!.data!.values, [{ y: 0.5 }]);
  assert.deepEqual(layers(f.spec)[2]!.data!.values, [{ recall: 1, precision: 0.75 }]);
  assert.equal(prFigure({ testPrevalence: 0.5 } as unknown as ClassifyReport), undefined);
});

const call = (method: string, leader: string | null, lagUs: number | null, ci: [number, number] | null, p: number | null): MethodCall => ({ method, leader, tested: true, estimateLeader: leader, lagUs, intervalUs: ci, pValue: p, sentence: '' });
const noise = { jumps: 200, noiseJumps: 50, paired: 80, chanceMean: 4 };

test('reportVerdict: all agree — the lead and interval from the first method that gives both, p-values, noise shares', () => {
  const v = reportVerdict(['spot', 'perp'], [call('hy', 'spot', 2900, [2600, 3300], 0.001), call('pair', 'spot', 3000, null, 0.0001), call('xcorr', 'spot', 3000, null, null)], noise);
  assert.equal(v.leader, 'spot');
  assert.equal(v.agree, true);
  assert.deepEqual([v.lagUs, v.intervalUs, v.lagFrom], [2900, [2600, 3300], 'hy']);
  assert.equal(v.sentences[0], 'spot leads perp by 2.9 ms (95 % interval 2.6 ms … 3.3 ms), per hy.');
  assert.equal(v.sentences[1], "How sure: hy p = 0.001; pair p < 0.001; xcorr: its 95 % intervals clear 0 (the peak's, over all its lags too, and the summed r's).");
  // 50 of 200 jumps = 25 %; 4 chance pairs of 80 = 5 %.
  assert.equal(v.sentences[2], 'Noise: 25 % of the 200 jumps have no partner in the other market; of the 80 pairs, shifted copies pair 5 % as many by coincidence.');
});

test('reportVerdict: when no method ran a test there is nothing to agree or differ on, only estimates', () => {
  const noLead = (method: string): MethodCall => ({ method, leader: null, tested: false, estimateLeader: null, lagUs: null, intervalUs: null, pValue: null, sentence: '' });
  const v = reportVerdict(['spot', 'perp'], [untested('hy', 'perp', 9400), noLead('pair'), noLead('xcorr')], noise);
  assert.equal(v.sentences[3], 'Nothing to compare: no method ran a test that could decide; untested estimates: hy (its estimate: perp first).');
  const none = reportVerdict(['spot', 'perp'], [noLead('hy'), noLead('xcorr')], noise);
  assert.equal(none.sentences[3], 'Nothing to compare: no method ran a test that could decide.');
});

test('reportVerdict: the noise sentence counts one pair as one pair', () => {
  // 6 jumps, 4 without a partner (67 %); 1 pair, 0 chance pairs.
  const v = reportVerdict(['spot', 'perp'], [call('pair', null, null, null, 1)], { jumps: 6, noiseJumps: 4, paired: 1, chanceMean: 0 });
  assert.equal(v.sentences[2], 'Noise: 67 % of the 6 jumps have no partner in the other market; of the 1 pair, shifted copies pair 0 % as many by coincidence.');
});

test('reportVerdict: an interval the lags may cut short says so with it in the headline (hyCall sets the caveat)', () => {
  const cut = { ...call('hy', 'perp', 9400, [1200, 9600], 0.001), intervalCaveat: 'the lags may cut it short: widen --hy-lags' };
  const v = reportVerdict(['spot', 'perp'], [cut], noise);
  assert.equal(v.sentences[0], 'perp leads spot by 9.4 ms (95 % interval 1.2 ms … 9.6 ms; the lags may cut it short: widen --hy-lags), per hy.');
  // hy on lags -10 ms … 10 ms with θ̂ = -9.4 ms [-9.6, -1.2] and 1 % of the replicates at an end (the Binance sample).
  const r = { ...hyReport(-9400, [-9600, -1200], 0.001), lattice: { fromUs: -10_000, stepUs: 100, count: 201 }, options: { bootstrap: 999, block: 1e7, seed: 42, lagsOption: '--hy-lags' } } as unknown as HyReport;
  const edgy = { ...r, inference: { ...r.inference!, edgeShare: 0.01 } } as HyReport;
  assert.equal(hyCall(edgy).intervalCaveat, 'the lags may cut it short: widen --hy-lags');
  assert.equal(hyCall({ ...r, inference: { ...r.inference!, edgeShare: 0 } } as HyReport).intervalCaveat, null);
});

test('reportVerdict: markets moving against each other — the noise counts are said not to measure noise, and pair\'s untested estimate is no disagreement', () => {
  // An inversely quoted market 2 ms late: hy and xcorr find spot leading with a negative relation;
  // pair (same-direction jumps only) pairs 4 of 466 jumps by chance, and its estimate puts perp first.
  const hy = { ...call('hy', 'spot', 2000, [2000, 2000], 0.001), against: true };
  const xcorr = { ...call('xcorr', 'spot', 2000, null, null), against: true };
  const pair = { ...untested('pair (1 ms grid)', 'perp', 1000), sameDirection: true };
  const v = reportVerdict(['spot', 'perp'], [hy, pair, xcorr], { jumps: 466, noiseJumps: 458, paired: 4, chanceMean: 1.8 });
  assert.equal(v.sentences[0], 'spot leads perp by 2 ms (95 % interval 2 ms … 2 ms), per hy.');
  assert.equal(v.sentences[2], 'Noise: 98 % of the 466 jumps have no partner in the other market; of the 4 pairs, shifted copies pair 45 % as many by coincidence. But hy and xcorr find the markets moving against each other (a market quoted inversely?), and pair pairs jumps of the same direction only: these counts do not measure noise here.');
  // Without a method finding the relation negative, pair's contrary estimate is said as before.
  const plain = reportVerdict(['spot', 'perp'], [{ ...hy, against: false }, pair], noise);
  assert.match(plain.sentences[0], /— but the estimates disagree: untested, pair \(1 ms grid\)'s estimate puts perp first/);
  assert.doesNotMatch(plain.sentences[2], /against each other/);
});

test('reportVerdict: a method without a lead is named where they differ; opposite leaders are a disagreement', () => {
  const partial = reportVerdict(['spot', 'perp'], [call('pair', 'spot', 3000, [2000, 4000], 0.01), call('xcorr', null, null, null, null)], noise);
  assert.equal(partial.leader, 'spot');
  assert.equal(partial.agree, false);
  assert.equal(partial.sentences[3], 'Where they differ — pair: spot leads; xcorr: no significant lead.');
  const split = reportVerdict(['spot', 'perp'], [call('pair', 'spot', 3000, null, 0.01), call('hy', 'perp', 1000, null, 0.02)], noise);
  assert.equal(split.leader, null);
  assert.equal(split.sentences[0], 'The methods disagree on who leads: pair says spot, hy says perp.');
  const none = reportVerdict(['spot', 'perp'], [call('pair', null, null, null, 0.4)], noise);
  assert.equal(none.sentences[0], 'No method finds a significant lead of either market.');
});

test('reportVerdict: methods that all test and find no lead agree on that; with an untested one, the tested ones agree', () => {
  // Before, agreement needed one leader named, so four methods all finding no lead "differed".
  const all = reportVerdict(['spot', 'perp'], [call('hy', null, null, null, 0.3), call('pair (native ticks)', null, null, null, 0.5), call('xcorr', null, null, null, null)], noise);
  assert.equal(all.agree, true);
  assert.equal(all.sentences[3], 'The methods agree: no significant lead (hy, pair (native ticks), xcorr).');
  const some = reportVerdict(['spot', 'perp'], [call('hy', null, null, null, 0.3), untested('pair (native ticks)', 'spot', 1000), call('xcorr', null, null, null, null)], noise);
  assert.equal(some.agree, false);
  assert.equal(some.sentences[3], 'The tested methods agree: no significant lead (hy, xcorr); untested: pair (native ticks) (its estimate: spot first).');
  // Nothing tested: nothing to agree on.
  const nothing = reportVerdict(['spot', 'perp'], [untested('hy', null, null), untested('pair', null, null)], noise);
  assert.equal(nothing.agree, false);
  assert.match(nothing.sentences[3], /^Nothing to compare/);
});

const untested = (method: string, estimate: string | null, lagUs: number | null): MethodCall => ({ method, leader: null, tested: false, estimateLeader: estimate, lagUs, intervalUs: null, pValue: null, sentence: '' });

test('reportVerdict: an untested method is untested, not "no significant lead"; its estimate pointing the other way is said in the headline', () => {
  // The user's case (--bootstrap 0): pair finds spot leading by 7.609 ms, hy's untested θ̂ = −9.4 ms puts perp first, xcorr is tested and finds no lead.
  const calls = [untested('hy', 'perp', 9400), call('pair (native ticks)', 'spot', 7609, null, 0.04), call('xcorr', null, null, null, null)];
  const v = reportVerdict(['spot', 'perp'], calls, noise);
  // pair is the only finding, so spot leads by its delay; hy found nothing, so no agreement either.
  assert.deepEqual([v.leader, v.lagUs, v.lagFrom, v.agree], ['spot', 7609, 'pair (native ticks)', false]);
  assert.equal(v.sentences[0], "spot leads perp by 7.609 ms (no interval), per pair (native ticks) — but the estimates disagree: untested, hy's estimate puts perp first (9.4 ms).");
  assert.equal(v.sentences[1], 'How sure: pair (native ticks) p = 0.04. Untested: hy.');
  assert.equal(v.sentences[3], 'Where they differ — hy: untested (its estimate: perp first); pair (native ticks): spot leads; xcorr: no significant lead.');
});

test('reportVerdict: untested estimates on the leader\'s side leave the headline alone; the agreement is that of the tested methods', () => {
  const v = reportVerdict(['spot', 'perp'], [untested('hy', 'spot', 2900), call('pair', 'spot', 3000, [2000, 4000], 0.001), untested('xcorr', null, null)], noise);
  assert.equal(v.agree, false);
  assert.equal(v.sentences[0], 'spot leads perp by 3 ms (95 % interval 2 ms … 4 ms), per pair.');
  assert.equal(v.sentences[3], 'The tested methods agree: pair; untested: hy (its estimate: spot first), xcorr.');
});

test('reportVerdict: no tested method finds a lead — the headline names the untested estimates', () => {
  const v = reportVerdict(['spot', 'perp'], [untested('hy', 'perp', 9400), call('pair', null, null, null, 0.4)], noise);
  assert.equal(v.leader, null);
  assert.equal(v.sentences[0], "No tested method finds a significant lead of either market; untested, hy's estimate puts perp first (9.4 ms).");
});

test('hyCall: with --bootstrap 0 hy is untested and its estimate is θ̂\'s sign; no θ̂ at all is untested, no lead', () => {
  // θ̂ = −9.4 ms, no inference: perp first by 9.4 ms, untested.
  const c = hyCall(hyReport(-9400, null, 0));
  assert.deepEqual([c.leader, c.tested, c.estimateLeader, c.lagUs], [null, false, 'perp', 9400]);
  const lead = hyCall(hyReport(200, [100, 300], 0.01));
  assert.deepEqual([lead.leader, lead.tested, lead.estimateLeader], ['spot', true, 'spot']);
  // Every contrast 0 (a market that never moves): nothing measured, with or without a test.
  const flat = hyCall({ ...hyReport(0, null, 0), estimate: { lagUs: null, u: new Float64Array(0) } } as unknown as HyReport);
  assert.deepEqual([flat.leader, flat.tested, flat.estimateLeader], [null, false, null]);
  const flatTested = hyCall({ ...hyReport(0, [0, 0], 1), estimate: { lagUs: null, u: new Float64Array(0) } } as unknown as HyReport);
  assert.deepEqual([flatTested.leader, flatTested.tested], [null, false]);
  // Lags 100 and 200 µs only (one side of 0): a significant contrast there is untested, no lead;
  // an insignificant one is tested (no lead-lag at any lag given).
  const oneSide = (p: number) => hyCall({ ...hyReport(200, [100, 200], p), lattice: { fromUs: 100, stepUs: 100, count: 2 } } as unknown as HyReport);
  assert.deepEqual([oneSide(0.01).leader, oneSide(0.01).tested, oneSide(0.01).estimateLeader], [null, false, null]);
  assert.deepEqual([oneSide(0.3).leader, oneSide(0.3).tested], [null, true]);
  // Over 5 blocks (32 sign patterns, exact) p cannot fall below 2/32 = 0.0625 > 0.05: untested.
  const fewBlocks = hyCall({ ...hyReport(200, [100, 300], 0.0625), inference: { lagUs: { low: 100, high: 300 }, pValue: 0.0625, exact: true, signPatterns: 32, replicates: 999, contrastBlocks: 5 } } as unknown as HyReport);
  assert.deepEqual([fewBlocks.leader, fewBlocks.tested, fewBlocks.estimateLeader], [null, false, 'spot']);
  const sixBlocks = hyCall({ ...hyReport(200, [100, 300], 0.03125), inference: { lagUs: { low: 100, high: 300 }, pValue: 0.03125, exact: true, signPatterns: 64, replicates: 999, contrastBlocks: 6 } } as unknown as HyReport);
  assert.deepEqual([sixBlocks.leader, sixBlocks.tested], ['spot', true]);
  // 999 random patterns over many blocks, but only 2 with a contrast: flipping the others changes
  // nothing, so p cannot fall below 2/2² = 0.5 and the test is no test.
  const twoContrast = hyCall({ ...hyReport(200, [100, 300], 0.49), inference: { lagUs: { low: 100, high: 300 }, pValue: 0.49, exact: false, signPatterns: 999, replicates: 999, contrastBlocks: 2 } } as unknown as HyReport);
  assert.deepEqual([twoContrast.leader, twoContrast.tested], [null, false]);
});

test('xcorrCall: a solid peak whose summed-r difference has no interval (--bootstrap 0) is untested; a peak whose interval includes 0 is tested, no lead', () => {
  const withDifference = (value: number, interval: { low: number; high: number } | null, best = xcorrReport(false).best) =>
    xcorrCall({ ...xcorrReport(false), best, summed: { positive: null, negative: null, difference: { value, interval } } } as unknown as XcorrReport);
  // The best lag is +2 steps of 500 µs (r 0.3, interval 0.2 … 0.4, clear of 0; one step carries 10 %): solid.
  // Difference +0.05 without an interval: untested, the estimate puts spot first at the best lag, 1 ms.
  const open = withDifference(0.05, null);
  assert.deepEqual([open.leader, open.tested, open.estimateLeader, open.lagUs], [null, false, 'spot', 1000]);
  // The same with an interval clear of 0: a tested lead of spot.
  const lead = withDifference(0.05, { low: 0.01, high: 0.09 });
  assert.deepEqual([lead.leader, lead.tested, lead.lagUs], ['spot', true, 1000]);
  // The best lag's interval −0.1 … 0.4 includes 0: no significant correlation, tested.
  const weak = withDifference(0.05, null, row(2, 0.3, [-0.1, 0.4], null));
  assert.deepEqual([weak.leader, weak.tested], [null, true]);
  // Markets that move against each other: r = −0.3 at +2 steps and S₊ − S₋ = −0.05 clear of 0
  // name spot (the leading side's sum is the more negative), at the best lag.
  const against = withDifference(-0.05, { low: -0.09, high: -0.01 }, row(2, -0.3, [-0.4, -0.2], null));
  assert.deepEqual([against.leader, against.tested, against.estimateLeader, against.lagUs, against.against], ['spot', true, 'spot', 1000, true]);
  assert.equal(lead.against, false); // r = +0.3
  // One bootstrap block: no interval anywhere, and xcorr's verdict says untested.
  const oneBlock = xcorrCall({ ...xcorrReport(true), best: row(2, 0.3, null, null), bootstrap: { replicates: 200, blockUs: 10_000_000, seed: 1, blocks: 1, moving: 1 }, summed: { positive: null, negative: null, difference: { value: 0.05, interval: null } } } as unknown as XcorrReport);
  assert.deepEqual([oneBlock.leader, oneBlock.tested, oneBlock.estimateLeader], [null, false, 'spot']);
  // The same clear lead at a peak of 9 steps where both markets move (MIN_CO_MOVES is 10): xcorr's
  // verdict says untested, so the report takes no leader from it, only its estimate.
  const few = withDifference(0.05, { low: 0.01, high: 0.09 }, { ...row(2, 0.3, [0.2, 0.4], null), nEffective: 9 });
  assert.deepEqual([few.leader, few.tested, few.estimateLeader, few.lagUs], [null, false, 'spot', 1000]);
});

test('pairCall: a lead is tested only where its led pairs lie in at least 6 blocks; fewer than 6 led pairs are untested', () => {
  // 12 vs 0 led pairs: p = 2/2¹² (the sign test's), no chance pairs: pair's verdict names spot,
  // unless the led pairs lie in fewer than 6 blocks (then untested, the estimate still spot).
  const report = (ab: number, ba: number, blocks: number | null) => {
    const delay = { n: ab, median: 2000, p90: 3000, medianCi: null };
    const stats = { table: { aLeadsB: ab, bLeadsA: ba, paired: ab + ba }, leaderPValue: ab === 12 ? 2 / 4096 : ab === 5 && ba === 0 ? 2 / 32 : 1, chance: { mean: 0, max: 0 }, ledBlocks: blocks === null ? null : { count: blocks, blockUs: 10_000_000 } };
    return { names: ['spot', 'perp'], params: { gridUs: 1000 }, feeds: [{ feed: 'native', stats, delays: [delay, { ...delay, n: ba }] }] } as unknown as PairReport;
  };
  const at = (ab: number, ba: number, blocks: number | null) => {
    const r = report(ab, ba, blocks);
    const c = pairCall(r, r.feeds[0]!);
    return [c.leader, c.tested, c.estimateLeader, c.lagUs];
  };
  assert.deepEqual(at(12, 0, 6), ['spot', true, 'spot', 2000]);
  assert.deepEqual(at(12, 0, 5), [null, false, 'spot', null]);
  assert.deepEqual(at(12, 0, null), ['spot', true, 'spot', 2000]); // not counted: no block rule
  // 5 vs 0 (p = 2/32 ≥ 0.05 at best): untested whatever the blocks; 6 vs 6 (p = 1): tested, none.
  assert.deepEqual(at(5, 0, 9), [null, false, 'spot', null]);
  assert.deepEqual(at(6, 6, 1), [null, true, null, null]);
});

test('longRows: one row per JSON leaf, arrays by index', () => {
  assert.deepEqual(longRows({ pair: { native: { a: 1 } }, xcorr: { lags: [{ lag: -1 }, { lag: 1 }] }, html: 'x' }), [
    ['pair', 'native.a', 1],
    ['xcorr', 'lags.0.lag', -1],
    ['xcorr', 'lags.1.lag', 1],
    ['html', '', 'x'],
  ]);
});

test('reportVerdict: where hy or xcorr finds the markets moving against each other, pair\'s call is set aside, tested or not', () => {
  // A coin quoted inversely, 5 ms late: hy and xcorr find spot leading with a negative relation;
  // pair pairs spot's own reversals against the copy's same-direction moves and "finds" spot
  // leading, p = 0.001. That call says nothing here: no p-value, no agreement, no size.
  const hy = { ...call('hy', 'spot', 5000, [5000, 5000], 0.001), against: true };
  const xcorr = { ...call('xcorr', 'spot', 5000, null, null), against: true };
  const pair = { ...call('pair (native ticks)', 'spot', 300, [100, 900], 0.001), sameDirection: true };
  const v = reportVerdict(['spot', 'perp'], [pair, hy, xcorr], noise);
  assert.deepEqual([v.leader, v.lagUs, v.lagFrom, v.agree], ['spot', 5000, 'hy', true]);
  assert.equal(v.sentences[1], "How sure: hy p = 0.001; xcorr: its 95 % intervals clear 0 (the peak's, over all its lags too, and the summed r's).");
  assert.equal(v.sentences[3], 'The methods agree: hy, xcorr. Set aside: pair (native ticks) (hy and xcorr find the markets moving against each other, and it pairs jumps of the same direction only).');
  const set = v.methods.find((c) => c.method === 'pair (native ticks)')!;
  assert.deepEqual([set.leader, set.tested, set.pValue, set.lagUs], [null, false, null, null]);
  // Before, pair's p led the sureness line and pair counted as agreeing, with its own size first.
  const plain = reportVerdict(['spot', 'perp'], [pair, { ...hy, against: false }], noise);
  assert.deepEqual([plain.lagFrom, plain.agree], ['pair (native ticks)', true]);
});

test('reportVerdict: a size from a method without an interval says it has none; hy\'s p is said to test a relation, not who leads', () => {
  const v = reportVerdict(['spot', 'perp'], [call('hy', null, null, null, 0.06), call('xcorr', 'spot', 1000, null, null)], noise);
  assert.equal(v.sentences[0], 'spot leads perp by 1 ms (no interval), per xcorr.');
  const h = hyCall(hyReport(-9400, [-9600, -1200], 0.001));
  const w = reportVerdict(['spot', 'perp'], [h], noise);
  assert.equal(w.sentences[1], "How sure: hy p = 0.001 (test of no relation at any lag, not of who leads: that rests on θ̂'s interval).");
});

test('reportVerdict: an untested method\'s p-value is not given as how sure; with no pairs the noise sentence says so plainly', () => {
  // The Binance sample's case: hy tested and finds perp first; pair's two feeds formed no pair,
  // so their sign test (p = 1) cannot reject and they are untested.
  const pairNone = (method: string): MethodCall => ({ method, leader: null, tested: false, estimateLeader: null, lagUs: null, intervalUs: null, pValue: 1, sentence: '' });
  const v = reportVerdict(['spot', 'perp'], [call('hy', 'perp', 9400, [1200, 9600], 0.0005), pairNone('pair (native ticks)'), pairNone('pair (1 ms grid)')], { jumps: 4, noiseJumps: 4, paired: 0, chanceMean: 0 });
  assert.equal(v.sentences[1], 'How sure: hy p < 0.001. Untested: pair (native ticks), pair (1 ms grid).');
  assert.equal(v.sentences[2], 'Noise: none of the 4 jumps has a partner in the other market: no pairs formed.');
  // No tested method at all (here with the bootstrap on): not put down to the bootstrap.
  const none = reportVerdict(['spot', 'perp'], [pairNone('pair (native ticks)'), untested('hy', null, null)], { jumps: 4, noiseJumps: 4, paired: 0, chanceMean: 0 });
  assert.equal(none.sentences[1], 'No method has a test that could decide. Untested: pair (native ticks), hy.');
  const one = reportVerdict(['spot', 'perp'], [pairNone('pair')], { jumps: 1, noiseJumps: 1, paired: 0, chanceMean: 0 });
  assert.equal(one.sentences[2], 'Noise: the one jump has no partner in the other market: no pairs formed.');
});

test('chanceCaveat: in pair\'s own words for both ways the labels\' pairs fall short of chance; none where they exceed it, are unknown, or classify claims nothing', async () => {
  const { chanceCaveat } = await import('../src/cli/classify-render.js');
  const ap = (name: string, value: number, diff: number, diffCi: { low: number; high: number } | null) => ({ name, ap: value, ci: null, diff, diffCi });
  const claims = (paired: number, mean: number, max: number) => ({ aps: [ap('xgboost', 0.6, 0, null), ap('base_rate', 0.5, 0.1, { low: 0.02, high: 0.2 }), ap('logistic', 0.6, 0, { low: -0.05, high: 0.05 })], report: { classes: [{ support: 40 }, { support: 40 }] }, options: { bootstrap: 1000 }, testBlocks: 8, names: ['spot', 'perp'], chance: { paired, mean, max, stepUs: 1e6 } }) as unknown as ClassifyReport;
  const noClaim = { ...claims(19, 10, 14), aps: [ap('xgboost', 0.5, 0, null), ap('base_rate', 0.5, 0, { low: -0.1, high: 0.1 }), ap('logistic', 0.5, 0, null)] } as unknown as ClassifyReport;
  // 19 pairs against 10 by chance: under twice the mean (1.9×).
  assert.equal(chanceCaveat(claims(19, 10, 14)), "but the pairs they come from are not above chance (19 pairs, 10 by chance on average: only 1.9× the chance pairs): many of the leads may be coincidences, which spot's bursts make predictable, so the ranking need not be a lead's.");
  // 30 against a mean of 10 but a copy that formed 35: the luckiest copy's words.
  assert.match(chanceCaveat(claims(30, 10, 35))!, /not above chance \(30 pairs, 10 by chance on average: a shifted copy formed 35 chance pairs against 30 real ones\)/);
  assert.equal(chanceCaveat(claims(40, 10, 14)), null);
  assert.equal(chanceCaveat(noClaim), null);
  assert.equal(chanceCaveat({ ...claims(19, 10, 14), chance: null }), null);
});

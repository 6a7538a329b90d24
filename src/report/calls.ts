/**
 * Each analysis's answer to "who leads, by how much, how sure" in the common terms of the
 * report's verdict (verdict.ts), read from the command's own report by the command's own rules.
 */
import type { FeedTable, PairReport } from '../cli/commands/pair.js';
import { feedVerdict } from '../cli/commands/pair.js';
import { summedDirection, xcorrLead, verdict as xcorrVerdict, type XcorrReport } from '../cli/commands/xcorr-render.js';
import { canReject, edgeNote, hyLeadSign, hyTested, stepCaveat, twoSided, verdict as hyVerdict, type HyReport } from '../cli/commands/hy.js';
import { ALPHA } from '../core/verdict.js';
import { duration } from '../io/output.js';
import type { MethodCall, NoiseFacts } from './verdict.js';

/** pair on one feed: the leader when its verdict states a lead; the leader's median delay and its interval. */
export function pairCall(r: PairReport, f: FeedTable): MethodCall {
  const v = feedVerdict(f, r.names);
  const leader = v.kind === 'lead' ? v.leader! : null;
  const d = leader === null ? undefined : f.delays[leader === r.names[0] ? 0 : 1]!;
  const method = f.feed === 'native' ? 'pair (native ticks)' : `pair (${duration(r.params.gridUs)} grid)`;
  const t = f.stats.table;
  return {
    method,
    leader,
    // The sign test always runs, but over fewer than 6 led pairs it cannot reject, and over led
    // pairs in fewer than 6 blocks its p is optimistic (pair's verdict says which): it tests
    // nothing there. Its estimate is the direction with more pairs.
    tested: v.kind === 'lead' || v.kind === 'none',
    estimateLeader: t.aLeadsB === t.bLeadsA ? null : t.aLeadsB > t.bLeadsA ? r.names[0] : r.names[1],
    lagUs: d !== undefined && d.n > 0 ? d.median : null,
    intervalUs: d?.medianCi ? [d.medianCi.low, d.medianCi.high] : null,
    pValue: f.stats.leaderPValue,
    pOf: 'test of neither leading the pairs',
    sentence: `${v.sentence}.`,
    sameDirection: true,
  };
}

/**
 * xcorr: its call on who leads (xcorrLead, the rule of its verdict): a lead where the best lag's
 * interval and its band over the lags exclude 0, one step does not carry it, and the summed r
 * names a side with an interval clear of 0; untested where its verdict says so (no lag with an r, no interval at the peak, too few blocks or
 * co-moving steps, no interval of the sums' difference); a peak one step carries, or whose
 * interval or band includes 0, is tested and no lead. The size is the best lag when it lies on the leader's side. No p-value:
 * xcorr gives intervals.
 */
export function xcorrCall(r: XcorrReport): MethodCall {
  const best = r.best;
  const { tested, sign, correlated } = xcorrLead(r);
  const estimate = summedDirection(r);
  // The size: the best lag when it lies on the side the call names (the estimate's, untested).
  const side = tested ? sign : estimate;
  const onSide = best !== undefined && side !== 0 && Math.sign(best.lag) === side;
  // A significant negative peak: the markets move against each other.
  const against = correlated && best!.r! < 0;
  return { method: 'xcorr', leader: marketOfSign(sign, r.names), tested, estimateLeader: marketOfSign(estimate, r.names), lagUs: onSide ? Math.abs(best.lagUs) : null, intervalUs: null, pValue: null, sentence: xcorrVerdict(r), against };
}

/** The first market for a positive sign, the second for a negative one, null for 0. */
function marketOfSign(sign: number, names: readonly [string, string]): string | null {
  return sign === 0 ? null : sign > 0 ? names[0] : names[1];
}

/**
 * hy: a lead when its sign-flip test is significant, θ̂ ≠ 0, θ̂'s interval does not reach 0
 * (where hy's own verdict calls the direction uncertain) and the lags lie on both sides of 0;
 * with --bootstrap 0, without θ̂ (every contrast 0), with a significant contrast on lags of
 * one side only, or with one at θ̂ ≠ 0 without an interval of θ̂, it is untested. The size is |θ̂| with its interval on the leader's side; the
 * estimate's leader is θ̂'s sign.
 */
export function hyCall(r: HyReport): MethodCall {
  const lag = r.estimate.lagUs;
  const inf = r.inference;
  const ci = inf?.lagUs ?? null;
  const sign = lag === null || lag === 0 ? 0 : Math.sign(lag);
  const leads = hyLeadSign(r.estimate, inf, r.lattice) !== 0;
  const interval: [number, number] | null = ci === null ? null : sign < 0 ? [-ci.high, -ci.low] : [ci.low, ci.high];
  return {
    method: 'hy',
    leader: leads ? marketOfSign(sign, r.names) : null,
    // One-sided lags with a significant contrast: hy's verdict says who leads is untested.
    // Nor is a test that cannot reject (five blocks or fewer: hy's verdict says untested), nor
    // a run without θ̂ (every contrast 0: a market that never moves, no moves within the lags'
    // reach of the other's): nothing was measured.
    // Nor a significant contrast whose θ̂ ≠ 0 has no interval: its verdict says the direction is untested.
    // Nor a run of fewer than 100 replicates: its verdict says untested (fewReplicates).
    tested: hyTested(r.estimate, inf, r.lattice),
    // On lags of one side θ̂'s sign is the side asked for, not an estimate of who leads.
    estimateLeader: twoSided(r.lattice) ? marketOfSign(sign, r.names) : null,
    lagUs: lag === null ? null : Math.abs(lag),
    intervalUs: interval,
    // θ̂ or its interval at an end of the lags, or replicates piled up there: the lags may cut it.
    // An interval of one lattice lag: the lag is known to within the step, not exactly (hy's stepCaveat).
    intervalCaveat: interval !== null && edgeNote(r) !== '' ? `the lags may cut it short: widen ${r.options.lagsOption ?? '--lags'}` : ci !== null ? stepCaveat(r, ci) : null,
    pValue: inf?.pValue ?? null,
    pOf: 'test of no relation at any lag, not of who leads: that rests on θ̂\'s interval',
    sentence: hyVerdict(r),
    // A significant contrast whose ρ at θ̂ is negative, its interval too: the markets move against each other.
    against: inf !== null && canReject(inf) && inf.pValue < ALPHA && (r.estimate.rho ?? 0) < 0 && (inf.rho === null || inf.rho.high < 0),
  };
}

/** Noise from pair's first feed: jumps in no pair, pairs, and the chance pairs' mean. */
export function noiseOf(r: PairReport): NoiseFacts {
  const t = r.feeds[0]!.stats.table;
  return { jumps: t.totalA + t.totalB, noiseJumps: t.noise, paired: t.paired, chanceMean: r.feeds[0]!.stats.chance.mean };
}


/**
 * The report's verdict: what each method says about who leads, put side by side, and the
 * few sentences a reader takes away — who leads, by how much with its interval, how sure,
 * how much of the activity is noise, and whether the methods agree (and where they do not).
 * Pure: each method's finished call in, sentences and JSON out. Each method keeps its own
 * rules (core/verdict.ts for pair, the xcorr and hy verdicts); this only compares them.
 */
import { formatP } from '../core/verdict.js';
import { counted } from '../core/human-text.js';

/** One method's answer, in the common terms the verdict compares. */
export interface MethodCall {
  /** e.g. `pair (native ticks)`, `xcorr`, `hy`. */
  readonly method: string;
  /** The leading market when the method finds a significant lead, else null. */
  readonly leader: string | null;
  /**
   * False when the method could not test who leads (calls.ts: no bootstrap, too few blocks or
   * led pairs for its test to reject, lags on one side): its leader is then null, but not "no lead".
   */
  readonly tested: boolean;
  /** The market the method's point estimate puts first, significant or not (null: neither). */
  readonly estimateLeader: string | null;
  /** Its estimate of the lead (µs, ≥ 0) and 95 % interval, when it gives one. */
  readonly lagUs: number | null;
  readonly intervalUs: readonly [number, number] | null;
  /** What limits that interval, said with it wherever it is shown (hy: the lags may cut it short); null when nothing. */
  readonly intervalCaveat?: string | null;
  /** Its test's p-value when it has one. */
  readonly pValue: number | null;
  /** What that test's p is of, in a few words (pair: its sign test of who leads; hy: of no relation at any lag). */
  readonly pOf?: string;
  /** The method's own verdict sentence. */
  readonly sentence: string;
  /**
   * The method finds the markets moving against each other (a negative relation clear of 0: an
   * inversely quoted market). pair pairs jumps of the same direction only, so its counts then
   * measure no noise (the noise sentence says so).
   */
  readonly against?: boolean;
  /** The method pairs jumps of the same direction only (pair): where another finds the markets moving against each other, its estimate says nothing. */
  readonly sameDirection?: boolean;
  /** Why the report sets the method's call aside (it is then neither a finding nor untested). */
  readonly setAside?: string;
}

/** How much of the activity is noise, from pair's Table 1 on the first feed. */
export interface NoiseFacts {
  readonly jumps: number;
  readonly noiseJumps: number;
  readonly paired: number;
  readonly chanceMean: number;
}

export interface ReportVerdict {
  readonly leader: string | null;
  readonly follower: string | null;
  /** The lead and its interval, from the first method that names the leader and gives an interval. */
  readonly lagUs: number | null;
  readonly intervalUs: readonly [number, number] | null;
  readonly intervalCaveat: string | null;
  readonly lagFrom: string | null;
  /**
   * True when the methods (those not set aside) reach one call: each names the same leader, or
   * each runs its test and finds no lead. An untested method, or one call against another, is no
   * agreement.
   */
  readonly agree: boolean;
  readonly sentences: readonly string[];
  readonly methods: readonly MethodCall[];
  readonly noise: NoiseFacts;
}

/**
 * The verdict from the methods' calls, in order of preference for the size of the lead (the
 * first that names the leader and has an interval gives it: put hy first, then pair).
 */
export function reportVerdict(names: readonly [string, string], given: readonly MethodCall[], noise: NoiseFacts): ReportVerdict {
  const against = given.filter((c) => c.against === true).map((c) => c.method);
  // Markets moving against each other leave pair (same-direction jumps only) only chance pairs: its call, tested or not, says nothing.
  const calls = against.length === 0 ? given : given.map((c) => (c.sameDirection === true ? setAside(c, `${against.join(' and ')} find${against.length === 1 ? 's' : ''} the markets moving against each other, and it pairs jumps of the same direction only`) : c));
  const leaders = new Set(calls.flatMap((c) => (c.leader === null ? [] : [c.leader])));
  const leader = leaders.size === 1 ? [...leaders][0]! : null;
  const judged = calls.filter((c) => c.setAside === undefined);
  const agree = leaders.size === 1 ? judged.every((c) => c.leader === leader) : leaders.size === 0 && judged.length > 0 && judged.every((c) => c.tested);
  const sizer = leader === null ? undefined : calls.find((c) => c.leader === leader && c.lagUs !== null && c.intervalUs !== null) ?? calls.find((c) => c.leader === leader && c.lagUs !== null);
  const follower = leader === null ? null : leader === names[0] ? names[1] : names[0];
  const v = { leader, follower, lagUs: sizer?.lagUs ?? null, intervalUs: sizer?.intervalUs ?? null, intervalCaveat: sizer?.intervalCaveat ?? null, lagFrom: sizer?.method ?? null, agree, methods: calls, noise };
  return { ...v, sentences: [headline(v, leaders), sureness(calls), noiseSentence(noise, names, against), agreement(calls, agree, leader)] };
}

/** The call with nothing in it: no leader, no estimate, no test, no size; `why` says so. */
function setAside(c: MethodCall, why: string): MethodCall {
  return { ...c, leader: null, tested: false, estimateLeader: null, lagUs: null, intervalUs: null, intervalCaveat: null, pValue: null, setAside: why };
}

type Core = Omit<ReportVerdict, 'sentences'>;

function headline(v: Core, leaders: ReadonlySet<string>): string {
  if (leaders.size > 1) return `The methods disagree on who leads: ${v.methods.filter((c) => c.leader !== null).map((c) => `${c.method} says ${c.leader}`).join(', ')}.`;
  const untested = v.methods.filter((c) => !c.tested && c.estimateLeader !== null);
  if (v.leader === null) {
    if (untested.length === 0) return 'No method finds a significant lead of either market.';
    return `No tested method finds a significant lead of either market; untested, ${untested.map(pointsFirst).join(', ')}.`;
  }
  const caveat = v.intervalCaveat === null ? '' : `; ${v.intervalCaveat}`;
  // A size without an interval (no method naming the leader gives one) is said to have none.
  const by = v.lagUs === null ? '' : ` by ${ms(v.lagUs)} (${v.intervalUs === null ? 'no interval' : `95 % interval ${ms(v.intervalUs[0])} … ${ms(v.intervalUs[1])}${caveat}`}), per ${v.lagFrom}`;
  // An untested estimate is no finding, but one pointing the other way must not let the headline read as agreement.
  const contrary = untested.filter((c) => c.estimateLeader !== v.leader);
  if (contrary.length === 0) return `${v.leader} leads ${v.follower}${by}.`;
  return `${v.leader} leads ${v.follower}${by} — but the estimates disagree: untested, ${contrary.map(pointsFirst).join(', ')}.`;
}

/** `hy's estimate puts perp first (9.4 ms)`. */
function pointsFirst(c: MethodCall): string {
  return `${c.method}'s estimate puts ${c.estimateLeader} first${c.lagUs === null ? '' : ` (${ms(c.lagUs)})`}`;
}

/** Each test with what its p is of: hy's rejects "no relation at any lag", which any two related markets do, so it does not speak to who leads. */
function sureness(calls: readonly MethodCall[]): string {
  const said = new Set<string>();
  // What a p is of, said once: pair's two feeds share it.
  const of = (c: MethodCall) => (c.pOf === undefined || said.has(c.pOf) ? '' : (said.add(c.pOf), ` (${c.pOf})`));
  // An untested method's p (pair's sign test on too few pairs to reject, or on led pairs in too
  // few blocks to take as independent) is no evidence: it is named among the untested only.
  const tests = calls.filter((c) => c.tested).flatMap((c) => (c.pValue !== null ? [`${c.method} ${formatP(c.pValue)}${of(c)}`] : c.leader !== null ? [`${c.method}: its 95 % intervals clear 0 (the peak's, over all its lags too, and the summed r's)`] : []));
  const untested = calls.filter((c) => !c.tested && c.setAside === undefined).map((c) => c.method);
  const none = untested.length === 0 ? '' : ` Untested: ${untested.join(', ')}.`;
  // No test: the bootstrap is off, or each method's test had too little to decide (few pairs, few blocks).
  return tests.length === 0 ? `No method has a test that could decide.${none}` : `How sure: ${tests.join('; ')}.${none}`;
}

function noiseSentence(n: NoiseFacts, [a, b]: readonly [string, string], against: readonly string[]): string {
  if (n.jumps === 0) return `Noise: neither ${a} nor ${b} jumped at the threshold.`;
  const counts =
    n.paired === 0
      ? `Noise: ${n.jumps === 1 ? 'the one jump has no partner' : `none of the ${n.jumps} jumps has a partner`} in the other market: no pairs formed.`
      : `Noise: ${pct(n.noiseJumps / n.jumps)} of the ${n.jumps} jumps have no partner in the other market; of the ${counted(n.paired, 'pair')}, shifted copies pair ${pct(n.chanceMean / n.paired)} as many by coincidence.`;
  if (against.length === 0) return counts;
  // A jump of one market meets one the other way in the other: pair's same-direction rule leaves both unpaired.
  return `${counts} But ${against.join(' and ')} find${against.length === 1 ? 's' : ''} the markets moving against each other (a market quoted inversely?), and pair pairs jumps of the same direction only: these counts do not measure noise here.`;
}

function agreement(all: readonly MethodCall[], agree: boolean, leader: string | null): string {
  const aside = all.filter((c) => c.setAside !== undefined);
  const asideText = aside.length === 0 ? '' : ` Set aside: ${aside.map((c) => c.method).join(', ')} (${aside[0]!.setAside}).`;
  return agreementOf(all.filter((c) => c.setAside === undefined), agree, leader) + asideText;
}

function agreementOf(calls: readonly MethodCall[], agree: boolean, leader: string | null): string {
  // On no lead, the sentence says what they agree on: "agree" alone reads as agreeing on a leader.
  const on = leader === null ? 'no significant lead (' : '';
  const end = leader === null ? ')' : '';
  if (agree) return `The methods agree: ${on}${calls.map((c) => c.method).join(', ')}${end}.`;
  const tested = calls.filter((c) => c.tested);
  const untested = calls.filter((c) => !c.tested);
  if (tested.length > 0 && untested.length > 0 && tested.every((c) => c.leader === leader)) {
    return `The tested methods agree: ${on}${tested.map((c) => c.method).join(', ')}${end}; untested: ${untested.map(untestedText).join(', ')}.`;
  }
  // No method tested anything (a market that never moves, --bootstrap 0 and too few pairs):
  // there is no finding to agree or differ on, only estimates.
  if (tested.length === 0) {
    const estimates = calls.filter((c) => c.estimateLeader !== null);
    return `Nothing to compare: no method ran a test that could decide${estimates.length === 0 ? '' : `; untested estimates: ${estimates.map(untestedText).join(', ')}`}.`;
  }
  const parts = calls.map((c) => `${c.method}: ${callText(c)}`);
  return `Where they differ — ${parts.join('; ')}.`;
}

/** A method's call in the agreement sentence: `spot leads`, `no significant lead`, or `untested (its estimate: perp first)`. */
function callText(c: MethodCall): string {
  if (c.leader !== null) return `${c.leader} leads`;
  return c.tested ? 'no significant lead' : `untested${estimateText(c)}`;
}

/** `hy (its estimate: spot first)`. */
function untestedText(c: MethodCall): string {
  return `${c.method}${estimateText(c)}`;
}

function estimateText(c: MethodCall): string {
  return c.estimateLeader === null ? '' : ` (its estimate: ${c.estimateLeader} first)`;
}

function pct(x: number): string {
  return `${Number((x * 100).toPrecision(2))} %`;
}

/** µs as ms with up to 3 decimals ("2.9 ms", "0.35 ms"). */
export function ms(us: number): string {
  return `${Number((us / 1000).toFixed(3))} ms`;
}

/** The verdict as JSON members (snake_case). */
export function verdictJson(v: ReportVerdict): Record<string, unknown> {
  return {
    leader: v.leader,
    follower: v.follower,
    lag_us: v.lagUs,
    lag_ci_us: v.intervalUs,
    lag_ci_caveat: v.intervalCaveat,
    lag_from: v.lagFrom,
    agree: v.agree,
    text: v.sentences,
    methods: v.methods.map((c) => ({ method: c.method, leader: c.leader, tested: c.tested, estimate_leader: c.estimateLeader, lag_us: c.lagUs, lag_ci_us: c.intervalUs, lag_ci_caveat: c.intervalCaveat ?? null, against: c.against === true, p_value: c.pValue, p_of: c.pOf ?? null, set_aside: c.setAside ?? null, verdict: c.sentence })),
    noise: { jumps: v.noise.jumps, noise_jumps: v.noise.noiseJumps, paired: v.noise.paired, chance_pairs_mean: v.noise.chanceMean },
  };
}

/**
 * Plain-words judgements of whether an estimator can be trusted on two files, from the
 * facts `inspect` measures (pure: numbers in, sentences out). Each rule is a fixed
 * threshold, documented in docs/inspect.md, so a reader can check it by hand.
 */

/** Which clock a file's times are on (see io/formats.ts clockKind). */
export type ClockKind = 'exchange' | 'receipt' | 'unknown';

/** xcorr needs at least this share of grid steps where both markets move… */
export const MIN_BOTH_MOVE_SHARE = 0.01;
/** …and at least this many such steps (its effective sample). */
export const MIN_BOTH_MOVE_STEPS = 100;
/** pair needs at least this many jumps per market to say anything about who leads. */
export const MIN_JUMPS = 30;
/** hy: above this nonextant share, most of a market's ticks cancel out of the contrast. */
export const MAX_NONEXTANT_SHARE = 0.8;

/** The per-pair facts the judgements read. Counts are over the overlap. */
export interface PairEvidence {
  readonly names: readonly [string, string];
  readonly gridUs: number;
  /** Grid returns per market, and the steps where both returns are non-zero. */
  readonly steps: number;
  readonly bothMove: number;
  readonly threshold: number;
  /** Native-feed jumps per market at θ. */
  readonly jumps: readonly [number, number];
  /** θ in ticks of each market (θ · typical price / tick), NaN when unknown. */
  readonly thresholdTicks: readonly [number, number];
  /** Mean native-feed pairs of the shifted copies (docs/definitions.md §10): pairs expected by chance. */
  readonly chancePairsMean: number;
  /** HY nonextant shares of each market's ticks (docs/definitions.md §8), null without ticks. */
  readonly nonextantShares: readonly [number | null, number | null];
  /** Per market, whether its price never changes in the overlap, where that was measured. */
  readonly still?: readonly [boolean, boolean];
  /**
   * Where xcorr measured its lags (report): the lag whose steps move in both markets most often,
   * and its counts. A lead of a few steps moves the markets together at that lag, not at 0.
   */
  readonly bestCoMove?: { readonly lagUs: number; readonly steps: number; readonly bothMove: number };
}

/**
 * Why no estimator has anything to work on, when that is so: the overlap holds no grid step, or
 * a market's grid return is 0 at every step of it (a constant price). Every judgement then says
 * this, rather than advice (a lower threshold, hy instead) that cannot help. `jumps` (pair's):
 * a market that jumped has moved for pair, flat as the grid sees it — a move at the overlap's
 * edge falls after the grid's last point, one undone within a step shows at none, yet pair
 * counts either ("never moves" beside "1 spot jump" contradicted the tables).
 */
function nothingToAnalyse(e: PairEvidence, jumps: readonly [number, number] = [0, 0]): string | undefined {
  if (e.steps === 0) return `the markets overlap for less than one ${durationWords(e.gridUs)} grid step`;
  const still = e.still === undefined ? -1 : e.still.findIndex((flat, m) => flat && jumps[m] === 0);
  if (still < 0) return undefined;
  // Flat for this estimator but with a jump pair counts: a move undone within a grid step, or one
  // at the overlap's edge, which pair's window reaches behind.
  const name = e.names[still];
  return e.jumps[still]! > 0 ? `${name} holds one price at every grid step of the overlap, though pair counts a jump of it (a move at the overlap's edge, or undone within a step)` : `${name} never moves in the overlap`;
}

/** One estimator's verdict: ok false means "do not trust it as it stands". */
export interface Assessment {
  readonly estimator: 'pair' | 'xcorr' | 'hy';
  readonly ok: boolean;
  readonly text: string;
}

/** A fraction for a sentence: 0.0068 → "0.68 %", 0.0007 → "0.07 %" (2 significant digits). */
function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(2))} %`;
}

function durationWords(us: number): string {
  return us % 1000 === 0 ? `${us / 1000} ms` : `${us} µs`;
}

/** xcorr: is there enough co-movement on the grid? */
export function assessXcorr(e: PairEvidence): Assessment {
  const step = durationWords(e.gridUs);
  const nothing = nothingToAnalyse(e);
  if (nothing !== undefined) return { estimator: 'xcorr', ok: false, text: `xcorr: ${nothing} — nothing to correlate` };
  // At the lag where the markets move together most, when the lags were measured (a lead of
  // 2 ms moves them together 2 ms apart, and hardly ever in the same step).
  const lagged = e.bestCoMove !== undefined && e.bestCoMove.lagUs !== 0 && e.bestCoMove.bothMove > e.bothMove ? e.bestCoMove : undefined;
  const [steps, both] = lagged === undefined ? [e.steps, e.bothMove] : [lagged.steps, lagged.bothMove];
  const share = both / steps;
  const apart = lagged === undefined ? '' : ` ${durationWords(Math.abs(lagged.lagUs))} apart`;
  const what = `${percent(share)} of ${step} steps move in both markets${apart} (${both} steps)`;
  if (share < MIN_BOTH_MOVE_SHARE || both < MIN_BOTH_MOVE_STEPS) return { estimator: 'xcorr', ok: false, text: `xcorr: only ${what} — prefer hy` };
  return { estimator: 'xcorr', ok: true, text: `xcorr: ${what} — enough co-movement to correlate` };
}

/** pair: enough jumps at θ, and θ more than one tick? */
export function assessPair(e: PairEvidence): Assessment {
  const theta = percent(e.threshold);
  const [a, b] = e.names;
  const nothing = nothingToAnalyse(e, e.jumps);
  if (nothing !== undefined) return { estimator: 'pair', ok: false, text: `pair: ${nothing} — nothing to pair` };
  const fewer = e.jumps[0] <= e.jumps[1] ? 0 : 1;
  if (e.jumps[fewer]! < MIN_JUMPS) {
    const n = e.jumps[fewer]!;
    return { estimator: 'pair', ok: false, text: `pair: ${n} ${e.names[fewer]} jump${n === 1 ? '' : 's'} at θ = ${theta} — lower the threshold` };
  }
  for (const i of [0, 1] as const) {
    const ticks = e.thresholdTicks[i]!;
    if (ticks <= 1) {
      return { estimator: 'pair', ok: false, text: `pair: θ = ${theta} is ${Number(ticks.toPrecision(2))} tick of ${e.names[i]}, so every one-tick move is a jump — raise the threshold` };
    }
  }
  const chance = `about ${Number(e.chancePairsMean.toPrecision(2))} pairs expected by chance (§10)`;
  return { estimator: 'pair', ok: true, text: `pair: ${e.jumps[0]} ${a} and ${e.jumps[1]} ${b} jumps at θ = ${theta}, ${chance} — enough jumps to pair (whether enough of them lead to test who leads, pair says)` };
}

/**
 * hy: do the two markets' native ticks interleave? A nonextant tick has no tick of the other
 * market between its neighbours, so its value cancels out of U(0); when most of a market's ticks
 * are nonextant the contrast rests on the few that are not.
 */
export function assessHy(e: PairEvidence): Assessment {
  const [sa, sb] = e.nonextantShares;
  if (sa === null || sb === null) return { estimator: 'hy', ok: false, text: 'hy: a market has no tick in the overlap — nothing to estimate' };
  const nothing = nothingToAnalyse(e);
  if (nothing !== undefined) return { estimator: 'hy', ok: false, text: `hy: ${nothing} — nothing to estimate` };
  const what = `nonextant ticks: ${percent(sa)} of ${e.names[0]}'s, ${percent(sb)} of ${e.names[1]}'s`;
  const worse = sa >= sb ? 0 : 1;
  if (Math.max(sa, sb) > MAX_NONEXTANT_SHARE) {
    return { estimator: 'hy', ok: false, text: `hy: ${what} — most of ${e.names[worse]}'s ticks cancel out; the contrast rests on few ticks, read its interval` };
  }
  return { estimator: 'hy', ok: true, text: `hy: ${what} — the native ticks interleave; hy uses them without a grid` };
}

/** What is known about the two files' clocks. */
export interface ClockEvidence {
  readonly names: readonly [string, string];
  readonly clocks: readonly [ClockKind, ClockKind];
  /** Median receipt − exchange latency of each file (µs), NaN when the file has one clock. */
  readonly medianLatency: readonly [number, number];
  /** Offsets at least this large (µs) are called out: the grid step. */
  readonly resolutionUs: number;
}

/** Time-stamp alignment between the files. offsetUs: how much later B's times run than A's for the same instant, when known. */
export interface Alignment {
  readonly ok: boolean;
  readonly offsetUs: number | null;
  readonly text: string;
}

/**
 * Are the two files on one clock? A file on receipt time is late by its feed's latency, which
 * against a file on exchange time reads as a lead of the other market; two receipt clocks
 * differ by the difference of their latencies. Only what the headers and the files' own
 * second clocks show can be said: two venues' exchange clocks may differ by a constant no
 * file reveals.
 */
export function alignment(e: ClockEvidence): Alignment {
  const [a, b] = e.names;
  const [ca, cb] = e.clocks;
  const [la, lb] = e.medianLatency;
  const ms = (us: number) => `${Number((us / 1000).toPrecision(3))} ms`;
  if (ca === 'unknown' || cb === 'unknown') {
    const who = ca === 'unknown' && cb === 'unknown' ? 'neither file says' : `${ca === 'unknown' ? a : b}'s file does not say`;
    return { ok: true, offsetUs: null, text: `clocks: ${who} whether its times are the venue's or a receipt time — make sure both are on the same clock` };
  }
  if (ca !== cb) {
    const late = ca === 'receipt' ? 0 : 1;
    const latency = late === 0 ? la : lb;
    const sign = late === 1 ? 1 : -1;
    const size = Number.isFinite(latency) ? ` (median ${ms(latency)})` : '';
    return {
      ok: false,
      offsetUs: Number.isFinite(latency) ? sign * latency : null,
      text: `clocks: ${e.names[late]} is on receipt time and ${e.names[1 - late]} on exchange time: ${e.names[late]}'s times are late by its feed latency${size}, which reads as a lead of ${e.names[1 - late]} — put both on one clock (--clock)`,
    };
  }
  if (ca === 'exchange') return { ok: true, offsetUs: 0, text: 'clocks: both on exchange time (the venues\' clocks may still differ by a constant no file shows)' };
  if (!Number.isFinite(la) || !Number.isFinite(lb)) return { ok: true, offsetUs: null, text: 'clocks: both on receipt time' };
  const offset = lb - la;
  if (Math.abs(offset) < e.resolutionUs) return { ok: true, offsetUs: offset, text: `clocks: both on receipt time, median latencies within ${ms(e.resolutionUs)} of each other (${ms(la)}, ${ms(lb)})` };
  const later = offset > 0 ? b : a;
  const other = offset > 0 ? a : b;
  return {
    ok: false,
    offsetUs: offset,
    text: `clocks: both on receipt time, but ${later}'s runs ${ms(Math.abs(offset))} later than ${other}'s (median latency ${ms(la)} vs ${ms(lb)}), which reads as a lead of ${other} — compare on exchange time (--clock exchange)`,
  };
}

/**
 * How `leadlag xcorr` prints its report: the JSON and CSV shapes of docs/definitions.md §6, and
 * the human Table 2 with its summary lines and one-sentence verdict.
 */
import { MIN_INTERVAL_BLOCKS, type Interval } from '../../core/bootstrap.js';
import { fewReplicatesClause, MIN_REPLICATES, moreBlocksAdvice } from '../options.js';
import type { LagResult } from '../../core/xcorr.js';
import type { Span } from '../../core/types.js';
import { skippedRowsMember, type SkippedRows } from '../skipped-rows.js';
import { counted, duration, fixed, fixedNotZero, humanTable, isoMicros, lazyOutput, spanJson, type Cell, type Output, type Style } from '../../io/output.js';
import { bestLag, callableLag, MIN_CO_MOVES, mirroredLags, SINGLE_STEP_SHARE } from '../../core/xcorr-summary.js';
import { simultaneousBand, type XcorrBootstrap } from '../../core/xcorr-bootstrap.js';
import { humanXcorrBy, type XcorrBy } from '../xcorr-windows.js';
import { byJson, byTable } from '../windows.js';
import { MIN_CLAIM_BLOCKS } from '../../core/verdict.js';

/** One lag of Table 2: ciLow/ciHigh are the bootstrap interval, or Fisher's with --bootstrap 0. */
export interface XcorrRow extends LagResult {
  /** τ·G in µs. */
  readonly lagUs: number;
  readonly fisherLow: number | null;
  readonly fisherHigh: number | null;
}

/** A summed correlation: the lags it sums, its value (null where a lag is n/a) and interval. */
export interface SummedSide {
  readonly lags: readonly number[];
  readonly value: number | null;
  readonly interval: Interval | null;
}

export interface XcorrReport {
  readonly names: readonly [string, string];
  readonly gridUs: number;
  readonly span: Span;
  /** Grid points n0..n1 used (returns are one fewer). */
  readonly gridPoints: number;
  readonly lags: readonly XcorrRow[];
  /** Largest |r| (ties: smallest |τ|, then positive); undefined when every r is n/a. */
  readonly best: XcorrRow | undefined;
  /** S₊ over τ > 0, S₋ over τ < 0, and S₊ − S₋ when the lags are mirrored (xcorr-summary.ts). */
  readonly summed: { readonly positive: SummedSide | null; readonly negative: SummedSide | null; readonly difference: SummedSide | null };
  /**
   * The best lag's interval over the lags at once (docs/definitions.md §4): null without the
   * bootstrap, without an interval, or where the replicates of the best lag do not vary.
   */
  readonly band: BestBand | null;
  /** `moving`: the blocks that hold a co-movement (n_effective > 0; an interval needs MIN_INTERVAL_BLOCKS of them). */
  readonly bootstrap: { readonly replicates: number; readonly blockUs: number; readonly seed: number; readonly blocks: number; readonly moving: number } | null;
  /** With --by: the windows, regimes and stability summary (docs/time.md). */
  readonly by?: XcorrBy;
  /** The rows the readers skipped (skipped-rows.ts); from merged states, those the states recorded (merge.ts skippedRowsRead). */
  readonly skipped?: readonly SkippedRows[];
}

export { MIN_CO_MOVES, SINGLE_STEP_SHARE };

/**
 * The best lag's 95 % band over every lag a call could rest on (those with at least
 * {@link MIN_CO_MOVES} steps where both markets move and no single step carrying more than
 * {@link SINGLE_STEP_SHARE} of the co-movement), all at once: r ± h
 * (core/xcorr-bootstrap.ts simultaneousBand). The best lag is the largest |r| of many; its own
 * interval ignores that choice, the band does not.
 */
export interface BestBand {
  /** h: the band's half-width, the same at every lag it covers. */
  readonly halfWidth: number;
  /** The lags it covers. */
  readonly lags: number;
  readonly low: number;
  readonly high: number;
}

/** The band at `best` (one of `rows`, whose r's replicates `boot` holds in the rows' order); null where the best lag is not one a call could rest on. */
export function bestBand(boot: XcorrBootstrap, rows: readonly LagResult[], best: LagResult | undefined): BestBand | null {
  if (best === undefined || !callableLag(best) || !rows.includes(best)) return null;
  const band = simultaneousBand(boot.r, boot.replicates, rows.map((l) => l.r), (i) => callableLag(rows[i]!));
  if (band === null) return null;
  return { halfWidth: band.halfWidth, lags: band.lags, low: best.r! - band.halfWidth, high: best.r! + band.halfWidth };
}

/** Whether a band exists and leaves out 0. */
function bandClear(b: BestBand | null): boolean {
  return b !== null && (b.low > 0 || b.high < 0);
}

/**
 * The band rule (docs/xcorr.md rule 6): with the bootstrap, the best lag must stay clear of 0 once
 * the choice among the lags is allowed for. Over one lag there is no choice, and the band (r ±
 * a half-width) would only be a second, symmetric interval beside the lag's own percentile one:
 * `--lags 1` once said "clear of 0 at that lag alone … but its band over the 1 lag includes 0".
 */
function failsBand(r: LeadInputs): boolean {
  if (r.bootstrap === null || (r.band !== null && r.band.lags <= 1)) return false;
  return !bandClear(r.band);
}

/** What xcorr's call on who leads reads of a report (a window's numbers give it too): with the bootstrap, the blocks where both markets move. */
export interface LeadInputs {
  readonly best: XcorrRow | undefined;
  readonly summed: XcorrReport['summed'];
  /** With the bootstrap: the best lag's band over the lags ({@link bestBand}). */
  readonly band: BestBand | null;
  readonly bootstrap: { readonly moving: number; readonly replicates: number } | null;
}

/** With the bootstrap, fewer replicates than a call needs (MIN_REPLICATES, as classify's verdict): --bootstrap 2's interval is two replicates, which need not even hold r. */
function tooFewReplicates(r: LeadInputs): boolean {
  return r.bootstrap !== null && r.bootstrap.replicates < MIN_REPLICATES;
}

/**
 * xcorr's call on who leads, by its verdict's rules in their order ({@link verdict} says the
 * same in words), for the report (report/calls.ts) and the windows' shares
 * ({@link windowLeader}): `sign` is the side
 * {@link summedLead} names (1: A leads, −1: B leads; 0: neither) and `tested` false where the
 * verdict says untested. A peak one grid step makes, or whose interval includes 0 (with the
 * bootstrap, its own or its band over the lags), is tested and no lead; no lag with an r, fewer
 * than {@link MIN_CALL_BLOCKS} blocks or {@link MIN_CO_MOVES} grid steps where both markets move,
 * a peak without an interval (`--bootstrap 1`), or a difference of the sums without an interval
 * (lags on one side, `--bootstrap 0`), is untested.
 */
export function xcorrLead(r: LeadInputs): XcorrLead {
  const best = r.best;
  // No lag with an r (a constant series, no pairs of returns): nothing was measured, let alone tested.
  if (best === undefined) return { tested: false, sign: 0, correlated: false };
  // Too few blocks or co-moving steps to test anything: untested, even where one step makes the
  // peak (that diagnosis needs data enough to say the rest holds no relation).
  if (tooFewCallBlocks(r) || tooFewCoMoves(r)) return { tested: false, sign: 0, correlated: false };
  if (best.topStepShare !== null && best.topStepShare > SINGLE_STEP_SHARE) return { tested: true, sign: 0, correlated: false };
  // No interval at the peak (--bootstrap 1, or too few replicates with an r there): no test ran.
  if (best.ciLow === null || best.ciHigh === null) return { tested: false, sign: 0, correlated: false };
  // Intervals whose ends are the few most extreme of a handful of replicates: no call rests on them.
  if (tooFewReplicates(r)) return { tested: false, sign: 0, correlated: false };
  if (best.ciLow <= 0 && best.ciHigh >= 0) return { tested: true, sign: 0, correlated: false };
  if (failsBand(r)) return { tested: true, sign: 0, correlated: false };
  const d = r.summed.difference;
  if (d === null || d.value === null || d.interval === null) return { tested: false, sign: 0, correlated: true };
  return { tested: true, sign: summedLead(r), correlated: true };
}

export interface XcorrLead {
  readonly tested: boolean;
  readonly sign: -1 | 0 | 1;
  /** The best lag passed the tests before the sums': a significant correlation there (the verdict's rules 1–6, docs/xcorr.md). */
  readonly correlated: boolean;
}

/**
 * A window's call on who leads, for the stability summary's shares (docs/time.md): xcorr's call
 * ({@link xcorrLead}) on the window's own numbers; null (no call) where it is untested, where no
 * lag has an r, where one grid step makes the peak (the report counts that as no lead, but a
 * share of "neither" made of single events would say more than they do), and in a run whose
 * options cannot test who leads (`--bootstrap 0`, lags on one side).
 */
export function windowLeader(r: LeadInputs): 1 | -1 | 0 | null {
  // A run that cannot test who leads at all (Fisher intervals, lags on one side) calls no window,
  // rather than counting its uncorrelated windows as neither; a window without an r, or whose peak
  // one grid step makes, says nothing either way.
  const best = r.best;
  if (best === undefined || r.bootstrap === null || r.summed.difference === null) return null;
  if (best.topStepShare !== null && best.topStepShare > SINGLE_STEP_SHARE) return null;
  const call = xcorrLead(r);
  return call.tested ? call.sign : null;
}

/**
 * Why the summed r's difference S₊ − S₋ is missing (core/xcorr-summary.ts summedCorrelation):
 * lags on one side only, lags on both sides that are not each other's mirror (-5,1,2,3: the sums
 * would weigh the sides unequally), or mirrored lags one of which has no r (a side's sum needs
 * every lag's).
 */
function unsummedWhy(r: Pick<XcorrReport, 'lags'>): string {
  const asked = r.lags.map((l) => l.lag);
  if (!asked.some((l) => l > 0) || !asked.some((l) => l < 0)) return 'request lags on both sides (e.g. --lags -5..5) to test who leads';
  if (!mirroredLags(asked)) return 'request mirrored lags, each τ with −τ (e.g. --lags -5..5), to test who leads: the summed r of unequal sides would weigh them unequally';
  return 'a lag without an r leaves a side without its sum, so who leads is untested';
}

/**
 * Lags on one side only: "no correlation" there says nothing of the other side, where the other
 * market moves first (markets given in the other order put a strong lead there).
 */
function oneSideNote(r: Pick<XcorrReport, 'lags' | 'names'>): string {
  const asked = r.lags.map((l) => l.lag);
  const positive = asked.some((l) => l > 0);
  if (positive === asked.some((l) => l < 0)) return '';
  const first = positive ? r.names[0] : r.names[1];
  return ` — at lags where ${first} moves first only: the other side was not looked at (--lags -5..5 looks at both)`;
}

/** A signed duration: -2.5 ms, 0 µs, 40 ms. */
export function signedDuration(us: number): string {
  return us < 0 ? `-${duration(-us)}` : duration(us);
}

/** "τ = 5 steps = 2.5 ms": a lag in grid steps and in time, so a step is never read as a ms. */
export function lagText(lag: number, lagUs: number): string {
  return `τ = ${lag} ${Math.abs(lag) === 1 ? 'step' : 'steps'} = ${signedDuration(lagUs)}`;
}

const MACHINE_COLUMNS = ['lag', 'lag_us', 'r', 'n', 'n_effective', 'top_step_share', 'beta', 'r2', 'ci_low', 'ci_high', 'fisher_low', 'fisher_high'];

function machineRow(l: XcorrRow): Cell[] {
  return [l.lag, l.lagUs, l.r, l.n, l.nEffective, l.topStepShare, l.beta, l.r2, l.ciLow, l.ciHigh, l.fisherLow, l.fisherHigh];
}

/** S₊, S₋ and their difference with their intervals, as the JSON gives them (the whole span's and each window's). */
function summedJson(summed: XcorrReport['summed']): Record<string, unknown> {
  const side = (s: SummedSide | null) => (s === null ? null : { lags: s.lags, r_sum: s.value, ci_low: s.interval?.low ?? null, ci_high: s.interval?.high ?? null });
  return { positive: side(summed.positive), negative: side(summed.negative), difference: side(summed.difference) };
}

function bandJson(band: BestBand | null): Record<string, unknown> | null {
  return band === null ? null : { lags: band.lags, half_width: band.halfWidth, low: band.low, high: band.high };
}

export function renderXcorr(r: XcorrReport): Output {
  const rows = r.lags.map(machineRow);
  const out: Output = {
    json: {
      lags: rows.map((row) => Object.fromEntries(MACHINE_COLUMNS.map((c, i) => [c, row[i]]))),
      best: r.best === undefined ? null : { lag: r.best.lag, lag_us: r.best.lagUs, r: r.best.r },
      best_lag: r.best?.lag ?? null,
      summed: summedJson(r.summed),
      interval: r.bootstrap === null ? 'fisher' : 'bootstrap',
      band: bandJson(r.band),
      bootstrap: r.bootstrap === null ? null : { replicates: r.bootstrap.replicates, block_us: r.bootstrap.blockUs, seed: r.bootstrap.seed, blocks: r.bootstrap.blocks, moving_blocks: r.bootstrap.moving },
      grid: { step_us: r.gridUs, points: r.gridPoints, start_us: r.span.start, end_us: r.span.end },
      names: r.names,
      span: spanJson(r.span),
      verdict: verdict(r),
      ...skippedRowsMember(r.skipped),
    },
    machine: { columns: MACHINE_COLUMNS, rows },
    human: (style) => humanXcorr(r, style),
  };
  if (r.by === undefined) return out;
  const by = r.by;
  // A window's call (byJson gives it) with the sums and the band it rests on; a regime has no call.
  const table = (lags: readonly XcorrRow[], window?: number) => {
    const best = bestLag(lags);
    const call = window === undefined ? undefined : by.calls[window]!;
    return {
      lags: lags.map((l) => Object.fromEntries(MACHINE_COLUMNS.map((c, i) => [c, machineRow(l)[i]]))),
      best: best === undefined ? null : { lag: best.lag, lag_us: best.lag * r.gridUs, r: best.r },
      best_lag: best?.lag ?? null,
      ...(call === undefined ? {} : { summed: summedJson(call.summed), band: bandJson(call.band) }),
    };
  };
  return lazyOutput(
    () => ({ ...(out.json as Record<string, unknown>), ...byJson(by, r.names, table) }),
    // One long table: the whole span's lags first, then each window's (and regime's).
    () => byTable(MACHINE_COLUMNS, r.span, rows, by, (l: readonly XcorrRow[]) => l.map(machineRow)),
    (style) => `${humanXcorr(r, style)}\n${humanXcorrBy(by, r.names, r.gridUs, style, bestLag)}`,
  );
}

const HALF_BAR = 12;

function humanXcorr(r: XcorrReport, style: Style): string {
  const { c } = style;
  const [a, b] = r.names;
  const scale = Math.max(1e-300, ...r.lags.map((l) => Math.abs(l.r ?? 0)));
  const rows = r.lags.map((l) => [
    l === r.best ? c.bold(`${l.lag} ◀`) : String(l.lag),
    signedDuration(l.lagUs),
    l.r === null ? 'n/a' : fixed(l.r, 4),
    intervalText(l.ciLow, l.ciHigh),
    l.n,
    l.nEffective,
    l.topStepShare === null ? 'n/a' : fixed(l.topStepShare, 3),
    l.beta === null ? 'n/a' : fixed(l.beta, 4),
    bar(l.r, scale, style),
  ]);
  const ciHead = r.bootstrap === null ? '95% CI (Fisher)' : '95% CI (bootstrap)';
  const table = humanTable(['lag', 'τ', 'r', ciHead, 'N', 'N_eff', 'top step', 'β', 'correlogram'], rows, style, ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left']);
  const step = duration(r.gridUs);
  const method = r.bootstrap === null ? 'Fisher interval (assumes independent normal pairs: too narrow for grid returns)' : `block bootstrap: ${counted(r.bootstrap.replicates, 'replicate')} of ${counted(r.bootstrap.blocks, 'block')} of ${duration(r.bootstrap.blockUs)}, seed ${r.bootstrap.seed}${tooFewBlocks(r) ? ` (n/a: an interval needs at least ${MIN_INTERVAL_BLOCKS} blocks where both markets move)` : ''}`;
  return [
    c.bold(`Table 2: lagged correlation of ${step} log-returns, ${a} vs ${b}`),
    c.dim(`lag τ > 0: ${a} leads ${b} by τ (${a}'s return at step n against ${b}'s at n + τ); τ < 0: ${b} leads.`),
    c.dim('N_eff: pairs with both returns non-zero; top step: the share of Σ|r_A·r_B| carried by the largest single product.'),
    table,
    bestLine(r),
    summedLine(r),
    c.dim(`intervals: ${method}`),
    c.dim(`${r.gridPoints} grid points of ${step}, ${isoMicros(r.span.start)} → ${isoMicros(r.span.end)}`),
    c.bold(`verdict: ${verdict(r)}`),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export function intervalText(low: number | null, high: number | null): string {
  return low === null || high === null ? 'n/a' : `[${r4(low)}, ${r4(high)}]`;
}

/** r (or a difference of r) in 4 decimals; one too small for them in 2 significant digits, not as 0.0000. */
export function r4(x: number | null): string {
  return fixedNotZero(x, 4);
}

function direction(r: XcorrReport, lag: number): string {
  const [a, b] = r.names;
  return lag === 0 ? 'same step' : lag > 0 ? `${a} leads ${b}` : `${b} leads ${a}`;
}

/** "best lag: τ = 5 steps = 2.5 ms (spot leads perp), r = …" — steps and time, never a bare τ. */
function bestLine(r: XcorrReport): string {
  const best = r.best;
  if (best === undefined) return undefinedWhy(r);
  const band = r.band === null ? '' : `; over ${lagsText(r.band.lags)} at once ${intervalText(r.band.low, r.band.high)} (±${r4(r.band.halfWidth)})`;
  return `best lag (largest |r|): ${lagText(best.lag, best.lagUs)} (${direction(r, best.lag)}), r = ${fixed(best.r, 4)}, 95% CI ${intervalText(best.ciLow, best.ciHigh)}${band}, top step ${best.topStepShare === null ? 'n/a' : fixed(best.topStepShare, 3)}`;
}

/** "1 lag", "11 lags". */
function lagsText(n: number): string {
  return `${counted(n, 'lag')}`;
}

function summedLine(r: XcorrReport): string {
  const { positive, negative, difference } = r.summed;
  const part = (label: string, s: SummedSide | null): string | undefined =>
    s === null ? undefined : `${label} ${s.value === null ? 'n/a' : r4(s.value)}${s.interval === null ? '' : ` ${intervalText(s.interval.low, s.interval.high)}`}`;
  const parts = [part('Σr over τ > 0:', positive), part('Σr over τ < 0:', negative), part('difference:', difference)].filter((p) => p !== undefined);
  return parts.length === 0 ? '' : `summed r: ${parts.join('; ')}`;
}

/** The bootstrap is on but the span holds too few blocks for an interval (core/bootstrap.ts): every interval is n/a. */
export function tooFewBlocks(r: Pick<LeadInputs, 'bootstrap'>): boolean {
  return r.bootstrap !== null && r.bootstrap.moving < MIN_INTERVAL_BLOCKS;
}

/**
 * Fewest blocks where both markets move for xcorr to call a lead with the bootstrap: over 2–5 the
 * percentile interval is little more than one block's statistic against another's, and hy's
 * sign-flip test cannot reject over five blocks or fewer (its least p is 2/2⁵ = 0.0625).
 */
export const MIN_CALL_BLOCKS = MIN_CLAIM_BLOCKS;

/** The bootstrap is on but fewer than {@link MIN_CALL_BLOCKS} blocks hold a co-movement: intervals (from 2) but no call. */
export function tooFewCallBlocks(r: Pick<LeadInputs, 'bootstrap'>): boolean {
  return r.bootstrap !== null && r.bootstrap.moving < MIN_CALL_BLOCKS;
}

/** The best lag rests on fewer than {@link MIN_CO_MOVES} steps where both markets move. */
export function tooFewCoMoves(r: Pick<XcorrReport, 'best'>): boolean {
  return r.best !== undefined && r.best.nEffective < MIN_CO_MOVES;
}

/**
 * The blocks a replicate varies: those holding a step where both markets move at a lag asked
 * (n_effective > 0 at some lag). Both markets may move in every block and not together at the
 * lags asked: "where both markets move" alone said otherwise.
 */
export const CO_MOVING_BLOCKS = 'where both markets move at a lag asked';

/** More blocks, said with its limit: blocks must outlast the dependence between returns, or a burst of one second becomes many "independent" blocks and a call out of one event. */
export const SHORTER_BLOCK = moreBlocksAdvice('returns');

/** "the span holds 1 block of 10 s" or "… 2 blocks of 10 s, 1 where both markets move at a lag asked". */
export function blocksText(b: NonNullable<XcorrReport['bootstrap']>): string {
  const held = `the span holds ${counted(b.blocks, 'block')} of ${duration(b.blockUs)}`;
  return b.moving === b.blocks ? held : `${held}, ${b.moving} ${CO_MOVING_BLOCKS}`;
}

/**
 * The side the summed r names as leading: 1 (A leads), −1 (B leads), 0 (no interval, or it
 * includes 0). S₊ − S₋ is read in the direction of the relation: for markets that move together
 * (the best lag's r > 0) the leading side has the larger sum; for markets that move against each
 * other (r < 0: a coin quoted inversely, a hedge) the leading side's sum is the more negative.
 */
export function summedLead(r: Pick<XcorrReport, 'best' | 'summed'>): -1 | 0 | 1 {
  const d = r.summed.difference;
  if (d === null || d.interval === null || !(d.interval.low > 0 || d.interval.high < 0)) return 0;
  return summedDirection(r);
}

/** The side S₊ − S₋ points to in the relation's direction ({@link summedLead}), tested or not: 1, −1, or 0 without a value or a relation. */
export function summedDirection(r: Pick<XcorrReport, 'best' | 'summed'>): -1 | 0 | 1 {
  const d = r.summed.difference;
  const relation = r.best?.r == null ? 0 : Math.sign(r.best.r);
  if (relation === 0 || d === null || d.value === null) return 0;
  return (Math.sign(d.value) * relation) as -1 | 0 | 1;
}

/**
 * Why no lag has an r: no pair of returns at any lag (the span holds too few grid steps for the
 * lags: a grid step or a lag as long as the data), or a series that never moves.
 */
function undefinedWhy(r: XcorrReport): string {
  if (r.lags.length > 0 && r.lags.every((l) => l.n === 0)) {
    const most = Math.max(...r.lags.map((l) => Math.abs(l.lag)));
    return `no lag has a pair of returns: the span holds ${counted(r.gridPoints, 'grid point')} of ${duration(r.gridUs)}, too few for lags up to ${counted(most, 'step')} (a finer --grid or shorter --lags)`;
  }
  return 'no lag has a defined correlation (a series is constant)';
}

/** One sentence a reader can act on, saying when the evidence is weak. */
export function verdict(r: XcorrReport): string {
  const [a, b] = r.names;
  const best = r.best;
  if (best === undefined) return `no verdict: ${undefinedWhy(r)}.`;
  const where = lagText(best.lag, best.lagUs);
  const fisherNote = r.bootstrap === null ? ', judged by the Fisher interval, which is too narrow for grid returns (drop --bootstrap 0 for an honest one)' : '';
  if (tooFewBlocks(r)) {
    return `untested: ${blocksText(r.bootstrap!)}, and an interval needs at least ${MIN_INTERVAL_BLOCKS} (${SHORTER_BLOCK}); the peak r = ${r4(best.r)} at ${where}.`;
  }
  if (tooFewCallBlocks(r)) {
    return `untested: ${blocksText(r.bootstrap!)}, and a call needs at least ${MIN_CALL_BLOCKS} ${CO_MOVING_BLOCKS}: an interval over fewer is little more than one block against another (${SHORTER_BLOCK}); the peak r = ${r4(best.r)} at ${where}, 95 % interval ${intervalText(best.ciLow, best.ciHigh)}.`;
  }
  if (tooFewCoMoves(r)) {
    const n = best.nEffective;
    return `untested: at the peak (${where}, r = ${r4(best.r)}) only ${n} grid step${n === 1 ? '' : 's'} move${n === 1 ? 's' : ''} in both markets, fewer than the ${MIN_CO_MOVES} a call needs; a longer span, a coarser --grid, or hy on the native ticks sees more.`;
  }
  if (best.topStepShare !== null && best.topStepShare > SINGLE_STEP_SHARE) {
    return `weak evidence: the peak r = ${r4(best.r)} at ${where} comes ${Math.round(best.topStepShare * 100)} % from a single grid step, one event rather than a lead-lag relation.`;
  }
  if (best.ciLow === null || best.ciHigh === null) {
    return `untested: the largest |r|, r = ${r4(best.r)} at ${where}, has no 95 % interval (${noIntervalWhy(r)}).`;
  }
  if (tooFewReplicates(r)) {
    const n = r.bootstrap!.replicates;
    return `untested: ${fewReplicatesClause(n)}: the ends of an interval from fewer are the few most extreme replicates; the peak r = ${r4(best.r)} at ${where}, 95 % interval ${intervalText(best.ciLow, best.ciHigh)}.`;
  }
  if (best.ciLow <= 0 && best.ciHigh >= 0) {
    return `no significant correlation: the largest |r|, r = ${r4(best.r)} at ${where}, has a 95 % interval ${intervalText(best.ciLow, best.ciHigh)} that includes 0${fisherNote}${oneSideNote(r)}.`;
  }
  if (failsBand(r)) {
    const band = r.band === null ? 'too few of its replicates have an r to give a band over the lags to judge the choice by' : `its 95 % band over the ${lagsText(r.band.lags)} a call could rest on, all at once, ${intervalText(r.band.low, r.band.high)}, includes 0`;
    return `no significant correlation once the choice of the best lag is allowed for: the largest |r|, r = ${r4(best.r)} at ${where}, is clear of 0 at that lag alone (95 % interval ${intervalText(best.ciLow, best.ciHigh)}), but ${band}${oneSideNote(r)}.`;
  }
  const d = r.summed.difference;
  if (d === null || d.value === null) {
    return `significant correlation r = ${r4(best.r)} at ${where}${fisherNote}; ${unsummedWhy(r)}${edgeText(r, best)}.`;
  }
  const lead = summedLead(r);
  const edge = edgeText(r, best);
  if (lead !== 0) {
    const leader = lead > 0 ? `${a} leads ${b}` : `${b} leads ${a}`;
    const side = sideText(r, best, lead);
    if (best.r! > 0) {
      // The amount is |S₊ − S₋|: its interval is turned the same way, so that it holds the amount.
      const interval = lead > 0 ? intervalText(d.interval!.low, d.interval!.high) : intervalText(-d.interval!.high, -d.interval!.low);
      return `${leader}: the summed r of the leading side exceeds the other by ${r4(Math.abs(d.value))}, 95 % interval ${interval} clear of 0, peak r = ${r4(best.r)} at ${where}${side}${edge}.`;
    }
    const interval = intervalText(d.interval!.low, d.interval!.high);
    return `${leader}: the markets move against each other (peak r = ${r4(best.r)} at ${where}) and the summed r of the leading side is the larger in size, by ${r4(Math.abs(d.value))}; the 95 % interval of τ > 0 minus τ < 0, ${interval}, is clear of 0${side}${edge}.`;
  }
  if (d.interval === null) {
    return `correlated, r = ${r4(best.r)} at ${where}${fisherNote}; who leads is untested: the summed r of τ > 0 minus τ < 0 is ${r4(d.value)} but has no interval without the bootstrap${edge}.`;
  }
  return `correlated (r = ${r4(best.r)} at ${where}) but no significant lead: the summed r of τ > 0 minus τ < 0 is ${r4(d.value)} and its 95 % interval ${intervalText(d.interval.low, d.interval.high)} includes 0${edge}.`;
}

/**
 * Why the best lag has no interval when the rules before have passed: too few replicates (Fisher's
 * is missing only over 3 pairs or fewer, where rule 3, fewer than 10 co-moving steps, came first).
 */
function noIntervalWhy(r: XcorrReport): string {
  const b = r.bootstrap!;
  if (b.replicates < 2) return `--bootstrap ${b.replicates} draws ${counted(b.replicates, 'replicate')}; an interval needs at least 2, and hundreds for a sound one: the default is 1000`;
  return `fewer than 2 of its ${counted(b.replicates, 'replicate')} have an r there`;
}

/**
 * The best lag lies on the side of the market the summed r does not name: the peak and the sums
 * disagree on who leads. A lead longer than the lags shows so: the peak inside them is then
 * the leader's own autocorrelation against the follower's echo (docs/xcorr.md).
 */
function sideText(r: XcorrReport, best: XcorrRow, lead: -1 | 1): string {
  if (best.lag === 0 || Math.sign(best.lag) === lead) return '';
  const other = lead > 0 ? r.names[1] : r.names[0];
  return ` — but the peak lies where ${other} would lead, so the peak and the sums disagree: the lead may be longer than the lags (widen --lags; hy sees further) or no lead at all`;
}

/** The best lag is the first or the last lag asked (of more than one, not 0): r may peak beyond the lags. */
export function peakAtEdge(r: XcorrReport): boolean {
  const best = r.best;
  if (best === undefined || best.lag === 0 || r.lags.length < 2) return false;
  const lags = r.lags.map((l) => l.lag);
  return best.lag === Math.min(...lags) || best.lag === Math.max(...lags);
}

function edgeText(r: XcorrReport, best: XcorrRow): string {
  return peakAtEdge(r) ? `; the peak is at the ${best.lag > 0 ? 'last' : 'first'} lag asked, so r may peak beyond it (widen --lags)` : '';
}

/** A horizontal bar centred on an axis: negative r to the left, positive to the right. */
function bar(r: number | null, scale: number, style: Style): string {
  if (r === null) return `${' '.repeat(HALF_BAR)}│`;
  const len = Math.round((Math.abs(r) / scale) * HALF_BAR);
  const left = r < 0 ? ' '.repeat(HALF_BAR - len) + style.c.red('█'.repeat(len)) : ' '.repeat(HALF_BAR);
  const right = r > 0 ? style.c.green('█'.repeat(len)) : '';
  return `${left}│${right}`;
}

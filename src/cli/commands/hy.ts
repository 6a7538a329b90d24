/**
 * `leadlag hy SPOT PERP`: the Hayashi–Yoshida lead-lag contrast on native ticks over a lattice
 * of lags, with a block-bootstrap interval for the lag and a sign-flip test of "no relation at
 * any lag" (docs/definitions.md §8, §9; docs/hy.md).
 */
import { Context, type Streams } from '../context.js';
import { fewReplicatesClause, MIN_REPLICATES, moreBlocksAdvice, rangeOf, refusePlanSpanAlone, refuseTradeColumns, warnFewReplicates, warnShortBlock, type PlanSpan, type BootstrapCliOptions, type CommonOptions, type ReaderCliOptions, type TimeCliOptions } from '../options.js';
import { readMargin, requireOverlap, runPass, type TwoMarketConsumer, type TwoMarketPass } from '../inputs.js';
import { warnAboutInputs } from '../sanity.js';
import { skippedRowsMember, skippedRowsOf, type SkippedRows } from '../skipped-rows.js';
import type { ReadReport } from '../../io/types.js';
import type { GridReturns } from '../../core/volatility.js';
import type { TimeRange } from '../../core/parts.js';
import { prepareOutputFiles, writePlot, type PlotCliOptions } from '../plot.js';
import { hyFigure } from '../../report/figures.js';
import { byJson, byTable, cellLengthOf, fewRegimeWindows, withVolatility } from '../windows.js';
import { beyondOne, hyBy, humanHyBy, type HyBy, type HyTable } from '../hy-windows.js';
import { cutCells, fineCellLength } from '../../core/cells.js';
import { HyKeyedParts } from '../../core/hy-time.js';
import { isCut } from '../../core/parts.js';
import { latticeOf, stepOptionOf, type LagRange } from '../lagrange.js';
import { HyPartsTooLarge, HyState } from '../../core/hy.js';
import { blocksWithContrast, type HyParts } from '../../core/hyparts.js';
import { RemoteHyState } from '../hy-thread.js';
import { toHyParts } from '../../core/hy-time.js';
import { UsageError } from '../../errors.js';
import { lastLag, type Lattice } from '../../core/lattice.js';
import { hyEstimate, hyInference, hyLag, hyLags, maxAbsRho, type HyEstimate, type HyInference } from '../../core/hystats.js';
import { Random } from '../../core/random.js';
import { ALPHA, formatP, formatPValue } from '../../core/verdict.js';
import { counted, duration, fixed, fixedNotZero, humanTable, isoMicros, lazyOutput, spanJson, type Cell, type Output, type Style } from '../../io/output.js';
import { blockRange, type Interval } from '../../core/bootstrap.js';
import type { Span } from '../../core/types.js';

export interface HyOptions extends CommonOptions, PlotCliOptions, ReaderCliOptions, BootstrapCliOptions, Partial<TimeCliOptions> {
  lags: LagRange;
  step: number;
  names: [string, string];
  /** --state FILE: write the partial state of the range instead of printing (docs/scale.md). */
  state?: string;
  /** --label NAME: the pair's name in a state. */
  label?: string;
  /** With --state: the span all of a plan's jobs cover (plan writes it; merge then knows a missing first or last job). */
  planSpan?: PlanSpan;
  /** The option that sets the lags, named in advice (report calls it --hy-lags). Default --lags. */
  lagsOption?: string;
}

export interface HyReport {
  readonly names: readonly [string, string];
  readonly lattice: Lattice;
  readonly span: Span;
  readonly options: Pick<HyOptions, 'bootstrap' | 'block' | 'seed' | 'lagsOption'>;
  readonly estimate: HyEstimate;
  /** Null with --bootstrap 0. */
  readonly inference: HyInference | null;
  /** With --by: the windows, regimes and stability summary (docs/time.md). */
  readonly by?: HyBy;
  /** The rows the readers skipped (skipped-rows.ts); from merged states, those the states recorded (merge.ts skippedRowsRead). */
  readonly skipped?: readonly SkippedRows[];
}

/** What `leadlag hy` does once parsed; hy-command.ts defines the command and loads this module only when it runs. */
export async function hyAction(io: Streams, spot: string, perp: string, o: HyOptions): Promise<void> {
  const ctx = new Context(io, o);
  refusePlanSpanAlone(o);
  refuseTradeColumns(o, 'hy');
  if (o.state !== undefined) return (await import('../hy-state.js')).runHyState([spot, perp], o, ctx);
  warnFewReplicates(ctx, o.bootstrap);
  warnShortBlock(ctx, o.block);
  await prepareOutputFiles([{ option: '--plot', path: o.plot }], [spot, perp]);
  const report = await runHy([spot, perp], o, ctx);
  await writePlot(o, () => hyFigure(report));
  await ctx.emit(renderHy(report));
}

export async function runHy(files: readonly [string, string], o: HyOptions, ctx: Context): Promise<HyReport> {
  try {
    return await runPass(files, o, ctx, hyPass(files, o, ctx));
  } catch (e) {
    throw hyPartsError(e, o);
  }
}

/** Parts too large for memory, as the usage error that says which options to change. */
export function hyPartsError(e: unknown, o: Pick<HyOptions, 'block' | 'lags' | 'step'>): unknown {
  return e instanceof HyPartsTooLarge ? new UsageError(`--block ${duration(o.block)} with ${latticeOf(o.lags, o.step).count} lags: ${e.message}; use a longer --block, a larger --step, a narrower --lags or (for a run without --by or --state) --bootstrap 0`) : e;
}

/** hy as a pass: the state to feed and how it becomes the report (runHy, and `report`'s one read). */
export function hyPass(files: readonly [string, string], o: HyOptions, ctx: Context): TwoMarketPass<HyReport>;
export function hyPass(files: readonly [string, string], o: HyOptions, ctx: Context, where: 'thread'): TwoMarketPass<Promise<HyReport>> & { abort(): void };
export function hyPass(files: readonly [string, string], o: HyOptions, ctx: Context, where: 'here' | 'thread'): TwoMarketPass<HyReport | Promise<HyReport>> & { abort?(): void };
/**
 * @param where 'thread': the state runs on a worker thread (hy-thread.ts; `report`, where the
 *   main thread has pair and xcorr to run), and finish returns a promise.
 */
export function hyPass(files: readonly [string, string], o: HyOptions, ctx: Context, where: 'here' | 'thread' = 'here'): TwoMarketPass<HyReport | Promise<HyReport>> & { abort?(): void } {
  const lattice = latticeOf(o.lags, o.step, o.lagsOption);
  const range = rangeOf(o);
  const windowUs = cellLengthOf(o);
  const cut = isCut(windowUs, range);
  // The whole span's sums are the fold of the --block blocks in time order, as states merge
  // them; without the bootstrap and windows nothing else reads a block, so the state folds each
  // one as it finishes (memory: the open blocks). Windows without the bootstrap are one block each.
  const fold = o.bootstrap === 0 && o.by === undefined ? range : undefined;
  const blocked = o.bootstrap > 0 || fold !== undefined;
  const blockUs = blocked ? o.block : Number.MAX_SAFE_INTEGER;
  // Cut by time, the parts go to fine cells that the range, the windows and the blocks are made of.
  const cellUs = fineCellLength(blocked ? o.block : 0, windowUs);
  const cells = cut ? cutCells(cellUs, range) : undefined;
  const state = where === 'thread' ? new RemoteHyState({ lattice, blockUs, cells: cut ? { lengthUs: cellUs, range } : undefined, fold }) : new HyState({ lattice, blockUs, cells, fold });
  const analysis: TwoMarketConsumer = {
    pushA: (b) => state.push(0, b.t, b.price, b.length),
    pushB: (b) => state.push(1, b.t, b.price, b.length),
    endA: () => state.end(0),
    endB: () => state.end(1),
  };
  const { consumer, meter } = withVolatility(o.by, analysis);
  const margin = hyMargin(lattice);
  const run = { lattice, range, windowUs, blockUs, cells: fold === undefined ? cells : undefined, meter };
  if (state instanceof RemoteHyState) {
    return { plan: { range, margin }, consumer, finish: async (reads) => finishHy(files, o, ctx, { ...run, fine: await state.finish() }, reads), abort: () => state.abort() };
  }
  return { plan: { range, margin }, consumer, finish: (reads) => finishHy(files, o, ctx, { ...run, fine: state.finish() }, reads) };
}

/** The read margin M around a range: an interval ending in the range needs its start and B's ticks within the lattice's reach (1 s + max |θ|). */
export function hyMargin(lattice: Lattice): number {
  return readMargin({ gridUs: 0 }) + Math.max(Math.abs(lattice.fromUs), Math.abs(lastLag(lattice)));
}

interface HyRun {
  readonly lattice: Lattice;
  readonly range: TimeRange;
  readonly windowUs: number;
  readonly blockUs: number;
  /** The cells the parts are filed under, to regroup; undefined when the parts are the blocks (or their fold). */
  readonly cells: ReturnType<typeof cutCells> | undefined;
  /** The state's parts (HyState.finish). */
  readonly fine: HyParts;
  readonly meter: GridReturns | undefined;
}

function finishHy(files: readonly [string, string], o: HyOptions, ctx: Context, { lattice, range, windowUs, blockUs, cells, fine, meter }: HyRun, reads: [ReadReport, ReadReport]): HyReport {
  const span = requireOverlap(fine.span, reads[0], reads[1], range);
  // What pair and xcorr say of the inputs (one file twice, a span under a second, times before
  // 2000, an option without effect); in `report` the same words, said once.
  warnAboutInputs(ctx, files, o, reads, span);
  const keyed = cells === undefined ? undefined : new HyKeyedParts(fine, cells, windowUs, range, blockUs);
  const parts = keyed === undefined ? fine : toHyParts(keyed.whole(), lattice, blockUs, span);
  const by = o.by === undefined ? undefined : hyBy(keyed!, lattice, span, meter, { bootstrap: o.bootstrap, block: blockUs, seed: o.seed }, (t) => windowLeader(t, lattice));
  const wild = by?.windows.filter((w) => beyondOne(w.part.estimate.rho)).length ?? 0;
  const regimes = fewRegimeWindows(by);
  if (regimes !== null) ctx.warn(regimes);
  if (wild > 0) ctx.warn(`${wild} of ${by!.windows.length} windows have |ρ(θ̂)| > 1: in a short window the cross terms and the variances are filed by different interval ends (docs/hy.md), so their ρ and R² are no correlation; their R² stays out of the R² trend (a longer --by gives fewer)`);
  return { ...hyReportOf(o, ctx, parts, span), by, skipped: skippedRowsOf(reads) };
}

/**
 * Numbers the two passes of replicate sums add: the bootstrap, R replicates over every block;
 * the sign-flip test over the blocks holding a contrast, R patterns or, when fewer, every one
 * (2^contrast; hystats.ts signFlipTest). Each block adds a number per lag.
 */
export function replicateWork(replicates: number, blocks: number, contrastBlocks: number, lags: number): number {
  if (replicates === 0) return 0;
  return (replicates * blocks + Math.min(replicates, 2 ** contrastBlocks) * contrastBlocks) * lags;
}

/**
 * The report of hy's parts over `span` — a run's, or merged states' (hy-state.ts) — with its
 * warnings: the estimate, and with the bootstrap the intervals and the p-value (from --seed).
 */
export function hyReportOf(o: Pick<HyOptions, 'names' | 'bootstrap' | 'block' | 'seed' | 'lagsOption'>, ctx: Context, parts: HyParts, span: Span): HyReport {
  const { lattice } = parts;
  const estimate = hyEstimate(parts);
  const work = replicateWork(o.bootstrap, parts.nBlocks, blocksWithContrast(parts), lattice.count);
  if (work > 4e9) ctx.warn(`the bootstrap and the test sum ${(work / 1e9).toFixed(0)} G numbers (replicates × blocks × lags), most of the run (about 0.7 s a G on a 2-core machine); fewer lags or --bootstrap 0 is faster`);
  const inference = o.bootstrap > 0 ? hyInference(parts, o.bootstrap, new Random(o.seed)) : null;
  // Few blocks with a contrast (not of the span: a block where the moves do not overlap adds nothing).
  const blocks = blockRange(span.start, span.end, o.block).count;
  const k = inference?.contrastBlocks ?? blocks;
  // No block with a contrast: nothing to test, and the verdict says why (no θ̂: every contrast 0).
  if (inference !== null && k > 0 && k < 20) {
    const held = k === blocks ? `the span holds only ${counted(blocks, 'block')} of ${duration(o.block)}` : `only ${k} of the span's ${counted(blocks, 'block')} of ${duration(o.block)} ${k === 1 ? 'holds' : 'hold'} a contrast`;
    ctx.warn(`${held}: the intervals rest on few blocks and the sign-flip p-value cannot fall below 2/2^${k} = ${fixed(2 / 2 ** k, 4)}; ${moreBlocksAdvice('moves')}`);
  }
  const report: HyReport = { names: o.names, lattice, span, options: { bootstrap: o.bootstrap, block: o.block, seed: o.seed, lagsOption: o.lagsOption }, estimate, inference };
  if (atEdge(lattice, estimate.lagUs, inference?.lagUs)) {
    ctx.warn(`θ̂ = ${lagText(estimate.lagUs!)} ${onEdge(lattice, estimate.lagUs) ? 'is at' : 'has an interval that reaches'} the edge of the lattice: the largest contrast may lie beyond it; widen ${lagsOption(report)}`);
  } else if (pilesAtEnd(estimate.lagUs, inference)) {
    ctx.warn(`${percentOf(inference!.edgeShare)} of the bootstrap replicates peak at an end of the lags (${lagEnds(lattice)}): θ̂'s interval may be cut short by them; widen ${lagsOption(report)}`);
  }
  return report;
}

/**
 * The smallest p the sign-flip test can give: 2/2^k for k blocks with a contrast (flipping a
 * block without one changes nothing, and no flip and all flips both reproduce ±U), and no less
 * than the enumeration's 2/2^blocks or the draws' 1/(R + 1).
 */
function leastP(inf: HyInference): number {
  return Math.max(inf.exact ? 2 / inf.signPatterns : 1 / (inf.replicates + 1), 2 / 2 ** inf.contrastBlocks);
}

/** Whether the test could reject at α at all: over five blocks with a contrast or fewer it cannot (2/2⁵ > 0.05). */
export function canReject(inf: HyInference): boolean {
  return leastP(inf) < ALPHA;
}

/** Lags on both sides of θ = 0: only then does the contrast compare the two directions (who leads). */
export function twoSided(l: Lattice): boolean {
  return l.fromUs < 0 && lastLag(l) > 0;
}

/**
 * A window's call on who leads, for the stability summary's shares (docs/time.md), by the
 * verdict's rules: null, no call, where the verdict says untested (no θ̂, no test, a test that
 * cannot reject, lags on one side, a significant θ̂ ≠ 0 without an interval); 0, neither, where the
 * test finds no lead-lag, θ̂ = 0 or θ̂'s
 * interval reaches 0; else the sign of θ̂ (1: A leads).
 */
export function windowLeader(t: HyTable, l: Lattice): 1 | -1 | 0 | null {
  // Lags on one side cannot name a leader, so such a window makes no call at all: counted as
  // neither, it would lean the shares to neither.
  if (!twoSided(l) || !hyTested(t.estimate, t.inference, l)) return null;
  return hyLeadSign(t.estimate, t.inference, l);
}

/**
 * Whether hy's verdict tests anything (the report's `tested`, a window's call): a θ̂ (not every
 * contrast 0), a test that can reject, at least MIN_REPLICATES replicates, and, where the
 * contrast is significant at θ̂ ≠ 0, lags on both sides and an interval of θ̂ (else who leads
 * is untested, not "neither").
 */
export function hyTested(e: HyEstimate, inf: HyInference | null, l: Lattice): boolean {
  if (e.lagUs === null || inf === null || !canReject(inf) || fewReplicates(inf)) return false;
  return !(inf.pValue < ALPHA) || (twoSided(l) && (e.lagUs === 0 || inf.lagUs !== null));
}

/**
 * The side hy finds leading (1: A, −1: B): θ̂'s sign where the sign-flip test rejects, θ̂ ≠ 0,
 * θ̂'s interval is clear of 0 and the lags lie on both sides of 0; 0 otherwise. The report's
 * rule (report/calls.ts), the windows' and the verdict's: where θ̂'s interval reaches 0 or is
 * missing, the sentence begins "no clear leader" and gives θ̂'s side as where the peak lies.
 */
export function hyLeadSign(e: HyEstimate, inf: HyInference | null, l: Lattice): -1 | 0 | 1 {
  const ci = inf?.lagUs ?? null;
  if (e.lagUs === null || e.lagUs === 0 || inf === null || fewReplicates(inf) || !(inf.pValue < ALPHA) || ci === null || !(ci.low > 0 || ci.high < 0) || !twoSided(l)) return 0;
  return Math.sign(e.lagUs) as -1 | 1;
}

/**
 * Fewer replicates than a call needs (MIN_REPLICATES, as xcorr's and classify's): θ̂'s interval
 * is then the few most extreme replicates' lags, and p moves in steps of 1/(R + 1). With 40, a
 * run named a leader from an interval of 40 draws.
 */
export function fewReplicates(inf: HyInference): boolean {
  return inf.replicates < MIN_REPLICATES;
}

/** θ at the first or the last lag of the lattice (of more than one lag). */
function onEdge(l: Lattice, lagUs: number | null): boolean {
  return l.count > 1 && lagUs !== null && (lagUs === l.fromUs || lagUs === lastLag(l));
}

/** θ̂, or an end of its interval, at an end of the lattice: the largest contrast may lie beyond the lags. */
function atEdge(l: Lattice, lagUs: number | null, ci: Interval | null | undefined): boolean {
  return onEdge(l, lagUs) || (lagUs !== null && ci != null && (onEdge(l, ci.low) || onEdge(l, ci.high)));
}

/**
 * Replicates whose θ̂* lies at an end of the lags from which θ̂'s interval counts as cut by
 * them (HyInference.edgeShare). A replicate whose peak lies beyond the lags takes an end, or a
 * lesser peak inside them, so the interval can be cut short while its own ends (the 2.5 % and
 * 97.5 % points) lie inside: on the Binance sample at -10ms..10ms, θ̂ = -9.4 ms [-9.6, -1.2]
 * with 1 % of the replicates at -10 ms, and [-11.8, -1.2] over -20ms..20ms. From a fifth of
 * the 2.5 % an end leaves out (0.5 %, 5 of 1 000 replicates) the verdict says so.
 */
const EDGE_SHARE = 0.005;

/** θ̂'s interval may be cut by the lags though neither θ̂ nor its ends lie on them: replicates pile up at an end. */
export function edgeReplicates(l: Lattice, lagUs: number | null, inf: HyInference | null): boolean {
  // The verdict's clause, where it names a lead: lags on both sides and θ̂ ≠ 0 (the warning, pilesAtEnd, is said anyway).
  return lagUs !== 0 && twoSided(l) && pilesAtEnd(lagUs, inf);
}

/** As many replicates as EDGE_SHARE peak at an end of the lags, where θ̂ has an interval. */
function pilesAtEnd(lagUs: number | null, inf: HyInference | null): boolean {
  return lagUs !== null && inf !== null && inf.lagUs !== null && inf.edgeShare >= EDGE_SHARE;
}

/** The edge caveat of hy's verdict and the report's headline; '' when θ̂ and its interval lie clear of the ends of the lags. */
export function edgeNote(r: HyReport): string {
  const l = r.lattice;
  const e = r.estimate;
  const inf = r.inference;
  if (e.lagUs === null) return '';
  if (onEdge(l, e.lagUs)) return `θ̂ lies at the edge of the lags (${lagText(e.lagUs)}): the peak may lie beyond; widen ${lagsOption(r)}`;
  if (atEdge(l, e.lagUs, inf?.lagUs)) {
    // The end (or ends) the interval reaches, which need not be on θ̂'s side.
    const ends = [inf!.lagUs!.low, inf!.lagUs!.high].filter((x, i, all) => onEdge(l, x) && all.indexOf(x) === i);
    return `its interval reaches the edge of the lags (${ends.map(lagText).join(' and ')}): the peak may lie beyond; widen ${lagsOption(r)}`;
  }
  if (edgeReplicates(l, e.lagUs, inf)) return `${percentOf(inf!.edgeShare)} of its replicates peak at an end of the lags (${lagEnds(l)}), so the interval may be cut short by them; widen ${lagsOption(r)}`;
  return '';
}

/** The two ends of the lags, as the edge warning and the verdict name them ("-10 ms or 10 ms"). */
function lagEnds(l: Lattice): string {
  return `${lagText(l.fromUs)} or ${lagText(lastLag(l))}`;
}

/** A share as a percentage of at most 3 significant digits ("1.3 %"). */
function percentOf(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}

/**
 * LLR tells which side of θ = 0 holds more of the contrast; equal sides give 1, which float
 * rounding leaves a unit or two away (identical markets: 0.9999999999999998). A lean is named
 * when LLR is off 1 by more than rounding and its interval excludes 1 (docs/hy.md): without an
 * interval (--bootstrap 0) it is no finding, and two unrelated walks had "leans to perp
 * leading (LLR 0.85)" where the bootstrap gives [0.23, 3.47].
 */
function llrLean(e: HyEstimate, inf: HyInference | null): 'a' | 'b' | null {
  const llr = e.llr;
  if (llr === null || Math.abs(llr - 1) <= 1e-9) return null;
  const ci = inf?.llr;
  if (ci == null || (ci.low <= 1 && ci.high >= 1)) return null;
  return llr > 1 ? 'a' : 'b';
}

/**
 * How two markets whose contrast peaks at θ = 0 move: together (ρ > 0), or in opposite directions
 * (ρ < 0, as report/calls.ts reads a relation against each other: its interval below 0 where
 * there is one); at the same instant, the direction unsaid, where ρ's interval holds 0.
 */
function sameInstant(rho: number | null, ci: Interval | null | undefined): string {
  const r = rho ?? 0;
  if (ci != null && ci.low <= 0 && ci.high >= 0) return 'at the same instant';
  return r < 0 ? 'at the same instant, in opposite directions' : 'together';
}

const pairOf = (i: Interval | null | undefined): [number, number] | null => (i ? [i.low, i.high] : null);

/** The members of §6 that a part's numbers give (the whole span's, a window's, a regime's). */
function hyMembers(e: HyEstimate, inf: HyInference | null) {
  return {
    lag_us: e.lagUs,
    lag_plateau_us: pairOf(e.lagPlateauUs),
    rho: e.rho,
    beta: e.beta,
    r2: e.r2,
    llr: e.llr,
    llr_abs: e.llrAbs,
    rv_a: e.rvA,
    rv_b: e.rvB,
    n_a: e.nA,
    n_b: e.nB,
    nonextant_share_a: e.nonextantShareA,
    nonextant_share_b: e.nonextantShareB,
    p_value: inf?.pValue ?? null,
    edge_share: inf?.edgeShare ?? null,
    lags: hyLags(e).map((l) => ({ lag_us: l.lagUs, u: l.u, rho: l.rho, beta: l.beta })),
    ci: inf === null ? null : { lag_us: pairOf(inf.lagUs), rho: pairOf(inf.rho), llr: pairOf(inf.llr) },
  };
}

/** Machine rows of a part: one per lattice lag. */
function lagRows(e: HyEstimate): Cell[][] {
  return hyLags(e).map((l) => [l.lagUs, l.u, l.rho, l.beta, l.lagUs === e.lagUs]);
}

/** hy's output; with --by, a row per window and lag in the machine formats, made as written (lazyOutput). */
export function renderHy(r: HyReport): Output {
  const e = r.estimate;
  const columns = ['lag_us', 'u', 'rho', 'beta', 'best'];
  const by = r.by;
  if (by === undefined) return lazyOutput(() => hyJson(r), () => ({ columns, rows: lagRows(e) }), (style) => humanHy(r, style));
  return lazyOutput(
    () => ({ ...hyJson(r), ...byJson(by, r.names, (t: HyTable) => hyMembers(t.estimate, t.inference)) }),
    // One long table: the whole span's lags first, then each window's (and regime's).
    () => byTable(columns, r.span, lagRows(e), by, (t) => lagRows(t.estimate)),
    (style) => `${humanHy(r, style)}\n${humanHyBy(by, r.names, style)}`,
  );
}

/** The whole span's JSON document (without the windows). */
function hyJson(r: HyReport): Record<string, unknown> {
  return {
    ...hyMembers(r.estimate, r.inference),
    verdict: verdict(r),
    sign_convention: `lag_us > 0: ${r.names[0]} leads ${r.names[1]}`,
    names: r.names,
    span: spanJson(r.span),
    params: { lags_from_us: r.lattice.fromUs, lags_to_us: lastLag(r.lattice), step_us: r.lattice.stepUs, bootstrap: r.options.bootstrap, block_us: r.options.block, seed: r.options.seed },
    ...skippedRowsMember(r.skipped),
  };
}

/** A signed lag for people: "2.5 ms", "-812 µs". */
function lagText(us: number): string {
  return us < 0 ? `-${duration(-us)}` : duration(us);
}

/**
 * An interval in the unit of its point: "[1.4, 2.9]" for a lag shown in ms. A point in µs whose
 * ends reach a ms gives each end its unit ("500 µs [-3.8 ms, 6 ms]", not "[-3800, 6000]").
 */
function lagInterval(lo: number, hi: number, pointUs: number): string {
  if (Math.abs(pointUs) < 1000 && Math.max(Math.abs(lo), Math.abs(hi)) >= 1000) return `[${lagText(lo)}, ${lagText(hi)}]`;
  const div = Math.abs(pointUs) >= 1000 ? 1000 : 1;
  const f = (x: number) => String(Number((x / div).toFixed(3)));
  return `[${f(lo)}, ${f(hi)}]`;
}

/**
 * An interval of θ̂ that is one lattice lag says the lag to within the step, not exactly (it read
 * as certainty): `to within --step 1 ms` (report: --hy-step); null for a wider interval. The
 * verdict's sentence and report's interval caveat both say it so.
 */
export function stepCaveat(r: HyReport, ci: Interval): string | null {
  return ci.low === ci.high ? `to within ${stepOptionOf(lagsOption(r))} ${duration(r.lattice.stepUs)}` : null;
}

/** stepCaveat in parentheses after an interval, or nothing. */
function stepNote(r: HyReport, ci: Interval): string {
  const caveat = stepCaveat(r, ci);
  return caveat === null ? '' : ` (${caveat})`;
}

/** The option a reader changes to change the lags: --lags, or report's --hy-lags. */
function lagsOption(r: HyReport): string {
  return r.options.lagsOption ?? '--lags';
}

/** The one sentence a reader takes away (wording and α shared with the other verdicts, core/verdict.ts). */
export function verdict(r: HyReport): string {
  return `${verdictClause(r)}.`;
}

function verdictClause(r: HyReport): string {
  const [a, b] = r.names;
  const e = r.estimate;
  const inf = r.inference;
  if (e.lagUs === null) return `no lead-lag can be measured: the contrast is the same at every lag${e.u.every((u) => u === 0) ? ' (0: a market never moves, or the ticks never overlap within the lags)' : ': the lags do not tell the ticks apart (a --step finer than the times\' resolution, or a market without a move in the span, whose one interval meets the other\'s moves at every lag)'}`;
  const rho = `ρ = ${fixed(e.rho, 2)}`;
  const p = inf === null ? 'no test (--bootstrap 0)' : formatP(inf.pValue);
  if (inf !== null && fewReplicates(inf)) {
    return `untested: ${fewReplicatesClause(inf.replicates)}; the contrast peaks at θ = ${lagText(e.lagUs)}, ${rho}, ${p}${plateauNote(r)}`;
  }
  if (inf !== null && !canReject(inf)) {
    const k = inf.contrastBlocks;
    const few = 1 / (inf.replicates + 1) >= ALPHA && !inf.exact;
    const why = few ? `with ${counted(inf.replicates, 'replicate')}` : `over ${counted(k, 'block')} where both markets' moves overlap`;
    const more = few ? 'a larger --bootstrap gives more' : moreBlocksAdvice('moves');
    return `untested: ${why}, the sign-flip p-value cannot fall below ${fixed(leastP(inf), 4)}, so no lead could be shown (${more}); the largest |ρ| = ${fixed(Math.abs(e.rho ?? 0), 3)} at ${lagText(e.lagUs)}`;
  }
  if (inf !== null && inf.pValue >= ALPHA) return `no evidence of lead-lag (${p}): the largest |ρ| = ${fixed(Math.abs(e.rho ?? 0), 3)} (at ${lagText(e.lagUs)}) is what unrelated markets show`;
  const ci = inf?.lagUs;
  const l = r.lattice;
  // Lags on one side: neither where the contrast peaks nor LLR (one of its sums is empty) can
  // compare the two directions.
  if (!twoSided(l)) {
    const one = l.fromUs === lastLag(l);
    const where = one ? `the only lag is ${lagText(l.fromUs)}` : `every lag (${lagText(l.fromUs)} … ${lagText(lastLag(l))}) lies on one side of 0`;
    return `the contrast peaks at θ = ${lagText(e.lagUs)}, ${rho}, ${p}, but ${where}: who leads is untested; request lags on both sides (e.g. ${lagsOption(r)} -10ms..10ms)`;
  }
  if (e.lagUs === 0) {
    // Without the bootstrap, a peak at 0 is no more a finding than one elsewhere (below).
    if (inf === null) return `untested (--bootstrap 0): the contrast peaks at θ = 0, ${rho}; no sign-flip test and no interval${plateauNote(r)}`;
    const lean = llrLean(e, inf);
    const side = lean === null ? '' : `; away from θ = 0 the contrast leans to ${lean === 'a' ? a : b} leading (LLR ${fixed(e.llr, 2)} [${fixed(inf.llr!.low, 2)}, ${fixed(inf.llr!.high, 2)}])`;
    const together = `${a} and ${b} move ${sameInstant(e.rho, inf.rho)}`;
    return `${together}: the contrast peaks at θ = 0${ci ? ` [${lagText(ci.low)}, ${lagText(ci.high)}]${stepNote(r, ci)}` : ''}, ${rho}, ${p}${side}${plateauNote(r)}`;
  }
  const [leader, follower, sign] = e.lagUs > 0 ? [a, b, 1] : [b, a, -1];
  const lead = sign * e.lagUs;
  // Without the bootstrap there is no test and no interval: where the contrast peaks is an
  // estimate, not a finding (docs/report.md counts it untested).
  if (inf === null) return `untested (--bootstrap 0): the contrast peaks at θ = ${lagText(e.lagUs)}, where ${leader} would lead ${follower} by ${duration(lead)}, ${rho}; no sign-flip test and no interval${plateauNote(r)}`;
  const interval = ci ? ` ${lagInterval(Math.min(sign * ci.low, sign * ci.high), Math.max(sign * ci.low, sign * ci.high), lead)}${stepNote(r, ci)}` : '';
  const edge = edgeNote(r);
  // A leader is named only on hyLeadSign's rule; an interval that reaches θ = 0 (or none) leaves
  // the side of the peak an estimate, said as such from the sentence's first words.
  if (hyLeadSign(e, inf, l) === 0) {
    const why = ci ? 'the interval reaches θ = 0, so the direction is uncertain' : 'θ̂ has no interval, so the direction is untested';
    return `no clear leader: the contrast peaks at θ = ${lagText(e.lagUs)}, where ${leader} would lead ${follower} by ${duration(lead)}${interval}, ${rho}, ${p} — but ${why}${edge === '' ? '' : `; and ${edge}`}${plateauNote(r)}`;
  }
  return `${leader} leads ${follower} by ${duration(lead)}${interval}, ${rho}, ${p}${edge === '' ? '' : ` — but ${edge}`}${plateauNote(r)}`;
}

/**
 * Where U is the same over a range of lags around θ̂ (ticks sparser than the step), θ̂ is the
 * tie rule's pick among them, not a finding: said, with the range (the interval covers it).
 */
function plateauNote(r: HyReport): string {
  const p = flatAround(r.estimate);
  return p === undefined ? '' : `; the contrast is the same from ${lagText(p.low)} to ${lagText(p.high)}, so θ̂ is any lag between them (the ticks are sparser than the ${stepOptionOf(lagsOption(r))})`;
}

/** θ̂'s plateau when it holds more than θ̂ itself (HyEstimate.lagPlateauUs), else undefined. */
function flatAround(e: HyEstimate): Interval | undefined {
  const p = e.lagPlateauUs;
  return p == null || p.low === p.high ? undefined : p;
}

const BAR = 16;
const ROWS = 41;

/** The lattice indices shown in the human correlogram: about ROWS evenly spaced, plus θ̂ and θ = 0. */
function shownRows(l: Lattice, bestUs: number | null): number[] {
  if (l.count <= ROWS) return Array.from({ length: l.count }, (_, k) => k);
  const stride = Math.ceil((l.count - 1) / (ROWS - 1));
  const keep = new Set<number>();
  for (let k = 0; k < l.count; k += stride) keep.add(k);
  keep.add(l.count - 1);
  for (const us of [bestUs, 0]) if (us !== null && (us - l.fromUs) % l.stepUs === 0 && us >= l.fromUs && us <= lastLag(l)) keep.add((us - l.fromUs) / l.stepUs);
  return [...keep].sort((x, y) => x - y);
}

/** θ̂'s cell: the lags U cannot tell from it, when there are any. */
function plateauCell(e: HyEstimate): string {
  const p = flatAround(e);
  return p === undefined ? '' : ` (U flat ${lagText(p.low)} … ${lagText(p.high)})`;
}

function humanHy(r: HyReport, style: Style): string {
  const { c } = style;
  const [a, b] = r.names;
  const e = r.estimate;
  const inf = r.inference;
  const ciCell = (i: Interval | null | undefined, digits: number) => (inf === null ? 'off' : i ? `[${fixedNotZero(i.low, digits)}, ${fixedNotZero(i.high, digits)}]` : 'n/a');
  const lagCi = inf === null ? 'off' : inf.lagUs ? `[${lagText(inf.lagUs.low)}, ${lagText(inf.lagUs.high)}]` : 'n/a';
  const summary: Cell[][] = [
    ['θ̂ (lag of the largest |U|)', e.lagUs === null ? 'n/a' : `${lagText(e.lagUs)}${plateauCell(e)}`, lagCi],
    ['ρ(θ̂)', fixed(e.rho, 4), ciCell(inf?.rho, 4)],
    [`β(θ̂) (${b}'s move per unit move of ${a})`, fixed(e.beta, 4), ''],
    ['R²(θ̂)', fixed(e.r2, 4), ''],
    ['LLR = Σθ>0 U² / Σθ<0 U²', fixed(e.llr, 3), ciCell(inf?.llr, 3)],
    ['llr_abs = Σθ>0 |U| / Σθ<0 |U|', fixed(e.llrAbs, 3), ''],
    ['p-value (no relation at any lag, 0 included)', inf === null ? 'off' : formatPValue(inf.pValue), inf === null ? '' : inf.exact ? `all ${inf.signPatterns} sign patterns` : `${inf.signPatterns} sign flips`],
    [`ticks ${a} / ${b}`, `${e.nA} / ${e.nB}`, ''],
    [`nonextant share ${a} / ${b}`, `${fixed(e.nonextantShareA, 3)} / ${fixed(e.nonextantShareB, 3)}`, 'ticks that cannot enter U(0)'],
  ];
  const summaryTable = humanTable(['', 'value', '95% interval'], summary, style, ['left', 'right', 'right']);
  const scale = Math.max(maxAbsRho(e), 1e-300); // no spread: a million lags
  const rows = shownRows(r.lattice, e.lagUs).map((k) => {
    const l = hyLag(e, k);
    return [l.lagUs === e.lagUs ? c.bold(`${lagText(l.lagUs)} ◀`) : lagText(l.lagUs), fixed(l.rho, 4), fixed(l.beta, 4), bar(l.rho, scale, style)];
  });
  const thinned = rows.length < r.lattice.count ? ` (${rows.length} of ${r.lattice.count} lags shown; all of them in --format csv or json)` : '';
  const corr = humanTable(['θ', 'ρ(θ)', 'β(θ)', 'correlogram'], rows, style, ['right', 'right', 'right', 'left']);
  const boot = inf === null ? 'bootstrap off' : `${counted(inf.replicates, 'block-bootstrap replicate')} of ${duration(r.options.block)} blocks, seed ${r.options.seed}`;
  return [
    c.bold(`Hayashi–Yoshida lead-lag on native ticks, ${a} vs ${b}`),
    c.dim(`θ > 0: ${a} leads ${b} by θ (${b}'s ticks moved back by θ line up with ${a}'s); θ < 0: ${b} leads.`),
    summaryTable,
    c.bold(`verdict: ${verdict(r)}`),
    c.dim(`correlogram of ρ(θ), lags ${lagText(r.lattice.fromUs)} … ${lagText(lastLag(r.lattice))} every ${duration(r.lattice.stepUs)}${thinned}`),
    corr,
    c.dim(`${boot}; span ${isoMicros(r.span.start)} → ${isoMicros(r.span.end)} (${duration(r.span.end - r.span.start)})`),
  ].join('\n');
}

/** A horizontal bar centred on an axis: negative ρ to the left, positive to the right. */
function bar(v: number | null, scale: number, style: Style): string {
  if (v === null) return `${' '.repeat(BAR)}│`;
  const len = Math.round((Math.abs(v) / scale) * BAR);
  const left = v < 0 ? ' '.repeat(BAR - len) + style.c.red('█'.repeat(len)) : ' '.repeat(BAR);
  return `${left}│${v > 0 ? style.c.green('█'.repeat(len)) : ''}`;
}

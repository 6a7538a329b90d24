/**
 * `leadlag xcorr SPOT PERP --lags -5..5`: lagged Pearson correlation of grid log-returns
 * (docs/definitions.md §4, Table 2) with block-bootstrap intervals (§9), the diagnostics that say
 * how the correlation is made (n_effective, top_step_share), the best lag by |r|, the summed
 * correlation of each side and a verdict; one pass, memory bounded by blocks × lags (by the
 * blocks still open without the bootstrap and --by: Table 2 then folds them as they finish).
 */
import { Context, type Streams } from '../context.js';
import { rangeOf, refusePlanSpanAlone, refuseTradeColumns, warnFewReplicates, warnShortBlock, type PlanSpan, type BootstrapCliOptions, type CommonOptions, type ReaderCliOptions, type TimeCliOptions } from '../options.js';
import { readMargin, requireOverlap, runPass, type TwoMarketPass } from '../inputs.js';
import type { ReadReport } from '../../io/types.js';
import type { GridReturns } from '../../core/volatility.js';
import { warnAboutInputs } from '../sanity.js';
import { skippedRowsOf } from '../skipped-rows.js';
import { UsageError } from '../../errors.js';
import { prepareOutputFiles, writePlot, type PlotCliOptions } from '../plot.js';
import { xcorrFigure } from '../../report/figures.js';
import { XcorrAnalysis } from '../../core/xcorr-analysis.js';
import { cellLengthOf, fewRegimeWindows, withVolatility } from '../windows.js';
import { xcorrBy, type XcorrWindowCall, type XcorrWindowTable } from '../xcorr-windows.js';
import { MIN_INTERVAL_BLOCKS, percentileInterval, type BlockDrawPlan, type Interval } from '../../core/bootstrap.js';
import { bootstrapXcorr, summedReplicates, type XcorrBootstrap } from '../../core/xcorr-bootstrap.js';
import { CellTableTooLarge, cellsWithCoMoves, type XcorrParts } from '../../core/xcorr-cells.js';
import { bestLag, summedCorrelation } from '../../core/xcorr-summary.js';
import { bestBand, blocksText, CO_MOVING_BLOCKS, lagText, MIN_CALL_BLOCKS, renderXcorr, signedDuration, SHORTER_BLOCK, SINGLE_STEP_SHARE, tooFewBlocks, tooFewCallBlocks, windowLeader, xcorrLead } from './xcorr-render.js';
import type { XcorrReport, XcorrRow, SummedSide } from './xcorr-render.js';
import type { LagResult } from '../../core/xcorr.js';
import { BootWorker, bootstrapXcorrThreaded, bootWorkWanted, windowWorkWanted, type BootArrays } from '../xcorr-boot-thread.js';
import type { TwoMarketConsumer } from '../inputs.js';
import type { Span, TickBatch } from '../../core/types.js';

export { renderXcorr };
export type { XcorrReport, XcorrRow };

export interface XcorrOptions extends CommonOptions, PlotCliOptions, ReaderCliOptions, BootstrapCliOptions, Partial<TimeCliOptions> {
  lags: number[];
  grid: number;
  names: [string, string];
  /** --state FILE: write the partial state of the range instead of printing (docs/scale.md). */
  state?: string;
  /** --label NAME: the pair's name in a state. */
  label?: string;
  /** With --state: the span all of a plan's jobs cover (plan writes it; merge then knows a missing first or last job). */
  planSpan?: PlanSpan;
}

/** Fewer blocks than this make a rough bootstrap: say so. */
const FEW_BLOCKS = 10;

/** What `leadlag xcorr` does once parsed; xcorr-command.ts defines the command and loads this module only when it runs. */
export async function xcorrAction(io: Streams, spot: string, perp: string, o: XcorrOptions): Promise<void> {
  const ctx = new Context(io, o);
  refusePlanSpanAlone(o);
  refuseTradeColumns(o, 'xcorr');
  if (o.state !== undefined) return (await import('../xcorr-state.js')).runXcorrState([spot, perp], o, ctx);
  warnFewReplicates(ctx, o.bootstrap);
  warnShortBlock(ctx, o.block);
  await prepareOutputFiles([{ option: '--plot', path: o.plot }], [spot, perp]);
  const report = await runXcorr([spot, perp], o, ctx);
  await writePlot(o, () => xcorrFigure(report));
  await ctx.emit(renderXcorr(report));
}

export async function runXcorr(files: readonly [string, string], o: XcorrOptions, ctx: Context): Promise<XcorrReport> {
  let pass: ReturnType<typeof xcorrPass> | undefined;
  try {
    pass = xcorrPass(files, o, ctx);
    return await runPass(files, o, ctx, pass);
  } catch (e) {
    throw blockTableError(e, o);
  } finally {
    // The bootstrap's worker, if the read started it and the run did not use it.
    pass?.abort();
  }
}

/** A cell table too large for memory, as the usage error that says which options to change. */
export function blockTableError(e: unknown, o: Pick<XcorrOptions, 'block' | 'lags' | 'by'>): unknown {
  return e instanceof CellTableTooLarge
    ? new UsageError(`--block ${signedDuration(o.block)}${o.by?.kind === 'time' ? ` and --by ${signedDuration(o.by.us)} (cells of their greatest common divisor)` : ''} with ${o.lags.length} lags: ${e.message} (the bootstrap, --by and --state keep every block's sums; a plain run with --bootstrap 0 folds them as it goes); use a longer --block or fewer lags`)
    : e;
}

/** The read margin M around a range: the common one (inputs.ts) for the grid step and the largest |lag|. */
export function xcorrMargin(o: Pick<XcorrOptions, 'grid' | 'lags'>): number {
  return readMargin({ gridUs: o.grid, maxLag: Math.max(...o.lags.map((l) => Math.abs(l))) });
}

/** xcorr as a pass: the analysis to feed and how it becomes the report (runXcorr, and `report`'s one read). */
export function xcorrPass(files: readonly [string, string], o: XcorrOptions, ctx: Context): TwoMarketPass<Promise<XcorrReport>> & { abort(): void } {
  const range = rangeOf(o);
  const cellUs = cellLengthOf(o);
  // Nothing reads the block rows without the bootstrap and windows: fold them as they finish.
  const analysis = new XcorrAnalysis(o.lags, o.grid, cellUs, range, o.block, o.bootstrap > 0, { fold: o.bootstrap === 0 && cellUs === Infinity });
  const { consumer, meter } = withVolatility(o.by, analysis);
  const worker = o.bootstrap > 0 ? new BootWorker() : undefined;
  return {
    plan: { range, margin: xcorrMargin(o) },
    consumer: worker === undefined ? consumer : startingBootWorker(consumer, worker, o),
    finish: (reads) => finishXcorr(files, o, ctx, analysis, reads, meter, worker),
    abort: () => worker?.close(),
  };
}

/**
 * `consumer`, starting the bootstrap's worker while the data is read, as soon as the span of
 * A's ticks so far holds enough blocks for the bootstrap to go to two threads
 * (xcorr-boot-thread.ts): its start-up then overlaps the read. One comparison per batch.
 */
function startingBootWorker(consumer: TwoMarketConsumer, worker: BootWorker, o: Pick<XcorrOptions, 'lags' | 'bootstrap' | 'block'>): TwoMarketConsumer {
  let first = NaN;
  let started = false;
  return {
    pushA: (b: TickBatch) => {
      consumer.pushA(b);
      if (started || b.length === 0) return;
      if (Number.isNaN(first)) first = b.t[0]!;
      if (bootWorkWanted(o.lags.length, o.bootstrap, Math.floor((b.t[b.length - 1]! - first) / o.block))) {
        started = true;
        worker.start();
      }
    },
    pushB: (b) => consumer.pushB(b),
    endA: () => consumer.endA?.(),
    endB: () => consumer.endB?.(),
  };
}

async function finishXcorr(
  files: readonly [string, string],
  o: XcorrOptions,
  ctx: Context,
  analysis: XcorrAnalysis,
  reads: [ReadReport, ReadReport],
  meter: GridReturns | undefined,
  worker: BootWorker | undefined,
): Promise<XcorrReport> {
  const range = rangeOf(o);
  const state = analysis.finish();
  const span = requireOverlap(state === undefined ? undefined : { start: state.grid.tStart, end: state.grid.tEnd }, reads[0], reads[1], range);
  warnAboutInputs(ctx, files, o, reads, span);
  // The bootstrap of many lags is the largest single piece of work after the read: both cores
  // take it, and each window's, where the windows' replicates × lags make it worth a worker.
  const blocks = state!.blocks;
  const windowSplit = worker !== undefined && o.by !== undefined && windowWorkWanted(o.lags.length, o.bootstrap, windowCount(span, o));
  if (windowSplit) worker.start();
  try {
    const boot = blocks === undefined ? undefined : { ...(await bootstrapXcorrThreaded(blocks, drawsOf(blocks, o), { worker })), blocks: blocks.cells };
    // No window will use the worker: end it now rather than hold its memory to the end.
    if (!windowSplit) worker?.close();
    // The windows' bootstraps, one after another, reuse their arrays (each used before the next).
    const arrays: BootArrays = {};
    const windowBoot = (parts: XcorrParts, plan: BlockDrawPlan) => bootstrapXcorrThreaded(parts, plan, { worker, split: windowSplit, arrays });
    const report: XcorrReport = {
      ...xcorrReportOf(o, span, state!.lags, blocks, boot),
      by: o.by === undefined ? undefined : await xcorrBy(state!.parts!, o, span, meter, bestLag, (t) => windowLeaderOf(t), windowBoot),
      skipped: skippedRowsOf(reads),
    };
    warnAbout(report, ctx);
    return report;
  } finally {
    worker?.close();
  }
}

/**
 * Table 2 with its bootstrap over `blocks` (cells = blocks, in time order), the best lag and the
 * summed sides: the report of a run, or of merged states (xcorr-state.ts), over `span`.
 */
export function xcorrReportOf(
  o: Pick<XcorrOptions, 'names' | 'grid' | 'bootstrap' | 'block' | 'seed'>,
  span: { start: number; end: number },
  whole: readonly LagResult[],
  blocks: XcorrParts | undefined,
  computed?: XcorrBootstrap & { blocks: number },
): XcorrReport {
  const boot = blocks === undefined ? undefined : (computed ?? bootstrapOf(blocks, o));
  // One block of co-movements resamples to the statistic itself: the bootstrap is on, but gives no interval.
  const moving = blocks === undefined ? 0 : cellsWithCoMoves(blocks);
  const spread = boot !== undefined && moving >= MIN_INTERVAL_BLOCKS;
  const lags: XcorrRow[] = whole.map((l, k) => {
    const b = spread ? (boot.intervals[k] ?? null) : null;
    const useBoot = boot !== undefined;
    return { ...l, lagUs: l.lag * o.grid, fisherLow: l.ciLow, fisherHigh: l.ciHigh, ciLow: useBoot ? (b?.low ?? null) : l.ciLow, ciHigh: useBoot ? (b?.high ?? null) : l.ciHigh };
  });
  const best = bestLag(lags);
  return {
    names: o.names,
    gridUs: o.grid,
    span,
    gridPoints: gridPointsIn(span, o.grid),
    lags,
    best,
    summed: summedSides(lags, boot, spread),
    band: spread ? bestBand(boot!, lags, best) : null,
    bootstrap: boot === undefined ? null : { replicates: o.bootstrap, blockUs: o.block, seed: o.seed, blocks: boot.blocks, moving },
  };
}

/** A window's call on who leads, from its rows and its own bootstrap (xcorr-render.ts windowLeader), with the sums and the band it rests on. */
function windowLeaderOf(t: XcorrWindowTable): XcorrWindowCall {
  const best = bestLag(t.rows);
  const band = t.boot === undefined ? null : bestBand(t.boot, t.rows, best);
  const summed = summedSides(t.rows, t.boot, t.boot !== undefined);
  const bootstrap = t.moving === null || t.boot === undefined ? null : { moving: t.moving, replicates: t.boot.replicates };
  return { call: windowLeader({ best, summed, band, bootstrap }), summed, band };
}

/** About how many parts `--by` bootstraps: the windows over the span, and the three regimes with `vol`. */
function windowCount(span: Span, o: Pick<XcorrOptions, 'by' | 'window'>): number {
  return Math.ceil((span.end - span.start) / cellLengthOf(o)) + (o.by?.kind === 'vol' ? 3 : 0);
}

/** Grid points n·G inside the span (inclusive ends). */
function gridPointsIn(span: { start: number; end: number }, g: number): number {
  return Math.max(0, Math.floor(span.end / g) - Math.ceil(span.start / g) + 1);
}

/** The bootstrap of Table 2 over the blocks of the span (or range), the draws from --seed. */
function bootstrapOf(parts: XcorrParts, o: Pick<XcorrOptions, 'bootstrap' | 'seed'>): XcorrBootstrap & { blocks: number } {
  return { ...bootstrapXcorr(parts, drawsOf(parts, o)), blocks: parts.cells };
}

/** The block draws of every replicate, from --seed (drawn where they are used, a chunk at a time). */
function drawsOf(parts: XcorrParts, o: Pick<XcorrOptions, 'bootstrap' | 'seed'>): BlockDrawPlan {
  return { blocks: parts.cells, replicates: o.bootstrap, seed: o.seed };
}

/** S₊, S₋ and S₊ − S₋ (xcorr-summary.ts) with their bootstrap intervals from the same replicates. */
function summedSides(lags: readonly XcorrRow[], boot: XcorrBootstrap | undefined, spread: boolean): XcorrReport['summed'] {
  const s = summedCorrelation(lags);
  const interval = (idx: readonly number[], sign?: readonly number[]): Interval | null => (boot === undefined || !spread || idx.length === 0 ? null : percentileInterval(summedReplicates(boot, idx, sign)));
  const side = (idx: readonly number[], value: number | null): SummedSide | null => (idx.length === 0 ? null : { lags: idx.map((k) => lags[k]!.lag), value, interval: value === null ? null : interval(idx) });
  const both = [...s.positiveIdx, ...s.negativeIdx];
  const signs = [...s.positiveIdx.map(() => 1), ...s.negativeIdx.map(() => -1)];
  return {
    positive: side(s.positiveIdx, s.positive),
    negative: side(s.negativeIdx, s.negative),
    difference: s.difference === null ? null : { lags: both.map((k) => lags[k]!.lag), value: s.difference, interval: interval(both, signs) },
  };
}

export function warnAbout(r: XcorrReport, ctx: Context): void {
  const best = r.best;
  if (best !== undefined && best.topStepShare !== null && best.topStepShare > SINGLE_STEP_SHARE) {
    ctx.warn(`at the best lag ${lagText(best.lag, best.lagUs)} a single grid step carries ${Math.round(best.topStepShare * 100)} % of the co-movement (top_step_share ${best.topStepShare.toFixed(3)}): r rests on one event, not on a lead-lag relation`);
  }
  const regimes = fewRegimeWindows(r.by);
  if (regimes !== null) ctx.warn(regimes);
  // Without an r (no pairs, or a constant series) there is nothing for blocks to resample.
  if (best === undefined) return;
  // Whether who leads is untested is the call's (xcorrLead): too few blocks is untested, whatever the peak.
  const untested = xcorrLead(r).tested ? '' : ' and who leads is untested';
  if (tooFewBlocks(r)) {
    ctx.warn(`${blocksText(r.bootstrap!)}: the bootstrap gives no interval${untested}; ${SHORTER_BLOCK}`);
  } else if (tooFewCallBlocks(r)) {
    ctx.warn(`${blocksText(r.bootstrap!)}: its intervals are rough${untested} (a call needs ${MIN_CALL_BLOCKS} blocks ${CO_MOVING_BLOCKS}); ${SHORTER_BLOCK}`);
  } else if (r.bootstrap !== null && r.bootstrap.moving < FEW_BLOCKS) {
    // Counted by the blocks where both markets move: the others add nothing a replicate varies.
    const b = r.bootstrap;
    const where = b.moving === b.blocks ? '' : ` (of ${b.blocks}) ${CO_MOVING_BLOCKS}`;
    ctx.warn(`the bootstrap resamples only ${b.moving} blocks of ${signedDuration(b.blockUs)}${where}: its intervals are rough; ${SHORTER_BLOCK}`);
  }
}

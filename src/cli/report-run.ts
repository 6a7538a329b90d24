/**
 * `leadlag report`'s analyses from one read of the two quote inputs: pair (both feeds, with
 * its chance pairs and delay intervals), xcorr, hy and the data-quality scan are passes fed by
 * the same batches (fanout.ts); each finishes into its own command's report. classify, when
 * trades are given, reads the quotes again merged with the trades (its features need one time
 * order of quotes and trades: docs/report.md says why and what it costs).
 */
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { readableTwice, readOnceText } from '../io/identity.js';
import { availableParallelism } from 'node:os';
import type { Context } from './context.js';
import { expandMarketArgs, openTradeFile } from './inputs.js';
import { expandInputArg } from '../io/paths.js';
import { readOnceForAll } from './fanout.js';
import { judgeQuality, qualityPass, type PairQuality } from './quality-pass.js';
import { pairPass, type PairOptions, type PairReport } from './commands/pair.js';
import { blockTableError, xcorrPass, type XcorrOptions, type XcorrReport } from './commands/xcorr.js';
import { runClassify, TooFewTriggersDataError, type ClassifyOptions } from './commands/classify.js';
import { MIN_PER_CLASS } from '../core/sampling.js';
import { rangeOf } from './options.js';
import type { ReadReport } from '../io/types.js';
import { skippedRowsOf, type SkippedRows } from './skipped-rows.js';
import type { InputFingerprint, ReportData } from '../report/data.js';
import { hyCall, noiseOf, pairCall, xcorrCall } from '../report/calls.js';
import { hyPartsError, hyPass, type HyOptions, type HyReport } from './commands/hy.js';
import type { LagRange } from './lagrange.js';
import { reportVerdict } from '../report/verdict.js';
import { counted, duration, isoMicros, percent } from '../io/output.js';

/** The report's options: those of pair and xcorr (shared names mean the same), plus --trades and classify's defaults. */
export interface ReportOptions extends Omit<PairOptions, 'feed'>, Pick<XcorrOptions, 'lags'> {
  /** hy's --lags and --step. */
  hyLags: LagRange;
  hyStep: number;
  trades?: string;
  html?: string;
  /** classify's own defaults (its command's), for the options report does not take. */
  classifyDefaults: Omit<ClassifyOptions, keyof PairOptions | 'trades'>;
  /** `leadlag 0.1.0`. */
  generator: string;
}

export function pairOptionsOf(o: ReportOptions): PairOptions {
  return { ...o, feed: 'both' };
}

export function xcorrOptionsOf(o: ReportOptions): XcorrOptions {
  return { ...o, lags: o.lags, grid: o.grid, names: o.names };
}

export function hyOptionsOf(o: ReportOptions): HyOptions {
  return { ...o, lags: o.hyLags, step: o.hyStep, names: o.names, lagsOption: '--hy-lags' };
}

/** classify with its command's defaults, the shared options (names, θ, W, D, G, seed, bootstrap, range, reader) from the report's. */
export function classifyOptionsOf(o: ReportOptions): ClassifyOptions {
  const { by: _by, window: _window, lags: _lags, hyLags: _hl, hyStep: _hs, html: _html, classifyDefaults, generator: _g, ...shared } = o;
  return { ...classifyDefaults, ...shared, feed: 'native', trades: o.trades! } as ClassifyOptions;
}

/**
 * The trades are read only after the whole quote pass (classify's own read): a missing file, a
 * quote file or a bad header given to --trades would cost the whole run (a month of quotes)
 * before its error. Their first batch is read here, before anything else, so those errors come
 * at once; the trades are read again, whole, by classify.
 */
async function checkTradesFirst(trades: string, o: ReportOptions, ctx: Context): Promise<void> {
  // A pipe (`-`, `<(zcat …)`) can be read once: classify's read is the one.
  if (expandInputArg(trades, 'trades').some((f) => !readableTwice(f))) return;
  const rows = openTradeFile(trades, o, ctx)[Symbol.asyncIterator]();
  try {
    await rows.next();
  } finally {
    await rows.return?.();
  }
}

export async function runReport(files: readonly [string, string], o: ReportOptions, ctx: Context): Promise<ReportData> {
  if (o.trades !== undefined) {
    refusePipedQuotes(files);
    await checkTradesFirst(o.trades, o, ctx);
  }
  const xo = xcorrOptionsOf(o);
  const pair = pairPass(files, pairOptionsOf(o), ctx);
  const xcorr = xcorrPass(files, xo, ctx);
  const ho = hyOptionsOf(o);
  const lagZero = o.lags.includes(0);
  const quality = qualityPass(o.grid, o.threshold, rangeOf(o), !lagZero);
  // hy on a thread of its own where a core is free for it (started last, so that nothing can
  // fail between its start and the try that stops it).
  const hy = hyPass(files, ho, ctx, hyPlacement(ctx.io.env.LEADLAG_HY_THREAD, availableParallelism()));
  let reads: [ReadReport, ReadReport];
  let pairReport: PairReport;
  let xcorrReport: XcorrReport;
  let hyReport: HyReport;
  try {
    reads = await readOnceForAll(files, o, ctx, [pair, xcorr, hy, quality]);
    pairReport = pair.finish(reads);
    xcorrReport = await xcorr.finish(reads);
    hyReport = await hy.finish(reads);
  } catch (e) {
    throw hyPartsError(blockTableError(e, xo), ho);
  } finally {
    hy.abort?.();
    xcorr.abort();
  }
  const scan = quality.finish(reads);
  const { tradesSkipped = [], ...classify } = o.trades === undefined ? {} : await classifyPart(files, classifyOptionsOf(o), ctx);
  const calls = [hyCall(hyReport), ...pairReport.feeds.map((f) => pairCall(pairReport, f)), xcorrCall(xcorrReport)];
  return {
    names: o.names,
    span: pairReport.span,
    inputs: await fingerprints(files, reads, o.names),
    skipped: [...skippedRowsOf(reads), ...tradesSkipped],
    params: paramsOf(o),
    pair: pairReport,
    xcorr: xcorrReport,
    hy: hyReport,
    ...classify,
    quality: judgeQuality(
      scan,
      { moves: scan.moves ?? movesOf(xcorrReport), bestCoMove: bestCoMoveOf(xcorrReport), jumps: jumpCounts(pairReport), chancePairsMean: nativeOf(pairReport).stats.chance.mean, nonextantShares: [hyReport.estimate.nonextantShareA, hyReport.estimate.nonextantShareB], still: [hyReport.estimate.rvA === 0, hyReport.estimate.rvB === 0] },
      o.names,
      o.grid,
      o.threshold,
    ),
    verdict: reportVerdict(o.names, calls, noiseOf(pairReport)),
    generator: o.generator,
  };
}

/**
 * classify's report, or why it has none. Too few triggers of a class is one part of the report
 * missing, not a failed report: the other analyses are complete, so it is a warning (exit 0) and
 * the classify section says why. Any other error of classify fails the report as it fails classify.
 */
async function classifyPart(files: readonly [string, string], o: ClassifyOptions, ctx: Context): Promise<Pick<ReportData, 'classify' | 'classifyUnavailable'> & { tradesSkipped: readonly SkippedRows[] }> {
  // The trades' skipped rows, with or without a result (the quotes' are the report's own read's).
  const read: { tradesSkipped?: readonly SkippedRows[] } = {};
  const trades = () => read.tradesSkipped ?? [];
  try {
    const classify = await runClassify(files, o, ctx, read);
    return { classify, tradesSkipped: trades() };
  } catch (e) {
    if (!(e instanceof TooFewTriggersDataError)) throw e;
    ctx.warn(`classify has no result: ${e.message}; the report gives the other analyses without it`);
    return { classifyUnavailable: { leads: e.leads, noise: e.noise, trainLeads: e.trainLeads, trainNoise: e.trainNoise, minPerClass: MIN_PER_CLASS, reason: e.problem }, tradesSkipped: trades() };
  }
}

/**
 * With --trades classify reads the quotes a second time (merged with the trades): a pipe has
 * given its bytes to the first read, so a quote input that can be read only once is refused
 * before anything is read (it read as empty, a false data error).
 * @throws UsageError naming the input.
 */
function refusePipedQuotes(files: readonly [string, string]): void {
  const once = expandMarketArgs(files).flat().find((f) => !readableTwice(f));
  if (once !== undefined) {
    throw new UsageError(`report --trades reads the quotes twice (classify merges them with the trades), so it cannot take ${readOnceText(once)}; give paths, or leave out --trades`);
  }
}

/** Grid steps and steps where both move from xcorr's lag 0: its N and N_eff (inspect's own counts, docs/inspect.md). */
function movesOf(r: XcorrReport): PairQuality['moves'] {
  const zero = r.lags.find((l) => l.lag === 0)!;
  return { steps: zero.n, bothMove: zero.nEffective };
}

/** xcorr's lag with the most steps where both markets move (the earliest on a tie), for the xcorr judgement. */
function bestCoMoveOf(r: XcorrReport): { lagUs: number; steps: number; bothMove: number } | undefined {
  const best = r.lags.reduce<(typeof r.lags)[number] | undefined>((b, l) => (b === undefined || l.nEffective > b.nEffective ? l : b), undefined);
  return best === undefined ? undefined : { lagUs: best.lagUs, steps: best.n, bothMove: best.nEffective };
}

function nativeOf(r: PairReport) {
  return r.feeds.find((f) => f.feed === 'native')!;
}

/** Each market's jumps in the span per feed, from pair's Table 1 (what inspect counts). */
function jumpCounts(r: PairReport) {
  const of = (feed: 'native' | 'locf') => {
    const f = r.feeds.find((x) => x.feed === feed)!;
    return [f.stats.table.totalA, f.stats.table.totalB] as const;
  };
  return { native: of('native'), locf: of('locf') };
}

async function fingerprints(args: readonly [string, string], reads: readonly [ReadReport, ReadReport], names: readonly [string, string]): Promise<InputFingerprint[]> {
  const lists = expandMarketArgs(args);
  return Promise.all(
    lists.map(async (files, i) => {
      const sizes = await Promise.all(files.map((f) => (f === '-' ? 0 : stat(f).then((s) => s.size))));
      const r = reads[i]!;
      return { market: names[i]!, files, bytes: sizes.reduce((s, x) => s + x, 0), format: r.format, rows: r.rows, firstUs: r.firstTime, lastUs: r.lastTime };
    }),
  );
}

function signed(us: number): string {
  return us < 0 ? `-${duration(-us)}` : duration(us);
}

function paramsOf(o: ReportOptions): [string, string][] {
  const p: [string, string][] = [
    ['names', o.names.join(', ')],
    ['jump threshold θ', percent(o.threshold)],
    ['jump window W', duration(o.jumpWindow)],
    ['pairing window D', duration(o.pairWindow)],
    ['grid step G', duration(o.grid)],
    ['xcorr lags (steps)', o.lags.join(', ')],
    ['hy lags', `${signed(o.hyLags.fromUs)} … ${signed(o.hyLags.toUs)} every ${duration(o.hyStep)}`],
    ['chance pairs: null step', duration(o.nullStep)],
    ['bootstrap', o.bootstrap === 0 ? 'off' : `${counted(o.bootstrap, 'replicate')} of ${duration(o.block)} blocks, seed ${o.seed}`],
  ];
  if (o.start !== undefined || o.end !== undefined) p.push(['range', `${o.start === undefined ? '…' : isoMicros(o.start)} to ${o.end === undefined ? '…' : isoMicros(o.end)}`]);
  if (o.by !== undefined) p.push(['windows (--by)', o.by.kind === 'vol' ? 'volatility regimes' : duration(o.by.us)]);
  if (o.trades !== undefined) p.push(['trades', o.trades]);
  return p;
}

/**
 * Where report runs hy: on a thread of its own when the machine has a core for it besides the two
 * reader threads and the main thread (4 or more), else on the main thread. On two cores the
 * thread was measured to cost more than it saved (copies to it, and four busy threads on two
 * cores: the bench hour's report 3.75 s with it, 3.5 s without). LEADLAG_HY_THREAD=on or off
 * overrides the choice (docs/report.md).
 */
export function hyPlacement(setting: string | undefined, cores: number): 'thread' | 'here' {
  if (setting === 'on') return 'thread';
  if (setting === 'off') return 'here';
  return cores >= 4 ? 'thread' : 'here';
}

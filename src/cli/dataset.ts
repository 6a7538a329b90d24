/**
 * The data set of `classify` (docs/definitions.md §5): one pass over spot quotes, perp quotes
 * and spot trades that yields, for each spot jump in the span that leads or is noise, its
 * label and features. The labelling itself is src/core/dataset.ts.
 */
import type { Context } from './context.js';
import { assertStdinOnce, openQuoteFiles, openTradeFile, overlapIn, QUOTE_SLOTS_BEFORE_TRADES, pairMargin, readRangeOf, reportReads, requireOverlap, rowsWithin, trimmed } from './inputs.js';
import { optionEffectWarnings, warnAboutInputs } from './sanity.js';
import { rangeOf, type Feed, type ReaderCliOptions, type TimeCliOptions } from './options.js';
import { pumpLagging, pumpMerged, sliceTicks, sliceTrades } from './pump.js';
import { MarketJumps } from '../core/market.js';
import { pairSortedJumps, spanOf } from '../core/pairing.js';
import { FAR_TRADE, FeatureEngine, featureNames, type FeatureParams, type FeatureSet } from '../core/features.js';
import { countLeads, inSpan, labelled, leftOutIn, take, type Dataset, type LeftOut } from '../core/dataset.js';
import { featureHistoryUs } from '../core/dataset-state.js';
import { chanceOfCounts } from '../core/chance.js';
import { familyPart, type FamilyPart } from '../core/pair-state.js';
import { DataError } from '../errors.js';
import { csvText, isoMicros, type Cell } from '../io/output.js';
import type { ReadReport } from '../io/types.js';
import type { ReadRange } from '../io/multi.js';
import type { AnalysisParams, Span, TickBatch, TradeBatch } from '../core/types.js';

export interface DatasetOptions extends ReaderCliOptions, Partial<Pick<TimeCliOptions, 'start' | 'end'>> {
  readonly trades: string;
  readonly feed: Feed;
  /** The chance pairs' shift step (µs). */
  readonly nullStep: number;
  readonly tradeSide: 'quotes' | 'flag';
  readonly features: FeatureSet;
}

export interface LabelledSpan {
  readonly dataset: Dataset;
  readonly span: Span;
  readonly leads: number;
  readonly noise: number;
  /** The span's spot jumps left out of the data set; undefined when merged states do not record them. */
  readonly leftOut: LeftOut | undefined;
  /** The labels' pairs against chance (§10, pair's numbers for the feed); undefined when merged states do not record them. */
  readonly chance: LabelChance | undefined;
}

/**
 * The pairs the labels come from against their chance baseline, as pair counts them for the
 * feed (§10): paired_events in the span, and the mean and largest over perp's copies shifted
 * by ±1…±10 × `stepUs`. Whether a lead label is more than a coincidence rests on these.
 */
export interface LabelChance {
  readonly paired: number;
  readonly mean: number;
  readonly max: number;
  readonly stepUs: number;
}

/** The LabelChance of a pairing family's per-shift counts (shift 0, then the 20 shifts, familyShifts' order). */
export function labelChanceOf(pairedPerShift: readonly number[], stepUs: number): LabelChance {
  const chance = chanceOfCounts(pairedPerShift.slice(1), stepUs);
  return { paired: pairedPerShift[0] ?? 0, mean: chance.mean, max: chance.max, stepUs };
}

/** What a state run keeps besides the data set (src/cli/classify-state.ts). */
export interface DatasetRun extends LabelledSpan {
  /** A run always counts them. */
  readonly leftOut: LeftOut;
  /** Spot's and perp's jumps and tick counts, as read (within [S − M, E + M)). */
  readonly spot: MarketJumps;
  readonly perp: MarketJumps;
  /** The span (§1) of the data read, over which the labels' pairing ran. */
  readonly dataSpan: Span;
  /** Each file's report: spot's, perp's and the trades' (a state's input fingerprints). */
  readonly files: readonly [ReadReport[], ReadReport[], ReadReport[]];
  /** Each input's files left out for holding a header and no rows (multi.ts emptyFiles). */
  readonly emptyFiles: readonly [readonly string[], readonly string[], readonly string[]];
  /** The pairings of the feed over the data read, shift 0 and the chance shifts, cut to the range (a state records it); null without an overlap. */
  readonly family: FamilyPart | null;
  readonly chance: LabelChance;
}

/**
 * A state run's read where the markets may not overlap within its range (buildDataset's 'empty'):
 * then no triggers, `span` undefined, and `dataSpan` undefined when they do not overlap at all in
 * the data read. A state for such a range still records what it read, so that the merge of a
 * day's states needs no --allow-gaps for it (the merge decides, as pair's does).
 */
export interface DatasetRead extends Omit<DatasetRun, 'span' | 'dataSpan' | 'chance'> {
  readonly span: Span | undefined;
  readonly dataSpan: Span | undefined;
  readonly chance: LabelChance | undefined;
}

/** Called with each market's quotes as they are read (0: spot, 1: perp). */
export type QuoteTap = (market: 0 | 1, batch: TickBatch) => void;

/**
 * The read margin of classify: pair's (the detector's window and settling, the pairing window
 * after E, the chance pairs' ±10 shifts) plus the features' look-back h before S
 * (src/core/dataset-state.ts), so that the rows near S read the quote as of t − h unless the
 * market was quiet for longer than the margin — which a merge of states detects and refuses.
 */
export function datasetMargin(params: AnalysisParams, f: FeatureParams, nullStepUs: number): number {
  return pairMargin(params, nullStepUs) + featureHistoryUs(f);
}

/** Feeds `market` the ticks of `batch` inside [r.from, r.to). */
function pushWithin(market: MarketJumps, batch: TickBatch, r: ReadRange): void {
  const [i, j] = rowsWithin(batch, r);
  if (j > i) market.push(sliceTicks(batch, i, j));
}

/** The feature engine's parameters: W and G of the jump options, §5's 20 ms trade window and 20 grid steps. */
export function featureParamsOf(o: Pick<DatasetOptions, 'tradeSide' | 'features'>, params: AnalysisParams): FeatureParams {
  return { windowUs: params.windowUs, gridUs: params.gridUs, tradeWindowUs: 20_000, volSteps: 20, tradeSide: o.tradeSide, set: o.features };
}

/**
 * One pass over the three files: spot quotes and spot trades merged in time feed the feature
 * engine and the spot jump detector; perp quotes feed their own detector alongside (with the
 * extended features they join the merged stream, since the engine reads the perp as of each
 * trigger). Labels come from pairing once both markets are read.
 */
export async function buildDataset(files: readonly [string, string], o: DatasetOptions, params: AnalysisParams, ctx: Context, tap?: QuoteTap): Promise<DatasetRun>;
export async function buildDataset(files: readonly [string, string], o: DatasetOptions, params: AnalysisParams, ctx: Context, tap: QuoteTap | undefined, apart: 'empty'): Promise<DatasetRead>;
/** @param apart 'refuse' (a run): markets that do not overlap within the range are an error; 'empty' (a state run): no triggers. */
export async function buildDataset(files: readonly [string, string], o: DatasetOptions, params: AnalysisParams, ctx: Context, tap?: QuoteTap, apart: 'refuse' | 'empty' = 'refuse'): Promise<DatasetRun | DatasetRead> {
  assertStdinOnce([...files, o.trades]);
  const range = rangeOf(o);
  const featureParams = featureParamsOf(o, params);
  const read = readRangeOf({ range, margin: datasetMargin(params, featureParams, o.nullStep) });
  // The jumps are pair's: detected from the ticks of pair's read range alone, [S − M, E + M)
  // without the features' look-back h, which only the feature engine reads. Detected from h
  // earlier, a greedy pairing near S could differ from pair's (a chain of alternating jumps
  // did), and with it the labels and their chance pairs.
  const detect = readRangeOf({ range, margin: pairMargin(params, o.nullStep) });
  const [spotSrc, perpSrc] = openQuoteFiles(files, o, ctx, read, QUOTE_SLOTS_BEFORE_TRADES);
  const tradeSrc = openTradeFile(o.trades, o, ctx, read);
  const spotIn = trimmed(spotSrc!, read, sliceTicks);
  const perpIn = trimmed(perpSrc!, read, sliceTicks);
  const tradeIn = trimmed(tradeSrc, read, sliceTrades);
  const spot = new MarketJumps(params);
  const perp = new MarketJumps(params);
  const engine = new FeatureEngine(featureParams);
  const extended = o.features === 'extended';
  let announced = 0;
  const announceTriggers = () => {
    const jumps = spot[o.feed];
    for (; announced < jumps.length; announced++) engine.addTrigger(jumps.timeAt(announced), jumps.signAt(announced));
  };
  const sources = extended ? [spotIn, tradeIn, perpIn] : [spotIn, tradeIn];
  const merged = pumpMerged<TickBatch | TradeBatch>(sources, (source, batch, from, to) => {
    if (source === 0) {
      const ticks = sliceTicks(batch as TickBatch, from, to);
      engine.pushQuotes(ticks);
      pushWithin(spot, ticks, detect);
      // The LOCF feed's jumps must reach the engine before its next quotes (FeatureEngine's push contract).
      spot.settle();
      tap?.(0, ticks);
      announceTriggers();
    } else if (source === 1) {
      engine.pushTrades(sliceTrades(batch as TradeBatch, from, to));
    } else {
      const ticks = sliceTicks(batch as TickBatch, from, to);
      engine.pushPerpQuotes(ticks);
      pushWithin(perp, ticks, detect);
      tap?.(1, ticks);
    }
  });
  const perpDone = extended ? Promise.resolve() : pumpLagging([perpIn], (_, b) => (pushWithin(perp, b, detect), tap?.(1, b)));
  await Promise.all([merged, perpDone]);
  spot.finish();
  perp.finish();
  announceTriggers();
  engine.finish();
  const reads = reportReads([spotSrc!, perpSrc!, tradeSrc], ctx, range);
  const dataSpan = spanOf(spot, perp);
  const fileReports = [spotSrc!.reports(), perpSrc!.reports(), tradeSrc.reports()] as const;
  const emptyFiles = [spotSrc!.emptyFiles, perpSrc!.emptyFiles, tradeSrc.emptyFiles] as const;
  if (apart === 'empty' && overlapIn(dataSpan, range) === undefined) {
    // No triggers; the pairings still go into the state, for the cuts' checks.
    const family = dataSpan !== undefined && dataSpan.start <= dataSpan.end ? familyPart(spot[o.feed], perp[o.feed], dataSpan, params.pairWindowUs, o.nullStep, range) : null;
    const none: Dataset = { names: featureNames(o.features, featureParams), t: new Float64Array(0), labels: new Uint8Array(0), X: new Float64Array(0) };
    return { dataset: none, span: undefined, leads: 0, noise: 0, leftOut: { follows: 0, simultaneous: 0 }, spot, perp, dataSpan, files: fileReports, emptyFiles, family, chance: undefined };
  }
  const span = requireOverlap(dataSpan, reads[0]!, reads[1]!, range);
  warnAboutInputs(ctx, files, o, reads.slice(0, 2), span);
  for (const w of optionEffectWarnings(o, reads[2]!.perFile ?? [reads[2]!])) ctx.warn(w);
  checkTrades(reads[2]!, span, o, ctx);
  checkTradePrices(reads[2]!, engine.farTrades(), ctx);
  // Pairing runs over all the data read, so a trigger near --end still sees its follower.
  const pairing = pairSortedJumps(spot[o.feed], perp[o.feed], dataSpan!, params.pairWindowUs);
  const rows = engine.rows();
  const dataset = inRange(labelled(rows, featureNames(o.features, featureParams), pairing.aStart, pairing.roleA), span);
  const leftOut = leftOutIn(rows.t, pairing.aStart, pairing.roleA, span);
  const leads = countLeads(dataset.labels);
  // pair's pairings of the feed, chance shifts included, over the data read and counted by
  // leader in the range: Table 1's paired_events and chance pairs for the same options.
  const family = familyPart(spot[o.feed], perp[o.feed], dataSpan!, params.pairWindowUs, o.nullStep, range);
  const chance = labelChanceOf(family.paired, o.nullStep);
  return { dataset, span, leads, noise: dataset.labels.length - leads, leftOut, spot, perp, dataSpan: dataSpan!, files: fileReports, emptyFiles, family, chance };
}

/** The triggers with times in the span (all of them without --start/--end). */
function inRange(d: Dataset, span: Span): Dataset {
  const idx: number[] = [];
  for (let i = 0; i < d.t.length; i++) if (inSpan(d.t[i]!, span)) idx.push(i);
  return idx.length === d.t.length ? d : take(d, idx);
}

/**
 * Trade features computed from a trades file that cannot support them would be silently
 * wrong: trades wholly outside the span are an error (every trade feature would be 0), a
 * partial cover or a missing aggressor column a warning.
 */
function checkTrades(trades: ReadReport, span: Span, o: DatasetOptions, ctx: Context): void {
  if (!(trades.lastTime >= span.start && trades.firstTime <= span.end)) {
    const covers = Number.isFinite(trades.firstTime) ? `${isoMicros(trades.firstTime)} → ${isoMicros(trades.lastTime)}` : 'nothing';
    throw new DataError(trades.file, undefined, `the trades do not overlap the quotes at all: trades cover ${covers}, the quotes ${isoMicros(span.start)} → ${isoMicros(span.end)}`);
  }
  if (o.tradeSide === 'flag' && trades.sideColumn === undefined) {
    ctx.warn(`${trades.file}: --trade-side flag, but the file has no aggressor column; every trade's side comes from the quotes`);
  }
  const u = trades.unreadSides;
  if (o.tradeSide === 'flag' && u !== undefined) {
    const reads = { text: 'buy or sell (any case; unknown or empty for none)', maker: 'a maker flag, true or false (empty for none)', any: 'buy or sell, or a maker flag true or false (unknown or empty for none)' }[u.mode];
    const other = u.mode === 'any' ? '' : `; --side-col ${trades.sideColumn} reads either kind`;
    ctx.warn(`${trades.file}: ${u.count} of ${trades.records} trades ${u.count === 1 ? 'has a side' : 'have sides'} leadlag does not read (the first in ${u.file} on line ${u.line}: ${JSON.stringify(u.value)}); their side comes from the quotes. Column '${trades.sideColumn}' is read as ${reads}${other}`);
  }
  const slack = 1_000_000; // a second: quiet markets may simply not trade at the edges
  if (trades.firstTime > span.start + slack || trades.lastTime < span.end - slack) {
    ctx.warn(`${trades.file}: trades cover ${isoMicros(trades.firstTime)} → ${isoMicros(trades.lastTime)}, not the whole span ${isoMicros(span.start)} → ${isoMicros(span.end)}; triggers outside it see no trades`);
  }
}

/**
 * Trades priced far from the spot quotes (FeatureEngine.farTrades) are another instrument's:
 * their side by the quote rule is then every trade a sell (or every one a buy) and their volume
 * another market's. More than 1 % of them far draws a warning; most of them, a stronger one. A
 * warning, not an error: a plan's job over part of the span sees its own share, and must finish
 * as the one run does.
 */
function checkTradePrices(trades: ReadReport, f: ReturnType<FeatureEngine['farTrades']>, ctx: Context): void {
  if (f.first === null || f.far * 100 <= f.checked) return;
  const x = f.first;
  const what = `${f.far} of ${f.checked} trades lie more than ${Math.round(FAR_TRADE * 100)} % below the spot bid or above the ask at their time (the first at ${isoMicros(x.t)}: ${x.price} against ${x.bid} / ${x.ask})`;
  const ask = f.far * 2 > f.checked ? 'these do not look like trades of the spot quotes\' instrument: their side and volume say nothing of it, and every trade feature is meaningless' : 'are they trades of the spot quotes\' instrument? Their side from the quotes and their volume are wrong where not';
  ctx.warn(`${trades.file}: ${what}: ${ask}`);
}

/** `--dump-features`: the §6 header (with every feature of the set), one row per labelled trigger in time order, full precision. */
export function featureCsv(d: Dataset): Promise<string> {
  const f = d.names.length;
  const rows: Cell[][] = [];
  for (let i = 0; i < d.labels.length; i++) rows.push([d.t[i]!, d.labels[i]!, ...Array.from(d.X.subarray(i * f, i * f + f))]);
  return csvText({ columns: ['t_us', 'label', ...d.names], rows });
}

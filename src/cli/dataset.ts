/**
 * The data set of `classify` (docs/definitions.md §5): one pass over spot quotes, perp quotes and spot trades
 * that yields, for each spot jump in the span that leads or is noise, its label and features.
 */
import type { Context } from './context.js';
import { assertStdinOnce, openQuoteFiles, openTradeFile, reportReads, requireOverlap } from './inputs.js';
import type { Feed, ReaderCliOptions } from './options.js';
import { pumpLagging, pumpMerged, sliceTicks, sliceTrades } from './pump.js';
import { MarketJumps } from '../core/market.js';
import { pairSortedJumps, spanOf, Role } from '../core/pairing.js';
import { FeatureEngine, FEATURE_NAMES, type FeatureTable } from '../core/features.js';
import { csvText, isoMicros, type Cell } from '../io/output.js';
import type { ReadReport } from '../io/types.js';
import type { AnalysisParams, Span, TickBatch, TradeBatch } from '../core/types.js';

/** The labelled data set: one row per spot jump in the span that leads (1) or is noise (0). */
export interface Dataset {
  readonly t: Float64Array;
  readonly labels: Uint8Array;
  /** Row-major n × 5 in FEATURE_NAMES order. */
  readonly X: Float64Array;
}

export interface DatasetOptions extends ReaderCliOptions {
  readonly trades: string;
  readonly feed: Feed;
  readonly tradeSide: 'quotes' | 'flag';
}

export interface LabelledSpan {
  readonly dataset: Dataset;
  readonly span: Span;
  readonly leads: number;
  readonly noise: number;
}

/**
 * One pass over the three files: spot quotes and spot trades merged in time feed the feature
 * engine and the spot jump detector; perp quotes feed their own detector alongside. Labels
 * come from pairing once both markets are read.
 */
export async function buildDataset(files: readonly [string, string], o: DatasetOptions, params: AnalysisParams, ctx: Context): Promise<LabelledSpan> {
  assertStdinOnce([...files, o.trades]);
  const [spotSrc, perpSrc] = openQuoteFiles(files, o, ctx);
  const tradeSrc = openTradeFile(o.trades, o, ctx);
  const spot = new MarketJumps(params);
  const perp = new MarketJumps(params);
  const engine = new FeatureEngine({ windowUs: params.windowUs, gridUs: params.gridUs, tradeWindowUs: 20_000, volSteps: 20, tradeSide: o.tradeSide });
  let announced = 0;
  const announceTriggers = () => {
    const jumps = spot[o.feed];
    for (; announced < jumps.length; announced++) engine.addTrigger(jumps.timeAt(announced));
  };
  const spotAndTrades = pumpMerged<TickBatch | TradeBatch>([spotSrc!, tradeSrc], (source, batch, from, to) => {
    if (source === 0) {
      const ticks = sliceTicks(batch as TickBatch, from, to);
      engine.pushQuotes(ticks);
      spot.push(ticks);
      announceTriggers();
    } else {
      engine.pushTrades(sliceTrades(batch as TradeBatch, from, to));
    }
  });
  const perpDone = pumpLagging([perpSrc!], (_, b) => perp.push(b));
  await Promise.all([spotAndTrades, perpDone]);
  spot.finish();
  perp.finish();
  announceTriggers();
  engine.finish();
  const reads = reportReads([spotSrc!, perpSrc!, tradeSrc], ctx);
  const span = requireOverlap(spanOf(spot, perp), reads[0]!, reads[1]!);
  warnAboutTrades(reads[2]!, span, o, ctx);
  const pairing = pairSortedJumps(spot[o.feed], perp[o.feed], span, params.pairWindowUs);
  const dataset = labelled(engine.rows(), pairing.aStart, pairing.roleA);
  const leads = countLeads(dataset.labels);
  return { dataset, span, leads, noise: dataset.labels.length - leads };
}

/** Trade features computed from a trades file that cannot support them would be silently wrong. */
function warnAboutTrades(trades: ReadReport, span: Span, o: DatasetOptions, ctx: Context): void {
  if (o.tradeSide === 'flag' && trades.sideColumn === undefined) {
    ctx.warn(`${trades.file}: --trade-side flag, but the file has no aggressor column; every trade's side comes from the quotes`);
  }
  const slack = 1_000_000; // a second: quiet markets may simply not trade at the edges
  if (trades.firstTime > span.start + slack || trades.lastTime < span.end - slack) {
    ctx.warn(`${trades.file}: trades cover ${isoMicros(trades.firstTime)} → ${isoMicros(trades.lastTime)}, not the whole span ${isoMicros(span.start)} → ${isoMicros(span.end)}; triggers outside it see no trades`);
  }
}

/**
 * Keeps the triggers in the span that lead (label 1) or are noise (label 0); followers and
 * simultaneous jumps are left out (docs/definitions.md §5). `roleA[k]` is the role of trigger `aStart + k`.
 */
function labelled(rows: FeatureTable, aStart: number, roleA: Int8Array): Dataset {
  const keep: number[] = [];
  for (let k = 0; k < roleA.length; k++) if (roleA[k] === Role.leads || roleA[k] === Role.noise) keep.push(aStart + k);
  const n = keep.length;
  const t = new Float64Array(n);
  const labels = new Uint8Array(n);
  const X = new Float64Array(n * FEATURE_NAMES.length);
  const cols = [rows.ret, rows.vol, rows.spread, rows.nsv, rows.count];
  for (let i = 0; i < n; i++) {
    const r = keep[i]!;
    t[i] = rows.t[r]!;
    labels[i] = roleA[r - aStart] === Role.leads ? 1 : 0;
    for (let c = 0; c < cols.length; c++) X[i * cols.length + c] = cols[c]![r]!;
  }
  return { t, labels, X };
}

export function take(d: Dataset, idx: Uint32Array): Dataset {
  const f = FEATURE_NAMES.length;
  const X = new Float64Array(idx.length * f);
  const labels = new Uint8Array(idx.length);
  const t = new Float64Array(idx.length);
  idx.forEach((r, i) => {
    labels[i] = d.labels[r]!;
    t[i] = d.t[r]!;
    X.set(d.X.subarray(r * f, r * f + f), i * f);
  });
  return { t, labels, X };
}

/** Number of label-1 (lead) rows. */
export function countLeads(labels: Uint8Array): number {
  let n = 0;
  for (const y of labels) n += y;
  return n;
}

/** Share of label-1 rows: the average precision of a random guess; NaN when there are none. */
export function prevalence(labels: Uint8Array): number {
  return labels.length === 0 ? NaN : countLeads(labels) / labels.length;
}

/** `--dump-features`: docs/definitions.md §6 header, one row per labelled trigger in time order, full precision. */
export function featureCsv(d: Dataset): Promise<string> {
  const f = FEATURE_NAMES.length;
  const rows: Cell[][] = [];
  for (let i = 0; i < d.labels.length; i++) rows.push([d.t[i]!, d.labels[i]!, ...Array.from(d.X.subarray(i * f, i * f + f))]);
  return csvText({ columns: ['t_us', 'label', ...FEATURE_NAMES], rows });
}

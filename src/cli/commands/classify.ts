/**
 * `leadlag classify SPOT PERP --trades TRADES`: at each spot jump, will the perp follow?
 * Features and labels per SPEC §5, an XGBoost model, and the hold-out report with a
 * PR-calibrated threshold (Table 3) or the balanced report at 0.5 (Table 4).
 */
import { Command, Option } from 'commander';
import { Context, type Streams } from '../context.js';
import { DataError, UsageError } from '../errors.js';
import { addCommonOptions, addMarketArguments, addJumpOptions, addReaderOptions, analysisParamsOf, parsePositiveInt, type CommonOptions, type JumpCliOptions, type ReaderCliOptions } from '../options.js';
import { openQuoteFiles, openTradeFile, reportReads, requireOverlap } from '../inputs.js';
import { pumpLagging, pumpMerged, sliceTicks, sliceTrades } from '../pump.js';
import { paramsJson, type Feed } from './pair.js';
import { MarketJumps } from '../../core/market.js';
import { pairSortedJumps, spanOf, Role } from '../../core/pairing.js';
import { FeatureEngine, FEATURE_NAMES, type FeatureTable } from '../../core/features.js';
import { Random } from '../../core/random.js';
import { sampleTrainTest, TooFewTriggersError } from '../../core/sampling.js';
import { trainModel } from '../../core/model.js';
import { averagePrecisionOfCurve, pickThreshold, precisionRecallCurve } from '../../core/prcurve.js';
import { classificationReport, predictAtThreshold, type ClassificationReport } from '../../core/report.js';
import { loadXGBoost } from '../../io/xgboost-load.js';
import { csvText, fixed, humanTable, writeTextFile, type Cell, type Output, type Style } from '../../io/output.js';
import type { AnalysisParams, Span, TickBatch, TradeBatch } from '../../core/types.js';

export interface ClassifyOptions extends CommonOptions, ReaderCliOptions, JumpCliOptions {
  trades: string;
  balanced?: boolean;
  feed: Feed;
  seed: number;
  perClass: number;
  targetRecall: number;
  split: 'random' | 'time';
  tradeSide: 'quotes' | 'flag';
  trees: number;
  depth: number;
  eta: number;
  dumpFeatures?: string;
  saveModel?: string;
}

/** The labelled data set: one row per spot jump in the span that leads (1) or is noise (0). */
export interface Dataset {
  readonly t: Float64Array;
  readonly labels: Uint8Array;
  /** Row-major n × 5 in FEATURE_NAMES order. */
  readonly X: Float64Array;
}

export interface ClassifyReport {
  readonly mode: 'holdout' | 'balanced';
  readonly feed: Feed;
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  readonly span: Span;
  readonly seed: number;
  readonly split: 'random' | 'time';
  /** Labelled triggers of each class in the whole span. */
  readonly leads: number;
  readonly noise: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** Share of class 1 in the test set: the average precision of a random classifier. */
  readonly testPrevalence: number;
  readonly report: ClassificationReport;
  /** Hold-out only. */
  readonly averagePrecision?: number;
  readonly threshold: number;
  readonly precisionAtThreshold?: number;
  readonly recallAtThreshold?: number;
}

export function classifyCommand(io: Streams): Command {
  const cmd = new Command('classify')
    .summary('XGBoost: will the perp follow a spot jump? (Tables 3 and 4)')
    .description('Label each spot jump as lead (a perp jump follows within D) or noise (no perp jump pairs with it), compute five features from spot quotes and trades, train XGBoost, and report precision / recall / F1. Hold-out mode calibrates the threshold on the precision-recall curve (Table 3); --balanced trains and tests on balanced samples at threshold 0.5 (Table 4).')
    .requiredOption('--trades <file>', 'trades of market A (exchange export, Tardis, Binance or generic)')
    .option('--balanced', 'balanced sample of each class, split 70/30, threshold 0.5 (Table 4)')
    .addOption(new Option('--feed <feed>', 'triggers from native ticks or the LOCF grid').choices(['native', 'locf']).default('native'))
    .option('--seed <n>', 'seed of every random choice (same seed, same output)', (v) => parsePositiveInt(v, '--seed', 0), 42)
    .option('--per-class <n>', 'at most this many training triggers per class', (v) => parsePositiveInt(v, '--per-class'), 1000)
    .option('--target-recall <r>', 'hold-out: the highest threshold with at least this recall', parseFraction, 0.5)
    .addOption(new Option('--split <how>', 'random, or time: train on earlier triggers, test on later ones').choices(['random', 'time']).default('random'))
    .addOption(new Option('--trade-side <how>', 'trade side from the as-of quote (quotes) or the file\'s aggressor column (flag)').choices(['quotes', 'flag']).default('quotes'))
    .option('--trees <n>', 'boosting rounds', (v) => parsePositiveInt(v, '--trees'), 200)
    .option('--depth <n>', 'maximum tree depth', (v) => parsePositiveInt(v, '--depth'), 4)
    .option('--eta <x>', 'learning rate in (0, 1]', parseEta, 0.1)
    .option('--dump-features <file>', 'write the labelled feature table as CSV')
    .option('--save-model <file>', 'write the trained booster as JSON');
  addMarketArguments(cmd);
  addJumpOptions(cmd);
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag classify fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv \\
      --trades fixtures/tardis/spot_trades.csv
  prints the class counts and prevalence, the average precision, the threshold picked for
  recall ≥ 0.5, and precision / recall / F1 / support per class (Table 3). Add --balanced for
  Table 4, --split time to test only on triggers later than every training trigger.`,
  );
  return cmd.action(async (spot: string, perp: string, o: ClassifyOptions) => {
    const ctx = new Context(io, o);
    await ctx.emit(renderClassify(await runClassify([spot, perp], o, ctx)));
  });
}

function parseFraction(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0 && v <= 1)) throw new UsageError(`--target-recall must be a number in (0, 1], got ${JSON.stringify(text)}`);
  return v;
}

function parseEta(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v > 0 && v <= 1)) throw new UsageError(`--eta must be a number in (0, 1], got ${JSON.stringify(text)}`);
  return v;
}

export async function runClassify(files: readonly [string, string], o: ClassifyOptions, ctx: Context): Promise<ClassifyReport> {
  const params = analysisParamsOf(o);
  const xgbLoading = loadXGBoost(); // compiles WebAssembly while the files are read
  xgbLoading.catch(() => {}); // awaited below; don't let an early failure go unhandled
  const { dataset, span, leads, noise } = await buildDataset(files, o, params, ctx);
  if (o.dumpFeatures !== undefined) await writeTextFile(o.dumpFeatures, await featureCsv(dataset));

  const mode = o.balanced ? 'balanced' : 'holdout';
  const rng = new Random(o.seed);
  let split;
  try {
    split = sampleTrainTest(dataset.labels, { mode, perClass: o.perClass, split: o.split }, rng);
  } catch (e) {
    if (e instanceof TooFewTriggersError) throw new DataError(files[0], undefined, `${e.message}; try a lower --threshold or more data`);
    throw e;
  }
  const train = take(dataset, split.train);
  const test = take(dataset, split.test);
  const model = trainModel(await xgbLoading, train.X, train.labels, { seed: rng.seed32(), trees: o.trees, maxDepth: o.depth, eta: o.eta });
  try {
    const scores = model.predict(test.X);
    if (o.saveModel !== undefined) await writeTextFile(o.saveModel, `${JSON.stringify(model.toJSON())}\n`);
    const base = { mode, feed: o.feed, names: o.names, params, span, seed: o.seed, split: o.split, leads, noise, nTrain: split.train.length, nTest: split.test.length, testPrevalence: mean(test.labels) } as const;
    if (mode === 'balanced') return { ...base, threshold: 0.5, report: classificationReport(test.labels, predictAtThreshold(scores, 0.5)) };
    const curve = precisionRecallCurve(scores, test.labels);
    const pick = pickThreshold(curve, o.targetRecall)!; // the test set always holds positives
    return {
      ...base,
      averagePrecision: averagePrecisionOfCurve(curve),
      threshold: pick.threshold,
      precisionAtThreshold: pick.precision,
      recallAtThreshold: pick.recall,
      report: classificationReport(test.labels, predictAtThreshold(scores, pick.threshold)),
    };
  } finally {
    model.free();
  }
}

/**
 * One pass over the three files: spot quotes and spot trades merged in time feed the feature
 * engine and the spot jump detector; perp quotes feed their own detector alongside. Labels
 * come from pairing once both markets are read.
 */
async function buildDataset(files: readonly [string, string], o: ClassifyOptions, params: AnalysisParams, ctx: Context) {
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
  const pairing = pairSortedJumps(spot[o.feed], perp[o.feed], span, params.pairWindowUs);
  const dataset = labelled(engine.rows(), pairing.aStart, pairing.roleA);
  let leads = 0;
  for (const l of dataset.labels) leads += l;
  return { dataset, span, leads, noise: dataset.labels.length - leads };
}

/**
 * Keeps the triggers in the span that lead (label 1) or are noise (label 0); followers and
 * simultaneous jumps are left out (SPEC §5). `roleA[k]` is the role of trigger `aStart + k`.
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

function take(d: Dataset, idx: Uint32Array): Dataset {
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

function mean(a: Uint8Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length === 0 ? NaN : s / a.length;
}

/** `--dump-features`: SPEC §6 header, one row per labelled trigger in time order, full precision. */
function featureCsv(d: Dataset): Promise<string> {
  const f = FEATURE_NAMES.length;
  const rows: Cell[][] = [];
  for (let i = 0; i < d.labels.length; i++) rows.push([d.t[i]!, d.labels[i]!, ...Array.from(d.X.subarray(i * f, i * f + f))]);
  return csvText({ columns: ['t_us', 'label', ...FEATURE_NAMES], rows });
}

export function renderClassify(r: ClassifyReport): Output {
  const cls = (i: 0 | 1) => ({ ...r.report.classes[i] });
  const json: Record<string, unknown> = {
    mode: r.mode,
    n_train: r.nTrain,
    n_test: r.nTest,
    classes: { '0': cls(0), '1': cls(1) },
    accuracy: r.report.accuracy,
  };
  if (r.mode === 'holdout') {
    Object.assign(json, { average_precision: r.averagePrecision, threshold: r.threshold, precision_at_threshold: r.precisionAtThreshold, recall_at_threshold: r.recallAtThreshold });
  }
  Object.assign(json, { counts: { lead: r.leads, noise: r.noise }, test_prevalence: r.testPrevalence, feed: r.feed, split: r.split, seed: r.seed, params: paramsJson(r.params) });
  const machine: Cell[][] = [];
  for (const [k, v] of Object.entries(json)) {
    if (k === 'classes') for (const c of ['0', '1'] as const) for (const [m, x] of Object.entries(cls(Number(c) as 0 | 1))) machine.push([`class_${c}_${m}`, x]);
    else if (k === 'counts') machine.push(['leads', r.leads], ['noise', r.noise]);
    else if (k === 'params') for (const [m, x] of Object.entries(v as Record<string, number>)) machine.push([m, x]);
    else machine.push([k, v as Cell]);
  }
  return { json, machine: { columns: ['metric', 'value'], rows: machine }, human: (style) => humanClassify(r, style) };
}

function humanClassify(r: ClassifyReport, style: Style): string {
  const { c } = style;
  const [a, b] = r.names;
  const title = r.mode === 'holdout' ? `Table 3: will ${b} follow a ${a} jump? hold-out test, threshold calibrated for recall ≥ target` : `Table 4: will ${b} follow a ${a} jump? balanced sample, threshold 0.5`;
  const cls = r.report.classes;
  const rows: Cell[][] = [
    ['0 noise', fixed(cls[0].precision, 3), fixed(cls[0].recall, 3), fixed(cls[0].f1, 3), cls[0].support],
    ['1 lead', fixed(cls[1].precision, 3), fixed(cls[1].recall, 3), fixed(cls[1].f1, 3), cls[1].support],
    ['accuracy', '', '', fixed(r.report.accuracy, 3), cls[0].support + cls[1].support],
  ];
  const total = r.leads + r.noise;
  const lines = [
    c.bold(title),
    c.dim(`triggers: ${total} ${a} jumps (${r.feed} feed) in the span: ${r.leads} lead, ${r.noise} noise (prevalence ${fixed(r.leads / total, 3)}); train ${r.nTrain}, test ${r.nTest}, split ${r.split}, seed ${r.seed}`),
  ];
  if (r.mode === 'holdout') {
    lines.push(
      `average precision ${fixed(r.averagePrecision ?? NaN, 3)} (a random guess scores the test prevalence, ${fixed(r.testPrevalence, 3)})`,
      `threshold ${fixed(r.threshold, 4)}: precision ${fixed(r.precisionAtThreshold ?? NaN, 3)}, recall ${fixed(r.recallAtThreshold ?? NaN, 3)}`,
    );
  }
  lines.push(humanTable(['class', 'precision', 'recall', 'f1', 'support'], rows, style, ['left', 'right', 'right', 'right', 'right']));
  return lines.join('\n');
}

/**
 * `leadlag classify SPOT PERP --trades TRADES`: at each spot jump, will the perp follow?
 * Features and labels per docs/definitions.md §5, an XGBoost model, and the hold-out report with a
 * PR-calibrated threshold (Table 3) or the balanced report at 0.5 (Table 4).
 */
import { Command, Option } from 'commander';
import { Context, type Streams } from '../context.js';
import { DataError, UsageError } from '../../errors.js';
import { addCommonOptions, addMarketArguments, addJumpOptions, addReaderOptions, analysisParamsOf, paramsJson, parseNumber, parsePositiveInt, type CommonOptions, type Feed, type JumpCliOptions, type ReaderCliOptions } from '../options.js';
import { Random } from '../../core/random.js';
import { MIN_PER_CLASS, sampleTrainTest, TooFewTriggersError } from '../../core/sampling.js';
import { trainModel } from '../../core/model.js';
import { averagePrecisionOfCurve, pickThreshold, precisionRecallCurve } from '../../core/prcurve.js';
import { classificationReport, predictAtThreshold, type ClassificationReport } from '../../core/report.js';
import { loadXGBoost } from '../../io/xgboost-load.js';
import { buildDataset, countLeads, featureCsv, prevalence, take } from '../dataset.js';
import { fixed, humanTable, writeTextFile, type Cell, type Output, type Style } from '../../io/output.js';
import type { AnalysisParams, Span } from '../../core/types.js';

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
  /** --split time: triggers left out of the test because they precede the last training trigger. */
  readonly nEmbargoed: number;
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
    .option('--seed <n>', 'seed of every random choice (same seed, same output)', (v) => parsePositiveInt(v, '--seed', 0, 2 ** 32 - 1), 42)
    .option('--per-class <n>', 'cap per class: training triggers (hold-out) or the sample (balanced)', (v) => parsePositiveInt(v, '--per-class', MIN_PER_CLASS), 1000)
    .option('--target-recall <r>', 'hold-out: the highest threshold with at least this recall', (v) => parseUnitInterval(v, '--target-recall'), 0.5)
    .addOption(new Option('--split <how>', 'random, or time: train on earlier triggers, test on later ones').choices(['random', 'time']).default('random'))
    .addOption(new Option('--trade-side <how>', 'trade side from the as-of quote (quotes) or the file\'s aggressor column (flag)').choices(['quotes', 'flag']).default('quotes'))
    .option('--trees <n>', 'boosting rounds (at most 10000)', (v) => parsePositiveInt(v, '--trees', 1, 10_000), 200)
    .option('--depth <n>', 'maximum tree depth (at most 20)', (v) => parsePositiveInt(v, '--depth', 1, 20), 4)
    .option('--eta <x>', 'learning rate in (0, 1]', (v) => parseUnitInterval(v, '--eta'), 0.1)
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

/** Precision, recall and the PR curve need both classes in the test set; --split time can empty one. */
function requireBothClasses(labels: Uint8Array, embargoed: number, file: string): void {
  const leads = countLeads(labels);
  if (leads > 0 && leads < labels.length) return;
  const missing = leads === 0 ? 'lead' : 'noise';
  const why = embargoed > 0 ? ` (${embargoed} triggers precede the last training trigger and are left out to avoid look-ahead)` : '';
  throw new DataError(file, undefined, `the test set has no ${missing} triggers${why}; try --split random or more data`);
}

/** A number in (0, 1]. */
function parseUnitInterval(text: string, option: string): number {
  const v = parseNumber(text, option);
  if (!(v > 0 && v <= 1)) throw new UsageError(`${option} must be a number in (0, 1], got ${JSON.stringify(text)}`);
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
  requireBothClasses(test.labels, split.embargoed, files[0]);
  const model = trainModel(await xgbLoading, train.X, train.labels, { seed: rng.seed32(), trees: o.trees, maxDepth: o.depth, eta: o.eta });
  try {
    const scores = model.predict(test.X);
    if (o.saveModel !== undefined) await writeTextFile(o.saveModel, `${JSON.stringify(model.toJSON())}\n`);
    const base = { mode, feed: o.feed, names: o.names, params, span, seed: o.seed, split: o.split, leads, noise, nTrain: split.train.length, nTest: split.test.length, nEmbargoed: split.embargoed, testPrevalence: prevalence(test.labels) } as const;
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

export function renderClassify(r: ClassifyReport): Output {
  const cls = (i: 0 | 1) => ({ ...r.report.classes[i] });
  const json: Record<string, unknown> = {
    mode: r.mode,
    n_train: r.nTrain,
    n_test: r.nTest,
    n_embargoed: r.nEmbargoed,
    classes: { '0': cls(0), '1': cls(1) },
    accuracy: r.report.accuracy,
  };
  if (r.mode === 'holdout') {
    Object.assign(json, { average_precision: r.averagePrecision, threshold: r.threshold, precision_at_threshold: r.precisionAtThreshold, recall_at_threshold: r.recallAtThreshold });
  }
  Object.assign(json, { counts: { lead: r.leads, noise: r.noise }, test_prevalence: r.testPrevalence, feed: r.feed, split: r.split, seed: r.seed, params: paramsJson(r.params) });
  return { json, machine: { columns: ['metric', 'value'], rows: flatten(json) }, human: (style) => humanClassify(r, style) };
}

/** `metric,value` rows named by the JSON paths (`classes.1.f1`, `params.threshold`), so each name is unique. */
function flatten(value: unknown, path = ''): Cell[][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, path === '' ? k : `${path}.${k}`));
  }
  return [[path, value as Cell]];
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
    c.dim(`triggers: ${total} ${a} jumps (${r.feed} feed) in the span: ${r.leads} lead, ${r.noise} noise (prevalence ${fixed(r.leads / total, 3)}); train ${r.nTrain}, test ${r.nTest}${r.nEmbargoed > 0 ? ` (${r.nEmbargoed} left out: earlier than the last training trigger)` : ''}, split ${r.split}, seed ${r.seed}`),
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

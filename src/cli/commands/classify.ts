/**
 * `leadlag classify SPOT PERP --trades TRADES`: at each spot jump, will the perp follow?
 * Features and labels per docs/definitions.md §5 (and docs/classify.md for the extended set),
 * an XGBoost model beside its baselines, and the hold-out report with a PR-calibrated
 * threshold (Table 3), the balanced report at 0.5 (Table 4), or walk-forward folds.
 */
import type { Command } from 'commander';
import { Context, type Streams } from '../context.js';
import { DataError, UsageError } from '../../errors.js';
import { analysisParamsOf, refusePlanSpanAlone, warnFewReplicates, warnShortBlock, type PlanSpan, type CommonOptions, type Feed, type JumpCliOptions, type ReaderCliOptions, type TimeCliOptions } from '../options.js';
import { Random } from '../../core/random.js';
import { MIN_BALANCED_PER_CLASS, MIN_PER_CLASS, purgeLabelWindows, sampleTrainTest, TooFewTriggersError, trainingSizes, trainsEnough, walkForwardFolds } from '../../core/sampling.js';
import { averagePrecisionOfCurve, pickThreshold, precisionRecallCurve } from '../../core/prcurve.js';
import { classIntervals, classificationReport, predictAtThreshold } from '../../core/report.js';
import { countLeads, prevalence, take, type Dataset } from '../../core/dataset.js';
import { poolFolds, ruleColumn, scoreFold, type FoldScores } from '../../core/evaluate.js';
import { apWithIntervals, reliabilityTable } from '../../core/evaluation.js';
import { addGains } from '../../core/treegain.js';
import type { FeatureSet } from '../../core/features.js';
import type { SavedModel, XGBoostClass } from '../../core/model.js';
import type { AnalysisParams } from '../../core/types.js';
import { prepareOutputs, writeFilesAtomic, type OutputTarget } from '../../io/atomic.js';
import { expandInputArg } from '../../io/paths.js';
import { expandMarketArgs, requireBootstrapBlocks } from '../inputs.js';
import { loadXGBoost } from '../../io/xgboost-load.js';
import { buildDataset, featureCsv, type LabelledSpan } from '../dataset.js';
import { makeStyle, renderOutput } from '../../io/output.js';
import { fewBlocksClause, renderClassify, type ClassifyReport, type FoldSummary } from '../classify-render.js';
import { blocksHolding } from '../../core/bootstrap.js';
import { MIN_CLAIM_BLOCKS } from '../../core/verdict.js';
import { skippedRowsOf, type SkippedRows } from '../skipped-rows.js';

export type { ClassifyReport } from '../classify-render.js';
export { renderClassify } from '../classify-render.js';

export type Split = 'random' | 'time' | 'walk-forward';

export interface ClassifyOptions extends CommonOptions, ReaderCliOptions, JumpCliOptions, Partial<Pick<TimeCliOptions, 'start' | 'end'>> {
  trades: string;
  balanced?: boolean;
  feed: Feed;
  seed: number;
  perClass: number;
  targetRecall: number;
  split: Split;
  folds: number;
  features: FeatureSet;
  tradeSide: 'quotes' | 'flag';
  trees: number;
  depth: number;
  eta: number;
  bootstrap: number;
  block: number;
  /** The chance pairs' shift step (pair's --null-step): whether the labels' pairs are more than coincidences. */
  nullStep: number;
  dumpFeatures?: string;
  saveModel?: string;
  /** Write the range's labelled data set as a state for `leadlag merge` instead of training (src/cli/classify-state.ts). */
  state?: string;
  /** --label NAME: the pair's name in a state (plan's jobs pass it, as for pair, xcorr and hy). */
  label?: string;
  /** With --state: the span all of a plan's jobs cover (plan writes it; merge then knows a missing first or last job). */
  planSpan?: PlanSpan;
  /** Options the user gave explicitly (for "has no effect" warnings); the CLI fills it. */
  given?: ReadonlySet<string>;
}

/** The options that shape what classify does with its data set (and its report): a state records them. */
export type EvaluationOptions = Pick<ClassifyOptions, 'names' | 'feed' | 'seed' | 'split' | 'folds' | 'features' | 'trees' | 'depth' | 'eta' | 'targetRecall' | 'perClass' | 'tradeSide' | 'bootstrap' | 'block' | 'balanced'> & {
  /** Undefined from merged states written before the labels' chance pairs were. */
  readonly nullStep?: number;
};

/** A test class smaller than this makes precision and recall too noisy to read (a warning says so). */
export const SMALL_CLASS = 30;

/** What `leadlag classify` does once parsed; classify-command.ts defines the command and loads this module only when it runs. */
export async function classifyAction(io: Streams, spot: string, perp: string, o: ClassifyOptions, command: Command): Promise<void> {
  const given = new Set(Object.keys(command.opts()).filter((k) => command.getOptionValueSource(k) === 'cli'));
  const ctx = new Context(io, o);
  refusePlanSpanAlone(o);
  if (o.state !== undefined) return (await import('../classify-state.js')).runClassifyState([spot, perp], { ...o, given }, ctx);
  warnFewReplicates(ctx, o.bootstrap);
  warnShortBlock(ctx, o.block);
  const report = await runClassify([spot, perp], { ...o, given }, ctx);
  if (o.dumpFeatures === '-') ctx.io.stderr.write(await renderText(report, ctx));
  else await ctx.emit(renderClassify(report));
}

/** With `--dump-features -` stdout carries the CSV; the report goes to stderr in the chosen format. */
async function renderText(report: ClassifyReport, ctx: Context): Promise<string> {
  return renderOutput(renderClassify(report), ctx.common.format, await makeStyle(false));
}

/** The files this run will write, checked before anything is read. */
export function outputsOf(o: ClassifyOptions): OutputTarget[] {
  const out: OutputTarget[] = [];
  if (o.state !== undefined) out.push({ option: '--state', path: o.state });
  // `--dump-features -` is standard output, not a file.
  if (o.dumpFeatures !== undefined && o.dumpFeatures !== '-') out.push({ option: '--dump-features', path: o.dumpFeatures });
  if (o.saveModel !== undefined) out.push({ option: '--save-model', path: o.saveModel });
  return out;
}

/**
 * Too few triggers of a class to train on, as a data error (exit 65) that keeps the counts:
 * `report --trades` then gives its other analyses and says why classify has no result.
 */
export class TooFewTriggersDataError extends DataError {
  readonly leads: number;
  readonly noise: number;
  readonly trainLeads: number;
  readonly trainNoise: number;
  constructor(file: string, e: TooFewTriggersError) {
    super(file, undefined, `${e.message}; try a lower --threshold or more data`);
    this.leads = e.leads;
    this.noise = e.noise;
    this.trainLeads = e.trainLeads;
    this.trainNoise = e.trainNoise;
  }
}

/** Precision, recall and the PR curve need both classes in the test set; --split time can empty one. */
function requireBothClasses(labels: Uint8Array, embargoed: number, file: string): void {
  const leads = countLeads(labels);
  if (leads > 0 && leads < labels.length) return;
  const missing = leads === 0 ? 'lead' : 'noise';
  const why = embargoed > 0 ? ` (${embargoed} triggers precede the last training trigger and are left out to avoid look-ahead)` : '';
  throw new DataError(file, undefined, `the test set has no ${missing} triggers${why}; try --split random or more data`);
}

/** Every input file: the two markets' quotes and the trades. */
export function inputsOf(files: readonly [string, string], o: ClassifyOptions): string[] {
  return [...expandMarketArgs(files).flat(), ...expandInputArg(o.trades, 'trades')];
}

/** Options that cannot go together (plan checks its jobs' --options with it too). */
export function refuseCombination(o: ClassifyOptions): void {
  if (o.balanced && o.split === 'walk-forward') throw new UsageError('--split walk-forward tests every later block in full; it cannot be combined with --balanced');
  // --per-class caps the balanced sample, of which 70 % trains: below this it could never train.
  if (o.balanced && o.perClass < MIN_BALANCED_PER_CLASS) {
    throw new UsageError(`--per-class ${o.perClass} with --balanced trains on ${trainingSizes(o.perClass, o.perClass, { mode: 'balanced', perClass: o.perClass })[0]} triggers of each class (70 % of the sample), and training needs ${MIN_PER_CLASS} of each: use --per-class ${MIN_BALANCED_PER_CLASS} or more`);
  }
}

/** Options that are valid but do nothing with the others: say so rather than ignore them. */
export function checkCombination(o: ClassifyOptions, ctx: Context): void {
  refuseCombination(o);
  const given = o.given ?? new Set<string>();
  if (o.balanced && given.has('targetRecall')) ctx.warn('--target-recall has no effect with --balanced (the threshold is 0.5)');
  if (o.split !== 'walk-forward' && given.has('folds')) ctx.warn('--folds has no effect without --split walk-forward');
  if (o.split === 'walk-forward' && given.has('perClass')) ctx.warn('--per-class has no effect with --split walk-forward (each fold trains on every earlier trigger)');
}

/**
 * classify from its files. @param read, when given, takes the trades' skipped rows as soon as the
 * read is over, before the evaluation can fail (report lists them with or without a result).
 */
export async function runClassify(files: readonly [string, string], o: ClassifyOptions, ctx: Context, read?: { tradesSkipped?: readonly SkippedRows[] }): Promise<ClassifyReport> {
  checkCombination(o, ctx);
  const params = analysisParamsOf(o);
  await prepareOutputs(outputsOf(o), inputsOf(files, o));
  const xgbLoading = loadXGBoost(); // compiles WebAssembly while the files are read
  xgbLoading.catch(() => {}); // awaited below; don't let an early failure go unhandled
  const labelled = await buildDataset(files, o, params, ctx);
  const skipped = skippedRowsOf(labelled.files.flat());
  if (read !== undefined) read.tradesSkipped = skippedRowsOf(labelled.files[2]);
  // Before any output: a refused XGBoost (exit 71) or too few triggers to train on (exit 65)
  // must leave no feature file and nothing on stdout, so the evaluation, which is pure, runs first.
  const xgb = await xgbLoading;
  const { report, saved } = evaluateDataset(xgb, labelled, o, params, files[0], ctx);
  await writeClassifyOutputs(labelled.dataset, o, ctx, o.saveModel === undefined ? [] : [{ path: o.saveModel, data: `${JSON.stringify(saved)}\n` }]);
  return { ...report, skipped };
}

/**
 * classify's outputs: its files (`--dump-features FILE`, and `files`: the model, a state run's
 * state) written as one (writeFilesAtomic: a failure leaves each as it was), then
 * `--dump-features -` on stdout. In that order, a reader that closes stdout early (`| head`),
 * which ends the run quietly at once, no longer leaves the model or the state unwritten.
 */
export async function writeClassifyOutputs(dataset: Dataset, o: Pick<ClassifyOptions, 'dumpFeatures'>, ctx: Context, files: readonly { path: string; data: string }[]): Promise<void> {
  const all = o.dumpFeatures !== undefined && o.dumpFeatures !== '-' ? [...files, { path: o.dumpFeatures, data: await featureCsv(dataset) }] : files;
  await writeFilesAtomic(all);
  if (o.dumpFeatures === '-') await ctx.writeStdout(await featureCsv(dataset));
}

/**
 * Everything classify does once its data set is built: the split or the walk-forward folds,
 * XGBoost and the baselines, the threshold, the tables and the verdict. It reads only the
 * rows (features, labels, trigger times) and the options, so the merge of classify states
 * runs it on the states' rows and prints what one run prints. `file` names the data in errors.
 * Returns the report and the booster `--save-model` writes (walk-forward: the last fold's,
 * trained on the most data).
 */
export function evaluateDataset(xgb: XGBoostClass, labelled: LabelledSpan, o: EvaluationOptions, params: AnalysisParams, file: string, ctx: Context): { report: ClassifyReport; saved: SavedModel } {
  const { dataset, span, leads, noise, leftOut, chance } = labelled;
  // Before the training: the average precisions' bootstrap draws over the test set's blocks.
  requireBootstrapBlocks(span, o.block, o.bootstrap);
  const mode = o.balanced ? 'balanced' : 'holdout';
  const rng = new Random(o.seed);
  const modelParams = { trees: o.trees, maxDepth: o.depth, eta: o.eta };
  const evaluated = o.split === 'walk-forward' ? walkForward(xgb, dataset, o, params.pairWindowUs, rng, modelParams, file, ctx) : holdOut(xgb, dataset, o, mode, params.pairWindowUs, rng, modelParams, file);
  const { folds, nTrain, nEmbargoed, nPurged, foldSummaries } = evaluated;
  const pooled = poolFolds(folds);
  const curve = precisionRecallCurve(pooled.model, pooled.labels);
  const pick = pickThreshold(curve, o.targetRecall)!; // the test set always holds positives
  const threshold = mode === 'balanced' ? 0.5 : pick.threshold;
  const predicted = predictAtThreshold(pooled.model, threshold);
  const rule = ruleColumn(dataset.names);
  const scorers = [
    { name: 'xgboost', scores: pooled.model },
    { name: 'base_rate', scores: pooled.base },
    { name: 'logistic', scores: pooled.logistic },
    { name: 'jump_size', scores: pooled.rule },
  ];
  const aps = apWithIntervals(scorers, pooled.labels, pooled.t, { replicates: o.bootstrap, blockUs: o.block }, rng);
  const table = classificationReport(pooled.labels, predicted);
  warnSmallClasses(table.classes[0].support, table.classes[1].support, ctx);
  const testBlocks = blocksHolding([pooled.t], o.block);
  if (o.bootstrap > 0 && testBlocks < MIN_CLAIM_BLOCKS) ctx.warn(`${fewBlocksClause({ testBlocks, options: o })}: the intervals are rough, and the verdict makes no claim`);
  const report: ClassifyReport = {
    mode,
    feed: o.feed,
    names: o.names,
    params,
    span,
    options: o,
    leads,
    noise,
    leftOut,
    chance: chance ?? null,
    nTrain,
    nTest: pooled.labels.length,
    testBlocks,
    nEmbargoed,
    nPurged: nPurged ?? 0,
    testPrevalence: prevalence(pooled.labels),
    report: table,
    intervals: classIntervals(pooled.labels, predicted),
    ...(mode === 'holdout' ? { averagePrecision: averagePrecisionOfCurve(curve), precisionAtThreshold: pick.precision, recallAtThreshold: pick.recall } : {}),
    threshold,
    aps,
    ruleFeature: rule.name,
    featureNames: dataset.names,
    gains: folds.map((f) => f.gains).reduce((a, b) => addGains(a, b)),
    foldGains: folds.length > 1 ? folds.map((f) => f.gains) : undefined,
    reliability: reliabilityTable(pooled.model, pooled.labels),
    folds: foldSummaries,
    curve,
  };
  return { report, saved: folds[folds.length - 1]!.saved };
}

interface Evaluated {
  readonly folds: FoldScores[];
  readonly nTrain: number;
  readonly nEmbargoed: number;
  /** --split time: training triggers purged for label windows that reach the test period. */
  readonly nPurged?: number;
  readonly foldSummaries?: FoldSummary[];
}

/** Tables 3 and 4: one train/test split (random or time), the §5 sampling unchanged. */
function holdOut(xgb: XGBoostClass, dataset: Dataset, o: EvaluationOptions, mode: 'holdout' | 'balanced', purgeUs: number, rng: Random, model: { trees: number; maxDepth: number; eta: number }, file: string): Evaluated {
  let split;
  try {
    split = sampleTrainTest(dataset.labels, { mode, perClass: o.perClass, split: o.split === 'time' ? 'time' : 'random' }, rng);
  } catch (e) {
    if (e instanceof TooFewTriggersError) throw new TooFewTriggersDataError(file, e);
    throw e;
  }
  const test = take(dataset, split.test);
  requireBothClasses(test.labels, split.embargoed, file);
  // --split time: the last training triggers whose label windows reach the test period are
  // purged, as walk-forward's folds purge them (a random split has no period to reach). In
  // balanced mode this can leave the classes a few triggers apart.
  const trainRows = o.split === 'time' ? purgeLabelWindows(split.train, dataset.t, dataset.t[split.test[0]!]!, purgeUs) : split.train;
  const train = take(dataset, trainRows);
  const leads = countLeads(train.labels);
  if (!trainsEnough(leads, train.labels.length - leads)) {
    const all = countLeads(dataset.labels);
    const drawn = mode === 'holdout' ? 'the earliest 70 % of each class' : 'the earliest 70 % of a balanced sample of each class';
    throw new TooFewTriggersDataError(file, new TooFewTriggersError(all, dataset.labels.length - all, leads, train.labels.length - leads, `${drawn}, less those whose label window reaches the test period`));
  }
  const fold = scoreFold(xgb, train, test, { ...model, seed: rng.seed32() });
  return { folds: [fold], nTrain: trainRows.length, nEmbargoed: split.embargoed, nPurged: split.train.length - trainRows.length };
}

/**
 * K folds, each trained on every earlier trigger (less those whose label window reaches the
 * test block) and tested on the next block. A fold whose training set has fewer than
 * MIN_PER_CLASS of a class (trainsEnough, the hold-out's rule), or whose test block lacks a
 * class, is skipped with a warning.
 */
function walkForward(xgb: XGBoostClass, dataset: Dataset, o: EvaluationOptions, purgeUs: number, rng: Random, model: { trees: number; maxDepth: number; eta: number }, file: string, ctx: Context): Evaluated {
  if (dataset.labels.length < o.folds + 1) throw new DataError(file, undefined, `${dataset.labels.length} labelled triggers cannot make ${o.folds} walk-forward folds; try fewer --folds or a lower --threshold`);
  const folds: FoldScores[] = [];
  const summaries: FoldSummary[] = [];
  let nTrain = 0;
  walkForwardFolds(dataset.t, o.folds, purgeUs).forEach((f, k) => {
    const train = take(dataset, f.train);
    const test = take(dataset, f.test);
    const trainLeads = countLeads(train.labels);
    const trainNoise = train.labels.length - trainLeads;
    const testLeads = countLeads(test.labels);
    const base = { fold: k + 1, nTrain: f.train.length, nTest: f.test.length, nPurged: f.purged, testStartUs: test.t[0]!, testEndUs: test.t[test.t.length - 1]!, testPrevalence: prevalence(test.labels) };
    if (!trainsEnough(trainLeads, trainNoise) || testLeads === 0 || testLeads === test.labels.length) {
      ctx.warn(`walk-forward fold ${k + 1} skipped: it trains on ${trainLeads} lead and ${trainNoise} noise triggers and tests on ${testLeads} lead and ${test.labels.length - testLeads} noise (needs ${MIN_PER_CLASS} of each to train, one of each to test)`);
      summaries.push({ ...base, skipped: true });
      return;
    }
    const scored = scoreFold(xgb, train, test, { ...model, seed: rng.seed32() });
    folds.push(scored);
    nTrain += f.train.length;
    const ap = apWithIntervals([{ name: 'xgboost', scores: scored.model }, { name: 'logistic', scores: scored.logistic }], scored.labels, scored.t, { replicates: 0, blockUs: 1 }, rng);
    summaries.push({ ...base, skipped: false, averagePrecision: ap[0]!.ap, logisticAp: ap[1]!.ap });
  });
  if (folds.length === 0) throw new DataError(file, undefined, `every walk-forward fold was skipped (too few training triggers of a class, or a test block without one); try fewer --folds, a lower --threshold or more data`);
  return { folds, nTrain, nEmbargoed: 0, foldSummaries: summaries };
}

function warnSmallClasses(noise: number, leads: number, ctx: Context): void {
  for (const [name, n] of [['lead', leads], ['noise', noise]] as const) {
    if (n < SMALL_CLASS) ctx.warn(`the test set holds only ${n} ${name} triggers (fewer than ${SMALL_CLASS}): its precision and recall are noisy; see their intervals`);
  }
}


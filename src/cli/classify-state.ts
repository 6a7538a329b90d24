/**
 * `classify --state FILE` and the classify half of `leadlag merge` (docs/scale.md): a run that
 * owns [--start, --end) builds the labelled data set of its triggers (features, label, time),
 * trains nothing, and writes the rows with the records that prove its cuts; the merge checks
 * the states fit together (src/core/dataset-state.ts), joins the rows in time order and runs
 * what classify runs on its data set, so it prints what one run prints.
 */
import { UsageError } from '../errors.js';
import type { Context } from './context.js';
import { analysisParamsOf, rangeOf } from './options.js';
import { prepareOutputs } from '../io/atomic.js';
import { buildDataset, datasetMargin, featureParamsOf, labelChanceOf } from './dataset.js';
import { checkCombination, writeClassifyOutputs, refuseCombination, evaluateDataset, inputsOf, outputsOf, type ClassifyOptions, type ClassifyReport, type EvaluationOptions } from './commands/classify.js';
import { countLeads, type LeftOut } from '../core/dataset.js';
import { featureNames } from '../core/features.js';
import { datasetChance, datasetEdgeUs, datasetEnds, decodeRows, encodeRows, featureHistoryUs, mergeDatasetShards, type DatasetChance, type DatasetEnds, type DatasetShard, type EncodedRow } from '../core/dataset-state.js';
import type { AnalysisParams } from '../core/types.js';
import { loadXGBoost } from '../io/xgboost-load.js';
import { ownedRange, refuseOtherCommandsState, runStateText, type StateFile, readerParams, TicksSeen, type TicksSeenJson } from '../io/state-file.js';
import { LEADLAG_VERSION } from './version.js';

/** Every option that changes classify's data set or what it does with it (merge requires them equal). */
export interface ClassifyStateParams {
  readonly names: [string, string];
  readonly threshold: number;
  readonly jump_window_us: number;
  readonly pair_window_us: number;
  readonly grid_us: number;
  readonly feed: 'native' | 'locf';
  readonly features: 'base' | 'extended';
  readonly trade_side: 'quotes' | 'flag';
  readonly balanced: boolean;
  readonly split: ClassifyOptions['split'];
  readonly folds: number;
  readonly per_class: number;
  readonly target_recall: number;
  readonly trees: number;
  readonly depth: number;
  readonly eta: number;
  readonly seed: number;
  readonly bootstrap: number;
  readonly block_us: number;
  /** The labels' chance pairs' step; absent from states written before them. */
  readonly null_step_us?: number;
  readonly clock: string | null;
  readonly time_unit: string | null;
  readonly sort: boolean;
  readonly skip_bad_rows: boolean;
  /** How the files' columns are read (column mapping, time format, delimiter): null when recognised by name. */
  readonly layout: Record<string, unknown>;
}

export function classifyStateParams(o: ClassifyOptions): ClassifyStateParams {
  return {
    names: o.names,
    threshold: o.threshold,
    jump_window_us: o.jumpWindow,
    pair_window_us: o.pairWindow,
    grid_us: o.grid,
    feed: o.feed,
    features: o.features,
    trade_side: o.tradeSide,
    balanced: o.balanced === true,
    split: o.split,
    folds: o.folds,
    per_class: o.perClass,
    target_recall: o.targetRecall,
    trees: o.trees,
    depth: o.depth,
    eta: o.eta,
    seed: o.seed,
    bootstrap: o.bootstrap,
    block_us: o.block,
    null_step_us: o.nullStep,
    ...readerParams(o, true),
  };
}

type MarketSeen = TicksSeenJson;

interface ClassifyStateHeader {
  readonly range: { start_us: number | null; end_us: number | null };
  /** The range's spot jumps: its triggers of each class and those left out (absent from states written before they were recorded). */
  readonly triggers: { lead: number; noise: number; follows?: number; simultaneous?: number };
  readonly edge_us: number;
  readonly history_us: number;
  readonly seen: Record<'a' | 'b', MarketSeen | null>;
  /** null: the two markets do not overlap in the data the state read. */
  readonly data_span: { start_us: number; end_us: number } | null;
}

/** A state's body for classify. */
interface ClassifyStateBody {
  readonly feature_names: string[];
  /** The triggers in the range, in time order: [t, label, feature…] (src/core/dataset-state.ts encodeRows). */
  readonly rows: EncodedRow[];
  readonly ends: DatasetEnds;
  /** The pairings with the chance shifts (null: no overlap in the data read); absent from states written before them. */
  readonly chance?: DatasetChance | null;
}


/** What a classify state run refuses before reading, whatever its range (plan checks its jobs with it too). */
export function checkClassifyStateOptions(o: ClassifyOptions): void {
  if (o.saveModel !== undefined) throw new UsageError('--save-model goes without --state: a state run trains no model (merge the states with leadlag merge)');
  refuseCombination(o);
}

/** Builds the data set of [--start, --end) plus its margin and writes the state; prints nothing on stdout (but `--dump-features -`). */
export async function runClassifyState(files: readonly [string, string], o: ClassifyOptions, ctx: Context): Promise<void> {
  checkClassifyStateOptions(o);
  checkCombination(o, ctx);
  const params = analysisParamsOf(o);
  const range = rangeOf(o);
  // A state path that is an input, or cannot be created, fails before anything is read.
  await prepareOutputs(outputsOf(o), inputsOf(files, o));
  refuseOtherCommandsState(o.state!, 'classify');
  const featureParams = featureParamsOf(o, params);
  const historyUs = featureHistoryUs(featureParams);
  const edgeUs = datasetEdgeUs(params, featureParams, o.nullStep);
  const margin = datasetMargin(params, featureParams, o.nullStep);
  const watch = [new TicksSeen(range.end - historyUs), new TicksSeen(range.end - historyUs)] as const;
  const run = await buildDataset(files, o, params, ctx, (m, b) => watch[m].push(b), 'empty');
  const body: ClassifyStateBody = {
    feature_names: [...run.dataset.names],
    rows: encodeRows(run.dataset),
    ends: datasetEnds(run.spot[o.feed], run.perp[o.feed], run.dataSpan, range, edgeUs, params.pairWindowUs),
    chance: datasetChance(run.family, o.nullStep),
  };
  const header: Omit<ClassifyStateHeader, 'range'> = {
    edge_us: edgeUs,
    history_us: historyUs,
    seen: { a: watch[0].json(), b: watch[1].json() },
    data_span: run.dataSpan === undefined ? null : { start_us: run.dataSpan.start, end_us: run.dataSpan.end },
    triggers: { lead: run.leads, noise: run.noise, follows: run.leftOut.follows, simultaneous: run.leftOut.simultaneous },
  };
  const state = { version: LEADLAG_VERSION, command: 'classify', label: o.label, planSpan: o.planSpan, params: classifyStateParams(o), range, marginUs: margin, inputs: { a: run.files[0], b: run.files[1], trades: run.files[2] }, emptyInputs: { a: run.emptyFiles[0], b: run.emptyFiles[1], trades: run.emptyFiles[2] } };
  const written = runStateText(o.state!, state, header, body, `, ${run.dataset.labels.length} triggers`);
  await writeClassifyOutputs(run.dataset, o, ctx, [{ path: o.state!, data: written.text }]);
  if (!o.quiet) ctx.io.stderr.write(written.wrote);
}

/**
 * The classify report of merged states (parameters already checked equal by the merge
 * command): the rows of one run over all the ranges, then what classify does with them.
 * @throws DataError naming the files when the states do not fit together.
 */
export async function mergeClassifyStates(states: readonly StateFile[], allowGaps: boolean, ctx: Context, onMerged: () => void = () => {}): Promise<ClassifyReport> {
  const xgbLoading = loadXGBoost();
  xgbLoading.catch(() => {}); // awaited below; a refusal first
  const p = states[0]!.header.params as unknown as ClassifyStateParams;
  const params: AnalysisParams = { threshold: p.threshold, windowUs: p.jump_window_us, pairWindowUs: p.pair_window_us, gridUs: p.grid_us };
  const names = featureNames(p.features, featureParamsOf({ tradeSide: p.trade_side, features: p.features }, params));
  const shards = states.map((s) => shardOf(s, names, params));
  const { dataset, span, pairedPerShift } = mergeDatasetShards(shards, p.feed, p.features === 'extended', allowGaps);
  // The cuts are accepted: what a merge says of its inputs comes now, before the evaluation's words.
  onMerged();
  const leads = countLeads(dataset.labels);
  const o: EvaluationOptions = {
    names: p.names,
    feed: p.feed,
    seed: p.seed,
    split: p.split,
    folds: p.folds,
    features: p.features,
    trees: p.trees,
    depth: p.depth,
    eta: p.eta,
    targetRecall: p.target_recall,
    perClass: p.per_class,
    tradeSide: p.trade_side,
    bootstrap: p.bootstrap,
    block: p.block_us,
    balanced: p.balanced,
    ...(p.null_step_us !== undefined ? { nullStep: p.null_step_us } : {}),
  };
  const chance = p.null_step_us !== undefined && pairedPerShift !== undefined ? labelChanceOf(pairedPerShift, p.null_step_us) : undefined;
  const file = states.map((s) => s.file).join(', ');
  return evaluateDataset(await xgbLoading, { dataset, span, leads, noise: dataset.labels.length - leads, leftOut: leftOutOf(states), chance }, o, params, file, ctx).report;
}

/**
 * The left-out spot jumps of merged states: each state counts those in its own range, so their
 * sum is one run's. Undefined when a state does not record them (written before they were).
 */
function leftOutOf(states: readonly StateFile[]): LeftOut | undefined {
  let follows = 0;
  let simultaneous = 0;
  for (const s of states) {
    const t = (s.header as unknown as ClassifyStateHeader).triggers;
    if (t?.follows === undefined || t.simultaneous === undefined) return undefined;
    follows += t.follows;
    simultaneous += t.simultaneous;
  }
  return { follows, simultaneous };
}

function shardOf(s: StateFile, names: readonly string[], params: AnalysisParams): DatasetShard {
  const h = s.header as unknown as ClassifyStateHeader;
  const body = s.body as ClassifyStateBody;
  const seen = (x: MarketSeen | null) => (x === null ? null : { first: x.first_us, last: x.last_us });
  return {
    name: s.file,
    owned: ownedRange(s),
    edgeUs: h.edge_us,
    windowUs: params.windowUs,
    pairWindowUs: params.pairWindowUs,
    dataSpan: h.data_span === null ? null : { start: h.data_span.start_us, end: h.data_span.end_us },
    seen: { a: seen(h.seen.a), b: seen(h.seen.b) },
    historyEnd: { a: h.seen.a?.history_end_us ?? null, b: h.seen.b?.history_end_us ?? null },
    ends: body.ends,
    chance: body.chance,
    rows: decodeRows(names, body.rows, s.file),
  };
}

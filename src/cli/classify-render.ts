/**
 * What `classify` prints: Tables 3 and 4 as in docs/definitions.md §5, then the baselines with
 * their intervals, the walk-forward folds, the gain importances, the reliability table and a
 * one-sentence verdict (docs/classify.md says how to read each).
 */
import type { PrCurve } from '../core/prcurve.js';
import { MIN_REPLICATES, moreBlocksAdvice, paramsJson, type Feed } from './options.js';
import { counted, fixed, humanTable, type Cell, type Output, type Style } from '../io/output.js';
import type { ClassificationReport, ClassIntervals } from '../core/report.js';
import type { ReliabilityBin, ScorerAp } from '../core/evaluation.js';
import type { LeftOut } from '../core/dataset.js';
import type { FeatureGain } from '../core/treegain.js';
import type { Interval } from '../core/bootstrap.js';
import type { AnalysisParams, Span } from '../core/types.js';
import type { ClassifyOptions } from './commands/classify.js';
import { MIN_PER_CLASS } from '../core/sampling.js';
import { aboveChance, formatRatio, MIN_CLAIM_BLOCKS, weakBaseline } from '../core/verdict.js';
import type { LabelChance } from './dataset.js';
import { duration } from '../core/human-text.js';
import { skippedRowsMember, type SkippedRows } from './skipped-rows.js';

/** One walk-forward fold as reported. */
export interface FoldSummary {
  readonly fold: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly nPurged: number;
  readonly testStartUs: number;
  readonly testEndUs: number;
  readonly testPrevalence: number;
  readonly skipped: boolean;
  readonly averagePrecision?: number;
  readonly logisticAp?: number;
}
export interface ClassifyReport {
  /** The rows the readers skipped, the trades' too (skipped-rows.ts); from merged states, those the states recorded (merge.ts skippedRowsRead). */
  readonly skipped?: readonly SkippedRows[];
  readonly mode: 'holdout' | 'balanced';
  readonly feed: Feed;
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  readonly span: Span;
  /** The run's options, echoed in JSON `params` so a result can be reproduced from its own output. */
  readonly options: Pick<ClassifyOptions, 'seed' | 'split' | 'folds' | 'features' | 'trees' | 'depth' | 'eta' | 'targetRecall' | 'perClass' | 'tradeSide' | 'bootstrap' | 'block' | 'balanced'> & { readonly nullStep?: number };
  /** Labelled triggers of each class in the whole span. */
  readonly leads: number;
  readonly noise: number;
  /** The span's spot jumps that are no trigger; undefined from merged states that do not record them. */
  readonly leftOut: LeftOut | undefined;
  /** The labels' pairs against chance (pair's numbers for the feed); null from merged states that do not record them. */
  readonly chance: LabelChance | null;
  readonly nTrain: number;
  readonly nTest: number;
  /** Blocks of --block holding a test trigger: a claim needs MIN_CLAIM_BLOCKS of them (triggers close in time are not independent). */
  readonly testBlocks: number;
  /** --split time: triggers left out of the test because they precede the last training trigger. */
  readonly nEmbargoed: number;
  /** --split time: training triggers left out because their label windows reach the test period. */
  readonly nPurged: number;
  /** Share of class 1 in the test set: the average precision of a random classifier. */
  readonly testPrevalence: number;
  readonly report: ClassificationReport;
  /** Wilson intervals of each class's precision and recall. */
  readonly intervals: readonly [ClassIntervals, ClassIntervals];
  /** Hold-out only. */
  readonly averagePrecision?: number;
  readonly threshold: number;
  readonly precisionAtThreshold?: number;
  readonly recallAtThreshold?: number;
  /** AP of XGBoost (first), the base rate, logistic regression and the jump-size rule. */
  readonly aps: readonly ScorerAp[];
  /** The column the jump-size rule ranks by. */
  readonly ruleFeature: string;
  readonly featureNames: readonly string[];
  readonly gains: readonly FeatureGain[];
  /** Walk-forward with several tested folds: each fold's own gains, for the spread of the shares. */
  readonly foldGains?: readonly (readonly FeatureGain[])[];
  readonly reliability: readonly ReliabilityBin[];
  /** Walk-forward only. */
  readonly folds?: readonly FoldSummary[];
  /** The pooled test triggers' precision–recall curve (the report draws it; not printed). */
  readonly curve?: PrCurve;
}

const SCORER_LABEL: Record<string, string> = { xgboost: 'XGBoost', base_rate: 'base rate', logistic: 'logistic regression', jump_size: 'jump size' };

export function renderClassify(r: ClassifyReport): Output {
  const cls = (i: 0 | 1) => ({ ...r.report.classes[i], precision_ci: pairOf(r.intervals[i].precision), recall_ci: pairOf(r.intervals[i].recall) });
  const o = r.options;
  const json: Record<string, unknown> = {
    mode: r.mode,
    n_train: r.nTrain,
    n_test: r.nTest,
    test_blocks: r.testBlocks,
    n_embargoed: r.nEmbargoed,
    n_purged: r.nPurged,
    classes: { '0': cls(0), '1': cls(1) },
    accuracy: r.report.accuracy,
  };
  if (r.mode === 'holdout') {
    Object.assign(json, { average_precision: r.averagePrecision, threshold: r.threshold, precision_at_threshold: r.precisionAtThreshold, recall_at_threshold: r.recallAtThreshold });
  }
  Object.assign(json, {
    counts: countsJson(r),
    chance: r.chance == null ? null : { paired_events: r.chance.paired, chance_pairs_mean: r.chance.mean, chance_pairs_max: r.chance.max, above_chance: aboveChance(r.chance.paired, r.chance.mean, r.chance.max) },
    test_prevalence: r.testPrevalence,
    feed: r.feed,
    split: o.split,
    seed: o.seed,
    params: {
      ...paramsJson(r.params),
      feed: r.feed,
      names: [...r.names],
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
      null_step_us: o.nullStep ?? null,
    },
    baselines: Object.fromEntries(
      r.aps.map((a) => [
        a.name,
        { average_precision: a.ap, ci: pairOf(a.ci), ...(a.name === 'xgboost' ? {} : { xgboost_minus: a.diff, xgboost_minus_ci: pairOf(a.diffCi) }), ...(a.name === 'jump_size' ? { feature: r.ruleFeature } : {}) },
      ]),
    ),
    importance: importanceRows(r).map((x) => ({ feature: x.feature, splits: x.splits, gain: x.gain, total_gain: x.totalGain, share: x.share, ...(x.foldShares ? { fold_share_range: x.foldShares } : {}) })),
    reliability: r.reliability.map((b) => ({ n: b.n, low: b.low, high: b.high, predicted: b.predicted, observed: b.observed })),
  });
  if (r.folds) {
    json['folds'] = r.folds.map((f) => ({ fold: f.fold, skipped: f.skipped, n_train: f.nTrain, n_test: f.nTest, n_purged: f.nPurged, test_start_us: f.testStartUs, test_end_us: f.testEndUs, test_prevalence: f.testPrevalence, average_precision: f.averagePrecision ?? null, logistic_average_precision: f.logisticAp ?? null }));
  }
  json['verdict'] = verdict(r);
  Object.assign(json, skippedRowsMember(r.skipped));
  return { json, machine: { columns: ['metric', 'value'], rows: flatten(json) }, human: (style) => humanClassify(r, style) };
}

/** The span's spot jumps: the triggers of each class, those left out, and all of them (pair's total_spot_jumps); null where unknown. */
function countsJson(r: ClassifyReport): Record<string, number | null> {
  const l = r.leftOut;
  return { lead: r.leads, noise: r.noise, follows: l?.follows ?? null, simultaneous: l?.simultaneous ?? null, jumps: l === undefined ? null : r.leads + r.noise + l.follows + l.simultaneous };
}

function pairOf(i: Interval | null): [number, number] | null {
  return i === null ? null : [i.low, i.high];
}

/**
 * Features by total gain, largest first (ties by name order), with each one's share of the
 * total and, over walk-forward folds, the lowest and highest share any fold's model gave it.
 */
function importanceRows(r: ClassifyReport): (FeatureGain & { feature: string; share: number; foldShares: [number, number] | null })[] {
  const shares = (gains: readonly FeatureGain[]) => {
    const total = gains.reduce((s, g) => s + g.totalGain, 0);
    return gains.map((g) => (total > 0 ? g.totalGain / total : 0));
  };
  const overall = shares(r.gains);
  const perFold = r.foldGains?.map(shares);
  return r.gains
    .map((g, c) => ({ ...g, feature: r.featureNames[c]!, share: overall[c]!, foldShares: perFold ? ([Math.min(...perFold.map((f) => f[c]!)), Math.max(...perFold.map((f) => f[c]!))] as [number, number]) : null, c }))
    .sort((a, b) => b.totalGain - a.totalGain || a.c - b.c)
    .map(({ c: _c, ...rest }) => rest);
}

/** `metric,value` rows named by the JSON paths (`classes.1.f1`, `params.threshold`), so each name is unique. */
function flatten(value: unknown, path = ''): Cell[][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, path === '' ? k : `${path}.${k}`));
  }
  return [[path, value as Cell]];
}

function interval(i: Interval | null, digits = 3): string {
  return i === null ? 'n/a' : `[${fixed(i.low, digits)}, ${fixed(i.high, digits)}]`;
}

function signed(v: number, digits = 3): string {
  return Number.isFinite(v) && v > 0 ? `+${fixed(v, digits)}` : fixed(v, digits);
}

/**
 * One sentence a reader can act on: does XGBoost beat chance, and does it beat logistic
 * regression, with the intervals; and says so when the evidence is weak (a small test class,
 * no intervals, an interval that straddles 0). Below MIN_PER_CLASS test triggers of a class,
 * from fewer than MIN_REPLICATES bootstrap replicates, or over test triggers in fewer than
 * MIN_CLAIM_BLOCKS blocks, it makes no claim.
 */
export function verdict(r: ClassifyReport): string {
  return classifyCall(r).sentence;
}

/** What the verdict claims: nothing (too little to judge), below chance, no evidence, or above chance. */
export type ClassifyClaim = 'none' | 'below' | 'no-evidence' | 'above';

/** Whether the verdict claims that XGBoost ranks leads above chance (the sentences that carry labelsNote). */
export function claimsAboveChance(r: ClassifyReport): boolean {
  return classifyCall(r).claim === 'above';
}

/** The verdict's claim and its sentence, decided once for both. */
function classifyCall(r: ClassifyReport): { readonly claim: ClassifyClaim; readonly sentence: string } {
  const [model, base, logistic] = [r.aps[0]!, r.aps[1]!, r.aps[2]!];
  const leads = r.report.classes[1].support;
  const smaller = Math.min(leads, r.report.classes[0].support);
  const weak = smaller < 30 ? `; the evidence is weak: the smaller test class holds only ${smaller} triggers` : '';
  const aps = `XGBoost's AP ${fixed(model.ap, 3)} vs the base rate ${fixed(base.ap, 3)} and logistic regression ${fixed(logistic.ap, 3)}`;
  const none = (sentence: string) => ({ claim: 'none' as const, sentence });
  // Fewer test triggers of a class than training needs of each: no interval over them means much.
  if (smaller < MIN_PER_CLASS) return none(`Too few test triggers to judge: ${aps}, but the smaller test class holds only ${smaller} (fewer than ${MIN_PER_CLASS}), so no claim either way.`);
  const few = fewReplicatesWhy(r.options.bootstrap);
  if (few !== undefined) return none(`${aps}; ${few}, so no claim either way${weak}.`);
  if (r.options.bootstrap > 0 && r.testBlocks < MIN_CLAIM_BLOCKS) return none(`${aps}; ${fewBlocksClause(r)}, so no claim either way${weak}.`);
  if (base.diffCi === null) {
    // R ≥ MIN_REPLICATES here: a replicate has no AP only when it drew no lead.
    const why = r.options.bootstrap === 0 ? '--bootstrap 0' : 'the test triggers lie in one bootstrap block, or fewer than 2 replicates drew a lead';
    return none(`${aps}; no intervals (${why}), so no claim either way${weak}.`);
  }
  const vsBase = `${signed(base.diff)} AP over the base rate ${interval(base.diffCi)}`;
  const vsLogistic = `${signed(logistic.diff)} AP over logistic regression ${interval(logistic.diffCi)}`;
  if (base.diffCi.high < 0) return { claim: 'below', sentence: `XGBoost ranks leads below chance: ${vsBase}, an interval below 0 (the model learned something that does not hold on the test set)${weak}.` };
  if (!(base.diffCi.low > 0)) return { claim: 'no-evidence', sentence: `No evidence that these features predict a lead: XGBoost adds ${vsBase}, an interval that includes 0${weak}.` };
  const above = (sentence: string) => ({ claim: 'above' as const, sentence: `${sentence}${weak}. ${labelsNote(r)}` });
  if (logistic.diffCi !== null && logistic.diffCi.high < 0) {
    return above(`XGBoost ranks leads above chance (${vsBase}) but below logistic regression (${vsLogistic}, an interval below 0: the simpler model ranks them better)`);
  }
  if (logistic.diffCi === null || !(logistic.diffCi.low > 0)) return above(`XGBoost ranks leads above chance (${vsBase}) but nothing significant over logistic regression (${vsLogistic})`);
  return above(`XGBoost ranks leads above chance (${vsBase}) and adds ${vsLogistic}`);
}

/**
 * What "ranks leads above chance" is of: the labels, which a greedy pairing gives (§5: a lead is
 * a trigger a perp jump of the same sign followed within D). Spot jumps that come in bursts make
 * them predictable with no lead at all (the first of a burst takes the perp jump, the next find
 * none): a hunt ranked an independent perp's "leads" above chance in 18 of 50 runs. So the note
 * says whether the pairs the labels come from are above their chance baseline (§10, pair's rule
 * and numbers for the feed); merged states that predate it cannot say.
 */
function labelsNote(r: ClassifyReport): string {
  const [a, b] = r.names;
  const labels = `This ranks the labels (a lead is a ${a} jump that a ${b} jump followed)`;
  const c = r.chance;
  // == null: reports built before the labels' chance pairs, and merged states that lack them.
  if (c == null) return `${labels}; that ${b} follows ${a} more often than by chance is pair's test (its chance pairs), which these numbers do not make.`;
  const caveat = belowChanceClause(r);
  if (caveat !== null) return `${labels}, ${caveat}`;
  return `${labels}, and the pairs they come from are above chance (${pairsAgainstChance(c)}: ${formatRatio(c.paired, c.mean)} the chance pairs).`;
}

/** "78 pairs, 0.7 by chance on average" (§10: perp shifted by ±1…±10 steps). */
function pairsAgainstChance(c: LabelChance): string {
  return `${counted(c.paired, 'pair')}, ${Number(fixed(c.mean, 1))} by chance on average`;
}

/**
 * Where the verdict claims a ranking above chance but the pairs its labels come from are not
 * above their chance baseline (§10: under twice the shifted copies' mean, or no more than the
 * luckiest copy): many of the leads may be coincidences, and the ranking need not be a lead's.
 * In pair's words for its baseline; null otherwise (no claim, pairs above chance, or unknown).
 */
export function chanceCaveat(r: ClassifyReport): string | null {
  return classifyCall(r).claim === 'above' ? belowChanceClause(r) : null;
}

/** The caveat's words where the labels' pairs are not above chance, whatever the claim; null where they are, or unknown. */
function belowChanceClause(r: ClassifyReport): string | null {
  const c = r.chance;
  if (c == null || aboveChance(c.paired, c.mean, c.max)) return null;
  return `but the pairs they come from are not above chance (${pairsAgainstChance(c)}: ${weakBaseline(c.paired, c.mean, c.max)}): many of the leads may be coincidences, which ${r.names[0]}'s bursts make predictable, so the ranking need not be a lead's.`;
}

/**
 * Why test triggers in fewer than MIN_CLAIM_BLOCKS blocks carry no claim: an interval over them
 * is one block's triggers against another's (2 blocks of 20 s gave an interval with the AP
 * itself at one end, and a claim of "above chance").
 */
export function fewBlocksClause(r: Pick<ClassifyReport, 'testBlocks' | 'options'>): string {
  const where = r.testBlocks === 1 ? 'one block' : `only ${r.testBlocks} blocks`;
  return `the test triggers lie in ${where} of ${duration(r.options.block)}, and a claim needs them in at least ${MIN_CLAIM_BLOCKS} (triggers close in time are not independent; ${moreBlocksAdvice('triggers')})`;
}

/**
 * Why intervals from R replicates (1 ≤ R < MIN_REPLICATES) cannot carry a claim; undefined when
 * R = 0 (no intervals at all, said apart) or R is enough. With so few, each end of a 95 %
 * percentile interval is one or two of the most extreme replicates, which move with --seed: two
 * replicates can give an interval that misses the AP it belongs to and lies clear of 0 where
 * 1000 replicates straddle it. The interval table still shows them, under the warning.
 */
function fewReplicatesWhy(replicates: number): string | undefined {
  if (replicates === 0 || replicates >= MIN_REPLICATES) return undefined;
  return `too few bootstrap replicates to judge (--bootstrap ${replicates} draws ${counted(replicates, 'replicate')}; a claim needs at least ${MIN_REPLICATES}, the default is 1000)`;
}

/**
 * Which of the span's spot jumps are triggers, so the count is not mistaken for pair's
 * total_spot_jumps: `97 of 121 spot jumps (native feed) in the span, leaving out 24 that follow
 * a perp jump (12) or coincide with one (12) in a pair`.
 */
export function triggersText(r: ClassifyReport): string {
  const [a, b] = r.names;
  const total = r.leads + r.noise;
  const jumps = `${a} jumps (${r.feed} feed) in the span`;
  const l = r.leftOut;
  if (l === undefined) return `${total} ${jumps} that lead or are noise (the states do not record how many were left out)`;
  const left = l.follows + l.simultaneous;
  if (left === 0) return `all ${total} ${jumps} (none follows or coincides with a ${b} jump in a pair)`;
  return `${total} of ${total + left} ${jumps}, leaving out ${left} that follow a ${b} jump (${l.follows}) or coincide with one (${l.simultaneous}) in a pair`;
}

function humanClassify(r: ClassifyReport, style: Style): string {
  const { c } = style;
  const [a, b] = r.names;
  // Folds skipped (too few training triggers of a class, or a test block without one) leave the pooled result to the others: said in the header.
  const kept = r.folds?.filter((f) => !f.skipped).length ?? r.options.folds;
  const test = r.options.split === 'walk-forward' ? `walk-forward test over ${kept === r.options.folds ? `${kept} folds` : `${kept} of ${r.options.folds} folds (${r.options.folds - kept} skipped)`}` : 'hold-out test';
  const title = r.mode === 'holdout' ? `Table 3: will ${b} follow a ${a} jump? ${test}, threshold calibrated for recall ≥ target` : `Table 4: will ${b} follow a ${a} jump? balanced sample, threshold 0.5`;
  const cls = r.report.classes;
  const rows: Cell[][] = [
    ['0 noise', fixed(cls[0].precision, 3), fixed(cls[0].recall, 3), fixed(cls[0].f1, 3), cls[0].support],
    ['1 lead', fixed(cls[1].precision, 3), fixed(cls[1].recall, 3), fixed(cls[1].f1, 3), cls[1].support],
    ['accuracy', '', '', fixed(r.report.accuracy, 3), cls[0].support + cls[1].support],
  ];
  const total = r.leads + r.noise;
  const split = r.options.split === 'walk-forward' ? `split walk-forward (${r.options.folds} folds, train sizes summed)` : `split ${r.options.split}`;
  const lines = [
    c.bold(title),
    c.dim(`triggers: ${triggersText(r)}: ${r.leads} lead, ${r.noise} noise (prevalence ${fixed(r.leads / total, 3)}); train ${r.nTrain}${r.nPurged > 0 ? ` (${r.nPurged} purged: their label windows reach the test period)` : ''}, test ${r.nTest}${r.nEmbargoed > 0 ? ` (${r.nEmbargoed} left out: earlier than the last training trigger)` : ''}, ${split}, seed ${r.options.seed}`),
  ];
  if (r.mode === 'holdout') {
    lines.push(
      `average precision ${fixed(r.averagePrecision ?? NaN, 3)} (a random guess scores the test prevalence, ${fixed(r.testPrevalence, 3)})`,
      `threshold ${fixed(r.threshold, 4)}: precision ${fixed(r.precisionAtThreshold ?? NaN, 3)}, recall ${fixed(r.recallAtThreshold ?? NaN, 3)}`,
    );
  }
  lines.push(humanTable(['class', 'precision', 'recall', 'f1', 'support'], rows, style, ['left', 'right', 'right', 'right', 'right']));
  const iv = r.intervals;
  lines.push(c.dim(`95 % Wilson intervals: lead precision ${interval(iv[1].precision)}, recall ${interval(iv[1].recall)}; noise precision ${interval(iv[0].precision)}, recall ${interval(iv[0].recall)}`));
  lines.push('', c.bold(`Baselines: average precision on the same ${r.nTest} test triggers`) + c.dim(r.options.bootstrap > 0 ? ` (95 % block bootstrap, ${counted(r.options.bootstrap, 'replicate')}, ${r.options.block / 1e6} s blocks)` : ' (no intervals: --bootstrap 0)'));
  const apRows: Cell[][] = r.aps.map((s) => [s.name === 'jump_size' ? `jump size (${r.ruleFeature})` : SCORER_LABEL[s.name] ?? s.name, fixed(s.ap, 3), interval(s.ci), s.name === 'xgboost' ? '' : signed(s.diff), s.name === 'xgboost' ? '' : interval(s.diffCi)]);
  lines.push(humanTable(['scorer', 'AP', 'interval', 'XGBoost − it', 'interval'], apRows, style, ['left', 'right', 'right', 'right', 'right']));
  if (r.folds) {
    lines.push('', c.bold('Walk-forward folds: train on every earlier trigger, test on the next block'));
    const foldRows: Cell[][] = r.folds.map((f) => [f.fold, f.nTrain, f.nPurged, f.nTest, fixed(f.testPrevalence, 3), f.skipped ? 'skipped' : fixed(f.averagePrecision ?? NaN, 3), f.skipped ? '' : fixed(f.logisticAp ?? NaN, 3)]);
    lines.push(humanTable(['fold', 'train', 'purged', 'test', 'prevalence', 'AP', 'logistic AP'], foldRows, style, ['right', 'right', 'right', 'right', 'right', 'right', 'right']));
  }
  lines.push('', c.bold('What the model learned: XGBoost gain per feature') + c.dim(' (gain = mean loss reduction per split, as XGBoost\'s importance "gain")'));
  const pct = (v: number) => `${fixed(v * 100, 1)} %`;
  const gainRows: Cell[][] = importanceRows(r).map((g) => [g.feature, g.splits, fixed(g.gain, 3), pct(g.share), ...(g.foldShares ? [`${pct(g.foldShares[0])} – ${pct(g.foldShares[1])}`] : [])]);
  const foldColumn = r.foldGains ? ['share, lowest – highest fold'] : [];
  lines.push(humanTable(['feature', 'splits', 'gain', 'share of total gain', ...foldColumn], gainRows, style, ['left', 'right', 'right', 'right', 'right']));
  if (!r.foldGains) lines.push(c.dim('one model, so no interval: --split walk-forward shows how the shares vary from fold to fold'));
  lines.push('', c.bold('Reliability: predicted probability deciles against the observed lead rate') + c.dim(' (not calibrated rates: training balances the classes; read whether the observed rate rises with the predictions)'));
  const relRows: Cell[][] = r.reliability.map((bin, k) => [k + 1, bin.n, `${fixed(bin.low, 3)}–${fixed(bin.high, 3)}`, fixed(bin.predicted, 3), fixed(bin.observed, 3)]);
  lines.push(humanTable(['decile', 'n', 'predicted range', 'mean predicted', 'observed lead rate'], relRows, style, ['right', 'right', 'right', 'right', 'right']));
  lines.push('', c.bold(verdict(r)));
  return lines.join('\n');
}

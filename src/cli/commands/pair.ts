/**
 * `leadlag pair SPOT PERP`: jumps on native ticks and on the LOCF grid, paired across the
 * two markets within D (docs/definitions.md §1–3, Table 1), with the leader→follower delays.
 */
import { Context, type Streams } from '../context.js';
import { analysisParamsOf, paramsJson, rangeOf, refusePlanSpanAlone, refuseTradeColumns, warnFewReplicates, warnShortBlock, type PlanSpan, type BootstrapCliOptions, type CommonOptions, type Feed, type JumpCliOptions, type ReaderCliOptions, type TimeCliOptions } from '../options.js';
import { pairMargin, requireBootstrapBlocks, requireOverlap, runPass, type TwoMarketPass } from '../inputs.js';
import type { ReadReport } from '../../io/types.js';
import type { GridReturns } from '../../core/volatility.js';
import { warnAboutInputs } from '../sanity.js';
import { skippedRowsMember, skippedRowsOf, type SkippedRows } from '../skipped-rows.js';
import { byTable, cellLengthOf, withVolatility } from '../windows.js';
import { humanPairBy, ledBlocksOf, metricRows, pairBy, pointOf, pairByJson, type PairBy } from '../pair-windows.js';
import { PairAnalysis, type PairParts } from '../../core/pair-analysis.js';
import type { MergedPair } from '../../core/pair-merge.js';
import { pairedOf, type PairCounts } from '../../core/pair-parts.js';
import { binomialTwoSidedHalf } from '../../core/binomial.js';
import { CHANCE_SHIFTS, chanceOfCounts } from '../../core/chance.js';
import { drawSpanBlocks, pairStatsOfCounts, type DelayStats, type PairStats } from '../../core/pairstats.js';
import type { Interval } from '../../core/bootstrap.js';
import { formatPValue, MIN_LED_BLOCKS, pairVerdict, withArticle, type PairVerdict } from '../../core/verdict.js';
import { UsageError } from '../../errors.js';
import { prepareOutputFiles, writePlot, type PlotCliOptions } from '../plot.js';
import { delayFigures } from '../../report/figures.js';
import { pairWarnings } from '../advice.js';
import { counted, duration, fixed, humanTable, isoMicros, lazyOutput, spanJson, percent, type Cell, type Output, type Style } from '../../io/output.js';
import type { AnalysisParams, Span } from '../../core/types.js';


export interface PairOptions extends CommonOptions, PlotCliOptions, ReaderCliOptions, JumpCliOptions, BootstrapCliOptions, Partial<TimeCliOptions> {
  feed: 'both' | Feed;
  /** Step of the shifts of the chance baseline, µs. */
  nullStep: number;
  /** --state FILE: write the partial state of the range instead of printing (docs/scale.md). */
  state?: string;
  /** --label NAME: the pair's name in a state (merge prints one row per label). */
  label?: string;
  /** With --state: the span all of a plan's jobs cover (plan writes it; merge then knows a missing first or last job). */
  planSpan?: PlanSpan;
}

/** Table 1 of one feed, under the metric names built from the market names. */
export interface FeedTable {
  readonly feed: Feed;
  /** Table 1 under the metric names built from the market names, then the leader test and the chance baseline. */
  readonly metrics: ReadonlyArray<readonly [name: string, value: number, meaning: string]>;
  /** The same values under role names (a = first file, b = second), whatever --names says. */
  readonly roleMetrics: ReadonlyArray<readonly [name: string, value: number]>;
  /** Leader→follower delays in µs per direction (NaN when there are no such pairs). */
  readonly delays: ReadonlyArray<DelayStats & { readonly direction: string; readonly role: string }>;
  readonly stats: PairStats;
}

export interface PairReport {
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  readonly span: Span;
  readonly feeds: readonly FeedTable[];
  readonly nullStepUs: number;
  readonly bootstrap: { readonly replicates: number; readonly blockUs: number; readonly seed: number };
  /** With --by: the windows, regimes and stability summary (docs/time.md). */
  readonly by?: PairBy;
  /** The rows the readers skipped (skipped-rows.ts); from merged states, those the states recorded (merge.ts skippedRowsRead). */
  readonly skipped?: readonly SkippedRows[];
}

/** What `leadlag pair` does once parsed; pair-command.ts defines the command and loads this module only when it runs. */
export async function pairAction(io: Streams, spot: string, perp: string, o: PairOptions): Promise<void> {
  const ctx = new Context(io, o);
  refusePlanSpanAlone(o);
  refuseTradeColumns(o, 'pair');
  if (o.state !== undefined) return (await import('../pair-state.js')).runPairState([spot, perp], o, ctx);
  warnFewReplicates(ctx, o.bootstrap);
  warnShortBlock(ctx, o.block);
  await prepareOutputFiles([{ option: '--plot', path: o.plot }], [spot, perp]);
  const report = await runPair([spot, perp], o, ctx);
  await writePlot(o, () => delayFigures(report)[0]!);
  await ctx.emit(renderPair(report));
}

export function runPair(files: readonly [string, string], o: PairOptions, ctx: Context): Promise<PairReport> {
  return runPass(files, o, ctx, pairPass(files, o, ctx));
}

/** pair as a pass: the analysis to feed and how it becomes the report (runPair, and `report`'s one read). */
export function pairPass(files: readonly [string, string], o: PairOptions, ctx: Context): TwoMarketPass<PairReport> {
  assertRoleNamesFree(o.names);
  const params = analysisParamsOf(o);
  const range = rangeOf(o);
  const analysis = new PairAnalysis(params, cellLengthOf(o), range, o.nullStep);
  const { consumer, meter } = withVolatility(o.by, analysis);
  // The margin also covers the largest shift of the chance pairs, so that a range's shifted copies are a longer run's.
  return { plan: { range, margin: pairMargin(params, o.nullStep) }, consumer, finish: (reads) => finishPair(files, o, ctx, analysis, reads, meter) };
}

function finishPair(files: readonly [string, string], o: PairOptions, ctx: Context, analysis: PairAnalysis, reads: [ReadReport, ReadReport], meter: GridReturns | undefined): PairReport {
  const params = analysisParamsOf(o);
  const range = rangeOf(o);
  const feeds: Feed[] = o.feed === 'both' ? ['native', 'locf'] : [o.feed];
  const parts = analysis.finish(feeds);
  const span = requireOverlap(parts?.dataSpan, reads[0], reads[1], range);
  warnAboutInputs(ctx, files, o, reads, span);
  requireBootstrapBlocks(span, o.block, o.bootstrap);
  // One set of block draws for the whole run: every interval uses the same replicates.
  const draws = o.bootstrap > 0 ? drawSpanBlocks(span, o.block, o.bootstrap, o.seed) : undefined;
  const report: PairReport = {
    names: o.names,
    params,
    span,
    feeds: feedTables(feeds, pairStatsOfCounts(feeds.map((feed) => parts!.feeds[feed].merged()), o.nullStep, draws, o.block), o.names, params, o.nullStep),
    nullStepUs: o.nullStep,
    bootstrap: { replicates: o.bootstrap, blockUs: o.block, seed: o.seed },
    by: o.by === undefined ? undefined : pairBy(parts!, feeds, span, meter, o.nullStep, o.block),
    skipped: skippedRowsOf(reads),
  };
  for (const w of pairWarnings(report)) ctx.warn(w);
  return report;
}

export { pairMargin } from '../inputs.js';

/** What a merge of states hands back to pair's report (src/cli/pair-state.ts). */
export interface MergedPairInput {
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  readonly nullStepUs: number;
  readonly bootstrap: { readonly replicates: number; readonly blockUs: number; readonly seed: number };
  readonly feeds: readonly Feed[];
  readonly byCells: boolean;
  readonly merged: MergedPair;
}

/**
 * pair's report from merged states: the same functions as one run, fed the merged parts (Table
 * 1, chance pairs, delays and their leaders, windows) and the block draws of the whole span, so
 * the output is the one run's byte for byte.
 */
export function mergedPairReport(m: MergedPairInput): PairReport {
  const span = m.merged.span;
  requireBootstrapBlocks(span, m.bootstrap.blockUs, m.bootstrap.replicates);
  const draws = m.bootstrap.replicates > 0 ? drawSpanBlocks(span, m.bootstrap.blockUs, m.bootstrap.replicates, m.bootstrap.seed) : undefined;
  const parts: PairParts = { dataSpan: span, feeds: Object.fromEntries(m.feeds.map((f) => [f, m.merged.feeds[f]!.cells])) as PairParts['feeds'] };
  return {
    names: [m.names[0], m.names[1]],
    params: m.params,
    span,
    feeds: feedTables(m.feeds, pairStatsOfCounts(m.feeds.map((feed) => m.merged.feeds[feed]!.cells.merged()), m.nullStepUs, draws, m.bootstrap.blockUs), m.names, m.params, m.nullStepUs),
    nullStepUs: m.nullStepUs,
    bootstrap: m.bootstrap,
    by: m.byCells ? pairBy(parts, m.feeds, span, undefined, m.nullStepUs, m.bootstrap.blockUs) : undefined,
  };
}

/**
 * A window's (or regime's) Table 1 and leader test from its parts, under the metric names, the
 * role keys as the whole span has them, and the table's last two columns: A's share of led
 * pairs and the window's lag (pair-windows.ts pointOf; NaN, printed null or empty, where none).
 */
function windowMetrics(c: PairCounts, [a, b]: readonly [string, string], nullStepUs: number, blockUs: number): ReadonlyArray<readonly [string, number]> {
  const chance = chanceOfCounts(c.chance, nullStepUs);
  const point = pointOf(0, 0, c, nullStepUs, blockUs);
  const named: [string, number][] = [
    [`total_${a}_jumps`, c.totalA],
    [`total_${b}_jumps`, c.totalB],
    ['paired_events', pairedOf(c)],
    [`${a}_leads_${b}`, c.aLeadsB],
    [`${b}_leads_${a}`, c.bLeadsA],
    ['simultaneous', c.simultaneous],
    [`noise_${a}_jumps`, c.noiseA],
    [`noise_${b}_jumps`, c.noiseB],
    ['noise_events', c.noiseA + c.noiseB],
    ['leader_p_value', binomialTwoSidedHalf(c.aLeadsB, c.bLeadsA)],
    ['led_blocks', ledBlocksOf(c, blockUs)],
    ['chance_pairs_mean', chance.mean],
    ['chance_pairs_max', chance.max],
    ['excess_pairs', pairedOf(c) - chance.mean],
  ];
  // Role keys beside the named ones, unless a name spells them already (--names a,b).
  const keys = new Set(named.map(([k]) => k));
  return [...named, ...roleMetrics(c).filter(([k]) => !keys.has(k)), ['share_a_leads', point.values.share_a_leads ?? NaN], ['lag_us', point.lagUs ?? NaN]];
}

/** The role-keyed counts (the first file A, the second B) of a table or a window's counts. */
function roleMetrics(c: { readonly totalA: number; readonly totalB: number; readonly aLeadsB: number; readonly bLeadsA: number; readonly noiseA: number; readonly noiseB: number }): [string, number][] {
  return [
    ['total_a_jumps', c.totalA],
    ['total_b_jumps', c.totalB],
    ['a_leads_b', c.aLeadsB],
    ['b_leads_a', c.bLeadsA],
    ['noise_a_jumps', c.noiseA],
    ['noise_b_jumps', c.noiseB],
  ];
}

/**
 * Role keys (a_leads_b, total_b_jumps, …) always mean the first and the second file; a name that
 * would make a named key spell a role key of the other market is refused (docs/pair.md).
 */
function assertRoleNamesFree([a, b]: readonly [string, string]): void {
  if (a === 'b' || b === 'a') {
    throw new UsageError(`--names ${a},${b} would give JSON keys such as ${a}_leads_${b} two meanings (role keys a_… and b_… always mean the first and the second file); choose other names`);
  }
}

/** The led_blocks row's meaning: the blocks the sign test's pairs lie in, and how many a lead needs (core/verdict.ts). */
function ledBlocksMeaning(blockUs: number | undefined): string {
  return `${blockUs === undefined ? 'blocks' : `blocks of ${duration(blockUs)}`} holding a led pair (a lead needs ${MIN_LED_BLOCKS})`;
}

/** Each feed's table from its statistics (stats[k] of feeds[k]). */
function feedTables(feeds: readonly Feed[], stats: readonly PairStats[], names: readonly [string, string], p: AnalysisParams, nullStepUs: number): FeedTable[] {
  return feeds.map((feed, k) => feedTable(feed, stats[k]!, names, p, nullStepUs));
}

function feedTable(feed: Feed, stats: PairStats, [a, b]: readonly [string, string], p: AnalysisParams, nullStepUs: number): FeedTable {
  const d = duration(p.pairWindowUs);
  const r = stats.table;
  return {
    feed,
    metrics: [
      [`total_${a}_jumps`, r.totalA, `${a} jumps in the span`],
      [`total_${b}_jumps`, r.totalB, `${b} jumps in the span`],
      ['paired_events', r.paired, `${withArticle(a)} and ${withArticle(b)} jump of the same sign within ${d}`],
      [`${a}_leads_${b}`, r.aLeadsB, `pairs where ${a} jumped first`],
      [`${b}_leads_${a}`, r.bLeadsA, `pairs where ${b} jumped first`],
      ['simultaneous', r.simultaneous, 'pairs at the same instant'],
      [`noise_${a}_jumps`, r.noiseA, `${a} jumps in no pair`],
      [`noise_${b}_jumps`, r.noiseB, `${b} jumps in no pair`],
      ['noise_events', r.noise, 'jumps of either market in no pair'],
      ['leader_p_value', stats.leaderPValue, `sign test of ${a} vs ${b} leads (two-sided)`],
      ['led_blocks', stats.ledBlocks?.count ?? NaN, ledBlocksMeaning(stats.ledBlocks?.blockUs)],
      ['chance_pairs_mean', stats.chance.mean, `mean pairs with ${b} shifted ±1…±${CHANCE_SHIFTS} × ${duration(nullStepUs)}`],
      ['chance_pairs_max', stats.chance.max, 'most pairs of one shifted copy'],
      ['excess_pairs', stats.excessPairs, 'paired_events − chance_pairs_mean'],
    ],
    roleMetrics: roleMetrics(r),
    delays: [
      { direction: `${a}_leads_${b}`, role: 'a_leads_b', ...stats.delays[0] },
      { direction: `${b}_leads_${a}`, role: 'b_leads_a', ...stats.delays[1] },
    ],
    stats,
  };
}

export function renderPair(r: PairReport): Output {
  const json: Record<string, unknown> = {};
  for (const f of r.feeds) json[f.feed] = Object.fromEntries([...f.metrics.map(([name, v]) => [name, v] as const), ...f.roleMetrics]);
  json.delays_us = Object.fromEntries(r.feeds.map((f) => [f.feed, Object.fromEntries(f.delays.flatMap((d) => [d.direction, d.role].map((key) => [key, delayJson(d)])))]));
  json.names = { a: r.names[0], b: r.names[1] };
  json.span = spanJson(r.span);
  json.params = { ...paramsJson(r.params), null_step_us: r.nullStepUs, bootstrap: r.bootstrap.replicates, block_us: r.bootstrap.blockUs, seed: r.bootstrap.seed };
  json.verdict = verdictOf(r);
  Object.assign(json, skippedRowsMember(r.skipped));

  const first = r.feeds[0]!;
  const rows: Cell[][] = first.metrics.map(([name], i) => [name, ...r.feeds.map((f) => f.metrics[i]![1])]);
  for (let i = 0; i < first.delays.length; i++) {
    const dir = first.delays[i]!.direction;
    rows.push([`median_delay_us_${dir}`, ...r.feeds.map((f) => finite(f.delays[i]!.median))]);
    rows.push([`median_delay_us_${dir}_ci_low`, ...r.feeds.map((f) => f.delays[i]!.medianCi?.low ?? null)]);
    rows.push([`median_delay_us_${dir}_ci_high`, ...r.feeds.map((f) => f.delays[i]!.medianCi?.high ?? null)]);
    rows.push([`p90_delay_us_${dir}`, ...r.feeds.map((f) => finite(f.delays[i]!.p90))]);
  }
  const feedNames = r.feeds.map((f) => f.feed);
  if (r.by !== undefined) {
    const by = r.by;
    return lazyOutput(
      () => ({ ...json, ...pairByJson(by, r.names, (_feed, c) => Object.fromEntries(windowMetrics(c, r.names, r.nullStepUs, by.blockUs))) }),
      // One long table: the whole span's rows first, then each window's (and regime's) metrics.
      () => byTable(['metric', ...feedNames], r.span, rows, by, (fc) => metricRows(fc, (c) => windowMetrics(c, r.names, r.nullStepUs, by.blockUs))),
      (style) => `${humanPair(r, style)}\n${humanPairBy(by, r.names, style)}`,
    );
  }
  return {
    json,
    machine: { columns: ['metric', ...feedNames], rows },
    human: (style) => humanPair(r, style),
  };
}

function delayJson(d: DelayStats) {
  return { median: finite(d.median), p90: finite(d.p90), pairs: d.n, ci_low: d.medianCi?.low ?? null, ci_high: d.medianCi?.high ?? null };
}

/**
 * The run's one-sentence verdict, from the first feed reported (native ticks unless --feed locf);
 * when the other feed comes to a different conclusion the sentence says so.
 */
export function verdictOf(r: PairReport): string {
  const [first, second] = r.feeds.map((f) => {
    const v = pairVerdict(evidence(f, r.names));
    return { feed: f.feed, v, call: callOf(v) };
  });
  let sentence = first!.v.sentence;
  if (second === undefined) return `${sentence}.`;
  // A feed that cannot test who leads (no pairs, or too few led pairs) neither agrees nor
  // disagrees, not even with another such feed.
  const grid = `${duration(r.params.gridUs)} grid feed`;
  if (first!.call === 'untested' && second.call === 'untested') sentence += `; the ${grid} cannot test who leads either`;
  else if (first!.call === 'untested' || second.call === 'untested') sentence += `; on the ${grid}: ${second.v.sentence}`;
  else if (second.call !== first!.call) sentence += `; the ${grid} disagrees: ${second.v.sentence}`;
  else sentence += ' (native ticks; the grid feed agrees)';
  return `${sentence}.`;
}

/** A feed's conclusion, to compare the two: no pairs is untested as an untested verdict is (neither can test who leads), not "no significant lead". */
function callOf(v: PairVerdict): string {
  return v.kind === 'no-pairs' || v.kind === 'untested' ? 'untested' : `${v.kind}:${v.leader ?? ''}`;
}

/** One feed's verdict (core/verdict.ts pairVerdict on its Table 1, leader test and chance pairs). */
export function feedVerdict(f: FeedTable, names: readonly [string, string]): PairVerdict {
  return pairVerdict(evidence(f, names));
}

function evidence(f: FeedTable, names: readonly [string, string]) {
  const t = f.stats.table;
  return { names, aLeadsB: t.aLeadsB, bLeadsA: t.bLeadsA, paired: t.paired, pValue: f.stats.leaderPValue, chanceMean: f.stats.chance.mean, chanceMax: f.stats.chance.max, ledBlocks: f.stats.ledBlocks };
}

function humanPair(r: PairReport, style: Style): string {
  const { c } = style;
  const p = r.params;
  const feedHead = r.feeds.map((f) => (f.feed === 'native' ? 'native ticks' : `${duration(p.gridUs)} LOCF grid`));
  const first = r.feeds[0]!;
  const rows = first.metrics.map(([name, , meaning], i) => [name, ...r.feeds.map((f) => humanValue(name, f.metrics[i]![1])), c.dim(meaning)]);
  const table = humanTable(['metric', ...feedHead, 'meaning'], rows, style, ['left', ...r.feeds.map(() => 'right' as const), 'left']);
  const delayRows = first.delays.map((d, i) => [
    d.direction.replaceAll('_', ' '),
    ...r.feeds.map((f) => delayCell(f.delays[i]!)),
  ]);
  const delays = humanTable(['leader → follower delay', ...feedHead], delayRows, style, ['left', ...r.feeds.map(() => 'right' as const)]);
  return [
    c.bold(`Table 1: jump pairing, ${r.names[0]} vs ${r.names[1]}`),
    c.dim(`jump = move of ≥ ${percent(p.threshold)} within ${duration(p.windowUs)}; pairs within ${duration(p.pairWindowUs)}`),
    table,
    delays,
    c.dim(`span ${isoMicros(r.span.start)} → ${isoMicros(r.span.end)} (${duration(r.span.end - r.span.start)})`),
    c.dim(`chance pairs: ${r.names[1]} shifted by ±1…±10 × ${duration(r.nullStepUs)}; ${bootstrapNote(r)}`),
    c.bold(`verdict: ${verdictOf(r)}`),
  ].join('\n');
}

function bootstrapNote(r: PairReport): string {
  const b = r.bootstrap;
  return b.replicates === 0 ? 'no delay intervals (--bootstrap 0)' : `[delay interval]: 95 % block bootstrap of the median, ${counted(b.replicates, 'replicate')} of ${duration(b.blockUs)} blocks, seed ${b.seed}`;
}

/** Counts as integers, the p-value as a reader reads it, the chance mean and excess to 0.1. */
function humanValue(name: string, v: number): Cell {
  if (name === 'leader_p_value') return formatPValue(v);
  if (name === 'chance_pairs_mean' || name === 'excess_pairs') return fixed(v, 1);
  return v;
}

function delayCell(d: DelayStats): string {
  if (d.n === 0) return 'no pairs';
  return `median ${fixed(d.median / 1000, 3)} ms${ciText(d.medianCi)}, p90 ${fixed(d.p90 / 1000, 3)} ms`;
}

function ciText(ci: Interval | null): string {
  return ci === null ? '' : ` [${fixed(ci.low / 1000, 3)}, ${fixed(ci.high / 1000, 3)}]`;
}

/** µs delays stay in µs in machine formats: exact, no binary-fraction noise from dividing by 1000. */
function finite(us: number): number | null {
  return Number.isFinite(us) ? us : null;
}

/**
 * `leadlag pair SPOT PERP`: jumps on native ticks and on the LOCF grid, paired across the
 * two markets within D (docs/definitions.md §1–3, Table 1), with the leader→follower delays.
 */
import { Command, Option } from 'commander';
import { Context, type Streams } from '../context.js';
import { addCommonOptions, addMarketArguments, addJumpOptions, addReaderOptions, analysisParamsOf, paramsJson, type CommonOptions, type Feed, type JumpCliOptions, type ReaderCliOptions } from '../options.js';
import { openQuoteFiles, reportReads, requireOverlap } from '../inputs.js';
import { pumpLagging } from '../pump.js';
import { MarketJumps } from '../../core/market.js';
import { pairSortedJumps, spanOf, type PairResult } from '../../core/pairing.js';
import { quantile } from '../../core/quantile.js';
import { duration, fixed, humanTable, isoMicros, percent, type Cell, type Output, type Style } from '../../io/output.js';
import type { AnalysisParams, Span } from '../../core/types.js';


export interface PairOptions extends CommonOptions, ReaderCliOptions, JumpCliOptions {
  feed: 'both' | Feed;
}

/** Table 1 of one feed, under the metric names built from the market names. */
export interface FeedTable {
  readonly feed: Feed;
  readonly metrics: ReadonlyArray<readonly [name: string, value: number, meaning: string]>;
  /** Leader→follower delay quantiles in µs per direction (NaN when there are no such pairs). */
  readonly delays: ReadonlyArray<{ readonly direction: string; readonly median: number; readonly p90: number; readonly n: number }>;
}

export interface PairReport {
  readonly names: readonly [string, string];
  readonly params: AnalysisParams;
  readonly span: Span;
  readonly feeds: readonly FeedTable[];
}

export function pairCommand(io: Streams): Command {
  const cmd = new Command('pair')
    .summary('count leader / follower / simultaneous / noise jumps (Table 1)')
    .description('Detect jumps (a move of at least θ within W) in each market on native ticks and on a LOCF grid, pair them across the markets within D, and count who led (Table 1).');
  addMarketArguments(cmd);
  addJumpOptions(cmd);
  cmd.addOption(new Option('--feed <feed>', 'which feeds to report: both, native or locf').choices(['both', 'native', 'locf']).default('both'));
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag pair fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --threshold 7bp
  prints Table 1 for the native and the 1 ms grid feed side by side, the median and 90th
  percentile delay from leader to follower, and the analysis span.
  $ leadlag pair spot.csv.gz perp.csv.gz --format json | jq .native.spot_leads_perp`,
  );
  return cmd.action(async (spot: string, perp: string, o: PairOptions) => {
    const ctx = new Context(io, o);
    const report = await runPair([spot, perp], o, ctx);
    await ctx.emit(renderPair(report));
  });
}

export async function runPair(files: readonly [string, string], o: PairOptions, ctx: Context): Promise<PairReport> {
  const params = analysisParamsOf(o);
  const sources = openQuoteFiles(files, o, ctx);
  const markets = [new MarketJumps(params), new MarketJumps(params)] as const;
  await pumpLagging(sources, (i, batch) => markets[i]!.push(batch));
  for (const m of markets) m.finish();
  const reads = reportReads(sources, ctx);
  const span = requireOverlap(spanOf(markets[0], markets[1]), reads[0]!, reads[1]!);
  const feeds: Feed[] = o.feed === 'both' ? ['native', 'locf'] : [o.feed];
  return {
    names: o.names,
    params,
    span,
    feeds: feeds.map((feed) => feedTable(feed, pairSortedJumps(markets[0][feed], markets[1][feed], span, params.pairWindowUs), o.names, params)),
  };
}

function feedTable(feed: Feed, r: PairResult, [a, b]: readonly [string, string], p: AnalysisParams): FeedTable {
  const d = duration(p.pairWindowUs);
  return {
    feed,
    metrics: [
      [`total_${a}_jumps`, r.totalA, `${a} jumps in the span`],
      [`total_${b}_jumps`, r.totalB, `${b} jumps in the span`],
      ['paired_events', r.paired, `a ${a} and a ${b} jump of the same sign within ${d}`],
      [`${a}_leads_${b}`, r.aLeadsB, `pairs where ${a} jumped first`],
      [`${b}_leads_${a}`, r.bLeadsA, `pairs where ${b} jumped first`],
      ['simultaneous', r.simultaneous, 'pairs at the same instant'],
      [`noise_${a}_jumps`, r.noiseA, `${a} jumps in no pair`],
      [`noise_${b}_jumps`, r.noiseB, `${b} jumps in no pair`],
      ['noise_events', r.noise, 'jumps of either market in no pair'],
    ],
    delays: [
      delayRow(`${a}_leads_${b}`, r.delaysAB),
      delayRow(`${b}_leads_${a}`, r.delaysBA),
    ],
  };
}

function delayRow(direction: string, delays: Float64Array) {
  return { direction, median: quantile(delays, 0.5), p90: quantile(delays, 0.9), n: delays.length };
}

export function renderPair(r: PairReport): Output {
  const json: Record<string, unknown> = {};
  for (const f of r.feeds) json[f.feed] = Object.fromEntries(f.metrics.map(([name, v]) => [name, v]));
  json.delays_us = Object.fromEntries(
    r.feeds.map((f) => [f.feed, Object.fromEntries(f.delays.map((d) => [d.direction, { median: finite(d.median), p90: finite(d.p90), pairs: d.n }]))]),
  );
  json.span = { start_us: r.span.start, end_us: r.span.end, start: isoMicros(r.span.start), end: isoMicros(r.span.end) };
  json.params = paramsJson(r.params);

  const first = r.feeds[0]!;
  const rows: Cell[][] = first.metrics.map(([name], i) => [name, ...r.feeds.map((f) => f.metrics[i]![1])]);
  for (let i = 0; i < first.delays.length; i++) {
    const dir = first.delays[i]!.direction;
    rows.push([`median_delay_us_${dir}`, ...r.feeds.map((f) => finite(f.delays[i]!.median))]);
    rows.push([`p90_delay_us_${dir}`, ...r.feeds.map((f) => finite(f.delays[i]!.p90))]);
  }
  return {
    json,
    machine: { columns: ['metric', ...r.feeds.map((f) => f.feed)], rows },
    human: (style) => humanPair(r, style),
  };
}

function humanPair(r: PairReport, style: Style): string {
  const { c } = style;
  const p = r.params;
  const feedHead = r.feeds.map((f) => (f.feed === 'native' ? 'native ticks' : `${duration(p.gridUs)} LOCF grid`));
  const first = r.feeds[0]!;
  const rows = first.metrics.map(([name, , meaning], i) => [name, ...r.feeds.map((f) => f.metrics[i]![1]), c.dim(meaning)]);
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
  ].join('\n');
}

function delayCell(d: { median: number; p90: number; n: number }): string {
  if (d.n === 0) return 'no pairs';
  return `median ${fixed(d.median / 1000, 3)} ms, p90 ${fixed(d.p90 / 1000, 3)} ms`;
}

/** µs delays stay in µs in machine formats: exact, no binary-fraction noise from dividing by 1000. */
function finite(us: number): number | null {
  return Number.isFinite(us) ? us : null;
}

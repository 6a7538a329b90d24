/**
 * `leadlag xcorr SPOT PERP --lags 1..5`: lagged Pearson correlation of grid log-returns with
 * 95 % Fisher intervals (docs/definitions.md §4, Table 2), in one pass and constant memory.
 */
import { Command, Option } from 'commander';
import { Context, type Streams } from '../context.js';
import { addCommonOptions, addMarketArguments, addReaderOptions, gridOption, namesOption, type CommonOptions, type ReaderCliOptions } from '../options.js';
import { openQuoteFiles, reportReads, requireOverlap } from '../inputs.js';
import { pumpLagging } from '../pump.js';
import { parseLags } from '../../core/lags.js';
import { GridAligner } from '../../core/align.js';
import { LagCorrelator, type LagResult } from '../../core/xcorr.js';
import { duration, fixed, humanTable, isoMicros, type Output, type Style } from '../../io/output.js';
import type { Span } from '../../core/types.js';

export interface XcorrOptions extends CommonOptions, ReaderCliOptions {
  lags: number[];
  grid: number;
  names: [string, string];
}

export interface XcorrReport {
  readonly names: readonly [string, string];
  readonly gridUs: number;
  readonly span: Span;
  /** Grid points n0..n1 used (returns are one fewer). */
  readonly gridPoints: number;
  readonly lags: readonly LagResult[];
}

export function xcorrCommand(io: Streams): Command {
  const cmd = new Command('xcorr')
    .summary('lagged correlation of grid log-returns with confidence intervals (Table 2)')
    .description('Pearson correlation of the two markets\' log-returns on a LOCF grid, the first market\'s return at step n against the second\'s at n + τ, with a 95 % Fisher-transform interval (Table 2).')
    .addOption(new Option('--lags <spec>', 'lags in grid steps: 1..5, -5..5 or 1,2,5').argParser(parseLags).default([1, 2, 3, 4, 5], '1..5'))
    .addOption(gridOption('grid step'))
    .addOption(namesOption());
  addMarketArguments(cmd);
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag xcorr fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --lags -5..5
  prints r, N and the 95 % interval for τ = -5 … 5 ms with a correlogram; a peak at τ = +2
  means spot's returns are echoed by perp 2 ms later. Machine-readable:
  $ leadlag xcorr spot.csv perp.csv --lags 1,2,5 --format csv`,
  );
  return cmd.action(async (spot: string, perp: string, o: XcorrOptions) => {
    const ctx = new Context(io, o);
    await ctx.emit(renderXcorr(await runXcorr([spot, perp], o, ctx)));
  });
}

export async function runXcorr(files: readonly [string, string], o: XcorrOptions, ctx: Context): Promise<XcorrReport> {
  const correlator = new LagCorrelator(o.lags);
  const aligner = new GridAligner(o.grid, correlator);
  const sources = openQuoteFiles(files, o, ctx);
  await pumpLagging(
    sources,
    (i, b) => (i === 0 ? aligner.pushA(b.t, b.price, b.length) : aligner.pushB(b.t, b.price, b.length)),
    (i) => (i === 0 ? aligner.endA() : aligner.endB()),
  );
  const grid = aligner.finish();
  const reads = reportReads(sources, ctx);
  const span = requireOverlap(grid === undefined ? undefined : { start: grid.tStart, end: grid.tEnd }, reads[0]!, reads[1]!);
  return { names: o.names, gridUs: o.grid, span, gridPoints: grid!.points, lags: correlator.result() };
}

export function renderXcorr(r: XcorrReport): Output {
  return {
    json: {
      lags: r.lags.map((l) => ({ lag: l.lag, r: l.r, n: l.n, ci_low: l.ciLow, ci_high: l.ciHigh })),
      best_lag: bestLag(r.lags)?.lag ?? null,
      grid: { step_us: r.gridUs, points: r.gridPoints, start_us: r.span.start, end_us: r.span.end },
      names: r.names,
    },
    machine: { columns: ['lag', 'r', 'n', 'ci_low', 'ci_high'], rows: r.lags.map((l) => [l.lag, l.r, l.n, l.ciLow, l.ciHigh]) },
    human: (style) => humanXcorr(r, style),
  };
}

/** The lag with the largest r (the first of equals), or undefined when every r is n/a. */
export function bestLag(lags: readonly LagResult[]): LagResult | undefined {
  let best: LagResult | undefined;
  for (const l of lags) if (l.r !== null && (best === undefined || l.r > best.r!)) best = l;
  return best;
}

const HALF_BAR = 16;

function humanXcorr(r: XcorrReport, style: Style): string {
  const { c } = style;
  const [a, b] = r.names;
  const best = bestLag(r.lags);
  const scale = Math.max(1e-300, ...r.lags.map((l) => Math.abs(l.r ?? 0)));
  const rows = r.lags.map((l) => [
    l === best ? c.bold(`${l.lag} ◀`) : String(l.lag),
    `${(l.lag * r.gridUs) / 1000} ms`,
    l.r === null ? 'n/a' : fixed(l.r, 4),
    l.ciLow === null || l.ciHigh === null ? 'n/a' : `[${fixed(l.ciLow, 4)}, ${fixed(l.ciHigh, 4)}]`,
    l.n,
    bar(l.r, scale, style),
  ]);
  const table = humanTable(['lag', 'τ', 'r', '95% CI', 'N', 'correlogram'], rows, style, ['right', 'right', 'right', 'right', 'right', 'left']);
  const step = duration(r.gridUs);
  return [
    c.bold(`Table 2: lagged correlation of ${step} log-returns, ${a} vs ${b}`),
    c.dim(`lag τ > 0: ${a} leads ${b} by τ (${a}'s return at step n against ${b}'s at n + τ); τ < 0: ${b} leads.`),
    table,
    best === undefined ? 'no lag has a defined correlation (a series is constant)' : `largest r at τ = ${best.lag} (${best.lag === 0 ? 'same step' : best.lag > 0 ? `${a} leads ${b}` : `${b} leads ${a}`})`,
    c.dim(`${r.gridPoints} grid points of ${step}, ${isoMicros(r.span.start)} → ${isoMicros(r.span.end)}`),
  ].join('\n');
}

/** A horizontal bar centred on an axis: negative r to the left, positive to the right. */
function bar(r: number | null, scale: number, style: Style): string {
  if (r === null) return `${' '.repeat(HALF_BAR)}│`;
  const len = Math.round((Math.abs(r) / scale) * HALF_BAR);
  const left = r < 0 ? ' '.repeat(HALF_BAR - len) + style.c.red('█'.repeat(len)) : ' '.repeat(HALF_BAR);
  const right = r > 0 ? style.c.green('█'.repeat(len)) : '';
  return `${left}│${right}`;
}

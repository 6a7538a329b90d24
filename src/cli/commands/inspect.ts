/**
 * `leadlag inspect FILE...`: data quality of quote and trade files before an analysis —
 * format, span, rows and ticks, gaps between updates, bursts, order and bad rows, tick size,
 * the feed's two clocks; for two quote files also whether each estimator can be trusted on
 * them (inspect-pair.ts). Output in inspect-render.ts; docs/inspect.md says how to read it.
 * Never fails on a bad row (it counts them); a file that cannot be read or is not a
 * quote or trade file is named on stderr, the others are still reported, and the exit
 * code is then 66 if any file could not be opened or read, else 65.
 */
import { Command } from 'commander';
import { Context, type Streams } from '../context.js';
import { DataError, OpenError, UsageError } from '../../errors.js';
import { assertStdinOnce } from '../inputs.js';
import { expandInputArg } from '../../io/paths.js';
import { addCommonOptions, addJumpOptions, addReaderOptions, layoutOf, type CommonOptions, type InputSlot, type JumpCliOptions, type ReaderCliOptions } from '../options.js';
import { inspectInput, type FileQuality } from '../../io/inspect-scan.js';
import { inspectPair } from '../inspect-pair.js';
import { renderInspect, type InspectEntry, type InspectReport } from '../inspect-render.js';

export type { InspectEntry, InspectReport } from '../inspect-render.js';
export { renderInspect } from '../inspect-render.js';

export interface InspectOptions extends CommonOptions, ReaderCliOptions, JumpCliOptions {
  /** Judge the two files as a pair (also the default when exactly two quote files are given). */
  pair?: boolean;
}

export function inspectCommand(io: Streams): Command {
  const cmd = new Command('inspect')
    .summary('data quality of quote and trade files: span, ticks, gaps, clocks, and which estimator suits a pair')
    .description('Check tick files before an analysis: the detected format and time column, rows and ticks, the time span, the median and 99th-percentile gap between updates, long gaps, rows sharing a timestamp, rows out of order, crossed, locked and one-sided quotes, unparsable rows (with their first line numbers), the price range, the tick size and θ in ticks, and the latency between a feed\'s two clocks. For two quote files (--pair, or whenever exactly two are given): their overlap, how often each moves on the grid, jumps at θ, whether their clocks agree, and a verdict per estimator. Counts problems instead of failing on them.')
    .argument('<files...>', 'quote or trade files (.gz, or - for stdin)')
    .option('--pair', 'judge the two files as a pair (the default when exactly two quote files are given)');
  addJumpOptions(cmd);
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Each file is read as quotes when its header is a quote format, else as trades. Gaps are
between consecutive distinct timestamps of the usable rows; "over 50 ms" means strictly
longer. Rows the other commands would reject are counted by kind (see --skip-bad-rows
there); ticks are what they analyse with --skip-bad-rows.

--skip-bad-rows changes nothing here (rows are always counted, never fatal); --sort
computes the timeline over the rows sorted by time. --threshold, --pair-window and --grid
are the values the verdicts judge (θ in ticks, the latency warning, the grid moves).

Example:
  $ leadlag inspect fixtures/tardis/spot_quotes.csv fixtures/tardis/spot_trades.csv
  prints one column per file: tardis-quotes with 1633 rows, the span 12:00:00 → 12:01:20,
  gaps and bursts; tardis-trades the same for trades (no crossed/locked/one-sided there).
  $ leadlag inspect spot_quotes.csv.gz perp_quotes.csv.gz --threshold 1bp
  adds the pair: overlap, zero-return shares, steps where both move, jumps at θ, and
  "pair: …" / "xcorr: …" verdicts such as "xcorr: only 0.7 % of 1 ms steps move in both
  markets — prefer hy".
  $ leadlag inspect data/*.csv.gz --format json | jq '.[] | {file, gap_p99_us, crossed_rows}'

Exit codes: 0 all files inspected (whatever their problems), 65 a file is not a quote or
trade file (or is empty), 66 a file cannot be opened; the other files are still reported.`,
  );
  return cmd.action(async (files: string[], o: InspectOptions) => {
    const ctx = new Context(io, o);
    const report = await runInspect(files, o, ctx);
    const failed = report.entries.filter((e): e is Extract<InspectEntry, { error: unknown }> => 'error' in e);
    // A human table of no file says nothing the error lines do not.
    if (o.format !== 'table' || failed.length < report.entries.length) await ctx.emit(renderInspect(report, terminalWidth(io)));
    if (failed.length === 0) return;
    // Every bad file is named; the decisive one (cannot open beats bad data) sets the exit code.
    const decisive = failed.find((f) => f.error instanceof OpenError) ?? failed[0]!;
    ctx.progress.done();
    for (const f of failed) if (f !== decisive) io.stderr.write(`leadlag: ${f.error.message}\n`);
    throw decisive.error;
  });
}

/** The terminal's width for the human table: stdout's columns on a terminal, else $COLUMNS, else unlimited. */
function terminalWidth(io: Streams): number {
  const out = io.stdout as Streams['stdout'] & { columns?: number };
  if (out.isTTY === true && typeof out.columns === 'number' && out.columns > 0) return out.columns;
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : Infinity;
}

/**
 * Inspects the files one after the other (file-level errors become entries, anything else
 * propagates), then the pair: with --pair, or when exactly two of the files are quotes.
 * @throws UsageError for --pair with other than two files, or with standard input (read once).
 */
export async function runInspect(files: readonly string[], o: InspectOptions, ctx: Context): Promise<InspectReport> {
  assertStdinOnce(files);
  if (o.pair === true && files.length !== 2) throw new UsageError(`--pair needs exactly two quote files, got ${files.length}`);
  if (o.pair === true && files.includes('-')) throw new UsageError('--pair reads each file twice, so it cannot take - (standard input); give paths');
  const entries: InspectEntry[] = [];
  // The argument each entry came from: per-input option lists are per argument.
  const argOf: number[] = [];
  for (const [index, arg] of files.entries()) {
    const layout = layoutOf(o, { index, count: files.length });
    for (const file of expandOrEntry(arg, entries)) {
      try {
        const quality = await inspectInput(file, { clock: o.clock, ...layout, sort: o.sort === true, onProgress: ctx.progress.update });
        entries.push({ file: quality.file, quality });
      } catch (e) {
        if (!(e instanceof DataError || e instanceof OpenError)) throw e;
        entries.push({ file: file === '-' ? '<stdin>' : file, error: e });
      }
    }
    while (argOf.length < entries.length) argOf.push(index);
  }
  const report = { entries, threshold: o.threshold, pairWindowUs: o.pairWindow };
  // Each quote file with its place among the inputs: the pair reads it with the same per-input options.
  const quotes = entries.flatMap((e, index) => ('quality' in e && e.quality.kind === 'quotes' ? [{ q: e.quality, slot: { index: argOf[index]!, count: files.length } }] : []));
  const wanted = o.pair === true || (quotes.length === 2 && !quotes.some(({ q }) => q.file === '<stdin>'));
  if (!wanted) return { ...report, pair: null };
  if (quotes.length !== 2) {
    if (entries.some((e) => 'error' in e)) return { ...report, pair: null };
    throw new UsageError('--pair needs two quote files; a trade file cannot be paired');
  }
  const [a, b] = quotes.map(({ q }) => q) as [FileQuality, FileQuality];
  const slots = quotes.map(({ slot }) => slot) as [InputSlot, InputSlot];
  // A file without a usable row has nothing to pair (its own column says why).
  if (a.timeline.rows === 0 || b.timeline.rows === 0) return { ...report, pair: null };
  return { ...report, pair: await inspectPair([a.file, b.file], [a, b], o, ctx, slots) };
}

/**
 * The files an argument names (a list, a directory or a glob; see docs/time.md), each inspected
 * on its own. An argument naming no file becomes an error entry in its place in argument order.
 */
function expandOrEntry(arg: string, entries: InspectEntry[]): string[] {
  try {
    return expandInputArg(arg);
  } catch (e) {
    if (!(e instanceof OpenError)) throw e;
    entries.push({ file: arg, error: e });
    return [];
  }
}

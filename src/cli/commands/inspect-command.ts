/**
 * `leadlag inspect`: the command's arguments, options and help. Its work lives in inspect.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, addCommonOptions, addJumpOptions, addReaderOptions } from '../options.js';
import type { InspectOptions } from './inspect.js';

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
  return cmd.action(async (files: string[], o: InspectOptions) => (await import('./inspect.js')).inspectAction(io, files, o));
}

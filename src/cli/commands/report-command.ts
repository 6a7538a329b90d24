/**
 * `leadlag report`: the command's arguments, options and help. Its work lives in report.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, Option, addBootstrapOptions, addCommonOptions, addJumpOptions, addMarketArguments, addReaderOptions, addTimeOptions, nullStepOption, parseDuration } from '../options.js';
import { parseLags } from '../../core/lags.js';
import { parseLagRange } from '../lagrange.js';
import type { ReportCliOptions } from './report.js';

export function reportCommand(io: Streams, version = ''): Command {
  const cmd = new Command('report')
    .summary('every analysis in one pass: a verdict, key figures, and an HTML page of figures (--html)')
    .description('Reads the two quote files once and runs pair (both feeds, with the chance pairs and delay intervals), xcorr, hy and the data-quality checks of inspect from that one pass, plus classify when --trades is given; prints the verdict (who leads, by how much, how sure, how much is noise, where the methods disagree) and each analysis\'s key figures. --format json nests each command\'s own JSON.')
    .addOption(new Option('--html <file>', 'write a self-contained HTML page with the figures (no network needed to open it)'))
    .addOption(new Option('--trades <file>', 'trades of market A: also run classify (its own read of the quotes merged with the trades)'))
    .addOption(new Option('--lags <spec>', 'xcorr lags in grid steps: -5..5, 1..5 or 1,2,5').argParser(parseLags).default([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5], '-5..5'))
    .addOption(new Option('--hy-lags <range>', 'hy\'s lag range: -10ms..10ms, 0..500ms').argParser(parseLagRange).default({ fromUs: -10_000, toUs: 10_000 }, '-10ms..10ms'))
    .addOption(new Option('--hy-step <dur>', 'hy\'s lattice step (100us, 1ms)').argParser((v) => parseDuration(v, '--hy-step')).default(100, '100us'))
    .addOption(nullStepOption('pair\'s chance pairs: shift the second market by ±1…±10 steps'));
  addMarketArguments(cmd);
  addJumpOptions(cmd);
  addBootstrapOptions(cmd);
  addTimeOptions(cmd);
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
The same numbers as the commands with the same options: pair --feed both, xcorr --lags -5..5
(or --lags), hy --lags -10ms..10ms --step 100us (or --hy-lags, --hy-step), classify with its
defaults. --by adds xcorr's best lag per window to the page.

Example:
  $ leadlag report fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --html report.html
  prints the verdict and the key figures, and writes report.html (HY contrast, correlogram with
  its bootstrap band, delay histograms, Table 1 beside chance, data quality); open it anywhere.
  $ leadlag report spot.csv.gz perp.csv.gz --trades spot_trades.csv.gz --format json | jq .verdict`,
  );
  return cmd.action(async (spot: string, perp: string, o: ReportCliOptions) => (await import('./report.js')).reportAction(io, version, spot, perp, o));
}

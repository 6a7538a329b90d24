/**
 * `leadlag xcorr`: the command's arguments, options and help. Its work lives in xcorr.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, Option, planSpanOption, addBootstrapOptions, addCommonOptions, addMarketArguments, addPlotOption, addReaderOptions, addTimeOptions, gridOption, namesOption } from '../options.js';
import { parseLags } from '../../core/lags.js';
import type { XcorrOptions } from './xcorr.js';

export function xcorrCommand(io: Streams): Command {
  const cmd = new Command('xcorr')
    .summary('lagged correlation of grid log-returns with block-bootstrap intervals (Table 2)')
    .description('Pearson correlation of the two markets\' log-returns on a LOCF grid, the first market\'s return at step n against the second\'s at n + τ, with a 95 % block-bootstrap interval (and the Fisher one in machine formats), per-lag diagnostics, the best lag by |r| and a verdict (Table 2).')
    .addOption(new Option('--lags <spec>', 'lags in grid steps: 1..5, -5..5 or 1,2,5').argParser(parseLags).default([1, 2, 3, 4, 5], '1..5'))
    .addOption(gridOption('grid step'))
    .addOption(namesOption())
    .option('--state <FILE>', 'write the partial state of --start/--end to FILE for leadlag merge, instead of printing (docs/scale.md)')
    .addOption(planSpanOption())
    .option('--label <NAME>', 'with --state: the pair\'s name');
  addBootstrapOptions(cmd);
  addMarketArguments(cmd);
  addTimeOptions(cmd);
  addPlotOption(cmd, 'the correlogram with its interval band and the best lag marked');
  addReaderOptions(cmd, false);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag xcorr fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --lags -5..5
  prints r, N and the 95 % block-bootstrap interval for τ = -5 … 5 ms with a correlogram; a peak
  at τ = +2 means spot's returns are echoed by perp 2 ms later. Machine-readable:
  $ leadlag xcorr spot.csv perp.csv --lags 1,2,5 --format csv
  $ leadlag xcorr spot/ perp/ --lags -5..5 --start 2024-08-17 --end 2024-08-18 --by 1h`,
  );
  return cmd.action(async (spot: string, perp: string, o: XcorrOptions) => (await import('./xcorr.js')).xcorrAction(io, spot, perp, o));
}

/**
 * `leadlag pair`: the command's arguments, options and help. Its work lives in pair.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, Option, planSpanOption, addBootstrapOptions, addCommonOptions, addMarketArguments, addJumpOptions, addPlotOption, addReaderOptions, addTimeOptions, nullStepOption } from '../options.js';
import type { PairOptions } from './pair.js';

export function pairCommand(io: Streams): Command {
  const cmd = new Command('pair')
    .summary('count leader / follower / simultaneous / noise jumps (Table 1)')
    .description('Detect jumps (a move of at least θ within W) in each market on native ticks and on a LOCF grid, pair them across the markets within D, and count who led (Table 1).');
  addMarketArguments(cmd);
  addJumpOptions(cmd);
  cmd.addOption(new Option('--feed <feed>', 'which feeds to report: both, native or locf').choices(['both', 'native', 'locf']).default('both'));
  cmd.addOption(nullStepOption('chance pairs: shift the second market by ±1…±10 steps'));
  addBootstrapOptions(cmd, 'block-bootstrap replicates for the intervals of the median delays (0: off)', 'block length on the absolute clock (10s, 500ms, 1min): the bootstrap\'s blocks, and a lead needs its led pairs in 6 of them (with --bootstrap 0 too); no shorter than the dependence between jumps');
  addTimeOptions(cmd);
  cmd.option('--state <FILE>', 'write the partial state of --start/--end to FILE for leadlag merge, instead of printing (docs/scale.md)');
  cmd.addOption(planSpanOption());
  cmd.option('--label <NAME>', 'with --state: the pair\'s name (merging states of several labels prints a row per pair)');
  addPlotOption(cmd, "the leader → follower delay histogram of each direction (first feed reported)");
  addReaderOptions(cmd, false);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag pair fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --threshold 7bp
  prints Table 1 for the native and the 1 ms grid feed side by side with the leader test
  (exact binomial p-value) and the chance pairs of shifted copies, the median delay from
  leader to follower with its block-bootstrap interval, the analysis span, and a verdict.
  $ leadlag pair spot.csv.gz perp.csv.gz --format json | jq .native.a_leads_b
  (role keys a_… / b_… mean the first / second file whatever --names says)
  $ leadlag pair 'spot/2024-08-*.csv.gz' 'perp/2024-08-*.csv.gz' --by 1d
  a month of daily files: Table 1 for the month, one row per day, and the stability summary.`,
  );
  return cmd.action(async (spot: string, perp: string, o: PairOptions) => (await import('./pair.js')).pairAction(io, spot, perp, o));
}

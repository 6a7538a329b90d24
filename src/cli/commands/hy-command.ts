/**
 * `leadlag hy`: the command's arguments, options and help. Its work lives in hy.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, Option, planSpanOption, addBootstrapOptions, addCommonOptions, addMarketArguments, addPlotOption, addReaderOptions, addTimeOptions, namesOption, parseDuration } from '../options.js';
import { parseLagRange } from '../lagrange.js';
import type { HyOptions } from './hy.js';

export function hyCommand(io: Streams): Command {
  const cmd = new Command('hy')
    .summary('asynchronous lead-lag on native ticks (Hayashi–Yoshida) with an interval for the lag')
    .description('The Hayashi–Yoshida lead-lag contrast U(θ) of the two markets\' log-price increments on their own ticks, over a lattice of lags θ: the lag with the largest |U| with a block-bootstrap 95 % interval, ρ, β and R² there, the lead-lag ratios, and the p-value of "no relation at any lag" (θ = 0 included: not a test of who leads). θ > 0: the first market leads.')
    .addOption(new Option('--lags <range>', 'lag range: -10ms..10ms, -1s..1s, 0..500ms').argParser(parseLagRange).default({ fromUs: -10_000, toUs: 10_000 }, '-10ms..10ms'))
    .addOption(new Option('--step <dur>', 'lattice step (100us, 1ms)').argParser((v) => parseDuration(v, '--step')).default(100, '100us'))
    .addOption(namesOption())
    .option('--state <FILE>', 'write the partial state of --start/--end to FILE for leadlag merge, instead of printing; --start/--end must be multiples of --block (docs/scale.md)')
    .addOption(planSpanOption())
    .option('--label <NAME>', 'with --state: the pair\'s name');
  addBootstrapOptions(cmd, 'block-bootstrap and sign-flip replicates for the lag interval and the p-value (0: off)');
  addMarketArguments(cmd);
  addTimeOptions(cmd);
  addPlotOption(cmd, 'ρ(θ) with θ̂ marked and its interval shaded');
  addReaderOptions(cmd, false);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
θ > 0 means the first market (SPOT) leads: the second's ticks moved back by θ line up with
the first's. The lattice is every --step from the first lag of --lags to the last; both ends,
and 0 between them, must be a whole number of steps apart.

Example:
  $ leadlag hy fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv --lags -10ms..10ms
  prints the correlogram of ρ(θ), θ̂ with its 95 % bootstrap interval, ρ, β, R², the lead-lag
  ratios, the p-value and one verdict line ("spot leads perp by 3.3 ms [2.3, 3.5], …").
  $ leadlag hy spot.csv.gz perp.csv.gz --step 10us --format json | jq '{lag_us, ci, p_value}'
  $ leadlag hy spot/ perp/ --start 2024-08-17 --end 2024-08-18 --by 1h
  $ leadlag hy spot/ perp/ --start 2024-08-17 --end 2024-08-18 --state day17.state
  writes the day's per-block parts; leadlag merge day*.state prints one run's report.`,
  );
  return cmd.action(async (spot: string, perp: string, o: HyOptions) => (await import('./hy.js')).hyAction(io, spot, perp, o));
}

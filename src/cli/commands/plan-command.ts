/**
 * `leadlag plan`: the command's arguments, options and help. Its work lives in plan.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, Option, parseWindowLength } from '../options.js';
import type { PlanOptions } from './plan.js';
import { UsageError } from '../../errors.js';

/**
 * Every other command takes --format; plan's output is a scheduler's input, whose two forms are
 * --emit's. Said as such rather than as commander's "unknown option '--format'".
 */
function refuseFormat(): never {
  throw new UsageError('plan takes no --format: it prints a scheduler\'s input, --emit tsv (the job list, with a header) or --emit commands (one command line per job)');
}

/** --offset: a length as --every takes it, or none (0, 0s, 0h …). */
function parseOffset(v: string): number {
  return /^\s*0+(\.0*)?\s*(us|µs|ms|s|min|m|h|d)?\s*$/.test(v) ? 0 : parseWindowLength(v, '--offset');
}

/** --states "" would have every job write to /pair-0000.state: a usage error, as an empty output name is. */
function nonEmptyDir(v: string): string {
  if (v === '') throw new UsageError('--states needs a directory, got ""');
  return v;
}

export function planCommand(io: Streams): Command {
  const cmd = new Command('plan')
    .summary('print one job per day (or --every) for a scheduler: pair name, range, files, command')
    .description('Turn daily files (one UTC day each, the date YYYY-MM-DD in the name) into jobs that each own a time range and write a state (pair --state, or that of --command), for GNU parallel, a Slurm job array or a Kubernetes Indexed Job; leadlag merge then prints the run over all of them. With --manifest, one set of jobs per symbol pair.')
    .argument('[spot]', 'the first market\'s daily files (a comma list, a directory or a quoted glob)')
    .argument('[perp]', 'the second market\'s daily files')
    .option('--manifest <FILE>', 'CSV or TSV with the columns pair,spot_files,perp_files (files as a directory or a quoted-free glob), one line per symbol pair')
    .addOption(new Option('--every <DUR>', 'length of each job\'s range (aligned on the absolute clock)').argParser((v) => parseWindowLength(v, '--every')).default(86_400_000_000, '1d'))
    .addOption(new Option('--offset <DUR>', 'shift every cut by DUR from the absolute clock (12h: daily jobs from noon to noon UTC, for markets quiet at midnight; a job\'s range must cut where both markets trade for the merge)').argParser(parseOffset).default(0, '0'))
    .addOption(new Option('--margin <DUR>', 'read files this far around each range (widened to the margin its jobs read with --options: pair\'s 1 s + W + D + G + 10 × --null-step)').argParser((v) => parseWindowLength(v, '--margin')).default(600_000_000, '10m'))
    .addOption(new Option('--emit <form>', 'tsv: job, pair, n, start, end, files, state, plan span, command, options; commands: one complete command per line (plan takes no --format: what it prints is a scheduler\'s input)').choices(['tsv', 'commands']).default('tsv'))
    .addOption(new Option('--format <format>').hideHelp().argParser(refuseFormat))
    .addOption(new Option('--states <DIR>', 'where the jobs write their states').argParser(nonEmptyDir).default('states'))
    .option('--options <TEXT>', 'options given to every job, checked now as its command will check them; not --start, --end, --label, --state or --trades, which plan writes (e.g. "--threshold 1bp --by 1h")', '')
    .option('--leadlag <PATH>', 'the leadlag the commands call', 'leadlag')
    .option('--label <NAME>', 'the pair\'s name without --manifest (default: pair): letters, digits, _ . and -, as it names the state files')
    .addOption(new Option('--command <name>', 'the analysis each job runs and states (merge reads any of them)').choices(['pair', 'xcorr', 'hy', 'classify']).default('pair'))
    .option('--trades <FILES>', 'classify: the first market\'s daily trades files (a manifest gives them as a fourth column, trades_files)');
  cmd.addHelpText(
    'after',
    `
Examples:
  $ mkdir -p states   # where the jobs write their states (--states)
  $ leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --options '--threshold 1bp' --emit commands | parallel
  $ leadlag merge states/*.state --format json
  $ leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --command xcorr --options '--lags -5..5' --emit commands | parallel
  $ leadlag plan 'spot/*.csv.gz' 'fut/*.csv.gz' --offset 12h --emit commands | parallel   # noon to noon UTC
  $ leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --command classify --trades 'trades/*.csv.gz' --emit commands | parallel
  $ leadlag plan --manifest pairs.csv --emit commands > jobs.txt   # then a Slurm array or an Indexed Job runs line $INDEX`,
  );
  return cmd.action(async (spot: string | undefined, perp: string | undefined, o: PlanOptions) => (await import('./plan.js')).planAction(io, spot, perp, o));
}

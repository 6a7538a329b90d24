/**
 * `leadlag classify`: the command's arguments, options and help. Its work lives in classify.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { UsageError } from '../../errors.js';
import { Command, Option, planSpanOption, addCommonOptions, addMarketArguments, addJumpOptions, addReaderOptions, addTimeOptions, nullStepOption, parseDuration, parseNumber, parsePositiveInt } from '../options.js';
import { MIN_PER_CLASS } from '../../core/sampling.js';
import type { ClassifyOptions } from './classify.js';

export function classifyCommand(io: Streams): Command {
  const cmd = new Command('classify')
    .summary('XGBoost: will the perp follow a spot jump? (Tables 3 and 4)')
    .description('Label each spot jump as lead (a perp jump follows within D) or noise (no perp jump pairs with it), compute features from spot quotes and trades (--features extended: from both markets), train XGBoost, and report precision / recall / F1 beside three baselines (the base rate, logistic regression, the jump size) with bootstrap intervals. Hold-out mode calibrates the threshold on the precision-recall curve (Table 3); --balanced trains and tests on balanced samples at threshold 0.5 (Table 4); --split walk-forward rolls a time cut forward.')
    // Required, but checked in the action: commander checks a required option before unknown ones,
    // so `--trade x` said "--trades not specified" instead of suggesting --trades.
    .option('--trades <file>', 'trades of market A, required (exchange export, Tardis, Binance or generic; several files as for the quotes)')
    .option('--balanced', 'balanced sample of each class, split 70/30, threshold 0.5 (Table 4)')
    .addOption(new Option('--feed <feed>', 'triggers from native ticks or the LOCF grid').choices(['native', 'locf']).default('native'))
    .addOption(new Option('--features <set>', 'base: the five spot features; extended: nineteen from both markets').choices(['base', 'extended']).default('base'))
    .option('--seed <n>', 'seed of every random choice (same seed, same output)', (v) => parsePositiveInt(v, '--seed', 0, 2 ** 32 - 1), 42)
    .option('--per-class <n>', 'cap per class: training triggers (hold-out) or the sample (balanced)', (v) => parsePositiveInt(v, '--per-class', MIN_PER_CLASS), 1000)
    .option('--target-recall <r>', 'hold-out: the highest threshold with at least this recall', (v) => parseUnitInterval(v, '--target-recall'), 0.5)
    .addOption(new Option('--split <how>', 'random; time: train on earlier triggers, test on later ones; walk-forward: K rolling time cuts').choices(['random', 'time', 'walk-forward']).default('random'))
    .option('--folds <K>', 'walk-forward: number of test blocks (at most 50)', (v) => parsePositiveInt(v, '--folds', 1, 50), 5)
    .addOption(new Option('--trade-side <how>', 'trade side from the as-of quote (quotes) or the file\'s aggressor column (flag)').choices(['quotes', 'flag']).default('quotes'))
    .option('--trees <n>', 'boosting rounds (at most 10000)', (v) => parsePositiveInt(v, '--trees', 1, 10_000), 200)
    .option('--depth <n>', 'maximum tree depth (at most 20)', (v) => parsePositiveInt(v, '--depth', 1, 20), 4)
    .option('--eta <x>', 'learning rate in (0, 1]', (v) => parseUnitInterval(v, '--eta'), 0.1)
    .option('--bootstrap <R>', 'block-bootstrap replicates of the AP intervals (0: none)', (v) => parsePositiveInt(v, '--bootstrap', 0, 100_000), 1000)
    .addOption(new Option('--block <L>', 'bootstrap block length').argParser((v) => parseDuration(v, '--block')).default(10_000_000, '10s'))
    .addOption(nullStepOption('the labels\' chance pairs, as pair\'s: shift perp by ±1…±10 steps'))
    .option('--dump-features <file>', 'write the labelled feature table as CSV (- for stdout: then the report goes to stderr)')
    .option('--save-model <file>', 'write the trained booster as JSON (walk-forward: the last fold\'s)')
    .option('--state <FILE>', 'write the labelled data set of --start/--end to FILE for leadlag merge, instead of training (docs/scale.md)')
    .addOption(planSpanOption())
    .option('--label <NAME>', 'with --state: the pair\'s name');
  addMarketArguments(cmd);
  addJumpOptions(cmd);
  addTimeOptions(cmd, false);
  addReaderOptions(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ leadlag classify fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv \\
      --trades fixtures/tardis/spot_trades.csv
  prints the class counts and prevalence, the average precision, the threshold picked for
  recall ≥ 0.5, and precision / recall / F1 / support per class (Table 3), then the baselines,
  the feature importances, the reliability table and a verdict. Add --balanced for Table 4,
  --split time or --split walk-forward to test only on triggers later than the training ones,
  --features extended for features from both markets (see docs/classify.md).`,
  );
  return cmd.action(async (spot: string, perp: string, o: ClassifyOptions, command: Command) => {
    if (o.trades === undefined) throw new UsageError("required option '--trades <file>' not specified");
    return (await import('./classify.js')).classifyAction(io, spot, perp, o, command);
  });
}

function parseUnitInterval(text: string, option: string): number {
  const v = parseNumber(text, option);
  if (!(v > 0 && v <= 1)) throw new UsageError(`${option} must be a number in (0, 1], got ${JSON.stringify(text)}`);
  return v;
}

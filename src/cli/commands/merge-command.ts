/**
 * `leadlag merge`: the command's arguments, options and help. Its work lives in merge.ts and is
 * imported only when the command runs, so `--help` and `--version` start fast.
 */
import type { Streams } from '../context.js';
import { Command, addCommonOptions } from '../options.js';
import type { MergeOptions } from './merge.js';

export function mergeCommand(io: Streams): Command {
  const cmd = new Command('merge')
    .summary('merge partial states (pair, xcorr, hy, classify --state) into the report of one run')
    .description('Merge the states written by pair, xcorr, hy or classify --state over disjoint time ranges into exactly what one run over all the data prints, in every --format. States of several pairs (pair --label) give one row per pair. Refuses, naming the files (exit 65), states with different parameters or versions, overlapping or missing ranges, and cuts where the neighbours\' jumps or pairs disagree.')
    .argument('<states...>', 'state files (pair, xcorr, hy or classify --state FILE), a directory of them, or a quoted glob (\'states/*.state\': a plan of many jobs has more states than a shell passes)')
    .option('--allow-gaps', 'merge states whose ranges leave gaps (the tables then count the ranges given)');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Example:
  $ mkdir -p states
  $ leadlag plan 'spot/*.csv.gz' 'perp/*.csv.gz' --emit commands | parallel
  $ leadlag merge states --format json
  the JSON of 'leadlag pair' over all the days, byte for byte (docs/scale.md).
  $ leadlag merge 'states/BTCUSDT-*.state'   # one pair's states, the glob read by leadlag`,
  );
  return cmd.action(async (files: string[], o: MergeOptions) => (await import('./merge.js')).mergeAction(io, files, o));
}

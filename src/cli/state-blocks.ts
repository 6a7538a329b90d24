/**
 * What xcorr's and hy's state runs refuse before reading (both keep their parts per bootstrap
 * block): one check, so both say the same and plan checks their jobs with it.
 */
import { UsageError } from '../errors.js';
import { offBlockEdge } from '../core/bootstrap.js';
import type { TimeRange } from '../core/parts.js';
import { describeTime } from '../io/state-file.js';
import { duration } from '../io/output.js';
import { refusePlotWithState } from './plot.js';

/**
 * --plot (a state run draws no figure), --by (merge, then run --by over the data) and a range
 * whose finite ends are not multiples of --block: the merge folds the very block rows one run
 * folds, in the same order, and a block split by a cut would be summed from two partial rows.
 * @throws UsageError naming the option.
 */
export function checkBlockedStateOptions(o: { plot?: string; state?: string; by?: unknown; block: number }, range: TimeRange): void {
  refusePlotWithState(o);
  if (o.by !== undefined) throw new UsageError('--state goes without --by (merge the states, then run --by over the data)');
  const off = offBlockEdge(range, o.block);
  if (off !== undefined) {
    throw new UsageError(
      `--${off.end} ${describeTime(off.t)} is not a multiple of --block ${duration(o.block)}: a state's range must begin and end on the bootstrap's block edges (multiples of --block on the absolute clock; midnights are, for any block that divides a day), so that no block is split between two states — that is what makes the merge exact`,
    );
  }
}

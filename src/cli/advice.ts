/**
 * Advice on stderr when a result is empty or rests on too little: say what happened and which
 * options change it, instead of printing a table of zeros without comment (docs/pair.md).
 */
import { blockRange } from '../core/bootstrap.js';
import { CHANCE_SHIFTS } from '../core/chance.js';
import { counted, duration, percent } from '../io/output.js';
import { MIN_LED_BLOCKS } from '../core/verdict.js';
import type { PairReport } from './commands/pair.js';
import { fewRegimeWindows } from './windows.js';
import { moreBlocksAdvice } from './options.js';

/** Fewer bootstrap blocks than this in the span and an interval says more than the data can. */
export const MIN_BOOTSTRAP_BLOCKS = 5;

/** The warnings of one pair run, in the order a reader should act on them. */
export function pairWarnings(r: PairReport): string[] {
  const out: string[] = [];
  const [a, b] = r.names;
  const p = r.params;
  const detector = `a move of ${percent(p.threshold)} within ${duration(p.windowUs)}`;
  // On the grid, jumps lie on grid points: a step longer than the pairing window leaves only
  // same-step (simultaneous) pairs, so the grid feed cannot show a lead, whatever the data.
  if (r.feeds.some((f) => f.feed === 'locf') && p.gridUs > p.pairWindowUs) {
    out.push(`the ${duration(p.gridUs)} grid is coarser than the ${duration(p.pairWindowUs)} pairing window: on the grid feed a follower lies a whole step or more after its leader, out of reach, so only simultaneous pairs form; use a --grid of at most --pair-window`);
  }
  for (const f of r.feeds) {
    const t = f.stats.table;
    const feed = f.feed === 'native' ? 'native ticks' : `the ${duration(p.gridUs)} LOCF grid`;
    const empty = [t.totalA === 0 ? a : undefined, t.totalB === 0 ? b : undefined].filter((x) => x !== undefined);
    if (empty.length > 0) {
      // An example below the threshold in use (1 bp from the default 7 bp; half of one already at or below 1 bp).
      const lower = p.threshold > 1e-4 ? '1bp' : `${+((p.threshold / 2) * 1e4).toPrecision(2)}bp`;
      out.push(`no jumps of ${empty.join(' or ')} on ${feed} in the span (${detector}): try a lower --threshold (e.g. ${lower}) or a longer --jump-window`);
    } else if (t.paired === 0) {
      out.push(`no pairs on ${feed}: ${t.totalA} ${a} and ${t.totalB} ${b} jumps, none followed within ${duration(p.pairWindowUs)} by a jump of the same sign in the other market: try a longer --pair-window or a lower --threshold`);
    }
  }
  // Without pairs the baseline and the intervals are moot; the warnings above say what to change.
  if (r.feeds.every((f) => f.stats.table.paired === 0)) return out;
  const spanUs = r.span.end - r.span.start;
  if (CHANCE_SHIFTS * r.nullStepUs >= spanUs) {
    out.push(`the span (${duration(spanUs)}) is not longer than ${CHANCE_SHIFTS} × --null-step (${duration(r.nullStepUs)}): the farthest shifted copies keep few jumps, so the chance pairs are understated; use a smaller --null-step`);
  }
  if (r.bootstrap.replicates > 0) {
    const blocks = blockRange(r.span.start, r.span.end, r.bootstrap.blockUs).count;
    if (blocks < MIN_BOOTSTRAP_BLOCKS) {
      out.push(`the span touches only ${counted(blocks, 'bootstrap block')} of ${duration(r.bootstrap.blockUs)}: the delay intervals cannot show the spread of the data, and a lead needs its led pairs in ${MIN_LED_BLOCKS} blocks; ${moreBlocksAdvice('jumps')}`);
    }
  }
  const windowed = fewBlocksPerWindow(r);
  if (windowed !== null) out.push(windowed);
  const regimes = fewRegimeWindows(r.by);
  if (regimes !== null) out.push(regimes);
  return out;
}

/**
 * With --by: when no window touches MIN_LED_BLOCKS blocks, no window can name a leader (a lead
 * needs its led pairs in that many; docs/pair.md), and the per-window calls would all read n/a
 * without a reason; null otherwise.
 */
function fewBlocksPerWindow(r: PairReport): string | null {
  const windows = r.by?.windows ?? [];
  if (windows.length === 0) return null;
  const blockUs = r.bootstrap.blockUs;
  // Windows are [start, end): the last µs in it is end − 1.
  const most = Math.max(...windows.map((w) => blockRange(w.start, w.end - 1, blockUs).count));
  if (most >= MIN_LED_BLOCKS) return null;
  return `no window of --by can name a leader: each touches at most ${counted(most, 'block')} of ${duration(blockUs)}, and a lead needs its led pairs in ${MIN_LED_BLOCKS}; ${moreBlocksAdvice('jumps', 'longer windows give more')}`;
}

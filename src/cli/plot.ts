/**
 * `--plot FILE.svg` on the commands that have a figure (xcorr, pair, hy): the command's figure
 * alone as a standalone SVG, rendered like the report page's (src/report) and written atomically.
 */
import { prepareOutputs, writeFileAtomic } from '../io/atomic.js';
import { UsageError } from '../errors.js';
import { expandMarketArgs } from './inputs.js';
import { renderSvg } from '../report/render.js';
import type { Figure } from '../report/specs.js';

export interface PlotCliOptions {
  plot?: string;
}


/**
 * Before any input is read: refuses an output that is an input and checks it can be created
 * (io/atomic.ts), so a bad path fails at once rather than after the analysis.
 */
export async function prepareOutputFiles(targets: ReadonlyArray<{ option: string; path: string | undefined }>, marketArgs: readonly string[]): Promise<void> {
  const outputs = targets.flatMap((t) => (t.path === undefined ? [] : [{ option: t.option, path: t.path }]));
  if (outputs.length > 0) await prepareOutputs(outputs, expandMarketArgs(marketArgs).flat());
}

/**
 * --plot with --state: a state run prints no report, so it would draw no figure, and the plot
 * path would be silently ignored (even one naming the state file). Refused, as classify refuses
 * --save-model with --state.
 */
export function refusePlotWithState(o: PlotCliOptions & { state?: string }): void {
  if (o.plot !== undefined && o.state !== undefined) {
    throw new UsageError('--plot goes without --state: a state run draws no figure (merge the states with leadlag merge; plot a run over the whole range)');
  }
}

/** Renders the figure and writes it when --plot was given. */
export async function writePlot(o: PlotCliOptions, figure: () => Figure): Promise<void> {
  if (o.plot === undefined) return;
  await writeFileAtomic(o.plot, `${await renderSvg(figure())}\n`);
}

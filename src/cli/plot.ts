/**
 * `--plot FILE.svg` on the commands that have a figure (xcorr, pair, hy): the command's figure
 * alone as a standalone SVG, rendered like the report page's (src/report) and written atomically.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeTextFileAtomic } from '../io/output.js';
import { renderSvg } from '../report/render.js';
import type { Figure } from '../report/specs.js';

export interface PlotCliOptions {
  plot?: string;
}

export function addPlotOption(cmd: Command, what: string): Command {
  return cmd.addOption(new Option('--plot <file.svg>', `also write ${what} as an SVG file`).argParser(parsePlotFile));
}

function parsePlotFile(v: string): string {
  if (!/\.svg$/i.test(v)) throw new UsageError(`--plot writes SVG: the file name must end in .svg, got ${JSON.stringify(v)}`);
  return v;
}

/** Renders the figure and writes it when --plot was given. */
export async function writePlot(o: PlotCliOptions, figure: () => Figure): Promise<void> {
  if (o.plot === undefined) return;
  await writeTextFileAtomic(o.plot, `${await renderSvg(figure())}\n`);
}

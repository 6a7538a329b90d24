/**
 * `leadlag report SPOT PERP`: every analysis that applies from one read of the quote files
 * (cli/report-run.ts), one screen of verdict and key figures, and with --html a self-contained
 * page of figures (docs/report.md).
 */
import { Context, type Streams } from '../context.js';
import { refuseTradeColumns, warnFewReplicates, warnShortBlock } from '../options.js';
import { classifyCommand } from './classify-command.js';
import { runReport, type ReportOptions } from '../report-run.js';
import { renderReport } from '../report-render.js';
import { reportFigures, reportPage } from '../../report/page-data.js';
import { renderAll } from '../../report/render.js';
import { renderPage } from '../../report/page.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { prepareOutputFiles } from '../plot.js';
import type { ReportData } from '../../report/data.js';

export type ReportCliOptions = Omit<ReportOptions, 'classifyDefaults' | 'generator'>;

/** What `leadlag report` does once parsed; report-command.ts defines the command and loads this module only when it runs. */
export async function reportAction(io: Streams, version: string, spot: string, perp: string, o: ReportCliOptions): Promise<void> {
    const ctx = new Context(io, o);
    if (o.trades === undefined) refuseTradeColumns(o, 'report without --trades');
    warnFewReplicates(ctx, o.bootstrap);
    warnShortBlock(ctx, o.block);
    await prepareOutputFiles([{ option: '--html', path: o.html }], [spot, perp, ...(o.trades === undefined ? [] : [o.trades])]);
    const classifyDefaults = classifyCommand(io).opts() as ReportOptions['classifyDefaults'];
    const data = await runReport([spot, perp], { ...o, classifyDefaults, generator: `leadlag ${version}`.trim() }, ctx);
    if (o.html !== undefined) await writeReportHtml(data, o.html);
    await ctx.emit(renderReport(data, o.html));
}

/** The page with every figure rendered, written atomically. */
export async function writeReportHtml(d: ReportData, file: string): Promise<void> {
  const svgs = await renderAll(reportFigures(d));
  await writeFileAtomic(file, renderPage(reportPage(d, svgs)));
}

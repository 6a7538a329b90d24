/**
 * Warnings about a run that would otherwise print a confident table of nonsense: a span in
 * 1970 or shorter than a second (times read in the wrong unit), an option that changed nothing
 * on the given files, and one file given for both markets (docs/pair.md, "Silent nonsense").
 */
import type { Span } from '../core/types.js';
import { sameFile } from '../io/identity.js';
import { duration, isoMicros } from '../io/output.js';
import type { ReadReport } from '../io/types.js';
import type { Context } from './context.js';
import type { ReaderCliOptions } from './options.js';
import { RECEIPT_COLUMNS } from '../io/formats.js';

/** 2000-01-01T00:00:00Z in µs: no market data of interest is older. */
export const YEAR_2000_US = 946_684_800_000_000;

/** Spans shorter than this hold too few ticks for any millisecond lead-lag statistic. */
export const MIN_SPAN_US = 1_000_000;

/** The warnings for two markets' inputs once they are read; pure apart from `sameFile`'s stat. */
export function inputWarnings(files: readonly string[], o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, reads: readonly ReadReport[], span: Span): string[] {
  const out: string[] = [];
  if (files.length === 2 && (files[0] === files[1] || sameFile(files[0]!, files[1]!))) {
    out.push(`both markets read the same file (${files[0]}): every jump pairs with itself and the tables compare a market with itself`);
  }
  const units = reads.map((r) => `${r.file}: column '${r.timeColumn}' read as ${r.timeUnit === 'iso' ? 'ISO-8601' : r.timeUnit}`).join('; ');
  if (span.start < YEAR_2000_US) {
    out.push(`the span starts at ${isoMicros(span.start)}, before 2000: are the times in the unit they were read in (${units})? --time-unit sets it`);
  }
  if (span.end - span.start < MIN_SPAN_US) {
    out.push(`the span lasts only ${duration(span.end - span.start)}, under a second: too short for the tables to mean much (${units})`);
  }
  for (const r of reads) out.push(...optionEffectWarnings(o, r));
  // One file given twice draws its option warnings once.
  return [...new Set(out)];
}

/** `--time-unit` on a file whose unit is fixed (ISO-8601, Tardis µs); `--clock local` on a file without a receipt clock. */
export function optionEffectWarnings(o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, r: { readonly file: string; readonly format: string; readonly timeColumn: string; readonly timeUnit: string | null }): string[] {
  const out: string[] = [];
  // No usable time (inspect on a file without one): no unit to set, nothing to say of the option.
  if (o.timeUnit !== undefined && r.timeUnit !== null && r.timeUnit !== o.timeUnit) {
    const why = r.timeUnit === 'iso' ? 'its times are ISO-8601 dates' : `its format (${r.format}) fixes the unit to ${r.timeUnit}`;
    out.push(`--time-unit ${o.timeUnit} has no effect on ${r.file}: ${why}`);
  }
  if (o.clock === 'local' && !RECEIPT_COLUMNS.includes(r.timeColumn.toLowerCase())) {
    out.push(`--clock local has no effect on ${r.file}: it has no receipt clock (${RECEIPT_COLUMNS.join(', ')}; times come from '${r.timeColumn}')`);
  }
  return out;
}

/** Prints {@link inputWarnings} on stderr. */
export function warnAboutInputs(ctx: Context, files: readonly string[], o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, reads: readonly ReadReport[], span: Span): void {
  for (const w of inputWarnings(files, o, reads, span)) ctx.warn(w);
}

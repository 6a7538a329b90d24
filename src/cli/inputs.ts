/**
 * Opening a command's input files through the I/O layer, with progress and the
 * skipped-row report wired in, and the rule every command shares: the two markets must
 * overlap in time.
 */
import { DataError, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { readOptionsOf, type ReaderCliOptions } from './options.js';
import { openQuotes, openTrades } from '../io/sources.js';
import type { QuoteSource, ReadReport, TradeSource } from '../io/types.js';
import { isoMicros } from '../io/output.js';
import type { Span } from '../core/types.js';

/** Standard input can feed one input only. */
export function assertStdinOnce(files: readonly string[]): void {
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('only one input can be - (standard input)');
}

export function openQuoteFiles(files: readonly string[], o: ReaderCliOptions, ctx: Context): QuoteSource[] {
  assertStdinOnce(files);
  const opts = readOptionsOf(o, ctx.progress.update);
  return files.map((f) => openQuotes(f, opts));
}

export function openTradeFile(file: string, o: ReaderCliOptions, ctx: Context): TradeSource {
  return openTrades(file, readOptionsOf(o, ctx.progress.update));
}

/** Prints what the readers skipped; call once the sources are exhausted. */
export function reportReads(sources: readonly { report(): ReadReport }[], ctx: Context): ReadReport[] {
  const reports = sources.map((s) => s.report());
  for (const r of reports) ctx.reportSkipped(r);
  return reports;
}

/** docs/definitions.md §1 analysis span, or a data error naming both files when they do not overlap. */
export function requireOverlap(span: Span | undefined, a: ReadReport, b: ReadReport): Span {
  if (span !== undefined) return span;
  throw new DataError(
    `${a.file} and ${b.file}`,
    undefined,
    `the two files do not overlap in time (${describeRange(a)} vs ${describeRange(b)})`,
  );
}

function describeRange(r: ReadReport): string {
  return Number.isFinite(r.firstTime) ? `${isoMicros(r.firstTime)} to ${isoMicros(r.lastTime)}` : 'empty';
}

/**
 * Opening a command's input files through the I/O layer, with progress and the
 * skipped-row report wired in, and the rule every command shares: the two markets must
 * overlap in time.
 */
import { DataError, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { readOptionsOf, type InputSlot, type ReaderCliOptions } from './options.js';
import { openQuotes, openTrades } from '../io/sources.js';
import type { QuoteSource, ReadReport, TradeSource } from '../io/types.js';
import { isoMicros } from '../io/output.js';
import type { Span } from '../core/types.js';

/** Standard input can feed one input only. */
export function assertStdinOnce(files: readonly string[]): void {
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('only one input can be - (standard input)');
}

/**
 * `slots`: where each file sits among the command's inputs, for per-input option lists (see
 * InputSlot); by default the files are all of them, in order.
 */
export function openQuoteFiles(files: readonly string[], o: ReaderCliOptions, ctx: Context, slots?: readonly InputSlot[]): QuoteSource[] {
  assertStdinOnce(files);
  const slot = (index: number): InputSlot => slots?.[index] ?? { index, count: files.length };
  return files.map((f, i) => openQuotes(f, readOptionsOf(o, ctx.progress.update, slot(i))));
}

/** classify's two quote files, before its trades file: per-input lists may have 2 or 3 entries. */
export const QUOTE_SLOTS_BEFORE_TRADES: readonly InputSlot[] = [
  { index: 0, count: 3, market: 0 },
  { index: 1, count: 3, market: 1 },
];

/** The trades file after the two quote files: the third entry of a per-input list, or the spot market's when a list has two. */
export function openTradeFile(file: string, o: ReaderCliOptions, ctx: Context): TradeSource {
  return openTrades(file, readOptionsOf(o, ctx.progress.update, { index: 2, count: 3, market: 0 }));
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

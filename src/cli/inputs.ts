/**
 * Opening a command's input files through the I/O layer, with progress and the
 * skipped-row report wired in, and the rule every command shares: the two markets must
 * overlap in time.
 */
import { DataError, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { readOptionsOf, type ReaderCliOptions } from './options.js';
import { expandInputArg } from '../io/paths.js';
import { openQuoteStream, openTradeStream, type MultiFileSource, type ReadRange } from '../io/multi.js';
import type { ReadReport } from '../io/types.js';
import { isoMicros } from '../io/output.js';
import type { Span, TickBatch, TradeBatch } from '../core/types.js';

/** Standard input can feed one input only. */
export function assertStdinOnce(files: readonly string[]): void {
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('only one input can be - (standard input)');
}

/**
 * The files each market argument names (a file, `a,b,c`, a directory or a glob; see
 * src/io/paths.ts), with `-` allowed once over all of them.
 */
export function expandMarketArgs(args: readonly string[], role: 'quotes' | 'trades' = 'quotes'): string[][] {
  const lists = args.map((a) => expandInputArg(a, role));
  assertStdinOnce(lists.flat());
  for (const l of lists) if (l.length > 1 && l.includes('-')) throw new UsageError('- (standard input) cannot be one of several files of a market');
  return lists;
}

/** One quote stream per market argument (several files each read as one stream). */
export function openQuoteFiles(args: readonly string[], o: ReaderCliOptions, ctx: Context, range?: ReadRange): MultiFileSource<TickBatch>[] {
  const opts = readOptionsOf(o, ctx.progress.update);
  return expandMarketArgs(args).map((files) => openQuoteStream(files, opts, range));
}

export function openTradeFile(arg: string, o: ReaderCliOptions, ctx: Context, range?: ReadRange): MultiFileSource<TradeBatch> {
  return openTradeStream(expandInputArg(arg, 'trades'), readOptionsOf(o, ctx.progress.update), range);
}

/** Prints what the readers skipped, file by file; call once the sources are exhausted. Returns each source's whole report. */
export function reportReads(sources: readonly MultiFileSource<unknown>[], ctx: Context): ReadReport[] {
  for (const s of sources) for (const r of s.reports()) ctx.reportSkipped(r);
  return sources.map((s) => s.report());
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

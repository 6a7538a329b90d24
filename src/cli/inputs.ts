/**
 * Opening a command's input files through the I/O layer, with progress and the
 * skipped-row report wired in, and the rule every command shares: the two markets must
 * overlap in time.
 */
import { DataError, UsageError } from '../errors.js';
import type { Context } from './context.js';
import { readOptionsOf, type InputSlot, type ReaderCliOptions } from './options.js';
import { expandInputArg } from '../io/paths.js';
import { openQuoteStream, openTradeStream, type MultiFileSource, type ReadRange } from '../io/multi.js';
import type { ReadReport } from '../io/types.js';
import { QUIET_US } from '../io/validate.js';
import { isoMicros } from '../io/output.js';
import type { AnalysisParams, Span, TickBatch, TradeBatch } from '../core/types.js';
import { CHANCE_SHIFTS } from '../core/chance.js';
import { ALL_TIME, type TimeRange } from '../core/parts.js';
import { blockRange, MAX_BOOTSTRAP_BLOCKS } from '../core/bootstrap.js';
import { duration } from '../core/human-text.js';
import { pumpLagging, sliceTicks, type EarlyStart } from './pump.js';

/** The names of standard input: `-` and the device paths that open it again (the same bytes). */
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Standard input can feed one input only (given twice, under any of its names, a pipe is read by one and a redirected file compared with itself). */
export function assertStdinOnce(files: readonly string[]): void {
  if (files.filter((f) => STDIN_NAMES.has(f)).length > 1) throw new UsageError('only one input can be standard input (-, /dev/stdin)');
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

/**
 * One quote stream per market argument (several files each read as one stream). `slots`: where
 * each argument sits among the command's inputs, for per-input option lists (see InputSlot); by
 * default the arguments are all of them, in order. Every file of one argument takes that
 * argument's entry.
 */
export function openQuoteFiles(args: readonly string[], o: ReaderCliOptions, ctx: Context, range?: ReadRange, slots?: readonly InputSlot[]): MultiFileSource<TickBatch>[] {
  const slot = (index: number): InputSlot => slots?.[index] ?? { index, count: args.length };
  ctx.progress.readBegins();
  return expandMarketArgs(args).map((files, i) => openQuoteStream(files, readOptionsOf(o, ctx.progress.update, slot(i)), range));
}

/** classify's two quote files, before its trades file: per-input lists may have 2 or 3 entries. */
export const QUOTE_SLOTS_BEFORE_TRADES: readonly InputSlot[] = [
  { index: 0, count: 3, market: 0 },
  { index: 1, count: 3, market: 1 },
];

/** The trades after the two quote files: the third entry of a per-input list, or the spot market's when a list has two. */
export function openTradeFile(arg: string, o: ReaderCliOptions, ctx: Context, range?: ReadRange): MultiFileSource<TradeBatch> {
  return openTradeStream(expandInputArg(arg, 'trades'), readOptionsOf(o, ctx.progress.update, { index: 2, count: 3, market: 0 }), range);
}

/**
 * Prints what the readers skipped, file by file, the gaps between a market's files and the
 * quiet spells inside them (those in `range` cut to the span of the two quote streams); call
 * once the sources are exhausted. Returns each source's whole report.
 */
export function reportReads(sources: readonly MultiFileSource<unknown>[], ctx: Context, range: TimeRange = ALL_TIME): ReadReport[] {
  for (const s of sources) for (const r of s.reports()) ctx.reportSkipped(r);
  for (const s of sources) for (const f of s.emptyFiles) ctx.warn(emptyFileWarning(f));
  // Quotes only: a quiet minute between trades is common.
  const quotes = sources.filter((s) => s.kind === 'quotes');
  const analysed = withinSpan(range, quotes.map((s) => s.report()));
  for (const s of quotes) {
    for (const w of fileGaps(s.reports())) ctx.warn(w);
    for (const w of quietSpells(s.reports(), analysed)) ctx.warn(w);
  }
  return sources.map((s) => s.report());
}

/** A file of a market's list with a header and no rows, left out (multi.ts emptyFiles). */
export function emptyFileWarning(file: string): string {
  return `${file} has a header but no data rows: left out, so its times read as a gap between the market's other files (no ticks that day?)`;
}

/**
 * `range` cut to the span the markets share (docs/definitions.md §1: from the later first tick
 * to the earlier last), each market's first and last times given; none where they share none.
 */
export function withinSpan(range: TimeRange, markets: readonly { readonly firstTime: number; readonly lastTime: number }[]): TimeRange[] {
  const start = Math.max(range.start, ...markets.map((m) => m.firstTime));
  const end = Math.min(range.end, ...markets.map((m) => m.lastTime));
  return start < end ? [{ start, end }] : [];
}

/**
 * A warning for each file with spells of more than {@link QUIET_US} without a tick inside it
 * that reach into one of `ranges` (the analysed times: docs/time.md, "Quiet spells inside a
 * file"): the longest, and how many. As with a gap between files, every analysis reads the
 * spell as a market without a move.
 */
export function quietSpells(reports: readonly Pick<ReadReport, 'file' | 'quiet'>[], ranges: readonly TimeRange[]): string[] {
  const out: string[] = [];
  const reaches = (s: { from: number; to: number }) => ranges.some((r) => s.to > r.start && s.from < r.end);
  for (const r of reports) {
    const q = r.quiet;
    if (q === undefined || q.count === 0) continue;
    const inRange = q.spells.filter(reaches);
    if (inRange.length === 0) continue;
    const longest = inRange.reduce((a, s) => (s.to - s.from > a.to - a.from ? s : a));
    // The spells a report drops all came before its first kept one: "or more" when they may reach a range.
    const more = q.count > q.spells.length && ranges.some((x) => x.start < q.spells[0]!.from) ? ' or more' : '';
    const of = inRange.length > 1 || more !== '' ? `, the longest of ${inRange.length}${more} such spells in the times analysed` : '';
    out.push(`${r.file} has no tick for ${duration(longest.to - longest.from)}, from ${isoMicros(longest.from)} to ${isoMicros(longest.to)}${of}: the feed stopped (or the market closed)? Every analysis reads a quiet spell as a market without a move, and compares its first move after it with the price before it; cut the run with --start/--end to one side of it`);
  }
  return out;
}

/**
 * Warnings for consecutive files of one market (in reading order) with more than
 * {@link QUIET_US} (the quiet spells' bound) between one's last row and the next one's first: most often a file left
 * out of a list or a glob. Every analysis reads the gap as a market without a move, and the
 * first move after it is compared with the price before it (docs/time.md).
 */
export function fileGaps(reports: readonly Pick<ReadReport, 'file' | 'firstTime' | 'lastTime'>[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < reports.length; i++) {
    const [before, after] = [reports[i - 1]!, reports[i]!];
    const gap = after.firstTime - before.lastTime;
    if (!(gap > QUIET_US)) continue;
    out.push(`${before.file} ends at ${isoMicros(before.lastTime)} and ${after.file}, the market's next file, starts ${duration(gap)} later at ${isoMicros(after.firstTime)}: a file missing (or the market closed)? Every analysis reads the gap as a market without a move, and compares its first move after it with the price before it`);
  }
  return out;
}

/**
 * The analysis span (docs/definitions.md §1) cut to the range [S, E) when one is given, or a
 * data error naming both inputs when nothing is left.
 */
export function requireOverlap(span: Span | undefined, a: ReadReport, b: ReadReport, range: TimeRange = ALL_TIME): Span {
  const cut = overlapIn(span, range);
  if (cut !== undefined) return cut;
  throw new DataError(`${a.file} and ${b.file}`, undefined, emptyRangeWhy(span, a, b, range));
}

/**
 * Why nothing is left: a range that ends before both files have data (the read stopped at the
 * range, so the files' own ends are not known), one that starts after a file has ended, one that
 * holds none of their common span, or files that do not overlap at all. The first two hold
 * whether or not the files overlap.
 */
function emptyRangeWhy(span: Span | undefined, a: ReadReport, b: ReadReport, range: TimeRange): string {
  const ranged = Number.isFinite(range.start) || Number.isFinite(range.end);
  const begins = Math.max(a.firstTime, b.firstTime);
  if (ranged && Number.isFinite(begins) && range.end <= begins) {
    return `the range ${describeTimes(range.start, range.end)} ends before both files have data (their first times: ${isoMicros(a.firstTime)} and ${isoMicros(b.firstTime)})`;
  }
  const ends = Math.min(a.lastTime, b.lastTime);
  if (ranged && Number.isFinite(ends) && range.start > ends) {
    // The read stops at a file that ends before the range: the market's last file, or the one
    // before a gap between its files (a hunt's range inside such a gap named only that file).
    return `the range ${describeTimes(range.start, range.end)} starts after one of the files has ended (their last times: ${isoMicros(a.lastTime)} and ${isoMicros(b.lastTime)}): past a market's last file, or in a gap between its files`;
  }
  if (ranged && span !== undefined) {
    // span is what the read (the range and its margins) saw of both markets, not the files' whole overlap.
    return `the range ${describeTimes(range.start, range.end)} holds no time where both markets have ticks: what was read for it (with its margins) overlaps only from ${isoMicros(span.start)} to ${isoMicros(span.end)}, outside it, so a market is quiet over the range (an outage?)`;
  }
  // What was read of the two (the range and its margins) overlaps, but no common span reaches the
  // range: one market has no tick in it (xcorr and hy give no span at all there).
  if (ranged && a.firstTime <= b.lastTime && b.firstTime <= a.lastTime) {
    return `the range ${describeTimes(range.start, range.end)} holds no time where both markets have ticks (what was read for it, with its margins: ${describeRange(a)} vs ${describeRange(b)}), so a market is quiet over the range (an outage?)`;
  }
  const inRange = ranged ? ` within ${describeTimes(range.start, range.end)}` : '';
  return `the two files do not overlap in time${inRange} (${describeRange(a)} vs ${describeRange(b)})`;
}

/**
 * A usage error when a bootstrap of `replicates` over `span` would draw more than
 * MAX_BOOTSTRAP_BLOCKS blocks of `blockUs` (bootstrap.ts): a --block far too short for the span.
 */
export function requireBootstrapBlocks(span: Span, blockUs: number, replicates: number): void {
  if (replicates === 0) return;
  const { count } = blockRange(span.start, span.end, blockUs);
  if (count <= MAX_BOOTSTRAP_BLOCKS) return;
  throw new UsageError(
    `--block ${duration(blockUs)} cuts the span ${describeTimes(span.start, span.end + 1)} into ${count} bootstrap blocks, more than ${MAX_BOOTSTRAP_BLOCKS} (every replicate draws one per block); use a longer --block or --bootstrap 0`,
  );
}

/** The part of the markets' common span inside [range.start, range.end); undefined when none. */
export function overlapIn(span: Span | undefined, range: TimeRange = ALL_TIME): Span | undefined {
  if (span === undefined) return undefined;
  const cut = { start: Math.max(span.start, range.start), end: Math.min(span.end, range.end - 1) };
  return cut.start <= cut.end ? cut : undefined;
}

function describeTimes(start: number, end: number): string {
  const t = (us: number) => (Number.isFinite(us) ? isoMicros(us) : '…');
  return `${t(start)} to ${t(end)}`;
}

/** What a two-market analysis consumes: each market's ticks in time order, then the ends. */
export interface TwoMarketConsumer {
  pushA(batch: TickBatch): void;
  pushB(batch: TickBatch): void;
  endA?(): void;
  endB?(): void;
}

/** How far outside [S, E) ticks are still read (see readMargin). */
export interface ReadPlan {
  /** The analysis range [S, E) (unbounded without --start/--end). */
  readonly range: TimeRange;
  /** µs read before S and after E. */
  readonly margin: number;
  /**
   * Called with each market's per-file reports once read, and each market's files left out for
   * holding no rows (the files' fingerprints of a state).
   */
  readonly onFiles?: (perMarket: ReadReport[][], empty: (readonly string[])[]) => void;
}

/**
 * The margin read around --start/--end: enough history for the detector's window W, the
 * pairing window D and the grid (one step plus the largest lag), plus one second for the
 * 1-second grid of --by vol and for a jump's reset to settle (docs/time.md).
 */
export function readMargin(p: { windowUs?: number; pairWindowUs?: number; gridUs: number; maxLag?: number }): number {
  return 1_000_000 + (p.windowUs ?? 0) + (p.pairWindowUs ?? 0) + p.gridUs * (1 + (p.maxLag ?? 0));
}

/**
 * The margin pair reads around --start/--end: the common one plus the reach of the chance
 * shifts, 10 × --null-step, so that a range's run and a state's run read the same ticks and a
 * state's chance pairs near its ends see the jumps they shift (docs/scale.md). classify detects
 * its labels' jumps over this margin too (dataset.ts), so that its pairs are pair's.
 */
export function pairMargin(params: AnalysisParams, nullStepUs: number): number {
  return readMargin(params) + CHANCE_SHIFTS * nullStepUs;
}

/**
 * The one read loop of the two-market commands: each market argument's files as one stream
 * (files wholly outside the range plus margins left unread), ticks outside [S − margin,
 * E + margin) dropped, both streams pulled so that neither runs far ahead (memory bounded by a
 * batch or two), skipped rows reported. Returns both streams' reports.
 */
export async function readTwoMarkets(args: readonly [string, string], o: ReaderCliOptions, ctx: Context, plan: ReadPlan, consumer: TwoMarketConsumer): Promise<[ReadReport, ReadReport]> {
  const read = readRangeOf(plan);
  const sources = openQuoteFiles(args, o, ctx, read);
  const cut = sources.map((s) => trimmed(s, read, sliceTicks));
  await pumpLagging(
    cut,
    (i, b) => (i === 0 ? consumer.pushA(b) : consumer.pushB(b)),
    (i) => (i === 0 ? consumer.endA?.() : consumer.endB?.()),
  );
  cut.forEach((c, i) => warnQuietMargin(ctx, args[i]!, c, read, plan.range.start));
  const reads = reportReads(sources, ctx, plan.range);
  plan.onFiles?.(sources.map((s) => s.reports()), sources.map((s) => s.emptyFiles));
  // What follows the read (windows, the bootstrap) can take longer than the read itself.
  ctx.progress.stage(`read ${((reads[0]!.rows + reads[1]!.rows) / 1e6).toFixed(2)} M rows; computing`);
  return [reads[0]!, reads[1]!];
}

/**
 * One analysis ready to be fed: what it needs read, what it consumes, and how it turns what
 * it consumed (with the readers' reports) into its command's report. A command reads one pass
 * alone (runPass); `report` feeds several passes from one read (src/cli/fanout.ts).
 */
export interface TwoMarketPass<R> {
  readonly plan: ReadPlan;
  readonly consumer: TwoMarketConsumer;
  finish(reads: [ReadReport, ReadReport]): R;
}

/** Reads the two markets for one pass and finishes it. */
export async function runPass<R>(args: readonly [string, string], o: ReaderCliOptions, ctx: Context, pass: TwoMarketPass<R>): Promise<R> {
  return pass.finish(await readTwoMarkets(args, o, ctx, pass.plan, pass.consumer));
}

/** The times read: the range widened by the margin on both sides. */
export function readRangeOf(plan: ReadPlan): ReadRange {
  return { from: plan.range.start - plan.margin, to: plan.range.end + plan.margin };
}

/** What a trimmed source saw at the read's start: its last tick dropped before `from` and its first kept (NaN: none). */
export interface TrimEdge {
  lastBefore: number;
  firstKept: number;
}

/**
 * A source's batches cut to from ≤ t < to (views, empty batches dropped); the source itself
 * when the range is unbounded. A source opened with the same range stops reading at its first
 * row at or after `to` (src/io/multi.ts), so its report describes the rows up to there.
 * `edge` tells what lay on either side of `from`.
 */
export function trimmed<B extends { readonly length: number; readonly t: Float64Array }>(src: AsyncIterable<B> & EarlyStart, read: ReadRange, slice: (b: B, from: number, to: number) => B): AsyncIterable<B> & EarlyStart & { readonly edge: TrimEdge } {
  const edge: TrimEdge = { lastBefore: NaN, firstKept: NaN };
  if (!Number.isFinite(read.from) && !Number.isFinite(read.to)) return Object.assign(src, { edge });
  return {
    canStartEarly: src.canStartEarly,
    edge,
    async *[Symbol.asyncIterator]() {
      for await (const b of src) {
        const [i, j] = rowsWithin(b, read);
        if (i > 0) edge.lastBefore = b.t[i - 1]!;
        if (j > i && Number.isNaN(edge.firstKept)) edge.firstKept = b.t[i]!;
        if (j > i) yield slice(b, i, j);
      }
    },
  };
}

/** The rows [i, j) of a time-ordered batch inside [r.from, r.to): only its ends are walked. */
export function rowsWithin(b: { readonly length: number; readonly t: Float64Array }, r: ReadRange): [number, number] {
  let i = 0;
  let j = b.length;
  while (i < j && b.t[i]! < r.from) i++;
  while (j > i && b.t[j - 1]! >= r.to) j--;
  return [i, j];
}

/**
 * The read margin before S lets the range's first ticks see the prices before them, as a run
 * over all the data sees them. A market that had ticks before the margin but none in its first
 * second (its margin's slack, readMargin) is quiet across it: the first move after the quiet
 * compares, in a whole run, with the price in force before it, which this read left out, so
 * the range's numbers may differ from those of a whole run's window at S (docs/time.md; they
 * agree when that move lies far enough before S, which this check cannot see).
 */
function warnQuietMargin(ctx: Context, name: string, c: { readonly edge: TrimEdge }, read: ReadRange, start: number): void {
  const { lastBefore, firstKept } = c.edge;
  if (!Number.isFinite(start) || Number.isNaN(lastBefore) || !(firstKept > read.from + 1_000_000)) return;
  ctx.warn(`${name} has no tick from ${isoMicros(lastBefore)} to ${isoMicros(firstKept)}, across the start of the margin read before --start (${isoMicros(read.from)}, for --start ${isoMicros(start)}): its first move after that quiet spell is compared, in a run over all the data, with the price before it, which this read left out, so the range's numbers may differ from that run's window at --start; start the range where both markets trade (docs/time.md)`);
}

function describeRange(r: ReadReport): string {
  return Number.isFinite(r.firstTime) ? `${isoMicros(r.firstTime)} to ${isoMicros(r.lastTime)}` : 'empty';
}

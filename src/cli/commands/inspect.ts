/**
 * `leadlag inspect FILE...`: data quality of quote and trade files before an analysis —
 * format, span, rows and ticks, gaps between updates, bursts, order and bad rows, tick size,
 * the feed's two clocks; for two quote files also whether each estimator can be trusted on
 * them (inspect-pair.ts). Output in inspect-render.ts; docs/inspect.md says how to read it.
 * Never fails on a bad row (it counts them); a file that cannot be read or is not a
 * quote or trade file is named on stderr, the others are still reported, and the exit
 * code is then 66 if any file could not be opened or read, else 65.
 */
import { basename } from 'node:path';
import { Context, type Streams } from '../context.js';
import { DataError, OpenError, UsageError } from '../../errors.js';
import { assertStdinOnce, emptyFileWarning, fileGaps, quietSpells } from '../inputs.js';
import { QUIET_US, readNotes } from '../../io/validate.js';
import { ALL_TIME } from '../../core/parts.js';
import { isHeaderOnlyError } from '../../io/fastparse.js';
import { overlapsPrevious } from '../../io/multi.js';
import { isoMicros } from '../../io/output.js';
import { readableTwice, readOnceText, sameFile } from '../../io/identity.js';
import { expandInputArg } from '../../io/paths.js';
import { withoutOwnLayer } from '../../io/extensions.js';
import { counted } from '../../core/human-text.js';
import { layoutOf, type CommonOptions, type InputSlot, type JumpCliOptions, type ReaderCliOptions } from '../options.js';
import type { FileQuality } from '../../io/inspect-scan.js';
import { inOrder, inspectFile, SCANS_AT_ONCE, ScanThread } from '../../io/inspect-thread.js';
import { inspectPair } from '../inspect-pair.js';
import { optionEffectWarnings } from '../sanity.js';
import { renderInspect, type InspectEntry, type InspectReport } from '../inspect-render.js';

export type { InspectEntry, InspectReport } from '../inspect-render.js';
export { renderInspect } from '../inspect-render.js';

export interface InspectOptions extends CommonOptions, ReaderCliOptions, JumpCliOptions {
  /** Judge the two files as a pair (also the default when exactly two quote files are given). */
  pair?: boolean;
}

/** What `leadlag inspect` does once parsed; inspect-command.ts defines the command and loads this module only when it runs. */
export async function inspectAction(io: Streams, files: string[], o: InspectOptions): Promise<void> {
  const ctx = new Context(io, o);
  const report = await runInspect(files, o, ctx);
  const failed = report.entries.filter((e): e is Extract<InspectEntry, { error: unknown }> => 'error' in e);
  // A human table of no file says nothing the error lines do not.
  if (o.format !== 'table' || failed.length < report.entries.length) await ctx.emit(renderInspect(report, terminalWidth(io)));
  if (failed.length === 0) return;
  // Every bad file is named; the decisive one (cannot open beats bad data) sets the exit code.
  const decisive = failed.find((f) => f.error instanceof OpenError) ?? failed[0]!;
  ctx.progress.done();
  for (const f of failed) if (f !== decisive) io.stderr.write(`leadlag: ${f.error.message}\n`);
  throw decisive.error;
}

/** The terminal's width for the human table: stdout's columns on a terminal, else $COLUMNS, else unlimited. */
function terminalWidth(io: Streams): number {
  const out = io.stdout as Streams['stdout'] & { columns?: number };
  if (out.isTTY === true && typeof out.columns === 'number' && out.columns > 0) return out.columns;
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : Infinity;
}

/**
 * Inspects the files, two at a time and each large one in a worker thread (inspect-thread.ts),
 * reported in argument order (file-level errors become entries, anything else
 * propagates), then the pair: with --pair, or when exactly two of the files are quotes, from
 * two arguments (one argument's files are one market's).
 * @throws UsageError for --pair with other than two files, or with standard input (read once).
 */
export async function runInspect(files: readonly string[], o: InspectOptions, ctx: Context): Promise<InspectReport> {
  assertStdinOnce(files);
  if (o.pair === true && files.length !== 2) throw new UsageError(`--pair needs exactly two quote files, got ${files.length}`);
  const once = files.find((f) => !readableTwice(f));
  if (o.pair === true && once !== undefined) throw new UsageError(`--pair reads each file twice, so it cannot take ${readOnceText(once)}; give paths`);
  // Every file in argument order (an argument naming none: an error in its place), with the
  // argument it came from (per-input option lists are per argument); then their scans, two at once.
  const tasks: Array<{ file: string; index: number } | { entry: InspectEntry; index: number }> = [];
  for (const [index, arg] of files.entries()) {
    const named: InspectEntry[] = [];
    for (const file of expandOrEntry(arg, named)) tasks.push({ file, index });
    for (const entry of named) tasks.push({ entry, index });
  }
  // One scan thread per lane for all of its files; ended before the pair's read starts its own.
  const lanes = Array.from({ length: SCANS_AT_ONCE }, () => new ScanThread());
  const outcomes = await inOrder(tasks, SCANS_AT_ONCE, async (task, lane): Promise<InspectEntry> => {
    if ('entry' in task) return task.entry;
    const layout = layoutOf(o, { index: task.index, count: files.length });
    const quality = await inspectFile(task.file, { clock: o.clock, ...layout, sort: o.sort === true, onProgress: ctx.progress.update }, undefined, lanes[lane]);
    return { file: quality.file, quality };
  }).finally(() => lanes.forEach((l) => l.close()));
  const all = outcomes.map((outcome, k): InspectEntry => {
    if ('value' in outcome) return outcome.value;
    // A file that cannot be read, or is not a quote or trade file, is an entry; anything else a bug.
    const e = outcome.error;
    if (!(e instanceof DataError || e instanceof OpenError)) throw e;
    const { file } = tasks[k] as { file: string };
    return { file: file === '-' ? '<stdin>' : file, error: e };
  });
  // A file of a header only among an argument's several is left out with a warning, as the
  // analyses leave it out (io/multi.ts); alone, or with only its like, it is an error, as they refuse it.
  const headerOnly = all.map((e) => 'error' in e && isHeaderOnlyError(e.error));
  const withRows = (index: number) => tasks.some((t, k) => t.index === index && !headerOnly[k]);
  const leftOut = headerOnly.map((h, k) => h && withRows(tasks[k]!.index));
  all.forEach((e, k) => leftOut[k] && ctx.warn(emptyFileWarning(e.file)));
  const entries = all.filter((_, k) => !leftOut[k]);
  // As the analyses say it: an option the file cannot use (--clock local without a receipt clock).
  for (const w of optionEffectWarnings(o, entries.flatMap((e) => ('quality' in e ? [e.quality] : [])))) ctx.warn(w);
  const argOf = tasks.map((t) => t.index).filter((_, k) => !leftOut[k]);
  for (const w of marketFileWarnings(entries, argOf)) ctx.warn(w);
  for (const w of quietInsideFiles(entries)) ctx.warn(w);
  // A row --sort moved back far, the mid's steps of scale: as the analyses warn of them.
  for (const e of entries) if ('quality' in e) for (const note of readNotes(e.quality)) ctx.warn(note);
  const report = { entries, threshold: o.threshold, pairWindowUs: o.pairWindow };
  // Each quote file with its place among the inputs: the pair reads it with the same per-input options.
  const quotes = entries.flatMap((e, index) => ('quality' in e && e.quality.kind === 'quotes' ? [{ q: e.quality, slot: { index: argOf[index]!, count: files.length } }] : []));
  // The pair would read the two quote files again: a pipe has given its bytes already (and a FIFO would wait for ever).
  const onceQuote = quotes.map(({ q }) => q.file).find((f) => f === '<stdin>' || !readableTwice(f));
  // Two quote files of one argument (a glob, a folder, a list) are one market's series, not a
  // pair: 'spot_part*.csv' was judged as spot against perp, "no analysis can run on them".
  const oneArgument = quotes.length === 2 && quotes[0]!.slot.index === quotes[1]!.slot.index;
  if (oneArgument) {
    if (o.pair === true) throw new UsageError(`--pair needs one quote file for each market; ${quotes[0]!.q.file} and ${quotes[1]!.q.file} are both of the argument ${JSON.stringify(files[quotes[0]!.slot.index])}, one market's files`);
    return { ...report, pair: null };
  }
  if (o.pair !== true && quotes.length === 2 && onceQuote !== undefined) {
    ctx.warn(`the two quote files are not paired: ${onceQuote === '<stdin>' ? 'standard input' : onceQuote} can be read only once; give paths to pair them`);
    return { ...report, pair: null };
  }
  const wanted = o.pair === true || quotes.length === 2;
  if (!wanted) return { ...report, pair: null };
  if (quotes.length !== 2) {
    if (entries.some((e) => 'error' in e)) return { ...report, pair: null };
    const trades = entries.length - quotes.length;
    throw new UsageError(`--pair needs exactly two quote files, one per market; got ${counted(quotes.length, 'quote file')}${trades > 0 ? ` and ${counted(trades, 'trade file')}` : ''}`);
  }
  const [a, b] = quotes.map(({ q }) => q) as [FileQuality, FileQuality];
  const slots = quotes.map(({ slot }) => slot) as [InputSlot, InputSlot];
  // A file without a usable row has nothing to pair (its own column says why).
  if (a.timeline.rows === 0 || b.timeline.rows === 0) return { ...report, pair: null };
  return { ...report, pair: await inspectPair([a.file, b.file], [a, b], o, ctx, slots) };
}

/**
 * What an analysis would say of each argument's several files read as one market's stream
 * (docs/time.md): files that overlap in time, which it refuses, and gaps of more than a minute
 * between quote files (inputs.ts fileGaps). A folder may hold both markets (a day's spot and perp
 * files, which inspect then pairs), so a series is the files of one kind whose names differ only
 * in their digits (a date, a part number) and packing; files without a usable row are left out,
 * as the analyses leave out a file of no rows.
 */
function marketFileWarnings(entries: readonly InspectEntry[], argOf: readonly number[]): string[] {
  const groups = new Map<string, FileQuality[]>();
  entries.forEach((e, k) => {
    if (!('quality' in e) || !Number.isFinite(e.quality.timeline.firstTime)) return;
    const key = `${argOf[k]!}:${e.quality.kind}:${seriesName(e.quality.file)}`;
    groups.set(key, [...(groups.get(key) ?? []), e.quality]);
  });
  const out: string[] = [];
  for (const files of groups.values()) {
    if (files.length < 2) continue;
    const inTime = files.map((q) => ({ file: q.file, kind: q.kind, firstTime: q.timeline.firstTime, lastTime: q.timeline.lastTime })).sort((x, y) => x.firstTime - y.firstTime);
    for (let i = 1; i < inTime.length; i++) {
      const [before, after] = [inTime[i - 1]!, inTime[i]!];
      const overlaps = overlapsPrevious(after.kind, after.firstTime, before.lastTime);
      if (overlaps && (before.file === after.file || sameFile(before.file, after.file))) out.push(`${after.file} is given twice for one market${before.file === after.file ? '' : ` (also as ${before.file})`}; an analysis refuses it: pass each file once`);
      else if (overlaps) out.push(`${before.file} and ${after.file} overlap in time: ${after.file} starts at ${isoMicros(after.firstTime)}, ${after.firstTime === before.lastTime ? 'the time' : 'before'} ${before.file} ends at ${isoMicros(before.lastTime)}; an analysis refuses them as one market's files`);
    }
    if (inTime[0]!.kind === 'quotes') out.push(...fileGaps(inTime));
  }
  return out;
}

/** A file's name with its digits and packing left out: the files of one market's series share it (spot-2024-08-01.csv.gz, spot-2024-08-02.csv). */
function seriesName(file: string): string {
  return withoutOwnLayer(basename(file)).replace(/\d+/g, '#');
}

/**
 * A quote file's longest gap past a minute (QUIET_US), said as the analyses say a quiet spell
 * inside a file (inputs.ts quietSpells): a gap between two files was warned of, the same gap
 * inside one was only a number in the table. Not where the gap is the likely bad line's.
 */
function quietInsideFiles(entries: readonly InspectEntry[]): string[] {
  return entries.flatMap((e) => {
    if (!('quality' in e) || e.quality.kind !== 'quotes') return [];
    const t = e.quality.timeline;
    if (!(t.longestGap > QUIET_US)) return [];
    // A gap into or out of the likely bad line is that line's (a time typed an hour ahead): the note under the table says so.
    const bad = e.quality.likelyBadLine;
    if (bad !== null && (bad.time === t.longestGapStart || bad.time === t.longestGapStart + t.longestGap)) return [];
    return quietSpells([{ file: e.quality.file, quiet: { count: 1, spells: [{ from: t.longestGapStart, to: t.longestGapStart + t.longestGap }] } }], [ALL_TIME]);
  });
}

/**
 * The files an argument names (a list, a directory or a glob; see docs/time.md), each inspected
 * on its own. An argument naming no file becomes an error entry in its place in argument order.
 */
function expandOrEntry(arg: string, entries: InspectEntry[]): string[] {
  try {
    return expandInputArg(arg);
  } catch (e) {
    if (!(e instanceof OpenError)) throw e;
    entries.push({ file: arg, error: e });
    return [];
  }
}

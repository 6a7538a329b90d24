/**
 * Warnings about a run that would otherwise print a confident table of nonsense: a span in
 * 1970 or shorter than a second (times read in the wrong unit), an option that changed nothing
 * on the given files, and one file given for both markets (docs/pair.md, "Silent nonsense").
 */
import type { Span } from '../core/types.js';
import { fileKey } from '../io/identity.js';
import { expandInputArg } from '../io/paths.js';
import { duration, isoMicros } from '../io/output.js';
import type { ReadReport } from '../io/types.js';
import type { Context } from './context.js';
import type { ReaderCliOptions } from './options.js';
import { RECEIPT_COLUMNS } from '../io/formats.js';

/** 2000-01-01T00:00:00Z in µs: no market data of interest is older. */
export const YEAR_2000_US = 946_684_800_000_000;

/** Spans shorter than this hold too few ticks for any millisecond lead-lag statistic. */
export const MIN_SPAN_US = 1_000_000;

/** The warnings for two markets' inputs once they are read; pure apart from the arguments' expansion and stats (sharedFile). */
export function inputWarnings(files: readonly string[], o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, reads: readonly ReadReport[], span: Span): string[] {
  const out: string[] = [];
  const shared = sharedFile(files);
  if (shared !== undefined) {
    const one = shared.files.length === 1;
    const list = fewNamed(shared.files);
    const named = files[0] === files[1] || (one && shared.files[0] === files[0]) ? list : `${list}, named by both ${files[0]} and ${files[1]}`;
    // Lists that share some of their files compare a market with itself only over those files' times.
    const where = shared.all ? '' : ` over ${one ? 'its' : 'their'} times`;
    out.push(`both markets read the same ${one ? 'file' : 'files'} (${named}): every jump${where} pairs with itself and the tables compare a market with itself${where}`);
  }
  const units = reads.map((r) => `${r.file}: column '${r.timeColumn}' read as ${r.timeUnit === 'iso' ? 'ISO-8601' : r.timeUnit}`).join('; ');
  if (span.start < YEAR_2000_US) {
    out.push(`the span starts at ${isoMicros(span.start)}, before 2000: are the times in the unit they were read in (${units})? --time-unit sets it`);
  }
  if (span.end - span.start < MIN_SPAN_US) {
    out.push(`the span lasts only ${duration(span.end - span.start)}, under a second: too short for the tables to mean much (${units})`);
  }
  out.push(...optionEffectWarnings(o, reads.flatMap((r) => r.perFile ?? [r])));
  for (const r of reads) {
    const mixed = mixedClocks(r.perFile ?? [r]);
    if (mixed !== null) out.push(mixed);
  }
  // One file given twice draws its option warnings once.
  return [...new Set(out)];
}

/**
 * The files both market arguments name (the same path, a link, or a directory and a glob that
 * meet), and whether they name the same files throughout (`all`); undefined when they share
 * none. Each argument expanded as the readers expand quote arguments; arguments that name no
 * file are left to the readers' errors.
 */
function sharedFile(args: readonly string[]): { readonly files: readonly string[]; readonly all: boolean } | undefined {
  if (args.length !== 2) return undefined;
  if (args[0] === args[1]) return { files: [args[0]!], all: true };
  let lists: string[][];
  try {
    lists = args.map((a) => expandInputArg(a, 'quotes'));
  } catch {
    return undefined;
  }
  const idOf = (f: string) => fileKey(f) ?? f;
  const [a, b] = lists.map((l) => l.filter((f) => f !== '-').map((f) => ({ f, id: idOf(f) }))) as [{ f: string; id: string }[], { f: string; id: string }[]];
  const inB = new Set(b.map((x) => x.id));
  const both = a.filter((x) => inB.has(x.id));
  if (both.length === 0) return undefined;
  return { files: both.map((x) => x.f), all: both.length === a.length && both.length === new Set(b.map((x) => x.id)).size };
}

/**
 * One market's files read on two clocks (a receipt clock in some, the venue's in others, as
 * --clock local does on a month that mixes Tardis files with exchange exports): its ticks move
 * by the feed's latency from one file to the next, and a lead at the millisecond scale with
 * them; null when every file is on one kind of clock.
 */
function mixedClocks(files: readonly Pick<ReadReport, 'file' | 'timeColumn'>[]): string | null {
  const on = files.filter((f) => onReceiptClock(f.timeColumn));
  const off = files.filter((f) => !onReceiptClock(f.timeColumn));
  if (on.length === 0 || off.length === 0) return null;
  const one = (f: Pick<ReadReport, 'file' | 'timeColumn'>) => `${f.file} ('${f.timeColumn}')`;
  return `one market's files are read on two clocks: ${one(on[0]!)} on a receipt clock, ${one(off[0]!)} on the venue's${on.length + off.length > 2 ? ` (${on.length} and ${off.length} files)` : ''}: its ticks move by the feed's latency from one to the other, and a lead with them; give files of one clock (--clock exchange reads the venue's time where a file has both)`;
}

/** `--time-unit` on a file whose unit is fixed (ISO-8601, Tardis µs); `--clock local` on a file without a receipt clock. */
export function optionEffectWarnings(o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, files: readonly OptionTarget[]): string[] {
  // One line per option and reason, naming its files: a month of daily files is a line, not thirty.
  const said = new Map<string, { readonly option: string; readonly why: readonly [string, string]; readonly files: Set<string> }>();
  const say = (option: string, why: readonly [string, string], file: string) => {
    const key = `${option}\u0000${why[0]}`;
    const entry = said.get(key) ?? { option, why, files: new Set<string>() };
    entry.files.add(file);
    said.set(key, entry);
  };
  for (const r of files) {
    // No usable time (inspect on a file without one): no unit to set, nothing to say of the option.
    if (o.timeUnit !== undefined && r.timeUnit !== null && r.timeUnit !== o.timeUnit) {
      const why = r.timeUnit === 'iso' ? (['its', 'their'] as const).map((w) => `${w} times are ISO-8601 dates`) : (['its', 'their'] as const).map((w) => `${w} format (${r.format}) fixes the unit to ${r.timeUnit}`);
      say(`--time-unit ${o.timeUnit}`, why as [string, string], r.file);
    }
    if (o.clock === 'local' && !onReceiptClock(r.timeColumn)) {
      const clocks = `(${RECEIPT_COLUMNS.join(', ')}; times come from '${r.timeColumn}')`;
      say('--clock local', [`it has no receipt clock ${clocks}`, `they have no receipt clock ${clocks}`], r.file);
    }
  }
  return [...said.values()].map(({ option, why, files: named }) => `${option} has no effect on ${fewNamed([...named])}: ${named.size === 1 ? why[0] : why[1]}`);
}

/** Files as a message names them: up to three by name, else the first two and how many. */
function fewNamed(files: readonly string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 2).join(', ')}, … (${files.length} files)`;
}

/** Whether a file's time column is a receipt clock (formats.ts RECEIPT_COLUMNS), as --clock local reads it. */
function onReceiptClock(timeColumn: string): boolean {
  return RECEIPT_COLUMNS.includes(timeColumn.toLowerCase());
}

/** What optionEffectWarnings reads of a file. */
type OptionTarget = { readonly file: string; readonly format: string; readonly timeColumn: string; readonly timeUnit: string | null };

/** Prints {@link inputWarnings} on stderr. */
export function warnAboutInputs(ctx: Context, files: readonly string[], o: Pick<ReaderCliOptions, 'clock' | 'timeUnit'>, reads: readonly ReadReport[], span: Span): void {
  for (const w of inputWarnings(files, o, reads, span)) ctx.warn(w);
}

/**
 * `leadlag plan SPOT PERP` (or `--manifest FILE` for many pairs): one line per job — the pair,
 * the owned range and the files it reads — as TSV or as complete `leadlag pair … --state …`
 * commands (or `--command xcorr|hy|classify`)
 * commands, for GNU parallel, a Slurm job array or a Kubernetes Indexed Job (docs/scale.md,
 * examples/).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DECIMAL_RE } from '../../io/numbers.js';
import { Context, type Streams } from '../context.js';
import { DataError, OpenError, UsageError } from '../../errors.js';
import { openError } from '../../io/byte-source.js';
import { dayFromName, impossibleNameDate } from '../../io/paths.js';
import { expandMarketArgs } from '../inputs.js';
import { firstUnmatchedDay, jobCount, planJobs, type DayFile, type Job } from '../../core/plan.js';
import { isoMicros } from '../../io/output.js';
import { counted, duration } from '../../core/human-text.js';
import { inputMatchKey, inputMatchKeyOf, stateHeaderAt } from '../../io/state-file.js';
import { shellQuote } from '../shell-words.js';
import { jobOptionsOf, jobReadMargin, requireRunnableRange, type JobOptions } from '../plan-options.js';

export interface PlanOptions {
  manifest?: string;
  every: number;
  /** The cuts' shift from the absolute clock (µs, 0 ≤ offset < every): --offset. */
  offset?: number;
  margin: number;
  emit: 'tsv' | 'commands';
  states: string;
  options: string;
  leadlag: string;
  label?: string;
  /** The analysis every job runs (its state is what merge reads). */
  command?: PlanCommand;
  /** classify: the first market's daily trades files. */
  trades?: string;
}

/** The commands whose states merge. */
export const PLAN_COMMANDS = ['pair', 'xcorr', 'hy', 'classify'] as const;
export type PlanCommand = (typeof PLAN_COMMANDS)[number];

/** What `leadlag plan` does once parsed; plan-command.ts defines the command and loads this module only when it runs. */
export async function planAction(io: Streams, spot: string | undefined, perp: string | undefined, o: PlanOptions): Promise<void> {
  const ctx = new Context(io, { format: 'tsv' });
  const lines = runPlan(spot, perp, o, (m) => ctx.warn(m));
  await ctx.writeStdout(lines.map((l) => `${l}\n`).join(''));
}

/** The plan's lines (TSV with a header, or commands). */
export function runPlan(spot: string | undefined, perp: string | undefined, o: PlanOptions, warn: (message: string) => void = () => {}): string[] {
  const command = o.command ?? 'pair';
  if (o.label !== undefined && !isPairName(o.label)) throw new UsageError(`--label may hold letters, digits, _ . and - only (it names the state files, <states>/<label>-0000.state), got ${JSON.stringify(o.label)}; e.g. BTCUSDT or BTC-USDT`);
  const pairs: PlannedPair[] = o.manifest !== undefined ? readManifest(o.manifest, command) : [{ pair: o.label ?? 'pair', a: spot, b: perp, trades: o.trades }];
  if (o.manifest !== undefined && (spot !== undefined || perp !== undefined || o.trades !== undefined)) throw new UsageError('give either the markets\' files (and --trades) or --manifest, not both');
  if (o.manifest !== undefined && o.label !== undefined) throw new UsageError('--label names the one pair of the markets given; with --manifest each pair is named by its line\'s pair column');
  if (command !== 'classify' && o.trades !== undefined) throw new UsageError(`--trades goes with --command classify (${command} reads no trades)`);
  const withTrades = command === 'classify';
  const offset = o.offset ?? 0;
  if (!(offset < o.every)) throw new UsageError(`--offset ${duration(offset)} must be shorter than --every ${duration(o.every)} (the cuts repeat every --every)`);
  const jobOptions = jobOptionsOf(command, o.options);
  // Files are chosen around each range as far as its job reads, whatever --margin says.
  const margin = Math.max(o.margin, jobReadMargin(command, jobOptions.parsed));
  // The command and its --options too, so that a scheduler reading the TSV runs the jobs planned.
  const header = ['job', 'pair', 'n', 'start', 'end', 'spot_files', 'perp_files', ...(withTrades ? ['trades_files'] : []), 'state', 'plan_span', 'command', 'options'];
  const optionsText = jobOptions.words.map(shellQuote).join(' ');
  const lines: string[] = o.emit === 'tsv' ? [header.join('\t')] : [];
  // Every pair's files first: the plan's size is known before any job is made.
  const planned = pairs.map((p) => {
    if (p.a === undefined || p.b === undefined) throw new UsageError('plan needs the two markets\' daily files (or --manifest)');
    if (withTrades && p.trades === undefined) throw new UsageError('--command classify needs the trades\' daily files (--trades, or a trades_files column in the manifest)');
    const named = (paths: string[]) => dayFiles(requireExisting(paths, p.where));
    const [a, b] = expandMarketArgs([p.a, p.b]).map(named) as [DayFile[], DayFile[]];
    const trades = withTrades ? named(expandMarketArgs([p.trades!], 'trades')[0]!) : [];
    requireEachFileOnce(p.pair, withTrades ? [a, b, trades] : [a, b]);
    requireSameDays(p.pair, withTrades ? [a, b, trades] : [a, b]);
    return { p, a, b, trades };
  });
  requireFewJobs(planned.map(({ a, b }) => [a, b] as const), o.every, offset);
  let job = 0;
  const taken = new StatesTaken(command);
  for (const { p, a, b, trades } of planned) {
    const jobs = planJobs(a, b, o.every, margin, trades, offset);
    requireFilesAroundCuts(p.pair, jobs, [a, b]);
    // Every job's state records the span its pair's jobs cover, so that merge knows a missing first or last one.
    const span = jobs.length === 0 ? '' : `${isoMicros(jobs[0]!.start)}..${isoMicros(jobs.at(-1)!.end)}`;
    for (const j of jobs) {
      requireListable(j, withTrades);
      requireRunnableRange(command, jobOptions.parsed, j, o.every, `job ${job} (${p.pair}-${String(j.n).padStart(4, '0')})`, offset);
      const state = `${o.states.replace(/\/$/, '')}/${p.pair}-${String(j.n).padStart(4, '0')}.state`;
      taken.check(state, j);
      if (o.emit === 'tsv') lines.push(tsvLine([job, p.pair, j.n, isoMicros(j.start), isoMicros(j.end), j.a.join(','), j.b.join(','), ...(withTrades ? [j.trades.join(',')] : []), state, span, command, optionsText]));
      else lines.push(commandOf(command, p.pair, j, state, span, o.leadlag, jobOptions));
      job++;
    }
  }
  for (const w of taken.warnings()) warn(w);
  const folder = statesFolderProblem(o.states);
  if (folder !== undefined) warn(folder);
  for (const { p } of planned) {
    const left = leftoverStates(o.states, p.pair, taken.written);
    if (left.length > 0) warn(`${o.states} holds ${counted(left.length, 'state file')} of ${p.pair} that this plan does not write (${left.slice(0, 2).join(', ')}${left.length > 2 ? ', …' : ''}), from another plan: merge over the folder or ${p.pair}-*.state would read them too, and refuse their ranges; remove them, or give this plan its own --states DIR`);
  }
  return lines;
}

/**
 * State files a job of this plan would replace though they are not its own: another command's
 * (which the job refuses) or another pair's, told by the files it read: none of either market's
 * (base name and size, as merge matches them) is one of the job's. Two plans into one --states
 * without a --label each name their states alike, and the second's jobs replaced the first's,
 * job by job, without a word. A state of the job's own files is a rerun's, and is not said.
 */
class StatesTaken {
  /** What a state held, said for one state or several, and the states that held it. */
  private readonly found = new Map<string, { readonly held: (n: number) => string; readonly states: string[] }>();
  /** Every state path the plan's jobs write. */
  readonly written = new Set<string>();

  constructor(private readonly command: PlanCommand) {}

  check(state: string, j: Job): void {
    this.written.add(state);
    const held = stateHeaderAt(state);
    if (held === undefined) return;
    const other = String(held.command);
    if (other !== this.command) return this.add(`command ${other}`, state, (n) => `${n === 1 ? `a ${other} state` : `${other} states`}, which ${this.command} jobs refuse to replace`);
    const inputs = (held.inputs ?? {}) as Record<string, readonly { name?: unknown; bytes?: unknown }[] | undefined>;
    const shares = (role: 'a' | 'b', paths: readonly string[]) => {
      const theirs = new Set((inputs[role] ?? []).map((f) => inputMatchKey(String(f.name), f.bytes)));
      return theirs.size === 0 || paths.some((p) => theirs.has(inputMatchKeyOf(p)));
    };
    if (shares('a', j.a) || shares('b', j.b)) return;
    const label = typeof held.label === 'string' ? ` (label ${held.label})` : '';
    this.add(`files${label}`, state, (n) => `${n === 1 ? 'a state' : 'states'} of other files${label}, which the jobs would replace`);
  }

  warnings(): string[] {
    return [...this.found.values()].map(({ held, states }) => {
      const named = `${states.slice(0, 2).join(', ')}${states.length > 2 ? ', …' : ''}`;
      return `${counted(states.length, 'state file')} this plan's jobs write (${named}) already ${states.length === 1 ? 'holds' : 'hold'} ${held(states.length)}; give this plan its own --label or --states DIR`;
    });
  }

  private add(key: string, state: string, held: (n: number) => string): void {
    const entry = this.found.get(key) ?? { held, states: [] };
    entry.states.push(state);
    this.found.set(key, entry);
  }
}

/**
 * The state files of `pair` in the states folder (`<pair>-NNNN.state`, as plan names them) that
 * the plan does not write: a longer plan's jobs beyond this one's (a plan every 12 h, then a
 * daily one), which a merge over the folder or the pair's glob reads beside this plan's.
 */
function leftoverStates(dir: string, pair: string, written: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const folder = dir.replace(/\/$/, '');
  const ours = new RegExp(`^${pair.replace(/[.]/g, '\\.')}-\\d{4,}\\.state$`);
  return names.filter((n) => ours.test(n)).sort().map((n) => `${folder}/${n}`).filter((p) => !written.has(p));
}

/** The job's command line; --options' words come last, quoted as the shell reads them back (shell-words.ts). */
function commandOf(command: PlanCommand, pair: string, j: Job, state: string, span: string, leadlag: string, options: JobOptions): string {
  const trades = command === 'classify' ? ['--trades', j.trades.join(',')] : [];
  const args = [leadlag, command, j.a.join(','), j.b.join(','), ...trades, '--start', isoMicros(j.start), '--end', isoMicros(j.end), '--label', pair, '--state', state, '--plan-span', span, ...options.words];
  return args.map(shellQuote).join(' ');
}

/**
 * The paths as given, once each is known to exist. A directory or a glob only names files that
 * exist; a file named outright may not, and its jobs would fail on it one after the other (or,
 * a missing directory, it would read as a file without a date). `where`: the manifest line the
 * paths come from, for the message.
 * @throws OpenError (exit 66) naming the first missing path.
 */
function requireExisting(paths: string[], where: string | undefined): string[] {
  for (const path of paths) {
    try {
      statSync(path);
    } catch (err) {
      const e = openError(path, err);
      throw where === undefined ? e : new OpenError(path, `${e.problem} (${where})`);
    }
  }
  return paths;
}

/** Each file's UTC day from its name; a file without one cannot be planned. */
function dayFiles(paths: readonly string[]): DayFile[] {
  return paths.map((path) => {
    const day = dayFromName(path);
    const impossible = day === undefined ? impossibleNameDate(path) : undefined;
    if (impossible !== undefined) throw new UsageError(`${path}: ${impossible} in its name is no day of the calendar; plan reads the day a file holds from the date (YYYY-MM-DD) in its name`);
    if (day === undefined) throw new UsageError(`${path}: plan needs the date (YYYY-MM-DD) of the day a file holds in its name`);
    return { path, ...day };
  });
}

const LIST_NAMES = ['first market', 'second market', 'trades'];

/**
 * No file twice in a list, packed and unpacked (a leftover .gz beside the file unpacked from
 * it): the day's jobs would read both and refuse them as files that overlap in time, every one.
 * @throws DataError naming the day and both files.
 */
function requireEachFileOnce(pair: string, lists: readonly (readonly DayFile[])[]): void {
  lists.forEach((files, i) => {
    const seen = new Map<string, string>();
    for (const f of files) {
      // The name without its type and compression: a day may come in parts (…_part0.csv,
      // …_part1.csv), but x.csv beside x.csv.gz (or x.zip) is one file twice.
      const plain = f.path.replace(COMPRESSED, '');
      const other = seen.get(plain);
      if (other !== undefined) throw new DataError(pair, undefined, `${isoMicros(f.start).slice(0, 10)} has one file of the ${LIST_NAMES[i]} twice, ${other} and ${f.path} (packed and unpacked); a day's jobs would read both, which overlap in time: keep one`);
      seen.set(plain, f.path);
    }
    requireNoCopies(pair, files, LIST_NAMES[i]!);
  });
}

/** Bytes compared from the start of two same-day files of one size (requireNoCopies). */
const COPY_PROBE_BYTES = 1 << 16;

/**
 * No two files of one day and market that are copies (a `cp` of the day's file under another
 * name): the day's jobs would read both and refuse them as files that overlap in time, every one.
 * Files of one day, of one size (not empty) and the same first 64 KiB are taken for copies; a
 * day in parts has parts of other sizes or starts. Pipes and unreadable files are left to the jobs.
 * @throws DataError naming the day and both files.
 */
function requireNoCopies(pair: string, files: readonly DayFile[], list: string): void {
  const bySize = new Map<string, DayFile[]>();
  for (const f of files) {
    const size = sizeOf(f.path);
    if (size === undefined || size === 0) continue;
    const key = `${f.start} ${size}`;
    const same = bySize.get(key) ?? [];
    // Every earlier file of this day and size, not only the last: a, b (other bytes), then a copy of a.
    const other = same.find((o) => sameStart(o.path, f.path));
    if (other !== undefined) {
      throw new DataError(pair, undefined, `${isoMicros(f.start).slice(0, 10)} has two copies of one file of the ${list}, ${other.path} and ${f.path} (the same size and bytes); a day's jobs would read both, which overlap in time: keep one`);
    }
    bySize.set(key, [...same, f]);
  }
}

function sizeOf(path: string): number | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Whether two files begin with the same COPY_PROBE_BYTES (or are the same, if shorter). */
function sameStart(a: string, b: string): boolean {
  try {
    return probe(a).equals(probe(b));
  } catch {
    return false;
  }
}

function probe(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(COPY_PROBE_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, COPY_PROBE_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Files past this size hold rows: a header-only file is far smaller, packed or not. */
const HEADER_ONLY_MAX_BYTES = 64 << 10;

/**
 * Whether a small file holds one line, a header, and nothing after it (gzip inflated): a line
 * of which no field is a number, where a data row always has its time and prices. A zip or an
 * unreadable file is not judged (its job says what it is).
 */
function headerOnly(path: string): boolean {
  const size = sizeOf(path);
  if (size === undefined || size === 0 || size > HEADER_ONLY_MAX_BYTES || /\.zip$/i.test(path)) return false;
  try {
    const raw = readFileSync(path);
    const text = (/\.gz$/i.test(path) ? gunzipSync(raw) : raw).toString('utf8');
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines.length === 1 && lines[0]!.split(/[,;\t|]/).every((f) => !DECIMAL_RE.test(f.trim().replace(/^"(.*)"$/, '$1')));
  } catch {
    return false;
  }
}

/** A file's type and compression suffixes (io/open.ts reads .gz and .zip): x.csv, x.csv.gz and x.zip are one file. */
const COMPRESSED = /(\.(csv|tsv|txt))?(\.(gz|zip))?$/i;

/**
 * Every cut between two jobs must lie inside days with files of both markets, on both its sides
 * (the instant before it and the instant at it): merge joins two states only where the markets
 * trade across their cut, so a cut in or at the edge of days without files (a day missing in
 * both markets, a weekend of a market that closes) is one no merge can join. One run over the
 * files reads such a gap as a market without a move; a plan whose cuts all fall inside days
 * with files (a longer --every, another --offset) spans it within one job. With the same days
 * in every list (requireSameDays) it also gives every job a file of each market and the trades
 * to read: a job's start is a cut, or the first day's start.
 * @throws DataError naming the cut, the jobs, the day and what works instead.
 */
function requireFilesAroundCuts(pair: string, jobs: readonly Job[], markets: readonly (readonly DayFile[])[]): void {
  // Each file is judged once: the instant before a daily cut and the instant at the next meet one day's file.
  const judged = new Map<string, boolean>();
  const noRows = (path: string) => judged.get(path) ?? judged.set(path, headerOnly(path)).get(path)!;
  for (let i = 1; i < jobs.length; i++) {
    const cut = jobs[i]!.start;
    for (const t of [cut - 1, cut]) {
      const day = markets.map((files) => files.find((f) => f.start <= t && t < f.end));
      // A file of a header only is a day without rows: the jobs leave it out (io/multi.ts), and the market is as quiet there as without it.
      const lacking = day.findIndex((f) => f === undefined || noRows(f.path));
      if (lacking < 0) continue;
      const what = day[lacking] === undefined ? `a day without a file of the ${LIST_NAMES[lacking]}` : `a day whose file of the ${LIST_NAMES[lacking]} holds a header and no rows (${day[lacking]!.path})`;
      throw new DataError(pair, undefined, `the cut at ${isoMicros(cut)} between jobs ${i - 1} and ${i} meets ${isoMicros(t).slice(0, 10)}, ${what}: no merge joins states across a cut where a market does not trade; choose an --every and --offset whose cuts fall inside days with files (one job then spans the gap), plan the days before and after it as two plans, each merged on its own, or run the command once over all the files (it reads the gap as a market without a move, and warns of it)`);
    }
  }
}

/** Every day must have its file in each market (and in the trades, for classify): docs/scale.md. */
function requireSameDays(pair: string, lists: readonly (readonly DayFile[])[]): void {
  const gap = firstUnmatchedDay(lists);
  if (gap === undefined) return;
  const day = isoMicros(gap.day).slice(0, 10);
  const has = lists.findIndex((l) => l.some((f) => f.start === gap.day));
  throw new DataError(pair, undefined, `${day} has a file of the ${LIST_NAMES[has]} but none of the ${LIST_NAMES[gap.missing]}; every day needs its files in both markets${lists.length > 2 ? ' and in the trades' : ''} (fetch the missing file, or plan the days before and after it as two plans, each merged on its own)`);
}

/** The most jobs a plan makes: a job is a process of a scheduler, run for minutes, not milliseconds. */
export const MAX_PLAN_JOBS = 100_000;

/**
 * A plan of more jobs than a scheduler is meant to run (and whose list would not fit in memory
 * at --every 1ms over days) is a mistaken --every. Counted over every pair of the plan.
 * @throws UsageError with the count and the shortest --every that fits.
 */
function requireFewJobs(pairs: readonly (readonly [readonly DayFile[], readonly DayFile[]])[], everyUs: number, offsetUs: number): void {
  const count = pairs.reduce((n, [a, b]) => n + jobCount(a, b, everyUs, offsetUs), 0);
  if (count <= MAX_PLAN_JOBS) return;
  const what = pairs.length === 1 ? "the pair's days" : `the ${pairs.length} pairs' days`;
  throw new UsageError(`--every ${duration(everyUs)} cuts ${what} into ${count} jobs, more than the ${MAX_PLAN_JOBS} a plan makes (a job is a process of its own, worth minutes of work); use --every ${duration(shortestEvery(pairs, offsetUs))} or longer`);
}

/**
 * The shortest --every, in whole minutes (whole hours from an hour) and longer than --offset,
 * that cuts the pairs' days into at most MAX_PLAN_JOBS jobs: from the days' total length, then
 * lengthened until it fits (a pair's cuts on the absolute clock can add a job at each end).
 */
function shortestEvery(pairs: readonly (readonly [readonly DayFile[], readonly DayFile[]])[], offsetUs: number): number {
  const total = pairs.reduce((n, [a, b]) => n + Math.max(...[...a, ...b].map((f) => f.end)) - Math.min(...[...a, ...b].map((f) => f.start)), 0);
  const unit = (us: number) => (us < 3_600_000_000 ? 60_000_000 : 3_600_000_000);
  // Longer than --offset too, which must be shorter than --every.
  const least = Math.max(total / MAX_PLAN_JOBS, offsetUs + 1);
  let every = Math.ceil(least / unit(least)) * unit(least);
  while (pairs.reduce((n, [a, b]) => n + jobCount(a, b, every, offsetUs), 0) > MAX_PLAN_JOBS) every += unit(every);
  return every;
}

/**
 * A job names each market's files as one comma list, so a file whose name holds a comma can
 * only be a job's lone file of its market (io/paths.ts takes an existing name whole).
 * @throws UsageError naming the file.
 */
function requireListable(j: Job, withTrades: boolean): void {
  for (const files of withTrades ? [j.a, j.b, j.trades] : [j.a, j.b]) {
    const cut = files.length > 1 ? files.find((f) => f.includes(',')) : undefined;
    if (cut !== undefined) throw new UsageError(`${cut}: a job reads this file with others as one comma-separated list, which would cut its name at the comma; rename it or link it under a name without a comma`);
  }
}

/**
 * A manifest line's fields, trimmed, as a CSV export writes them (RFC 4180, as pandas and
 * spreadsheets quote): a field in double quotes may hold the delimiter (a market's comma list of
 * files) and "" for a quote. Undefined when a quoted field does not close on the line.
 */
export function manifestCells(line: string, delimiter: string): string[] | undefined {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = line.indexOf(delimiter, i);
      // Anything between the closing quote and the delimiter is kept as a CSV reader keeps it.
      cell += next < 0 ? line.slice(i) : line.slice(i, next);
      i = next;
    } else {
      const next = line.indexOf(delimiter, i);
      cell = next < 0 ? line.slice(i) : line.slice(i, next);
      i = next;
    }
    cells.push(cell.trim());
    if (i < 0) return cells;
    i += delimiter.length;
  }
}

/** One pair to plan: its name and each market's files as given (`where`: its manifest line). */
interface PlannedPair {
  pair: string;
  a: string | undefined;
  b: string | undefined;
  trades?: string | undefined;
  where?: string;
}

/**
 * `pair,spot_files,perp_files` per line (classify: `pair,spot_files,perp_files,trades_files`),
 * comma- or tab-separated, an optional header line that may give the columns in another order.
 */
function readManifest(file: string, command: PlanCommand): PlannedPair[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw openError(file, e);
  }
  const columns = command === 'classify' ? 'pair,spot_files,perp_files,trades_files' : 'pair,spot_files,perp_files';
  const names = columns.split(',');
  const width = names.length;
  // Where each column is on a line, and how many a line has: as listed, or as a header orders them.
  let order = names.map((_, k) => k);
  let lineWidth = width;
  let first = true;
  const out: PlannedPair[] = [];
  const seen = new Map<string, { name: string; line: number }>();
  text.split(/\r?\n/).forEach((line, i) => {
    // A comment may be indented. A pair line whose first field begins with # (a file path, under a
    // header that puts the files first) would be taken for one: such a path is not worth a rule.
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    // A tab inside a quoted field does not make the line TSV: look for one outside the quotes.
    const cells = manifestCells(line, line.replace(/"[^"]*"/g, '').includes('\t') ? '\t' : ',');
    if (cells === undefined) throw new DataError(file, i + 1, 'a quoted field does not end on its line (a field in "…" ends with a lone ", and "" stands for one ")', line);
    const header = first && isManifestHeader(cells, names);
    first = false;
    if (header) {
      // The columns in any order, and unnamed ones (a DataFrame's index) left out: as pandas writes them.
      const named = cells.filter((c) => c !== '');
      if (named.length !== width || new Set(named).size !== width) throw new DataError(file, i + 1, `the header names ${named.join(',')}; a manifest's columns are ${columns}, in any order${command === 'classify' ? ' (classify jobs read trades)' : ''}`, line);
      order = names.map((n) => cells.indexOf(n));
      lineWidth = cells.length;
      return;
    }
    if (cells.length !== lineWidth || order.some((k) => cells[k] === '')) throw new DataError(file, i + 1, `a manifest line is ${columns}${lineWidth > width ? ` (and ${lineWidth - width} unnamed, as its header has)` : ''}${command === 'classify' ? ' (classify jobs read trades)' : ''}`, line);
    const [pair, a, b, trades] = order.map((k) => cells[k]!);
    if (!isPairName(pair!)) throw new DataError(file, i + 1, PAIR_NAME_RULE, pair);
    requireNewPair(file, i + 1, pair!, seen);
    out.push({ pair: pair!, a: a!, b: b!, ...(width === 4 ? { trades: trades! } : {}), where: `${file} line ${i + 1}` });
  });
  if (out.length === 0) throw new DataError(file, undefined, 'the manifest lists no pair');
  return out;
}

/** A manifest's first line is its header when it names columns and nothing else (unnamed ones aside). */
function isManifestHeader(cells: readonly string[], names: readonly string[]): boolean {
  return cells.some((c) => names.includes(c)) && cells.every((c) => c === '' || names.includes(c));
}

/**
 * What would make every job fail to write its state (exit 73): a --states that is not a folder,
 * or none yet. Said once at planning, not by each job after its read; a warning, since the
 * jobs may run after a `mkdir -p` (the README's order) or where the folder is made for them.
 */
function statesFolderProblem(dir: string): string | undefined {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return `--states ${dir} is no folder yet: every job fails to write its state until it exists (mkdir -p ${shellQuote(dir)})`;
  }
  return st.isDirectory() ? undefined : `--states ${dir} is a file, not a folder: every job would fail to write its state; name a folder (mkdir -p DIR)`;
}

/**
 * A pair's name becomes its state files' names (`<states>/<name>-<n>.state`) and merge's row
 * label: a path separator would put the states in a directory no one made, a space or a quote
 * would need quoting everywhere the name goes.
 */
const PAIR_NAME = /^[A-Za-z0-9_.-]+$/;
const PAIR_NAME_RULE = 'a pair name may hold letters, digits, _ . and - (it names the state files)';

function isPairName(name: string): boolean {
  return PAIR_NAME.test(name);
}

/**
 * Two manifest lines with one pair name would write the same state files, each job overwriting
 * the other's, and merge would print one market's numbers under the name without a word. Names
 * are compared without case: on a case-insensitive file system (macOS, Windows) BTC and btc
 * name the same files.
 */
function requireNewPair(file: string, line: number, pair: string, seen: Map<string, { name: string; line: number }>): void {
  const first = seen.get(pair.toLowerCase());
  if (first === undefined) {
    seen.set(pair.toLowerCase(), { name: pair, line });
    return;
  }
  const as = first.name === pair ? '' : ` as ${first.name} (names that differ only in case name the same files on a case-insensitive file system)`;
  throw new DataError(file, line, `the pair is on line ${first.line} already${as}; its jobs would write the same state files (${first.name}-0000.state, …) and overwrite each other: give each pair its own name`, pair);
}

/**
 * One job as a TSV line, its fields as they are: schedulers and `read -r`, `cut -f` take them
 * verbatim, so a path is never escaped. One with a tab or a line break cannot be written (it
 * would split the line): --emit commands quotes it instead.
 * @throws UsageError naming the field.
 */
function tsvLine(fields: readonly (string | number)[]): string {
  const bad = fields.map(String).find((f) => /[\t\n\r]/.test(f));
  if (bad !== undefined) throw new UsageError(`--emit tsv cannot write ${JSON.stringify(bad)}: it holds a tab or a line break; use --emit commands, which quotes it`);
  return fields.join('\t');
}

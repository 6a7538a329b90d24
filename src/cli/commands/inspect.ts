/**
 * `leadlag inspect FILE...`: data quality of quote and trade files before an analysis —
 * format, span, rows and ticks, gaps between updates, bursts, order and bad rows.
 * Never fails on a bad row (it counts them); a file that cannot be read or is not a
 * quote or trade file is named on stderr, the others are still reported, and the exit
 * code is then 66 if any file could not be opened or read, else 65.
 */
import { Command } from 'commander';
import { Context, type Streams } from '../context.js';
import { DataError, OpenError } from '../../errors.js';
import { assertStdinOnce } from '../inputs.js';
import { addCommonOptions, clockOption, timeUnitOption, type CommonOptions } from '../options.js';
import { inspectInput, type FileQuality } from '../../io/inspect-scan.js';
import { duration, humanTable, isoMicros, type Cell, type Output, type Style } from '../../io/output.js';
import { LONG_GAPS_US } from '../../core/quality.js';
import type { Clock, TimeUnit } from '../../io/types.js';

export interface InspectOptions extends CommonOptions {
  clock: Clock;
  timeUnit?: TimeUnit;
}

/** One entry per file, in argument order: what was found, or why the file could not be inspected. */
export type InspectEntry = { readonly file: string; readonly quality: FileQuality } | { readonly file: string; readonly error: DataError | OpenError };

export interface InspectReport {
  readonly entries: readonly InspectEntry[];
}

export function inspectCommand(io: Streams): Command {
  const cmd = new Command('inspect')
    .summary('data quality of quote and trade files: span, ticks, gaps, bursts, bad rows')
    .description('Check tick files before an analysis: the detected format and time column, rows and ticks, the time span, the median and 99th-percentile gap between updates, long gaps, rows sharing a timestamp, rows out of order, crossed, locked and one-sided quotes, unparsable rows (with their first line numbers) and the price range. Counts problems instead of failing on them.')
    .argument('<files...>', 'quote or trade files (.gz, or - for stdin)');
  addReadOptionsThatApply(cmd);
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Each file is read as quotes when its header is a quote format, else as trades. Gaps are
between consecutive distinct timestamps of the usable rows; "over 50 ms" means strictly
longer. Rows the other commands would reject are counted by kind (see --skip-bad-rows
there); ticks are what they analyse with --skip-bad-rows.

Example:
  $ leadlag inspect fixtures/tardis/spot_quotes.csv fixtures/tardis/spot_trades.csv
  prints one column per file: tardis-quotes with 1633 rows, the span 12:00:00 → 12:01:20,
  gaps and bursts; tardis-trades the same for trades (no crossed/locked/one-sided there).
  $ leadlag inspect data/*.csv.gz --format json | jq '.[] | {file, gap_p99_us, crossed_rows}'

Exit codes: 0 all files inspected (whatever their problems), 65 a file is not a quote or
trade file (or is empty), 66 a file cannot be opened; the other files are still reported.`,
  );
  return cmd.action(async (files: string[], o: InspectOptions) => {
    const ctx = new Context(io, o);
    const report = await runInspect(files, o, ctx);
    const failed = report.entries.filter((e): e is Extract<InspectEntry, { error: unknown }> => 'error' in e);
    // A human table of no file says nothing the error lines do not.
    if (o.format !== 'table' || failed.length < report.entries.length) await ctx.emit(renderInspect(report));
    if (failed.length === 0) return;
    // Every bad file is named; the decisive one (cannot open beats bad data) sets the exit code.
    const decisive = failed.find((f) => f.error instanceof OpenError) ?? failed[0]!;
    ctx.progress.done();
    for (const f of failed) if (f !== decisive) io.stderr.write(`leadlag: ${f.error.message}\n`);
    throw decisive.error;
  });
}

/** --clock and --time-unit as the other commands define them; --sort and --skip-bad-rows mean nothing here. */
function addReadOptionsThatApply(cmd: Command): void {
  cmd.addOption(clockOption()).addOption(timeUnitOption());
}

/** Inspects the files one after the other; file-level errors become entries, anything else propagates. */
export async function runInspect(files: readonly string[], o: InspectOptions, ctx: Context): Promise<InspectReport> {
  assertStdinOnce(files);
  const entries: InspectEntry[] = [];
  for (const file of files) {
    try {
      const quality = await inspectInput(file, { clock: o.clock, timeUnit: o.timeUnit, onProgress: ctx.progress.update });
      entries.push({ file: quality.file, quality });
    } catch (e) {
      if (!(e instanceof DataError || e instanceof OpenError)) throw e;
      entries.push({ file: file === '-' ? '<stdin>' : file, error: e });
    }
  }
  return { entries };
}

/** One reported number: JSON/csv value, human cell and the meaning shown beside it. */
interface Metric {
  readonly key: string;
  readonly label: string;
  readonly meaning: string;
  readonly value: (q: FileQuality) => Cell;
  readonly human?: (q: FileQuality) => Cell;
  /** Only in json/csv (the µs twins of the ISO times). */
  readonly machineOnly?: true;
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const dur = (v: number): string => (Number.isFinite(v) ? duration(v) : 'n/a');
/** 12 significant digits: a mid of 60697.025 shows as such, not as 60697.024999999994. */
const price = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(12))) : 'n/a');
const [SHORT_GAP_US, LONG_GAP_US] = LONG_GAPS_US as [number, number];

/** The metrics in display order; `key` is the JSON member and the csv metric name. */
const METRICS: readonly Metric[] = [
  { key: 'kind', label: 'kind', meaning: 'quotes or trades', value: (q) => q.kind },
  { key: 'format', label: 'format', meaning: 'detected layout', value: (q) => q.format },
  { key: 'time_column', label: 'time column', meaning: 'times from (--clock)', value: (q) => q.timeColumn },
  { key: 'time_unit', label: 'time unit', meaning: 'iso or epoch unit', value: (q) => q.timeUnit },
  { key: 'rows', label: 'rows', meaning: 'data rows', value: (q) => q.rows },
  { key: 'usable_rows', label: 'usable rows', meaning: 'pass every row rule', value: (q) => q.timeline.rows },
  { key: 'ticks', label: 'ticks', meaning: 'distinct times (a burst is 1)', value: (q) => q.timeline.ticks },
  { key: 'same_time_rows', label: 'same-time rows', meaning: 'at the previous row\'s time', value: (q) => q.timeline.sameTime },
  { key: 'first_time', label: 'first', meaning: 'UTC', value: (q) => iso(q.timeline.firstTime) },
  { key: 'last_time', label: 'last', meaning: 'UTC', value: (q) => iso(q.timeline.lastTime) },
  { key: 'first_time_us', label: 'first (µs)', meaning: '', machineOnly: true, value: (q) => num(q.timeline.firstTime) },
  { key: 'last_time_us', label: 'last (µs)', meaning: '', machineOnly: true, value: (q) => num(q.timeline.lastTime) },
  { key: 'duration_us', label: 'duration', meaning: 'last − first', value: (q) => num(q.timeline.lastTime - q.timeline.firstTime), human: (q) => dur(q.timeline.lastTime - q.timeline.firstTime) },
  { key: 'gaps', label: 'gaps', meaning: 'between consecutive ticks', value: (q) => q.timeline.gaps },
  { key: 'gap_median_us', label: 'median gap', meaning: 'exact', value: (q) => num(q.timeline.gapMedian), human: (q) => dur(q.timeline.gapMedian) },
  { key: 'gap_p99_us', label: 'p99 gap', meaning: 'exact, type 7', value: (q) => num(q.timeline.gapP99), human: (q) => dur(q.timeline.gapP99) },
  { key: `gaps_over_${durationKey(SHORT_GAP_US)}`, label: `gaps > ${duration(SHORT_GAP_US)}`, meaning: 'strictly longer', value: (q) => q.timeline.longGaps[0]!.count },
  { key: `gaps_over_${durationKey(LONG_GAP_US)}`, label: `gaps > ${duration(LONG_GAP_US)}`, meaning: 'strictly longer', value: (q) => q.timeline.longGaps[1]!.count },
  { key: 'longest_gap_us', label: 'longest gap', meaning: '', value: (q) => num(q.timeline.longestGap), human: (q) => dur(q.timeline.longestGap) },
  { key: 'longest_gap_start', label: 'longest gap from', meaning: 'its start, UTC', value: (q) => iso(q.timeline.longestGapStart) },
  { key: 'longest_gap_start_us', label: 'longest gap from (µs)', meaning: '', machineOnly: true, value: (q) => num(q.timeline.longestGapStart) },
  { key: 'out_of_order_rows', label: 'out of order', meaning: 'earlier than a row before', value: (q) => q.timeline.outOfOrder },
  { key: 'crossed_rows', label: 'crossed', meaning: 'bid > ask', value: (q) => q.crossed },
  { key: 'locked_rows', label: 'locked', meaning: 'bid = ask (usable)', value: (q) => q.locked },
  { key: 'one_sided_rows', label: 'one-sided', meaning: 'empty bid or ask', value: (q) => q.oneSided },
  { key: 'unparsable_rows', label: 'unparsable', meaning: 'short, bad time, not a number', value: (q) => q.unparsable },
  { key: 'non_positive_rows', label: 'non-positive', meaning: 'price or quantity ≤ 0', value: (q) => q.nonPositive },
  { key: 'price_min', label: 'lowest price', meaning: 'of ticks: mid or price', value: (q) => num(q.timeline.priceMin), human: (q) => price(q.timeline.priceMin) },
  { key: 'price_max', label: 'highest price', meaning: 'of ticks', value: (q) => num(q.timeline.priceMax), human: (q) => price(q.timeline.priceMax) },
];

/** Rows of the human table. */
const HUMAN_METRICS = METRICS.filter((m) => m.machineOnly !== true);

function iso(us: number): string | null {
  return Number.isFinite(us) ? isoMicros(us) : null;
}

/** 50 000 → "50ms", 1 000 000 → "1s": the threshold in a member name. */
function durationKey(us: number): string {
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1000 === 0) return `${us / 1000}ms`;
  return `${us}us`;
}

/** "crossed quote" → "crossed_quote". */
function kindKey(kind: string): string {
  return kind.replace(/[^A-Za-z0-9]+/g, '_');
}

export function renderInspect(r: InspectReport): Output {
  return {
    json: r.entries.map(entryJson),
    machine: { columns: ['file', 'metric', 'value'], rows: r.entries.flatMap(machineRows) },
    human: (style) => humanInspect(r, style),
  };
}

function entryJson(e: InspectEntry): Record<string, unknown> {
  if ('error' in e) return { file: e.file, error: e.error.message, exit_code: e.error.exitCode };
  const json: Record<string, unknown> = { file: e.file };
  for (const m of METRICS) json[m.key] = m.value(e.quality);
  json.problems = Object.fromEntries(e.quality.problems.map((p) => [kindKey(p.kind), { count: p.count, first_lines: p.firstLines }]));
  return json;
}

function machineRows(e: InspectEntry): Cell[][] {
  if ('error' in e) {
    return [
      [e.file, 'error', e.error.message],
      [e.file, 'exit_code', e.error.exitCode],
    ];
  }
  const rows: Cell[][] = METRICS.map((m) => [e.file, m.key, m.value(e.quality)]);
  for (const p of e.quality.problems) {
    rows.push([e.file, `problems.${kindKey(p.kind)}`, p.count], [e.file, `problems.${kindKey(p.kind)}.first_lines`, p.firstLines.join(' ')]);
  }
  return rows;
}

function humanInspect(r: InspectReport, style: Style): string {
  const { c } = style;
  const ok = r.entries.filter((e): e is Extract<InspectEntry, { quality: unknown }> => 'quality' in e);
  const rows: Cell[][] = HUMAN_METRICS.map((m) => [m.label, ...ok.map((e) => (m.human ?? m.value)(e.quality)), c.dim(m.meaning)]);
  const lines = [
    c.bold(`Data quality of ${ok.length} file${ok.length === 1 ? '' : 's'}`),
    humanTable(['', ...ok.map((e) => e.file), 'meaning'], rows, style, ['left', ...ok.map(() => 'right' as const), 'left']),
  ];
  for (const e of ok) {
    if (e.quality.problems.length === 0) continue;
    lines.push(`${c.yellow(`${e.file}:`)} rows left out: ${e.quality.problems.map(problemText).join(', ')}`);
  }
  for (const e of r.entries) if ('error' in e) lines.push(c.red(`${e.file}: not inspected: ${e.error.problem}`));
  return lines.join('\n');
}

/** e.g. "3 crossed quote (lines 4, 9, 12, …)". */
function problemText(p: FileQuality['problems'][number]): string {
  const more = p.count > p.firstLines.length ? ', …' : '';
  return `${p.count} ${p.kind} (line${p.firstLines.length > 1 ? 's' : ''} ${p.firstLines.join(', ')}${more})`;
}

/**
 * `inspect`'s output: one metric list per file and one per pair, each metric with its JSON
 * member (also the csv metric name), its human label and cell, and the meaning shown beside
 * it. The per-file human table fits the terminal (table-fit.ts).
 */
import { LONG_GAPS_US } from '../core/quality.js';
import { latencySpreadMatters } from '../core/clocks.js';
import { counted, duration, fixed, humanTable, isoMicros, percent, type Cell, type Output, type Style } from '../io/output.js';
import type { FileQuality } from '../io/inspect-scan.js';
import { likelyBadLineNote } from '../io/validate.js';
import type { BehindRow } from '../io/types.js';
import type { DataError, OpenError } from '../errors.js';
import type { PairInspection } from './inspect-pair.js';
import { thresholdTicks } from './inspect-pair.js';
import { fitColumnTable, textWidth } from './table-fit.js';

/** One entry per file, in argument order: what was found, or why the file could not be inspected. */
export type InspectEntry = { readonly file: string; readonly quality: FileQuality } | { readonly file: string; readonly error: DataError | OpenError };

export interface InspectReport {
  readonly entries: readonly InspectEntry[];
  /** The two quote files judged together (--pair, or exactly two quote files); null otherwise. */
  readonly pair: PairInspection | null;
  /** θ and D of the run, for the per-file θ in ticks and the latency warning. */
  readonly threshold: number;
  readonly pairWindowUs: number;
}

/** One reported number: JSON/csv value, human cell and the meaning shown beside it. */
interface Metric<T> {
  readonly key: string;
  readonly label: string;
  readonly meaning: string;
  readonly value: (q: T) => Cell;
  readonly human?: (q: T) => Cell;
  /** Only in json/csv (the µs twins of the ISO times). */
  readonly machineOnly?: true;
  /** The column of this role: its human row is left out when no file has the role. */
  readonly role?: keyof FileQuality['columns'];
  /** Human rows of the two-clock facts: left out of the table when no file has two clocks. */
  readonly twoClocks?: true;
}

/** A file's facts with the run's parameters. */
interface FileView {
  readonly q: FileQuality;
  readonly threshold: number;
  readonly pairWindowUs: number;
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const dur = (v: number): string => (Number.isFinite(v) ? duration(v) : 'n/a');
/** 12 significant digits: a mid of 60697.025 shows as such, not as 60697.024999999994. */
const price = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(12))) : 'n/a');
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
/** Shares for people: 3 significant digits ("0.378 %"); JSON keeps the full fraction. */
const pct = (v: number | null): string => (v === null ? 'n/a' : `${Number((v * 100).toPrecision(3))} %`);
const order = (back: number | undefined): string => (back === undefined ? 'n/a' : back === 0 ? 'in order' : `${back} rows back`);
const [SHORT_GAP_US, LONG_GAP_US] = LONG_GAPS_US as [number, number];

/** Clock facts read through the optional summary. */
const lat = (f: FileView, k: 'median' | 'p1' | 'p99' | 'max'): number => f.q.clocks?.[k] ?? NaN;
const clockShare = (f: FileView, k: 'equal' | 'negative'): number | null => (f.q.clocks ? share(f.q.clocks[k], f.q.clocks.rows) : null);

/** The per-file metrics in display order. */
const FILE_METRICS: readonly Metric<FileView>[] = [
  { key: 'kind', label: 'kind', meaning: 'quotes or trades', value: ({ q }) => q.kind },
  { key: 'format', label: 'format', meaning: 'detected layout', value: ({ q }) => q.format },
  { key: 'time_column', label: 'time column', meaning: 'times from (--clock)', value: ({ q }) => q.timeColumn },
  { key: 'time_unit', label: 'time unit', meaning: 'iso, epoch unit or --time-format', value: ({ q }) => q.timeUnit },
  { key: 'price_column', role: 'price', label: 'price column', meaning: 'by name or --price-col', value: ({ q }) => q.columns.price ?? null },
  { key: 'bid_column', role: 'bid', label: 'bid column', meaning: 'by name or --bid-col', value: ({ q }) => q.columns.bid ?? null },
  { key: 'ask_column', role: 'ask', label: 'ask column', meaning: 'by name or --ask-col', value: ({ q }) => q.columns.ask ?? null },
  { key: 'quantity_column', role: 'quantity', label: 'quantity column', meaning: 'by name or --qty-col', value: ({ q }) => q.columns.quantity ?? null },
  { key: 'side_column', role: 'side', label: 'side column', meaning: 'by name or --side-col', value: ({ q }) => q.columns.side ?? null },
  { key: 'delimiter', label: 'delimiter', meaning: 'between fields', value: ({ q }) => q.delimiter, human: ({ q }) => (q.delimiter === '\t' ? 'tab' : q.delimiter) },
  { key: 'rows', label: 'rows', meaning: 'data rows', value: ({ q }) => q.rows },
  { key: 'usable_rows', label: 'usable rows', meaning: 'pass every row rule', value: ({ q }) => q.timeline.rows },
  { key: 'ticks', label: 'ticks', meaning: 'distinct times (a burst is 1)', value: ({ q }) => q.timeline.ticks },
  { key: 'same_time_rows', label: 'same-time rows', meaning: "at the previous row's time", value: ({ q }) => q.timeline.sameTime },
  { key: 'first_time', label: 'first', meaning: 'UTC', value: ({ q }) => iso(q.timeline.firstTime) },
  { key: 'last_time', label: 'last', meaning: 'UTC', value: ({ q }) => iso(q.timeline.lastTime) },
  { key: 'first_time_us', label: 'first (µs)', meaning: '', machineOnly: true, value: ({ q }) => num(q.timeline.firstTime) },
  { key: 'last_time_us', label: 'last (µs)', meaning: '', machineOnly: true, value: ({ q }) => num(q.timeline.lastTime) },
  { key: 'duration_us', label: 'duration', meaning: 'last − first', value: ({ q }) => num(q.timeline.lastTime - q.timeline.firstTime), human: ({ q }) => dur(q.timeline.lastTime - q.timeline.firstTime) },
  { key: 'gaps', label: 'gaps', meaning: 'between consecutive ticks', value: ({ q }) => q.timeline.gaps },
  { key: 'gap_median_us', label: 'median gap', meaning: 'exact', value: ({ q }) => num(q.timeline.gapMedian), human: ({ q }) => dur(q.timeline.gapMedian) },
  { key: 'gap_p99_us', label: 'p99 gap', meaning: 'exact, type 7', value: ({ q }) => num(q.timeline.gapP99), human: ({ q }) => dur(q.timeline.gapP99) },
  { key: `gaps_over_${durationKey(SHORT_GAP_US)}`, label: `gaps > ${duration(SHORT_GAP_US)}`, meaning: 'strictly longer', value: ({ q }) => q.timeline.longGaps[0]!.count },
  { key: `gaps_over_${durationKey(LONG_GAP_US)}`, label: `gaps > ${duration(LONG_GAP_US)}`, meaning: 'strictly longer', value: ({ q }) => q.timeline.longGaps[1]!.count },
  { key: 'longest_gap_us', label: 'longest gap', meaning: '', value: ({ q }) => num(q.timeline.longestGap), human: ({ q }) => dur(q.timeline.longestGap) },
  { key: 'longest_gap_start', label: 'longest gap from', meaning: 'its start, UTC', value: ({ q }) => iso(q.timeline.longestGapStart) },
  { key: 'longest_gap_start_us', label: 'longest gap from (µs)', meaning: '', machineOnly: true, value: ({ q }) => num(q.timeline.longestGapStart) },
  { key: 'out_of_order_rows', label: 'out of order', meaning: 'earlier than a row before', value: ({ q }) => q.timeline.outOfOrder },
  { key: 'crossed_rows', label: 'crossed', meaning: 'bid > ask', value: ({ q }) => q.crossed },
  { key: 'locked_rows', label: 'locked', meaning: 'bid = ask (usable)', value: ({ q }) => q.locked },
  { key: 'one_sided_rows', label: 'one-sided', meaning: 'empty bid or ask', value: ({ q }) => q.oneSided },
  { key: 'unparsable_rows', label: 'unparsable', meaning: 'bad shape, time, symbol or number', value: ({ q }) => q.unparsable },
  { key: 'non_positive_rows', label: 'non-positive', meaning: 'price or quantity ≤ 0', value: ({ q }) => q.nonPositive },
  { key: 'unread_side_rows', role: 'side', label: 'unread sides', meaning: 'a value its column is not read as', value: ({ q }) => q.unreadSides },
  { key: 'price_min', label: 'lowest price', meaning: 'of ticks: mid or price', value: ({ q }) => num(q.timeline.priceMin), human: ({ q }) => price(q.timeline.priceMin) },
  { key: 'price_max', label: 'highest price', meaning: 'of ticks', value: ({ q }) => num(q.timeline.priceMax), human: ({ q }) => price(q.timeline.priceMax) },
  { key: 'tick_size', label: 'tick size', meaning: 'smallest bid/ask (price) step seen', value: ({ q }) => num(q.tickSize.tick), human: ({ q }) => price(q.tickSize.tick) },
  { key: 'mid_changes', label: 'mid changes', meaning: 'between consecutive usable rows', value: ({ q }) => q.tickSize.midChanges },
  { key: 'one_tick_share', label: 'one-tick moves', meaning: 'mid changes of ≤ 1 tick', value: ({ q }) => share(q.tickSize.oneTickChanges, q.tickSize.midChanges), human: ({ q }) => pct(share(q.tickSize.oneTickChanges, q.tickSize.midChanges)) },
  { key: 'threshold_ticks', label: 'θ in ticks', meaning: 'θ × mid-range price / tick', value: (f) => num(thresholdTicks(f.q, f.threshold)), human: (f) => fixedOrNa(thresholdTicks(f.q, f.threshold), 1) },
  { key: 'clock', label: 'clock', meaning: 'times are exchange or receipt', value: ({ q }) => q.clock },
  { key: 'second_clock', label: 'second clock', meaning: 'the other time column', value: ({ q }) => q.secondClock },
  { key: 'clock_rows', twoClocks: true, label: 'rows with 2 clocks', meaning: 'both readable', value: ({ q }) => q.clocks?.rows ?? null },
  { key: 'equal_stamps_share', twoClocks: true, label: 'equal stamps', meaning: 'receipt = exchange time', value: (f) => clockShare(f, 'equal'), human: (f) => pct(clockShare(f, 'equal')) },
  { key: 'negative_latency_share', twoClocks: true, label: 'negative latency', meaning: 'receipt before exchange', value: (f) => clockShare(f, 'negative'), human: (f) => pct(clockShare(f, 'negative')) },
  { key: 'latency_median_us', twoClocks: true, label: 'median latency', meaning: 'receipt − exchange, exact', value: (f) => num(lat(f, 'median')), human: (f) => signedDur(lat(f, 'median')) },
  { key: 'latency_p1_us', twoClocks: true, label: 'p1 latency', meaning: 'Tardis: equal stamps left out', value: (f) => num(lat(f, 'p1')), human: (f) => signedDur(lat(f, 'p1')) },
  { key: 'latency_p99_us', twoClocks: true, label: 'p99 latency', meaning: '', value: (f) => num(lat(f, 'p99')), human: (f) => signedDur(lat(f, 'p99')) },
  { key: 'latency_max_us', twoClocks: true, label: 'max latency', meaning: '', value: (f) => num(lat(f, 'max')), human: (f) => signedDur(lat(f, 'max')) },
  { key: 'exchange_clock_out_of_order_rows', twoClocks: true, label: 'exchange clock', meaning: 'on its own', value: ({ q }) => q.clocks?.exchangeOutOfOrder ?? null, human: ({ q }) => order(q.clocks?.exchangeOutOfOrder) },
  { key: 'receipt_clock_out_of_order_rows', twoClocks: true, label: 'receipt clock', meaning: 'on its own', value: ({ q }) => q.clocks?.receiptOutOfOrder ?? null, human: ({ q }) => order(q.clocks?.receiptOutOfOrder) },
];

/** A pair's facts, with its evidence. */
type PairView = PairInspection;
const span = (p: PairView, k: 'start' | 'end'): number => p.span?.[k] ?? NaN;
const both = (p: PairView) => share(p.moves.bothMove, p.moves.steps);

/** The per-pair metrics in display order ("a" and "b": the first and second file, whatever --names says). */
const PAIR_METRICS: readonly Metric<PairView>[] = [
  { key: 'names', label: 'names', meaning: 'a, b (--names)', machineOnly: true, value: (p) => p.names.join(',') },
  { key: 'overlap_start', label: 'overlap from', meaning: 'UTC: later first tick', value: (p) => iso(span(p, 'start')) },
  { key: 'overlap_end', label: 'overlap to', meaning: 'UTC: earlier last tick', value: (p) => iso(span(p, 'end')) },
  { key: 'overlap_start_us', label: '', meaning: '', machineOnly: true, value: (p) => num(span(p, 'start')) },
  { key: 'overlap_end_us', label: '', meaning: '', machineOnly: true, value: (p) => num(span(p, 'end')) },
  { key: 'overlap_us', label: 'overlap', meaning: 'the analysis span', value: (p) => num(span(p, 'end') - span(p, 'start')), human: (p) => dur(span(p, 'end') - span(p, 'start')) },
  { key: 'grid_us', label: 'grid step', meaning: '--grid', value: (p) => p.params.gridUs, human: (p) => duration(p.params.gridUs) },
  { key: 'grid_steps', label: 'grid steps', meaning: 'returns per market', value: (p) => p.moves.steps },
  { key: 'zero_return_share_a', label: 'zero returns (a)', meaning: 'steps where a is flat', value: (p) => share(p.moves.zeroA, p.moves.steps), human: (p) => pct(share(p.moves.zeroA, p.moves.steps)) },
  { key: 'zero_return_share_b', label: 'zero returns (b)', meaning: 'steps where b is flat', value: (p) => share(p.moves.zeroB, p.moves.steps), human: (p) => pct(share(p.moves.zeroB, p.moves.steps)) },
  { key: 'both_move_steps', label: 'both move', meaning: "steps: xcorr's effective sample", value: (p) => p.moves.bothMove },
  { key: 'both_move_share', label: 'both move share', meaning: 'of the grid steps', value: both, human: (p) => pct(both(p)) },
  { key: 'threshold', label: 'θ', meaning: '--threshold', value: (p) => p.params.threshold, human: (p) => percent(p.params.threshold) },
  { key: 'jumps_a', label: 'jumps (a)', meaning: 'native feed, in the overlap', value: (p) => p.jumps.native[0] },
  { key: 'jumps_b', label: 'jumps (b)', meaning: 'native feed, in the overlap', value: (p) => p.jumps.native[1] },
  { key: 'grid_jumps_a', label: 'grid jumps (a)', meaning: 'LOCF feed', value: (p) => p.jumps.locf[0] },
  { key: 'grid_jumps_b', label: 'grid jumps (b)', meaning: 'LOCF feed', value: (p) => p.jumps.locf[1] },
  { key: 'chance_pairs_mean', label: 'chance pairs', meaning: 'mean pairs of b shifted ±1…±10 s (§10)', value: (p) => (p.chancePairs === null ? null : p.chancePairs.mean), human: (p) => (p.chancePairs === null ? 'n/a' : fixedOrNa(p.chancePairs.mean, 1)) },
  { key: 'chance_pairs_max', label: 'chance pairs max', meaning: 'largest over the 20 shifts', value: (p) => (p.chancePairs === null ? null : p.chancePairs.max) },
  { key: 'nonextant_share_a', label: 'nonextant (a)', meaning: 'HY: ticks cancelling out of U(0) (§8)', value: (p) => p.nonextantShares[0], human: (p) => (p.nonextantShares[0] === null ? 'n/a' : pct(p.nonextantShares[0])) },
  { key: 'nonextant_share_b', label: 'nonextant (b)', meaning: '', value: (p) => p.nonextantShares[1], human: (p) => (p.nonextantShares[1] === null ? 'n/a' : pct(p.nonextantShares[1])) },
  { key: 'threshold_ticks_a', label: 'θ in ticks (a)', meaning: '', value: (p) => num(p.thresholdTicks[0]), human: (p) => fixedOrNa(p.thresholdTicks[0], 1) },
  { key: 'threshold_ticks_b', label: 'θ in ticks (b)', meaning: '', value: (p) => num(p.thresholdTicks[1]), human: (p) => fixedOrNa(p.thresholdTicks[1], 1) },
  { key: 'clock_a', label: 'clock (a)', meaning: 'exchange, receipt or unknown', value: (p) => p.clocks[0] },
  { key: 'clock_b', label: 'clock (b)', meaning: '', value: (p) => p.clocks[1] },
  { key: 'clock_offset_us', label: 'clock offset', meaning: "b's times later than a's by", value: (p) => p.alignment.offsetUs, human: (p) => (p.alignment.offsetUs === null ? 'unknown' : signedDur(p.alignment.offsetUs)) },
];

const HUMAN_FILE_METRICS = FILE_METRICS.filter((m) => m.machineOnly !== true);
const HUMAN_PAIR_METRICS = PAIR_METRICS.filter((m) => m.machineOnly !== true);

function iso(us: number): string | null {
  return Number.isFinite(us) ? isoMicros(us) : null;
}

function fixedOrNa(v: number, digits: number): string {
  return Number.isFinite(v) ? String(Number(fixed(v, digits))) : 'n/a';
}

function signedDur(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  return us < 0 ? `−${duration(-us)}` : duration(us);
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

/**
 * The clock warnings of a file (docs/inspect.md): a latency spread at least half the pair
 * window, rows without an exchange time, receipt times before exchange times, a clock that
 * goes backwards on its own.
 */
export function clockWarnings(f: FileView): string[] {
  const c = f.q.clocks;
  if (!c) return [];
  const out: string[] = [];
  if (latencySpreadMatters(c, f.pairWindowUs)) {
    out.push(`latency spread p99 − p1 = ${duration(c.p99 - c.p1)} is at least half the pair window (${duration(f.pairWindowUs)}): leads shorter than that cannot be told from feed jitter`);
  }
  if (c.equalIsMissing && c.rows > 0 && c.equal * 2 > c.rows) out.push(`${percent(c.equal / c.rows)} of rows have equal stamps: mostly no exchange time, so the exchange clock is the receipt clock`);
  if (c.negative > 0) out.push(`${c.negative} rows have a receipt time before the exchange time: the two clocks are not synchronised`);
  if (c.exchangeOutOfOrder > 0) out.push(`the exchange clock goes backwards on its own ${c.exchangeOutOfOrder} times`);
  if (c.receiptOutOfOrder > 0) out.push(`the receipt clock goes backwards on its own ${c.receiptOutOfOrder} times`);
  return out;
}

function viewOf(r: InspectReport, q: FileQuality): FileView {
  return { q, threshold: r.threshold, pairWindowUs: r.pairWindowUs };
}

/** Renders the report; `width` is the terminal's (Infinity when not on a terminal). */
export function renderInspect(r: InspectReport, width = Infinity): Output {
  const json: unknown[] = r.entries.map((e) => entryJson(r, e));
  const rows = r.entries.flatMap((e) => machineRows(r, e));
  if (r.pair) {
    json.push(pairJson(r.pair));
    rows.push(...pairMachineRows(r.pair));
  }
  return { json, machine: { columns: ['file', 'metric', 'value'], rows }, human: (style) => humanInspect(r, style, width) };
}

function entryJson(r: InspectReport, e: InspectEntry): Record<string, unknown> {
  if ('error' in e) return { file: e.file, error: e.error.message, exit_code: e.error.exitCode };
  const f = viewOf(r, e.quality);
  const json: Record<string, unknown> = { file: e.file };
  for (const m of FILE_METRICS) json[m.key] = m.value(f);
  json.clock_warnings = clockWarnings(f);
  json.problems = Object.fromEntries(e.quality.problems.map((p) => [kindKey(p.kind), { count: p.count, first_lines: p.firstLines }]));
  json.likely_bad_line = badLineJson(e.quality);
  return json;
}

/** The likely bad line as JSON members (null when there is none); csv rows are `likely_bad_line.<member>`. */
function badLineJson(q: FileQuality): Record<string, Cell | string[]> | null {
  const b = q.likelyBadLine;
  if (b === null) return null;
  return { line: b.line, time: iso(b.time), time_us: b.time, rows_behind: b.rows, affects: affectedBy(q, b) };
}

/**
 * The members of the table that the likely bad line makes: it is a kept row, so a time far
 * ahead is the last time (or, as the first kept row, the first) and the duration runs to it,
 * and the gap into or out of it may be the longest. Not recomputed without it: the table is
 * what the analyses would see with --skip-bad-rows, which keep that row too.
 */
function affectedBy(q: FileQuality, b: BehindRow): string[] {
  const tl = q.timeline;
  const keys: string[] = [];
  if (b.time === tl.firstTime) keys.push('first_time');
  if (b.time === tl.lastTime) keys.push('last_time');
  if (keys.length > 0) keys.push('duration_us');
  if (tl.longestGapStart === b.time || tl.longestGapStart + tl.longestGap === b.time) keys.push('longest_gap_us');
  return keys;
}

/** The note under the table: the readers' own (likelyBadLineNote), and which rows of the table that line shapes. */
function badLineText(q: FileQuality, b: BehindRow): string {
  const labels = affectedBy(q, b).map((k) => FILE_METRICS.find((m) => m.key === k)!.label);
  const shaped = labels.length === 0 ? '' : `; the ${listed(labels)} above ${labels.length === 1 ? 'comes' : 'come'} from that row`;
  return `${likelyBadLineNote(b)}${shaped}`;
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function machineRows(r: InspectReport, e: InspectEntry): Cell[][] {
  if ('error' in e) {
    return [
      [e.file, 'error', e.error.message],
      [e.file, 'exit_code', e.error.exitCode],
    ];
  }
  const f = viewOf(r, e.quality);
  const rows: Cell[][] = FILE_METRICS.map((m) => [e.file, m.key, m.value(f)]);
  rows.push([e.file, 'clock_warnings', clockWarnings(f).join('; ')]);
  for (const p of e.quality.problems) {
    rows.push([e.file, `problems.${kindKey(p.kind)}`, p.count], [e.file, `problems.${kindKey(p.kind)}.first_lines`, p.firstLines.join(' ')]);
  }
  const bad = badLineJson(e.quality);
  if (bad !== null) for (const [k, v] of Object.entries(bad)) rows.push([e.file, `likely_bad_line.${k}`, Array.isArray(v) ? v.join(' ') : v]);
  return rows;
}

/** The pair's JSON element: `kind` "pair" tells it from the files' elements. */
function pairJson(p: PairView): Record<string, unknown> {
  const json: Record<string, unknown> = { kind: 'pair', files: [...p.files] };
  for (const m of PAIR_METRICS) json[m.key] = m.key === 'names' ? [...p.names] : m.value(p);
  json.alignment = { ok: p.alignment.ok, text: p.alignment.text };
  json.assessment = Object.fromEntries(p.assessments.map((a) => [a.estimator, { ok: a.ok, text: a.text }]));
  return json;
}

function pairMachineRows(p: PairView): Cell[][] {
  const rows: Cell[][] = PAIR_METRICS.map((m) => ['pair', m.key, m.value(p)]);
  // One row a market: joined by a space, two paths with spaces could not be told apart (JSON has the array).
  rows.unshift(['pair', 'file_a', p.files[0]], ['pair', 'file_b', p.files[1]]);
  rows.push(['pair', 'alignment.ok', p.alignment.ok], ['pair', 'alignment.text', p.alignment.text]);
  for (const a of p.assessments) rows.push(['pair', `assessment.${a.estimator}.ok`, a.ok], ['pair', `assessment.${a.estimator}.text`, a.text]);
  return rows;
}

function humanInspect(r: InspectReport, style: Style, width: number): string {
  const { c } = style;
  const ok = r.entries.filter((e): e is Extract<InspectEntry, { quality: unknown }> => 'quality' in e);
  const lines = [c.bold(`Data quality of ${counted(ok.length, 'file')}`), fittedTable(r, ok, style, width)];
  for (const e of ok) {
    if (e.quality.problems.length > 0) lines.push(`${c.yellow(`${e.file}:`)} rows left out: ${e.quality.problems.map(problemText).join(', ')}`);
    const bad = e.quality.likelyBadLine;
    if (bad !== null) lines.push(`${c.yellow(`${e.file}:`)} ${badLineText(e.quality, bad)}`);
    for (const w of clockWarnings(viewOf(r, e.quality))) lines.push(`${c.yellow(`${e.file}:`)} ${w}`);
  }
  for (const e of r.entries) if ('error' in e) lines.push(c.red(`${e.file}: not inspected: ${e.error.problem}`));
  if (r.pair) lines.push('', ...humanPair(r.pair, style, width));
  return lines.join('\n');
}

/** The per-file table, fitted to `width` (table-fit.ts). */
function fittedTable(r: InspectReport, ok: ReadonlyArray<{ file: string; quality: FileQuality }>, style: Style, width: number): string {
  const twoClocks = ok.some((e) => e.quality.clocks !== null);
  const metrics = HUMAN_FILE_METRICS.filter((m) => (twoClocks || m.twoClocks !== true) && (m.role === undefined || ok.some((e) => e.quality.columns[m.role!] !== undefined)));
  return fitColumnTable(
    {
      labels: metrics.map((m) => m.label),
      meanings: metrics.map((m) => m.meaning),
      columns: ok.map((e) => ({ name: e.file, cells: metrics.map((m) => (m.human ?? m.value)(viewOf(r, e.quality))) })),
    },
    style,
    width,
  );
}

function humanPair(p: PairView, style: Style, width: number): string[] {
  const { c } = style;
  const [a, b] = p.names;
  const label = (l: string) => l.replace('(a)', `(${a})`).replace('(b)', `(${b})`);
  const rows: Cell[][] = HUMAN_PAIR_METRICS.map((m) => [label(m.label), (m.human ?? m.value)(p), c.dim(m.meaning.replace(/\ba\b/, a).replace(/\bb\b/, b))]);
  let table = humanTable(['', `${a} vs ${b}`, 'meaning'], rows, style, ['left', 'right', 'left']);
  if (textWidth(table) > width) table = humanTable(['', `${a} vs ${b}`], rows.map((r) => r.slice(0, 2)), style, ['left', 'right']);
  const lines = [c.bold(`Pair: ${a} = ${p.files[0]}`), c.bold(`      ${b} = ${p.files[1]}`), table];
  if (p.span === null) lines.push(c.red('the files do not overlap in time: no analysis can run on them'));
  for (const s of p.assessments) lines.push(s.ok ? s.text : c.yellow(s.text));
  lines.push(p.alignment.ok ? p.alignment.text : c.yellow(p.alignment.text));
  return lines;
}

/** e.g. "3 crossed quote (lines 4, 9, 12, …)". */
function problemText(p: FileQuality['problems'][number]): string {
  const more = p.count > p.firstLines.length ? ', …' : '';
  return `${p.count} ${p.kind} (line${p.firstLines.length > 1 ? 's' : ''} ${p.firstLines.join(', ')}${more})`;
}

/**
 * Option parsers shared by the commands, and commander itself for every command definition.
 * Each parser validates where the value comes in and throws UsageError (exit 2) with the
 * option name and the offending text — never a silent NaN.
 */
import { createRequire } from 'node:module';
import type * as commander from 'commander';
import { UsageError } from '../errors.js';
import { FORMATS, RECOGNISED, type Format } from '../io/format-names.js';
import { groupDigits, MAX_SORT_ROWS } from '../io/sort-limit.js';
import type { Clock, ColumnMap, ReadOptions, TimeFormat, TimeUnit } from '../io/types.js';
import { compileTimePattern, PATTERN_DIRECTIVES } from '../io/time.js';
import type { AnalysisParams } from '../core/types.js';
import { ALL_TIME, type TimeRange } from '../core/parts.js';
import { parseIsoMicros } from '../io/time.js';
import { counted, duration, isoMicros } from '../core/human-text.js';

/**
 * commander, loaded with `require`. Under Node 20, `import … from 'commander'` reads the
 * package's ESM wrapper, then reads and lexes its CommonJS entry for the export names, and
 * then requires it anyway; `require` alone saves several ms of every `--help` (start-up,
 * docs/performance.md). The same module instance either way, so `instanceof` holds.
 */
const loaded = createRequire(import.meta.url)('commander') as typeof commander;
export const Command = loaded.Command;
export type Command = commander.Command;
export const Option = loaded.Option;
export type Option = commander.Option;
export const CommanderError = loaded.CommanderError;
export type CommanderError = commander.CommanderError;

const NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?$/;

/**
 * The decimal `text` times 10^shift, rounded once: `0.07` with shift −2 is exactly the double
 * nearest 0.0007, as `Number('0.0007')` is (dividing by 100 would give 0.0007000000000000001,
 * and a move of exactly θ would stop counting as a jump).
 */
function parseScaled(text: string, option: string, shift: number, whole = text, what = 'a number'): number {
  const m = NUMBER.exec(text.trim());
  // The value as given (`whole`), not the number left once a unit is cut off: "5bpbp", not "5bp".
  if (!m) throw new UsageError(`${option} must be ${what}, got ${JSON.stringify(whole)}`);
  return Number(`${m[1]}e${Number(m[2] ?? 0) + shift}`);
}

export function parseNumber(text: string, option: string): number {
  return parseScaled(text, option, 0);
}

/**
 * A jump threshold as a fraction: `0.0007`, `0.07%` or `7bp` (also `7bps`) are the same double.
 * Must satisfy 0 < θ < 1.
 */
export function parseThreshold(text: string, option = '--threshold'): number {
  const s = text.trim().toLowerCase();
  const what = 'a number, a percent or basis points (0.0007, 0.07% or 7bp)';
  let value: number;
  if (s.endsWith('%')) value = parseScaled(s.slice(0, -1), option, -2, text, what);
  else if (s.endsWith('bps')) value = parseScaled(s.slice(0, -3), option, -4, text, what);
  else if (s.endsWith('bp')) value = parseScaled(s.slice(0, -2), option, -4, text, what);
  else value = parseScaled(s, option, 0, text, what);
  if (!(value > 0 && value < 1)) {
    // A bare number of 1 or more is almost surely basis points or percent without the unit.
    const hint = value >= 1 && /^[0-9.]+$/.test(s) ? ` (did you mean ${s}bp or ${s}%?)` : '';
    throw new UsageError(`${option} must be greater than 0 and less than 100%, got ${JSON.stringify(text)}${hint}`);
  }
  return value;
}

/** Powers of ten from a duration unit to µs; no unit means ms. */
const DURATION_SHIFT: Record<string, number> = { '': 3, ms: 3, us: 0, µs: 0, s: 6, ns: -3 };

/** Longest window or grid step accepted: one day, far beyond any lead-lag question. */
export const MAX_DURATION_US = 86_400_000_000;

/**
 * A duration in whole µs: `3` (ms), `3ms`, `500us`, `0.5ms`, `1s`, `10min`, `1h`, `1d`, at most one day.
 * `allowZero` permits 0 (the pairing window may be 0: simultaneous jumps only).
 */
export function parseDuration(text: string, option: string, allowZero = false): number {
  const m = /^\s*([0-9.eE+-]+)\s*(ms|us|µs|s|ns|min|h|d)?\s*$/.exec(text);
  const what = 'a duration such as 3ms, 500us, 0.5ms, 10s, 10min, 1h or 1d';
  if (!m) {
    // `1m` is refused here (3ms-scale options), but --by and --window take it for minutes: say which to write.
    const n = /^\s*([0-9.]+)\s*m\s*$/.exec(text)?.[1];
    if (n !== undefined) throw new UsageError(`${option} must be ${what}, got ${JSON.stringify(text)}: write ${n}min for minutes or ${n}ms for milliseconds (here m alone would read as either; the options of window lengths, --by, --window and plan's --every, --margin and --offset, take it for minutes)`);
    throw new UsageError(`${option} must be ${what}, got ${JSON.stringify(text)}`);
  }
  // Minutes, hours, a day (a bootstrap block is often minutes long; 'm' stays refused beside
  // 'ms'): exact seconds first (parseScaled), then a whole multiple of them (LONG_UNITS, in µs).
  const long = m[2] === 'min' || m[2] === 'h' || m[2] === 'd' ? LONG_UNITS[m[2]]! / 1e6 : undefined;
  const us = long === undefined ? parseScaled(m[1]!, option, DURATION_SHIFT[m[2] ?? '']!, text, what) : parseScaled(m[1]!, option, 6, text, what) * long;
  if (!(us >= 0 && us <= MAX_DURATION_US) || (!allowZero && us === 0)) {
    throw new UsageError(`${option} must be ${allowZero ? 'at least 0' : 'greater than 0'} and at most 1 day, got ${JSON.stringify(text)}`);
  }
  if (!Number.isInteger(us)) {
    throw new UsageError(`${option} must be a whole number of microseconds, got ${JSON.stringify(text)}`);
  }
  return us;
}

/** `spot,perp`: two distinct names of letters, digits, `_` or `-`, used to build metric names. */
export function parseNames(text: string): [string, string] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 2 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)) || parts[0] === parts[1]) {
    throw new UsageError(`--names must be two different names like spot,perp (letters, digits, _ or -), got ${JSON.stringify(text)}`);
  }
  // The metrics join the names (spot_leads_perp, perp_leads_spot): x and x_leads_x would give both one name.
  const joined = parts.find((p) => /(^|_)leads(_|$)/i.test(p));
  if (joined !== undefined) throw new UsageError(`--names: ${JSON.stringify(joined)} holds 'leads', which the metrics use to join the names (spot_leads_perp): two metrics could take one name; choose another name`);
  return [parts[0]!, parts[1]!];
}

export function parsePositiveInt(text: string, option: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const s = text.trim();
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(s);
}

/** Options every command has: output format and colour. */
export interface CommonOptions {
  format: Format;
  color?: boolean;
  quiet?: boolean;
}

/** Options of every command that reads quote or trade files. */
export interface ReaderCliOptions extends LayoutCliOptions {
  sort?: boolean;
  skipBadRows?: boolean;
  clock: Clock;
}

/**
 * How to read a file's columns: each list has one entry for every input, or one per input
 * ('' = recognise that input's column by name as usual).
 */
export interface LayoutCliOptions {
  timeUnit?: TimeUnit;
  timeCol?: string[];
  priceCol?: string[];
  bidCol?: string[];
  askCol?: string[];
  qtyCol?: string[];
  sideCol?: string[];
  timeFormat?: string[];
  delimiter?: string;
}

export interface JumpCliOptions {
  threshold: number;
  jumpWindow: number;
  pairWindow: number;
  grid: number;
  names: [string, string];
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output').choices(FORMATS).default('table'))
    // --color first: then commander leaves the value undefined unless one of the two is given
    .option('--color', 'colour even when not on a terminal (also FORCE_COLOR=1)')
    .option('--no-color', 'no colour even on a terminal (also NO_COLOR=1)')
    .option('-q, --quiet', 'no progress and no warnings on stderr');
}

/**
 * The reader options. `trades` false (pair, xcorr, hy: quotes only): --qty-col and --side-col
 * stay out of the help, and are still parsed so that the command refuses them with a reason
 * (refuseTradeColumns), not commander's "unknown option".
 */
export function addReaderOptions(cmd: Command, trades = true): Command {
  cmd
    .option('--sort', `sort rows by time instead of failing when time goes backwards; holds each file in memory (about 30 bytes a row, 60 while growing) and refuses files over ${groupDigits(MAX_SORT_ROWS)} rows`)
    .option('--skip-bad-rows', 'skip bad rows and report how many of each kind on stderr, instead of failing')
    .addOption(clockOption())
    .addOption(timeUnitOption());
  for (const option of layoutOptions()) cmd.addOption(!trades && TRADE_COLUMNS.has(option.long ?? '') ? option.hideHelp() : option);
  return cmd;
}

/** The column options of trades only. */
const TRADE_COLUMNS: ReadonlySet<string> = new Set(['--qty-col', '--side-col']);

/**
 * The column, time-format and delimiter options. A column option's description says which
 * names are recognised for that role without it (`inspect` shows what a file used).
 */
export function layoutOptions(): Option[] {
  const perInput = 'one name for every input, or one per input: a,b';
  return [
    new Option('--time-col <name>', `time column; ${perInput} (recognised: ${RECOGNISED.time})`).argParser(perInputList('--time-col')),
    new Option('--price-col <name>', `quotes with one price, or the trade price (recognised: ${RECOGNISED.price})`).argParser(perInputList('--price-col')),
    new Option('--bid-col <name>', `bid column, with --ask-col (recognised: ${RECOGNISED.bid})`).argParser(perInputList('--bid-col')),
    new Option('--ask-col <name>', `ask column (recognised: ${RECOGNISED.ask})`).argParser(perInputList('--ask-col')),
    new Option('--qty-col <name>', `trades: quantity column (recognised: ${RECOGNISED.qty})`).argParser(perInputList('--qty-col')),
    new Option('--side-col <name>', `trades: aggressor side, buy/sell or a maker flag (recognised: ${RECOGNISED.side})`).argParser(perInputList('--side-col')),
    new Option('--time-format <format>', 'how times are written: iso, s, ms, us, ns, or a pattern such as "%Y-%m-%d %H:%M:%S.%f" (default: decided by the file)').argParser(parseTimeFormats),
    new Option('--delimiter <char>', 'field delimiter: , ; tab or | (default: detected from the header line)').argParser(parseDelimiter),
  ];
}

/** A column option's value: one name, or a comma-separated name per input (empty = recognise). */
function perInputList(option: string): (text: string) => string[] {
  return (text) => {
    const parts = text.split(',').map((p) => p.trim());
    if (parts.every((p) => p === '')) throw new UsageError(`${option} needs a column name, got ${JSON.stringify(text)}`);
    return parts;
  };
}

const TIME_KEYWORDS = ['iso', 's', 'ms', 'us', 'ns'];

/** Whether `text` is a time format on its own; the reason when it is not. */
function timeFormatProblem(text: string): string | undefined {
  if (TIME_KEYWORDS.includes(text)) return undefined;
  if (!text.includes('%')) return `must be iso, s, ms, us, ns or a pattern with ${PATTERN_DIRECTIVES}`;
  const compiled = compileTimePattern(text);
  return typeof compiled === 'string' ? compiled : undefined;
}

/**
 * `--time-format`: one format for every input, or one per input separated by commas. A
 * pattern may itself hold a comma (`%H:%M:%S,%f`): the value is split only when every part
 * is a keyword or a pattern with a date or an hour of its own. A comma written `\,` never
 * separates: `'%d.%m.%Y %H:%M:%S\,%f,us'` is that pattern for the first input and `us` for the
 * second.
 */
export function parseTimeFormats(text: string): string[] {
  const unescape = (p: string) => p.replaceAll('\\,', ',');
  const parts = text.split(/(?<!\\),/).map((p) => unescape(p).trim());
  const standsAlone = (p: string) => p === '' || TIME_KEYWORDS.includes(p) || (/%[YyFTH]/.test(p) && timeFormatProblem(p) === undefined);
  const entries = parts.length > 1 && parts.every(standsAlone) && parts.some((p) => p !== '') ? parts : [unescape(text).trim()];
  for (const entry of entries) {
    if (entry === '' && entries.length > 1) continue;
    const problem = timeFormatProblem(entry);
    if (problem) throw new UsageError(`--time-format ${JSON.stringify(entry)}: ${problem}`);
  }
  return entries;
}

const DELIMITER_WORDS: Readonly<Record<string, string>> = {
  ',': ',', comma: ',', ';': ';', semicolon: ';', '|': '|', pipe: '|', tab: '\t', '\t': '\t', '\\t': '\t',
};

/** `--delimiter`: `,` `;` `|` or a tab (`tab`, `\t` or the character itself). */
export function parseDelimiter(text: string): string {
  const d = DELIMITER_WORDS[text.toLowerCase()];
  if (d === undefined) throw new UsageError(`--delimiter must be , ; | or tab, got ${JSON.stringify(text)}`);
  return d;
}

/**
 * Which input a per-input entry belongs to: its position among `count` inputs; `market`, when
 * set, is the entry used when the list has one entry fewer than `count` (classify's trades
 * are the spot market's: `--time-col a,b` gives them `a`).
 */
export interface InputSlot {
  readonly index: number;
  readonly count: number;
  readonly market?: number;
}

/** The entry of a per-input list for one input; undefined for no option or an empty entry. */
function entryFor(values: readonly string[] | undefined, option: string, slot: InputSlot): string | undefined {
  if (values === undefined) return undefined;
  let v: string | undefined;
  if (values.length === 1) v = values[0];
  else if (values.length === slot.count) v = values[slot.index];
  else if (slot.market !== undefined && values.length === slot.count - 1) v = values[slot.market];
  else {
    const counts = slot.market !== undefined ? `${slot.count - 1} or ${slot.count}` : `${slot.count}`;
    throw new UsageError(`${option} has ${values.length} comma-separated entries; give one value for every input or one per input (${counts})`);
  }
  return v === '' ? undefined : v;
}

/** The layout members of ReadOptions for one input. @throws UsageError for lists of the wrong length or --time-unit with --time-format. */
export function layoutOf(o: LayoutCliOptions, slot: InputSlot = { index: 0, count: 1 }): Pick<ReadOptions, 'timeUnit' | 'columns' | 'timeFormat' | 'delimiter'> {
  if (o.timeUnit !== undefined && o.timeFormat !== undefined) {
    throw new UsageError('--time-unit and --time-format both say how to read times: give one (--time-format ms is --time-unit ms that also refuses ISO times)');
  }
  const columns: ColumnMap = {
    time: entryFor(o.timeCol, '--time-col', slot),
    price: entryFor(o.priceCol, '--price-col', slot),
    bid: entryFor(o.bidCol, '--bid-col', slot),
    ask: entryFor(o.askCol, '--ask-col', slot),
    qty: entryFor(o.qtyCol, '--qty-col', slot),
    side: entryFor(o.sideCol, '--side-col', slot),
  };
  const named = Object.values(columns).some((v) => v !== undefined);
  return {
    timeUnit: o.timeUnit,
    columns: named ? columns : undefined,
    timeFormat: entryFor(o.timeFormat, '--time-format', slot) as TimeFormat | undefined,
    delimiter: o.delimiter,
  };
}

export function clockOption(): Option {
  return new Option('--clock <clock>', "which of a file's two time columns: exchange (Tardis timestamp, Binance transaction_time, ts_event, time_exchange) or local (local_timestamp, event_time, ts_recv, time_coinapi)").choices(['exchange', 'local']).default('exchange');
}

export function timeUnitOption(): Option {
  return new Option('--time-unit <unit>', 'unit of numeric epoch times (default: from the column name, else the magnitude)').choices(['s', 'ms', 'us', 'ns']);
}

export function addJumpOptions(cmd: Command, withPairing = true): Command {
  cmd
    .addOption(namesOption())
    .addOption(new Option('--threshold <θ>', 'jump threshold: 0.0007, 0.07% or 7bp').argParser((v) => parseThreshold(v)).default(0.0007, '0.07%'))
    .addOption(new Option('--jump-window <W>', 'jump window: a move of θ within W (3, 3ms, 500us)').argParser((v) => parseDuration(v, '--jump-window')).default(3000, '3ms'));
  if (withPairing) {
    cmd.addOption(new Option('--pair-window <D>', 'pairing window: a follower within D of the leader').argParser((v) => parseDuration(v, '--pair-window', true)).default(5000, '5ms'));
  }
  return cmd.addOption(gridOption('grid step of the LOCF grid feed'));
}

export function gridOption(description: string): Option {
  return new Option('--grid <G>', `${description} (1ms, 500us)`).argParser((v) => parseDuration(v, '--grid')).default(1000, '1ms');
}

/** The default shift step of the chance pairs (`pair --null-step`): 1 s, far beyond any lead at the ms scale. */
export const DEFAULT_NULL_STEP_US = 1_000_000;

/** `--null-step` of pair and report (docs/definitions.md §10). */
export function nullStepOption(description: string): Option {
  return new Option('--null-step <step>', description).argParser((v) => parseDuration(v, '--null-step')).default(DEFAULT_NULL_STEP_US, '1s');
}

export function namesOption(): Option {
  return new Option('--names <a,b>', 'names of the two markets, used in metric names (letters, digits, _ or -; not the word leads, which joins them)').argParser(parseNames).default(['spot', 'perp'], 'spot,perp');
}

/** The two quote files every analysis compares. */
export function addMarketArguments(cmd: Command): Command {
  return cmd
    .argument('<spot>', "quotes of market A: a file (.gz, .zip, - for stdin), a,b,c, a directory or a quoted glob ('spot/2024-08-*.csv.gz'), read as one stream")
    .argument('<perp>', 'quotes of market B, likewise');
}

export function readOptionsOf(o: ReaderCliOptions & Partial<CommonOptions>, onProgress?: ReadOptions['onProgress'], slot?: InputSlot): ReadOptions {
  return {
    clock: o.clock,
    ...layoutOf(o, slot),
    sort: o.sort === true,
    skipBadRows: o.skipBadRows === true,
    // Every consumer of the commands' streams reads a batch within its push and copies what it
    // keeps (the kernels' push contracts), so the readers may refill the batches' buffers.
    lend: true,
    onProgress,
  };
}

export function analysisParamsOf(o: JumpCliOptions): AnalysisParams {
  return { threshold: o.threshold, windowUs: o.jumpWindow, pairWindowUs: o.pairWindow, gridUs: o.grid };
}

/** The jump feeds: native ticks and the LOCF grid. */
export type Feed = 'native' | 'locf';

/** The analysis parameters as every command's JSON `params` member shows them. */
export function paramsJson(p: AnalysisParams): Record<string, number> {
  return { threshold: p.threshold, jump_window_us: p.windowUs, pair_window_us: p.pairWindowUs, grid_us: p.gridUs };
}

/** Options of the block bootstrap (docs/definitions.md §9). */
export interface BootstrapCliOptions {
  /** R replicates; 0 turns the bootstrap off. */
  bootstrap: number;
  /** L_b, the block length in µs. */
  block: number;
  seed: number;
}

/** `--plan-span START..END`: the span a plan's jobs cover together, µs, [start, end). */
export interface PlanSpan {
  readonly start: number;
  readonly end: number;
}

/** Parses `--plan-span START..END` (each as --start/--end take it). @throws UsageError. */
export function parsePlanSpan(text: string): PlanSpan {
  const at = text.indexOf('..');
  if (at < 0) throw new UsageError(`--plan-span takes START..END, got ${JSON.stringify(text)}`);
  const start = parseTime(text.slice(0, at), '--plan-span');
  const end = parseTime(text.slice(at + 2), '--plan-span');
  if (!(start < end)) throw new UsageError(`--plan-span: its start must come before its end, got ${JSON.stringify(text)}`);
  return { start, end };
}

/** `--plan-span START..END`, which plan writes on every job's line: the commands that write states take it. */
export function planSpanOption(): Option {
  return new Option('--plan-span <START..END>', 'with --state: the span all the jobs of a plan cover, START..END (leadlag plan writes it), so that merge can tell a missing first or last job').argParser(parsePlanSpan);
}

/** --plan-span belongs to a state run. @throws UsageError without --state. */
export function refusePlanSpanAlone(o: { readonly planSpan?: PlanSpan; readonly state?: string }): void {
  if (o.planSpan !== undefined && o.state === undefined) throw new UsageError('--plan-span goes with --state (it tells merge the span of the plan the state belongs to)');
}

/**
 * --qty-col and --side-col name trades' columns: a command that reads no trades (pair, xcorr,
 * hy; report without --trades) would ignore them, and a typo there said nothing (a hunt's
 * `--qty-col nosuch` ran with exit 0).
 * @throws UsageError naming the option and where trades are read.
 */
export function refuseTradeColumns(o: Pick<LayoutCliOptions, 'qtyCol' | 'sideCol'>, command: string): void {
  const given = o.qtyCol !== undefined ? '--qty-col' : o.sideCol !== undefined ? '--side-col' : undefined;
  if (given === undefined) return;
  throw new UsageError(`${given} names a column of trades, and ${command} reads no trades: it goes with classify --trades (and report --trades)`);
}

/** Most replicates accepted: far more than a 95 % interval needs, small enough to stay interactive. */
export const MAX_BOOTSTRAP = 100_000;

/**
 * Fewer replicates than this are warned (docs/definitions.md §9): a 95 % interval's ends are
 * its 2.5 % and 97.5 % points, the two or three most extreme of 100 replicates; of 40 or fewer
 * type 7 interpolates between the two most extreme, so the ends move with --seed.
 *
 * classify's verdict makes no claim from fewer (docs/classify.md, "The verdict"). 100, not the
 * 1000 often recommended for percentile intervals: from 100 each 2.5 % tail holds two or three
 * replicates, so no end is a single draw, and refusing a user who asks for 200 (five in each
 * tail, against the default's 25) would be stricter than the ends' roughness warrants. One
 * number for "rough" and "no claim", so the warning and the verdict never disagree.
 */
export const MIN_REPLICATES = 100;

/** Why a run of R < MIN_REPLICATES replicates makes no call, as xcorr's and hy's verdicts say it. */
export function fewReplicatesClause(replicates: number): string {
  return `--bootstrap ${replicates} draws ${counted(replicates, 'replicate')}, and a call needs at least ${MIN_REPLICATES} (the default is 1000)`;
}

/** Warns when R replicates (0: no bootstrap) are too few for the 95 % intervals they give. */
export function warnFewReplicates(ctx: { warn(message: string): void }, replicates: number): void {
  if (replicates > 0 && replicates < MIN_REPLICATES) {
    ctx.warn(`--bootstrap ${replicates}: the 95 % intervals from fewer than ${MIN_REPLICATES} replicates are rough (their ends are the few most extreme replicates, and move with --seed); the default is 1000`);
  }
}

/**
 * The shortest --block taken without a word: a second. Ticks' moves cluster over seconds (a
 * burst of quotes, a jump and its echoes), and every interval and every 6-block rule takes the
 * blocks as independent, so shorter blocks make them optimistic (docs/pair.md, "Enough blocks").
 */
export const SHORT_BLOCK_US = 1_000_000;

/** Warns when --block is shorter than {@link SHORT_BLOCK_US}; it still runs, as asked. */
export function warnShortBlock(ctx: { warn(message: string): void }, blockUs: number): void {
  if (blockUs < SHORT_BLOCK_US) {
    ctx.warn(`--block ${duration(blockUs)} is shorter than a second: the intervals and the 6-block rule take the blocks as independent, and moves within a second are not (bursts, a jump and its echoes), so they come out optimistic; the default is 10 s`);
  }
}

/**
 * The one advice wherever more blocks would help, with its limit: blocks must outlast the
 * dependence between moves, or one burst becomes many "independent" blocks and a call rests on
 * one event. `between`: what depends (pair's jumps, xcorr's returns, hy's moves, classify's triggers).
 */
export function moreBlocksAdvice(between: 'jumps' | 'returns' | 'moves' | 'triggers', longer = 'a longer span gives more'): string {
  return `${longer}; a shorter --block too, if still longer than the dependence between ${between}`;
}

/** `replicatesHelp` says what --bootstrap drives in the command at hand, `blockHelp` what --block does. */
export function addBootstrapOptions(cmd: Command, replicatesHelp = 'block-bootstrap replicates for the intervals (0: off; xcorr then gives Fisher intervals)', blockHelp = 'block length on the absolute clock (10s, 500ms, 1min): the bootstrap\'s blocks, taken as independent, so no shorter than the dependence between returns'): Command {
  return cmd
    .addOption(new Option('--bootstrap <R>', replicatesHelp).argParser((v) => parsePositiveInt(v, '--bootstrap', 0, MAX_BOOTSTRAP)).default(1000))
    .addOption(new Option('--block <L>', blockHelp).argParser((v) => parseDuration(v, '--block')).default(10_000_000, '10s'))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap draws (same seed, same intervals)').argParser((v) => parsePositiveInt(v, '--seed', 0, 2 ** 32 - 1)).default(42));
}

/**
 * A time for --start / --end: epoch µs (digits only), or ISO-8601 (`2024-08-01`,
 * `2024-08-01T12:00Z` (no seconds), `2024-08-01T12:00:00Z`, `2024-08-01 12:00:00.250+02:00`;
 * no zone means UTC).
 */
export function parseTime(text: string, option: string): number {
  const s = text.trim();
  let us: number;
  if (/^\d+$/.test(s)) {
    us = Number(s);
    refuseOtherUnit(s, us, option);
  } else {
    // A day alone is its midnight; hours and minutes without seconds (ISO-8601 allows it) are :00.
    const minutes = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2})((?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)$/.exec(s);
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : minutes !== null ? `${minutes[1]}:00${minutes[2]}` : s;
    us = parseIsoMicros(Buffer.from(iso, 'latin1'), 0, iso.length);
  }
  if (!Number.isSafeInteger(us)) {
    throw new UsageError(`${option} must be an ISO-8601 time (2024-08-01T12:00:00Z) or epoch microseconds, got ${JSON.stringify(text)}`);
  }
  return us;
}

/**
 * Epoch seconds (10 digits) or milliseconds (13) are dates of 2001–2286 in those units but the
 * first days of 1970 in µs: read as µs, a --start would silently take in all the data and an
 * --end none of it. Refused with both readings, so the user writes what they meant.
 */
function refuseOtherUnit(digits: string, us: number, option: string): void {
  refuseCompactDate(digits, us, option);
  const unit = digits.length === 10 ? { name: 'seconds', us: 1e6 } : digits.length === 13 ? { name: 'milliseconds', us: 1e3 } : undefined;
  if (unit === undefined) return;
  const meant = us * unit.us;
  throw new UsageError(`${option} ${digits} is read as epoch microseconds, ${isoMicros(us)}; as epoch ${unit.name} it would be ${isoMicros(meant)}: write ${meant} or an ISO-8601 time`);
}

/**
 * A date written without separators (YYYYMMDD, YYYYMMDDHHMM, YYYYMMDDHHMMSS, as file names and
 * many tools write them) is a time of 1970's first days in µs: read so, a --start took in all
 * the data without a word. Refused, with both readings, when the digits form a real date-time
 * of 1990–2099 (a count of µs from a synthetic file's zero rarely does).
 */
function refuseCompactDate(digits: string, us: number, option: string): void {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(digits);
  if (m === null || ![8, 12, 14].includes(digits.length)) return;
  const [y, mo, d, h = '00', mi = '00', sec = '00'] = m.slice(1) as [string, string, string, string?, string?, string?];
  const written = digits.length === 8 ? `${y}-${mo}-${d}` : `${y}-${mo}-${d}T${h}:${mi}:${sec}Z`;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${sec}Z`;
  // parseIsoMicros checks the calendar (no 29 February 2023, no hour 24).
  const meant = parseIsoMicros(Buffer.from(iso, 'latin1'), 0, iso.length);
  if (!Number.isFinite(meant) || Number(y) < 1990 || Number(y) > 2099) return;
  throw new UsageError(`${option} ${digits} is read as epoch microseconds, ${isoMicros(us)}; as a date it would be ${isoMicros(meant)}: write ${written} (ISO-8601) or epoch microseconds`);
}

/** Every duration unit in µs (parseDuration takes min and h from here). */
const LONG_UNITS: Record<string, number> = { us: 1, µs: 1, ms: 1e3, s: 1e6, m: 60e6, min: 60e6, h: 3600e6, d: 86_400e6 };

/** A window length with its unit: `500ms`, `30s`, `5m`, `1h`, `1d`; whole µs, at most 366 days. */
export function parseWindowLength(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|min|m|h|d)\s*$/.exec(text);
  const us = m ? Math.round(Number(m[1]) * LONG_UNITS[m[2]!]!) : NaN;
  if (!(us > 0 && us <= 366 * 86_400e6) || (m && Math.abs(Number(m[1]) * LONG_UNITS[m[2]!]! - us) > 1e-6)) {
    throw new UsageError(`${option} must be a length such as 30s, 5m, 1h or 1d, got ${JSON.stringify(text)}`);
  }
  return us;
}

/** --by: fixed windows of a length, or volatility regimes. */
export type ByOption = { readonly kind: 'time'; readonly us: number } | { readonly kind: 'vol' };

export function parseBy(text: string): ByOption {
  if (text.trim() === 'vol') return { kind: 'vol' };
  return { kind: 'time', us: parseWindowLength(text, '--by') };
}

/** --start / --end / --by / --window of the commands that cut the span by time. */
export interface TimeCliOptions {
  start?: number;
  end?: number;
  by?: ByOption;
  /** --window (µs); only with --by vol, 5 minutes when not given. */
  window?: number;
}

export function addTimeOptions(cmd: Command, withBy = true): Command {
  cmd
    .addOption(new Option('--start <T>', 'analyse from T (ISO-8601 or epoch µs); earlier data is still read as history').argParser((v) => parseTime(v, '--start')))
    .addOption(new Option('--end <T>', 'analyse up to T, exclusive (ISO-8601 or epoch µs)').argParser((v) => parseTime(v, '--end')));
  if (withBy) {
    cmd
      .addOption(new Option('--by <DUR|vol>', 'a table per window of DUR (30m, 1h, 1d) or per volatility regime (vol), plus the whole span').argParser(parseBy))
      .addOption(new Option('--window <DUR>', 'with --by vol: the windows classified by volatility (default: 5m)').argParser((v) => parseWindowLength(v, '--window')));
  }
  return cmd;
}

/** The analysis range [S, E) of --start / --end. @throws UsageError when S ≥ E, or --window without --by vol. */
export function rangeOf(o: Partial<TimeCliOptions>): TimeRange {
  if (o.window !== undefined && o.by?.kind !== 'vol') throw new UsageError('--window goes with --by vol (with --by DUR the windows are DUR long)');
  const start = o.start ?? ALL_TIME.start;
  const end = o.end ?? ALL_TIME.end;
  if (!(start < end)) throw new UsageError(`--start must be before --end (got ${isoMicros(start)} and ${isoMicros(end)})`);
  return { start, end };
}

/** `--plot FILE.svg` (xcorr, hy, pair): the command's figure alone; src/cli/plot.ts writes it. */
export function addPlotOption(cmd: Command, what: string): Command {
  return cmd.addOption(new Option('--plot <file.svg>', `also write ${what} as an SVG file`).argParser(parsePlotFile));
}

function parsePlotFile(v: string): string {
  if (!/\.svg$/i.test(v)) throw new UsageError(`--plot writes SVG: the file name must end in .svg, got ${JSON.stringify(v)}`);
  return v;
}

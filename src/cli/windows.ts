/**
 * `--by DUR` and `--by vol` for every command whose analysis keeps parts by time cell
 * (docs/time.md): the windows covering the span, each with its merged parts; with `vol`, each
 * window's regime and the regimes' merged parts. Rendering helpers shared by the commands.
 */
import { UsageError } from '../errors.js';
import type { KeyedParts } from '../core/parts.js';
import { GridReturns, REGIMES, regimesOf, rmsByCell, type Regime } from '../core/volatility.js';
import type { Span, TickBatch } from '../core/types.js';
import type { ByOption, TimeCliOptions } from './options.js';
import type { TwoMarketConsumer } from './inputs.js';
import { MIN_TREND_WEIGHT, type Stability, type Trend } from '../core/stability.js';
import { counted, fixed, humanTable, isoMicros, JsonRows, spanJson, lazyTable, type Cell, type MachineTable, type Style } from '../io/output.js';
import jstat from 'jstat';
import { ALPHA, formatP } from '../core/verdict.js';

/** Most windows one run reports: beyond this the per-window table says nothing a reader can use. */
export const MAX_WINDOWS = 100_000;

export interface Window<S> {
  readonly start: number;
  readonly end: number;
  readonly part: S;
  /** The span's start or end cuts the window short of its --by (or --window) length. */
  readonly cut?: boolean;
  /** --by vol: the window's volatility (RMS of A's 1-second log-returns) and regime; null without returns. */
  readonly vol?: number | null;
  readonly regime?: Regime | null;
}

export interface Windowed<S> {
  readonly windows: readonly Window<S>[];
  /** --by vol only. */
  readonly regimes?: Readonly<Record<Regime, { readonly nWindows: number; readonly part: S }>>;
  readonly q25?: number;
  readonly q75?: number;
}

/** Windows (and regimes) with the stability summary across them: what every command's --by reports. */
export interface WindowedSummary<S> extends Windowed<S> {
  readonly stability: Stability;
}

/**
 * JSON members `windows`, `regimes` (with `regime_thresholds`) and `stability` of any command;
 * `members` gives a part's members as the whole span has them.
 */
export function byJson<S>(by: WindowedSummary<S>, names: readonly [string, string], members: (part: S, window?: number) => Record<string, unknown>): Record<string, unknown> {
  // Each window's members are made as it is written (JsonRows): a window can hold a row per lag.
  const windows = new JsonRows(by.windows.length, (i) => ({ ...windowJson(by.windows[i]!), call: callJson(by.stability.calls[i] ?? null, names), ...members(by.windows[i]!.part, i) }));
  const out: Record<string, unknown> = { windows };
  if (by.regimes !== undefined) {
    out.regimes = Object.fromEntries(REGIMES.map((r) => [r, { n_windows: by.regimes![r].nWindows, ...members(by.regimes![r].part) }]));
    out.regime_thresholds = { vol_p25: by.q25, vol_p75: by.q75 };
  }
  out.stability = stabilityJson(by.stability);
  return out;
}

/**
 * The machine rows of the windows and the regimes, after the whole span's: each row of a part
 * (`rowsOf`) behind its label ('window', or the window's regime; 'regime:NAME' for a regime's
 * merge) and its edges (null for a regime). Made as they are written (MachineTable.lazyRows).
 */
function* byRows<S>(by: WindowedSummary<S>, rowsOf: (part: S) => Iterable<readonly Cell[]>): Generator<Cell[]> {
  for (const w of by.windows) for (const row of rowsOf(w.part)) yield [w.regime ?? 'window', w.start, w.end, ...row];
  if (by.regimes !== undefined) for (const r of REGIMES) for (const row of rowsOf(by.regimes[r].part)) yield [`regime:${r}`, null, null, ...row];
}

/**
 * The machine table of a run with --by: the whole span's rows first (labelled 'all', the span's
 * edges), then {@link byRows}, made as they are written.
 */
export function byTable<S>(columns: readonly string[], span: Span, whole: readonly (readonly Cell[])[], by: WindowedSummary<S>, rowsOf: (part: S) => Iterable<readonly Cell[]>): MachineTable {
  return lazyTable(['window', 'start_us', 'end_us', ...columns], function* () {
    for (const row of whole) yield ['all', span.start, span.end + 1, ...row];
    yield* byRows(by, rowsOf);
  });
}

/** The cell length the analysis is cut into: --by DUR, or --window with --by vol; Infinity without --by. */
export function cellLengthOf(o: Partial<TimeCliOptions>): number {
  if (o.by === undefined) return Infinity;
  return o.by.kind === 'vol' ? o.window ?? 300_000_000 : o.by.us;
}

/**
 * With --by vol, A's 1-second grid returns are measured alongside the analysis; returns the
 * consumer to read with (the analysis itself without --by vol) and the meter.
 */
export function withVolatility(by: ByOption | undefined, analysis: TwoMarketConsumer): { consumer: TwoMarketConsumer; meter?: GridReturns } {
  if (by?.kind !== 'vol') return { consumer: analysis };
  const meter = new GridReturns();
  const consumer: TwoMarketConsumer = {
    pushA: (b: TickBatch) => {
      analysis.pushA(b);
      meter.push(b);
    },
    pushB: (b) => analysis.pushB(b),
    endA: () => analysis.endA?.(),
    endB: () => analysis.endB?.(),
  };
  return { consumer, meter };
}

/**
 * The windows covering `span` (inclusive ends), in time order, each with its part (empty where
 * nothing fell in it); with a volatility meter, each window's regime and the regimes' merges.
 * @throws UsageError when the span holds more than MAX_WINDOWS windows.
 */
export function windowsOf<S>(parts: KeyedParts<S>, span: Span, meter?: GridReturns): Windowed<S> {
  const first = parts.keyOf(span.start);
  const last = parts.keyOf(span.end);
  if (last - first + 1 > MAX_WINDOWS) {
    // With --by vol the windows are --window's.
    const option = meter === undefined ? '--by' : '--window';
    throw new UsageError(`the span holds ${last - first + 1} windows of ${option} (at most ${MAX_WINDOWS}); use a longer ${option}`);
  }
  const clip = (key: number) => {
    const e = parts.edges(key);
    const start = Math.max(e.start, span.start);
    const end = Math.min(e.end, span.end + 1);
    // Shorter than --by, by the span's ends or by --start/--end (edges() already clips to those).
    return { start, end, cut: end - start < parts.size };
  };
  if (meter === undefined) {
    const windows: Window<S>[] = [];
    for (let k = first; k <= last; k++) windows.push({ ...clip(k), part: parts.partOf(k) });
    return { windows };
  }
  const rms = rmsByCell(meter.byCell(span, parts.range, parts.size));
  const { regime, q25, q75 } = regimesOf(rms);
  const windows: Window<S>[] = [];
  const members: Record<Regime, S[]> = { low: [], mid: [], high: [] };
  for (let k = first; k <= last; k++) {
    const part = parts.partOf(k);
    const reg = regime.get(k) ?? null;
    if (reg !== null) members[reg].push(part);
    windows.push({ ...clip(k), part, vol: rms.get(k) ?? null, regime: reg });
  }
  const regimes = Object.fromEntries(REGIMES.map((r) => [r, { nWindows: members[r].length, part: parts.merged(members[r]) }])) as Record<Regime, { nWindows: number; part: S }>;
  return { windows, regimes, q25, q75 };
}

/** Fewer windows than this in `low` or in `high` and the regime's table is a window or two, not a regime. */
export const MIN_REGIME_WINDOWS = 3;

/** Windows whose type-7 quartiles leave MIN_REGIME_WINDOWS below the first and above the third when their volatilities differ: (n − 1)/4 > 2. */
const REGIME_WINDOWS_NEEDED = 10;

/**
 * With --by vol, when `low` or `high` holds fewer than MIN_REGIME_WINDOWS windows: its table is
 * those windows' numbers, which the regimes' names would present as a regime's; null otherwise.
 * Too few windows (the quartiles of nine or fewer leave two or fewer beyond them) want a shorter
 * --window or a longer span; with enough, windows that share the volatility at a quartile (a
 * market flat in many of them) leave few strictly beyond it, which more windows do not mend.
 */
export function fewRegimeWindows(by: Windowed<unknown> | undefined): string | null {
  const r = by?.regimes;
  if (r === undefined) return null;
  if (r.low.nWindows >= MIN_REGIME_WINDOWS && r.high.nWindows >= MIN_REGIME_WINDOWS) return null;
  const classed = r.low.nWindows + r.mid.nWindows + r.high.nWindows;
  const few = `low holds ${r.low.nWindows} and high ${r.high.nWindows}, too few windows to stand for a regime`;
  if (classed < REGIME_WINDOWS_NEEDED) return `the volatility regimes rest on ${counted(classed, 'window')}: ${few} (${MIN_REGIME_WINDOWS} each needs about ${REGIME_WINDOWS_NEEDED} windows); a shorter --window or a longer span gives more`;
  return `of the ${classed} windows with a regime, ${few}: many windows share the volatility at a quartile (a market flat in many of them?), and low and high take only those strictly beyond it`;
}

/** The window edges and, with --by vol, its volatility and regime, as JSON members. */
export function windowJson(w: Window<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spanJson(w) };
  if (w.regime !== undefined) Object.assign(out, { regime: w.regime, vol: w.vol });
  return out;
}

/**
 * Two-sided p of "no trend" (slope 0): Student's t = slope / se (the sandwich standard error of
 * trendLine) with its degrees of freedom (k − 2, or fewer where a few windows carry the fit), the
 * windows taken as independent (adjacent windows are not quite, so it is optimistic). From
 * jStat's distribution function as 2·P(T ≤ −|t|), exact in the tail where 1 − P(T ≤ |t|) would
 * round to 0. Null where nothing measures the slope's noise: a window fixes it alone (no se), or
 * the windows lie on the line exactly (se 0, trendLine's to rounding, as three shares of small counts
 * often do: counted as a trend, that was 6-10 % of draws over 3 windows with none). Equal values
 * (slope 0, se 0) are no trend: p = 1. Here rather than in core/stability.ts: src/core takes no package.
 */
export function trendPValue(t: Trend): number | null {
  if (t.se === null || t.df === null) return null;
  // trendLine gives 0 for residuals 0 to rounding: the tolerance is its, not repeated here.
  if (t.se === 0) return t.slopePerDay === 0 ? 1 : null;
  return Math.min(1, 2 * jstat.jStat.studentt.cdf(-Math.abs(t.slopePerDay / t.se), t.df));
}

/** Why a trend has no p, in a few words (trendPValue). */
function noPReason(t: Trend): string {
  return t.se === null ? 'one window fixes the slope alone' : 'the windows lie exactly on the line, so nothing measures its noise';
}

/** A window's call as JSON: the leading market's name, "neither", or null (no call: left out of the shares). */
function callJson(call: 1 | -1 | 0 | null, [a, b]: readonly [string, string]): string | null {
  return call === null ? null : call === 0 ? 'neither' : call > 0 ? a : b;
}

/** The stability summary as JSON (snake_case members, null where undefined). */
export function stabilityJson(s: Stability): Record<string, unknown> {
  const trend = (t: Trend | null) => (t === null ? null : { slope_per_day: t.slopePerDay, se: t.se, relative_per_day: t.relativePerDay, mean: t.mean, n: t.n, left_out: t.leftOut, df: t.df, p_value: trendPValue(t) });
  return {
    windows: s.windows,
    lag_us: s.lag,
    leads: s.leads,
    trends: Object.fromEntries(Object.entries(s.trends).map(([k, t]) => [k, trend(t)])),
  };
}

/**
 * A window's row label: its start, and its length where the span cuts it shorter than the
 * others (the first and last windows), so a cut window is not read as a whole one.
 */
export function windowLabel(w: { readonly start: number; readonly end: number; readonly cut?: boolean }): string {
  const start = isoMicros(w.start).replace('.000000Z', 'Z');
  // µs exact: a rounded length could read as the whole window's.
  return w.cut === true ? `${start} (cut: ${(w.end - w.start) / 1e6} s)` : start;
}

/** What a command shows of its windows in a table: the heading, the columns and a part's row. */
export interface WindowTable<S> {
  readonly title: string;
  /** The columns, the first the window's label. */
  readonly head: readonly string[];
  readonly row: (label: string, part: S) => Cell[];
  /** The stability summary's trends, by key, as the lines name them. */
  readonly trends: Readonly<Record<string, string>>;
}

/**
 * The human rendering of `--by`: the per-window table (with each window's regime under --by
 * vol), the regimes' table, and the stability lines. One shape for pair, xcorr and hy.
 */
export function humanBy<S>(by: WindowedSummary<S>, names: readonly [string, string], style: Style, t: WindowTable<S>): string {
  const vol = by.regimes !== undefined;
  const align = t.head.map((_, i) => (i === 0 ? 'left' : 'right') as 'left' | 'right');
  const rows = by.windows.map((w) => {
    const r = t.row(windowLabel(w), w.part);
    return vol ? [...r, w.regime ?? 'n/a'] : r;
  });
  const out = [style.c.bold(t.title), humanTable(vol ? [...t.head, 'regime'] : [...t.head], rows, style, vol ? [...align, 'left'] : align)];
  if (by.regimes !== undefined) {
    out.push(style.c.bold(`Per volatility regime (windows below the 25th / above the 75th percentile of ${names[0]}'s 1 s volatility)`));
    out.push(humanTable(['regime', ...t.head.slice(1)], REGIMES.map((r) => t.row(`${r} (${counted(by.regimes![r].nWindows, 'window')})`, by.regimes![r].part)), style, align));
  }
  out.push(...stabilityLines(by.stability, names, t.trends).map((l) => style.c.dim(l)));
  return out.join('\n');
}

/** Human lines of the stability summary, with the market names. */
export function stabilityLines(s: Stability, [a, b]: readonly [string, string], trendNames: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  const lag = s.lag;
  if (lag !== null) {
    const sd = lag.sd === null ? 'sd n/a' : `sd ${fixed(lag.sd / 1000, 3)} ms`;
    // Windows whose command gives them no lag (docs/time.md, "spread of the lag") are said to be left out.
    const without = s.windows - lag.n;
    const left = without > 0 ? `; ${counted(without, 'window')} without one left out` : '';
    lines.push(`lag across ${counted(lag.n, 'window')}: median ${fixed(lag.median / 1000, 3)} ms, middle half ${fixed(lag.p25 / 1000, 3)} … ${fixed(lag.p75 / 1000, 3)} ms, range ${fixed(lag.min / 1000, 3)} … ${fixed(lag.max / 1000, 3)} ms (${sd}${left})`);
  } else if (s.windows > 0) {
    lines.push(`lag across windows: n/a (no window has one: docs/time.md, "spread of the lag")`);
  }
  if (s.leads.n > 0) {
    const pc = (x: number) => `${fixed(100 * x, 0)} %`;
    // Windows without a call (their command cannot test who leads there) are left out of the shares, and said to be.
    const without = s.windows - s.leads.n;
    const left = without > 0 ? ` (${counted(without, 'window')} without a call left out)` : '';
    lines.push(`${a} leads in ${pc(s.leads.a)} of ${counted(s.leads.n, 'window')}, ${b} in ${pc(s.leads.b)}, neither in ${pc(s.leads.neither)}${left}`);
  } else if (s.windows > 0) {
    lines.push(`no window has a call on who leads`);
  }
  for (const [key, label] of Object.entries(trendNames)) {
    const t = s.trends[key];
    if (t === undefined) continue;
    if (t === null) {
      lines.push(`trend of ${label}: n/a (needs 3 windows where it is defined, each weighing at least ${MIN_TREND_WEIGHT} and a quarter of the weighted median: docs/time.md)`);
      continue;
    }
    const se = t.se === null ? 'n/a' : sig(t.se);
    const rel = t.relativePerDay === null ? '' : `, ${signed(100 * t.relativePerDay)} % of its mean per day ± ${t.se === null ? 'n/a' : `${sig((100 * t.se) / Math.abs(t.mean))} %`}`;
    // The p says in plain words whether the slope stands out from its noise: "± SE" alone invites
    // reading two SE as significant, which over a few windows (few degrees of freedom) it is not.
    const p = trendPValue(t);
    const clear = p === null || p < ALPHA ? '' : ': no clear trend';
    const light = t.leftOut > 0 ? `, ${counted(t.leftOut, 'light window')} left out` : '';
    lines.push(`trend of ${label}: ${signed(t.slopePerDay)} per day ± ${se}${rel} (weighted LS over ${t.n} windows${light}, ${p === null ? `no p: ${noPReason(t)}` : formatP(p)}${clear})`);
  }
  return lines;
}

/** Three significant digits: trends span many orders of magnitude. */
function sig(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function signed(x: number): string {
  return `${x > 0 ? '+' : ''}${sig(x)}`;
}

export { REGIMES };

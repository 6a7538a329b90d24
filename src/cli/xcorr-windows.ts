/**
 * `xcorr --by DUR|vol` (docs/time.md): Table 2 per window and per volatility regime, each
 * computed from the merge of its cells' lag sums with the block-bootstrap interval of the blocks
 * inside it (the same draws from --seed as a run restricted to it), the compact per-window
 * summary (one row per window: N, best lag, r and R² there) and the stability summary.
 */
import { MIN_INTERVAL_BLOCKS } from '../core/bootstrap.js';
import { rowHasCoMoves } from '../core/xcorr-cells.js';
import { blockParts, tableOfRow, type XcorrKeyedParts, type XcorrPart } from '../core/xcorr-parts.js';
import type { XcorrBootstrap } from '../core/xcorr-bootstrap.js';
import type { XcorrParts } from '../core/xcorr-cells.js';
import type { BlockDrawPlan } from '../core/bootstrap.js';
import type { BestBand, XcorrRow } from './commands/xcorr-render.js';
import { callableLag } from '../core/xcorr-summary.js';
import type { XcorrReport } from './commands/xcorr.js';
import { stabilityOf } from '../core/stability.js';
import type { GridReturns, Regime } from '../core/volatility.js';
import type { LagResult } from '../core/xcorr.js';
import type { Span } from '../core/types.js';
import { fixed, fixedNotZero, type Style } from '../io/output.js';
import { humanBy, REGIMES, windowsOf, type WindowedSummary } from './windows.js';

export interface XcorrBy extends WindowedSummary<readonly XcorrRow[]> {
  /** What the windows' ci_low/ci_high are: each window's own block bootstrap, or Fisher's. */
  readonly interval: 'bootstrap' | 'fisher';
  /** Each window's call with what it rests on, in the windows' order. */
  readonly calls: readonly XcorrWindowCall[];
}

/** A window's call on who leads (xcorr-render.ts windowLeader) and the numbers it rests on beside the rows: the sums over the lags and the best lag's band. */
export interface XcorrWindowCall {
  readonly call: 1 | -1 | 0 | null;
  readonly summed: XcorrReport['summed'];
  readonly band: BestBand | null;
}

/** What a window's table needs from the command's options. */
export interface XcorrByOptions {
  readonly lags: readonly number[];
  readonly grid: number;
  /** R replicates (0: Fisher intervals only). */
  readonly bootstrap: number;
  readonly seed: number;
}

/** How a part's bootstrap is computed: bootstrapXcorr's numbers, on one thread or two; valid until the next call (its arrays may be reused). */
export type XcorrBootFn = (parts: XcorrParts, plan: BlockDrawPlan) => Promise<XcorrBootstrap>;

/** A part's rows with what made their intervals: the bootstrap (undefined without one, or with too few blocks) and the blocks where both markets move. */
export interface XcorrWindowTable {
  readonly rows: XcorrRow[];
  readonly boot: XcorrBootstrap | undefined;
  /** With the bootstrap, the blocks holding a co-movement; null without it. */
  readonly moving: number | null;
}

/**
 * A part's rows: Fisher intervals from its sums; with the bootstrap, ci_low/ci_high from its own
 * blocks drawn afresh from --seed (so a window's interval is the one a run restricted to the
 * window gives when its edges fall on block edges). Cost O(R · blocks · lags) per part.
 */
async function xcorrTableOf(part: XcorrPart, o: XcorrByOptions, boot: XcorrBootFn): Promise<XcorrWindowTable> {
  const table = tableOfRow(part.row, o.lags);
  const n = part.blocks.length;
  // With the bootstrap on, a window with fewer than two blocks of co-movements has no interval (not Fisher's).
  const useBoot = o.bootstrap > 0;
  const moving = part.blocks.filter(rowHasCoMoves).length;
  const bootstrap = useBoot && moving >= MIN_INTERVAL_BLOCKS ? await boot(blockParts(o.lags, part.blocks), { blocks: n, replicates: o.bootstrap, seed: o.seed }) : undefined;
  const rows = table.map((l, k) => {
    const b = bootstrap?.intervals[k] ?? null;
    return { ...l, lagUs: l.lag * o.grid, fisherLow: l.ciLow, fisherHigh: l.ciHigh, ciLow: useBoot ? (b?.low ?? null) : l.ciLow, ciHigh: useBoot ? (b?.high ?? null) : l.ciHigh };
  });
  return { rows, boot: bootstrap, moving: useBoot ? moving : null };
}

/**
 * `best` picks a table's best lag and `leader` makes a window's call from its table (the
 * command's rules: xcorr.ts, xcorr-render.ts windowLeader); `boot` computes each part's
 * bootstrap. The windows and regimes are computed one after another, each bootstrap's
 * replicates dropped once its window's call is made.
 */
export async function xcorrBy(
  parts: XcorrKeyedParts,
  o: XcorrByOptions,
  span: Span,
  meter: GridReturns | undefined,
  best: (l: readonly LagResult[]) => LagResult | undefined,
  leader: (t: XcorrWindowTable) => XcorrWindowCall,
  boot: XcorrBootFn,
): Promise<XcorrBy> {
  const gridUs = o.grid;
  const w = windowsOf(parts, span, meter);
  // Each window's call is made beside its rows, while its replicates are at hand.
  const calls: XcorrWindowCall[] = [];
  const windows: (Omit<(typeof w.windows)[number], 'part'> & { part: XcorrRow[] })[] = [];
  for (const x of w.windows) {
    const t = await xcorrTableOf(x.part, o, boot);
    calls.push(leader(t));
    windows.push({ ...x, part: t.rows });
  }
  let regimes: Record<Regime, { nWindows: number; part: XcorrRow[] }> | undefined;
  if (w.regimes !== undefined) {
    const made: Partial<Record<Regime, { nWindows: number; part: XcorrRow[] }>> = {};
    for (const r of REGIMES) made[r] = { nWindows: w.regimes[r].nWindows, part: (await xcorrTableOf(w.regimes[r].part, o, boot)).rows };
    regimes = made as Record<Regime, { nWindows: number; part: XcorrRow[] }>;
  }
  const stability = stabilityOf(
    windows.map((x, i) => {
      const b = best(x.part);
      // The lag's spread counts a window's best lag only where a call could rest on it (callableLag):
      // elsewhere it is one event's lag (a review: 79 windows of 1 s, none such, gave "lag across 79
      // windows: median 0 ms" where the span peaks at 3 ms). Weighted by the co-moving steps at the
      // best lag: what r there is made of.
      return { start: x.start, end: x.end, lagUs: b !== undefined && callableLag(b) ? b.lag * gridUs : null, leader: calls[i]!.call, values: { r2: b === undefined ? null : b.r! * b.r! }, weight: b?.nEffective ?? 0 };
    }),
  );
  return { windows, regimes, q25: w.q25, q75: w.q75, stability, interval: o.bootstrap > 0 ? 'bootstrap' : 'fisher', calls };
}

/** The trends of xcorr's stability lines, by key, as the lines name them. */
export const XCORR_TRENDS: Readonly<Record<string, string>> = { lag_us: 'the best lag (µs)', r2: 'R² at the best lag' };

export function humanXcorrBy(by: XcorrBy, names: readonly [string, string], gridUs: number, style: Style, best: (l: readonly LagResult[]) => LagResult | undefined): string {
  return humanBy(by, names, style, {
    title: `Per window (the lag with the largest |r| in each window; 95 % CI ${by.interval === 'bootstrap' ? "from the window's own blocks" : 'Fisher'})`,
    head: ['window', 'N', 'best lag', 'τ', 'r', 'R²', '95% CI'],
    row: (label, l) => {
      const b = best(l);
      // N of the lag shown (the best one); without one, the most any lag has.
      const n = b?.n ?? (l.length === 0 ? 0 : Math.max(...l.map((x) => x.n)));
      if (b === undefined) return [label, n, 'n/a', '', 'n/a', 'n/a', ''];
      // As xcorr-render's r4 and intervalText (not imported: that module imports this one).
      const ci = b.ciLow === null || b.ciHigh === null ? 'n/a' : `[${fixedNotZero(b.ciLow, 4)}, ${fixedNotZero(b.ciHigh, 4)}]`;
      return [label, n, b.lag, `${(b.lag * gridUs) / 1000} ms`, fixedNotZero(b.r, 4), fixed(b.r! * b.r!, 5), ci];
    },
    trends: XCORR_TRENDS,
  });
}


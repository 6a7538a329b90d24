/**
 * `xcorr --by DUR|vol` (docs/time.md): Table 2 per window and per volatility regime, each
 * computed from the merge of its cells' lag sums, the compact per-window summary (one row
 * per window: N, best lag, r and R² there) and the stability summary.
 */
import { lagResultsOf, type LagSums } from '../core/lag-parts.js';
import type { CellParts } from '../core/parts.js';
import { stabilityOf, type Stability } from '../core/stability.js';
import type { GridReturns, Regime } from '../core/volatility.js';
import type { LagResult } from '../core/xcorr.js';
import type { Span } from '../core/types.js';
import { fixed, humanTable, isoMicros, type Cell, type Style } from '../io/output.js';
import { REGIMES, stabilityJson, stabilityLines, windowJson, windowsOf, type Window } from './windows.js';

export interface XcorrBy {
  readonly windows: readonly Window<readonly LagResult[]>[];
  readonly regimes?: Readonly<Record<Regime, { readonly nWindows: number; readonly part: readonly LagResult[] }>>;
  readonly q25?: number;
  readonly q75?: number;
  readonly stability: Stability;
}

/** `best` picks a table's best lag (the command's rule). */
export function xcorrBy(parts: CellParts<LagSums>, lags: readonly number[], gridUs: number, span: Span, meter: GridReturns | undefined, best: (l: readonly LagResult[]) => LagResult | undefined): XcorrBy {
  const w = windowsOf(parts, span, meter);
  const table = (p: LagSums) => lagResultsOf(p, lags);
  const windows = w.windows.map((x) => ({ ...x, part: table(x.part) }));
  const regimes = w.regimes === undefined ? undefined : (Object.fromEntries(REGIMES.map((r) => [r, { nWindows: w.regimes![r].nWindows, part: table(w.regimes![r].part) }])) as unknown as Record<Regime, { nWindows: number; part: LagResult[] }>);
  const stability = stabilityOf(
    windows.map((x) => {
      const b = best(x.part);
      return { start: x.start, end: x.end, lagUs: b === undefined ? null : b.lag * gridUs, leader: b === undefined ? null : (Math.sign(b.lag) as 1 | -1 | 0), values: { r2: b === undefined ? null : b.r! * b.r! } };
    }),
  );
  return { windows, regimes, q25: w.q25, q75: w.q75, stability };
}

/** JSON members `windows`, `regimes`, `stability`; `table` gives a table's members as the whole span has them. */
export function xcorrByJson(by: XcorrBy, table: (l: readonly LagResult[]) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { windows: by.windows.map((w) => ({ ...windowJson(w), ...table(w.part) })) };
  if (by.regimes !== undefined) {
    out.regimes = Object.fromEntries(REGIMES.map((r) => [r, { n_windows: by.regimes![r].nWindows, ...table(by.regimes![r].part) }]));
    out.regime_thresholds = { vol_p25: by.q25, vol_p75: by.q75 };
  }
  out.stability = stabilityJson(by.stability);
  return out;
}

export function humanXcorrBy(by: XcorrBy, names: readonly [string, string], gridUs: number, style: Style, best: (l: readonly LagResult[]) => LagResult | undefined): string {
  const vol = by.regimes !== undefined;
  const head = ['window', 'N', 'best lag', 'τ', 'r', 'R²', '95% CI'];
  const row = (label: string, l: readonly LagResult[]): Cell[] => {
    const b = best(l);
    const n = l.length === 0 ? 0 : Math.max(...l.map((x) => x.n));
    if (b === undefined) return [label, n, 'n/a', '', 'n/a', 'n/a', ''];
    const ci = b.ciLow === null || b.ciHigh === null ? 'n/a' : `[${fixed(b.ciLow, 4)}, ${fixed(b.ciHigh, 4)}]`;
    return [label, n, b.lag, `${(b.lag * gridUs) / 1000} ms`, fixed(b.r, 4), fixed(b.r! * b.r!, 5), ci];
  };
  const align = head.map((_, i) => (i === 0 ? 'left' : 'right') as 'left' | 'right');
  const rows = by.windows.map((w) => {
    const r = row(isoMicros(w.start).replace('.000000Z', 'Z'), w.part);
    return vol ? [...r, w.regime ?? 'n/a'] : r;
  });
  const out = [style.c.bold('Per window (the lag with the largest r in each window)'), humanTable(vol ? [...head, 'regime'] : head, rows, style, vol ? [...align, 'left'] : align)];
  if (by.regimes !== undefined) {
    out.push(style.c.bold(`Per volatility regime (windows below the 25th / above the 75th percentile of ${names[0]}'s 1 s volatility)`));
    out.push(humanTable(['regime', ...head.slice(1)], REGIMES.map((r) => row(`${r} (${by.regimes![r].nWindows} windows)`, by.regimes![r].part)), style, align));
  }
  out.push(...stabilityLines(by.stability, names, { lag_us: 'the best lag (µs)', r2: 'R² at the best lag' }).map((l) => style.c.dim(l)));
  return out.join('\n');
}

/** Machine rows: one row per window (or regime) and lag; `cells` gives a table's rows as the whole span's. */
export function xcorrByRows(by: XcorrBy, cells: (l: readonly LagResult[]) => Cell[][]): Cell[][] {
  const rows: Cell[][] = [];
  const add = (label: string, start: number | null, end: number | null, l: readonly LagResult[]) => {
    for (const row of cells(l)) rows.push([label, start, end, ...row]);
  };
  for (const w of by.windows) add(w.regime ?? 'window', w.start, w.end, w.part);
  if (by.regimes !== undefined) for (const r of REGIMES) add(`regime:${r}`, null, null, by.regimes[r].part);
  return rows;
}

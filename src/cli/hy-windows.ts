/**
 * `hy --by DUR|vol` (docs/time.md, docs/hy.md): the Hayashi–Yoshida numbers per window and per
 * volatility regime, each computed from the rows of the blocks inside it exactly as the whole
 * span's (θ̂, ρ, LLR, the lags; with the bootstrap, the window's own interval and p-value from
 * its blocks, drawn afresh from --seed), the compact per-window summary and the stability summary.
 */
import { toHyParts, type HyKeyedParts, type HyPart } from '../core/hy-time.js';
import { hyEstimate, hyInference, type HyEstimate, type HyInference } from '../core/hystats.js';
import type { Lattice } from '../core/lattice.js';
import { Random } from '../core/random.js';
import { stabilityOf } from '../core/stability.js';
import type { GridReturns, Regime } from '../core/volatility.js';
import type { Span } from '../core/types.js';
import { formatPValue } from '../core/verdict.js';
import { fixed, type Style } from '../io/output.js';
import { humanBy, REGIMES, windowsOf, type WindowedSummary } from './windows.js';

/** A window's (or regime's) numbers; inference null with --bootstrap 0 or without blocks. */
export interface HyTable {
  readonly estimate: HyEstimate;
  readonly inference: HyInference | null;
}

export type HyBy = WindowedSummary<HyTable>;

export interface HyByOptions {
  readonly bootstrap: number;
  readonly block: number;
  readonly seed: number;
}

/** A part's numbers: the estimate, and with the bootstrap its inference (cost O(R · blocks · lags)). */
export function hyTableOf(part: HyPart, lattice: Lattice, span: Span, o: HyByOptions): HyTable {
  const parts = toHyParts(part, lattice, o.block, span);
  const estimate = hyEstimate(parts);
  const inference = o.bootstrap > 0 && parts.nBlocks > 0 ? hyInference(parts, o.bootstrap, new Random(o.seed)) : null;
  return { estimate, inference };
}

/** `leader` makes a window's call on who leads from its numbers (the command's rule: hy.ts windowLeader). */
export function hyBy(parts: HyKeyedParts, lattice: Lattice, span: Span, meter: GridReturns | undefined, o: HyByOptions, leader: (t: HyTable) => 1 | -1 | 0 | null): HyBy {
  const w = windowsOf(parts, span, meter);
  const windows = w.windows.map((x) => ({ ...x, part: hyTableOf(x.part, lattice, { start: x.start, end: x.end - 1 }, o) }));
  const regimes =
    w.regimes === undefined ? undefined : (Object.fromEntries(REGIMES.map((r) => [r, { nWindows: w.regimes![r].nWindows, part: hyTableOf(w.regimes![r].part, lattice, span, o) }])) as unknown as Record<Regime, { nWindows: number; part: HyTable }>);
  const stability = stabilityOf(
    windows.map((x) => {
      const e = x.part.estimate;
      // A window's |ρ| can pass 1 (its cross terms and variances are filed by different interval
      // ends, docs/hy.md): such an R² is no share of variance and stays out of its trend.
      // Weighted by the scarcer market's ticks, which bound the intervals the contrast is made of (docs/time.md).
      return { start: x.start, end: x.end, lagUs: e.lagUs, leader: leader(x.part), values: { r2: beyondOne(e.rho) ? null : e.r2, llr: e.llr }, weight: Math.min(e.nA, e.nB) };
    }),
  );
  return { windows, regimes, q25: w.q25, q75: w.q75, stability };
}

/**
 * |ρ| > 1 beyond rounding: possible in a short window (docs/hy.md), where ρ is then no
 * correlation. Identical series give 1 up to a unit or two of the last place
 * (1.0000000000000002, which the JSON writes as 1): they are a correlation of 1, not beyond it.
 */
export function beyondOne(rho: number | null): boolean {
  return rho !== null && Math.abs(rho) > 1 + RHO_ROUNDING;
}

/** The rounding that leaves a ρ of exactly 1 a little above it (the plateaus' tolerance, hystats.ts). */
const RHO_ROUNDING = 1e-9;

/** The trends of hy's stability lines, by key, as the lines name them. */
export const HY_TRENDS: Readonly<Record<string, string>> = { lag_us: 'θ̂ (µs)', r2: 'R² at θ̂', llr: 'the LLR' };

/** The compact per-window table, the regimes' rows and the stability lines. */
export function humanHyBy(by: HyBy, names: readonly [string, string], style: Style): string {
  const [a, b] = names;
  return humanBy(by, names, style, {
    title: "Per window (θ̂, ρ, LLR and the p-value from the window's own blocks)",
    head: ['window', `${a} ticks`, `${b} ticks`, 'θ̂', 'ρ(θ̂)', 'R²', 'LLR', 'p-value'],
    row: (label, t) => {
      const e = t.estimate;
      return [label, e.nA, e.nB, e.lagUs === null ? 'n/a' : `${fixed(e.lagUs / 1000, 3)} ms`, fixed(e.rho, 4), fixed(e.r2, 5), fixed(e.llr, 3), t.inference === null ? 'off' : formatPValue(t.inference.pValue)];
    },
    trends: HY_TRENDS,
  });
}

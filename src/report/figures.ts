/**
 * The report's figures built from the commands' own reports (specs.ts draws them): which
 * series, which interval, which lag is marked. Pure; µs become ms here, once.
 */
import type { PairReport } from '../cli/commands/pair.js';
import type { XcorrReport } from '../cli/commands/xcorr-render.js';
import type { ClassifyReport } from '../cli/classify-render.js';
import { bestLag } from '../core/xcorr-summary.js';
import { counted, duration } from '../io/output.js';
import type { HyReport } from '../cli/commands/hy.js';
import { hyLags } from '../core/hystats.js';
import { contrastFigure, correlogramFigure, delayFigure, pairingFigure, prCurveFigure, windowsFigure, type Figure, type PrPoint } from './specs.js';

const toMs = (us: number) => us / 1000;

/** xcorr's correlogram: r per lag with the interval the command reports (bootstrap, or Fisher), the best lag marked. */
export function xcorrFigure(r: XcorrReport): Figure {
  const points = r.lags.map((l) => ({ lagMs: toMs(l.lagUs), r: l.r, low: l.ciLow, high: l.ciHigh }));
  const band = r.bootstrap === null ? 'Fisher 95 % interval (too narrow for grid returns)' : `95 % block-bootstrap interval (${counted(r.bootstrap.replicates, 'replicate')} of ${duration(r.bootstrap.blockUs)} blocks)`;
  return correlogramFigure(points, r.best === undefined ? null : toMs(r.best.lagUs), r.names, band);
}

/** hy: ρ(θ) over the lattice in ms (lags where ρ is undefined left out), θ̂ marked, its bootstrap interval shaded. */
export function hyFigure(r: HyReport): Figure {
  const lags = hyLags(r.estimate);
  const points = lags.flatMap((l) => (l.rho === null ? [] : [{ lagMs: toMs(l.lagUs), rho: l.rho }]));
  const ci = r.inference?.lagUs ?? null;
  const lattice: [number, number] = lags.length === 0 ? [0, 0] : [toMs(lags[0]!.lagUs), toMs(lags.at(-1)!.lagUs)];
  return contrastFigure(points, r.estimate.lagUs === null ? null : toMs(r.estimate.lagUs), ci === null ? null : [toMs(ci.low), toMs(ci.high)], r.names, lattice);
}

/** pair: one delay histogram per feed, each direction in its own colour. */
export function delayFigures(r: PairReport): Figure[] {
  const [a, b] = r.names;
  return r.feeds.map((f) =>
    delayFigure(
      [
        { direction: `${a} leads ${b}`, delaysMs: Array.from(f.stats.table.delaysAB, toMs) },
        { direction: `${b} leads ${a}`, delaysMs: Array.from(f.stats.table.delaysBA, toMs) },
      ],
      toMs(r.params.pairWindowUs),
      f.feed === 'native' ? 'native' : `${duration(r.params.gridUs)} grid`,
    ),
  );
}

/** pair: Table 1's pairs by leader beside the chance pairs, per feed. */
export function tableOneFigure(r: PairReport): Figure {
  return pairingFigure(
    r.feeds.map((f) => {
      const t = f.stats.table;
      return { feed: f.feed === 'native' ? 'native ticks' : `${duration(r.params.gridUs)} grid`, paired: t.paired, chanceMean: f.stats.chance.mean, chanceMax: f.stats.chance.max, aLeadsB: t.aLeadsB, bLeadsA: t.bLeadsA, simultaneous: t.simultaneous };
    }),
    r.names,
  );
}

/** --by: xcorr's best lag (ms) and its r in each window; undefined without windows. */
export function windowFigure(r: XcorrReport): Figure | undefined {
  if (r.by === undefined) return undefined;
  const points = r.by.windows.map((w) => {
    const best = bestLag(w.part);
    return { startMs: toMs(w.start), lagMs: best === undefined ? null : toMs(best.lag * r.gridUs), rho: best?.r ?? null };
  });
  return windowsFigure(points, 'xcorr best lag and its r');
}

/** Most points drawn of a precision–recall curve: beyond this the line looks the same. */
const MAX_PR_POINTS = 500;

/** classify: the pooled test triggers' PR curve, the chosen threshold and the base rate; undefined without a curve. */
export function prFigure(r: ClassifyReport): Figure | undefined {
  const c = r.curve;
  if (c === undefined || c.thresholds.length === 0) return undefined;
  const stride = Math.max(1, Math.ceil(c.thresholds.length / MAX_PR_POINTS));
  const points: PrPoint[] = [];
  for (let i = 0; i < c.thresholds.length; i += stride) points.push({ recall: c.recall[i]!, precision: c.precision[i]! });
  const last = c.thresholds.length - 1;
  if (last % stride !== 0) points.push({ recall: c.recall[last]!, precision: c.precision[last]! });
  const chosen = r.precisionAtThreshold === undefined || r.recallAtThreshold === undefined ? null : { recall: r.recallAtThreshold, precision: r.precisionAtThreshold };
  return prCurveFigure(points, chosen, r.testPrevalence);
}

/**
 * The report's figures as Vega-Lite specifications, built from the analyses' numbers.
 *
 * Pure: data in, a JSON specification out (no rendering, no I/O), so a test can check that a
 * figure shows the right series, band and marked lag without looking at pixels. Rendering to
 * SVG is src/report/render.ts. Units are those a reader thinks in: lags and delays in ms,
 * moves in bp. Colours are the Okabe–Ito palette, which stays distinguishable with every common
 * colour-vision deficiency.
 */
import { fixed } from '../core/human-text.js';

/** A Vega-Lite specification (plain JSON). */
export type Spec = Record<string, unknown>;

/** One figure: its specification and the sentence printed under it (what to look for). */
export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: Spec;
}

/** Okabe & Ito (2008), "Color Universal Design". */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  grey: '#999999',
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 560;
const HEIGHT = 240;

/** The sign convention, said once and used in every lag caption. */
export function signConvention(names: readonly [string, string]): string {
  return `positive lag: ${names[0]} leads ${names[1]}`;
}

function base(title: string, subtitle: string): Spec {
  return {
    $schema: SCHEMA,
    width: WIDTH,
    height: HEIGHT,
    title: { text: title, subtitle, anchor: 'start', fontSize: 14, subtitleColor: '#555' },
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' }, view: { stroke: null } },
  };
}

/** Lag-marker layer: a dashed rule at x (ms) with its label. */
function markerLayer(xMs: number, label: string, colour: string): Spec {
  return {
    data: { values: [{ x: xMs, label }] },
    layer: [
      { mark: { type: 'rule', color: colour, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      {
        mark: { type: 'text', color: colour, align: 'left', dx: 4, dy: -4, baseline: 'top', fontSize: 11 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}

/** An axis of a figure with nothing to draw: its title and the domain to show. */
interface EmptyAxis {
  readonly title: string;
  readonly domain: readonly [number, number];
  readonly type?: 'quantitative' | 'temporal';
}

/**
 * The frame of a figure with no data: both axes with fixed domains and `message` in the middle.
 * Fixed, because vega derives an empty scale's domain as NaN or ±Infinity, which would then be
 * printed in the axes' labels.
 */
function emptySpec(title: string, subtitle: string, x: EmptyAxis, y: EmptyAxis, message: string): Spec {
  const mid = (d: readonly [number, number]) => (d[0] + d[1]) / 2;
  const axis = (a: EmptyAxis) => ({ field: a === x ? 'x' : 'y', type: a.type ?? 'quantitative', title: a.title, scale: { domain: [...a.domain] } });
  return {
    ...base(title, subtitle),
    data: { values: [{ x: mid(x.domain), y: mid(y.domain), message }] },
    mark: { type: 'text', fontSize: 14, color: '#555' },
    encoding: { x: axis(x), y: axis(y), text: { field: 'message' } },
  };
}

export interface CorrelogramPoint {
  /** Lag in ms (τ·G). */
  readonly lagMs: number;
  readonly r: number | null;
  /** Bootstrap (or Fisher) interval; null where undefined. */
  readonly low: number | null;
  readonly high: number | null;
}

/** xcorr: r(τ) against the lag in ms with its interval as a band and the best lag marked. */
export function correlogramFigure(points: readonly CorrelogramPoint[], bestLagMs: number | null, names: readonly [string, string], intervalName: string): Figure {
  const values = points.filter((p) => p.r !== null).map((p) => ({ lag_ms: p.lagMs, r: p.r, low: p.low ?? p.r, high: p.high ?? p.r }));
  const title = `Lagged correlation of grid returns, ${names[0]} vs ${names[1]}`;
  if (values.length === 0) {
    const lags: readonly [number, number] = points.length === 0 ? [-1, 1] : [points[0]!.lagMs, points.at(-1)!.lagMs];
    return {
      id: 'xcorr',
      title,
      caption: `No lag has a defined correlation (a market does not move on the grid in the span), so there is nothing to draw; ${signConvention(names)}.`,
      spec: emptySpec(title, signConvention(names), { title: 'lag (ms)', domain: lags }, { title: 'correlation r', domain: [-1, 1] }, 'no lag has a defined correlation'),
    };
  }
  const layers: Spec[] = [
    {
      mark: { type: 'area', color: PALETTE.sky, opacity: 0.35 },
      encoding: { x: { field: 'lag_ms', type: 'quantitative', title: 'lag (ms)' }, y: { field: 'low', type: 'quantitative', title: 'correlation r' }, y2: { field: 'high' } },
    },
    { mark: { type: 'line', color: PALETTE.blue, point: { filled: true, size: 20, color: PALETTE.blue } }, encoding: { x: { field: 'lag_ms', type: 'quantitative' }, y: { field: 'r', type: 'quantitative' } } },
    { mark: { type: 'rule', color: '#444', strokeWidth: 0.8 }, data: { values: [{ y: 0 }] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
  ];
  if (bestLagMs !== null) layers.push(markerLayer(bestLagMs, `best ${fmtMs(bestLagMs)}`, PALETTE.vermillion));
  return {
    id: 'xcorr',
    title,
    caption: `Band: ${intervalName}. The band is each lag's own interval: the verdict also asks the best lag to clear 0 over all the lags at once (a wider band) and the summed r's difference to clear 0; ${signConvention(names)}. A peak carried by one step (see top_step_share) is an outlier, not a lead.`,
    spec: { ...base(title, `${intervalName}; ${signConvention(names)}`), data: { values }, layer: layers },
  };
}

export interface ContrastPoint {
  readonly lagMs: number;
  readonly rho: number;
}

/**
 * hy: ρ(θ) against θ in ms with θ̂ marked and its interval shaded. `latticeMs` is the first and
 * last lag of the lattice: the x axis when no lag has a defined ρ.
 */
export function contrastFigure(points: readonly ContrastPoint[], thetaHatMs: number | null, ciMs: readonly [number, number] | null, names: readonly [string, string], latticeMs: readonly [number, number]): Figure {
  const values = points.map((p) => ({ lag_ms: p.lagMs, rho: p.rho }));
  const title = `Hayashi–Yoshida lead-lag contrast, ${names[0]} vs ${names[1]}`;
  if (values.length === 0) {
    return {
      id: 'hy',
      title,
      caption: `No lag has a defined ρ(θ) (a market never moves, or the ticks never overlap within the lags), so there is nothing to draw; ${signConvention(names)}.`,
      spec: emptySpec(title, signConvention(names), { title: 'lag θ (ms)', domain: latticeMs }, { title: 'HY correlation ρ(θ)', domain: [-1, 1] }, 'no lag has a defined ρ'),
    };
  }
  const layers: Spec[] = [];
  if (ciMs !== null) {
    layers.push({
      data: { values: [{ lo: ciMs[0], hi: ciMs[1] }] },
      mark: { type: 'rect', color: PALETTE.orange, opacity: 0.2 },
      encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } },
    });
  }
  layers.push(
    { mark: { type: 'line', color: PALETTE.blue, interpolate: 'linear' }, encoding: { x: { field: 'lag_ms', type: 'quantitative', title: 'lag θ (ms)' }, y: { field: 'rho', type: 'quantitative', title: 'HY correlation ρ(θ)' } } },
    { mark: { type: 'rule', color: '#444', strokeWidth: 0.8 }, data: { values: [{ y: 0 }] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
  );
  if (thetaHatMs !== null) layers.push(markerLayer(thetaHatMs, `θ̂ ${fmtMs(thetaHatMs)}`, PALETTE.vermillion));
  const shaded = ciMs === null ? '' : ' The shaded band is the 95 % bootstrap interval of θ̂.';
  return {
    id: 'hy',
    title,
    caption: `ρ(θ) on native ticks, no grid.${shaded} A single clear peak away from 0 whose band excludes 0 is a lead; ${signConvention(names)}.`,
    spec: { ...base(title, signConvention(names)), data: { values }, layer: layers },
  };
}

export interface DelaySeries {
  /** e.g. `spot leads perp`. */
  readonly direction: string;
  /** Leader → follower delays in ms. */
  readonly delaysMs: readonly number[];
}

/**
 * `1 ms grid` → `1ms-grid`, `500 µs grid` → `500us-grid`, `1.5 s grid` → `1_5s-grid`: an HTML id
 * holds no space, and one spelling for every unit keeps ids alike; only letters, digits, `-` and
 * `_` stay, so the id is also a plain CSS selector.
 */
export function idPart(text: string): string {
  return text
    .replace(/µ/g, 'u')
    .replace(/(\d) (?=[a-z])/gi, '$1')
    .replace(/\./g, '_')
    .replace(/\s+/g, '-')
    .replace(/[^A-Za-z0-9_-]/g, '');
}

/** pair: histograms of leader → follower delays, one colour per direction. */
export function delayFigure(series: readonly DelaySeries[], pairWindowMs: number, feed: string): Figure {
  const values = series.flatMap((s) => s.delaysMs.map((d) => ({ direction: s.direction, delay_ms: d })));
  const step = Math.max(pairWindowMs / 20, 0.001);
  const title = `Leader → follower delay, ${feed}`;
  const subtitle = `pairing window ${fmtMs(pairWindowMs)}`;
  if (values.length === 0) {
    return {
      id: `delays-${idPart(feed)}`,
      title,
      caption: `No pairs: no jump of one market was followed by a jump of the other within the pairing window (${fmtMs(pairWindowMs)}), so there is no delay to show.`,
      spec: emptySpec(title, subtitle, { title: 'delay (ms)', domain: [0, Math.max(pairWindowMs, step)] }, { title: 'pairs', domain: [0, 1] }, 'no pairs'),
    };
  }
  return {
    id: `delays-${idPart(feed)}`,
    title,
    caption: `Delays of the paired jumps (pairing window ${fmtMs(pairWindowMs)}). Mass piled at the window's edge suggests the window is too short; a flat spread suggests chance pairs.`,
    spec: {
      ...base(title, subtitle),
      data: { values },
      mark: { type: 'bar', opacity: 0.75, binSpacing: 0 },
      encoding: {
        x: { field: 'delay_ms', type: 'quantitative', bin: { step, extent: [0, Math.max(pairWindowMs, step)] }, title: 'delay (ms)' },
        y: { aggregate: 'count', type: 'quantitative', title: 'pairs', stack: null },
        color: { field: 'direction', type: 'nominal', scale: { range: [PALETTE.blue, PALETTE.orange] }, legend: { orient: 'top-right', title: null } },
      },
    },
  };
}

export interface PairingBars {
  readonly feed: string;
  readonly paired: number;
  readonly chanceMean: number;
  readonly chanceMax: number;
  readonly aLeadsB: number;
  readonly bLeadsA: number;
  readonly simultaneous: number;
}

/** pair: Table 1's pairs by who led, beside the chance pairs of shifted copies. */
export function pairingFigure(feeds: readonly PairingBars[], names: readonly [string, string]): Figure {
  const values = feeds.flatMap((f) => [
    { feed: f.feed, what: `${names[0]} leads`, count: f.aLeadsB },
    { feed: f.feed, what: `${names[1]} leads`, count: f.bLeadsA },
    { feed: f.feed, what: 'simultaneous', count: f.simultaneous },
    { feed: f.feed, what: 'chance pairs (mean)', count: f.chanceMean },
    { feed: f.feed, what: 'chance pairs (max)', count: f.chanceMax },
  ]);
  const order = [`${names[0]} leads`, `${names[1]} leads`, 'simultaneous', 'chance pairs (mean)', 'chance pairs (max)'];
  const title = `Table 1: pairs by leader, beside chance`;
  // All bars 0: vega's scale would be 0 to 0; a 0–1 axis shows the zeros as zeros.
  const none = values.every((v) => v.count === 0);
  return {
    id: 'pairing',
    title,
    caption: `${none ? 'No pairs on any feed, and none by chance: every bar is 0. ' : ''}Pairs found in the data by who jumped first, and the pairs that time-shifted copies of the same jumps produce by coincidence. A lead is believable when the pairs stand well above the chance bars.`,
    spec: {
      ...base(title, 'chance: the other market shifted by ±1…±10 null steps'),
      width: { step: 22 },
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'what', type: 'nominal', sort: order, title: null, axis: { labelAngle: -30 } },
        y: { field: 'count', type: 'quantitative', title: 'pairs', ...(none ? { scale: { domain: [0, 1] } } : {}) },
        color: { field: 'what', type: 'nominal', sort: order, scale: { range: [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.grey, '#666666'] }, legend: null },
        column: { field: 'feed', type: 'nominal', title: null },
      },
    },
  };
}

export interface WindowPoint {
  /** Window start, ms since the epoch. */
  readonly startMs: number;
  /** The window's lag estimate in ms (null when n/a). */
  readonly lagMs: number | null;
  /** The window's correlation at that lag (null when n/a). */
  readonly rho: number | null;
}

/** --by: the lag and the correlation per window over time, two panels sharing the time axis. */
export function windowsFigure(points: readonly WindowPoint[], what: string): Figure {
  const values = points.map((p) => ({ start: p.startMs, lag_ms: p.lagMs, rho: p.rho }));
  const x = { field: 'start', type: 'temporal', title: 'window start (UTC)', timeUnit: 'utcyearmonthdatehoursminutesseconds' };
  const panel = (field: string, title: string, colour: string): Spec => ({
    height: 140,
    width: WIDTH,
    mark: { type: 'line', point: true, color: colour },
    encoding: { x, y: { field, type: 'quantitative', title } },
  });
  const title = `${what} per window`;
  if (values.every((v) => v.lag_ms === null && v.rho === null)) {
    const first = points[0]?.startMs ?? 0;
    const last = points.at(-1)?.startMs ?? 0;
    // A time scale of zero width (one window) labels its axis NaN: give it a second.
    const starts: readonly [number, number] = [first, last > first ? last : first + 1000];
    return {
      id: 'windows',
      title,
      caption: 'No window has a defined lag or correlation, so there is nothing to draw.',
      spec: emptySpec(title, '', { title: 'window start (UTC)', domain: starts, type: 'temporal' }, { title: 'lag (ms)', domain: [-1, 1] }, 'no window has a defined lag'),
    };
  }
  return {
    id: 'windows',
    title,
    caption: 'Each point is one window. A lag that wanders or a correlation that decays over the windows says the lead is not stable; read the stability summary below the figure for each method\'s trend, its standard error and p-value.',
    spec: {
      $schema: SCHEMA,
      title: { text: title, anchor: 'start', fontSize: 14 },
      data: { values },
      vconcat: [panel('lag_ms', 'lag (ms)', PALETTE.vermillion), panel('rho', 'correlation', PALETTE.blue)],
      config: { font: 'sans-serif', view: { stroke: null } },
    },
  };
}

export interface PrPoint {
  readonly recall: number;
  readonly precision: number;
}

/**
 * classify: the precision–recall curve with the chosen threshold's point and the base rate.
 * `points` in rising recall; each precision holds over the recalls up to its own, from the one
 * before (step-before, from recall 0), as the average precision sums it: Σ (R_n − R_{n−1}) P_n
 * is the area under the curve drawn. ('step-after' held each precision to the next point's
 * recall: 1.0 up to recall 0.588 on the fixtures, where the precision there is 0.769.)
 */
export function prCurveFigure(points: readonly PrPoint[], chosen: PrPoint | null, baseRate: number): Figure {
  const values = points.map((p) => ({ recall: p.recall, precision: p.precision }));
  if (values.length > 0 && values[0]!.recall > 0) values.unshift({ recall: 0, precision: values[0]!.precision });
  const layers: Spec[] = [
    { mark: { type: 'line', color: PALETTE.blue, interpolate: 'step-before' }, encoding: { x: { field: 'recall', type: 'quantitative', title: 'recall', scale: { domain: [0, 1] } }, y: { field: 'precision', type: 'quantitative', title: 'precision', scale: { domain: [0, 1] } } } },
    { data: { values: [{ y: baseRate }] }, mark: { type: 'rule', color: PALETTE.grey, strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
  ];
  if (chosen !== null) {
    layers.push({ data: { values: [chosen] }, mark: { type: 'point', filled: true, size: 80, color: PALETTE.vermillion }, encoding: { x: { field: 'recall', type: 'quantitative' }, y: { field: 'precision', type: 'quantitative' } } });
  }
  const title = 'Classifier: precision against recall on the test triggers';
  return {
    id: 'prcurve',
    title,
    caption: `Dashed: the base rate (${fixed(baseRate * 100, 1)} % of test triggers lead), what a coin with the right bias scores. The curve must stand clearly above it for the model to add anything; the dot is the chosen threshold.`,
    spec: { ...base(title, 'red dot: the chosen threshold'), data: { values }, layer: layers },
  };
}

function fmtMs(ms: number): string {
  return `${Number(ms.toPrecision(6))} ms`;
}

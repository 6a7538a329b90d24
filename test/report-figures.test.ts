import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrastFigure, correlogramFigure, delayFigure, pairingFigure, prCurveFigure, windowsFigure, PALETTE, type Spec } from '../src/report/specs.js';
import { renderSvg } from '../src/report/render.js';
import { esc, renderPage } from '../src/report/page.js';

type Layer = { mark: { type: string; color?: string }; data?: { values: Record<string, unknown>[] }; encoding?: Record<string, { field?: string }>; layer?: Layer[] };
const layers = (s: Spec) => s.layer as Layer[];
const values = (s: Spec) => (s.data as { values: Record<string, unknown>[] }).values;

test('correlogramFigure: r per lag in ms, the interval as a band, the best lag marked, n/a lags left out', () => {
  const f = correlogramFigure(
    [
      { lagMs: -1, r: 0.1, low: 0.05, high: 0.15 },
      { lagMs: 0, r: null, low: null, high: null },
      { lagMs: 1, r: 0.3, low: 0.2, high: 0.4 },
    ],
    1,
    ['spot', 'perp'],
    'bootstrap 95 % interval',
  );
  assert.deepEqual(values(f.spec), [
    { lag_ms: -1, r: 0.1, low: 0.05, high: 0.15 },
    { lag_ms: 1, r: 0.3, low: 0.2, high: 0.4 },
  ]);
  const [band, line, , marker] = layers(f.spec);
  assert.equal(band!.mark.type, 'area');
  assert.equal(band!.encoding!.y!.field, 'low');
  assert.equal((band!.encoding as Record<string, { field: string }>).y2!.field, 'high');
  assert.equal(line!.encoding!.y!.field, 'r');
  assert.deepEqual(marker!.data!.values, [{ x: 1, label: 'best 1 ms' }]);
  assert.match(f.caption, /positive lag: spot leads perp/);
});

test('contrastFigure: ρ(θ) with θ̂ marked and its interval shaded; no band without an interval', () => {
  const pts = [{ lagMs: -0.1, rho: 0.01 }, { lagMs: 0, rho: 0.02 }, { lagMs: 0.1, rho: 0.2 }];
  const f = contrastFigure(pts, 0.1, [0, 0.2], ['a', 'b'], [-0.1, 0.1]);
  const ls = layers(f.spec);
  assert.equal(ls[0]!.mark.type, 'rect');
  assert.deepEqual(ls[0]!.data!.values, [{ lo: 0, hi: 0.2 }]);
  assert.deepEqual(values(f.spec).map((v) => v.rho), [0.01, 0.02, 0.2]);
  assert.deepEqual(ls.at(-1)!.data!.values, [{ x: 0.1, label: 'θ̂ 0.1 ms' }]);
  const bare = contrastFigure(pts, null, null, ['a', 'b'], [-0.1, 0.1]);
  assert.ok(layers(bare.spec).every((l) => l.mark.type !== 'rect'));
  assert.doesNotMatch(bare.caption, /bootstrap interval/);
});

test('delayFigure, pairingFigure, windowsFigure, prCurveFigure carry exactly their data', () => {
  const d = delayFigure([{ direction: 'spot leads perp', delaysMs: [1, 2.5] }, { direction: 'perp leads spot', delaysMs: [3] }], 5, 'native');
  assert.deepEqual(values(d.spec), [
    { direction: 'spot leads perp', delay_ms: 1 },
    { direction: 'spot leads perp', delay_ms: 2.5 },
    { direction: 'perp leads spot', delay_ms: 3 },
  ]);
  const p = pairingFigure([{ feed: 'native', paired: 10, chanceMean: 1.5, chanceMax: 3, aLeadsB: 7, bLeadsA: 2, simultaneous: 1 }], ['spot', 'perp']);
  assert.deepEqual(values(p.spec).map((v) => [v.what, v.count]), [['spot leads', 7], ['perp leads', 2], ['simultaneous', 1], ['chance pairs (mean)', 1.5], ['chance pairs (max)', 3]]);
  const w = windowsFigure([{ startMs: 0, lagMs: 2, rho: 0.3 }, { startMs: 3600000, lagMs: null, rho: null }], 'HY lag');
  assert.deepEqual(values(w.spec), [{ start: 0, lag_ms: 2, rho: 0.3 }, { start: 3600000, lag_ms: null, rho: null }]);
  const pr = prCurveFigure([{ recall: 0.5, precision: 1 }, { recall: 1, precision: 0.5 }], { recall: 0.5, precision: 1 }, 0.25);
  assert.deepEqual(layers(pr.spec)[1]!.data!.values, [{ y: 0.25 }]);
  // Each precision over the recalls up to its own, from recall 0: the area under the steps is the
  // AP, 0.5 · 1 + 0.5 · 0.5 = 0.75 here (step-after had drawn 1 over all of (0.5, 1]).
  assert.deepEqual(values(pr.spec), [{ recall: 0, precision: 1 }, { recall: 0.5, precision: 1 }, { recall: 1, precision: 0.5 }]);
  assert.equal((layers(pr.spec)[0]!.mark as unknown as { interpolate: string }).interpolate, 'step-before');
  assert.match(pr.caption, /25\.0 %/);
});

test('every colour a figure uses comes from the colour-blind-safe palette', () => {
  const allowed = new Set<string>([...Object.values(PALETTE), '#444', '#666666', '#555', '#eee']);
  const f = correlogramFigure([{ lagMs: 0, r: 0.1, low: 0, high: 0.2 }], 0, ['a', 'b'], 'x');
  const found = JSON.stringify(f.spec).match(/#[0-9A-Fa-f]{3,6}\b/g) ?? [];
  for (const c of found) assert.ok(allowed.has(c), `colour ${c}`);
});

test('renderSvg: a figure becomes an SVG document with drawn paths', async () => {
  const f = correlogramFigure([{ lagMs: -1, r: 0.1, low: 0.05, high: 0.15 }, { lagMs: 1, r: 0.3, low: 0.2, high: 0.4 }], 1, ['spot', 'perp'], 'band');
  const svg = await renderSvg(f);
  assert.match(svg, /^<svg /);
  assert.ok((svg.match(/<path /g) ?? []).length >= 2);
});

test('a figure with no data draws its frame on fixed axes with the reason in it, and says so in its caption', () => {
  const frame = (s: Spec) => s.encoding as Record<string, { scale?: { domain: number[] } }>;
  // No delay in either direction: x over the pairing window (0 to 5 ms), y 0 to 1, the message at their middles (2.5, 0.5).
  const delays = delayFigure([{ direction: 'a leads b', delaysMs: [] }, { direction: 'b leads a', delaysMs: [] }], 5, 'native');
  assert.deepEqual(values(delays.spec), [{ x: 2.5, y: 0.5, message: 'no pairs' }]);
  assert.deepEqual([frame(delays.spec).x!.scale!.domain, frame(delays.spec).y!.scale!.domain], [[0, 5], [0, 1]]);
  assert.match(delays.caption, /^No pairs: /);
  // No defined r: x over the lags asked for (−2 to 2 ms), r from −1 to 1.
  const xcorr = correlogramFigure([{ lagMs: -2, r: null, low: null, high: null }, { lagMs: 2, r: null, low: null, high: null }], null, ['a', 'b'], 'band');
  assert.deepEqual(frame(xcorr.spec).x!.scale!.domain, [-2, 2]);
  assert.match(xcorr.caption, /^No lag has a defined correlation/);
  // No defined ρ: x over the lattice given.
  const hy = contrastFigure([], null, null, ['a', 'b'], [-10, 10]);
  assert.deepEqual(values(hy.spec), [{ x: 0, y: 0, message: 'no lag has a defined ρ' }]);
  assert.match(hy.caption, /^No lag has a defined ρ/);
  const windows = windowsFigure([{ startMs: 0, lagMs: null, rho: null }, { startMs: 10_000, lagMs: null, rho: null }], 'x');
  assert.deepEqual(frame(windows.spec).x!.scale!.domain, [0, 10_000]);
  // All of Table 1's bars 0: a 0–1 axis and the caption says there are no pairs.
  const bars = pairingFigure([{ feed: 'native', paired: 0, chanceMean: 0, chanceMax: 0, aLeadsB: 0, bLeadsA: 0, simultaneous: 0 }], ['a', 'b']);
  assert.deepEqual(frame(bars.spec).y!.scale!.domain, [0, 1]);
  assert.match(bars.caption, /^No pairs on any feed/);
});

test('renderSvg: a figure with no data renders without NaN or Infinity in its axes (vega\'s empty-domain labels)', async () => {
  const empties = [
    delayFigure([{ direction: 'a leads b', delaysMs: [] }], 5, 'native'),
    correlogramFigure([{ lagMs: -1, r: null, low: null, high: null }, { lagMs: 1, r: null, low: null, high: null }], null, ['a', 'b'], 'band'),
    contrastFigure([], null, null, ['a', 'b'], [-10, 10]),
    windowsFigure([{ startMs: 0, lagMs: null, rho: null }], 'x'),
    pairingFigure([{ feed: 'native', paired: 0, chanceMean: 0, chanceMax: 0, aLeadsB: 0, bLeadsA: 0, simultaneous: 0 }], ['a', 'b']),
  ];
  for (const f of empties) {
    const svg = await renderSvg(f);
    assert.doesNotMatch(svg, /NaN|Infinity/, f.id);
  }
  assert.match(await renderSvg(empties[0]!), />no pairs</);
});

test('renderPage: escapes every text, inlines the figures, fetches nothing', () => {
  const html = renderPage({
    title: 'a <b> & "c"',
    verdict: ['spot leads perp by 2 ms'],
    warnings: ['few pairs'],
    parameters: [['threshold', '0.07 %']],
    inputs: { title: 'Inputs', columns: ['file'], rows: [['x<y>.csv']] },
    sections: [{ heading: 'xcorr', figures: [{ id: 'xcorr', title: 't', caption: 'c', svg: '<svg></svg>' }], tables: [] }],
    generator: 'leadlag test',
  });
  assert.ok(html.includes('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>'));
  assert.ok(html.includes('x&lt;y&gt;.csv'));
  assert.ok(html.includes('<figure id="fig-xcorr" class="figure"><svg></svg>'));
  assert.doesNotMatch(html, /(src|href)=["']?https?:/);
  assert.equal(esc(`'`), '&#39;');
});

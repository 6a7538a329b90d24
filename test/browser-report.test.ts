/**
 * The report page in a real browser: written by `leadlag report --html` from the fixtures (with
 * trades and --by, so every kind of figure is on it; in this process), opened in headless
 * chromium. No console error, no request to anything but the page, every figure drawn, a
 * screenshot that is not blank. With LEADLAG_SCREENSHOT=1 the screenshot's top is kept as
 * docs/report-screenshot.png (README shows it). Not in the fast lane: it starts a browser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { FIXTURES, ROOT, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { checkPage, findChromium, inkShare } from './browser.js';

const chromium = findChromium();
const T = join(FIXTURES, 'tardis');

const SKIP = chromium === undefined ? "no chromium found (set LEADLAG_CHROMIUM or install Debian's chromium; .ci/run does)" : false;

async function writePage(extra: string[]): Promise<string> {
  const html = join(tempFiles({}), 'report.html');
  const r = await leadlagInProcess(['report', join(T, 'spot_quotes.csv'), join(T, 'perp_quotes.csv'), '--trades', join(T, 'spot_trades.csv'), '--block', '1s', '--html', html, '--quiet', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return html;
}

test('report --html: the page opens in headless chromium with every figure drawn and nothing fetched', { skip: SKIP }, async () => {
  const html = await writePage([]);
  const page = await checkPage(chromium!, pathToFileURL(html).href);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.requests, []);
  // The figures of the fixtures with trades: HY contrast, correlogram, Table 1 beside chance, a delay histogram per feed, the PR curve.
  assert.deepEqual(page.figures.map((f) => f.id).sort(), ['fig-delays-1ms-grid', 'fig-delays-native', 'fig-hy', 'fig-pairing', 'fig-prcurve', 'fig-xcorr']);
  for (const f of page.figures) assert.ok(f.paths > 0, `${f.id} has no drawn path`);
  assert.ok(inkShare(page.screenshot) > 0.02, 'the screenshot is blank');
  assert.match(page.text, /spot leads perp/);
  assert.match(readFileSync(html, 'utf8'), /Content-Security-Policy/);
  // LEADLAG_SCREENSHOT=1 keeps the first viewport as the README's picture.
  if (process.env.LEADLAG_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs', 'report-screenshot.png'), firstViewport(page.screenshot, 1100, 1500));
});

test('report --html --by: the per-window figure is drawn too', { skip: SKIP }, async () => {
  const page = await checkPage(chromium!, pathToFileURL(await writePage(['--by', '20s'])).href);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.requests, []);
  const windows = page.figures.find((f) => f.id === 'fig-windows');
  assert.ok(windows !== undefined && windows.paths > 0);
});

/** The top of a full-page PNG, so the committed screenshot stays small. */
function firstViewport(png: Buffer, width: number, height: number): Buffer {
  const src = PNG.sync.read(png);
  const h = Math.min(height, src.height);
  const w = Math.min(width, src.width);
  const out = new PNG({ width: w, height: h });
  PNG.bitblt(src, out, 0, 0, w, h, 0, 0);
  return PNG.sync.write(out, { colorType: 2 });
}

/**
 * The report page in a real browser: written by the built CLI from the fixtures (with trades
 * and --by, so every kind of figure is on it), opened in headless chromium. No console error,
 * no request to anything but the page, every figure drawn, a screenshot that is not blank.
 * The screenshot's first viewport is kept as docs/report-screenshot.png (README shows it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { FIXTURES, ROOT, leadlag, tempFiles } from './cli-helpers.js';
import { checkPage, findChromium, inkShare } from './browser.js';

const chromium = findChromium();
const T = join(FIXTURES, 'tardis');

test('report --html: the page opens in headless chromium with every figure drawn and nothing fetched', { skip: chromium === undefined ? 'no chromium found (set LEADLAG_CHROMIUM or install Debian\'s chromium; .ci/run does)' : false }, async () => {
  const dir = tempFiles({});
  const html = join(dir, 'report.html');
  const r = await leadlag(['report', join(T, 'spot_quotes.csv'), join(T, 'perp_quotes.csv'), '--trades', join(T, 'spot_trades.csv'), '--by', '20s', '--html', html, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const url = pathToFileURL(html).href;
  const page = await checkPage(chromium!, url);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.requests, []);
  // The figures the fixtures give: correlogram, Table 1 beside chance, a delay histogram per feed, windows, PR curve.
  assert.deepEqual(page.figures.map((f) => f.id).sort(), ['fig-delays-1 ms grid', 'fig-delays-native', 'fig-pairing', 'fig-prcurve', 'fig-windows', 'fig-xcorr'].sort());
  for (const f of page.figures) assert.ok(f.paths > 0, `${f.id} has no drawn path`);
  assert.ok(inkShare(page.screenshot) > 0.02, 'the screenshot is blank');
  assert.match(page.text, /spot leads perp/);
  assert.match(readFileSync(html, 'utf8'), /Content-Security-Policy/);
  writeFileSync(join(ROOT, 'docs', 'report-screenshot.png'), firstViewport(page.screenshot, 1100, 1400));
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

/**
 * Opening a page in a real headless browser for the report tests: Debian's chromium driven by
 * playwright-core (which downloads no browser). `findChromium()` is undefined where no browser
 * can be had, so the tests that need one skip with a message; `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';

const CANDIDATES = [process.env.LEADLAG_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  return CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

export interface PageCheck {
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
  /** Per `figure` element: its id and how many SVG paths with a non-empty `d` it holds. */
  readonly figures: { id: string; paths: number }[];
  /** Requests the page tried to make to anything but itself. */
  readonly requests: string[];
  readonly screenshot: Buffer;
  readonly text: string;
}

/** Loads `url` in headless chromium and reports what a reader (and a CSP) would see. */
export async function checkPage(executablePath: string, url: string): Promise<PageCheck> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    // The callback runs in the page; the structural types stand in for the DOM's.
    type El = { id: string; getAttribute(name: string): string | null; querySelectorAll(sel: string): ArrayLike<El> };
    const figures = await page.$$eval('figure', (els) =>
      (els as unknown as El[]).map((f) => ({ id: f.id, paths: Array.from(f.querySelectorAll('svg path')).filter((p) => (p.getAttribute('d') ?? '').trim().length > 0).length })),
    );
    const text = await page.innerText('body');
    const screenshot = await page.screenshot({ fullPage: true });
    return { errors, figures, requests, screenshot, text };
  } finally {
    await browser.close();
  }
}

/** Share of pixels of a PNG that are not (near) white: 0 for a blank page. */
export function inkShare(png: Buffer): number {
  const img = PNG.sync.read(png);
  let ink = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (img.data[i]! < 235 || img.data[i + 1]! < 235 || img.data[i + 2]! < 235) ink++;
  }
  return ink / (img.width * img.height);
}

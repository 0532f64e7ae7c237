/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Opens report pages in Debian's headless Chromium through playwright-core
// (never a browser playwright downloads). Where Chromium or playwright-core
// is missing, `chromiumMissing` says which, and the tests skip loudly.

import { existsSync } from 'node:fs';

export const CHROMIUM = process.env['PIDSIM_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export async function chromiumMissing(): Promise<string | null> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
  }
  return null;
}

export interface PageResult {
  /** What the page script reported: charts drawn, data points in them, errors it caught. */
  readonly report: { readonly charts: number; readonly points: number; readonly errors: readonly string[] };
  /** Canvases on the page that have pixels drawn on them. */
  readonly paintedCanvases: number;
  readonly consoleErrors: readonly string[];
  /** Requests the page made for anything but itself (a self-contained page makes none). */
  readonly requests: readonly string[];
}

/** Loads `file` (an HTML page), waits for its charts, checks what it drew, and saves a full-page screenshot to `png`. */
export async function openPage(file: string, png: string, width = 1400): Promise<PageResult> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives each launch a fresh profile directory of its own (it refuses --user-data-dir here).
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    const url = `file://${file}`;
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { pidsimReport?: unknown }).pidsimReport !== undefined, undefined, { timeout: 20_000 });
    const report = (await page.evaluate(() => (window as unknown as { pidsimReport: PageResult['report'] }).pidsimReport)) as PageResult['report'];
    const paintedCanvases = await page.evaluate(() =>
      [...document.querySelectorAll('canvas')].filter((c) => {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) return false;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
        return false;
      }).length,
    );
    await page.screenshot({ path: png, fullPage: true });
    return { report, paintedCanvases, consoleErrors, requests };
  } finally {
    await browser.close();
  }
}

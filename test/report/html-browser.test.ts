// report.html in a real headless Chromium: it loads from a file with no network, draws every chart, and
// shows the fault band. Needs Debian's chromium at /usr/bin/chromium (skipped, loudly, without it).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../../src/report/index.js';
import { buildInterruptedResult, buildRunResult, buildSetupErrorResult } from './fixture.js';

// The page.evaluate callbacks run in the browser; this file is type-checked without the DOM lib.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any, window: any;

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`[report] SKIPPED html-browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    dir = await mkdtemp(join(tmpdir(), 'mb-html-'));
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(buildRunResult({ hostile: true })));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.body.dataset.chartsReady !== undefined, null, { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads with no console errors, no script injection and no network request', async () => {
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });

  it('draws every chart (canvas pixels are not blank)', async () => {
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('.chart')].map((el: { id: string; dataset: Record<string, string>; querySelector(s: string): any }) => {
        const canvas = el.querySelector('canvas');
        if (!canvas) return { id: el.id, inked: 0, drawn: el.dataset.drawn };
        const ctx = canvas.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200)) inked++;
        return { id: el.id, inked, drawn: el.dataset.drawn };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-qps', 'chart-latency', 'chart-errors', 'chart-inflight', 'chart-percentiles', 'chart-server']);
    for (const chart of charts) {
      expect(chart.drawn, chart.id).toBe('true');
      expect(chart.inked, chart.id).toBeGreaterThan(500);
    }
    expect(await page.evaluate(() => document.body.dataset.chartsReady)).toBe('6');
  });

  it('shades the fault from injection to recovery, and nothing outside it', async () => {
    const band = await page.evaluate(() => {
      const el = document.getElementById('chart-qps')!;
      const canvas = el.querySelector('canvas')!;
      const rects = JSON.parse(el.dataset.bandRects ?? '[]') as Array<[number, number]>;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const ctx = canvas.getContext('2d')!;
      const tinted = (cssX: number) => {
        const x = Math.round(cssX * scale);
        const { data } = ctx.getImageData(x, 0, 1, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] - data[i + 1] > 15 && data[i] - data[i + 2] > 15) n++;
        return n / canvas.height;
      };
      const [x0, x1] = rects[0] ?? [0, 0];
      return { bands: el.dataset.bands, width: x1 - x0, inside: tinted(x0 + (x1 - x0) * 0.3), outside: tinted(x0 / 2) };
    });
    expect(band.bands).toBe('1');
    expect(band.width).toBeGreaterThan(20); // a 2.5 s outage on a 32 s axis
    expect(band.inside).toBeGreaterThan(0.4);
    expect(band.outside).toBeLessThan(0.1);
  });

  it('opens partial results (interrupted, setup error) without errors', async () => {
    for (const [name, result, charts] of [['interrupted', buildInterruptedResult(), '6'], ['setup-error', buildSetupErrorResult(), '0']] as const) {
      const file = join(dir, `${name}.html`);
      await writeFile(file, renderHtml(result));
      const partial = await browser.newPage();
      const errors: string[] = [];
      partial.on('pageerror', (e) => errors.push(e.message));
      partial.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await partial.goto(pathToFileURL(file).href);
      await partial.waitForFunction(() => document.body.dataset.chartsReady !== undefined, null, { timeout: 20_000 });
      expect(await partial.evaluate(() => document.body.dataset.chartsReady), name).toBe(charts);
      expect(errors, name).toEqual([]);
      await partial.close();
    }
  });

  it('saves a screenshot to test-artifacts/report.png', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'report.png');
    await page.screenshot({ path, fullPage: true });
    expect(existsSync(path)).toBe(true);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, credits, tempDir } from '../helpers.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/engines.js';

/** Debian's Chromium, which .ci/run installs; elsewhere this test says it was skipped. */
const available = hasChromium;
if (!available) console.warn(`SKIPPED: the report is not rendered in a browser, since there is no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

describe.skipIf(!available)('the report in headless Chromium', () => {
  it('renders every chart with a size, and the page is not blank', async () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
    expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
    expect(credits(['report', '-o', 'report.html'], { cwd: dir }).code).toBe(0);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 }, javaScriptEnabled: false });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      const charts = await page.locator('svg').evaluateAll((svgs) => svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, height: box.height, marks: svg.querySelectorAll('rect, circle').length };
      }));
      expect(charts).toHaveLength(4);
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(100);
        expect(chart.height).toBeGreaterThan(50);
        expect(chart.marks).toBeGreaterThan(0);
      }
      // Every bar of the margins chart has a width: the data reached the drawing.
      const bars = await page.locator('figure:nth-of-type(3) rect').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width));
      expect(bars.length).toBe(10);
      expect(bars.every((w) => w > 0)).toBe(true);
      const screenshot = await page.screenshot({ fullPage: true });
      writeFileSync(join(dir, 'report.png'), screenshot);
      // A blank page compresses to a few kilobytes; four charts do not.
      expect(screenshot.length).toBeGreaterThan(40_000);
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

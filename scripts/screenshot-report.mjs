// Renders the report of the worked example (with the plans-and-modifiers
// fixture) in headless Chromium and saves docs/report.png for the README.
// Needs Chromium: /usr/bin/chromium, or CHROMIUM_PATH.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'credits-screenshot-'));
const cli = (...args) => execFileSync(process.execPath, [join(root, 'bin', 'credits.js'), ...args], { cwd: dir, stdio: 'ignore' });
copyFileSync(join(root, 'fixtures', 'image-api.csv'), join(dir, 'costs.csv'));
cli('design', 'costs.csv');
writeFileSync(join(dir, 'credits.yaml'), readFileSync(join(dir, 'credits.yaml'), 'utf8') + readFileSync(join(root, 'fixtures', 'plans-and-modifiers.yaml'), 'utf8'));
cli('report', '-o', 'report.html');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 880, height: 900 }, javaScriptEnabled: false });
await page.goto(pathToFileURL(join(dir, 'report.html')).href);
await page.screenshot({ path: join(root, 'docs', 'report.png'), fullPage: true });
await browser.close();

import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type GeneratedTotals, generateUsage } from '../../bench/usage-log.mjs';
import { FIXTURES, credits, suiteDir } from '../helpers.js';

/** A directory with the worked example's table and a generated usage log whose totals are known, for one describe block. */
export function usageWorkspace(rows: number, seed = 7, customers?: number): { dir: string; totals: GeneratedTotals } {
  const dir = suiteDir();
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(dir, 'costs.csv'));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  const fd = openSync(join(dir, 'usage.csv'), 'w');
  const totals = generateUsage({ rows, seed, write: (text) => writeSync(fd, text), ...(customers !== undefined && { customers }) });
  closeSync(fd);
  return { dir, totals };
}

/** Micro-dollars as a decimal string: 1339331409n → "1339.331409". */
export function dollars(micros: bigint): string {
  const text = micros.toString().padStart(7, '0');
  return `${text.slice(0, -6)}.${text.slice(-6)}`.replace(/\.?0+$/, '');
}

import type { Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, credits, suiteDir } from '../helpers.js';

/**
 * The examples of "Charging in your API", started on a loopback port: each
 * route is charged what the committed table says, at the times and loads
 * the test chooses, and answers with the method's meta block.
 */
const dir = suiteDir();
const table = join(dir, 'credits.yaml');

beforeAll(() => {
  writeFileSync(join(dir, 'costs.csv'), readFileSync(join(FIXTURES, 'image-api.csv')));
  expect(credits(['design', 'costs.csv'], { cwd: dir }).code).toBe(0);
  writeFileSync(table, readFileSync(table, 'utf8') + readFileSync(join(FIXTURES, 'plans-and-modifiers.yaml'), 'utf8'));
});

for (const example of ['node-http', 'express']) {
  describe(`examples/${example}`, () => {
    let server: Server;
    let base: string;
    let now = new Date('2026-11-10T12:00:00Z');
    let load = 0.2;

    beforeAll(async () => {
      const { createApi } = (await import(`../../examples/${example}/server.mjs`)) as { createApi: (options: object) => Promise<Server> };
      server = await createApi({ table, included: 1000, clock: () => now, load: () => load });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const call = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers });
      return { status: response.status, body: (await response.json()) as { meta?: { credits_consumed: number; credits_remaining: number; credits_reset_at: string }; data?: { applied: string[] } } };
    };

    it('charges the table’s credits, with the modifiers of the moment, and says what is left', async () => {
      now = new Date('2026-11-10T12:00:00Z');
      load = 0.2;
      expect(await call('/analyze', { 'x-customer': 'a' })).toEqual({
        status: 200,
        body: { data: { operation: 'ai_analysis', applied: [] }, meta: { credits_consumed: 100, credits_remaining: 900, credits_reset_at: '2026-12-01T00:00:00.000Z' } },
      });
      now = new Date('2026-11-10T03:30:00Z');
      expect((await call('/analyze', { 'x-customer': 'a' })).body.meta).toMatchObject({ credits_consumed: 70, credits_remaining: 830 });
      now = new Date('2026-11-10T12:00:00Z');
      load = 0.95;
      expect((await call('/analyze', { 'x-customer': 'a' })).body).toMatchObject({ data: { applied: ['peak_load'] }, meta: { credits_consumed: 150, credits_remaining: 680 } });
      load = 0.2;
      expect((await call('/analyze', { 'x-customer': 'b', 'x-monthly-commitment': '1000000' })).body.meta).toMatchObject({ credits_consumed: 60, credits_remaining: 940 });
    });

    it('refuses a call the month’s credits cannot pay, and starts afresh next month', async () => {
      now = new Date('2026-11-20T12:00:00Z');
      const refused = await call('/video', { 'x-customer': 'c' });
      expect(refused).toEqual({ status: 402, body: { error: 'not enough credits left this month', meta: { credits_consumed: 0, credits_remaining: 1000, credits_reset_at: '2026-12-01T00:00:00.000Z' } } });
      expect((await call('/resize', { 'x-customer': 'c' })).body.meta).toMatchObject({ credits_consumed: 5, credits_remaining: 995 });
      now = new Date('2026-12-01T00:00:00Z');
      expect((await call('/resize', { 'x-customer': 'c' })).body.meta).toEqual({ credits_consumed: 5, credits_remaining: 995, credits_reset_at: '2027-01-01T00:00:00.000Z' });
    });

    it('knows only the table’s routes', async () => {
      expect((await call('/nope')).status).toBe(404);
    });
  });
}

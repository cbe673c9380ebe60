import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { type Browser, chromium } from 'playwright-core';

/** PostgreSQL (PGlite) on a loopback port, for --db: its URL, and how to stop it. */
export async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const database = await PGlite.create();
  const server = new PGLiteSocketServer({ db: database, host: '127.0.0.1', port: 0 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${String(server.getServerConn()).split(':').pop()}/postgres`,
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}

/** Debian's Chromium, which .ci/run installs; elsewhere the browser tests say they were skipped. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Headless Chromium with the flags a closed network needs (no background requests, no sandbox as root). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { HAVE_CHROMIUM, joinAs, launch, seeMessage, send, texts, type ChatPage } from './support/browser.js';

/**
 * Flood control on (the default; the test helpers turn it off unless asked): a page in many
 * rooms asks for more joins and history pages at once than its budgets allow. Refused
 * `rate_limited`, each request is sent again after `retryAfterMs`, in order, and nothing is lost.
 */
const ROOMS = Array.from({ length: 8 }, (_, i) => `flood${i + 1}`);
/** More than a join ack's history, so the gap is filled with history pages too. */
const MISSED_PER_ROOM = 60;

describe.skipIf(!HAVE_CHROMIUM)('web client under flood control (Chromium; skipped when /usr/bin/chromium is missing)', () => {
  let first: TestServer;
  let second: TestServer | undefined;
  let browser: Browser;
  const pages: ChatPage[] = [];

  beforeAll(async () => {
    first = await startTestServer({ durability: 'normal', floodControl: true });
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) expect(p.problems, 'page errors or CSP violations').toEqual([]);
    await browser?.close();
    await first?.stop();
    await second?.dispose();
  });

  const rateLimitedRetries = async (page: Page): Promise<number> => Number((await page.locator('#status').getAttribute('data-rate-limited')) ?? '0');
  const showRoom = async (page: Page, room: string): Promise<void> => {
    await page.locator('#rooms button', { hasText: `#${room}` }).click();
    await page.locator('#room-title', { hasText: `#${room}` }).waitFor();
  };

  it('a page in 8 rooms rejoins all 8 after a restart and fills every gap, once and in order', async () => {
    const client = await joinAs(browser, `http://127.0.0.1:${first.httpPort}`, 'roamer', ROOMS[0]);
    pages.push(client);
    const { page } = client;
    // Eight joins at once: more than the join budget's burst.
    for (const room of ROOMS.slice(1)) await send(page, `/join ${room}`);
    await page.locator('#room-title', { hasText: `#${ROOMS[ROOMS.length - 1]}` }).waitFor({ timeout: 20_000 });
    await page.waitForFunction((n) => document.querySelectorAll('#rooms button.joined').length === n, ROOMS.length, { timeout: 20_000 });
    for (const room of ROOMS) expect(first.server.chat.members(room)?.map((u) => u.name)).toEqual(['roamer']);
    await send(page, 'before the restart');
    await seeMessage(page, 'before the restart', 20_000);

    await first.stop();
    await page.locator('#status:not([data-state="connected"])').waitFor();
    // Kept away until every room has moved on, so what it missed comes as gaps to fill.
    await client.context.setOffline(true);
    second = await startTestServer({ durability: 'normal', floodControl: true, port: first.httpPort, tcpPort: first.tcpPort, dataDir: first.dataDir });
    for (let i = 1; i <= MISSED_PER_ROOM; i++) {
      for (const room of ROOMS) expect((await second.server.chat.postAs('feeder', room, `${room} missed ${i}`)).ok).toBe(true);
    }
    const before = await rateLimitedRetries(page);
    await client.context.setOffline(false);
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 40_000 });

    for (const room of ROOMS) expect(second.server.chat.members(room)?.map((u) => u.name)).toEqual(['roamer']);
    // The rejoin asked for more than its budgets allowed, and waited rather than failing.
    expect(await rateLimitedRetries(page)).toBeGreaterThan(before);
    expect(await page.locator('#messages li.error').count()).toBe(0);
    for (const room of ROOMS) {
      await showRoom(page, room);
      await seeMessage(page, `${room} missed ${MISSED_PER_ROOM}`);
      const shown = (await texts(page)).filter((x) => x.startsWith(`${room} missed `));
      expect(shown).toEqual(Array.from({ length: MISSED_PER_ROOM }, (_, i) => `${room} missed ${i + 1}`));
    }
    // Still in every room both ways: a line said in the last one arrives.
    await send(page, 'after the restart');
    await seeMessage(page, 'after the restart', 20_000);
    // Shown at once as "sending…"; stored once the server has acknowledged it.
    await page.locator('#messages li.pending').waitFor({ state: 'detached', timeout: 30_000 });
    const stored = (await (await fetch(`http://127.0.0.1:${second.httpPort}/api/rooms/${ROOMS[ROOMS.length - 1]}/messages?limit=5`)).json()) as {
      messages: Array<{ text: string }>;
    };
    expect(stored.messages.filter((m) => m.text === 'after the restart')).toHaveLength(1);
  }, 120_000);
});

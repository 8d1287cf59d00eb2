import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { HAVE_CHROMIUM, joinAs, launch, seeMessage, send, texts, type ChatPage } from './support/browser.js';

/**
 * A deploy, as the browser sees it: the server stops gracefully (it says `bye` and disconnects
 * every socket, after which socket.io does not reconnect by itself) and starts again on the
 * same ports and data. The page must come back by itself, rejoin, and deliver once what was
 * typed while the server was away.
 */
describe.skipIf(!HAVE_CHROMIUM)('web client across a graceful server restart (Chromium; skipped when /usr/bin/chromium is missing)', () => {
  let first: TestServer;
  let second: TestServer | undefined;
  let browser: Browser;
  const pages: ChatPage[] = [];

  beforeAll(async () => {
    first = await startTestServer({ durability: 'normal' });
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) expect(p.problems, 'page errors or CSP violations').toEqual([]);
    await browser?.close();
    await first?.stop();
    await second?.dispose();
  });

  it('reconnects, rejoins, shows what it missed, and sends what was typed offline exactly once', async () => {
    const base = `http://127.0.0.1:${first.httpPort}`;
    const client = await joinAs(browser, base, 'survivor', 'deploy');
    pages.push(client);
    const { page } = client;
    await send(page, 'before the deploy');
    await seeMessage(page, 'before the deploy');

    await first.stop();
    await page.locator('#messages li.system', { hasText: 'Disconnected by the server: Server is shutting down. Bye!' }).waitFor();
    await page.locator('#status:not([data-state="connected"])').waitFor();
    await send(page, 'typed while the server was down');
    await page.locator('#messages li.pending', { hasText: 'typed while the server was down' }).waitFor();

    second = await startTestServer({ durability: 'normal', port: first.httpPort, tcpPort: first.tcpPort, dataDir: first.dataDir });
    // Posted as soon as the server is back: the page gets it live or in its catch-up, once.
    const posted = await second.server.chat.postAs('deploy-bot', 'deploy', 'deployed v2');
    expect(posted.ok).toBe(true);
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 20_000 });
    await page.locator('#messages li.pending').waitFor({ state: 'detached', timeout: 10_000 });

    const other = await LineClient.named(second.tcpPort, 'colleague');
    other.send('/join deploy');
    await other.waitFor(/^You joined #deploy/);
    other.send('after the deploy');
    await seeMessage(page, 'after the deploy', 10_000);

    await seeMessage(page, 'deployed v2');
    const list = await texts(page);
    expect(list.filter((x) => x === 'deployed v2')).toHaveLength(1);
    expect(list.filter((x) => x === 'typed while the server was down')).toHaveLength(1);
    expect(list.filter((x) => x === 'before the deploy')).toHaveLength(1);
    expect(list.indexOf('before the deploy')).toBeLessThan(list.indexOf('typed while the server was down'));
    const stored = (await (await fetch(`http://127.0.0.1:${second.httpPort}/api/rooms/deploy/messages?limit=50`)).json()) as {
      messages: Array<{ text: string; author: string }>;
    };
    expect(stored.messages.filter((m) => m.text === 'typed while the server was down')).toEqual([
      expect.objectContaining({ author: 'survivor' }),
    ]);
    // Still a member under the same name, both ways.
    await send(page, 'and one more');
    await other.waitFor('survivor: and one more');
    other.close();
  }, 60_000);

  it('a message whose ack was lost is sent again with the same id and shown and stored once', async () => {
    const server = second ?? first;
    const base = `http://127.0.0.1:${server.httpPort}`;
    const context = await browser.newContext();
    const ids: string[] = [];
    let dropped = false;
    // Between the page and the server: the first ack of the message is swallowed and the
    // connection cut, after the server stored it (a lost network at the worst moment).
    const seen = (frame: string): void => {
      if (frame.includes('"text":"ack goes missing"')) ids.push(/"id":"([^"]+)"/.exec(frame)?.[1] ?? '');
    };
    // After a reconnect socket.io starts on HTTP long-polling: requests may go that way too.
    await context.route(/\/socket\.io\//, (route) => {
      const body = route.request().postData();
      if (body !== null) seen(body);
      return route.continue();
    });
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((frame) => {
        if (typeof frame === 'string') seen(frame);
        upstream.send(frame);
      });
      upstream.onMessage((frame) => {
        if (!dropped && typeof frame === 'string' && frame.startsWith('43') && frame.includes('"text":"ack goes missing"')) {
          dropped = true;
          void ws.close();
          void upstream.close();
          return;
        }
        ws.send(frame);
      });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    pages.push({ context, page, problems });
    await page.goto(base);
    await page.fill('#join-name', 'ackless');
    await page.fill('#join-room', 'acks');
    await page.press('#join-room', 'Enter');
    await page.locator('#room-title', { hasText: '#acks' }).waitFor();
    const watcher = await LineClient.named(server.tcpPort, 'ack-watcher');
    watcher.send('/join acks');
    await watcher.waitFor(/^You joined #acks/);

    await send(page, 'ack goes missing');
    await page.locator('#status[data-state="connected"]').waitFor({ timeout: 20_000 });
    await page.locator('#messages li.pending').waitFor({ state: 'detached', timeout: 20_000 });
    await seeMessage(page, 'ack goes missing');
    expect(dropped).toBe(true);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect((await texts(page)).filter((x) => x === 'ack goes missing')).toHaveLength(1);
    const stored = (await (await fetch(`${base}/api/rooms/acks/messages?limit=50`)).json()) as { messages: Array<{ text: string }> };
    expect(stored.messages.filter((m) => m.text === 'ack goes missing')).toHaveLength(1);
    await send(page, 'next one');
    await watcher.waitFor('ackless: next one');
    expect(watcher.lines.filter((l) => l === 'ackless: ack goes missing')).toHaveLength(1);
    watcher.close();
  }, 60_000);

  it('keeps asking for its name after a reconnect while another session still holds it (a lost node\'s)', async () => {
    const before = await startTestServer({ durability: 'normal' });
    let after: TestServer | undefined;
    try {
      const client = await joinAs(browser, `http://127.0.0.1:${before.httpPort}`, 'stayer', 'hold');
      pages.push(client);
      const { page } = client;
      await before.stop();
      await page.locator('#status:not([data-state="connected"])').waitFor();
      after = await startTestServer({ durability: 'normal', port: before.httpPort, tcpPort: before.tcpPort, dataDir: before.dataDir });
      const holder = await LineClient.named(after.tcpPort, 'stayer');
      await page.locator('#messages li', { hasText: 'Your name is still held' }).waitFor({ timeout: 20_000 });
      holder.close();
      await page.locator('#status[data-state="connected"]').waitFor({ timeout: 20_000 });
      const other = await LineClient.named(after.tcpPort, 'hold-watcher');
      other.send('/join hold');
      await other.waitFor(/^You joined #hold/);
      await send(page, 'still me');
      await other.waitFor('stayer: still me');
      other.close();
      expect(await page.locator('#join-form:visible').count()).toBe(0);
    } finally {
      await after?.dispose();
      await before.stop();
    }
  }, 60_000);
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { HAVE_CHROMIUM, joinAs, launch, openClient, seeMessage, send, texts, type ChatPage } from './support/browser.js';

/** The browser client in a real Chromium against the real server. */

describe.skipIf(!HAVE_CHROMIUM)('web client (Chromium; skipped when /usr/bin/chromium is missing)', () => {
  let t: TestServer;
  let base: string;
  let browser: Browser;
  const pages: ChatPage[] = [];
  const join = async (name: string, room: string, viewport?: { width: number; height: number }) => {
    const p = await joinAs(browser, base, name, room, viewport);
    pages.push(p);
    return p;
  };

  beforeAll(async () => {
    t = await startTestServer({ durability: 'normal' });
    base = `http://127.0.0.1:${t.httpPort}`;
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) expect(p.problems, 'page errors or CSP violations').toEqual([]);
    await browser?.close();
    await t?.dispose();
  });

  it('two pages in a room see each other; a page in another room sees none of it', async () => {
    const alice = await join('alice', 'lobby');
    const bob = await join('bob', 'lobby');
    const carol = await join('carol', 'attic');
    await send(alice.page, 'hello from alice');
    await seeMessage(bob.page, 'hello from alice');
    await seeMessage(alice.page, 'hello from alice');
    await send(bob.page, 'hi alice, bob here');
    await seeMessage(alice.page, 'hi alice, bob here');
    // Own messages are set apart; the other's are not.
    await expect(alice.page.locator('#messages li.own .text').allTextContents()).resolves.toContain('hello from alice');
    await expect(alice.page.locator('#messages li.own .text').allTextContents()).resolves.not.toContain('hi alice, bob here');
    // The side panel lists the room's users.
    await alice.page.locator('#users li', { hasText: 'bob' }).waitFor();
    expect(await alice.page.locator('#users li').allTextContents()).toEqual(['alice (you)', 'bob']);
    // carol gets a later message of her own room, but nothing from the lobby.
    await send(carol.page, 'quiet up here');
    await seeMessage(carol.page, 'quiet up here');
    const carols = await texts(carol.page);
    expect(carols).not.toContain('hello from alice');
    expect(carols).not.toContain('hi alice, bob here');
    expect(await texts(alice.page)).not.toContain('quiet up here');
  });

  it('a TCP client and a browser in the same room see each other\'s messages', async () => {
    const web = await join('webby', 'bridge');
    const tcp = await LineClient.named(t.tcpPort, 'netcat');
    tcp.send('/join bridge');
    await tcp.waitFor(/^You joined #bridge/);
    await web.page.locator('#messages li', { hasText: 'netcat has joined the chat' }).waitFor();
    await send(web.page, 'hello terminal');
    await tcp.waitFor('webby: hello terminal');
    tcp.send('hello browser');
    await seeMessage(web.page, 'hello browser');
    await expect(web.page.locator('#messages li', { hasText: 'hello browser' }).locator('.author').textContent()).resolves.toBe('netcat');
    tcp.close();
  });

  it('a page that loses its connection reconnects, rejoins and shows what it missed', async () => {
    const away = await join('traveller', 'station');
    const stay = await join('porter', 'station');
    await send(stay.page, 'before the tunnel');
    await seeMessage(away.page, 'before the tunnel');
    await away.context.setOffline(true);
    await away.page.locator('#status:not([data-state="connected"])').waitFor();
    await send(stay.page, 'while you were away 1');
    await send(stay.page, 'while you were away 2');
    await seeMessage(stay.page, 'while you were away 2');
    expect(await texts(away.page)).not.toContain('while you were away 1');
    await away.context.setOffline(false);
    await away.page.locator('#status[data-state="connected"]').waitFor({ timeout: 15_000 });
    await seeMessage(away.page, 'while you were away 1', 10_000);
    await seeMessage(away.page, 'while you were away 2');
    const list = await texts(away.page);
    expect(list.filter((x) => x === 'while you were away 1')).toHaveLength(1);
    expect(list.indexOf('before the tunnel')).toBeLessThan(list.indexOf('while you were away 1'));
    await away.page.locator('#messages li.system', { hasText: /Reconnected/ }).waitFor();
    // Still a member under the same name: the next message goes both ways.
    await send(away.page, 'back in the light');
    await seeMessage(stay.page, 'back in the light');
    await expect(stay.page.locator('#users li').allTextContents()).resolves.toEqual(['porter (you)', 'traveller']);
  }, 40_000);

  it('loads recent history on join and older history on scroll, in order', async () => {
    for (let i = 1; i <= 120; i++) {
      // Straight into the chat: posting over HTTP needs a bot token (issue 9), beside the point here.
      expect((await t.server.chat.postAs('archivist', 'archive', `entry ${i}`)).ok).toBe(true);
    }
    const reader = await join('reader', 'archive');
    await seeMessage(reader.page, 'entry 120');
    const list = reader.page.locator('#messages');
    for (let i = 0; i < 20 && !(await texts(reader.page)).includes('entry 1'); i++) {
      await list.evaluate((el) => el.scrollTo(0, 0));
      await reader.page.waitForTimeout(150);
    }
    const all = await texts(reader.page);
    const entries = all.filter((x) => x.startsWith('entry ')).map((x) => Number(x.slice(6)));
    expect(entries).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('renders text as text: markup in a message does not become HTML', async () => {
    const a = await join('mallory', 'xss');
    const b = await join('victim', 'xss');
    const payload = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
    await send(a.page, payload);
    await seeMessage(b.page, payload);
    expect(await b.page.locator('#messages img, #messages b').count()).toBe(0);
    expect(await b.page.title()).toBe('Parley');
  });

  it('shows private messages and the typing indicator', async () => {
    const a = await join('whisperer', 'garden');
    const b = await join('listener', 'garden');
    await send(a.page, '/msg listener meet me at noon');
    await b.page.locator('#messages li.private', { hasText: '[PM from whisperer]: meet me at noon' }).waitFor();
    await a.page.locator('#messages li.private', { hasText: '[PM to listener]: meet me at noon' }).waitFor();
    await a.page.locator('#composer-input').pressSequentially('typing slowly', { delay: 20 });
    await b.page.locator('#typing', { hasText: 'whisperer is typing…' }).waitFor();
    await a.page.press('#composer-input', 'Enter');
    await seeMessage(b.page, 'typing slowly');
    await b.page.locator('#typing', { hasText: /^$/ }).waitFor();
  });

  it('refuses a taken name on the join form with a visible error', async () => {
    await join('unique', 'lobby');
    const second = await openClient(browser, base);
    pages.push(second);
    await second.page.fill('#join-name', 'UNIQUE');
    await second.page.press('#join-name', 'Enter');
    await second.page.locator('#join-error', { hasText: /taken/ }).waitFor();
    expect(await second.page.locator('#chat').isVisible()).toBe(false);
  });

  it('works by keyboard alone and at phone width', async () => {
    const phone = await openClient(browser, base, { width: 375, height: 700 });
    pages.push(phone);
    const { page } = phone;
    // The name field has focus on load; Tab reaches the room, Enter joins.
    await page.keyboard.type('thumbs');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('mobile');
    await page.keyboard.press('Enter');
    await page.locator('#room-title', { hasText: '#mobile' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('composer-input');
    await page.keyboard.type('sent from a phone');
    await page.keyboard.press('Enter');
    await seeMessage(page, 'sent from a phone');
    // Nothing is wider than the screen; the side panel is a drawer behind a button.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.locator('#side').isVisible()).toBe(false);
    await page.click('#panel-toggle');
    await page.locator('#users li', { hasText: 'thumbs (you)' }).waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('#side').isVisible()).toBe(false);
  });
});

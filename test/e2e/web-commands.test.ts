import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { HAVE_CHROMIUM, joinAs, launch, seeMessage, send, texts, type ChatPage } from './support/browser.js';

/** The browser's slash commands, its notices on a phone, and line breaks, in a real Chromium. */

/** Waits for a notice (system or error) whose text contains `wanted`; returns its text. */
async function seeNotice(page: ChatPage['page'], wanted: string, cls = 'system'): Promise<string> {
  const item = page.locator(`#messages li.${cls} .text`, { hasText: wanted }).last();
  await item.waitFor({ timeout: 5000 });
  return (await item.textContent()) ?? '';
}

/** Sends a command and returns the text of the next system notice it brings. */
async function answerTo(page: ChatPage['page'], line: string): Promise<string> {
  const notices = page.locator('#messages li.system .text');
  const before = await notices.count();
  await send(page, line);
  await page.waitForFunction((n) => document.querySelectorAll('#messages li.system .text').length > n, before, { timeout: 5000, polling: 50 });
  return (await notices.nth(before).textContent()) ?? '';
}

describe.skipIf(!HAVE_CHROMIUM)('web client commands and notices (Chromium; skipped when /usr/bin/chromium is missing)', () => {
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

  it('answers /who, /rooms, /history, /help and /quit as the README lists them', async () => {
    const a = await join('cmd-alice', 'cmdroom');
    await join('cmd-bob', 'cmdroom');
    await send(a.page, 'first words');
    await send(a.page, 'second words');
    await seeMessage(a.page, 'second words');

    await send(a.page, '/who');
    expect(await seeNotice(a.page, 'Users in #cmdroom')).toBe('Users in #cmdroom (2): cmd-alice, cmd-bob');
    await send(a.page, '/who general');
    await seeNotice(a.page, 'Users in #general (');

    await send(a.page, '/rooms');
    const rooms = await seeNotice(a.page, 'Rooms:');
    expect(rooms.split('\n')).toContain('#cmdroom (2 users)');
    await send(a.page, '/rooms more');
    await seeNotice(a.page, 'No more rooms');

    await send(a.page, '/history 1');
    const history = await seeNotice(a.page, 'Last 1 message in #cmdroom');
    expect(history.split('\n')).toEqual(['Last 1 message in #cmdroom:', expect.stringMatching(/^\[.+\] cmd-alice: second words$/)]);
    // The messages already listed are not listed twice.
    expect((await texts(a.page)).filter((x) => x === 'second words')).toHaveLength(1);

    await send(a.page, '/help');
    const help = await seeNotice(a.page, 'Commands:');
    for (const command of ['/join', '/leave', '/rooms', '/who', '/nick', '/me', '/msg', '/topic', '/history', '/quit']) {
      expect(help).toContain(command);
    }
    await send(a.page, '/join two words');
    expect(await seeNotice(a.page, 'Usage', 'error')).toBe('Usage: /join ROOM');
    await send(a.page, '/bogus');
    await seeNotice(a.page, 'Unknown command "/bogus"', 'error');
    expect(await a.page.locator('#messages li.error', { hasText: /Unknown command "\/(who|rooms|history|quit)"/ }).count()).toBe(0);

    const watcher = await LineClient.named(t.tcpPort, 'cmd-watcher');
    watcher.send('/join cmdroom');
    await watcher.waitFor(/^You joined #cmdroom/);
    await send(a.page, '/quit');
    await watcher.waitFor('cmd-alice has left the chat.');
    await a.page.locator('#join-error', { hasText: 'You left the chat' }).waitFor();
    await a.page.locator('#status[data-state="disconnected"]').waitFor();
    // Joining again works from the same page.
    await a.page.fill('#join-name', 'cmd-alice');
    await a.page.fill('#join-room', 'cmdroom');
    await a.page.press('#join-room', 'Enter');
    await a.page.locator('#chat').waitFor({ state: 'visible' });
    await a.page.locator('#status[data-state="connected"]').waitFor();
    await send(a.page, 'back again');
    await watcher.waitFor('cmd-alice: back again');
    watcher.close();
  }, 30_000);

  it('pages /rooms with the cursor the server returns', async () => {
    const a = await join('pager', 'pagerroom');
    // More rooms than one page holds (200), each made by a post straight into the chat.
    await Promise.all(Array.from({ length: 205 }, (_, i) => t.server.chat.postAs('seeder', `page-${String(i).padStart(3, '0')}`, 'x')));
    const first = (await answerTo(a.page, '/rooms')).split('\n');
    expect(first[0]).toBe('Rooms:');
    expect(first.length).toBeLessThanOrEqual(1 + 200 + 1);
    expect(first.at(-1)).toBe('More rooms: type /rooms more.');
    const more = (await answerTo(a.page, '/rooms more')).split('\n');
    // A server that pages lists the rest; one that ignores the cursor is not asked again.
    expect(more[0]).toMatch(/^(More rooms:|No more rooms\.)$/);
    const listed = [...first, ...more].filter((l) => l.startsWith('#page-'));
    expect(new Set(listed).size).toBe(listed.length);
    if (more[0] === 'More rooms:') expect(listed).toHaveLength(205);
  }, 30_000);

  it('on a phone, error notices do not overlap and are as tall as their text', async () => {
    const phone = await join('narrow', 'phoneroom', { width: 375, height: 667 });
    const { page } = phone;
    // More than the screen holds, so the list scrolls: that is when the boxes were squashed.
    const lines = ['/msg nobody-at-all hello there', '/bogus-command-with-a-rather-long-name and some words', '/join', '/nick'];
    for (let i = 0; i < 4; i++) for (const line of lines) await send(page, line);
    await page.waitForFunction(() => document.querySelectorAll('#messages li.error').length >= 16, undefined, { timeout: 5000, polling: 50 });
    // Kept for a person to look at (test-results/ is not tracked).
    await page.screenshot({ path: 'test-results/web-notices-375.png' });
    expect(await page.$eval('#messages', (el) => el.scrollHeight > el.clientHeight)).toBe(true);
    const boxes = await page.$$eval('#messages li', (items) =>
      items.map((li) => {
        const r = li.getBoundingClientRect();
        const text = li.querySelector('.text');
        const t = text ? text.getBoundingClientRect() : r;
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, textTop: t.top, textBottom: t.bottom, scroll: li.scrollHeight, client: li.clientHeight };
      }),
    );
    expect(boxes.length).toBeGreaterThanOrEqual(16);
    for (const [i, box] of boxes.entries()) {
      // The box holds its whole text...
      expect(box.client, `item ${i} is shorter than its text`).toBeGreaterThanOrEqual(box.scroll - 1);
      expect(box.textBottom, `item ${i}'s text spills below its box`).toBeLessThanOrEqual(box.bottom + 1);
      expect(box.right).toBeLessThanOrEqual(375);
      // ...and starts below the previous one.
      const previous = boxes[i - 1];
      if (previous) expect(box.top, `item ${i} overlaps item ${i - 1}`).toBeGreaterThanOrEqual(previous.bottom - 0.5);
    }
  });

  it('shows the line breaks of a multi-line message, as text', async () => {
    const page = (await join('breaks', 'breakroom')).page;
    const poster = await LineClient.open(t.tcpPort);
    poster.json({ type: 'hello', name: 'poet', id: 'h' });
    await poster.waitForJson((m) => m.re === 'h');
    poster.json({ type: 'join', room: 'breakroom', id: 'j' });
    await poster.waitForJson((m) => m.re === 'j');
    const text = 'roses are red\n<b>violets</b> are blue\nthird line';
    poster.json({ type: 'say', room: 'breakroom', text, id: 's' });
    await seeMessage(page, text);
    const item = page.locator('#messages li .text', { hasText: 'roses are red' });
    const { height, lineHeight } = await item.evaluate((el) => ({
      height: el.getBoundingClientRect().height,
      lineHeight: parseFloat(getComputedStyle(el).lineHeight) || 20,
    }));
    expect(height).toBeGreaterThanOrEqual(lineHeight * 2.5);
    expect(await page.locator('#messages b').count()).toBe(0);
    poster.close();
  });
});

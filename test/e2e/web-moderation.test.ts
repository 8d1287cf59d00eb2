import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { HAVE_CHROMIUM, launch, openClient, seeMessage, send, type ChatPage } from './support/browser.js';

/**
 * Moderation in the browser: role badges in the member list and beside authors, moderation
 * commands typed in the composer, and the server's moderation notices shown as notices.
 */
const PASSWORD = 'a long enough password 7';

describe.skipIf(!HAVE_CHROMIUM)('web client moderation (Chromium; skipped when /usr/bin/chromium is missing)', () => {
  let t: TestServer;
  let browser: Browser;
  const pages: ChatPage[] = [];
  const tcp: LineClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ durability: 'normal' });
    browser = await launch();
  });
  afterAll(async () => {
    for (const p of pages) expect(p.problems, 'page errors or CSP violations').toEqual([]);
    for (const c of tcp) c.close();
    await browser?.close();
    await t?.dispose();
  });

  const members = (page: Page): Promise<string[]> => page.locator('#users li').allTextContents();
  const authorBadges = (page: Page, text: string): Promise<string[]> =>
    page
      .locator('#messages li', { has: page.locator('.text', { hasText: text }) })
      .first()
      .locator('.role')
      .allTextContents();
  const seeNotice = (page: Page, text: string): Promise<void> => page.locator('#messages li.system', { hasText: text }).first().waitFor({ timeout: 5000 });
  const notices = (page: Page, text: string): Promise<number> => page.locator('#messages li.system', { hasText: text }).count();
  const seeError = (page: Page, text: string): Promise<void> => page.locator('#messages li.error', { hasText: text }).first().waitFor({ timeout: 5000 });

  it('shows @ and + badges in the member list and beside authors, runs moderation commands, and shows the notices', async () => {
    const vic = await LineClient.named(t.tcpPort, 'vic');
    tcp.push(vic);
    vic.send(`/register ${PASSWORD}`);
    await vic.waitFor('You are logged in as vic.');

    // Signed up in the page, then the first into a new room: its owner.
    const owner = await openClient(browser, `http://127.0.0.1:${t.httpPort}`);
    pages.push(owner);
    const { page } = owner;
    await page.fill('#auth-name', 'olga');
    await page.fill('#auth-password', PASSWORD);
    await page.click('#sign-up');
    await page.locator('#chat').waitFor({ state: 'visible' });
    await send(page, '/join den');
    await page.locator('#room-title', { hasText: '#den' }).waitFor();
    await page.locator('#users li', { hasText: '@olga (you)' }).waitFor();

    vic.send('/join den');
    await vic.waitFor(/^You joined #den/);
    await page.locator('#users li', { hasText: 'vic' }).waitFor();
    expect(await members(page)).toEqual(['@olga (you)', 'vic']);

    await send(page, '/voice vic');
    await seeNotice(page, 'olga gave vic a voice in #den.');
    await page.locator('#users li', { hasText: '+vic' }).waitFor();
    expect(await members(page)).toEqual(['@olga (you)', '+vic']);
    await vic.waitFor('olga gave vic a voice in #den.');

    vic.send('said with a voice');
    await seeMessage(page, 'said with a voice');
    expect(await authorBadges(page, 'said with a voice')).toEqual(['+']);
    await send(page, 'said by the owner');
    await seeMessage(page, 'said by the owner');
    // Shown at once as "sending…"; the author's badge comes with the acknowledged message.
    await page.locator('#messages li.pending').waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('#messages li', { has: page.locator('.text', { hasText: 'said by the owner' }) }).first().locator('.role').first().waitFor({ timeout: 10_000 });
    expect(await authorBadges(page, 'said by the owner')).toEqual(['@']);

    // A guest sees the same badges, is taken out by the owner's /kick, and is told.
    const guest = await openClient(browser, `http://127.0.0.1:${t.httpPort}`);
    pages.push(guest);
    await guest.page.fill('#join-name', 'gus');
    await guest.page.fill('#join-room', 'den');
    await guest.page.press('#join-room', 'Enter');
    await guest.page.locator('#room-title', { hasText: '#den' }).waitFor();
    expect(await members(guest.page)).toEqual(['@olga', '+vic', 'gus (you)']);
    await seeMessage(guest.page, 'said by the owner');
    expect(await authorBadges(guest.page, 'said by the owner')).toEqual(['@']);
    await send(guest.page, '/join lobby');
    await guest.page.locator('#room-title', { hasText: '#lobby' }).waitFor();
    await guest.page.locator('#rooms button', { hasText: '#den' }).click();
    await guest.page.locator('#room-title', { hasText: '#den' }).waitFor();
    await send(guest.page, '/mode moderated on');
    await seeError(guest.page, 'operator');

    await send(page, '/who');
    await seeNotice(page, 'Users in #den (3): @olga, +vic, gus');
    await send(page, '/kick gus be nice');
    await seeNotice(page, 'gus was kicked from #den by olga (be nice).');
    await page.locator('#users li', { hasText: 'gus' }).waitFor({ state: 'detached' });
    // The kicked page lets the room go and shows its other one, saying why.
    await guest.page.locator('#room-title', { hasText: '#lobby' }).waitFor();
    await seeNotice(guest.page, 'gus was kicked from #den by olga (be nice). You are no longer in #den.');
    expect(await guest.page.locator('#rooms button.joined').allTextContents()).toEqual([expect.stringContaining('#lobby')]);

    // Devoicing updates the badges of messages already shown.
    // Once each: the actor's answer, not also the room's notice.
    expect(await notices(page, 'olga gave vic a voice in #den.')).toBe(1);
    expect(await notices(page, 'gus was kicked from #den by olga (be nice).')).toBe(1);

    await send(page, '/devoice vic');
    await seeNotice(page, "olga took vic's voice in #den.");
    await page.locator('#users li', { hasText: '+vic' }).waitFor({ state: 'detached' });
    expect(await authorBadges(page, 'said with a voice')).toEqual([]);

    // Another member's page learns of a role change from the notice alone.
    const watcher = await openClient(browser, `http://127.0.0.1:${t.httpPort}`);
    pages.push(watcher);
    await watcher.page.fill('#join-name', 'wanda');
    await watcher.page.fill('#join-room', 'den');
    await watcher.page.press('#join-room', 'Enter');
    await watcher.page.locator('#room-title', { hasText: '#den' }).waitFor();
    expect(await members(watcher.page)).toEqual(['@olga', 'vic', 'wanda (you)']);
    await send(page, '/op vic');
    await seeNotice(watcher.page, 'olga made vic an operator of #den.');
    await watcher.page.locator('#users li', { hasText: '@vic' }).waitFor();
    await seeMessage(watcher.page, 'said with a voice');
    expect(await authorBadges(watcher.page, 'said with a voice')).toEqual(['@']);

    await send(page, '/mode slowmode 30');
    await seeNotice(page, 'olga set slowmode=30 in #den.');
    await send(page, '/mode');
    await seeNotice(page, 'Settings of #den: topiclock off, inviteonly off, moderated off, slowmode 30, limit 0');
    await send(page, '/ban gus 2h spam');
    await seeNotice(page, 'gus was banned from #den by olga for 2h (spam).');
    await send(page, '/bans');
    await seeNotice(page, 'Banned: gus');
    await send(page, '/modlog 3');
    await seeNotice(page, 'Moderation log of #den:');
    await page.locator('#messages li.system', { hasText: '] gus was banned from #den by olga for 2h (spam).' }).waitFor();
    await send(page, '/ban');
    await seeError(page, 'Usage: /ban NAME [DURATION] [REASON]');
  }, 60_000);
});

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { LineClient } from '../helpers/tcp-client.js';
import { HAVE_CHROMIUM, joinAs, launch, seeMessage, send } from './support/browser.js';

/**
 * Regenerates docs/screenshot.png (the README's picture of the client). Runs only on request,
 * so ordinary test runs do not rewrite a tracked file:
 *   PARLEY_SCREENSHOT=1 npx vitest run test/e2e/screenshot.test.ts
 */
const WANTED = process.env.PARLEY_SCREENSHOT === '1';
if (!WANTED) console.info('screenshot skipped: set PARLEY_SCREENSHOT=1 to regenerate docs/screenshot.png');

describe.skipIf(!HAVE_CHROMIUM || !WANTED)('docs/screenshot.png', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestServer({ durability: 'normal' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  it('shows two browsers and a terminal user chatting', async () => {
    const base = `http://127.0.0.1:${t.httpPort}`;
    await t.server.chat.postAs('deploy-bot', 'general', 'Welcome to #general', 'topic');
    await t.server.chat.postAs('deploy-bot', 'random', 'nothing to see here');
    const alice = await joinAs(browser, base, 'alice', 'general', { width: 1100, height: 640 });
    const bob = await joinAs(browser, base, 'bob', 'general');
    const carol = await LineClient.named(t.tcpPort, 'carol');
    await send(alice.page, 'Hi both! Is the release going out today?');
    await carol.waitFor(/alice: Hi both/);
    carol.send("yes, I'm on it from my terminal (nc localhost 4000)");
    await send(bob.page, '/me brings coffee');
    await t.server.chat.postAs('deploy-bot', 'general', 'v1.4.0 deployed to production');
    await send(bob.page, '/msg alice lunch after the deploy?');
    await seeMessage(alice.page, 'v1.4.0 deployed to production');
    await alice.page.locator('#messages li.private').waitFor();
    await bob.page.locator('#composer-input').pressSequentially('nice work', { delay: 30 });
    await alice.page.locator('#typing', { hasText: 'bob is typing' }).waitFor();
    await alice.page.fill('#composer-input', 'Yes please!');
    const path = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));
    await alice.page.screenshot({ path });
    expect(alice.problems).toEqual([]);
    carol.close();
  }, 30_000);
});

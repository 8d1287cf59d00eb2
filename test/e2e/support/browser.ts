import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** A page of its own browser context (its own connection), with page errors and CSP violations recorded. */
export interface ChatPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: string[];
}

export async function openClient(browser: Browser, base: string, viewport = { width: 1100, height: 720 }): Promise<ChatPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Offline tests make the browser log failed requests; anything else is a problem.
    if (message.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  await page.goto(base);
  return { context, page, problems };
}

/** Opens the client and joins `room` as `name` through the join form. */
export async function joinAs(browser: Browser, base: string, name: string, room: string, viewport?: { width: number; height: number }): Promise<ChatPage> {
  const client = await openClient(browser, base, viewport);
  const { page } = client;
  await page.fill('#join-name', name);
  await page.fill('#join-room', room);
  await page.press('#join-room', 'Enter');
  await page.locator('#chat').waitFor({ state: 'visible' });
  await page.locator('#room-title', { hasText: `#${room}` }).waitFor();
  return client;
}

export async function send(page: Page, text: string): Promise<void> {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

/** Waits until a message whose text is exactly `text` is listed. */
export async function seeMessage(page: Page, text: string, timeout = 5000): Promise<void> {
  await page.waitForFunction(
    (wanted) => [...document.querySelectorAll('#messages li .text')].some((el) => el.textContent === wanted),
    text,
    { timeout, polling: 50 },
  );
}

export function texts(page: Page): Promise<string[]> {
  return page.locator('#messages li .text').allTextContents();
}

import type { Config } from '../../src/config.js';
import { startTestServer, type TestServer } from './server.js';

/** The real server (startTestServer), whose SQLite store keeps accounts. */
export function startAccountsServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  return startTestServer(overrides);
}

export interface BotToken {
  readonly token: string;
  readonly id: string;
}

let owners = 0;

/**
 * A bot token made through the public API: registers a fresh owner account (unless `ownerToken`
 * is given), then POST /api/tokens. Throws if the server refuses.
 */
export async function makeBotToken(base: string, bot: string, ownerToken?: string): Promise<BotToken> {
  let owner = ownerToken;
  if (owner === undefined) {
    const name = `owner${process.pid}x${++owners}`;
    const registered = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password: 'correct horse battery' }),
    });
    if (registered.status !== 201) throw new Error(`register ${name}: ${registered.status} ${await registered.text()}`);
    owner = ((await registered.json()) as { token: string }).token;
  }
  const made = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ bot }),
  });
  if (made.status !== 201) throw new Error(`token for ${bot}: ${made.status} ${await made.text()}`);
  return (await made.json()) as BotToken;
}

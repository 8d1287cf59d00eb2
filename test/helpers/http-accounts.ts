import type { Config } from '../../src/config.js';
import { hasAccounts } from '../../src/core/ports/accounts.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * Whether the default (SQLite) store keeps accounts yet. Until it does, servers that need
 * accounts run on a MemoryStore: the same server, doors and Identity, history in memory.
 */
export const SQLITE_KEEPS_ACCOUNTS = hasAccounts(SqliteStore.prototype);

/** The real server (startTestServer) with a store that keeps accounts. */
export function startAccountsServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  return startTestServer(overrides, SQLITE_KEEPS_ACCOUNTS ? {} : { store: new MemoryStore() });
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

import { pino } from 'pino';
import type { Config } from './config.js';
import type { Identity } from './core/identity.js';
import { foldName } from './core/names.js';
import { hasAccounts, type AccountStore } from './core/ports/accounts.js';
import { openIdentity } from './server.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

/**
 * `parley token create|list|revoke` on the server's machine: opens the store the server uses
 * (same DATA_DIR or DATABASE_URL, same JWT_SECRET), does one thing, closes it. Works while the
 * server runs (SQLite in WAL mode and PostgreSQL both allow a second user).
 */

/** A refusal the command prints as one line (exit 2). */
export class TokenCommandError extends Error {}

export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** How a command opens its store; the default is the server's (tests hand in a MemoryStore). */
export type OpenStore = (config: Config) => Promise<Store>;
const openServerStore: OpenStore = (config) => openStore(config, pino({ level: 'silent' }));

async function withAccounts<T>(config: Config, open: OpenStore, work: (identity: Identity, accounts: AccountStore) => Promise<T>): Promise<T> {
  const store = await open(config);
  try {
    if (!hasAccounts(store)) throw new TokenCommandError('this store does not keep accounts yet, so it has no bot tokens.');
    const identity = openIdentity(config, store);
    if (identity === undefined) throw new TokenCommandError('this store does not keep accounts yet, so it has no bot tokens.');
    return await work(identity, store);
  } finally {
    await store.flush();
    await store.close();
  }
}

/** Makes a token for the bot NAME (registering the name to the bot, owned by nobody); prints only the token on stdout. */
export async function createToken(config: Config, name: string, label: string, io: Output, open: OpenStore = openServerStore): Promise<void> {
  await withAccounts(config, open, async (identity) => {
    const result = await identity.createBotToken(null, name, label);
    if (!result.ok) throw new TokenCommandError(result.error.text);
    const made = result.value;
    io.err(`Token ${made.record.id} for the bot "${made.bot.name}". It is shown only this once; keep it secret.`);
    io.out(made.token);
  });
}

/** The tokens of the bot (or person) NAME, and of the bots a person owns: id, bot, created, label. Never the tokens. */
export async function listTokens(config: Config, name: string, io: Output, open: OpenStore = openServerStore): Promise<void> {
  await withAccounts(config, open, async (identity, accounts) => {
    const account = await accounts.accountByKey(foldName(name.trim()));
    if (account === null) throw new TokenCommandError(`no account or bot is called "${name}".`);
    const tokens = (await identity.tokensOf(account.id)).filter((t) => t.kind === 'bot');
    if (tokens.length === 0) io.err(`"${account.name}" has no bot tokens.`);
    for (const token of tokens) {
      const bot = token.accountId === account.id ? account : await identity.accountById(token.accountId);
      io.out([token.id, bot?.name ?? '?', new Date(token.createdAt).toISOString(), token.label].join('\t'));
    }
  });
}

/** Revokes the token with this id (from `list`); posting with it answers 401 from then on, on every node. */
export async function revokeToken(config: Config, id: string, io: Output, open: OpenStore = openServerStore): Promise<void> {
  await withAccounts(config, open, async (identity) => {
    await identity.revoke(id);
    // The store cannot say whether the id existed; either way no token with it remains.
    io.err(`Token ${id} is revoked (no token with that id remains).`);
  });
}

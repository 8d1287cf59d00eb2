import type { AccountRecord, AccountStore, TokenRecord } from './accounts.js';

/**
 * Accounts and tokens in memory: for the memory store, and tests of the core. Refuses what the
 * SQL stores' constraints refuse (a reused account id, a token of an unknown account, a reused
 * token id or digest), so a test passing here does not fail on SQLite or PostgreSQL.
 */
export class MemoryAccounts implements AccountStore {
  readonly #byId = new Map<string, AccountRecord>();
  readonly #byKey = new Map<string, AccountRecord>();
  readonly #tokens = new Map<string, TokenRecord>();

  async createAccount(account: AccountRecord): Promise<boolean> {
    if (this.#byKey.has(account.key)) return false;
    if (this.#byId.has(account.id)) throw new Error(`account id ${account.id} is already used`);
    if (account.ownerId !== null && !this.#byId.has(account.ownerId)) throw new Error(`no account ${account.ownerId} to own a bot`);
    this.#byId.set(account.id, account);
    this.#byKey.set(account.key, account);
    return true;
  }

  async accountByKey(key: string): Promise<AccountRecord | null> {
    return this.#byKey.get(key) ?? null;
  }

  async accountById(id: string): Promise<AccountRecord | null> {
    return this.#byId.get(id) ?? null;
  }

  async setPasswordHash(accountId: string, hash: string): Promise<void> {
    const account = this.#byId.get(accountId);
    if (!account) return;
    const changed = { ...account, passwordHash: hash };
    this.#byId.set(accountId, changed);
    this.#byKey.set(account.key, changed);
  }

  async deleteAccount(accountId: string): Promise<void> {
    const account = this.#byId.get(accountId);
    if (!account) return;
    for (const bot of [...this.#byId.values()].filter((a) => a.ownerId === accountId)) await this.deleteAccount(bot.id);
    for (const [id, token] of this.#tokens) if (token.accountId === accountId) this.#tokens.delete(id);
    this.#byId.delete(accountId);
    this.#byKey.delete(account.key);
  }

  async addToken(token: TokenRecord): Promise<void> {
    if (!this.#byId.has(token.accountId)) throw new Error(`no account ${token.accountId} for a token`);
    if (this.#tokens.has(token.id)) throw new Error(`token id ${token.id} is already used`);
    if ((await this.tokenByDigest(token.digest)) !== null) throw new Error('token digest is already stored');
    this.#tokens.set(token.id, token);
  }

  async tokenByDigest(digest: string): Promise<TokenRecord | null> {
    for (const token of this.#tokens.values()) if (token.digest === digest) return token;
    return null;
  }

  async tokensOf(accountId: string): Promise<TokenRecord[]> {
    const bots = new Set([...this.#byId.values()].filter((a) => a.ownerId === accountId).map((a) => a.id));
    return [...this.#tokens.values()].filter((t) => t.accountId === accountId || bots.has(t.accountId)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async deleteToken(id: string): Promise<void> {
    this.#tokens.delete(id);
  }

  async deleteTokens(accountId: string, kind: TokenRecord['kind']): Promise<number> {
    let n = 0;
    for (const [id, token] of this.#tokens) {
      if (token.accountId === accountId && token.kind === kind) {
        this.#tokens.delete(id);
        n++;
      }
    }
    return n;
  }
}

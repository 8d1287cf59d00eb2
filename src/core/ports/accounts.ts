/** A registered name. Users log in with a password; bots post with tokens made for them. */
export interface AccountRecord {
  readonly id: string;
  /** As shown (NFC). */
  readonly name: string;
  /** The name's uniqueness key (core/names.ts foldName): one account per key, and no guest may use it. */
  readonly key: string;
  readonly kind: 'user' | 'bot';
  /** Argon2id PHC string; null for bots (they have tokens only). */
  readonly passwordHash: string | null;
  /** The account that made a bot (null for users and for bots made on the server's machine). */
  readonly ownerId: string | null;
  readonly createdAt: number;
}

/** A bearer token. Only its digest is stored: a copy of the database does not hold usable tokens. */
export interface TokenRecord {
  /** Public handle, for listing and revoking (never the token itself). */
  readonly id: string;
  readonly digest: string;
  readonly accountId: string;
  /** session: a user's login (expires); bot: a bot's posting token (until revoked). */
  readonly kind: 'session' | 'bot';
  readonly createdAt: number;
  /** Milliseconds since the epoch, or null for no expiry. */
  readonly expiresAt: number | null;
  readonly label: string;
}

/**
 * Accounts and tokens, kept by the store beside history (SQLite, memory, PostgreSQL), so every
 * node of a cluster sees the same. Contract (test/contracts/accounts-contract.ts):
 * - `createAccount` is atomic on `key`: of two creations of one key, exactly one resolves true.
 * - Deleting an account deletes its tokens and the bots it owns (with theirs).
 * - A deleted token is gone for every node at once (no cache).
 */
export interface AccountStore {
  createAccount(account: AccountRecord): Promise<boolean>;
  accountByKey(key: string): Promise<AccountRecord | null>;
  accountById(id: string): Promise<AccountRecord | null>;
  setPasswordHash(accountId: string, hash: string): Promise<void>;
  deleteAccount(accountId: string): Promise<void>;
  addToken(token: TokenRecord): Promise<void>;
  tokenByDigest(digest: string): Promise<TokenRecord | null>;
  /** The tokens of an account and of the bots it owns, newest first. */
  tokensOf(accountId: string): Promise<TokenRecord[]>;
  deleteToken(id: string): Promise<void>;
  /** Deletes an account's tokens of one kind; returns how many. */
  deleteTokens(accountId: string, kind: TokenRecord['kind']): Promise<number>;
}

/** Whether a store also keeps accounts (every store does once it implements this port). */
export function hasAccounts(store: object): store is AccountStore {
  return typeof (store as Partial<AccountStore>).createAccount === 'function' && typeof (store as Partial<AccountStore>).tokenByDigest === 'function';
}

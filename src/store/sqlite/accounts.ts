import type { Database, Statement } from 'better-sqlite3';
import type { AccountRecord, AccountStore, TokenRecord } from '../../core/ports/accounts.js';
import { ACCOUNT_COLUMNS, accountFromRow, TOKEN_COLUMNS, tokenFromRow, type AccountRow, type TokenRow } from '../rows.js';

/**
 * Accounts and tokens in the SQLite database (tables from migration 3). Every call is one
 * statement on the store's connection, so it is atomic and sees every earlier write; nothing is
 * cached, so a deleted token is refused from the next call on. Requires `foreign_keys = ON` on
 * the connection: deleting an account deletes its tokens and its bots through the foreign keys.
 */
export class SqliteAccounts implements AccountStore {
  readonly #createAccount: Statement;
  readonly #accountByKey: Statement;
  readonly #accountById: Statement;
  readonly #setPasswordHash: Statement;
  readonly #deleteAccount: Statement;
  readonly #addToken: Statement;
  readonly #tokenByDigest: Statement;
  readonly #tokensOf: Statement;
  readonly #deleteToken: Statement;
  readonly #deleteTokens: Statement;

  constructor(db: Database) {
    if (db.pragma('foreign_keys', { simple: true }) !== 1) throw new Error('SqliteAccounts needs PRAGMA foreign_keys = ON');
    // ON CONFLICT on `key` only: a second account for one name is the expected race (false);
    // an id used twice is a bug and throws.
    this.#createAccount = db.prepare(
      `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    );
    this.#accountByKey = db.prepare(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE key = ?`);
    this.#accountById = db.prepare(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`);
    this.#setPasswordHash = db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?');
    this.#deleteAccount = db.prepare('DELETE FROM accounts WHERE id = ?');
    this.#addToken = db.prepare(`INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.#tokenByDigest = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE digest = ?`);
    this.#tokensOf = db.prepare(
      `SELECT ${TOKEN_COLUMNS} FROM tokens
       WHERE account_id = ? OR account_id IN (SELECT id FROM accounts WHERE owner_id = ?)
       ORDER BY created_at DESC, id`,
    );
    this.#deleteToken = db.prepare('DELETE FROM tokens WHERE id = ?');
    this.#deleteTokens = db.prepare('DELETE FROM tokens WHERE account_id = ? AND kind = ?');
  }

  async createAccount(a: AccountRecord): Promise<boolean> {
    return this.#createAccount.run(a.id, a.key, a.name, a.kind, a.passwordHash, a.ownerId, a.createdAt).changes === 1;
  }

  async accountByKey(key: string): Promise<AccountRecord | null> {
    const row = this.#accountByKey.get(key) as AccountRow | undefined;
    return row ? accountFromRow(row) : null;
  }

  async accountById(id: string): Promise<AccountRecord | null> {
    const row = this.#accountById.get(id) as AccountRow | undefined;
    return row ? accountFromRow(row) : null;
  }

  async setPasswordHash(accountId: string, hash: string): Promise<void> {
    this.#setPasswordHash.run(hash, accountId);
  }

  async deleteAccount(accountId: string): Promise<void> {
    this.#deleteAccount.run(accountId);
  }

  async addToken(t: TokenRecord): Promise<void> {
    this.#addToken.run(t.id, t.digest, t.accountId, t.kind, t.createdAt, t.expiresAt, t.label);
  }

  async tokenByDigest(digest: string): Promise<TokenRecord | null> {
    const row = this.#tokenByDigest.get(digest) as TokenRow | undefined;
    return row ? tokenFromRow(row) : null;
  }

  async tokensOf(accountId: string): Promise<TokenRecord[]> {
    return (this.#tokensOf.all(accountId, accountId) as TokenRow[]).map(tokenFromRow);
  }

  async deleteToken(id: string): Promise<void> {
    this.#deleteToken.run(id);
  }

  async deleteTokens(accountId: string, kind: TokenRecord['kind']): Promise<number> {
    return this.#deleteTokens.run(accountId, kind).changes;
  }
}

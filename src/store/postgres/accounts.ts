import type pg from 'pg';
import type { AccountRecord, AccountStore, TokenRecord } from '../../core/ports/accounts.js';
import { ACCOUNT_COLUMNS, accountFromRow, TOKEN_COLUMNS, tokenFromRow, type AccountRow, type TokenRow } from '../rows.js';

/** Runs one statement on the pool; `what` names it in the error (see PostgresStore). */
export type RunQuery = <R extends pg.QueryResultRow>(what: string, sql: string, values: unknown[]) => Promise<pg.QueryResult<R>>;

const NUL = /\u0000/;

/** PostgreSQL text cannot hold U+0000: say so plainly instead of sending what the server refuses. */
function refuseNul(what: string, fields: ReadonlyArray<string | null>): void {
  if (fields.some((field) => field !== null && NUL.test(field))) throw new Error(`PostgreSQL cannot store the character U+0000 (${what})`);
}

/**
 * Accounts and tokens in PostgreSQL (tables from migration 2), shared by every node. Every call
 * is one statement, so it is atomic without a transaction of ours, and nothing is cached: a
 * token deleted on one node is refused by every node from the next call on.
 * - createAccount: `INSERT ... ON CONFLICT (key) DO NOTHING`. Of two nodes inserting one key,
 *   the second waits for the first's commit and then inserts nothing: exactly one gets true.
 * - deleteAccount: the foreign keys (ON DELETE CASCADE) take its tokens, its bots and theirs.
 * - addToken for an account that does not exist (deleted meanwhile) rejects (foreign key).
 */
export class PostgresAccounts implements AccountStore {
  readonly #run: RunQuery;

  constructor(run: RunQuery) {
    this.#run = run;
  }

  async createAccount(a: AccountRecord): Promise<boolean> {
    refuseNul('account', [a.id, a.key, a.name, a.passwordHash, a.ownerId]);
    const { rowCount } = await this.#run(
      'creating an account',
      `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
      [a.id, a.key, a.name, a.kind, a.passwordHash, a.ownerId, a.createdAt],
    );
    return rowCount === 1;
  }

  async accountByKey(key: string): Promise<AccountRecord | null> {
    if (NUL.test(key)) return null; // No stored key holds it.
    const { rows } = await this.#run<AccountRow>('reading an account', `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE key = $1`, [key]);
    return rows[0] ? accountFromRow(rows[0]) : null;
  }

  async accountById(id: string): Promise<AccountRecord | null> {
    if (NUL.test(id)) return null;
    const { rows } = await this.#run<AccountRow>('reading an account', `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
    return rows[0] ? accountFromRow(rows[0]) : null;
  }

  async setPasswordHash(accountId: string, hash: string): Promise<void> {
    refuseNul('password hash', [accountId, hash]);
    await this.#run('changing a password', 'UPDATE accounts SET password_hash = $2 WHERE id = $1', [accountId, hash]);
  }

  async deleteAccount(accountId: string): Promise<void> {
    if (NUL.test(accountId)) return;
    await this.#run('deleting an account', 'DELETE FROM accounts WHERE id = $1', [accountId]);
  }

  async addToken(t: TokenRecord): Promise<void> {
    refuseNul('token', [t.id, t.digest, t.accountId, t.label]);
    await this.#run('adding a token', `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      t.id,
      t.digest,
      t.accountId,
      t.kind,
      t.createdAt,
      t.expiresAt,
      t.label,
    ]);
  }

  async tokenByDigest(digest: string): Promise<TokenRecord | null> {
    if (NUL.test(digest)) return null;
    const { rows } = await this.#run<TokenRow>('reading a token', `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE digest = $1`, [digest]);
    return rows[0] ? tokenFromRow(rows[0]) : null;
  }

  async tokensOf(accountId: string): Promise<TokenRecord[]> {
    if (NUL.test(accountId)) return [];
    const { rows } = await this.#run<TokenRow>(
      'listing tokens',
      `SELECT ${TOKEN_COLUMNS} FROM tokens
       WHERE account_id = $1 OR account_id IN (SELECT id FROM accounts WHERE owner_id = $1)
       ORDER BY created_at DESC, id`,
      [accountId],
    );
    return rows.map(tokenFromRow);
  }

  async deleteToken(id: string): Promise<void> {
    if (NUL.test(id)) return;
    await this.#run('deleting a token', 'DELETE FROM tokens WHERE id = $1', [id]);
  }

  async deleteTokens(accountId: string, kind: TokenRecord['kind']): Promise<number> {
    if (NUL.test(accountId)) return 0;
    const { rowCount } = await this.#run('deleting tokens', 'DELETE FROM tokens WHERE account_id = $1 AND kind = $2', [accountId, kind]);
    return rowCount ?? 0;
  }
}

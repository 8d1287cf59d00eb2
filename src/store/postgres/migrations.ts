import type pg from 'pg';

/**
 * Schema versions, applied in order, each once. Never edit a published migration: add a new
 * one. Same tables as the SQLite store: `messages` keyed by (room, seq); `rooms.last_seq` is
 * where sequence numbers are taken (see commit.ts); `sends` remembers client ids of recent
 * sends for retries. Times are milliseconds since the epoch (int8), as in ChatMessage.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE rooms (
     name     text PRIMARY KEY,
     topic    text NOT NULL DEFAULT '',
     last_seq int8 NOT NULL DEFAULT 0,
     last_ts  int8
   );
   CREATE TABLE messages (
     room   text NOT NULL,
     seq    int8 NOT NULL,
     id     text NOT NULL,
     kind   text NOT NULL CHECK (kind IN ('chat', 'action', 'topic')),
     author text NOT NULL,
     text   text NOT NULL,
     ts     int8 NOT NULL,
     PRIMARY KEY (room, seq)
   );
   CREATE TABLE sends (
     author_key text NOT NULL,
     client_id  text NOT NULL,
     room       text NOT NULL,
     seq        int8 NOT NULL,
     ts         int8 NOT NULL,
     PRIMARY KEY (author_key, client_id)
   );
   CREATE INDEX sends_by_ts ON sends (ts);`,
  // Accounts (issue 9), as in the SQLite store. `messages.account`: the author's account id,
  // null for a guest. Deleting an account deletes its tokens and the bots it owns (foreign
  // keys); `key` is the name's uniqueness key, unique, so two nodes creating one name cannot
  // both succeed.
  `ALTER TABLE messages ADD COLUMN account text;
   CREATE TABLE accounts (
     id            text PRIMARY KEY,
     key           text NOT NULL UNIQUE,
     name          text NOT NULL,
     kind          text NOT NULL CHECK (kind IN ('user', 'bot')),
     password_hash text,
     owner_id      text REFERENCES accounts (id) ON DELETE CASCADE,
     created_at    int8 NOT NULL
   );
   CREATE INDEX accounts_by_owner ON accounts (owner_id);
   CREATE TABLE tokens (
     id         text PRIMARY KEY,
     digest     text NOT NULL UNIQUE,
     account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     kind       text NOT NULL CHECK (kind IN ('session', 'bot')),
     created_at int8 NOT NULL,
     expires_at int8,
     label      text NOT NULL
   );
   CREATE INDEX tokens_by_account ON tokens (account_id);`,
  // Moderation (issue 10), as in the SQLite store: one JSON document per room written under a
  // version check, and the action log (`n` orders entries of the same ms).
  `CREATE TABLE room_moderation (
     room    text PRIMARY KEY,
     state   text NOT NULL,
     version int8 NOT NULL
   );
   CREATE TABLE moderation_log (
     n      bigserial PRIMARY KEY,
     id     text NOT NULL UNIQUE,
     room   text NOT NULL,
     ts     int8 NOT NULL,
     actor  text NOT NULL,
     action text NOT NULL,
     target text NOT NULL,
     reason text NOT NULL,
     detail text NOT NULL
   );
   CREATE INDEX moderation_log_by_room ON moderation_log (room, ts);
   CREATE INDEX moderation_log_by_ts ON moderation_log (ts);`,
];

// Two-int advisory lock keys (a key space apart from the one-bigint keys commit.ts uses):
// "parl" and 1, held for the migrating transaction only.
const LOCK_KEYS = [0x7061726c, 1] as const;

/**
 * Brings the schema to the latest version in one transaction, under a transaction-level
 * advisory lock: nodes starting together take turns, and the ones that come later find the
 * work done. Returns the version the database is at.
 */
export async function migrate(client: pg.ClientBase): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...LOCK_KEYS]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version int4 NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM schema_version');
    let version = found.rows[0]?.version ?? 0;
    if (found.rows.length === 0) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    if (version > MIGRATIONS.length) {
      throw new Error(`The database schema (version ${version}) is newer than this Parley (${MIGRATIONS.length}).`);
    }
    for (; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version] ?? '');
    await client.query('UPDATE schema_version SET version = $1', [version]);
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      throw new AggregateError([error, rollbackError], 'migration failed and so did its rollback');
    });
    throw error;
  }
}

import type { Database } from 'better-sqlite3';

/**
 * Schema versions, applied in order, each once, inside a transaction. Never edit a published
 * migration: add a new one. `messages` is keyed by (room, seq) so "the latest N of a room" is
 * one index range scan.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE rooms (
     name     TEXT PRIMARY KEY,
     topic    TEXT NOT NULL DEFAULT '',
     last_seq INTEGER NOT NULL DEFAULT 0,
     last_ts  INTEGER
   ) WITHOUT ROWID;
   CREATE TABLE messages (
     room   TEXT NOT NULL,
     seq    INTEGER NOT NULL,
     id     TEXT NOT NULL,
     kind   TEXT NOT NULL CHECK (kind IN ('chat', 'action', 'topic')),
     author TEXT NOT NULL,
     text   TEXT NOT NULL,
     ts     INTEGER NOT NULL,
     PRIMARY KEY (room, seq)
   ) WITHOUT ROWID;`,
  // Client ids of recent sends, so a retried send returns the stored message (see Store.append).
  `CREATE TABLE sends (
     author_key TEXT NOT NULL,
     client_id  TEXT NOT NULL,
     room       TEXT NOT NULL,
     seq        INTEGER NOT NULL,
     ts         INTEGER NOT NULL,
     PRIMARY KEY (author_key, client_id)
   ) WITHOUT ROWID;
   CREATE INDEX sends_by_ts ON sends (ts);`,
  // Accounts (issue 9). `messages.account`: the author's account id, null for a guest.
  // Deleting an account deletes its tokens and the bots it owns (foreign keys, which the
  // store turns on for its connection); `key` is the name's uniqueness key, unique.
  `ALTER TABLE messages ADD COLUMN account TEXT;
   CREATE TABLE accounts (
     id            TEXT PRIMARY KEY,
     key           TEXT NOT NULL UNIQUE,
     name          TEXT NOT NULL,
     kind          TEXT NOT NULL CHECK (kind IN ('user', 'bot')),
     password_hash TEXT,
     owner_id      TEXT REFERENCES accounts (id) ON DELETE CASCADE,
     created_at    INTEGER NOT NULL
   );
   CREATE INDEX accounts_by_owner ON accounts (owner_id);
   CREATE TABLE tokens (
     id         TEXT PRIMARY KEY,
     digest     TEXT NOT NULL UNIQUE,
     account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
     kind       TEXT NOT NULL CHECK (kind IN ('session', 'bot')),
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     label      TEXT NOT NULL
   );
   CREATE INDEX tokens_by_account ON tokens (account_id);`,
  // Moderation (issue 10): one JSON document per room, written under a version check (see
  // ModerationStore), and the action log. The log's rowid orders entries of the same ms.
  `CREATE TABLE room_moderation (
     room    TEXT PRIMARY KEY,
     state   TEXT NOT NULL,
     version INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE moderation_log (
     id     TEXT NOT NULL UNIQUE,
     room   TEXT NOT NULL,
     ts     INTEGER NOT NULL,
     actor  TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   CREATE INDEX moderation_log_by_room ON moderation_log (room, ts);
   CREATE INDEX moderation_log_by_ts ON moderation_log (ts);`,
];

export function migrate(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  if (version > MIGRATIONS.length) {
    throw new Error(`The database schema (version ${version}) is newer than this Parley (${MIGRATIONS.length}).`);
  }
  for (; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.prepare('UPDATE schema_version SET version = ?').run(version + 1);
    })();
  }
  return version;
}

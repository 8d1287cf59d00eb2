import Database from 'better-sqlite3';
import type { AccountRecord, AccountStore, TokenRecord } from '../../core/ports/accounts.js';
import type { ChatMessage, HistoryQuery } from '../../core/types.js';
import { MESSAGE_COLUMNS, messageFromRow, type MessageRow } from '../rows.js';
import {
  clampLimit,
  DEDUPE_WINDOW_MS,
  isRetryOf,
  type Appended,
  type HistoryMaintenance,
  type ImportedBatch,
  type MessageDraft,
  type RoomImage,
  type RoomRecord,
  type Store,
} from '../store.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteMaintenance } from './maintenance.js';
import { SqliteModeration } from './moderation.js';
import type { ModLogEntry, RoomModeration } from '../../core/moderation/state.js';
import type { ModerationStore, VersionedModeration } from '../../core/ports/moderation.js';
import { Checkpointer } from './checkpointer.js';
import { migrate } from './migrations.js';
import type { OnCommit } from '../commit-report.js';

export interface SqliteOptions {
  /** full: fsync once per batch (an acknowledged message survives power loss); normal: survives a crash of the process. */
  readonly durability?: 'full' | 'normal';
  /**
   * How long appends may wait to share a commit, in milliseconds; 0 commits once per turn of
   * the event loop. A few milliseconds turn a steady stream into batches: fewer fsyncs, and
   * since delivery follows the commit, fewer and larger socket writes per recipient.
   */
  readonly commitWindowMs?: number;
  /** Checkpoint the WAL from a worker thread this often; 0 leaves it to SQLite, on the writer. */
  readonly checkpointIntervalMs?: number;
  /** Told when a background checkpoint fails (the next one retries). */
  readonly onCheckpointError?: (message: string) => void;
  /** Told of each commit batch: its size and how long the transaction took. */
  readonly onCommit?: OnCommit;
}

// A batch this large is committed at once, whatever the window.
const MAX_BATCH = 2000;
// Client ids older than the dedupe window are deleted at most this often.
const PRUNE_EVERY_MS = 10 * 60 * 1000;

interface Pending {
  readonly draft: MessageDraft;
  readonly resolve: (appended: Appended) => void;
  readonly reject: (error: Error) => void;
}

interface Committed {
  readonly results: Appended[];
  /** The new last seq of every room the batch wrote to. */
  readonly lastSeq: Map<string, number>;
}

interface SendRow {
  room: string;
  seq: number;
  ts: number;
}

/**
 * The embedded store. Appends are queued and committed together, one transaction per commit
 * window (or per turn of the event loop), so a burst of messages costs one commit (and one
 * fsync), not one each. Accounts and tokens live in the same database (see accounts.ts).
 */
export class SqliteStore implements Store, AccountStore, HistoryMaintenance, ModerationStore {
  readonly #db: Database.Database;
  readonly #accounts: SqliteAccounts;
  readonly #maintenance: SqliteMaintenance;
  readonly #moderation: SqliteModeration;
  readonly #insert: Database.Statement;
  readonly #touchRoom: Database.Statement;
  readonly #setTopic: Database.Statement;
  readonly #latest: Database.Statement;
  readonly #before: Database.Statement;
  readonly #after: Database.Statement;
  readonly #findSend: Database.Statement;
  readonly #rememberSend: Database.Statement;
  readonly #pruneSends: Database.Statement;
  readonly #one: Database.Statement;
  readonly #commit: (batch: readonly Pending[]) => Committed;
  readonly #windowMs: number;
  /** Each room's last committed seq; numbers are taken inside the commit transaction. */
  readonly #lastSeq = new Map<string, number>();
  #lastPrune = 0;
  #queue: Pending[] = [];
  #scheduled = false;
  #timer: NodeJS.Timeout | null = null;
  #checkpointer: Checkpointer | null = null;
  #onCommit: OnCommit | undefined;
  #closed = false;

  private constructor(db: Database.Database, windowMs: number) {
    this.#db = db;
    this.#windowMs = windowMs;
    this.#accounts = new SqliteAccounts(db);
    this.#moderation = new SqliteModeration(db);
    this.#insert = db.prepare(
      'INSERT INTO messages (room, seq, id, kind, author, text, ts, account) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#touchRoom = db.prepare(
      `INSERT INTO rooms (name, last_seq, last_ts) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), last_ts = excluded.last_ts`,
    );
    this.#setTopic = db.prepare('UPDATE rooms SET topic = ? WHERE name = ?');
    const columns = MESSAGE_COLUMNS;
    this.#latest = db.prepare(`SELECT ${columns} FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?`);
    this.#before = db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?`);
    this.#after = db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND seq > ? ORDER BY seq ASC LIMIT ?`);
    this.#one = db.prepare(`SELECT ${columns} FROM messages WHERE room = ? AND seq = ?`);
    this.#findSend = db.prepare('SELECT room, seq, ts FROM sends WHERE author_key = ? AND client_id = ?');
    this.#rememberSend = db.prepare(
      `INSERT INTO sends (author_key, client_id, room, seq, ts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (author_key, client_id) DO UPDATE SET room = excluded.room, seq = excluded.seq, ts = excluded.ts`,
    );
    this.#pruneSends = db.prepare('DELETE FROM sends WHERE ts < ?');
    for (const row of db.prepare('SELECT name, last_seq FROM rooms').all() as Array<{ name: string; last_seq: number }>) {
      this.#lastSeq.set(row.name, row.last_seq);
    }
    this.#maintenance = new SqliteMaintenance(db, this.#lastSeq);
    this.#commit = db.transaction((batch: readonly Pending[]): Committed => {
      const lastSeq = new Map<string, number>();
      const lastOfRoom = new Map<string, ChatMessage>();
      const results: Appended[] = [];
      for (const { draft } of batch) {
        const earlier = this.#retried(draft);
        if (earlier) {
          results.push({ message: earlier, duplicate: true });
          continue;
        }
        const seq = (lastSeq.get(draft.room) ?? this.#lastSeq.get(draft.room) ?? 0) + 1;
        lastSeq.set(draft.room, seq);
        const { dedupe: _dedupe, ...fields } = draft;
        const message: ChatMessage = { ...fields, seq };
        this.#insert.run(message.room, seq, message.id, message.kind, message.author, message.text, message.ts, message.account ?? null);
        if (draft.dedupe) this.#rememberSend.run(draft.dedupe.authorKey, draft.dedupe.clientId, message.room, seq, message.ts);
        lastOfRoom.set(message.room, message);
        if (message.kind === 'topic') {
          this.#touchRoom.run(message.room, message.seq, message.ts);
          this.#setTopic.run(message.text, message.room);
        }
        results.push({ message, duplicate: false });
      }
      for (const message of lastOfRoom.values()) this.#touchRoom.run(message.room, message.seq, message.ts);
      return { results, lastSeq };
    });
  }

  /** The stored message that `draft` retries, if it is one. Runs inside the commit transaction. */
  #retried(draft: MessageDraft): ChatMessage | null {
    if (!draft.dedupe) return null;
    const send = this.#findSend.get(draft.dedupe.authorKey, draft.dedupe.clientId) as SendRow | undefined;
    if (!send || draft.ts - send.ts >= DEDUPE_WINDOW_MS) return null;
    const row = this.#one.get(send.room, send.seq) as MessageRow | undefined;
    const stored = row ? messageFromRow(row) : null;
    return stored && isRetryOf(stored, draft) ? stored : null;
  }

  static open(path: string, options: SqliteOptions = {}): SqliteStore {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    // Deleting an account deletes its tokens and bots through foreign keys (off by default in SQLite).
    db.pragma('foreign_keys = ON');
    migrate(db);
    const store = new SqliteStore(db, options.commitWindowMs ?? 0);
    store.#onCommit = options.onCommit;
    const interval = options.checkpointIntervalMs ?? 1000;
    if (interval > 0) {
      db.pragma('wal_autocheckpoint = 0');
      store.#checkpointer = new Checkpointer(path, interval, options.onCheckpointError ?? ((message) => process.emitWarning(`WAL checkpoint failed: ${message}`)));
    }
    return store;
  }

  async loadRooms(): Promise<RoomRecord[]> {
    const rows = this.#db.prepare('SELECT name, topic, last_seq, last_ts FROM rooms').all() as Array<{
      name: string;
      topic: string;
      last_seq: number;
      last_ts: number | null;
    }>;
    return rows.map((r) => ({ name: r.name, topic: r.topic, lastSeq: r.last_seq, lastTs: r.last_ts }));
  }

  append(draft: MessageDraft): Promise<Appended> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ draft, resolve, reject });
      if (this.#queue.length >= MAX_BATCH) {
        this.#flushQueue();
      } else if (!this.#scheduled) {
        this.#scheduled = true;
        if (this.#windowMs > 0) this.#timer = setTimeout(() => this.#flushQueue(), this.#windowMs);
        else setImmediate(() => this.#flushQueue());
      }
    });
  }

  async history(room: string, query: HistoryQuery): Promise<ChatMessage[]> {
    const limit = clampLimit(query.limit);
    if (query.after !== undefined) return (this.#after.all(room, query.after, limit) as MessageRow[]).map(messageFromRow);
    const rows = (
      query.before !== undefined ? this.#before.all(room, query.before, limit) : this.#latest.all(room, limit)
    ) as MessageRow[];
    return rows.reverse().map(messageFromRow);
  }

  // Accounts: each call one statement, straight to the database (see accounts.ts).
  createAccount(account: AccountRecord): Promise<boolean> {
    return this.#accounts.createAccount(account);
  }
  accountByKey(key: string): Promise<AccountRecord | null> {
    return this.#accounts.accountByKey(key);
  }
  accountById(id: string): Promise<AccountRecord | null> {
    return this.#accounts.accountById(id);
  }
  setPasswordHash(accountId: string, hash: string): Promise<void> {
    return this.#accounts.setPasswordHash(accountId, hash);
  }
  deleteAccount(accountId: string): Promise<void> {
    return this.#accounts.deleteAccount(accountId);
  }
  addToken(token: TokenRecord): Promise<void> {
    return this.#accounts.addToken(token);
  }
  tokenByDigest(digest: string): Promise<TokenRecord | null> {
    return this.#accounts.tokenByDigest(digest);
  }
  tokensOf(accountId: string): Promise<TokenRecord[]> {
    return this.#accounts.tokensOf(accountId);
  }
  deleteToken(id: string): Promise<void> {
    return this.#accounts.deleteToken(id);
  }
  deleteTokens(accountId: string, kind: TokenRecord['kind']): Promise<number> {
    return this.#accounts.deleteTokens(accountId, kind);
  }

  // Export, import and retention (see maintenance.ts). Imports first commit queued appends, so
  // numbers taken by those come before the check of the imported ones.
  exportPage(room: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]> {
    return this.#maintenance.exportPage(room, afterSeq, limit, sinceTs);
  }
  importMessages(messages: readonly ChatMessage[]): Promise<ImportedBatch> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    this.#flushQueue();
    return this.#maintenance.importMessages(messages);
  }
  importRoom(room: RoomImage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    this.#flushQueue();
    return this.#maintenance.importRoom(room);
  }
  deleteOldMessages(room: string, beforeTs: number, limit: number): Promise<number> {
    return this.#maintenance.deleteOldMessages(room, beforeTs, limit);
  }
  pruneExpired(now: number): Promise<{ tokens: number; sends: number }> {
    return this.#maintenance.pruneExpired(now);
  }

  // Moderation: each call one statement (see moderation.ts).
  moderationOf(room: string): Promise<VersionedModeration> {
    return this.#moderation.moderationOf(room);
  }

  saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean> {
    return this.#moderation.saveModeration(room, state, version);
  }

  appendModLog(entry: ModLogEntry): Promise<void> {
    return this.#moderation.appendModLog(entry);
  }

  modLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    return this.#moderation.modLog(room, limit);
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error('store is closed');
    this.#db.prepare('SELECT 1').get();
  }

  async flush(): Promise<void> {
    this.#flushQueue();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushQueue();
    this.#closed = true;
    await this.#checkpointer?.close();
    this.#db.close();
  }

  #flushQueue(): void {
    this.#scheduled = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    let committed: Committed;
    const started = performance.now();
    try {
      committed = this.#commit(batch);
    } catch (error) {
      this.#onCommit?.({ size: batch.length, durationMs: performance.now() - started, ok: false });
      // The transaction rolled back: nothing of this batch is stored, so every append fails
      // and no sequence number was used.
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.#onCommit?.({ size: batch.length, durationMs: performance.now() - started, ok: true });
    for (const [room, seq] of committed.lastSeq) this.#lastSeq.set(room, seq);
    batch.forEach((pending, i) => pending.resolve(committed.results[i] as Appended));
    this.#pruneOldSends(batch[batch.length - 1]?.draft.ts ?? 0);
  }

  #pruneOldSends(now: number): void {
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    this.#pruneSends.run(now - DEDUPE_WINDOW_MS);
  }
}

import pg from 'pg';
import type { AccountRecord, AccountStore, TokenRecord } from '../../core/ports/accounts.js';
import type { ChatMessage, HistoryQuery } from '../../core/types.js';
import { MESSAGE_COLUMNS, messageFromRow, type MessageRow } from '../rows.js';
import {
  clampLimit,
  DEDUPE_WINDOW_MS,
  ImportConflictError,
  type Appended,
  type HistoryMaintenance,
  type ImportedBatch,
  type MessageDraft,
  type RoomImage,
  type RoomRecord,
  type Store,
} from '../store.js';
import { PostgresAccounts } from './accounts.js';
import { PostgresModeration } from './moderation.js';
import type { ModLogEntry, RoomModeration } from '../../core/moderation/state.js';
import type { ModerationStore, VersionedModeration } from '../../core/ports/moderation.js';
import { commitBatch } from './commit.js';
import { describeError, PostgresUnavailableError } from './errors.js';
import * as maintenance from './maintenance.js';
import { migrate } from './migrations.js';
import type { OnCommit } from '../commit-report.js';

export interface PostgresOptions {
  /** postgres:// or postgresql:// URL. */
  readonly connectionString: string;
  /** Most connections the store opens (default 10). Appends use one at a time; reads share the rest. */
  readonly poolSize?: number;
  /**
   * How long appends may wait to share a commit, in milliseconds; 0 commits once per turn of
   * the event loop. While a commit runs, new appends queue and go in the next one.
   */
  readonly commitWindowMs?: number;
  /** Bound on opening a connection (default 5000 ms): open, appends and ping fail after it. */
  readonly connectTimeoutMs?: number;
  /** Bound on one statement's wait for an answer (default 30000 ms); the connection is then dropped. */
  readonly queryTimeoutMs?: number;
  /** Bound on ping (default 2000 ms). */
  readonly pingTimeoutMs?: number;
  /** Told of failures nobody waits for: an idle connection cut, a failed prune of old client ids. */
  readonly onBackgroundError?: (message: string) => void;
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

/** int8 columns (seq, ts) as numbers: both stay far below 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} does not fit a JavaScript number`);
  return value;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

// PostgreSQL text cannot hold U+0000. Client ids are opaque keys, so they are stored escaped
// (injectively: % and NUL both escaped); other fields must not contain it (the core strips
// control characters from text, and names cannot hold them).
const escapeClientId = (id: string): string => id.replace(/[%\u0000]/g, (c) => (c === '%' ? '%25' : '%00'));
const NUL = /\u0000/;

const wholeSeq = (n: number): number => Math.max(-1, Math.min(Number.MAX_SAFE_INTEGER, n));

/**
 * History in PostgreSQL, shared by every node. Appends are queued and committed together, one
 * transaction per batch (see commit.ts for how numbers and retries stay right across nodes);
 * one batch is in flight at a time, so appends commit and resolve in call order. Accounts and
 * tokens live in the same database (see accounts.ts), read and written straight through the pool.
 */
export class PostgresStore implements Store, AccountStore, HistoryMaintenance, ModerationStore {
  readonly #pool: pg.Pool;
  readonly #accounts: PostgresAccounts;
  readonly #moderation: PostgresModeration;
  readonly #windowMs: number;
  readonly #pingTimeoutMs: number;
  readonly #onBackgroundError: (message: string) => void;
  readonly #onCommit: OnCommit | undefined;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #scheduled = false;
  /** The batch being committed, if any; settles (never rejects) when it is done. */
  #inFlight: Promise<void> | null = null;
  #lastPrune = 0;
  #closed = false;

  private constructor(pool: pg.Pool, options: PostgresOptions) {
    this.#pool = pool;
    this.#accounts = new PostgresAccounts((what, sql, values) => this.#query(what, sql, values));
    this.#moderation = new PostgresModeration((what, sql, values) => this.#query(what, sql, values));
    this.#windowMs = options.commitWindowMs ?? 0;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    this.#onBackgroundError = options.onBackgroundError ?? ((message) => process.emitWarning(message));
    this.#onCommit = options.onCommit;
  }

  /** Connects, migrates the schema, and returns the store; rejects with a one-line reason. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      idleTimeoutMillis: 30_000,
      types,
    });
    const store = new PostgresStore(pool, options);
    // An idle connection cut by the server (restart, failover) is dropped by the pool and
    // replaced on the next request; this is only news, but it must be heard, not thrown.
    pool.on('error', (error) => store.#onBackgroundError(`PostgreSQL connection lost while idle: ${describeError(error)}`));
    try {
      await store.#withClient('migrating the schema', (client) => migrate(client));
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  async loadRooms(): Promise<RoomRecord[]> {
    const { rows } = await this.#query<{ name: string; topic: string; last_seq: number; last_ts: number | null }>(
      'loading rooms',
      'SELECT name, topic, last_seq, last_ts FROM rooms',
    );
    return rows.map((r) => ({ name: r.name, topic: r.topic, lastSeq: r.last_seq, lastTs: r.last_ts }));
  }

  append(draft: MessageDraft): Promise<Appended> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    if (NUL.test(draft.room) || NUL.test(draft.author) || NUL.test(draft.text) || NUL.test(draft.id) || NUL.test(draft.account ?? '')) {
      return Promise.reject(new Error('PostgreSQL cannot store the character U+0000'));
    }
    const stored: MessageDraft = draft.dedupe
      ? { ...draft, dedupe: { authorKey: escapeClientId(draft.dedupe.authorKey), clientId: escapeClientId(draft.dedupe.clientId) } }
      : draft;
    return new Promise((resolve, reject) => {
      this.#queue.push({ draft: stored, resolve, reject });
      if (this.#inFlight) return; // The next batch starts when this one is done.
      if (this.#queue.length >= MAX_BATCH) this.#startBatch();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        if (this.#windowMs > 0) this.#timer = setTimeout(() => this.#startBatch(), this.#windowMs);
        else setImmediate(() => this.#startBatch());
      }
    });
  }

  async history(room: string, query: HistoryQuery): Promise<ChatMessage[]> {
    const limit = clampLimit(query.limit);
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1`;
    // int8 parameters must be whole numbers in range; these bounds select the same rows as the
    // number given (seq > 2.5 is seq > 2; beyond any stored seq is beyond MAX_SAFE_INTEGER).
    if (query.after !== undefined) {
      if (Number.isNaN(query.after)) return [];
      const after = wholeSeq(Math.floor(query.after));
      return (await this.#query<MessageRow>('reading history', `${from} AND seq > $2 ORDER BY seq ASC LIMIT $3`, [room, after, limit])).rows.map(messageFromRow);
    }
    if (query.before !== undefined && Number.isNaN(query.before)) return [];
    const { rows } =
      query.before !== undefined
        ? await this.#query<MessageRow>('reading history', `${from} AND seq < $2 ORDER BY seq DESC LIMIT $3`, [room, wholeSeq(Math.ceil(query.before)), limit])
        : await this.#query<MessageRow>('reading history', `${from} ORDER BY seq DESC LIMIT $2`, [room, limit]);
    return rows.reverse().map(messageFromRow);
  }

  // Accounts: each call one statement through the pool (see accounts.ts).
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

  // Export, import and retention (see maintenance.ts). Imports first commit queued appends.
  exportPage(room: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]> {
    return maintenance.exportPage(this.#asQuery('exporting history'), room, afterSeq, limit, sinceTs);
  }
  async importMessages(messages: readonly ChatMessage[]): Promise<ImportedBatch> {
    if (this.#closed) throw new Error('store is closed');
    await this.flush();
    try {
      return await this.#withClient('importing messages', (client) => maintenance.importMessages(client, messages));
    } catch (error) {
      // A conflict is the import's own answer, not an outage: it is passed on as it is.
      if (error instanceof PostgresUnavailableError && error.cause instanceof ImportConflictError) throw error.cause;
      throw error;
    }
  }
  async importRoom(room: RoomImage): Promise<void> {
    if (this.#closed) throw new Error('store is closed');
    await this.flush();
    await maintenance.importRoom(this.#asQuery('importing a room'), room);
  }
  deleteOldMessages(room: string, beforeTs: number, limit: number): Promise<number> {
    return maintenance.deleteOldMessages(this.#asQuery('deleting old messages'), room, beforeTs, limit);
  }
  pruneExpired(now: number): Promise<{ tokens: number; sends: number }> {
    return maintenance.pruneExpired(this.#asQuery('pruning expired tokens and client ids'), now);
  }

  #asQuery(what: string): <R extends pg.QueryResultRow>(sql: string, values?: unknown[]) => Promise<pg.QueryResult<R>> {
    return (sql, values) => this.#query(what, sql, values);
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
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PostgresUnavailableError('ping', `no answer within ${this.#pingTimeoutMs} ms`)), this.#pingTimeoutMs);
    });
    try {
      await Promise.race([this.#query('ping', 'SELECT 1'), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when everything appended before the call has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight) {
      if (this.#inFlight) await this.#inFlight;
      else this.#startBatch();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Appends from now on are refused; those already queued are committed first.
    this.#closed = true;
    await this.flush();
    await this.#pool.end();
  }

  #startBatch(): void {
    this.#scheduled = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, MAX_BATCH);
    this.#inFlight = this.#commit(batch).finally(() => {
      this.#inFlight = null;
      // Appends that queued meanwhile have waited a whole commit: they go now.
      if (this.#queue.length > 0) this.#startBatch();
    });
  }

  /** Settles every append of the batch; never rejects. */
  async #commit(batch: readonly Pending[]): Promise<void> {
    let results: Appended[];
    const started = performance.now();
    try {
      results = await this.#withClient('storing messages', (client) => commitBatch(client, batch.map((p) => p.draft)));
    } catch (error) {
      this.#onCommit?.({ size: batch.length, durationMs: performance.now() - started, ok: false });
      // Nothing of the batch was committed, and the room rows were not moved: no number used.
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.#onCommit?.({ size: batch.length, durationMs: performance.now() - started, ok: true });
    batch.forEach((pending, i) => pending.resolve(results[i] as Appended));
    this.#pruneOldSends(batch[batch.length - 1]?.draft.ts ?? 0);
  }

  #pruneOldSends(now: number): void {
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    this.#query('pruning old client ids', 'DELETE FROM sends WHERE ts < $1', [now - DEDUPE_WINDOW_MS]).catch((error: unknown) =>
      this.#onBackgroundError(describeError(error)),
    );
  }

  async #query<R extends pg.QueryResultRow>(what: string, query: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(query, values);
    } catch (error) {
      throw new PostgresUnavailableError(what, error);
    }
  }

  /**
   * Runs `work` on one connection of its own. A connection whose work failed is discarded,
   * not returned to the pool: its transaction, if any, dies with it.
   */
  async #withClient<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new PostgresUnavailableError(what, error);
    }
    // A checked-out connection that is cut emits 'error' besides failing its query; without
    // a listener that event would end the process.
    let cut: unknown = null;
    const onError = (error: unknown): void => {
      cut = error;
    };
    client.on('error', onError);
    try {
      const result = await work(client);
      client.removeListener('error', onError);
      client.release();
      return result;
    } catch (error) {
      client.removeListener('error', onError);
      client.release(error instanceof Error ? error : true);
      throw new PostgresUnavailableError(what, cut ?? error);
    }
  }
}

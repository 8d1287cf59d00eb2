import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { ChatMessage } from '../../core/types.js';
import { MESSAGE_COLUMNS, messageFromRow, type MessageRow } from '../rows.js';
import { DEDUPE_WINDOW_MS, ImportConflictError, type HistoryMaintenance, type ImportedBatch, type RoomImage } from '../store.js';

/**
 * Export, import and retention on the SQLite store's connection (contract: HistoryMaintenance).
 * `lastSeq` is the store's own cache of each room's last number, which appends number from:
 * imports raise it in the same step as the rows, so the next append continues after them.
 * The caller commits pending appends before an import.
 */
export class SqliteMaintenance implements HistoryMaintenance {
  readonly #lastSeq: Map<string, number>;
  readonly #page: Statement;
  readonly #pageSince: Statement;
  readonly #idAt: Statement;
  readonly #insert: Statement;
  readonly #raiseRoom: Statement;
  readonly #setTopic: Statement;
  readonly #deleteOld: Statement;
  readonly #pruneTokens: Statement;
  readonly #pruneSends: Statement;
  readonly #import: Transaction<(messages: readonly ChatMessage[]) => ImportedBatch & { raised: Map<string, number> }>;
  readonly #importRoom: Transaction<(room: RoomImage) => void>;

  constructor(db: Database, lastSeq: Map<string, number>) {
    this.#lastSeq = lastSeq;
    this.#page = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq > ? ORDER BY seq ASC LIMIT ?`);
    this.#pageSince = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq > ? AND ts >= ? ORDER BY seq ASC LIMIT ?`);
    this.#idAt = db.prepare('SELECT id FROM messages WHERE room = ? AND seq = ?');
    this.#insert = db.prepare('INSERT INTO messages (room, seq, id, kind, author, text, ts, account) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.#raiseRoom = db.prepare(
      `INSERT INTO rooms (name, last_seq, last_ts) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq),
         last_ts = CASE WHEN last_ts IS NULL OR excluded.last_ts > last_ts THEN excluded.last_ts ELSE last_ts END`,
    );
    this.#setTopic = db.prepare('UPDATE rooms SET topic = ? WHERE name = ?');
    // The room's oldest `limit` rows come from the primary key's range; no index on ts needed.
    this.#deleteOld = db.prepare(
      'DELETE FROM messages WHERE room = ? AND seq IN (SELECT seq FROM messages WHERE room = ? ORDER BY seq ASC LIMIT ?) AND ts < ?',
    );
    this.#pruneTokens = db.prepare('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= ?');
    this.#pruneSends = db.prepare('DELETE FROM sends WHERE ts < ?');
    this.#import = db.transaction((messages: readonly ChatMessage[]) => {
      const raised = new Map<string, number>();
      let stored = 0;
      let skipped = 0;
      for (const m of messages) {
        const existing = this.#idAt.get(m.room, m.seq) as { id: string } | undefined;
        if (existing !== undefined) {
          if (existing.id !== m.id) throw new ImportConflictError(m.room, m.seq, `another message (${existing.id}) already has this number`);
          skipped++;
          continue;
        }
        const last = raised.get(m.room) ?? this.#lastSeq.get(m.room) ?? 0;
        if (m.seq <= last) throw new ImportConflictError(m.room, m.seq, `the room has already used numbers up to ${last}`);
        this.#insert.run(m.room, m.seq, m.id, m.kind, m.author, m.text, m.ts, m.account ?? null);
        this.#raiseRoom.run(m.room, m.seq, m.ts);
        if (m.kind === 'topic') this.#setTopic.run(m.text, m.room);
        raised.set(m.room, m.seq);
        stored++;
      }
      return { stored, skipped, raised };
    });
    this.#importRoom = db.transaction((room: RoomImage): void => {
      this.#raiseRoom.run(room.name, room.lastSeq, room.lastTs);
      this.#setTopic.run(room.topic, room.name);
    });
  }

  async exportPage(room: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]> {
    const rows = (sinceTs === undefined ? this.#page.all(room, afterSeq, limit) : this.#pageSince.all(room, afterSeq, sinceTs, limit)) as MessageRow[];
    return rows.map(messageFromRow);
  }

  async importMessages(messages: readonly ChatMessage[]): Promise<ImportedBatch> {
    const { stored, skipped, raised } = this.#import(messages);
    // Once committed: a rolled-back import leaves the numbering as it was.
    for (const [room, seq] of raised) this.#lastSeq.set(room, seq);
    return { stored, skipped };
  }

  async importRoom(room: RoomImage): Promise<void> {
    this.#importRoom(room);
    this.#lastSeq.set(room.name, Math.max(room.lastSeq, this.#lastSeq.get(room.name) ?? 0));
  }

  async deleteOldMessages(room: string, beforeTs: number, limit: number): Promise<number> {
    return this.#deleteOld.run(room, room, limit, beforeTs).changes;
  }

  async pruneExpired(now: number): Promise<{ tokens: number; sends: number }> {
    return { tokens: this.#pruneTokens.run(now).changes, sends: this.#pruneSends.run(now - DEDUPE_WINDOW_MS).changes };
  }
}

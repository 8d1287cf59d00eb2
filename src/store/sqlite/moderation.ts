import type { Database, Statement } from 'better-sqlite3';
import type { ModLogEntry, RoomModeration } from '../../core/moderation/state.js';
import { EMPTY_MODERATION } from '../../core/moderation/state.js';
import { clampModLogLimit, type ModerationStore, type VersionedModeration } from '../../core/ports/moderation.js';
import { MODLOG_COLUMNS, modLogFromRow, modLogValues, moderationFromJson, moderationToJson, type ModLogRow } from '../moderation-json.js';

/** Room moderation in the SQLite database (tables from migration 4); each call one statement. */
export class SqliteModeration implements ModerationStore {
  readonly #read: Statement;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #log: Statement;
  readonly #roomLog: Statement;
  readonly #allLog: Statement;

  constructor(db: Database) {
    this.#read = db.prepare('SELECT state, version FROM room_moderation WHERE room = ?');
    this.#insert = db.prepare('INSERT INTO room_moderation (room, state, version) VALUES (?, ?, 1) ON CONFLICT (room) DO NOTHING');
    this.#update = db.prepare('UPDATE room_moderation SET state = ?, version = version + 1 WHERE room = ? AND version = ?');
    this.#log = db.prepare(`INSERT INTO moderation_log (${MODLOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#roomLog = db.prepare(`SELECT ${MODLOG_COLUMNS} FROM moderation_log WHERE room = ? ORDER BY ts DESC, rowid DESC LIMIT ?`);
    this.#allLog = db.prepare(`SELECT ${MODLOG_COLUMNS} FROM moderation_log ORDER BY ts DESC, rowid DESC LIMIT ?`);
  }

  async moderationOf(room: string): Promise<VersionedModeration> {
    const row = this.#read.get(room) as { state: string; version: number } | undefined;
    return row ? { state: moderationFromJson(room, row.state), version: row.version } : { state: EMPTY_MODERATION, version: 0 };
  }

  async saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean> {
    const json = moderationToJson(state);
    const changed = version === 0 ? this.#insert.run(room, json) : this.#update.run(json, room, version);
    return changed.changes === 1;
  }

  async appendModLog(entry: ModLogEntry): Promise<void> {
    this.#log.run(...modLogValues(entry));
  }

  async modLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    const rows = (room === null ? this.#allLog.all(clampModLogLimit(limit)) : this.#roomLog.all(room, clampModLogLimit(limit))) as ModLogRow[];
    return rows.map(modLogFromRow);
  }
}

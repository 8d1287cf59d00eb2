import type { ModLogEntry, RoomModeration } from '../../core/moderation/state.js';
import { EMPTY_MODERATION } from '../../core/moderation/state.js';
import { clampModLogLimit, type ModerationStore, type VersionedModeration } from '../../core/ports/moderation.js';
import type { RunQuery } from './accounts.js';
import { MODLOG_COLUMNS, modLogFromRow, modLogValues, moderationFromJson, moderationToJson, type ModLogRow } from '../moderation-json.js';



/** Room moderation in PostgreSQL (tables from migration 4), each call one statement through the pool. */
export class PostgresModeration implements ModerationStore {
  readonly #run: RunQuery;

  constructor(run: RunQuery) {
    this.#run = run;
  }

  async moderationOf(room: string): Promise<VersionedModeration> {
    const found = await this.#run<{ state: string; version: number }>('read moderation', 'SELECT state, version FROM room_moderation WHERE room = $1', [room]);
    const row = found.rows[0];
    return row ? { state: moderationFromJson(room, row.state), version: Number(row.version) } : { state: EMPTY_MODERATION, version: 0 };
  }

  async saveModeration(room: string, state: RoomModeration, version: number): Promise<boolean> {
    const json = moderationToJson(state);
    const done =
      version === 0
        ? await this.#run('save moderation', 'INSERT INTO room_moderation (room, state, version) VALUES ($1, $2, 1) ON CONFLICT (room) DO NOTHING', [room, json])
        : await this.#run('save moderation', 'UPDATE room_moderation SET state = $2, version = version + 1 WHERE room = $1 AND version = $3', [room, json, version]);
    return done.rowCount === 1;
  }

  async appendModLog(entry: ModLogEntry): Promise<void> {
    await this.#run('append to the action log', `INSERT INTO moderation_log (${MODLOG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, modLogValues(entry));
  }

  async modLog(room: string | null, limit: number): Promise<ModLogEntry[]> {
    const n = clampModLogLimit(limit);
    const found =
      room === null
        ? await this.#run<ModLogRow>('read the action log', `SELECT ${MODLOG_COLUMNS} FROM moderation_log ORDER BY ts DESC, n DESC LIMIT $1`, [n])
        : await this.#run<ModLogRow>('read the action log', `SELECT ${MODLOG_COLUMNS} FROM moderation_log WHERE room = $1 ORDER BY ts DESC, n DESC LIMIT $2`, [room, n]);
    return found.rows.map(modLogFromRow);
  }
}

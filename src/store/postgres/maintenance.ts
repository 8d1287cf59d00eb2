import type pg from 'pg';
import type { ChatMessage } from '../../core/types.js';
import { MESSAGE_COLUMNS, messageFromRow, type MessageRow } from '../rows.js';
import { DEDUPE_WINDOW_MS, ImportConflictError, type ImportedBatch, type RoomImage } from '../store.js';

// Export, import and retention in PostgreSQL (contract: HistoryMaintenance in the Store port).
// Each function is handed a connection by the store; the import ones run one transaction and
// leave it to the store to discard the connection when they throw.

type Query = <R extends pg.QueryResultRow>(sql: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

export async function exportPage(query: Query, room: string, afterSeq: number, limit: number, sinceTs?: number): Promise<ChatMessage[]> {
  const since = sinceTs === undefined ? '' : ' AND ts >= $4';
  const values = sinceTs === undefined ? [room, afterSeq, limit] : [room, afterSeq, limit, sinceTs];
  const { rows } = await query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND seq > $2${since} ORDER BY seq ASC LIMIT $3`, values);
  return rows.map(messageFromRow);
}

/**
 * The room rows are locked (in name order) before the check, so appends on other nodes wait
 * for the import's commit instead of taking a number the import is about to use.
 */
export async function importMessages(client: pg.ClientBase, messages: readonly ChatMessage[]): Promise<ImportedBatch> {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  const rooms = [...new Set(messages.map((m) => m.room))].sort();
  await client.query(`INSERT INTO rooms (name) SELECT unnest($1::text[]) ORDER BY 1 ON CONFLICT (name) DO NOTHING`, [rooms]);
  const locked = await client.query<{ name: string; last_seq: number }>('SELECT name, last_seq FROM rooms WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE', [rooms]);
  const last = new Map(locked.rows.map((r) => [r.name, r.last_seq]));
  const present = await client.query<{ room: string; seq: number; id: string }>(
    'SELECT m.room, m.seq, m.id FROM unnest($1::text[], $2::int8[]) AS k(room, seq) JOIN messages m ON m.room = k.room AND m.seq = k.seq',
    [messages.map((m) => m.room), messages.map((m) => m.seq)],
  );
  const idAt = new Map(present.rows.map((r) => [`${r.room}\n${r.seq}`, r.id]));
  const fresh: ChatMessage[] = [];
  let skipped = 0;
  for (const m of messages) {
    const existing = idAt.get(`${m.room}\n${m.seq}`);
    if (existing !== undefined) {
      if (existing !== m.id) throw new ImportConflictError(m.room, m.seq, `another message (${existing}) already has this number`);
      skipped++;
      continue;
    }
    const room = last.get(m.room) ?? 0;
    if (m.seq <= room) throw new ImportConflictError(m.room, m.seq, `the room has already used numbers up to ${room}`);
    last.set(m.room, m.seq);
    fresh.push(m);
  }
  if (fresh.length > 0) {
    const col = <K extends keyof ChatMessage>(key: K): Array<ChatMessage[K] | null> => fresh.map((m) => m[key] ?? null);
    await client.query(
      `INSERT INTO messages (room, seq, id, kind, author, text, ts, account)
       SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[])`,
      [col('room'), col('seq'), col('id'), col('kind'), col('author'), col('text'), col('ts'), col('account')],
    );
    await client.query(
      `UPDATE rooms SET last_seq = GREATEST(rooms.last_seq, b.seq), last_ts = GREATEST(rooms.last_ts, b.ts)
       FROM (SELECT room, max(seq) AS seq, max(ts) AS ts FROM unnest($1::text[], $2::int8[], $3::int8[]) AS t(room, seq, ts) GROUP BY room) AS b
       WHERE rooms.name = b.room`,
      [col('room'), col('seq'), col('ts')],
    );
    const topics = new Map<string, string>();
    for (const m of fresh) if (m.kind === 'topic') topics.set(m.room, m.text);
    if (topics.size > 0) {
      await client.query('UPDATE rooms SET topic = t.topic FROM unnest($1::text[], $2::text[]) AS t(name, topic) WHERE rooms.name = t.name', [
        [...topics.keys()],
        [...topics.values()],
      ]);
    }
  }
  await client.query('COMMIT');
  return { stored: fresh.length, skipped };
}

export async function importRoom(query: Query, room: RoomImage): Promise<void> {
  await query(
    `INSERT INTO rooms AS r (name, topic, last_seq, last_ts) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET topic = excluded.topic, last_seq = GREATEST(r.last_seq, excluded.last_seq), last_ts = GREATEST(r.last_ts, excluded.last_ts)`,
    [room.name, room.topic, room.lastSeq, room.lastTs],
  );
}

export async function deleteOldMessages(query: Query, room: string, beforeTs: number, limit: number): Promise<number> {
  const { rowCount } = await query(
    'DELETE FROM messages WHERE room = $1 AND seq IN (SELECT seq FROM messages WHERE room = $1 ORDER BY seq ASC LIMIT $2) AND ts < $3',
    [room, limit, beforeTs],
  );
  return rowCount ?? 0;
}

export async function pruneExpired(query: Query, now: number): Promise<{ tokens: number; sends: number }> {
  const tokens = await query('DELETE FROM tokens WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
  const sends = await query('DELETE FROM sends WHERE ts < $1', [now - DEDUPE_WINDOW_MS]);
  return { tokens: tokens.rowCount ?? 0, sends: sends.rowCount ?? 0 };
}

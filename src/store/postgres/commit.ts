import type pg from 'pg';
import type { ChatMessage } from '../../core/types.js';
import { messageFromRow, type MessageRow } from '../rows.js';
import type { Appended, MessageDraft } from '../store.js';
import { dedupeKey, numberBatch, planBatch, type StoredSend } from './batch-plan.js';

/**
 * Commits one batch of appends in one transaction on `client` and returns one result per
 * draft, in order. Contract (what keeps two nodes on one database consistent):
 * - Retries: the client ids of the batch are locked first (transaction-level advisory locks,
 *   in sorted order), then looked up. Two nodes storing the same client id take turns, and
 *   the later one sees the first one's send, so a retry is stored once across the cluster.
 * - Numbers: each room's block of numbers is taken by one upsert of its row, which locks it
 *   until COMMIT; rooms are locked in name order, so concurrent batches cannot deadlock, and
 *   a second batch for the room starts from the first one's committed last_seq: no gap, no
 *   number used twice. A rolled-back batch took no numbers.
 * READ COMMITTED is required: each statement must see what the batches before it committed.
 * On any error the caller must discard the connection (the transaction is then aborted).
 */
export async function commitBatch(client: pg.ClientBase, drafts: readonly MessageDraft[]): Promise<Appended[]> {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  const stored = await lockAndFindSends(client, drafts);
  const plan = planBatch(drafts, stored);
  const lastSeq = new Map<string, number>();
  if (plan.rooms.length > 0) {
    const taken = await client.query<{ name: string; last_seq: number }>(
      `INSERT INTO rooms AS r (name, last_seq, last_ts)
       SELECT name, n, ts FROM unnest($1::text[], $2::int8[], $3::int8[]) AS b(name, n, ts) ORDER BY name
       ON CONFLICT (name) DO UPDATE SET last_seq = r.last_seq + excluded.last_seq, last_ts = excluded.last_ts
       RETURNING name, last_seq`,
      [plan.rooms.map((r) => r.name), plan.rooms.map((r) => r.count), plan.rooms.map((r) => r.lastTs)],
    );
    for (const row of taken.rows) lastSeq.set(row.name, row.last_seq);
    const topics = plan.rooms.filter((r) => r.topic !== null);
    if (topics.length > 0) {
      await client.query('UPDATE rooms SET topic = t.topic FROM unnest($1::text[], $2::text[]) AS t(name, topic) WHERE rooms.name = t.name', [
        topics.map((r) => r.name),
        topics.map((r) => r.topic),
      ]);
    }
  }
  const { messages, results } = numberBatch(plan, lastSeq);
  if (messages.length > 0) await insertMessages(client, messages);
  await rememberSends(client, plan.fresh, messages);
  await client.query('COMMIT');
  return results;
}

async function lockAndFindSends(client: pg.ClientBase, drafts: readonly MessageDraft[]): Promise<StoredSend[]> {
  const keys = new Map<string, { authorKey: string; clientId: string }>();
  for (const { dedupe } of drafts) if (dedupe) keys.set(dedupeKey(dedupe.authorKey, dedupe.clientId), dedupe);
  if (keys.size === 0) return [];
  const authorKeys = [...keys.values()].map((k) => k.authorKey);
  const clientIds = [...keys.values()].map((k) => k.clientId);
  // Locking is volatile, so PostgreSQL evaluates it after the sort: locks are taken in key order.
  await client.query(
    `SELECT pg_advisory_xact_lock(k) FROM (
       SELECT DISTINCT hashtextextended(a || E'\\n' || c, 0) AS k FROM unnest($1::text[], $2::text[]) AS t(a, c)
     ) AS keys ORDER BY k`,
    [authorKeys, clientIds],
  );
  // A new statement, so it sees sends committed by whoever held those locks before us.
  const found = await client.query<MessageRow & { author_key: string; client_id: string; sent_ts: number }>(
    `SELECT s.author_key, s.client_id, s.ts AS sent_ts, m.id, m.room, m.seq, m.kind, m.author, m.text, m.ts, m.account
     FROM unnest($1::text[], $2::text[]) AS k(a, c)
     JOIN sends s ON s.author_key = k.a AND s.client_id = k.c
     JOIN messages m ON m.room = s.room AND m.seq = s.seq`,
    [authorKeys, clientIds],
  );
  return found.rows.map(({ author_key, client_id, sent_ts, ...row }) => ({ authorKey: author_key, clientId: client_id, sentTs: sent_ts, message: messageFromRow(row) }));
}

async function insertMessages(client: pg.ClientBase, messages: readonly ChatMessage[]): Promise<void> {
  await client.query(
    `INSERT INTO messages (room, seq, id, kind, author, text, ts, account)
     SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[])`,
    [
      messages.map((m) => m.room),
      messages.map((m) => m.seq),
      messages.map((m) => m.id),
      messages.map((m) => m.kind),
      messages.map((m) => m.author),
      messages.map((m) => m.text),
      messages.map((m) => m.ts),
      messages.map((m) => m.account ?? null),
    ],
  );
}

/** Remembers the client ids of the new messages; when a key occurs twice, the later message wins. */
async function rememberSends(client: pg.ClientBase, fresh: readonly MessageDraft[], messages: readonly ChatMessage[]): Promise<void> {
  const latest = new Map<string, { authorKey: string; clientId: string; message: ChatMessage }>();
  fresh.forEach((draft, i) => {
    const message = messages[i];
    if (draft.dedupe && message) latest.set(dedupeKey(draft.dedupe.authorKey, draft.dedupe.clientId), { ...draft.dedupe, message });
  });
  if (latest.size === 0) return;
  const rows = [...latest.values()];
  await client.query(
    `INSERT INTO sends (author_key, client_id, room, seq, ts)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[])
     ON CONFLICT (author_key, client_id) DO UPDATE SET room = excluded.room, seq = excluded.seq, ts = excluded.ts`,
    [rows.map((r) => r.authorKey), rows.map((r) => r.clientId), rows.map((r) => r.message.room), rows.map((r) => r.message.seq), rows.map((r) => r.message.ts)],
  );
}

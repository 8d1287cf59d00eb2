import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { message } from '../contracts/store-contract.js';
import { POSTGRES, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(POSTGRES.kind === 'none')('PostgresStore when things fail (skipped without PostgreSQL)', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('rejects every append of a failed transaction, and the failed batch takes no numbers', async () => {
    const url = await server.freshDatabaseUrl();
    const store = await PostgresStore.open({ connectionString: url });
    await store.append(message('t', 1));
    // A trigger that fails the transaction after the room row has been moved.
    await sql(url, `CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.text = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$`);
    await sql(url, 'CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_boom()');
    const batch = await Promise.allSettled([
      store.append(message('t', 2, { text: 'fine' })),
      store.append(message('t', 3, { text: 'boom', dedupe: { authorKey: 'ann', clientId: 'b' } })),
      store.append(message('u', 1, { text: 'other room' })),
    ]);
    expect(batch.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((batch[0] as PromiseRejectedResult).reason)).toMatch(/PostgreSQL: storing messages: boom refused/);
    expect((await store.append(message('t', 2, { text: 'next' }))).message.seq).toBe(2);
    expect((await store.append(message('u', 1))).message.seq).toBe(1);
    expect((await store.history('t', {})).map((m) => m.text)).toEqual(['text 1', 'next']);
    await store.close();
  });

  it.skipIf(POSTGRES.kind !== 'local')('refuses appends and pings while the server is down, and carries on without a gap when it is back (needs a server it started itself)', async () => {
    const url = await server.freshDatabaseUrl();
    const background: string[] = [];
    const store = await PostgresStore.open({ connectionString: url, connectTimeoutMs: 2000, onBackgroundError: (m) => background.push(m) });
    for (let seq = 1; seq <= 3; seq++) await store.append(message('o', seq));

    await server.stop();
    // The pool's idle connection was cut by the stop: reported, not thrown.
    const deadline = Date.now() + 5000;
    while (background.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(background[0]).toMatch(/^PostgreSQL connection lost while idle: /);
    await expect(store.append(message('o', 4))).rejects.toThrow(/^PostgreSQL: storing messages: /);
    await expect(store.ping()).rejects.toThrow(/^PostgreSQL: ping: /);
    await expect(store.history('o', {})).rejects.toThrow(/^PostgreSQL: reading history: /);

    await server.start();
    expect((await store.append(message('o', 4))).message.seq).toBe(4);
    await expect(store.ping()).resolves.toBeUndefined();
    expect((await store.history('o', {})).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    await store.close();
  });

  it.skipIf(POSTGRES.kind !== 'local')('acknowledges only what was committed when the server stops under load (needs a server it started itself)', async () => {
    const url = await server.freshDatabaseUrl();
    // Idle connections cut by the stop are reported here rather than as process warnings.
    const background: string[] = [];
    const store = await PostgresStore.open({ connectionString: url, connectTimeoutMs: 2000, commitWindowMs: 1, onBackgroundError: (m) => background.push(m) });
    const acked = new Map<string, number>();
    let refused = 0;
    let stopped = false;
    const sender = (async () => {
      // Bounded: at most 400 rounds of 10 appends, ending soon after the server is down.
      for (let round = 0; round < 400 && !(stopped && refused > 0); round++) {
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append(message('load', 0, { id: `r${round}-${i}` }))));
        for (const r of results) {
          if (r.status === 'fulfilled') acked.set(r.value.message.id, r.value.message.seq);
          else refused++;
        }
      }
    })();
    const deadline = Date.now() + 10_000;
    while (acked.size < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(acked.size).toBeGreaterThanOrEqual(50);
    await server.stop();
    stopped = true;
    await sender;
    await server.start();
    expect(refused).toBeGreaterThan(0);
    const rows = await sql<{ id: string; seq: string }>(url, "SELECT id, seq FROM messages WHERE room = 'load' ORDER BY seq");
    const stored = new Map(rows.map((r) => [r.id, Number(r.seq)]));
    for (const [id, seq] of acked) expect(stored.get(id)).toBe(seq);
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    const next = await store.append(message('load', 0));
    expect(next.message.seq).toBe(rows.length + 1);
    await store.close();
  });
});

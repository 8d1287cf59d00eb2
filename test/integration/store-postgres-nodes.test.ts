import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { Appended } from '../../src/store/store.js';
import { message } from '../contracts/store-contract.js';
import { POSTGRES, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

// Two stores on one database stand for two Parley nodes: each has its own pool and its own queue.
describe.skipIf(POSTGRES.kind === 'none')('PostgresStore: two nodes on one database (skipped without PostgreSQL)', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('numbers 1,000 appends from each node into one room 1..2000 with no gap or duplicate, each node in its call order', async () => {
    const url = await server.freshDatabaseUrl();
    const nodes = await Promise.all([PostgresStore.open({ connectionString: url }), PostgresStore.open({ connectionString: url, commitWindowMs: 1 })]);
    const resolvedOrder: number[][] = [[], []];
    const runs = nodes.map((node, n) =>
      Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          node.append(message('shared', i, { id: `n${n}-${i}`, author: `node${n}`, text: `${n}:${i}` })).then((appended) => {
            resolvedOrder[n]?.push(i);
            return appended;
          }),
        ),
      ),
    );
    const [a, b] = (await Promise.all(runs)) as [Appended[], Appended[]];
    const seqs = [...a, ...b].map((x) => x.message.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    for (const [n, results] of [a, b].entries()) {
      // Each node's messages take increasing numbers in its call order, and resolve in that order.
      const own = results.map((r) => r.message.seq);
      expect(own).toEqual([...own].sort((x, y) => x - y));
      expect(resolvedOrder[n]).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const stored = await client.query<{ seq: string; id: string }>("SELECT seq, id FROM messages WHERE room = 'shared' ORDER BY seq");
    await client.end();
    expect(stored.rows.map((r) => Number(r.seq))).toEqual(seqs);
    const byId = new Map([...a, ...b].map((x) => [x.message.id, x.message.seq]));
    expect(stored.rows.every((r) => byId.get(r.id) === Number(r.seq))).toBe(true);
    expect((await nodes[0]?.loadRooms())?.find((r) => r.name === 'shared')?.lastSeq).toBe(2000);
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('treats a retry arriving at the other node as a duplicate, also when both arrive at once', async () => {
    const url = await server.freshDatabaseUrl();
    const [one, two] = (await Promise.all([PostgresStore.open({ connectionString: url }), PostgresStore.open({ connectionString: url })])) as [
      PostgresStore,
      PostgresStore,
    ];
    const dedupe = { authorKey: 'ann', clientId: 'c-1' };
    const first = await one.append(message('r', 1, { text: 'once', dedupe }));
    expect(await two.append(message('r', 2, { text: 'once', dedupe }))).toEqual({ message: first.message, duplicate: true });

    // The same send reaching both nodes at the same moment, 50 times over: stored once each time.
    for (let i = 0; i < 50; i++) {
      const race = { authorKey: 'bob', clientId: `race-${i}` };
      const [x, y] = await Promise.all([
        one.append(message('r', 10 + i, { text: `race ${i}`, author: 'bob', dedupe: race })),
        two.append(message('r', 10 + i, { text: `race ${i}`, author: 'bob', dedupe: race })),
      ]);
      expect(x.message).toEqual(y.message);
      expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
    }
    const history = await one.history('r', { limit: 500 });
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    await Promise.all([one.close(), two.close()]);
  });
});

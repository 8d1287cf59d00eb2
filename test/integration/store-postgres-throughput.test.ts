import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { Store } from '../../src/store/store.js';
import { message } from '../contracts/store-contract.js';
import { POSTGRES, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

/**
 * A measurement, not a check of speed: append throughput in batches of 1,000 (1,000 appends
 * issued at once, then awaited), SQLite and PostgreSQL in the same run, with the default
 * commit window. Opt-in: PARLEY_STORE_BENCH=1 npx vitest run test/integration/store-postgres-throughput.test.ts
 * Both stores are durable (SQLite durability=full; PostgreSQL with fsync on, synchronous_commit on).
 */
const WANTED = process.env.PARLEY_STORE_BENCH === '1';
const BATCHES = Number(process.env.PARLEY_STORE_BENCH_BATCHES ?? 20);
const BATCH = 1000;

async function measure(store: Store): Promise<number> {
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const appended = await Promise.all(Array.from({ length: BATCH }, (_, i) => store.append(message('bench', b * BATCH + i + 1))));
    expect(appended[BATCH - 1]?.message.seq).toBe((b + 1) * BATCH);
  }
  return (BATCHES * BATCH) / ((performance.now() - started) / 1000);
}

describe.skipIf(!WANTED || POSTGRES.kind === 'none')('store append throughput (opt-in: PARLEY_STORE_BENCH=1; needs PostgreSQL)', () => {
  const windowMs = ConfigSchema.parse({}).commitWindowMs;
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres({ fsync: true });
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('measures SQLite and PostgreSQL in the same run', { timeout: 300_000 }, async () => {
    const results: Record<string, number> = {};
    for (const round of [1, 2]) {
      const sqlite = SqliteStore.open(join(dir, `bench${round}.sqlite`), { durability: 'full', commitWindowMs: windowMs });
      results[`sqlite (full) #${round}`] = await measure(sqlite);
      await sqlite.close();
      const postgres = await PostgresStore.open({ connectionString: await server.freshDatabaseUrl(), commitWindowMs: windowMs });
      results[`postgres (fsync on) #${round}`] = await measure(postgres);
      await postgres.close();
    }
    for (const [name, rate] of Object.entries(results)) console.log(`${name}: ${Math.round(rate)} appends/s (${BATCHES} batches of ${BATCH})`);
  });
});

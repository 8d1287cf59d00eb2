import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ConfigSchema } from '../../src/config.js';
import { openStore, StoreOpenError } from '../../src/store/open.js';
import { hasAccounts } from '../../src/core/ports/accounts.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { accountsContract, token, user } from '../contracts/accounts-contract.js';
import { message, storeContract } from '../contracts/store-contract.js';
import { moderationContract } from '../contracts/moderation-contract.js';
import { POSTGRES, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

describe.skipIf(POSTGRES.kind === 'none')('PostgresStore (real server; skipped without PostgreSQL: apt-get install postgresql)', () => {
  let server: TestPostgres;
  const urls = new WeakMap<object, string>();
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  storeContract('postgres', {
    create: async () => {
      const url = await server.freshDatabaseUrl();
      const store = await PostgresStore.open({ connectionString: url });
      urls.set(store, url);
      return store;
    },
    reopen: async (closed) => PostgresStore.open({ connectionString: urls.get(closed) ?? '' }),
  });

  accountsContract('postgres', {
    create: async () => {
      const url = await server.freshDatabaseUrl();
      const store = await PostgresStore.open({ connectionString: url });
      urls.set(store, url);
      return store;
    },
    reopen: async (closed) => PostgresStore.open({ connectionString: urls.get(closed) ?? '' }),
    // Another node: its own pool on the same database.
    sameData: async (open) => PostgresStore.open({ connectionString: urls.get(open) ?? '' }),
  });

  moderationContract('postgres', {
    create: async () => {
      const url = await server.freshDatabaseUrl();
      const store = await PostgresStore.open({ connectionString: url });
      urls.set(store, url);
      return store;
    },
    reopen: async (closed) => PostgresStore.open({ connectionString: urls.get(closed) ?? '' }),
  });

  describe('accounts', () => {
    it('is an account store, so the server turns accounts on with it', async () => {
      const store = await PostgresStore.open({ connectionString: await server.freshDatabaseUrl() });
      expect(hasAccounts(store)).toBe(true);
      await store.close();
    });

    it('refuses U+0000 in a token label with a plain reason, and stores nothing', async () => {
      const store = await PostgresStore.open({ connectionString: await server.freshDatabaseUrl() });
      const alice = user('alice');
      await store.createAccount(alice);
      const bad = token(alice, { label: 'a\u0000b' });
      await expect(store.addToken(bad)).rejects.toThrow(/U\+0000/);
      expect(await store.tokensOf(alice.id)).toEqual([]);
      expect(await store.tokenByDigest('x\u0000y')).toBeNull();
      await store.close();
    });
  });

  describe('commit window', () => {
    it('holds appends for the window and commits them together', async () => {
      const store = await PostgresStore.open({ connectionString: await server.freshDatabaseUrl(), commitWindowMs: 50 });
      let resolved = 0;
      const appends = [1, 2, 3].map((seq) => store.append(message('w', seq)).then(() => resolved++));
      await new Promise((r) => setTimeout(r, 5));
      expect(resolved).toBe(0);
      expect(await store.history('w', {})).toEqual([]);
      await Promise.all(appends);
      expect((await store.history('w', {})).map((m) => m.seq)).toEqual([1, 2, 3]);
      await store.close();
    });

    it('commits what is pending on close and refuses appends after it', async () => {
      const url = await server.freshDatabaseUrl();
      const store = await PostgresStore.open({ connectionString: url, commitWindowMs: 1000 });
      const pending = store.append(message('c', 1));
      const closing = store.close();
      await expect(store.append(message('c', 2))).rejects.toThrow(/closed/);
      await closing;
      expect((await pending).message.seq).toBe(1);
      const reopened = await PostgresStore.open({ connectionString: url });
      expect((await reopened.history('c', {})).length).toBe(1);
      await reopened.close();
    });
  });

  it('opens PostgreSQL when DATABASE_URL is set, and names a missing database in one line', async () => {
    const store = await openStore(ConfigSchema.parse({ databaseUrl: await server.freshDatabaseUrl() }), pino({ level: 'silent' }));
    expect(store).toBeInstanceOf(PostgresStore);
    expect((await store.append(message('o', 1))).message.seq).toBe(1);
    await store.close();
    const missing = new URL(server.url);
    missing.pathname = '/no_such_database';
    const opening = openStore(ConfigSchema.parse({ databaseUrl: missing.toString() }), pino({ level: 'silent' }));
    await expect(opening).rejects.toThrow(StoreOpenError);
    await expect(opening).rejects.toThrow(/^Cannot use the PostgreSQL database at .*\/no_such_database \(DATABASE_URL\): database "no_such_database" does not exist$/);
  });

  it('migrates once when several nodes start together', async () => {
    const url = await server.freshDatabaseUrl();
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ connectionString: url, poolSize: 2 })));
    const appended = await Promise.all(stores.map((s) => s.append(message('m', 1))));
    expect(appended.map((a) => a.message.seq).sort()).toEqual([1, 2, 3, 4]);
    await Promise.all(stores.map((s) => s.close()));
  });
});

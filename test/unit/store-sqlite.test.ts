import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { hasAccounts } from '../../src/core/ports/accounts.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { accountsContract, token, user } from '../contracts/accounts-contract.js';
import { message, storeContract } from '../contracts/store-contract.js';
import { moderationContract } from '../contracts/moderation-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const paths = new WeakMap<object, string>();

storeContract('sqlite (real file)', {
  create: async () => {
    const path = join(dir, `db${++n}.sqlite`);
    const store = SqliteStore.open(path);
    paths.set(store, path);
    return store;
  },
  reopen: async (closed) => SqliteStore.open(paths.get(closed) ?? ''),
});

accountsContract('sqlite (real file)', {
  create: async () => {
    const path = join(dir, `db${++n}.sqlite`);
    const store = SqliteStore.open(path);
    paths.set(store, path);
    return store;
  },
  reopen: async (closed) => SqliteStore.open(paths.get(closed) ?? ''),
  // A second connection to the same file, as a second process would open it.
  sameData: async (open) => SqliteStore.open(paths.get(open) ?? ''),
});

moderationContract('sqlite (real file)', {
  create: async () => {
    const path = join(dir, `db${++n}.sqlite`);
    const store = SqliteStore.open(path);
    paths.set(store, path);
    return store;
  },
  reopen: async (closed) => SqliteStore.open(paths.get(closed) ?? ''),
});

describe('SqliteStore accounts', () => {
  it('is an account store, so the server turns accounts on with it', async () => {
    const store = SqliteStore.open(join(dir, 'has-accounts.sqlite'));
    expect(hasAccounts(store)).toBe(true);
    await store.close();
  });

  it('migrates a database made before accounts: old messages keep their fields and have no account', async () => {
    const path = join(dir, 'before-accounts.sqlite');
    const old = new Database(path);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);');
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.prepare("INSERT INTO rooms (name, last_seq, last_ts) VALUES ('old', 1, 5)").run();
    old.prepare("INSERT INTO messages (room, seq, id, kind, author, text, ts) VALUES ('old', 1, 'm-old', 'chat', 'ann', 'before', 5)").run();
    old.close();
    const store = SqliteStore.open(path);
    expect(await store.history('old', {})).toEqual([{ id: 'm-old', room: 'old', seq: 1, kind: 'chat', author: 'ann', text: 'before', ts: 5 }]);
    expect((await store.append(message('old', 2, { account: 'acct-new' }))).message).toMatchObject({ seq: 2, account: 'acct-new' });
    const alice = user('alice');
    expect(await store.createAccount(alice)).toBe(true);
    await store.addToken(token(alice));
    await store.close();
  });
});

describe('SqliteStore commit window', () => {
  it('holds appends for the window and commits them together', async () => {
    const store = SqliteStore.open(join(dir, 'window.sqlite'), { commitWindowMs: 30 });
    let resolved = 0;
    const appends = [1, 2, 3].map((seq) => store.append(message('w', seq)).then(() => resolved++));
    await new Promise((r) => setTimeout(r, 5));
    expect(resolved).toBe(0);
    expect(await store.history('w', {})).toEqual([]);
    await Promise.all(appends);
    expect(resolved).toBe(3);
    expect((await store.history('w', {})).map((m) => m.seq)).toEqual([1, 2, 3]);
    await store.close();
  });

  it('commits what is pending on close', async () => {
    const path = join(dir, 'close.sqlite');
    const store = SqliteStore.open(path, { commitWindowMs: 1000 });
    const pending = store.append(message('c', 1));
    await store.close();
    await pending;
    const reopened = SqliteStore.open(path);
    expect((await reopened.history('c', {})).length).toBe(1);
    await reopened.close();
  });
});

describe('SqliteStore background checkpoints', () => {
  // Copying the database file without its -wal file shows only what was checkpointed.
  const checkpointedCount = (path: string): number => {
    const copy = `${path}.copy`;
    copyFileSync(path, copy);
    const db = new Database(copy, { readonly: true });
    const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages'").get() as { n: number };
    const n = row.n === 0 ? 0 : (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    db.close();
    return n;
  };

  it('moves committed messages into the database file from a worker', async () => {
    const path = join(dir, 'checkpoint.sqlite');
    const store = SqliteStore.open(path, { checkpointIntervalMs: 50 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.append(message('ck', i + 1))));
    const deadline = Date.now() + 5000;
    while (checkpointedCount(path) < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(checkpointedCount(path)).toBe(500);
    await store.close();
  });

  it('leaves the WAL alone when background checkpoints are off and the WAL is small', async () => {
    const path = join(dir, 'no-checkpoint.sqlite');
    const store = SqliteStore.open(path, { checkpointIntervalMs: 0 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(message('nc', i + 1))));
    await new Promise((r) => setTimeout(r, 200));
    expect(checkpointedCount(path)).toBe(0);
    await store.close();
  });
});

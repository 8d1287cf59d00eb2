import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { storeContract } from '../contracts/store-contract.js';

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

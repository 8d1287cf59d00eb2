import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';

export interface HistoryDbSpec {
  readonly rooms: number;
  /** Stop at this many messages... */
  readonly messages?: number;
  /** ...or once the file reaches this size. */
  readonly targetBytes?: number;
  readonly textBytes: number;
}

export interface HistoryDb {
  readonly path: string;
  readonly messages: number;
  readonly bytes: number;
  readonly rooms: number;
}

const CHUNK = 50_000;

/**
 * A history database in Parley's schema, cached under `cacheDir` (git-ignored) by spec and
 * schema: created by SqliteStore itself (so the schema is the store's), then filled by a
 * direct bulk insert, room after room in seq order, without journal or fsync.
 */
export async function ensureHistoryDb(cacheDir: string, spec: HistoryDbSpec, log: (line: string) => void): Promise<HistoryDb> {
  const schema = createHash('sha256').update(MIGRATIONS.join('\n')).digest('hex').slice(0, 8);
  const size = spec.messages !== undefined ? `${spec.messages}m` : `${Math.round((spec.targetBytes ?? 0) / 2 ** 20)}MiB`;
  const path = join(cacheDir, `history-${size}-${spec.rooms}r-${spec.textBytes}b-${schema}.db`);
  mkdirSync(cacheDir, { recursive: true });
  if (existsSync(path)) return describe(path, spec.rooms);

  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = SqliteStore.open(building, { durability: 'normal' });
  await store.close();
  const db = new Database(building);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO messages (room, seq, id, kind, author, text, ts) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const room = db.prepare('INSERT INTO rooms (name, topic, last_seq, last_ts) VALUES (?, ?, ?, ?)');
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const pages = db.prepare('PRAGMA page_count').pluck();
  const texts = textPool(spec.textBytes);
  const perRoomCap = spec.messages !== undefined ? Math.ceil(spec.messages / spec.rooms) : Number.MAX_SAFE_INTEGER;
  const t0 = Date.now() - 365 * 86_400_000;
  let total = 0;
  let done = false;
  const fill = db.transaction((roomName: string, from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      insert.run(roomName, seq, randomUUID(), 'chat', `user${seq % 97}`, texts[(seq * 31 + total) % texts.length], t0 + seq * 1000);
    }
  });
  // Rooms are filled in rounds of CHUNK messages each so that a size target ends with rooms of equal length.
  const perRound = Math.max(1, Math.floor(CHUNK / spec.rooms));
  const lastSeq = new Array<number>(spec.rooms).fill(0);
  for (let round = 0; !done && round < 1_000_000; round++) {
    for (let r = 0; r < spec.rooms && !done; r++) {
      const from = (lastSeq[r] ?? 0) + 1;
      const to = Math.min(from + perRound - 1, perRoomCap);
      if (to < from) {
        done = true;
        break;
      }
      fill(`room${r}`, from, to);
      lastSeq[r] = to;
      total += to - from + 1;
      if (spec.messages !== undefined && total >= spec.messages) done = true;
    }
    const bytes = Number(pages.get()) * pageSize;
    if (spec.targetBytes !== undefined && bytes >= spec.targetBytes) done = true;
    if (round % 10 === 0) log(`  building ${path.split('/').pop()}: ${total} messages, ${Math.round(bytes / 2 ** 20)} MiB`);
  }
  db.transaction(() => {
    lastSeq.forEach((seq, r) => room.run(`room${r}`, '', seq, t0 + seq * 1000));
  })();
  // Left in rollback mode so that reading the cache creates no -wal/-shm; the store sets WAL itself.
  db.pragma('journal_mode = DELETE');
  db.close();
  renameSync(building, path);
  return describe(path, spec.rooms);
}

function describe(path: string, rooms: number): HistoryDb {
  const db = new Database(path, { readonly: true });
  const messages = Number(db.prepare('SELECT sum(last_seq) FROM rooms').pluck().get());
  db.close();
  return { path, messages, bytes: statSync(path).size, rooms };
}

/** Varied printable texts of about `bytes` bytes (deterministic). */
function textPool(bytes: number): string[] {
  const words = ['hello', 'ship', 'it', 'merge', 'coffee', 'later', 'parley', 'review', 'deploy', 'lunch', 'ok', 'thanks', 'why', 'bug', 'fixed'];
  let x = 12345;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x;
  };
  return Array.from({ length: 1000 }, () => {
    let text = '';
    while (text.length < bytes) text += `${words[next() % words.length]} `;
    return text.slice(0, bytes - 1 - (next() % Math.max(1, Math.floor(bytes / 3))));
  });
}

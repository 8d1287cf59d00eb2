import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import type { ChatMessage } from '../../src/core/types.js';
import { dedupeKey, numberBatch, planBatch, type StoredSend } from '../../src/store/postgres/batch-plan.js';
import { MemoryStore } from '../../src/store/memory.js';
import { describeError, redactUrl } from '../../src/store/postgres/errors.js';
import { openStore, StoreOpenError } from '../../src/store/open.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { DEDUPE_WINDOW_MS, type Appended, type MessageDraft } from '../../src/store/store.js';
import { message } from '../contracts/store-contract.js';
import { fuzzParams } from '../helpers/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'parley-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const silent = pino({ level: 'silent' });

/** A port on loopback that nobody listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('redactUrl and describeError', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://ann:s3cret@db.example:5433/parley?sslmode=require')).toBe('postgres://ann:***@db.example:5433/parley?sslmode=require');
    expect(redactUrl('postgresql://db/parley')).toBe('postgresql://db/parley');
    expect(redactUrl('not a url')).toBe('(an unparsable URL)');
  });

  it('makes one line of any error', () => {
    expect(describeError(new Error('first\n  second'))).toBe('first second');
    expect(describeError(Object.assign(new Error(''), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(describeError(new AggregateError([new Error('inner')], ''))).toBe('inner');
  });
});

describe('planBatch (the dedupe rules inside one PostgreSQL transaction)', () => {
  const dedupe = { authorKey: 'ann', clientId: 'k' };

  it('counts numbers per room, sorts rooms, and keeps the last topic', () => {
    const plan = planBatch(
      [message('b', 1), message('a', 1), message('b', 2, { kind: 'topic', text: 'one' }), message('b', 3, { kind: 'topic', text: 'two', ts: 5 })],
      [],
    );
    expect(plan.rooms).toEqual([
      { name: 'a', count: 1, lastTs: message('a', 1).ts, topic: null },
      { name: 'b', count: 3, lastTs: 5, topic: 'two' },
    ]);
    const { messages } = numberBatch(plan, new Map([['a', 7], ['b', 12]]));
    expect(messages.map((m) => `${m.room}${m.seq}`)).toEqual(['b10', 'a7', 'b11', 'b12']);
  });

  it('answers a retry within the batch with the earlier message, and a reused key with new text names the new one', () => {
    const drafts = [
      message('r', 1, { text: 'hi', dedupe }),
      message('r', 2, { text: 'hi', dedupe }),
      message('r', 3, { text: 'changed', dedupe }),
      message('r', 4, { text: 'changed', dedupe }),
      message('r', 5, { text: 'hi', dedupe }),
    ];
    const plan = planBatch(drafts, []);
    expect(plan.fresh.map((d) => d.text)).toEqual(['hi', 'changed', 'hi']);
    const { results } = numberBatch(plan, new Map([['r', 3]]));
    expect(results.map((r) => [r.message.seq, r.duplicate])).toEqual([
      [1, false],
      [1, true],
      [2, false],
      [2, true],
      [3, false],
    ]);
  });

  it('answers a retry of a stored send only within the window', () => {
    const stored = { id: 'old', room: 'r', seq: 9, kind: 'chat' as const, author: 'ann', text: 'hi', ts: 1000 };
    const send = { authorKey: 'ann', clientId: 'k', sentTs: 1000, message: stored };
    const inside = planBatch([message('r', 1, { text: 'hi', dedupe, ts: 1000 + DEDUPE_WINDOW_MS - 1 })], [send]);
    expect(numberBatch(inside, new Map()).results).toEqual([{ message: stored, duplicate: true }]);
    const outside = planBatch([message('r', 1, { text: 'hi', dedupe, ts: 1000 + DEDUPE_WINDOW_MS })], [send]);
    expect(outside.fresh.length).toBe(1);
  });
});

describe('planBatch against the memory store (property)', () => {
  // The database side of commit.ts, simulated: remembered sends and each room's last seq.
  function commitSimulated(db: { sends: Map<string, StoredSend>; lastSeq: Map<string, number> }, drafts: MessageDraft[]): Appended[] {
    const keys = new Set(drafts.flatMap((d) => (d.dedupe ? [dedupeKey(d.dedupe.authorKey, d.dedupe.clientId)] : [])));
    const plan = planBatch(drafts, [...keys].flatMap((k) => db.sends.get(k) ?? []));
    for (const room of plan.rooms) db.lastSeq.set(room.name, (db.lastSeq.get(room.name) ?? 0) + room.count);
    const { messages, results } = numberBatch(plan, db.lastSeq);
    plan.fresh.forEach((draft, i) => {
      const stored = messages[i] as ChatMessage;
      if (draft.dedupe) db.sends.set(dedupeKey(draft.dedupe.authorKey, draft.dedupe.clientId), { ...draft.dedupe, sentTs: stored.ts, message: stored });
    });
    return results;
  }

  const draftSpec = fc.record({
    room: fc.constantFrom('a', 'b'),
    text: fc.constantFrom('x', 'y'),
    kind: fc.constantFrom('chat' as const, 'action' as const, 'topic' as const),
    authorKey: fc.constantFrom('ann', 'bob'),
    clientId: fc.constantFrom('1', '2', undefined),
    wait: fc.constantFrom(0, 1, DEDUPE_WINDOW_MS / 2, DEDUPE_WINDOW_MS - 1, DEDUPE_WINDOW_MS),
  });

  it('gives every draft the same answer as appending one at a time to MemoryStore, however the drafts are batched', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(draftSpec, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        const model = new MemoryStore();
        const db = { sends: new Map<string, StoredSend>(), lastSeq: new Map<string, number>() };
        let ts = 1_000;
        let n = 0;
        for (const batch of batches) {
          const drafts = batch.map((d): MessageDraft => {
            ts += d.wait;
            const dedupe = d.clientId === undefined ? undefined : { authorKey: d.authorKey, clientId: d.clientId };
            return { id: `d${++n}`, room: d.room, kind: d.kind, author: d.authorKey, text: d.text, ts, dedupe };
          });
          const expected: Appended[] = [];
          for (const draft of drafts) expected.push(await model.append(draft));
          expect(commitSimulated(db, drafts)).toEqual(expected);
        }
      }),
      fuzzParams(),
    );
  });
});

describe('openStore', () => {
  it('opens SQLite under DATA_DIR when DATABASE_URL is not set', async () => {
    const store = await openStore(ConfigSchema.parse({ dataDir: join(dir, 'sqlite') }), silent);
    expect(store).toBeInstanceOf(SqliteStore);
    expect((await store.append(message('x', 1))).message.seq).toBe(1);
    await store.close();
  });

  it('fails with one line naming the database, never its password, when nobody listens', async () => {
    const url = `postgres://ann:s3cret@127.0.0.1:${await closedPort()}/parley`;
    const failure = await openStore(ConfigSchema.parse({ databaseUrl: url }), silent).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreOpenError);
    const text = (failure as Error).message;
    expect(text).toMatch(/^Cannot use the PostgreSQL database at postgres:\/\/ann:\*\*\*@127\.0\.0\.1:\d+\/parley \(DATABASE_URL\): .*ECONNREFUSED/);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('\n');
  });

  it('gives up on a server that accepts and never answers, after the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const mute: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const address = mute.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const opening = openStore(ConfigSchema.parse({ databaseUrl: `postgresql://127.0.0.1:${port}/parley` }), silent, { connectTimeoutMs: 300 });
      await expect(opening).rejects.toThrow(StoreOpenError);
      await expect(opening).rejects.toThrow(/^Cannot use the PostgreSQL database at postgresql:\/\/127\.0\.0\.1:\d+\/parley \(DATABASE_URL\): .*timeout/i);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });
});

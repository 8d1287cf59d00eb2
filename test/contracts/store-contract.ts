import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import type { Store } from '../../src/store/store.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  create(): Promise<Store>;
  /** The same data, opened again after close(); absent if the store cannot outlive a process. */
  reopen?: (closed: Store) => Promise<Store>;
}

let counter = 0;
export function message(room: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: `m${++counter}`, room, seq, kind: 'chat', author: 'ann', text: `text ${seq}`, ts: 1_700_000_000_000 + seq, ...extra };
}

/** The one contract every Store must pass; run from a test file per implementation. */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('starts empty', async () => {
      expect(await store.loadRooms()).toEqual([]);
      expect(await store.history('general', {})).toEqual([]);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('returns the newest messages oldest first, paged by sequence', async () => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.append(message('general', i + 1))));
      const latest = await store.history('general', { limit: 5 });
      expect(latest.map((m) => m.seq)).toEqual([26, 27, 28, 29, 30]);
      const before = await store.history('general', { before: 26, limit: 3 });
      expect(before.map((m) => m.seq)).toEqual([23, 24, 25]);
      const after = await store.history('general', { after: 3, limit: 4 });
      expect(after.map((m) => m.seq)).toEqual([4, 5, 6, 7]);
      expect(await store.history('other', {})).toEqual([]);
    });

    it('keeps every field as given', async () => {
      const m = message('dev', 1, { kind: 'action', author: 'Zoë', text: 'waves 👋 <b>x</b>' });
      await store.append(m);
      expect(await store.history('dev', {})).toEqual([m]);
    });

    it('resolves appends in call order and records the room', async () => {
      const order: number[] = [];
      await Promise.all([1, 2, 3].map((seq) => store.append(message('a', seq)).then(() => order.push(seq))));
      expect(order).toEqual([1, 2, 3]);
      const rooms = await store.loadRooms();
      expect(rooms).toEqual([{ name: 'a', topic: '', lastSeq: 3, lastTs: 1_700_000_000_003 }]);
    });

    it('sets the topic from a topic message', async () => {
      await store.append(message('dev', 1));
      await store.append(message('dev', 2, { kind: 'topic', text: 'Release day' }));
      await store.append(message('dev', 3));
      expect((await store.loadRooms()).find((r) => r.name === 'dev')).toMatchObject({ topic: 'Release day', lastSeq: 3 });
    });

    it('rejects a duplicate sequence number without losing what was stored', async () => {
      await store.append(message('dup', 1));
      await expect(store.append(message('dup', 1))).rejects.toThrow();
      expect((await store.history('dup', {})).length).toBe(1);
    });

    it('clamps the page size', async () => {
      await Promise.all(Array.from({ length: 600 }, (_, i) => store.append(message('big', i + 1))));
      expect((await store.history('big', { limit: 10_000 })).length).toBe(500);
      expect((await store.history('big', {})).length).toBe(50);
    });

    it.skipIf(!factory.reopen)('keeps history and topics across a restart (skipped for a store that cannot outlive its process)', async () => {
      await store.append(message('dev', 1));
      await store.append(message('dev', 2, { kind: 'topic', text: 'kept' }));
      await store.close();
      store = await (factory.reopen as NonNullable<StoreFactory['reopen']>)(store);
      expect((await store.history('dev', {})).map((m) => m.seq)).toEqual([1, 2]);
      expect(await store.loadRooms()).toEqual([{ name: 'dev', topic: 'kept', lastSeq: 2, lastTs: 1_700_000_000_002 }]);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/core/types.js';
import { hasAccounts } from '../../src/core/ports/accounts.js';
import { DEDUPE_WINDOW_MS, hasMaintenance, ImportConflictError, type HistoryMaintenance, type MessageDraft, type Store } from '../../src/store/store.js';
import { token, user } from './accounts-contract.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  create(): Promise<Store>;
  /** The same data, opened again after close(); absent if the store cannot outlive a process. */
  reopen?: (closed: Store) => Promise<Store>;
}

let counter = 0;
/** The draft of what will be the room's message number `seq` (the store assigns it). */
export function message(room: string, seq: number, extra: Partial<MessageDraft> = {}): MessageDraft {
  return { id: `m${++counter}`, room, kind: 'chat', author: 'ann', text: `text ${seq}`, ts: 1_700_000_000_000 + seq, ...extra };
}

function stored(draft: MessageDraft, seq: number): ChatMessage {
  const { dedupe: _dedupe, ...fields } = draft;
  return { ...fields, seq };
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

    it('keeps every field as given and numbers the message', async () => {
      const m = message('dev', 1, { kind: 'action', author: 'Zoë', text: 'waves 👋 <b>x</b>\nsecond line' });
      const appended = await store.append(m);
      expect(appended).toEqual({ message: stored(m, 1), duplicate: false });
      expect(await store.history('dev', {})).toEqual([stored(m, 1)]);
    });

    it('keeps the author’s account id, and gives a guest’s message no account field', async () => {
      const member = message('acc', 1, { account: 'acct-7f3e' });
      const guest = message('acc', 2);
      expect((await store.append(member)).message).toEqual(stored(member, 1));
      const appendedGuest = (await store.append(guest)).message;
      expect('account' in appendedGuest).toBe(false);
      const history = await store.history('acc', {});
      expect(history).toEqual([stored(member, 1), stored(guest, 2)]);
      expect(history[0]?.account).toBe('acct-7f3e');
      expect(history.map((m) => 'account' in m)).toEqual([true, false]);
      expect((await store.history('acc', { after: 0 })).map((m) => m.account)).toEqual(['acct-7f3e', undefined]);
      expect((await store.history('acc', { before: 2 })).map((m) => m.account)).toEqual(['acct-7f3e']);
    });

    it('returns the account of the first message to a retry', async () => {
      const dedupe = { authorKey: 'ann', clientId: 'acc-retry' };
      const first = await store.append(message('acc', 1, { text: 'once', account: 'acct-1', dedupe }));
      await store.flush();
      const again = await store.append(message('acc', 2, { text: 'once', account: 'acct-1', dedupe }));
      expect(again).toEqual({ message: first.message, duplicate: true });
      expect(again.message.account).toBe('acct-1');
    });

    it('numbers each room from 1 without gaps, in call order', async () => {
      const drafts = [message('a', 1), message('b', 1), message('a', 2), message('a', 3), message('b', 2)];
      const appended = await Promise.all(drafts.map((d) => store.append(d)));
      expect(appended.map((a) => `${a.message.room}${a.message.seq}`)).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
      expect((await store.history('a', {})).map((m) => m.id)).toEqual([drafts[0]?.id, drafts[2]?.id, drafts[3]?.id]);
    });

    it('stores a retry with the same client id once and returns the first message', async () => {
      const dedupe = { authorKey: 'ann', clientId: 'c-1' };
      const first = await store.append(message('r', 1, { text: 'once', dedupe }));
      // The retry comes in the same batch and again later; both get the first message back.
      const [again, later] = await Promise.all([
        store.append(message('r', 2, { text: 'once', dedupe })),
        store.append(message('r', 3, { text: 'once', dedupe })),
      ]);
      expect(again).toEqual({ message: first.message, duplicate: true });
      expect(later).toEqual({ message: first.message, duplicate: true });
      const next = await store.append(message('r', 4, { text: 'next' }));
      expect(next.message.seq).toBe(2);
      expect((await store.history('r', {})).map((m) => m.text)).toEqual(['once', 'next']);
    });

    it('treats a reused client id with other text, room or author as a new message', async () => {
      const dedupe = { authorKey: 'ann', clientId: '1' };
      await store.append(message('r', 1, { text: 'hello', dedupe }));
      expect((await store.append(message('r', 2, { text: 'other', dedupe }))).duplicate).toBe(false);
      expect((await store.append(message('s', 1, { text: 'other', dedupe }))).duplicate).toBe(false);
      expect((await store.append(message('s', 2, { text: 'other', dedupe: { authorKey: 'bob', clientId: '1' } }))).duplicate).toBe(false);
      expect((await store.history('r', {})).length).toBe(2);
      expect((await store.history('s', {})).length).toBe(2);
    });

    it('forgets a client id after the dedupe window', async () => {
      const dedupe = { authorKey: 'ann', clientId: 'old' };
      await store.append(message('w', 1, { text: 'same', dedupe, ts: 1_000 }));
      const late = await store.append(message('w', 2, { text: 'same', dedupe, ts: 1_000 + DEDUPE_WINDOW_MS }));
      expect(late.duplicate).toBe(false);
      expect(late.message.seq).toBe(2);
    });

    it('keeps client ids exactly: any characters, and ids that differ only by them stay distinct', async () => {
      const ids = ['a\u0000b', 'a%00b', 'a%b', '💬 «x»', 'a\nb', 'a b'];
      const first = await Promise.all(ids.map((clientId, i) => store.append(message('ids', i + 1, { text: 'same', dedupe: { authorKey: 'ann', clientId } }))));
      expect(first.map((a) => a.duplicate)).toEqual(ids.map(() => false));
      const again = await Promise.all(ids.map((clientId, i) => store.append(message('ids', 10 + i, { text: 'same', dedupe: { authorKey: 'ann', clientId } }))));
      expect(again).toEqual(first.map((a) => ({ message: a.message, duplicate: true })));
      expect((await store.history('ids', {})).length).toBe(ids.length);
    });

    it('stores a message beside one it cannot store without losing it (a bad draft fails alone)', async () => {
      const results = await Promise.allSettled([
        store.append(message('mix', 1, { text: 'before' })),
        store.append(message('mix', 2, { text: 'nul \u0000 inside' })),
        store.append(message('mix', 3, { text: 'after' })),
      ]);
      // A store may accept the odd text or refuse it; either way the others are stored, in order, without a gap.
      expect(results[0]?.status).toBe('fulfilled');
      expect(results[2]?.status).toBe('fulfilled');
      const texts = (await store.history('mix', {})).map((m) => m.text);
      expect(texts.filter((t) => t !== 'nul \u0000 inside')).toEqual(['before', 'after']);
      expect((await store.history('mix', {})).map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1));
    });

    it('numbers a burst larger than any batch in call order', async () => {
      const appended = await Promise.all(Array.from({ length: 4500 }, (_, i) => store.append(message('burst', i + 1))));
      expect(appended.every((a, i) => a.message.seq === i + 1 && !a.duplicate)).toBe(true);
      expect((await store.loadRooms()).find((r) => r.name === 'burst')?.lastSeq).toBe(4500);
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

    it('reads history with bounds that are not small whole numbers as numbers', async () => {
      await Promise.all([1, 2, 3, 4].map((seq) => store.append(message('b', seq))));
      const seqs = async (query: { before?: number; after?: number }): Promise<number[]> => (await store.history('b', query)).map((m) => m.seq);
      expect(await seqs({ after: 2.5 })).toEqual([3, 4]);
      expect(await seqs({ before: 2.5 })).toEqual([1, 2]);
      expect(await seqs({ after: 1e300 })).toEqual([]);
      expect(await seqs({ before: 1e300 })).toEqual([1, 2, 3, 4]);
      expect(await seqs({ after: -1e300 })).toEqual([1, 2, 3, 4]);
      expect(await seqs({ before: Number.MAX_SAFE_INTEGER + 2 })).toEqual([1, 2, 3, 4]);
    });

    it('clamps the page size', async () => {
      await Promise.all(Array.from({ length: 600 }, (_, i) => store.append(message('big', i + 1))));
      expect((await store.history('big', { limit: 10_000 })).length).toBe(500);
      expect((await store.history('big', {})).length).toBe(50);
    });

    describe('history maintenance: export, import, retention', () => {
      const bulk = (): HistoryMaintenance => {
        if (!hasMaintenance(store)) throw new Error('this store has no export, import or retention (HistoryMaintenance)');
        return store;
      };
      const at = (seq: number, ts: number, extra: Partial<MessageDraft> = {}): MessageDraft => message('old', seq, { ts, ...extra });

      it('retention deletes only what is older, and the room keeps numbering after the deletion', async () => {
        await store.append(at(1, 1_000));
        await store.append(at(2, 2_000));
        await store.append(at(3, 3_000));
        await store.append(message('other', 1, { ts: 1_000 }));
        expect(await bulk().deleteOldMessages('old', 3_000, 100)).toBe(2);
        expect((await store.history('old', {})).map((m) => m.seq)).toEqual([3]);
        expect((await store.history('other', {})).map((m) => m.seq)).toEqual([1]);
        expect(await bulk().deleteOldMessages('old', 4_000, 100)).toBe(1);
        expect(await store.history('old', {})).toEqual([]);
        expect((await store.loadRooms()).find((r) => r.name === 'old')?.lastSeq).toBe(3);
        expect((await store.append(at(4, 5_000))).message.seq).toBe(4);
      });

      it('retention deletes in batches of at most the limit, oldest first', async () => {
        await Promise.all(Array.from({ length: 7 }, (_, i) => store.append(at(i + 1, 1_000 + i))));
        expect(await bulk().deleteOldMessages('old', 10_000, 3)).toBe(3);
        expect((await store.history('old', {})).map((m) => m.seq)).toEqual([4, 5, 6, 7]);
        expect(await bulk().deleteOldMessages('old', 10_000, 3)).toBe(3);
        expect(await bulk().deleteOldMessages('old', 10_000, 3)).toBe(1);
        expect(await bulk().deleteOldMessages('old', 10_000, 3)).toBe(0);
        expect(await bulk().deleteOldMessages('nowhere', 10_000, 3)).toBe(0);
      });

      it('retention after a restart still continues the numbering', async () => {
        await store.append(at(1, 1_000));
        await store.append(at(2, 2_000));
        expect(await bulk().deleteOldMessages('old', 9_000, 100)).toBe(2);
        if (factory.reopen) {
          await store.close();
          store = await factory.reopen(store);
        }
        expect((await store.append(at(3, 10_000))).message.seq).toBe(3);
      });

      it('exports pages in ascending order, from a number and a time on', async () => {
        await Promise.all(Array.from({ length: 9 }, (_, i) => store.append(at(i + 1, 1_000 * (i + 1), i === 0 ? { account: 'acct-x' } : {}))));
        const first = await bulk().exportPage('old', 0, 4);
        expect(first.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
        expect(first[0]?.account).toBe('acct-x');
        expect('account' in (first[1] as ChatMessage)).toBe(false);
        expect((await bulk().exportPage('old', 4, 100)).map((m) => m.seq)).toEqual([5, 6, 7, 8, 9]);
        expect((await bulk().exportPage('old', 0, 100, 7_000)).map((m) => m.seq)).toEqual([7, 8, 9]);
        expect(await bulk().exportPage('none', 0, 10)).toEqual([]);
      });

      it('imports messages with their numbers and fields; the room continues after them', async () => {
        const source: ChatMessage[] = [
          { id: 'i5', room: 'imp', seq: 5, kind: 'chat', author: 'ann', text: 'five', ts: 5_000, account: 'acct-a' },
          { id: 'i6', room: 'imp', seq: 6, kind: 'topic', author: 'bob', text: 'Imported topic', ts: 6_000 },
          { id: 'i9', room: 'imp', seq: 9, kind: 'action', author: 'cy', text: 'waves\nand leaves', ts: 9_000 },
        ];
        expect(await bulk().importMessages(source)).toEqual({ stored: 3, skipped: 0 });
        expect(await store.history('imp', {})).toEqual(source);
        expect((await store.loadRooms()).find((r) => r.name === 'imp')).toEqual({ name: 'imp', topic: 'Imported topic', lastSeq: 9, lastTs: 9_000 });
        expect((await store.append(message('imp', 10))).message.seq).toBe(10);
      });

      it('an import run twice stores each message once', async () => {
        const source: ChatMessage[] = [1, 2, 3].map((seq) => ({ id: `twice-${seq}`, room: 'tw', seq, kind: 'chat', author: 'ann', text: `t${seq}`, ts: seq }));
        await bulk().importMessages(source);
        expect(await bulk().importMessages(source)).toEqual({ stored: 0, skipped: 3 });
        expect((await store.history('tw', {})).map((m) => m.id)).toEqual(['twice-1', 'twice-2', 'twice-3']);
      });

      it('refuses an import that would clash with or reuse a number, storing nothing of it', async () => {
        await store.append(message('busy', 1));
        await store.append(message('busy', 2));
        const clash: ChatMessage = { id: 'other', room: 'busy', seq: 2, kind: 'chat', author: 'x', text: 'y', ts: 1 };
        const fine: ChatMessage = { id: 'new-room', room: 'calm', seq: 1, kind: 'chat', author: 'x', text: 'y', ts: 1 };
        await expect(bulk().importMessages([fine, clash])).rejects.toBeInstanceOf(ImportConflictError);
        expect(await store.history('calm', {})).toEqual([]);
        expect((await store.append(message('calm', 1))).message.seq).toBe(1);
        // A number used and then deleted is not used again either.
        await bulk().deleteOldMessages('busy', Number.MAX_SAFE_INTEGER, 10);
        await expect(bulk().importMessages([{ ...clash, seq: 1 }])).rejects.toBeInstanceOf(ImportConflictError);
        expect((await bulk().importMessages([{ ...clash, seq: 3 }])).stored).toBe(1);
        expect((await store.append(message('busy', 4))).message.seq).toBe(4);
      });

      it('imports a room: topic set, last number raised and never lowered', async () => {
        await bulk().importRoom({ name: 'shell', topic: 'Kept topic', lastSeq: 40, lastTs: 4_000 });
        expect((await store.loadRooms()).find((r) => r.name === 'shell')).toEqual({ name: 'shell', topic: 'Kept topic', lastSeq: 40, lastTs: 4_000 });
        await bulk().importRoom({ name: 'shell', topic: 'Later', lastSeq: 7, lastTs: 100 });
        expect((await store.loadRooms()).find((r) => r.name === 'shell')).toEqual({ name: 'shell', topic: 'Later', lastSeq: 40, lastTs: 4_000 });
        expect((await store.append(message('shell', 41))).message.seq).toBe(41);
      });

      it('forgets client ids past the dedupe window when pruned', async () => {
        const dedupe = { authorKey: 'ann', clientId: 'pruned' };
        await store.append(message('p', 1, { text: 'same', dedupe, ts: 1_000 }));
        await store.flush();
        expect((await bulk().pruneExpired(1_000 + DEDUPE_WINDOW_MS - 1)).sends).toBe(0);
        expect((await bulk().pruneExpired(1_000 + DEDUPE_WINDOW_MS + 1)).sends).toBe(1);
      });

      it('deletes login tokens at their expiry and keeps the rest', async () => {
        if (!hasAccounts(store)) throw new Error('this store keeps no accounts');
        const ann = user('pruneann');
        await store.createAccount(ann);
        const expiring = token(ann, { expiresAt: 50_000 });
        const later = token(ann, { expiresAt: 90_000 });
        const never = token(ann, { expiresAt: null });
        for (const t of [expiring, later, never]) await store.addToken(t);
        expect((await bulk().pruneExpired(50_000)).tokens).toBe(1);
        expect(await store.tokenByDigest(expiring.digest)).toBeNull();
        expect(await store.tokenByDigest(later.digest)).toEqual(later);
        expect(await store.tokenByDigest(never.digest)).toEqual(never);
      });
    });

    it.skipIf(!factory.reopen)('keeps history and topics across a restart (skipped for a store that cannot outlive its process)', async () => {
      await store.append(message('dev', 1));
      await store.append(message('dev', 2, { kind: 'topic', text: 'kept' }));
      await store.close();
      store = await (factory.reopen as NonNullable<StoreFactory['reopen']>)(store);
      expect((await store.history('dev', {})).map((m) => m.seq)).toEqual([1, 2]);
      expect(await store.loadRooms()).toEqual([{ name: 'dev', topic: 'kept', lastSeq: 2, lastTs: 1_700_000_000_002 }]);
      expect((await store.append(message('dev', 3))).message.seq).toBe(3);
    });

    it.skipIf(!factory.reopen)('keeps the account of a message across a restart (skipped for a store that cannot outlive its process)', async () => {
      await store.append(message('acc', 1, { account: 'acct-kept' }));
      await store.append(message('acc', 2));
      await store.close();
      store = await (factory.reopen as NonNullable<StoreFactory['reopen']>)(store);
      const history = await store.history('acc', {});
      expect(history.map((m) => m.account)).toEqual(['acct-kept', undefined]);
      expect('account' in (history[1] as ChatMessage)).toBe(false);
    });

    it.skipIf(!factory.reopen)('recognises a retry after a restart (skipped for a store that cannot outlive its process)', async () => {
      const dedupe = { authorKey: 'ann', clientId: 'across' };
      const first = await store.append(message('dev', 1, { text: 'kept once', dedupe }));
      await store.close();
      store = await (factory.reopen as NonNullable<StoreFactory['reopen']>)(store);
      expect(await store.append(message('dev', 2, { text: 'kept once', dedupe }))).toEqual({ message: first.message, duplicate: true });
      expect((await store.history('dev', {})).length).toBe(1);
    });
  });
}
